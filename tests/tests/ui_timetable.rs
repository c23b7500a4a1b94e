//! In the real app window: a course with a curriculum, two batches where
//! the second is refused because the room is taken (the message names the
//! first batch), and the week timetable showing the first.

use branchdesk_api::commands::org::SaveRoom;
use branchdesk_e2e::*;
use chrono::{Datelike, Duration, Local};
use std::path::Path;

/// An organisation with a room and two teachers, as an admin would have set up.
fn seed_branch(dir: &Path) {
    let (desk, director, branch) = seed_desk(dir);
    desk.save_room(&director, SaveRoom { id: None, branch_id: branch, name: "Room 1".into(), capacity: 30 })
        .expect("room");
    for who in [("Ravi Kumar", "ravi@example.com"), ("Asha Rao", "asha@example.com")] {
        seed_teacher(&desk, &director, branch, who);
    }
}

#[tokio::test]
async fn plan_a_course_and_two_batches_see_the_clash_refused_and_the_week() {
    if !ui_tests_enabled("plan_a_course_and_two_batches_see_the_clash_refused_and_the_week") {
        return;
    }
    let app = App::launch(seed_branch).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;

    // A course with a curriculum: one module, one lesson of 100 %.
    app.click_centred("[data-area='Courses']").await;
    app.click("#add-course").await;
    app.type_into("#field-code", "PHY-11").await;
    app.type_into("#field-name", "Physics XI").await;
    app.type_into("#field-default_fee_minor", "12,000").await;
    app.find("#field-name").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#course-list", "PHY-11").await;
    app.click("#new-official").await;
    app.type_into("#field-module-title", "Mechanics").await;
    app.find("#field-module-title").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#curriculum-editor", "Mechanics").await;
    app.type_into("#field-lesson-title", "Newton's laws").await;
    app.type_into("#field-weightage_bp", "60").await;
    app.find("#field-lesson-title").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#weight-total", "60 % of 100 %").await;
    // Not yet 100 %: sending for approval is refused and says why.
    app.click("#submit-curriculum").await;
    app.wait_text("#curriculum-editor .form-error", "adds up to 60 %").await;
    app.type_into("#field-lesson-title", "Work and energy").await;
    app.type_into("#field-weightage_bp", "40").await;
    app.find("#field-lesson-title").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#weight-total", "100 % of 100 %").await;
    app.click("#submit-curriculum").await;
    app.wait_text("#curriculum-status", "Awaiting approval").await;
    app.screenshot("courses-curriculum").await;

    // Two batches on today's weekday from today; the second wants the same room at an overlapping time.
    let today = Local::now().date_naive();
    let weekday = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        [today.weekday().num_days_from_monday() as usize];
    let plan = |name: &'static str, teacher: &'static str, start: &'static str, end: &'static str| {
        let app = &app;
        let instalments = name.ends_with("-A");
        async move {
            app.click("#add-batch").await;
            app.type_into("#field-name", name).await;
            app.choose("#field-course_id", "PHY-11 Physics XI").await;
            let fee = app.find("#field-fee_minor").await.prop("value").await.unwrap().unwrap_or_default();
            assert_eq!(fee, "12,000.00", "the course's usual fee fills the fee");
            app.type_into("#field-capacity", "25").await;
            app.choose("#field-teacher_id", teacher).await;
            app.choose("#field-room_id", "Room 1 (30 seats)").await;
            // Dates typed day first, as a clerk types them.
            app.type_into("#field-start_date", &today.format("%d/%m/%Y").to_string()).await;
            app.type_into("#field-end_date", &(today + Duration::days(60)).format("%d/%m/%Y").to_string())
                .await;
            app.choose("[name='slots[0].weekday']", weekday).await;
            app.set_value("[name='slots[0].start']", start).await;
            app.set_value("[name='slots[0].end']", end).await;
            if instalments {
                // Two instalments; the second first typed after the batch ends.
                app.choose("#field-fee_frequency", "in instalments").await;
                app.type_into("[name='instalments[0].due_on']", &today.format("%d/%m/%Y").to_string()).await;
                app.type_into("[name='instalments[0].amount_minor']", "3,000").await;
                app.click("#add-instalment").await;
                app.type_into(
                    "[name='instalments[1].due_on']",
                    &(today + Duration::days(90)).format("%d/%m/%Y").to_string(),
                )
                .await;
                app.type_into("[name='instalments[1].amount_minor']", "2,000").await;
                app.click("#save-batch").await;
                app.wait_text("#instalments .field-error", "while the batch runs").await;
                app.type_into(
                    "[name='instalments[1].due_on']",
                    &(today + Duration::days(30)).format("%d/%m/%Y").to_string(),
                )
                .await;
            } else {
                app.type_into("#field-fee_minor", "2,500").await;
            }
            app.click("#save-batch").await;
        }
    };
    app.click_centred("[data-area='Batches']").await;
    plan("Physics XI-A", "Ravi Kumar", "16:00", "17:30").await;
    app.wait_text("#batches-table", "Physics XI-A").await;
    app.wait_text("#batches-table", "5,000.00 in instalments").await;
    app.wait_text("#batch-sessions", "scheduled").await;
    plan("Physics XI-B", "Asha Rao", "17:00", "18:00").await;
    let refused = app.wait_text("#batch-form .field-error", "already booked").await;
    assert!(refused.contains("Room 1 is already booked for Physics XI-A"), "{refused}");
    app.screenshot("batches-clash-refused").await;
    app.find("#field-name").await.send_keys("\u{e00c}").await.unwrap(); // Esc closes the form
    let table = app.text("#batches-table").await;
    assert!(!table.contains("Physics XI-B"), "the refused batch was saved: {table}");

    // The week timetable shows today's class.
    app.click_centred("[data-area='Timetable']").await;
    let week = app.wait_text("#week-grid", "Physics XI-A").await;
    assert!(week.contains("16:00–17:30"), "{week}");
    assert!(week.contains("Room 1"), "{week}");
    app.screenshot("timetable-week").await;
    app.close().await;
}
