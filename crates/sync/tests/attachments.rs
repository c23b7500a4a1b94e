//! Attached files through a real server over HTTPS: the file goes up
//! before its row; another desk pulls the row only, lists the file as not
//! downloaded, and fetches it when someone opens it. A student's own
//! hand-in, signed by the student, is taken by the server.

mod support;

use base64::Engine;
use branchdesk_api::commands::academics::*;
use branchdesk_api::commands::attachments::{FileUpload, OpenAttachment};
use branchdesk_api::commands::money::{ListExpenses, RecordExpense};
use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::students::{Enrol, GiveStudentLogin};
use branchdesk_api::commands::users::{CreateUser, NewGrant};
use branchdesk_api::ErrorCode;
use support::sign_in;

const PDF: &[u8] = b"%PDF-1.7\n% a bill from Sai Stationers\n%%EOF\n";

fn upload(name: &str, bytes: &[u8]) -> FileUpload {
    FileUpload {
        file_name: name.into(),
        content_b64: base64::engine::general_purpose::STANDARD.encode(bytes),
    }
}

#[test]
fn a_bill_attached_on_one_desk_opens_on_another_once_fetched() {
    let rt = support::runtime();
    let (_server, client, mut nodes, branch) = support::network(&rt, &[0, 4]);
    let bill = upload("bill.pdf", PDF);
    let recorded = nodes[0]
        .desk
        .record_expense(
            nodes[0].actor(),
            RecordExpense {
                branch_id: branch,
                vendor: "Sai Stationers".into(),
                amount: "450".into(),
                file_name: bill.file_name,
                content_b64: bill.content_b64,
                ..Default::default()
            },
        )
        .unwrap();
    let file = recorded.bill.unwrap();
    assert!(nodes[0].desk.blobs_to_upload().unwrap().len() == 1, "waiting to go up");
    support::quiesce(&rt, &client, &nodes);
    assert!(nodes[0].desk.blobs_to_upload().unwrap().is_empty(), "uploaded with the round");

    sign_in(&mut nodes[1]);
    let there = nodes[1]
        .desk
        .list_expenses(nodes[1].actor(), ListExpenses { branch_id: branch, month: String::new() })
        .unwrap();
    let listed = there[0].bill.clone().expect("the row came down");
    assert_eq!((listed.id, listed.on_desk), (file.id, false), "the file itself did not");
    let e = branchdesk_api::ApiError::from(
        nodes[1].desk.open_attachment(nodes[1].actor(), OpenAttachment { id: file.id }).unwrap_err(),
    );
    assert_eq!(e.code, ErrorCode::NotDownloaded);
    rt.block_on(client.fetch_file(&nodes[1].desk, file.id)).unwrap();
    let saved = nodes[1].desk.open_attachment(nodes[1].actor(), OpenAttachment { id: file.id }).unwrap();
    assert_eq!(std::fs::read(saved.path).unwrap(), PDF);
    // Once here, the desk does not send it back up.
    assert!(nodes[1].desk.blobs_to_upload().unwrap().is_empty());
}

