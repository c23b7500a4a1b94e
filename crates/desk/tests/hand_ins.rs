//! Students hand in their own work (text and a file); teachers see it per
//! assignment, open the files and grade; files go through attachments.

mod common;

use base64::Engine;
use branchdesk_api::commands::academics::*;
use branchdesk_api::commands::attachments::{FileUpload, OpenAttachment};
use branchdesk_api::commands::students::{Enrol, GiveStudentLogin, SaveStudent};
use branchdesk_api::ids::{AssignmentId, BatchId, StudentId};
use branchdesk_api::ErrorCode;
use branchdesk_desk::Actor;
use common::{api, fixture, Fixture};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n";

fn file(name: &str, bytes: &[u8]) -> FileUpload {
    FileUpload {
        file_name: name.into(),
        content_b64: base64::engine::general_purpose::STANDARD.encode(bytes),
    }
}

struct Class {
    batch: BatchId,
    assignment: AssignmentId,
    teacher: Actor,
}

/// An approved Physics version with a worksheet due Friday 5 June 2026, the
/// teacher's batch following it (1 June to 31 July).
fn class(f: &Fixture) -> Class {
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let course = f
        .desk
        .save_course(
            &f.director,
            SaveCourse { code: "PHY".into(), name: "Physics".into(), ..Default::default() },
        )
        .unwrap()
        .id;
    let v = f
        .desk
        .create_curriculum(&f.director, CreateCurriculum { course_id: course, ..Default::default() })
        .unwrap();
    let m =
        f.desk.save_module(&f.director, SaveModule { id: None, curriculum_id: v.id, title: "Motion".into() });
    let module = m.unwrap().modules[0].id;
    f.desk
        .save_lesson(
            &f.director,
            SaveLesson {
                module_id: module,
                title: "Laws".into(),
                weightage_bp: 10_000,
                ..Default::default()
            },
        )
        .unwrap();
    f.desk
        .save_assignment(
            &f.director,
            SaveAssignment {
                curriculum_id: v.id,
                title: "Worksheet".into(),
                max_marks: 20,
                due_date: "2026-06-05".into(),
                ..Default::default()
            },
        )
        .unwrap();
    f.desk.submit_curriculum(&f.director, SubmitCurriculum { id: v.id }).unwrap();
    let (_, gm) = f.staff("gm@example.com", "GENERAL_MANAGER", None);
    f.desk
        .review_curriculum(&gm, ReviewCurriculum { id: v.id, approve: true, comment: String::new() })
        .unwrap();
    let adopted = f.desk.get_curriculum(&f.director, GetCurriculum { id: v.id }).unwrap();
    let batch = f.physics_batch(teacher.user_id, |_| {});
    Class { batch, assignment: adopted.assignments[0].id, teacher }
}

