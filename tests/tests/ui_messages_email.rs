//! In the real app window at 1366 × 768, on a desk of its own: the director
//! checks the mail settings in Settings (a mistyped sender refused by name)
//! and sends a test email; Aarav is marked absent on today's sheet; his
//! mother's alert is approved on the Messages page and the local SMTP
//! server receives one email with his name and the day, shown as sent.
//! Diya, present, has nothing drafted.

use branchdesk_e2e::*;
use branchdesk_send::test_server::{MailServer, Options};
use std::time::Duration;

#[tokio::test]
async fn an_absence_approved_on_screen_reaches_the_mothers_inbox_once() {
    if !ui_tests_enabled("an_absence_approved_on_screen_reaches_the_mothers_inbox_once") {
        return;
    }
    let mail = MailServer::start(Options::default());
    let port = mail.port;
    let app = App::launch(move |dir| {
        seed_class_with_email_parent(dir, port);
    })
    .await;
    app.client.set_window_size(1366, 768).await.expect("resize");
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;

    // Settings: the mail server as seeded; a sender typed wrong is named.
    app.click_centred("[data-area='Settings']").await;
    app.wait_text("#email-channel", "Email for messages").await;
    let host = app.find("#field-email\\.host").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(host, "127.0.0.1");
    app.type_into("#field-email\\.from_address", "office at kiran-coaching").await;
    app.click_centred("#save-email-channel").await;
    app.wait_text("#email-channel .field-error", "email").await;
    app.screenshot("settings-email-refused").await;
    app.type_into("#field-email\\.from_address", "office@kiran-coaching.example").await;
    app.click_centred("#save-email-channel").await;
    app.wait_text("#email-channel-done", "Mail settings saved").await;
    app.type_into("#test-email-to", "meera@example.com").await;
    app.click_centred("#send-test-email").await;
    app.wait_text("#email-channel-done", "Sent to meera@example.com").await;
    let got = mail.wait_for(1, Duration::from_secs(10));
    assert!(got[0].contains("To: meera@example.com"), "{}", got[0]);
    app.screenshot("settings-email-test-sent").await;

    // Today's sheet: Aarav absent, Diya present, saved.
    app.click_centred("[data-area='Today']").await;
    app.click(".today-session").await;
    app.wait_text("#sheet-counts", "2 not marked").await;
    app.find("#sheet-rows").await.send_keys("ap").await.unwrap();
    app.wait_text("#sheet-counts", "0 not marked").await;
    app.find("#sheet-rows").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#sheet-saved", "Saved").await;

    // Messages: one draft, by email to his mother; approved.
    app.click_centred("[data-area='Messages']").await;
    let draft = app.wait_text("#message-list", "Sunita Sharma").await;
    assert!(draft.contains("EMAIL sunita@example.com"), "{draft}");
    assert!(!draft.contains("Mahesh Patel"), "{draft}");
    assert_eq!(app.count("#message-list > li").await, 1);
    app.screenshot("messages-draft-email").await;
    app.click_button("div", "Choose all", "Choose all").await;
    app.click("#send-chosen").await;
    app.wait_text(".notice.success", "approved").await;

    // The sender wakes on approval: one email, with his name and the day.
    let got = mail.wait_for(2, Duration::from_secs(30));
    assert_eq!(got.len(), 2, "{got:?}");
    let day = chrono::Local::now().date_naive().format("%-d %b %Y").to_string();
    assert!(got[1].contains("To: Sunita Sharma <sunita@example.com>"), "{}", got[1]);
    assert!(got[1].contains(&format!("Aarav Sharma was absent from Maths X on {day}")), "{}", got[1]);

    app.click_button("div", "Waiting to send", "Sent").await;
    let sent = app.wait_text("#message-list", "Sent ").await;
    assert!(sent.contains("Sunita Sharma"), "{sent}");
    app.screenshot("messages-sent").await;
    // Nothing more goes out.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(mail.received().len(), 2);
    app.close().await;
}
