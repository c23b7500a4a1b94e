//! In the real app window, the front-desk clerk's day: take an enquiry,
//! log a call, admit and enrol in one step, find the student from anywhere
//! by three letters of the name and by the last four digits of the phone,
//! take a partial fee payment (its receipt PDF read back), void it, find
//! the fee again in the branch's dues due today, and
//! transfer the student to another branch with their history.

use branchdesk_api::commands::org::SaveBranch;
use branchdesk_api::commands::timetable::{SaveBatch, Slot};
use branchdesk_e2e::*;
use std::path::Path;

/// An organisation of two branches with a course and a batch to enrol into.
fn seed_batch(dir: &Path) {
    let (desk, director, branch) = seed_desk(dir);
    desk.save_branch(
        &director,
        SaveBranch { code: "WF".into(), name: "Whitefield".into(), ..Default::default() },
    )
    .expect("second branch");
    let (room, course) =
        seed_room_and_course(&desk, &director, branch, ("Room 1", 30), ("CHE-11", "Chemistry XI"));
    desk.save_batch(
        &director,
        SaveBatch {
            branch_id: branch,
            course_id: course,
            name: "Chemistry XI-A".into(),
            teacher_id: director.user_id,
            room_id: room,
            capacity: 30,
            start_date: "2026-06-01".into(),
            end_date: "2027-03-31".into(),
            slots: vec![Slot { weekday: 2, start: "16:00".into(), end: "17:30".into() }],
            fee_minor: 250_000,
            ..Default::default()
        },
    )
    .expect("batch");
}

const CTRL_K: &str = "\u{E009}k\u{E000}";

