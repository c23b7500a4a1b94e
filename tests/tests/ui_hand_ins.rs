//! In the real app window, a student hands in work for an assignment (a
//! program renamed as a PDF is refused, then text and a real PDF are
//! taken), and the teacher sees it against the assignment, opens the file
//! and grades it from the keyboard; graded work can no longer be changed.

use branchdesk_api::commands::academics::*;
use branchdesk_api::commands::students::{Enrol, GiveStudentLogin, SaveStudent};
use branchdesk_api::commands::users::{CreateUser, NewGrant};
use branchdesk_e2e::*;
use std::path::Path;

const STUDENT: &str = "asha@example.com";
const STUDENT_PASSWORD: &str = "Maple-Lantern-44";

/// An approved Physics version with a worksheet due in a week, Ravi's
/// batch following it from today, and Asha in it with her own sign-in.
fn seed(dir: &Path) {
    let (desk, director, branch) = seed_desk(dir);
    let (room, course) =
        seed_room_and_course(&desk, &director, branch, ("Room 1", 30), ("PHY-11", "Physics XI"));
    let ravi = seed_teacher(&desk, &director, branch, ("Ravi Kumar", "ravi@example.com"));
    let v = desk
        .create_curriculum(&director, CreateCurriculum { course_id: course, ..Default::default() })
        .unwrap();
    let m = desk.save_module(&director, SaveModule { id: None, curriculum_id: v.id, title: "Motion".into() });
    let lesson = SaveLesson {
        module_id: m.unwrap().modules[0].id,
        title: "Newton's laws".into(),
        weightage_bp: 10_000,
        notes: "Read **chapter 3** before class.".into(),
        video_url: "https://video.example.org/newton".into(),
        ..Default::default()
    };
    desk.save_lesson(&director, lesson).unwrap();
    let due = (chrono::Local::now().date_naive() + chrono::Duration::days(7)).to_string();
    let work = SaveAssignment {
        curriculum_id: v.id,
        title: "Worksheet 1".into(),
        max_marks: 20,
        due_date: due,
        ..Default::default()
    };
    desk.save_assignment(&director, work).unwrap();
    desk.submit_curriculum(&director, SubmitCurriculum { id: v.id }).unwrap();
    let gm_role = desk.list_roles(&director, Default::default()).unwrap();
    let gm_role = gm_role.iter().find(|r| r.name == "GENERAL_MANAGER").unwrap().id;
    let gm = CreateUser {
        full_name: "Gita Menon".into(),
        email: "gm@example.com".into(),
        phone: String::new(),
        password: "Quartz-Meadow-19".into(),
        grants: vec![NewGrant { role_id: gm_role, branch_id: None, expires_on: None }],
    };
    desk.create_user(&director, gm).unwrap();
    let (t, _) = desk
        .login(branchdesk_api::commands::session::Login {
            email: "gm@example.com".into(),
            password: "Quartz-Meadow-19".into(),
        })
        .unwrap();
    let gm = desk.actor(&t).unwrap();
    desk.review_curriculum(&gm, ReviewCurriculum { id: v.id, approve: true, comment: String::new() })
        .unwrap();
    let batch = batch_from_today(branch, course, room, ravi, ("16:00", "17:00"), 60);
    let batch = desk
        .save_batch(
            &director,
            branchdesk_api::commands::timetable::SaveBatch { name: "Physics XI-A".into(), ..batch },
        )
        .unwrap()
        .id;
    let asha = desk
        .save_student(
            &director,
            SaveStudent {
                branch_id: branch,
                full_name: "Asha Rao".into(),
                date_of_birth: "2000-01-01".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .student
        .id;
    desk.enrol(&director, Enrol { student_id: asha, batch_id: batch, ..Default::default() }).unwrap();
    desk.give_student_login(
        &director,
        GiveStudentLogin { student_id: asha, email: STUDENT.into(), password: STUDENT_PASSWORD.into() },
    )
    .unwrap();
}

#[tokio::test]
async fn a_student_hands_in_and_the_teacher_opens_and_grades_from_the_keyboard() {
    if !ui_tests_enabled("a_student_hands_in_and_the_teacher_opens_and_grades_from_the_keyboard") {
        return;
    }
    let app = App::launch(seed).await;
    app.sign_in(STUDENT, STUDENT_PASSWORD).await;
    app.wait_text("#my-record .assignment", "Worksheet 1").await;
    app.wait_text("#my-record .assignment", "not handed in").await;
    // The lesson's notes, rendered, and its video, for the batch's student.
    app.click_centred(".my-curriculum .lesson-notes summary").await;
    app.wait_text(".my-curriculum .lesson-notes .notes-text", "Read chapter 3 before class.").await;
    assert_eq!(app.text(".my-curriculum .lesson-notes .notes-text strong").await, "chapter 3");
    app.wait_text(".my-curriculum .lesson-notes .watch", "Watch the video").await;

    // Nothing typed and no file: said beside the text.
    app.click("form.hand-in button[type='submit']").await;
    app.wait_text("form.hand-in .field-error", "Type your work here or attach a file").await;

    // A program renamed as a PDF: refused by its content.
    let files = tempfile::tempdir().unwrap();
    let fake = files.path().join("answers.pdf");
    std::fs::write(&fake, b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff").unwrap();
    let input = app.find("form.hand-in input[type='file']").await;
    input.send_keys(fake.to_str().unwrap()).await.unwrap();
    app.type_into("form.hand-in textarea", "F = ma, so a = F/m = 2 m/s²").await;
    app.click("form.hand-in button[type='submit']").await;
    app.wait_text("form.hand-in .field-error", "Attach a PDF").await;

    // The real worksheet, scanned to PDF.
    let real = files.path().join("worksheet-1.pdf");
    std::fs::write(&real, b"%PDF-1.4\n% Asha's worksheet\n%%EOF\n").unwrap();
    app.find("form.hand-in input[type='file']").await.send_keys(real.to_str().unwrap()).await.unwrap();
    app.click("form.hand-in button[type='submit']").await;
    app.wait_text("#my-record .assignment", "not marked yet").await;
    app.wait_text("#my-record .assignment .files", "worksheet-1.pdf").await;
    let mine = app.text("#my-record .assignment").await;
    assert!(mine.contains("a = F/m"), "the text is kept: {mine}");
    let chosen =
        app.find("form.hand-in input[type='file']").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(chosen, "", "the form starts again without the file");
    app.screenshot("hand-in-student").await;
    app.click("#sign-out").await;

    // The teacher: the batch, the assignment, the row.
    app.sign_in("ravi@example.com", "Teak-Window-57").await;
    app.click_centred("[data-area='Batches']").await;
    app.click_button("tr", "Physics XI-A", "Physics XI-A").await;
    let due = chrono::Local::now().date_naive() + chrono::Duration::days(7);
    app.choose("#submissions select", &format!("Worksheet 1 (out of 20, due {})", due.format("%-d %b %Y")))
        .await;
    let row = app.wait_text("#submissions-table", "Asha Rao").await;
    assert!(row.contains("a = F/m") && row.contains("worksheet-1.pdf"), "{row}");
    app.click("#submissions-table button.file").await;
    let said = app.wait_text("#submissions-table .files", "worksheet-1.pdf").await;
    let saved = app.data_dir.path().join("exports").join("worksheet-1.pdf");
    for _ in 0..100 {
        if saved.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(std::fs::read(&saved).unwrap(), b"%PDF-1.4\n% Asha's worksheet\n%%EOF\n", "{said}");

    // Marks typed, Enter saves.
    let marks = app.find("#submissions-table input[aria-label='Marks']").await;
    marks.send_keys("18").await.unwrap();
    app.type_into("#submissions-table input[aria-label='Feedback']", "Units!").await;
    app.find("#submissions-table input[aria-label='Feedback']").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#submissions-table", "Update").await;
    app.screenshot("hand-in-teacher").await;
    app.click("#sign-out").await;

    // Graded: the student sees the marks and no form to change it.
    app.sign_in(STUDENT, STUDENT_PASSWORD).await;
    app.wait_text("#my-record .assignment", "18 marks: Units!").await;
    assert_eq!(app.count("form.hand-in").await, 0, "graded work is not handed in again");
    app.close().await;
}
