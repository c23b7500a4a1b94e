//! The front desk: students and guardians, search, duplicates, enrolment
//! with capacity and status log, enquiries to admission.

mod common;

use branchdesk_api::commands::academics::SaveCourse;
use branchdesk_api::commands::leads::*;
use branchdesk_api::commands::org::SaveRoom;
use branchdesk_api::commands::students::*;
use branchdesk_api::commands::timetable::{SaveBatch, Slot};
use branchdesk_api::ids::{BatchId, BranchId, StudentId};
use branchdesk_api::ErrorCode;
use common::{admit, api, fixture, parent, Fixture};

/// A batch of `capacity` seats in a fresh room.
fn batch(f: &Fixture, name: &str, capacity: u32) -> BatchId {
    let course = f
        .desk
        .save_course(
            &f.director,
            SaveCourse {
                code: name.replace(' ', "").chars().take(10).collect(),
                name: name.into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    let room = f
        .desk
        .save_room(
            &f.director,
            SaveRoom { id: None, branch_id: f.branch, name: format!("Room {name}"), capacity: 40 },
        )
        .unwrap()
        .id;
    f.desk
        .save_batch(
            &f.director,
            SaveBatch {
                branch_id: f.branch,
                course_id: course,
                name: name.into(),
                teacher_id: f.director.user_id,
                room_id: room,
                capacity,
                start_date: "2026-06-01".into(),
                end_date: "2026-12-31".into(),
                // Each batch of a test on its own day: the director teaches them all.
                slots: vec![Slot {
                    weekday: 1 + f.count("SELECT count(*) FROM batches") as u32,
                    start: "09:00".into(),
                    end: "10:00".into(),
                }],
                fee_minor: 300_000,
                ..Default::default()
            },
        )
        .unwrap()
        .id
}

#[test]
fn students_get_codes_from_this_desks_series_and_bad_input_is_refused() {
    let f = fixture();
    let a = admit(&f, "Asha Rao", "98450 11111", Some(parent("Lakshmi Rao", "98450 22222"))).unwrap().student;
    let b = admit(&f, "Vikram Rao", "", Some(parent("Lakshmi Rao", "98450 33333"))).unwrap().student;
    let tag = branchdesk_desk::students::desk_tag(f.desk.device_id());
    assert_eq!(a.code, format!("K2-{tag}-0001"));
    assert_eq!(b.code, format!("K2-{tag}-0002"));
    assert_eq!(a.guardians[0].full_name, "Lakshmi Rao");
    let minor = f.desk.save_student(
        &f.director,
        SaveStudent {
            branch_id: f.branch,
            full_name: "Kid".into(),
            date_of_birth: "2015-01-01".into(),
            ..Default::default()
        },
    );
    assert!(api(minor.unwrap_err()).is_for("guardians"));
    let good = || SaveStudent {
        branch_id: f.branch,
        full_name: "Ok".into(),
        date_of_birth: "1990-01-01".into(),
        ..Default::default()
    };
    for (input, field) in [
        (SaveStudent { full_name: " ".into(), ..good() }, "full_name"),
        (SaveStudent { phone: "123".into(), ..good() }, "phone"),
        (SaveStudent { email: "asha@".into(), ..good() }, "email"),
        (SaveStudent { date_of_birth: "2030-01-01".into(), ..good() }, "date_of_birth"),
        (SaveStudent { date_of_birth: "31/04/2010".into(), ..good() }, "date_of_birth"),
        (SaveStudent { code: a.code.clone(), ..good() }, "code"),
        (SaveStudent { code: "K2 1".into(), ..good() }, "code"),
        (
            SaveStudent {
                guardians: vec![GuardianInput {
                    full_name: "X".into(),
                    relation: "Father".into(),
                    ..Default::default()
                }],
                ..good()
            },
            "guardians[0].phone",
        ),
    ] {
        let e = api(f.desk.save_student(&f.director, input).unwrap_err());
        assert!(e.is_for(field), "{field}: {e:?}");
    }
    // A failed save wrote nothing.
    assert_eq!(f.count("SELECT count(*) FROM students"), 2);
}

#[test]
fn siblings_share_a_guardian_and_duplicates_are_flagged_never_merged_silently() {
    let f = fixture();
    let a = admit(&f, "Asha Rao", "98450 11111", Some(parent("Lakshmi Rao", "98450 22222"))).unwrap().student;
    let mother = a.guardians[0].id;
    let sibling = admit(
        &f,
        "Vikram Rao",
        "",
        Some(GuardianInput {
            guardian_id: Some(mother),
            relation: "Mother".into(),
            is_primary: true,
            ..Default::default()
        }),
    )
    .unwrap();
    assert_eq!(sibling.student.guardians[0].id, mother);
    assert_eq!(sibling.student.guardians[0].other_students[0].full_name, "Asha Rao");
    assert!(sibling.possible_duplicates.is_empty(), "a sibling is not a duplicate");
    // Same phone: flagged. Same name and guardian phone: flagged.
    let again = admit(&f, "Asha R.", "+91 98450-11111", Some(parent("L Rao", "98450 44444"))).unwrap();
    assert_eq!(again.possible_duplicates.len(), 1);
    assert_eq!(again.possible_duplicates[0].id, a.id);
    let twin = admit(&f, "asha rao", "", Some(parent("Lakshmi", "9845022222"))).unwrap();
    assert!(twin.possible_duplicates.iter().any(|d| d.id == a.id), "{:?}", twin.possible_duplicates);
    assert_eq!(
        f.count("SELECT count(*) FROM students WHERE archived_at IS NULL"),
        4,
        "nothing merged by itself"
    );
    // The clerk merges the second Asha into the first.
    let merged = f
        .desk
        .merge_students(&f.director, MergeStudents { keep: a.id, duplicate: again.student.id })
        .unwrap();
    assert!(merged.student.guardians.iter().any(|g| g.full_name == "L Rao"));
    let gone = f.desk.get_student(&f.director, GetStudent { id: again.student.id }).unwrap();
    assert!(gone.student.archived);
    assert!(gone.student.notes.contains(&a.code));
}

/// Issue 25, defect 6: a sibling admitted with the same parent (the phone
/// typed any way, the name in any case) shares the one guardian; the
/// branch's guardians with a phone are offered with their children.
#[test]
fn a_sibling_admitted_with_the_same_parent_shares_the_one_guardian() {
    let f = fixture();
    let asha = admit(&f, "Asha Rao", "", Some(parent("Sunita Rao", "+91 98290 12345"))).unwrap().student;
    let ravi = admit(&f, "Ravi Rao", "", Some(parent("  sunita  RAO ", "98290-12345"))).unwrap();
    let mother = asha.guardians[0].id;
    assert_eq!(ravi.student.guardians[0].id, mother, "linked, not made again");
    assert_eq!(f.count("SELECT count(*) FROM guardians"), 1);
    assert!(ravi.possible_duplicates.is_empty(), "a sibling is not a duplicate");
    let asha = f.desk.get_student(&f.director, GetStudent { id: asha.id }).unwrap().student;
    assert_eq!(asha.guardians[0].other_students[0].full_name, "Ravi Rao", "both list her");
    assert_eq!(ravi.student.guardians[0].other_students[0].full_name, "Asha Rao");
    // An email typed for her the third time is kept; she is still one.
    let mut with_email = parent("Sunita Rao", "9829012345");
    with_email.email = "sunita@example.com".into();
    let kiran = admit(&f, "Kiran Rao", "", Some(with_email)).unwrap().student;
    assert_eq!(kiran.guardians[0].id, mother);
    assert_eq!(kiran.guardians[0].email.as_deref(), Some("sunita@example.com"));
    assert_eq!(f.count("SELECT count(*) FROM guardians"), 1);
    // The same phone with another name: the clerk meant another guardian.
    let meena = admit(&f, "Meena Rao", "", Some(parent("Mahesh Rao", "09829012345"))).unwrap().student;
    assert_ne!(meena.guardians[0].id, mother);
    assert_eq!(f.count("SELECT count(*) FROM guardians"), 2);
    // Offered by phone, however it is written, with their children.
    let find = |phone: &str| {
        f.desk
            .find_guardians(&f.director, FindGuardians { branch_id: f.branch, phone: phone.into() })
            .unwrap()
    };
    let found = find("+91 98290 12345");
    assert_eq!(found.iter().map(|g| g.full_name.as_str()).collect::<Vec<_>>(), ["Sunita Rao", "Mahesh Rao"]);
    let mut children: Vec<(String, String)> =
        found[0].children.iter().map(|c| (c.relation.clone(), c.full_name.clone())).collect();
    children.sort();
    assert_eq!(
        children,
        [
            ("Mother".into(), "Asha Rao".into()),
            ("Mother".into(), "Kiran Rao".into()),
            ("Mother".into(), "Ravi Rao".into())
        ]
    );
    assert_eq!(find("(982) 901-2345"), found);
    assert_eq!(find("9829012345"), found);
    assert!(find("98290").is_empty(), "not a whole number yet");
    assert!(find("98290 12346").is_empty());
    // Seeing them needs the right to see students in that branch.
    let (_, marketing) = f.staff("m@example.com", "DIGITAL_MARKETING", Some(f.branch));
    let e =
        f.desk.find_guardians(&marketing, FindGuardians { branch_id: f.branch, phone: "9829012345".into() });
    assert_eq!(api(e.unwrap_err()).code, ErrorCode::PermissionDenied);
}

/// A guardian chosen by id must exist and be of the student's branch; an
/// enquiry admitted with a sibling's parent links the same guardian.
#[test]
fn a_chosen_guardian_is_checked_and_admission_from_an_enquiry_shares_it_too() {
    let f = fixture();
    let asha = admit(&f, "Asha Rao", "", Some(parent("Sunita Rao", "9829012345"))).unwrap().student;
    let mother = asha.guardians[0].id;
    let hsr = f.second_branch();
    let elsewhere = f
        .desk
        .save_student(
            &f.director,
            SaveStudent {
                branch_id: hsr,
                full_name: "Dev Nair".into(),
                guardians: vec![parent("Latha Nair", "9900012345")],
                ..Default::default()
            },
        )
        .unwrap()
        .student
        .guardians[0]
        .id;
    let chosen =
        |id| GuardianInput { guardian_id: Some(id), relation: "Mother".into(), ..Default::default() };
    let students = f.count("SELECT count(*) FROM students");
    let e = admit(&f, "Ravi Rao", "", Some(chosen(elsewhere))).unwrap_err();
    assert!(e.is_for("guardians[0].guardian_id") && e.code == ErrorCode::Invalid, "{e:?}");
    let unknown = branchdesk_api::ids::GuardianId(uuid::Uuid::now_v7());
    let e = admit(&f, "Ravi Rao", "", Some(chosen(unknown))).unwrap_err();
    assert!(e.is_for("guardians[0].guardian_id") && e.code == ErrorCode::NotFound, "{e:?}");
    assert_eq!(f.count("SELECT count(*) FROM students"), students, "nothing written");
    let ravi = admit(&f, "Ravi Rao", "", Some(chosen(mother))).unwrap().student;
    assert_eq!(ravi.guardians[0].id, mother);

    // Admitting from enquiries: the parent typed again, or chosen.
    let b = batch(&f, "Chemistry XI", 30);
    let lead = |name: &str, parent: &str, phone: &str| {
        f.desk
            .save_lead(
                &f.director,
                SaveLead {
                    branch_id: f.branch,
                    full_name: name.into(),
                    guardian_name: parent.into(),
                    guardian_phone: phone.into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .id
    };
    let convert = |lead_id, guardian_id| {
        f.desk
            .convert_lead(
                &f.director,
                ConvertLead {
                    lead_id,
                    batch_id: b,
                    guardian_relation: "Mother".into(),
                    guardian_id,
                    ..Default::default()
                },
            )
            .map_err(api)
    };
    let kiran = convert(lead("Kiran Rao", "SUNITA RAO", "+91-98290-12345"), None).unwrap();
    assert_eq!(kiran.student.guardians[0].id, mother, "same parent phone and name");
    let meena_lead = lead("Meena Rao", "Parent", "9829012345");
    let e = convert(meena_lead, Some(elsewhere)).unwrap_err();
    assert!(e.is_for("guardian_id") && e.code == ErrorCode::Invalid, "{e:?}");
    assert!(convert(meena_lead, Some(unknown)).unwrap_err().is_for("guardian_id"));
    let meena = convert(meena_lead, Some(mother)).unwrap();
    assert_eq!(meena.student.guardians[0].id, mother, "chosen from the offer");
    assert_eq!(f.count(&format!("SELECT count(*) FROM guardians WHERE branch_id = '{}'", f.branch)), 1);
    assert_eq!(f.count(&format!("SELECT count(*) FROM student_guardians WHERE guardian_id = '{mother}'")), 4);
}

#[test]
fn search_finds_by_three_letters_last_digits_code_and_guardian_phone() {
    let f = fixture();
    let a = admit(&f, "Asha Rao", "98450 12345", Some(parent("Lakshmi Rao", "99000 67890"))).unwrap().student;
    admit(&f, "Vikram Menon", "98860 55555", Some(parent("Anil Menon", "99000 11111"))).unwrap();
    let find = |q: &str| -> Vec<String> {
        f.desk
            .search_students(&f.director, SearchStudents { query: q.into(), limit: 0 })
            .unwrap()
            .into_iter()
            .map(|s| s.full_name)
            .collect()
    };
    assert_eq!(find("ash"), ["Asha Rao"]);
    assert_eq!(find("ASH"), ["Asha Rao"]);
    assert_eq!(find("2345"), ["Asha Rao"]);
    assert_eq!(find("98450 12345"), ["Asha Rao"]);
    assert_eq!(find("67890"), ["Asha Rao"], "by the guardian's phone");
    assert_eq!(find(&a.code), ["Asha Rao"]);
    assert_eq!(find("men"), ["Vikram Menon"]);
    assert_eq!(find("Vi"), ["Vikram Menon"], "two letters: the start of a name");
    assert!(find("zzz").is_empty());
    assert!(find("\"; DROP TABLE students; --").is_empty());
    // Someone without the right to see students finds nothing.
    let (_, marketing) = f.staff("m@example.com", "DIGITAL_MARKETING", Some(f.branch));
    let e = f.desk.search_students(&marketing, SearchStudents { query: "ash".into(), limit: 0 });
    assert_eq!(api(e.unwrap_err()).code, ErrorCode::PermissionDenied);
}

#[test]
fn enrolment_checks_capacity_and_keeps_a_status_log() {
    let f = fixture();
    let b = batch(&f, "Maths VIII", 2);
    let s: Vec<StudentId> = ["A One", "B Two", "C Three"]
        .iter()
        .enumerate()
        .map(|(i, n)| {
            admit(&f, n, &format!("9845000{i:03}"), Some(parent("P", &format!("9900000{i:03}"))))
                .unwrap()
                .student
                .id
        })
        .collect();
    let enrol = |student: StudentId| {
        f.desk
            .enrol(&f.director, Enrol { student_id: student, batch_id: b, ..Default::default() })
            .map_err(api)
    };
    let e1 = enrol(s[0]).unwrap();
    assert_eq!(e1.status, EnrolmentStatus::Active);
    assert_eq!(e1.log.len(), 1);
    assert!(enrol(s[0]).unwrap_err().is_for("batch_id"), "enrolled twice");
    enrol(s[1]).unwrap();
    let full = enrol(s[2]).unwrap_err();
    assert_eq!(full.code, ErrorCode::Conflict);
    assert!(full.message.contains("full (2 of 2 seats)"), "{}", full.message);
    // Dropping needs a reason, frees the seat, and is logged.
    let e = f.desk.set_enrolment_status(
        &f.director,
        SetEnrolmentStatus { id: e1.id, status: EnrolmentStatus::Dropped, reason: String::new() },
    );
    assert!(api(e.unwrap_err()).is_for("reason"));
    let dropped = f
        .desk
        .set_enrolment_status(
            &f.director,
            SetEnrolmentStatus { id: e1.id, status: EnrolmentStatus::Dropped, reason: "Moved city".into() },
        )
        .unwrap();
    assert_eq!(dropped.log.len(), 2);
    assert_eq!(dropped.log[1].reason, "Moved city");
    assert_eq!(dropped.log[1].from_status, Some(EnrolmentStatus::Active));
    assert_eq!(dropped.log[1].changed_by.as_deref(), Some("Meera Iyer"));
    enrol(s[2]).unwrap();
    // The batch cannot shrink below its enrolment.
    let roster = f.desk.list_roster(&f.director, ListRoster { batch_id: b }).unwrap();
    assert_eq!(roster.iter().filter(|e| e.status.holds_seat()).count(), 2);
    // Completion issues a certificate record.
    let done = f
        .desk
        .set_enrolment_status(
            &f.director,
            SetEnrolmentStatus {
                id: roster[0].id,
                status: EnrolmentStatus::Completed,
                reason: String::new(),
            },
        )
        .unwrap();
    assert!(done.certificate_no.is_some());
    // Concessions: a kind and a reason are needed and the value is bounded;
    // the fees that follow are the discounted ones.
    let fresh = admit(&f, "D Four", "9845000999", Some(parent("P", "9900000999"))).unwrap().student.id;
    let concession = |category, reason: &str, value| {
        f.desk
            .enrol(
                &f.director,
                Enrol {
                    student_id: fresh,
                    batch_id: b,
                    discount_kind: DiscountKind::Percent,
                    discount_value: value,
                    discount_category: category,
                    discount_reason: reason.into(),
                    ..Default::default()
                },
            )
            .map_err(api)
    };
    assert!(concession(ConcessionCategory::None, "Sibling of Asha", 1000)
        .unwrap_err()
        .is_for("discount_category"));
    assert!(concession(ConcessionCategory::Sibling, "", 1000).unwrap_err().is_for("discount_reason"));
    assert!(concession(ConcessionCategory::Sibling, "Sibling of Asha", 10_001)
        .unwrap_err()
        .is_for("discount_value"));
    let e = concession(ConcessionCategory::Sibling, "Sibling of Asha", 1000).unwrap();
    assert_eq!(e.discount_category, ConcessionCategory::Sibling);
    let fees = f
        .desk
        .get_student_account(
            &f.director,
            branchdesk_api::commands::money::GetStudentAccount { student_id: fresh },
        )
        .unwrap();
    assert!(
        fees.dues.iter().filter(|d| !d.cancelled).all(|d| d.amount_minor == 270_000),
        "10 % off ₹3,000: {:?}",
        fees.dues
    );
}

#[test]
fn capacity_cannot_drop_below_the_enrolled_students() {
    let f = fixture();
    let b = batch(&f, "Physics", 3);
    for i in 0..3 {
        let s =
            admit(&f, &format!("S{i}"), &format!("98450{i:05}"), Some(parent("P", &format!("99000{i:05}"))))
                .unwrap()
                .student;
        f.desk.enrol(&f.director, Enrol { student_id: s.id, batch_id: b, ..Default::default() }).unwrap();
    }
    let detail =
        f.desk.get_batch(&f.director, branchdesk_api::commands::timetable::GetBatch { id: b }).unwrap().batch;
    let e = f.desk.save_batch(
        &f.director,
        SaveBatch {
            id: Some(b),
            branch_id: f.branch,
            course_id: detail.course_id,
            name: detail.name,
            teacher_id: detail.teacher_id,
            room_id: detail.room_id,
            capacity: 2,
            start_date: detail.start_date,
            end_date: detail.end_date,
            slots: detail.slots,
            ..Default::default()
        },
    );
    let e = api(e.unwrap_err());
    assert!(e.is_for("capacity"));
    assert!(e.message.contains("3 students are enrolled"), "{}", e.message);
}

#[test]
fn an_enquiry_is_followed_up_and_converted_in_one_step() {
    let f = fixture();
    let b = batch(&f, "Chemistry XI", 30);
    let (_, clerk) = f.staff("clerk@example.com", "BACKOFFICE", Some(f.branch));
    let lead = f
        .desk
        .save_lead(
            &clerk,
            SaveLead {
                branch_id: f.branch,
                full_name: "Rohan Shetty".into(),
                guardian_name: "Suresh Shetty".into(),
                guardian_phone: "98860 12121".into(),
                source: "Walk-in".into(),
                next_follow_up: "2026-06-01".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(lead.status, LeadStatus::New);
    let due = f.desk.list_leads(&clerk, ListLeads { branch_id: f.branch, view: LeadView::DueToday }).unwrap();
    assert_eq!(due.len(), 1);
    for view in [LeadView::Open, LeadView::All] {
        assert_eq!(
            f.desk.list_leads(&clerk, ListLeads { branch_id: f.branch, view }).unwrap().len(),
            1,
            "{view:?}"
        );
    }
    let e = f.desk.save_lead(
        &clerk,
        SaveLead { branch_id: f.branch, full_name: "No contact".into(), ..Default::default() },
    );
    assert!(api(e.unwrap_err()).is_for("phone"));
    let e = f.desk.save_lead(
        &clerk,
        SaveLead {
            branch_id: f.branch,
            full_name: "Old".into(),
            phone: "9845099999".into(),
            next_follow_up: "2026-05-01".into(),
            ..Default::default()
        },
    );
    assert!(api(e.unwrap_err()).is_for("next_follow_up"));
    // The director may enquire anywhere, but only in a branch that exists.
    let e = f.desk.save_lead(
        &f.director,
        SaveLead {
            branch_id: BranchId(uuid::Uuid::new_v4()),
            full_name: "Nowhere".into(),
            phone: "9845099999".into(),
            ..Default::default()
        },
    );
    assert!(api(e.unwrap_err()).is_for("branch_id"));
    let called = f
        .desk
        .log_lead_activity(
            &clerk,
            LogLeadActivity {
                lead_id: lead.id,
                kind: ActivityKind::Call,
                outcome: "Father will visit on Friday".into(),
                status: Some(LeadStatus::Contacted),
                next_follow_up: "2026-06-05".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(called.status, LeadStatus::Contacted);
    assert_eq!(called.activities.len(), 1);
    assert_eq!(called.next_follow_up.as_deref(), Some("2026-06-05"));
    assert!(f
        .desk
        .list_leads(&clerk, ListLeads { branch_id: f.branch, view: LeadView::DueToday })
        .unwrap()
        .is_empty());
    f.clock.advance(chrono::Duration::days(7));
    assert_eq!(
        f.desk.list_leads(&clerk, ListLeads { branch_id: f.branch, view: LeadView::Overdue }).unwrap().len(),
        1
    );
    let student = f
        .desk
        .convert_lead(
            &clerk,
            ConvertLead {
                lead_id: lead.id,
                batch_id: b,
                date_of_birth: "2009-08-20".into(),
                guardian_relation: "Father".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(student.student.full_name, "Rohan Shetty");
    assert_eq!(student.student.guardians[0].relation, "Father");
    assert_eq!(student.enrolments.len(), 1);
    assert_eq!(student.enrolments[0].batch_name, "Chemistry XI");
    let kept = f.desk.get_lead(&clerk, GetLead { id: lead.id }).unwrap();
    assert_eq!(kept.status, LeadStatus::Converted);
    assert_eq!(kept.student_id, Some(student.student.id));
    // Converting twice is refused; a lost lead needs a reason.
    let again =
        f.desk.convert_lead(&clerk, ConvertLead { lead_id: lead.id, batch_id: b, ..Default::default() });
    assert_eq!(api(again.unwrap_err()).code, ErrorCode::Conflict);
    let other = f
        .desk
        .save_lead(
            &clerk,
            SaveLead {
                branch_id: f.branch,
                full_name: "Maya".into(),
                phone: "9845077777".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let lost = f.desk.log_lead_activity(
        &clerk,
        LogLeadActivity {
            lead_id: other.id,
            kind: ActivityKind::Call,
            outcome: "Not interested".into(),
            status: Some(LeadStatus::Lost),
            ..Default::default()
        },
    );
    assert!(api(lost.unwrap_err()).is_for("lost_reason"));
    // A failed conversion (full batch) writes nothing.
    let tiny = batch(&f, "Tiny", 1);
    let filler = admit(&f, "Filler", "9845066666", Some(parent("P", "9900066666"))).unwrap().student;
    f.desk.enrol(&f.director, Enrol { student_id: filler.id, batch_id: tiny, ..Default::default() }).unwrap();
    let students_before = f.count("SELECT count(*) FROM students");
    let e =
        f.desk.convert_lead(&clerk, ConvertLead { lead_id: other.id, batch_id: tiny, ..Default::default() });
    assert_eq!(api(e.unwrap_err()).code, ErrorCode::Conflict);
    assert_eq!(f.count("SELECT count(*) FROM students"), students_before);
    assert_eq!(f.desk.get_lead(&clerk, GetLead { id: other.id }).unwrap().status, LeadStatus::New);
}

#[test]
fn a_duplicate_enquiry_is_flagged() {
    let f = fixture();
    admit(&f, "Asha Rao", "98450 12345", Some(parent("Lakshmi", "99000 67890"))).unwrap();
    let lead = f
        .desk
        .save_lead(
            &f.director,
            SaveLead {
                branch_id: f.branch,
                full_name: "Asha".into(),
                phone: "+91 98450 12345".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(lead.possible_duplicates.len(), 1);
    assert!(lead.possible_duplicates[0].starts_with("Student "), "{:?}", lead.possible_duplicates);
    // A second enquiry with the same number is flagged against the first, in the list too.
    let again = f
        .desk
        .save_lead(
            &f.director,
            SaveLead {
                branch_id: f.branch,
                full_name: "Asha R".into(),
                phone: "098450-12345".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(
        again.possible_duplicates.iter().any(|d| d == "Lead Asha (New)"),
        "{:?}",
        again.possible_duplicates
    );
    let listed =
        f.desk.list_leads(&f.director, ListLeads { branch_id: f.branch, view: LeadView::Open }).unwrap();
    let first = listed.iter().find(|l| l.id == lead.id).unwrap();
    assert!(
        first.possible_duplicates.iter().any(|d| d == "Lead Asha R (New)"),
        "{:?}",
        first.possible_duplicates
    );
}

#[test]
fn a_student_with_a_sign_in_sees_only_their_own_record() {
    let f = fixture();
    let b = batch(&f, "Physics", 30);
    let asha = admit(&f, "Asha Rao", "98450 12345", Some(parent("Lakshmi", "99000 67890"))).unwrap().student;
    let other =
        admit(&f, "Vikram Menon", "98450 54321", Some(parent("Anil", "99000 11111"))).unwrap().student;
    f.desk.enrol(&f.director, Enrol { student_id: asha.id, batch_id: b, ..Default::default() }).unwrap();
    let weak = f.desk.give_student_login(
        &f.director,
        GiveStudentLogin { student_id: asha.id, email: "asha@example.com".into(), password: "asha".into() },
    );
    assert!(api(weak.unwrap_err()).is_for("password"));
    let taken = f.desk.give_student_login(
        &f.director,
        GiveStudentLogin {
            student_id: asha.id,
            email: common::DIRECTOR_EMAIL.into(),
            password: "Maple-Lantern-44".into(),
        },
    );
    assert!(api(taken.unwrap_err()).is_for("email"));
    let (_, clerk) = f.staff("clerk@example.com", "BACKOFFICE", Some(f.branch));
    let no_user_rights = f.desk.give_student_login(
        &clerk,
        GiveStudentLogin {
            student_id: asha.id,
            email: "asha@example.com".into(),
            password: "Maple-Lantern-44".into(),
        },
    );
    assert_eq!(api(no_user_rights.unwrap_err()).code, ErrorCode::PermissionDenied);
    let with_login = f
        .desk
        .give_student_login(
            &f.director,
            GiveStudentLogin {
                student_id: asha.id,
                email: "asha@example.com".into(),
                password: "Maple-Lantern-44".into(),
            },
        )
        .unwrap();
    assert!(with_login.has_login);
    let again = f.desk.give_student_login(
        &f.director,
        GiveStudentLogin {
            student_id: asha.id,
            email: "asha2@example.com".into(),
            password: "Maple-Lantern-44".into(),
        },
    );
    assert_eq!(api(again.unwrap_err()).code, ErrorCode::Conflict);

    let (token, _) = f
        .desk
        .login(branchdesk_api::commands::session::Login {
            email: "asha@example.com".into(),
            password: "Maple-Lantern-44".into(),
        })
        .unwrap();
    let student = f.desk.actor(&token).unwrap();
    let mine = f.desk.get_my_record(&student, GetMyRecord {}).unwrap();
    assert_eq!(mine.student.id, asha.id);
    assert_eq!(mine.enrolments.len(), 1);
    // Nothing of anyone else.
    assert_eq!(
        api(f.desk.get_student(&student, GetStudent { id: other.id }).unwrap_err()).code,
        ErrorCode::PermissionDenied
    );
    assert_eq!(
        api(f.desk.search_students(&student, SearchStudents { query: "vik".into(), limit: 0 }).unwrap_err())
            .code,
        ErrorCode::PermissionDenied
    );
    assert_eq!(api(f.desk.get_my_record(&f.director, GetMyRecord {}).unwrap_err()).code, ErrorCode::NotFound);
}

#[test]
fn a_student_photo_is_a_small_jpeg_or_png() {
    use base64::Engine;
    let f = fixture();
    let s = admit(&f, "Asha Rao", "98450 12345", Some(parent("Lakshmi", "99000 67890"))).unwrap().student;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A];
    png.extend([0u8; 100]);
    let with = f
        .desk
        .set_student_photo(&f.director, SetStudentPhoto { student_id: s.id, photo_b64: b64(&png) })
        .unwrap();
    assert!(with.photo.unwrap().starts_with("data:image/png;base64,iVBOR"));
    let text = f.desk.set_student_photo(
        &f.director,
        SetStudentPhoto { student_id: s.id, photo_b64: b64(b"not a picture") },
    );
    assert!(api(text.unwrap_err()).is_for("photo_b64"));
    let mut big = vec![0xFF, 0xD8, 0xFF];
    big.extend(vec![0u8; 1024 * 1024]);
    assert!(api(f
        .desk
        .set_student_photo(&f.director, SetStudentPhoto { student_id: s.id, photo_b64: b64(&big) })
        .unwrap_err())
    .is_for("photo_b64"));
    let without = f
        .desk
        .set_student_photo(&f.director, SetStudentPhoto { student_id: s.id, photo_b64: String::new() })
        .unwrap();
    assert!(without.photo.is_none());
}
