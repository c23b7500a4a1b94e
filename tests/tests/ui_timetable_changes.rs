//! In the real app window, the changes a branch manager makes to a running
//! timetable: a holiday added with a day-first date, found in the list,
//! moved to the right week and removed again (its class comes back); one
//! class moved, refused onto a booked room and then moved to a free one;
//! a batch closed (asked first) and reopened.

use branchdesk_api::commands::org::SaveRoom;
use branchdesk_api::commands::students::{Enrol, SaveStudent};
use branchdesk_api::commands::timetable::SaveBatch;
use branchdesk_e2e::*;
use chrono::{Duration, Local, NaiveDate};
use std::path::Path;

fn today() -> NaiveDate {
    Local::now().date_naive()
}

fn typed(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Two rooms, two teachers and two batches meeting on today's weekday for
/// eight weeks: Physics XI-A 16:00–17:30 and Chemistry XI 18:00–19:00,
/// both in Room 1.
fn seed(dir: &Path) {
    let (desk, director, branch) = seed_desk(dir);
    let (room, course) = seed_room_and_course(&desk, &director, branch, ("Room 1", 30), ("PHY", "Physics"));
    desk.save_room(&director, SaveRoom { id: None, branch_id: branch, name: "Room 2".into(), capacity: 30 })
        .expect("room 2");
    let teachers = [("Ravi Kumar", "ravi@example.com"), ("Asha Rao", "asha@example.com")]
        .map(|who| seed_teacher(&desk, &director, branch, who));
    let mut batches = Vec::new();
    for (name, teacher, hours) in
        [("Physics XI-A", teachers[0], ("16:00", "17:30")), ("Chemistry XI", teachers[1], ("18:00", "19:00"))]
    {
        let batch = SaveBatch {
            name: name.into(),
            capacity: 25,
            ..batch_from_today(branch, course, room, teacher, hours, 55)
        };
        batches.push(desk.save_batch(&director, batch).expect("batch").id);
    }
    // One student in Physics XI-A, for its roster.
    let student = desk
        .save_student(
            &director,
            SaveStudent {
                branch_id: branch,
                full_name: "आरव शर्मा".into(),
                date_of_birth: "14/03/2000".into(),
                ..Default::default()
            },
        )
        .expect("student")
        .student
        .id;
    desk.enrol(&director, Enrol { student_id: student, batch_id: batches[0], ..Default::default() })
        .expect("enrol");
}

#[tokio::test]
async fn a_holiday_is_added_moved_and_removed_a_class_moved_and_a_batch_closed() {
    if !ui_tests_enabled("a_holiday_is_added_moved_and_removed_a_class_moved_and_a_batch_closed") {
        return;
    }
    let app = App::launch(seed).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    let (next_week, week_after) = (today() + Duration::days(7), today() + Duration::days(14));

    // A holiday typed day first, on next week's classes.
    app.click_centred("[data-area='Timetable']").await;
    app.wait_text("#timetable", "No holidays or events ahead").await;
    app.click("#add-event").await;
    app.type_into("#field-title", "Diwali").await;
    app.type_into("#field-start_date", &typed(next_week)).await;
    app.click("#event-form button[type='submit']").await;
    let list = app.wait_text("#events-table", "Diwali").await;
    assert!(list.contains("2 classes off"), "both batches meet that day: {list}");
    assert!(list.contains(&next_week.format("%-d %b %Y").to_string()), "{list}");
    app.screenshot("timetable-events-list").await;

    // Entered on the wrong week: edited to the week after.
    app.click_button("tr", "Diwali", "Edit").await;
    let title = app.find("#field-title").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(title, "Diwali", "the form opens with the event");
    app.type_into("#field-start_date", &typed(week_after)).await;
    app.click("#event-form button[type='submit']").await;
    app.wait_text("#events-table", &week_after.format("%-d %b %Y").to_string()).await;
    let list = app.text("#events-table").await;
    assert!(!list.contains(&next_week.format("%-d %b %Y").to_string()), "{list}");
    assert_eq!(list.matches("Diwali").count(), 1, "an edit adds no event: {list}");
    app.screenshot("timetable-event-edited").await;

    // Removed, asked first: Esc keeps it, Enter removes it.
    app.click_button("tr", "Diwali", "Remove").await;
    let question = app.wait_text(".confirm", "Remove Diwali?").await;
    assert!(question.contains("The 2 classes it took off come back"), "{question}");
    app.screenshot("timetable-event-remove-asked").await;
    app.find(".confirm-yes").await.send_keys("\u{e00c}").await.unwrap();
    app.wait_gone(".confirm").await;
    app.click_button("tr", "Diwali", "Remove").await;
    app.find(".confirm-yes").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#timetable", "No holidays or events ahead").await;

    // Today's Physics class moved an hour and a half later: Room 1 then
    // holds Chemistry, so the move is refused naming it; Room 2 is free.
    app.click_centred("[data-area='Batches']").await;
    app.click_button("tr", "Physics XI-A", "Physics XI-A").await;
    app.wait_text("#sessions-table", "16:00–17:30").await;
    // The batch's roster, exported for the teacher's register.
    app.click("#export-roster").await;
    let said = app.wait_text("#roster-exported", "Roster of 1 student saved to").await;
    let path = said.split(" saved to ").nth(1).expect("a path").trim();
    let csv = std::fs::read_to_string(path).expect("the roster file");
    assert!(csv.trim_start_matches('\u{feff}').starts_with("code,full_name,status,start_date"), "{csv}");
    assert!(csv.contains("आरव शर्मा"), "{csv}");
    app.click_centred("#sessions-table .move-session").await;
    app.wait_focus("field-date", "the date of the class being moved takes the focus").await;
    app.set_value("#field-start", "17:30").await;
    app.set_value("#field-end", "19:00").await;
    app.type_into("#move-note", "Teacher at a workshop").await;
    app.click("#save-move").await;
    let refused = app.wait_text(".move-session-form", "already booked").await;
    assert!(refused.contains("Room 1 is already booked for Chemistry XI"), "{refused}");
    app.screenshot("batch-move-refused").await;
    app.choose(".move-session-form #field-room_id", "Room 2").await;
    app.click("#save-move").await;
    app.wait_gone(".move-session-form").await;
    let sessions = app.wait_text("#sessions-table", "17:30–19:00").await;
    assert!(sessions.contains("moved") && sessions.contains("Room 2"), "{sessions}");
    app.screenshot("batch-class-moved").await;

    // Closing the batch is asked first; it then reads as closed and reopens.
    app.click_button("tr", "Physics XI-A", "Close").await;
    let ask = app.wait_text(".confirm", "Close Physics XI-A?").await;
    assert!(ask.contains("classes from today on are cancelled"), "{ask}");
    app.find(".confirm-yes").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#batches-table tr.inactive", "Physics XI-A").await;
    let sessions = app.wait_text("#batch-sessions", "0 scheduled").await;
    assert!(sessions.contains("8 cancelled"), "its classes from today on are off: {sessions}");
    app.screenshot("batch-closed").await;
    app.click_button("tr", "Physics XI-A", "Reopen").await;
    app.wait_gone("#batches-table tr.inactive").await;
    app.wait_text("#batch-sessions", "8 scheduled, 0 cancelled").await;
    app.close().await;
}