#[test]
fn a_students_hand_in_with_a_file_reaches_the_teachers_desk() {
    let rt = support::runtime();
    let (_server, client, mut nodes, branch) = support::network(&rt, &[0, 7]);
    let (desk, director) = (&nodes[0].desk, nodes[0].actor().clone());
    let course = desk
        .save_course(
            &director,
            SaveCourse { code: "PHY".into(), name: "Physics".into(), ..Default::default() },
        )
        .unwrap()
        .id;
    let v = desk
        .create_curriculum(&director, CreateCurriculum { course_id: course, ..Default::default() })
        .unwrap();
    let m = desk.save_module(&director, SaveModule { id: None, curriculum_id: v.id, title: "Motion".into() });
    let module = m.unwrap().modules[0].id;
    let lesson =
        SaveLesson { module_id: module, title: "Laws".into(), weightage_bp: 10_000, ..Default::default() };
    desk.save_lesson(&director, lesson).unwrap();
    let work = SaveAssignment {
        curriculum_id: v.id,
        title: "Worksheet".into(),
        max_marks: 20,
        due_date: "2026-06-05".into(),
        ..Default::default()
    };
    desk.save_assignment(&director, work).unwrap();
    desk.submit_curriculum(&director, SubmitCurriculum { id: v.id }).unwrap();
    // Nobody approves their own version: a general manager does.
    let roles = desk.list_roles(&director, Default::default()).unwrap();
    let gm_role = roles.iter().find(|r| r.name == "GENERAL_MANAGER").unwrap().id;
    let gm = CreateUser {
        full_name: "Gita Menon".into(),
        email: "gm@example.com".into(),
        phone: String::new(),
        password: "Quartz-Meadow-19".into(),
        grants: vec![NewGrant { role_id: gm_role, branch_id: None, expires_on: None }],
    };
    desk.create_user(&director, gm).unwrap();
    let (t, _) =
        desk.login(Login { email: "gm@example.com".into(), password: "Quartz-Meadow-19".into() }).unwrap();
    let gm = desk.actor(&t).unwrap();
    desk.review_curriculum(&gm, ReviewCurriculum { id: v.id, approve: true, comment: String::new() })
        .unwrap();
    // A batch made now follows the approved version.
    let room = branchdesk_api::commands::org::SaveRoom {
        id: None,
        branch_id: branch,
        name: "Room 1".into(),
        capacity: 30,
    };
    let room = desk.save_room(&director, room).unwrap().id;
    let batch = branchdesk_api::commands::timetable::SaveBatch {
        branch_id: branch,
        course_id: course,
        name: "Physics XI".into(),
        teacher_id: director.user_id,
        room_id: room,
        capacity: 30,
        start_date: "2026-06-01".into(),
        end_date: "2026-08-31".into(),
        slots: vec![branchdesk_api::commands::timetable::Slot {
            weekday: 1,
            start: "08:00".into(),
            end: "09:00".into(),
        }],
        ..Default::default()
    };
    let batch = desk.save_batch(&director, batch).unwrap().id;
    let student = support::adult_student(desk, &director, branch, "Asha Rao");
    desk.enrol(&director, Enrol { student_id: student, batch_id: batch, ..Default::default() }).unwrap();
    desk.give_student_login(
        &director,
        GiveStudentLogin {
            student_id: student,
            email: "asha@example.com".into(),
            password: "Maple-Lantern-44".into(),
        },
    )
    .unwrap();
    let (t, _) =
        desk.login(Login { email: "asha@example.com".into(), password: "Maple-Lantern-44".into() }).unwrap();
    let asha = desk.actor(&t).unwrap();
    let mine = desk.get_my_curriculum(&asha, GetMyCurriculum { batch_id: batch }).unwrap();
    let assignment = mine.curriculum.expect("the batch follows the approved version").assignments[0].id;
    let handed = desk
        .hand_in(
            &asha,
            HandIn {
                assignment_id: assignment,
                batch_id: batch,
                text: "F = ma".into(),
                file: upload("work.pdf", PDF),
            },
        )
        .unwrap();
    support::quiesce(&rt, &client, &nodes);
    let refused = nodes[0].desk.refused_changes().unwrap();
    assert!(refused.is_empty(), "the server took the student's own work: {refused:?}");

    sign_in(&mut nodes[1]);
    let there = nodes[1]
        .desk
        .list_submissions(nodes[1].actor(), ListSubmissions { assignment_id: assignment, batch_id: batch })
        .unwrap();
    assert_eq!(there[0].text, "F = ma");
    assert_eq!(there[0].files[0].id, handed.files[0].id);
    rt.block_on(client.fetch_file(&nodes[1].desk, handed.files[0].id)).unwrap();
    let saved =
        nodes[1].desk.open_attachment(nodes[1].actor(), OpenAttachment { id: handed.files[0].id }).unwrap();
    assert_eq!(std::fs::read(saved.path).unwrap(), PDF);
}
