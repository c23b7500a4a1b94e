//! In the real app window: a teacher imports a GIFT bank and publishes a
//! quiz from it; a student takes it from the keyboard alone; the app is
//! closed mid-attempt and started again, and the attempt resumes at the
//! question reached with the time it had; she submits; the teacher marks
//! her short answer and releases the results, and sends the report card
//! (which carries the quiz) to the student's mother; the student reads her
//! score and the review.

use branchdesk_api::commands::students::{Enrol, GiveStudentLogin, SaveStudent};
use branchdesk_e2e::*;
use std::path::Path;

const STUDENT: &str = "asha@example.com";
const STUDENT_PASSWORD: &str = "Maple-Lantern-44";
const TEACHER: &str = "ravi@example.com";
const TEACHER_PASSWORD: &str = "Teak-Window-57";

/// Ravi teaches JEE 2027 A (Physics XII) from today; Asha is in it with her
/// own sign-in.
fn seed(dir: &Path) {
    let (desk, director, branch) = seed_desk(dir);
    let (room, course) =
        seed_room_and_course(&desk, &director, branch, ("Hall 1", 40), ("PHY-12", "Physics XII"));
    let ravi = seed_teacher(&desk, &director, branch, ("Ravi Kumar", TEACHER));
    let batch = batch_from_today(branch, course, room, ravi, ("07:00", "08:30"), 60);
    let batch = desk
        .save_batch(
            &director,
            branchdesk_api::commands::timetable::SaveBatch { name: "JEE 2027 A".into(), ..batch },
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
                guardians: vec![branchdesk_api::commands::students::GuardianInput {
                    full_name: "Sunita Rao".into(),
                    email: "sunita@example.com".into(),
                    relation: "Mother".into(),
                    is_primary: true,
                    preferred_channel: Some(branchdesk_api::commands::attendance::NotificationChannel::Email),
                    ..Default::default()
                }],
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

const BANK: &str = "$CATEGORY: Physics/Waves\n\n\
    ::Hz::The SI unit of frequency is {=hertz ~joule ~watt ~newton}\n\n\
    Which are vectors? {~%50%velocity ~%50%force ~%-100%speed ~%-100%mass}\n\n\
    Light travels faster than sound. {T}\n\n\
    The unit of frequency, in words? {=hertz =Hz}\n";

/// The seconds a clock like `19:58` shows.
fn seconds(clock: &str) -> u64 {
    clock.trim().split(':').fold(0, |acc, part| acc * 60 + part.trim().parse::<u64>().unwrap_or(0))
}

#[tokio::test]
async fn a_quiz_is_published_taken_from_the_keyboard_resumed_after_a_restart_and_released() {
    if !ui_tests_enabled("a_quiz_is_published_taken_from_the_keyboard_resumed_after_a_restart_and_released") {
        return;
    }
    let app = App::launch(seed).await;
    app.sign_in(TEACHER, TEACHER_PASSWORD).await;
    app.click_centred("[data-area='Tests']").await;

    // The bank, from a GIFT file, four marks a question.
    app.click("#open-bank").await;
    app.choose("#question-bank select", "Physics XII (PHY-12)").await;
    let files = tempfile::tempdir().unwrap();
    let gift = files.path().join("waves.gift");
    std::fs::write(&gift, BANK).unwrap();
    app.find("#bank-file").await.send_keys(gift.to_str().unwrap()).await.unwrap();
    app.wait_text("#question-bank", "waves.gift").await;
    app.type_into("#bank-points", "4").await;
    app.click("#bank-check").await;
    app.wait_text("#bank-report", "All 4 questions are fine").await;
    app.click("#bank-commit").await;
    app.wait_text("#bank-report", "Imported 4 questions").await;
    app.click("#question-bank .toolbar > button").await;

    // The quiz: every question, in the bank's order, not shuffled; a wrong
    // choice costs a quarter.
    app.click("#open-quizzes").await;
    app.wait_text("#quizzes .empty", "No quizzes yet").await;
    app.click("#new-quiz").await;
    app.type_into("#quiz-form [name='name']", "Waves quiz").await;
    app.choose("#quiz-form select[name='course_id']", "Physics XII (PHY-12)").await;
    app.wait_text("#quiz-questions", "0 of 4 chosen").await;
    for n in 1..=4 {
        app.click_centred(&format!("#quiz-questions li:nth-child({n}) input")).await;
    }
    app.wait_text("#quiz-questions", "4 of 4 chosen").await;
    app.type_into("#quiz-form [name='duration_minutes']", "20").await;
    app.type_into("#quiz-form [name='penalty_percent']", "25").await;
    app.click_centred("#quiz-shuffle").await;
    app.screenshot("quiz-form").await;
    app.click("#quiz-save").await;
    let row = app.wait_text("#quizzes-table", "Waves quiz").await;
    assert!(row.contains("not published"), "{row}");

    // Published to her batch from today to tomorrow, typed day first; a
    // window that closes before it opens is refused first.
    let today = chrono::Local::now().date_naive();
    let day = |d: chrono::NaiveDate| d.format("%-d/%-m/%Y").to_string();
    app.click(".publish-quiz").await;
    app.choose("#publish-form select[name='batch_id']", "JEE 2027 A").await;
    app.type_into("#publish-form [name='opens_on']", &day(today)).await;
    app.type_into("#publish-form [name='closes_on']", &day(today - chrono::Duration::days(1))).await;
    app.click("#publish-save").await;
    app.wait_text("#publish-form", "must close after it opens").await;
    app.type_into("#publish-form [name='closes_on']", &day(today + chrono::Duration::days(1))).await;
    app.click("#publish-save").await;
    app.wait_text("#quizzes-table", "JEE 2027 A: 0 of 1 submitted").await;
    app.screenshot("quiz-published").await;
    app.click("#sign-out").await;

    // Asha, keyboard alone: False for "faster than sound" (wrong), hertz.
    app.sign_in(STUDENT, STUDENT_PASSWORD).await;
    app.wait_text("#my-quizzes", "Waves quiz").await;
    app.click(".start-quiz").await;
    app.wait_text("#quiz-question", "Question 1 of 4").await;
    app.wait_text("#quiz-question", "Light travels faster than sound.").await;
    let quiz = app.find("#take-quiz").await;
    quiz.send_keys("2").await.unwrap();
    app.wait_text("#quiz-palette .answered", "1").await;
    quiz.send_keys("n").await.unwrap();
    app.wait_text("#quiz-question", "The SI unit of frequency is").await;
    quiz.send_keys("1").await.unwrap();
    quiz.send_keys("f").await.unwrap();
    app.wait_text("#quiz-question", "flagged").await;
    quiz.send_keys("f").await.unwrap();
    quiz.send_keys("n").await.unwrap();
    app.wait_text("#quiz-question", "Question 3 of 4").await;
    assert_eq!(app.count("#quiz-palette .answered").await, 2);
    assert_eq!(app.count("#quiz-palette .unseen").await, 1, "the fourth is not seen yet");
    // Long enough for the timer's own save.
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    let before = seconds(&app.text("#quiz-clock").await);
    assert!((19 * 60 - 30..20 * 60 - 5).contains(&before), "time runs: {before} s left");
    app.screenshot("quiz-taking").await;

    // The app is closed mid-attempt and started again; half a minute
    // passes with it closed, and does not count.
    let app = app.restart().await;
    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    app.sign_in(STUDENT, STUDENT_PASSWORD).await;
    let resume = app.wait_text("#my-quizzes .start-quiz", "Resume").await;
    assert_eq!(resume.trim(), "Resume");
    app.click(".start-quiz").await;
    app.wait_text("#quiz-question", "Question 3 of 4").await;
    let after = seconds(&app.text("#quiz-clock").await);
    // At most the few seconds since the last save are given back, and the
    // sign-in's few seconds run; the half minute closed is not taken.
    assert!(
        after <= before + 5 && after + 15 > before,
        "resumed with the time saved: {before} s left, then {after} s"
    );
    assert_eq!(app.count("#quiz-palette .answered").await, 2, "her answers are kept");

    // A short answer no key matches, then the two right vectors; submitted.
    app.type_into("#quiz-typed", "cycles per second").await;
    app.find("#quiz-typed").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#quiz-question", "Which are vectors?").await;
    let quiz = app.find("#take-quiz").await;
    quiz.send_keys("1").await.unwrap();
    quiz.send_keys("2").await.unwrap();
    app.wait_text("#quiz-palette .answered:last-child", "4").await;
    app.click("#quiz-submit").await;
    app.find(".confirm-yes").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#quiz-submitted", "Submitted").await;
    app.click("#quiz-back").await;
    app.wait_text("#my-quizzes", "after release").await;
    app.click("#sign-out").await;

    // Ravi: the short answer to mark, the results, the release.
    app.sign_in(TEACHER, TEACHER_PASSWORD).await;
    app.click_centred("[data-area='Tests']").await;
    app.click("#open-quizzes").await;
    app.click(".quiz-results").await;
    app.wait_text("#quiz-attempts", "Asha Rao").await;
    app.wait_text("#quiz-attempts", "7 / 16").await;
    app.click("#grade-open").await;
    app.wait_text("#answer-typed", "cycles per second").await;
    app.type_into("#grading [name='marks']", "5").await;
    app.find("#grading [name='marks']").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#grading", "give at most that").await;
    app.type_into("#grading [name='marks']", "2").await;
    app.type_into("#grading [name='comment']", "Say hertz").await;
    app.find("#grading [name='comment']").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#grading", "Every short answer is marked").await;
    app.click("#grading button").await;
    let results = app.wait_text("#quiz-attempts", "9 / 16").await;
    assert!(results.contains("passed") && !results.contains("not passed"), "{results}");
    let items = app.text("#item-analysis").await;
    assert!(items.contains("Light travels faster than sound."), "{items}");
    app.screenshot("quiz-results").await;
    app.click(".release-results").await;
    app.wait_gone(".release-results").await;

    // Her report card carries the quiz, and goes to her mother by email.
    app.click_centred("[data-area='Students']").await;
    app.click_button("tr", "Asha Rao", "Asha Rao").await;
    app.click("#tab-marks").await;
    let listed = app.wait_text("#student-quizzes", "Waves quiz").await;
    assert!(listed.contains("9 / 16") && listed.contains("1 of 1"), "{listed}");
    app.click("#report-card .save-pdf").await;
    let notice = app.wait_text("#report-card-notice", "Report card saved as").await;
    let path = notice.trim_start_matches("Report card saved as ").trim().to_owned();
    let out =
        std::process::Command::new("pdftotext").args([path.as_str(), "-"]).output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Waves quiz") && text.contains("9 / 16"), "{text}");
    app.click("#report-card .send-card").await;
    app.wait_text("#report-card-notice", "drafted to Messages for review for Sunita Rao").await;
    app.click("#report-card .send-card").await;
    app.wait_text("#report-card", "already with the messages").await;
    app.screenshot("quiz-report-card-sent").await;
    app.click("#sign-out").await;

    // Asha reads her score and the review with the keys.
    app.sign_in(STUDENT, STUDENT_PASSWORD).await;
    app.wait_text("#my-quizzes", "9 / 16 (56.25 %)").await;
    app.click(".review-attempt").await;
    let review = app.wait_text("#review-score", "9 out of 16").await;
    assert!(review.contains("· passed"), "{review}");
    let all = app.text("#attempt-review").await;
    assert!(all.contains("Teacher: Say hertz"), "{all}");
    assert!(all.contains("Accepted: hertz, Hz"), "{all}");
    app.screenshot("quiz-review").await;
    app.close().await;
}
