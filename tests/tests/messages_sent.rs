//! Messages sent by a desk of its own through a real SMTP server (aiosmtpd
//! on loopback): an approved absence alert arrives once, with the student's
//! name and the day; rounds after it send nothing more.

use branchdesk_api::commands::attendance::{
    AttendanceStatus, GetSheet, ListNotifications, Mark, NotificationState, ReviewNotifications, SaveMarks,
};
use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::timetable::GetBatch;
use branchdesk_e2e::*;
use branchdesk_send::test_server::{MailServer, Options};
use std::time::Duration;

#[tokio::test]
async fn an_approved_absence_alert_reaches_the_parent_once() {
    let mail = MailServer::start(Options::default());
    let dir = tempfile::tempdir().unwrap();
    let batch = seed_class_with_email_parent(dir.path(), mail.port);
    let desk = branchdesk_desk::Desk::open(branchdesk_desk::DeskConfig::new(dir.path())).unwrap();
    let (token, me) =
        desk.login(Login { email: DIRECTOR_EMAIL.into(), password: DIRECTOR_PASSWORD.into() }).unwrap();
    let director = desk.actor(&token).unwrap();
    let branch = me.branches[0].id;
    let session = desk.get_batch(&director, GetBatch { id: batch }).unwrap().sessions[0].clone();
    let sheet = desk.get_sheet(&director, GetSheet { session_id: session.id, ..Default::default() }).unwrap();
    let marks = sheet
        .rows
        .iter()
        .map(|r| Mark {
            student_id: r.student_id,
            status: if r.full_name == "Aarav Sharma" {
                AttendanceStatus::Absent
            } else {
                AttendanceStatus::Present
            },
            note: String::new(),
        })
        .collect();
    desk.save_marks(&director, SaveMarks { session_id: session.id, marks, ..Default::default() }).unwrap();
    let drafts = desk
        .list_notifications(
            &director,
            ListNotifications { branch_id: branch, state: NotificationState::Draft, ..Default::default() },
        )
        .unwrap();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert_eq!((drafts[0].channel.as_str(), drafts[0].recipient.as_str()), ("EMAIL", "sunita@example.com"));

    // Drafts wait for review: nothing leaves.
    let round = branchdesk_send::worker::round(&desk, &[]).await.unwrap();
    assert_eq!(round.sent, 0);
    desk.review_notifications(&director, ReviewNotifications { ids: vec![drafts[0].id], approve: true })
        .unwrap();
    let round = branchdesk_send::worker::round(&desk, &[]).await.unwrap();
    assert_eq!(round, branchdesk_send::worker::Round { sent: 1, retry: 0, failed: 0 });

    let got = mail.wait_for(1, Duration::from_secs(5));
    assert_eq!(got.len(), 1);
    let day =
        chrono::NaiveDate::parse_from_str(&session.date, "%Y-%m-%d").unwrap().format("%-d %b %Y").to_string();
    assert!(got[0].contains("To: Sunita Sharma <sunita@example.com>"), "{}", got[0]);
    assert!(got[0].contains(&format!("Aarav Sharma was absent from Maths X on {day}")), "{}", got[0]);

    for _ in 0..2 {
        assert_eq!(branchdesk_send::worker::round(&desk, &[]).await.unwrap().sent, 0);
    }
    assert_eq!(mail.received().len(), 1, "sent once");
    let sent = desk
        .list_notifications(
            &director,
            ListNotifications { branch_id: branch, state: NotificationState::Sent, ..Default::default() },
        )
        .unwrap();
    assert_eq!(sent.len(), 1);
}
