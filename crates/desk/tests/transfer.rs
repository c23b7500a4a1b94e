//! Transferring a student between branches: who may, bad input, what
//! moves (the student, guardians only they use, a copy of a shared one),
//! what stays (the old enrolments and attendance, read-only), and the
//! history the new branch sees.

mod common;

use branchdesk_api::commands::students::*;
use branchdesk_api::ErrorCode;
use common::{admit, api, fixture, parent};

/// A transfer moves the student with their history: the open enrolment here
/// is closed with the reason, a guardian only they use moves, one a sibling
/// here shares is copied, the new branch sees the whole record and the old
/// one keeps it read-only.
#[test]
fn a_transferred_student_takes_their_history_and_the_old_branch_keeps_a_read_only_record() {
    use branchdesk_api::commands::attendance::{AttendanceStatus, Mark, SaveMarks};
    use branchdesk_api::commands::timetable::GetBatch;
    let f = fixture();
    let hsr = f.second_branch();
    let b = f.physics_batch(f.director.user_id, |b| {
        b.name = "Physics XI".into();
        b.fee_minor = 300_000;
    });
    let asha =
        admit(&f, "Asha Rao", "98450 11111", Some(parent("Lakshmi Rao", "98450 22222"))).unwrap().student;
    let sibling = GuardianInput {
        guardian_id: Some(asha.guardians[0].id),
        relation: "Mother".into(),
        is_primary: true,
        ..Default::default()
    };
    let vikram = admit(&f, "Vikram Rao", "", Some(sibling)).unwrap().student;
    f.desk.enrol(&f.director, Enrol { student_id: asha.id, batch_id: b, ..Default::default() }).unwrap();
    let session = f.desk.get_batch(&f.director, GetBatch { id: b }).unwrap().sessions[0].id;
    f.desk
        .save_marks(
            &f.director,
            SaveMarks {
                session_id: session,
                marks: vec![Mark {
                    student_id: asha.id,
                    status: AttendanceStatus::Present,
                    note: String::new(),
                }],
                ..Default::default()
            },
        )
        .unwrap();

    // Who may, and bad input.
    let (_, clerk_hsr) = f.staff("hsr@example.com", "BACKOFFICE", Some(hsr));
    let (_, teacher) = f.staff("t@example.com", "TEACHER", Some(f.branch));
    let transfer = |actor, to, reason: &str| {
        f.desk
            .transfer_student(
                actor,
                TransferStudent { student_id: asha.id, to_branch_id: to, reason: reason.into() },
            )
            .map_err(api)
    };
    assert_eq!(transfer(&teacher, hsr, "Moved").unwrap_err().code, ErrorCode::PermissionDenied);
    assert_eq!(
        transfer(&clerk_hsr, hsr, "Moved").unwrap_err().code,
        ErrorCode::PermissionDenied,
        "not their student yet"
    );
    assert_eq!(transfer(&f.director, hsr, " ").unwrap_err().field.as_deref(), Some("reason"));
    assert_eq!(transfer(&f.director, f.branch, "Moved").unwrap_err().field.as_deref(), Some("to_branch_id"));
    let nowhere = branchdesk_api::ids::BranchId(uuid::Uuid::new_v4());
    assert_eq!(transfer(&f.director, nowhere, "Moved").unwrap_err().field.as_deref(), Some("to_branch_id"));
    assert_eq!(f.count("SELECT count(*) FROM student_transfers"), 0, "nothing half written");

    // The sending branch's manager moves her.
    let (_, manager) = f.staff("gm@example.com", "GENERAL_MANAGER", Some(f.branch));
    let moved = transfer(&manager, hsr, "Family moved to HSR Layout").unwrap();
    assert_eq!(moved.student.branch_id, hsr);
    assert!(moved.moved_away.is_some(), "the manager of the old branch sees it read-only");
    let dropped = &moved.enrolments[0];
    assert_eq!(dropped.status, EnrolmentStatus::Dropped);
    assert_eq!(dropped.log.last().unwrap().reason, "Transferred to HSR Layout");

    // The new branch: the student, a copy of the shared guardian, the history.
    let seen = f.desk.get_student(&clerk_hsr, GetStudent { id: asha.id }).unwrap();
    assert_eq!(seen.moved_away, None);
    assert_eq!(seen.student.guardians[0].full_name, "Lakshmi Rao");
    assert_ne!(seen.student.guardians[0].id, asha.guardians[0].id, "the sibling at K2 keeps the original");
    let [history] = seen.earlier_branches.as_slice() else { panic!("{:?}", seen.earlier_branches) };
    assert_eq!(history.to_branch_name, "HSR Layout");
    assert_eq!(history.reason, "Family moved to HSR Layout");
    assert_eq!(history.enrolments[0].batch_name, "Physics XI");
    assert_eq!(history.enrolments[0].status, EnrolmentStatus::Dropped);
    assert_eq!(history.attendance.lines.len(), 1);
    assert_eq!(history.attendance.lines[0].status, AttendanceStatus::Present);
    let fees = history.fees.as_ref().expect("fees at K2 go with the history");
    let open: Vec<&str> = fees.dues.iter().filter(|d| !d.cancelled).map(|d| d.due_on.as_str()).collect();
    assert_eq!(open, ["2026-06-01"], "July's fee was cancelled with the enrolment");
    assert_eq!(fees.pending_minor, 300_000);
    let listed =
        f.desk.list_students(&clerk_hsr, ListStudents { branch_id: hsr, ..Default::default() }).unwrap();
    assert_eq!(listed.iter().map(|s| s.full_name.as_str()).collect::<Vec<_>>(), ["Asha Rao"]);
    let found = f
        .desk
        .search_students(&clerk_hsr, SearchStudents { query: "ash".into(), ..Default::default() })
        .unwrap();
    assert_eq!(found[0].id, asha.id);
    // She can be enrolled there; the HSR clerk edits her, the K2 manager no longer.
    let edit = |actor| {
        f.desk
            .save_student(
                actor,
                SaveStudent {
                    id: Some(asha.id),
                    branch_id: hsr,
                    full_name: "Asha Rao".into(),
                    phone: "98450 11111".into(),
                    date_of_birth: "2010-03-14".into(),
                    notes: "Prefers evenings".into(),
                    ..Default::default()
                },
            )
            .map_err(api)
    };
    assert_eq!(edit(&manager).unwrap_err().code, ErrorCode::PermissionDenied);
    edit(&clerk_hsr).unwrap();

    // The old branch: Vikram keeps the original guardian; Asha left the list.
    let k2 =
        f.desk.list_students(&manager, ListStudents { branch_id: f.branch, ..Default::default() }).unwrap();
    assert_eq!(k2.iter().map(|s| s.full_name.as_str()).collect::<Vec<_>>(), ["Vikram Rao"]);
    let v = f.desk.get_student(&manager, GetStudent { id: vikram.id }).unwrap();
    assert_eq!(v.student.guardians[0].id, asha.guardians[0].id);
    assert!(v.student.guardians[0].other_students.is_empty(), "Asha is linked to the copy now");
    // The closed enrolment at K2 cannot be brought back for a student now at HSR.
    let back = f
        .desk
        .set_enrolment_status(
            &f.director,
            SetEnrolmentStatus { id: dropped.id, status: EnrolmentStatus::Active, reason: String::new() },
        )
        .map_err(api)
        .unwrap_err();
    assert_eq!(back.field.as_deref(), Some("status"));
    // Moving her again to where she is, or back by someone without rights there, is refused.
    assert_eq!(transfer(&f.director, hsr, "Again").unwrap_err().field.as_deref(), Some("to_branch_id"));
    assert_eq!(transfer(&manager, f.branch, "Back").unwrap_err().code, ErrorCode::PermissionDenied);
}