/// A student of the batch, signed in.
fn student(f: &Fixture, class: &Class, name: &str, email: &str) -> (StudentId, Actor) {
    let id = f
        .desk
        .save_student(
            &f.director,
            SaveStudent {
                branch_id: f.branch,
                full_name: name.into(),
                date_of_birth: "2000-01-01".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .student
        .id;
    f.desk.enrol(&f.director, Enrol { student_id: id, batch_id: class.batch, ..Default::default() }).unwrap();
    f.desk
        .give_student_login(
            &f.director,
            GiveStudentLogin { student_id: id, email: email.into(), password: "Maple-Lantern-44".into() },
        )
        .unwrap();
    let (t, _) = f
        .desk
        .login(branchdesk_api::commands::session::Login {
            email: email.into(),
            password: "Maple-Lantern-44".into(),
        })
        .unwrap();
    (id, f.desk.actor(&t).unwrap())
}

fn hand_in(
    f: &Fixture,
    who: &Actor,
    c: &Class,
    text: &str,
    upload: FileUpload,
) -> Result<Submission, branchdesk_api::ApiError> {
    f.desk
        .hand_in(
            who,
            HandIn { assignment_id: c.assignment, batch_id: c.batch, text: text.into(), file: upload },
        )
        .map_err(api)
}

#[test]
fn a_student_hands_in_text_and_a_file_and_the_teacher_opens_and_grades_it() {
    let f = fixture();
    let c = class(&f);
    let (asha, student) = student(&f, &c, "Asha Rao", "asha@example.com");
    f.clock.advance(chrono::Duration::days(2)); // Wednesday 3 June: before the due date
    let sub = hand_in(&f, &student, &c, "Newton's laws:\r\n\tF = ma", file("worksheet.pdf", PDF)).unwrap();
    assert_eq!((sub.submitted_on.as_deref(), sub.late), (Some("2026-06-03"), false));
    assert_eq!(sub.text, "Newton's laws:\n    F = ma");
    assert_eq!(sub.files.len(), 1);
    assert_eq!((sub.files[0].file_name.as_str(), sub.files[0].on_desk), ("worksheet.pdf", true));

    // The teacher sees it against the assignment and opens the file.
    let list = f
        .desk
        .list_submissions(&c.teacher, ListSubmissions { assignment_id: c.assignment, batch_id: c.batch })
        .unwrap();
    let row = list.iter().find(|s| s.student_id == asha).unwrap();
    assert_eq!(row.files, sub.files);
    let saved = f.desk.open_attachment(&c.teacher, OpenAttachment { id: row.files[0].id }).unwrap();
    assert_eq!(std::fs::read(&saved.path).unwrap(), PDF);
    // So does the student, and a second file joins the first.
    f.desk.open_attachment(&student, OpenAttachment { id: row.files[0].id }).unwrap();
    let again = hand_in(&f, &student, &c, "", file("page 2.txt", "दूसरा पन्ना".as_bytes())).unwrap();
    assert_eq!(again.files.len(), 2, "a new file is added beside the first");
    assert_eq!(again.text, "Newton's laws:\n    F = ma", "a file alone keeps the text");
    // The same file handed in twice is kept once.
    hand_in(&f, &student, &c, "", file("copy.pdf", PDF)).unwrap();
    assert_eq!(f.count("SELECT count(*) FROM attachment_blobs"), 2);

    // Graded: the work and files stay, and the student can no longer change it.
    let graded = f
        .desk
        .record_submission(
            &c.teacher,
            RecordSubmission {
                assignment_id: c.assignment,
                batch_id: c.batch,
                student_id: asha,
                submitted_on: "03/06/2026".into(),
                marks: Some(18),
                feedback: "Good".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((graded.marks, graded.files.len()), (Some(18), 3));
    assert!(graded.text.starts_with("Newton's laws"));
    let e = hand_in(&f, &student, &c, "better answer", FileUpload::default()).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict, "{}", e.message);
    let mine = f.desk.get_my_curriculum(&student, GetMyCurriculum { batch_id: c.batch }).unwrap();
    assert_eq!((mine.submissions[0].1.marks, mine.submissions[0].1.files.len()), (Some(18), 3));
}

#[test]
fn late_work_is_marked_late_and_bad_hand_ins_are_refused_by_field_writing_nothing() {
    let f = fixture();
    let c = class(&f);
    let (_, asha) = student(&f, &c, "Asha Rao", "asha@example.com");
    let (_, ben) = student(&f, &c, "Ben Das", "ben@example.com");
    let elsewhere = f.physics_batch(c.teacher.user_id, |b| {
        b.name = "Physics XI-B".into();
        b.slots[0].weekday = 3;
    });
    let before = f.count("SELECT count(*) FROM outbox");
    let field = |r: Result<Submission, branchdesk_api::ApiError>| r.unwrap_err().field;
    assert_eq!(field(hand_in(&f, &asha, &c, "  ", FileUpload::default())).as_deref(), Some("text"));
    let exe = file("answers.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00");
    assert_eq!(field(hand_in(&f, &asha, &c, "see file", exe)).as_deref(), Some("file"));
    let big = file("big.txt", &vec![b'a'; 10 * 1024 * 1024 + 1]);
    assert_eq!(field(hand_in(&f, &asha, &c, "", big)).as_deref(), Some("file"));
    let renamed = file("answers.exe", PDF);
    let e = hand_in(&f, &asha, &c, "", renamed).unwrap_err();
    assert!(e.message.contains("ends in .exe"), "{}", e.message);
    let e = f
        .desk
        .hand_in(
            &asha,
            HandIn {
                assignment_id: c.assignment,
                batch_id: elsewhere,
                text: "x".into(),
                ..Default::default()
            },
        )
        .map_err(api)
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("batch_id"), "not her batch");
    assert_eq!(f.count("SELECT count(*) FROM outbox"), before, "nothing refused was written");
    assert_eq!(f.count("SELECT count(*) FROM attachment_blobs"), 0);

    // Staff hand in nothing of their own.
    let e = hand_in(&f, &c.teacher, &c, "mine", FileUpload::default()).unwrap_err();
    assert!(matches!(e.code, ErrorCode::PermissionDenied | ErrorCode::NotFound), "{:?}", e.code);

    // After the due date it is taken, marked late.
    f.clock.advance(chrono::Duration::days(7)); // Monday 8 June
    let late = hand_in(&f, &ben, &c, "sorry, late", FileUpload::default()).unwrap();
    assert!(late.late);
    // After the batch ended, not at all.
    f.clock.advance(chrono::Duration::days(60)); // 7 August
    let e = hand_in(&f, &asha, &c, "too late", FileUpload::default()).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("batch_id"), "{}", e.message);
    assert!(e.message.contains("ended on 31 Jul 2026"), "{}", e.message);
}

#[test]
fn a_students_files_open_to_them_and_the_branchs_teachers_only() {
    let f = fixture();
    let c = class(&f);
    let (_, asha) = student(&f, &c, "Asha Rao", "asha@example.com");
    let (_, ben) = student(&f, &c, "Ben Das", "ben@example.com");
    let sub = hand_in(&f, &asha, &c, "", file("mine.pdf", PDF)).unwrap();
    let id = sub.files[0].id;
    let e = api(f.desk.open_attachment(&ben, OpenAttachment { id }).unwrap_err());
    assert_eq!(e.code, ErrorCode::PermissionDenied, "another student may not open it");
    let (_, clerk) = f.staff("leads@example.com", "DIGITAL_MARKETING", Some(f.branch));
    let e = api(f.desk.open_attachment(&clerk, OpenAttachment { id }).unwrap_err());
    assert_eq!(e.code, ErrorCode::PermissionDenied, "{}", e.message);
    let e = api(f.desk.open_attachment(&c.teacher, OpenAttachment { id: uuid::Uuid::now_v7() }).unwrap_err());
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("id")));

    // A row whose file this desk does not hold (pulled, not yet fetched)
    // says so, naming the file.
    let conn = f.conn();
    conn.execute("DELETE FROM attachment_blobs", []).unwrap();
    let e = api(f.desk.open_attachment(&c.teacher, OpenAttachment { id }).unwrap_err());
    assert_eq!(e.code, ErrorCode::NotDownloaded);
    assert!(e.message.starts_with("mine.pdf is not downloaded yet"), "{}", e.message);
    let listed = f
        .desk
        .list_submissions(&c.teacher, ListSubmissions { assignment_id: c.assignment, batch_id: c.batch })
        .unwrap();
    assert!(listed.iter().flat_map(|s| &s.files).all(|a| !a.on_desk));
    // A fetched file must be the one the row names.
    let e = api(f.desk.keep_fetched_blob(id, b"%PDF-other").unwrap_err());
    assert_eq!(e.code, ErrorCode::Conflict);
    f.desk.keep_fetched_blob(id, PDF).unwrap();
    let saved = f.desk.open_attachment(&c.teacher, OpenAttachment { id }).unwrap();
    assert_eq!(std::fs::read(saved.path).unwrap(), PDF);
    assert!(f.desk.blobs_to_upload().unwrap().is_empty(), "a fetched file is the server's already");
}