#[tokio::test]
async fn take_an_enquiry_admit_it_and_find_the_student_from_anywhere() {
    if !ui_tests_enabled("take_an_enquiry_admit_it_and_find_the_student_from_anywhere") {
        return;
    }
    let app = App::launch(seed_batch).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;

    app.click_centred("[data-area='Enquiries']").await;
    app.click("#add-lead").await;
    app.type_into("#field-full_name", "Rohan Shetty").await;
    app.type_into("#field-phone", "98860 12345").await;
    app.type_into("#field-guardian_name", "Suresh Shetty").await;
    app.type_into("#field-guardian_phone", "98860 77777").await;
    app.type_into("#field-source", "Walk-in").await;
    app.click("#lead-save").await;
    app.wait_text("#lead-detail", "Rohan Shetty").await;
    app.screenshot("enquiry-saved").await;
    app.wait_text("#lead-list", "Rohan Shetty").await;

    // Log the call: it shows in the enquiry's history.
    app.type_into("#field-outcome", "Father will visit on Friday").await;
    app.choose("#field-status", "Contacted").await;
    app.click("#activity-save").await;
    app.wait_text("#lead-activities", "Father will visit on Friday").await;
    app.wait_text("#lead-detail", "Contacted").await;
    app.screenshot("enquiry-followed-up").await;

    // Admit and enrol in one step: the student's page opens.
    app.choose("#field-batch_id", "Chemistry XI-A · Chemistry XI · 2,500.00").await;
    app.type_into("#field-date_of_birth", "20/08/2009").await; // day first, as a clerk types it
    app.type_into("#field-guardian_relation", "Father").await;
    app.click("#convert-save").await;
    app.wait_text("#student h1", "Rohan Shetty").await;
    app.click("#tab-enrolments").await;
    app.wait_text("#enrolments", "Chemistry XI-A").await;
    app.click("#tab-guardians").await;
    app.wait_text("#guardians", "Suresh Shetty").await;
    app.screenshot("student-admitted").await;

    // From anywhere: Ctrl+K, three letters of the name.
    app.click_centred("[data-area='Today']").await;
    app.find("[data-area='Today']").await.send_keys(CTRL_K).await.unwrap();
    app.type_into("#palette-input", "roh").await;
    app.wait_text("#palette-results", "Rohan Shetty").await;
    app.screenshot("search-by-name").await;
    app.find("#palette-input").await.send_keys("\u{E00C}").await.unwrap();

    // And by the last four digits of the phone; Enter opens the student.
    app.find("[data-area='Today']").await.send_keys(CTRL_K).await.unwrap();
    app.type_into("#palette-input", "2345").await;
    app.wait_text("#palette-results .student-hit", "Rohan Shetty").await;
    app.find("#palette-input").await.send_keys("\u{E015}").await.unwrap(); // ArrowDown past the areas
    let hit = app.text("#palette-results li.selected").await;
    if !hit.contains("Rohan") {
        // No area matched "2345", so the student is already first.
        app.find("#palette-input").await.send_keys("\u{E013}").await.unwrap();
    }
    app.find("#palette-input").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#student h1", "Rohan Shetty").await;

    // Fees: a partial payment goes to the oldest due; the receipt PDF holds
    // the exact number, amount, tax and pending amount; a void opens it again.
    app.click("#tab-fees").await;
    let pending = |text: &str| -> i64 {
        let figure = text.split("Pending ").nth(1).unwrap_or_default().split(' ').next().unwrap_or_default();
        branchdesk_api::amount::parse(figure).unwrap_or_else(|| panic!("no pending amount in {text:?}"))
    };
    let before = pending(&app.wait_text("#fees-summary", "Pending").await);
    assert!(before >= 250_000, "at least this month's fee is due: {before}");
    app.type_into("#field-amount", "1000").await;
    app.click("#collect-save").await;
    let saved = app.wait_text("#fees-notice", "Receipt").await;
    let number = saved.split_whitespace().nth(1).expect("receipt number").to_owned();
    assert!(number.starts_with("K2/1/") && number.len() <= 16, "{number}");
    let after = branchdesk_api::amount::format(before - 100_000);
    app.wait_text("#fees-summary", &format!("Pending {after}")).await;
    app.click(".receipt .save-pdf").await;
    let note = app.wait_text("#fees-notice", "saved as").await;
    let path = note.split("saved as ").nth(1).expect("path").trim();
    let out = std::process::Command::new("pdftotext").args([path, "-"]).output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        format!("Receipt {number}"),
        "1,000.00".into(),
        "GST 18.00 %".into(),
        "152.54".into(),
        format!("Pending amount {after}"),
    ] {
        assert!(text.contains(&needle), "{needle:?} not in the receipt:\n{text}");
    }
    app.screenshot("fees-receipt").await;
    let today = chrono::Local::now().date_naive();
    app.type_into("#field-from", &today.format("%d/%m/%Y").to_string()).await;
    app.type_into("#field-to", &(today + chrono::Duration::days(40)).format("%-d/%-m/%Y").to_string()).await;
    app.click("#invoice-save").await;
    app.wait_text("#fees-notice", "Invoice K2/1/I").await;
    app.wait_text("#invoice-list", "GST").await;
    app.click(".receipt .void-open").await;
    app.type_into("#field-reason", "Entered for the wrong student").await;
    app.click("#reverse-save").await;
    app.wait_text("#fees-notice", &format!("Voided {number}")).await;
    app.wait_text("#fees-summary", &format!("Pending {}", branchdesk_api::amount::format(before))).await;
    app.screenshot("fees-voided").await;

    // The branch's fees due today list them; a click opens the student again.
    app.click_centred("[data-area='Fees due']").await;
    app.click("#dues-today").await;
    app.wait_text("#dues-list", "Rohan Shetty").await;
    app.wait_text("#dues-list", "98860 77777").await; // the parent to call
    app.click("#draft-reminders").await;
    app.wait_text("#dues-notice", "1 reminder(s) drafted").await;
    app.screenshot("fees-due-today").await;
    // The day book: the voided receipt counts for nothing, so the drawer
    // should hold nothing; counting 100 needs a reason.
    app.click("#day-book-tab").await;
    app.wait_text("#day-book", "Meera Iyer").await;
    app.type_into("#field-counted", "100").await;
    app.click("#close-cash-save").await;
    app.wait_text("#close-cash", "say why").await;
    app.type_into("#field-note", "Float left from yesterday").await;
    app.find("#field-note").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#day-book", "counted 100.00, expected 0.00, over").await;
    app.screenshot("day-book").await;
    app.click("#money-review-tab").await;
    app.wait_text("#money-reviews", "Nothing needs review.").await;
    app.click("#dues-today").await;
    app.click("#dues-list button.link").await;
    app.wait_text("#student h1", "Rohan Shetty").await;

    // Transfer to the other branch: the enrolment here closes and the new
    // branch's page shows the record at Koramangala.
    app.click("#tab-profile").await;
    app.click("#transfer-open").await;
    app.wait_text("#field-to_branch_id", "Whitefield").await; // the branches load
    app.choose("#field-to_branch_id", "Whitefield (WF)").await;
    app.type_into("#field-reason", "Family moved to Whitefield").await;
    app.find("#field-reason").await.send_keys(ENTER).await.unwrap(); // Enter submits, as on every form
    app.click("#tab-enrolments").await;
    app.wait_text("#enrolments", "At Koramangala").await;
    app.wait_text("#enrolments", "Family moved to Whitefield").await;
    app.screenshot("student-transferred").await;
    app.close().await;
}
