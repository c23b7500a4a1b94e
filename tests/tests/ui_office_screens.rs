//! In the real app window, the office screens a manager opens now and
//! then: Settings (an amount typed in rupees, a rate in per cent, a value
//! out of range refused), Backups (one taken, a restore asked and called
//! off, the recovery key shown only for the right password), and Messages
//! (an absence alert reviewed and sent).

use branchdesk_api::commands::attendance::AttendanceStatus;
use branchdesk_api::commands::attendance::{Mark, SaveMarks};
use branchdesk_api::commands::students::{Enrol, GuardianInput, SaveStudent};
use branchdesk_api::commands::timetable::{GetBatch, SaveBatch};
use branchdesk_e2e::*;
use std::path::Path;

#[tokio::test]
async fn settings_take_rupees_and_per_cent_and_refuse_what_is_out_of_range() {
    if !ui_tests_enabled("settings_take_rupees_and_per_cent_and_refuse_what_is_out_of_range") {
        return;
    }
    let app = App::launch(|dir| {
        seed_desk(dir);
    })
    .await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click_centred("[data-area='Settings']").await;

    // The approval limit reads in rupees, and is typed so.
    let limit = "#setting-expenses-approval_above_minor";
    let shown = app.find(limit).await.prop("value").await.unwrap().unwrap_or_default();
    assert!(shown.contains(','), "an amount reads with its commas: {shown}");
    app.type_into(limit, "7,500").await;
    app.click_button("form", "need another manager", "Save").await;
    app.wait_text("form:has(#setting-expenses-approval_above_minor)", "set for the organisation").await;

    // GST as a rate in per cent; 50 % is refused naming the range.
    let gst = "#setting-tax-gst_rate_bp";
    app.type_into(gst, "50").await;
    app.click_button("form", "GST on fees", "Save").await;
    app.wait_text("form:has(#setting-tax-gst_rate_bp) .field-error", "from 0 to 28").await;
    app.type_into(gst, "18").await;
    app.click_button("form", "GST on fees", "Save").await;
    app.wait_text("form:has(#setting-tax-gst_rate_bp)", "set for the organisation").await;
    app.screenshot("settings-money-and-rates").await;

    // After a restart both read as typed.
    let app = app.restart().await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click_centred("[data-area='Settings']").await;
    let limit_value = app.find(limit).await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(limit_value, "7,500.00");
    let gst_value = app.find(gst).await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(gst_value, "18");
    app.close().await;
}

#[tokio::test]
async fn a_backup_is_taken_a_restore_called_off_and_the_recovery_key_needs_the_password() {
    if !ui_tests_enabled("a_backup_is_taken_a_restore_called_off_and_the_recovery_key_needs_the_password") {
        return;
    }
    let app = App::launch(|dir| {
        seed_desk(dir);
    })
    .await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click_centred("[data-area='Backups']").await;
    // The desk backs itself up on its first start: that one is listed.
    app.find("#backups-table tbody tr").await;
    let before = app.count("#backups-table tbody tr").await;
    app.click("#take-backup").await;
    for _ in 0..100 {
        if app.count("#backups-table tbody tr").await > before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(app.count("#backups-table tbody tr").await, before + 1, "the new backup is listed");

    // Restoring is asked first; Cancel leaves everything as it was.
    app.click("#backups-table tbody tr:first-child button").await;
    app.wait_text("#backups", "Restore the backup of").await;
    app.click_button("div", "Restore the backup of", "Cancel").await;
    app.wait_gone("#confirm-restore").await;

    // The recovery key: a wrong password shows nothing, the right one the key.
    app.type_into("#recovery-key-form input[name='password']", "not-my-password").await;
    app.click("#recovery-key-form button[type='submit']").await;
    app.wait_text("#recovery-key-form .field-error", "").await;
    assert_eq!(app.count("#recovery-key-text").await, 0, "no key for a wrong password");
    app.type_into("#recovery-key-form input[name='password']", DIRECTOR_PASSWORD).await;
    app.click("#recovery-key-form button[type='submit']").await;
    let key = app.wait_text("#recovery-key-text", "-").await;
    assert!(key.len() >= 40, "a recovery key: {key}");
    app.screenshot("backups-recovery-key").await;
    app.close().await;
}

/// A batch meeting all day today, one student with a guardian, marked absent:
/// an absence alert waits for review.
fn seed_absence(dir: &Path) {
    let (desk, director, branch) = seed_desk(dir);
    let (room, course) = seed_room_and_course(&desk, &director, branch, ("Hall", 40), ("MTH", "Maths"));
    let class = SaveBatch {
        name: "Maths X".into(),
        ..batch_from_today(branch, course, room, director.user_id, ("00:00", "23:59"), 30)
    };
    let batch = desk.save_batch(&director, class).expect("batch").id;
    let student = desk
        .save_student(
            &director,
            SaveStudent {
                branch_id: branch,
                full_name: "Kavya Nair".into(),
                date_of_birth: "12/08/2011".into(),
                guardians: vec![GuardianInput {
                    full_name: "Lakshmi Nair".into(),
                    phone: "+91 98470 12345".into(),
                    relation: "Mother".into(),
                    is_primary: true,
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .expect("student")
        .student
        .id;
    desk.enrol(&director, Enrol { student_id: student, batch_id: batch, ..Default::default() })
        .expect("enrol");
    let session = desk.get_batch(&director, GetBatch { id: batch }).expect("batch").sessions[0].id;
    desk.save_marks(
        &director,
        SaveMarks {
            session_id: session,
            marks: vec![Mark { student_id: student, status: AttendanceStatus::Absent, note: String::new() }],
            ..Default::default()
        },
    )
    .expect("marks");
}

#[tokio::test]
async fn an_absence_alert_is_reviewed_and_sent() {
    if !ui_tests_enabled("an_absence_alert_is_reviewed_and_sent") {
        return;
    }
    let app = App::launch(seed_absence).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click_centred("[data-area='Messages']").await;
    let list = app.wait_text("#message-list", "Lakshmi Nair").await;
    assert!(list.contains("Kavya Nair"), "the alert names the student: {list}");
    let send = app.find("#send-chosen").await;
    assert_eq!(send.prop("disabled").await.unwrap().as_deref(), Some("true"), "nothing chosen, nothing sent");
    app.click("#message-list input[type='checkbox']").await;
    app.wait_text("#send-chosen", "Send 1 chosen").await;
    // What the SMS costs, before it is sent (the default 20 paise a part).
    // The seeded alert is longer than one part: two parts at 20 paise.
    app.wait_text("#sms-estimate", "1 chosen: 1 by SMS (2 parts) ≈ ₹0.40").await;
    assert!(app.text("#message-list").await.contains("2 SMS parts"));
    app.screenshot("messages-review").await;
    app.click("#send-chosen").await;
    app.wait_text("#messages .notice", "1 message approved").await;
    app.wait_text("#messages", "No messages here.").await;
    app.close().await;
}
