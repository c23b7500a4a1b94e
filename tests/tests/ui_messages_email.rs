//! In the real app window at 1366 × 768, on a desk of its own: the director
//! checks the mail settings in Settings (a mistyped sender refused by name)
//! and sends a test email; Aarav and Kabir are marked absent on today's
//! sheet; their mothers' alerts are approved on the Messages page and the
//! local SMTP server receives one email with Aarav's name and the day,
//! shown as sent; Kabir's mother's address is refused, shown as failed with
//! the server's reason, corrected and sent again. Diya, present, has
//! nothing drafted.

use branchdesk_channels::test_server::{MailServer, Options};
use branchdesk_e2e::*;
use std::time::Duration;

#[tokio::test]
async fn absences_approved_on_screen_reach_the_mothers_once_and_a_refused_address_is_corrected() {
    if !ui_tests_enabled(
        "absences_approved_on_screen_reach_the_mothers_once_and_a_refused_address_is_corrected",
    ) {
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
    app.wait_text("#sheet-counts", "3 not marked").await;
    app.find("#sheet-rows").await.send_keys("apa").await.unwrap();
    app.wait_text("#sheet-counts", "0 not marked").await;
    app.find("#sheet-rows").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#sheet-saved", "Saved").await;

    // Messages: two drafts, by email to the mothers; approved together.
    app.click_centred("[data-area='Messages']").await;
    let drafts = app.wait_text("#message-list", "Sunita Sharma").await;
    assert!(drafts.contains("Email sunita@example.com"), "{drafts}");
    assert!(drafts.contains("Email anita@refused.example"), "{drafts}");
    assert!(!drafts.contains("Mahesh Patel"), "{drafts}");
    assert_eq!(app.count("#message-list > li").await, 2);
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
    assert!(sent.contains("Sunita Sharma") && !sent.contains("Anita Rao"), "{sent}");
    app.screenshot("messages-sent").await;

    // Kabir's mother: failed with the server's words; corrected, sent again.
    app.click_button("div", "Waiting to send", "Failed").await;
    let failed = app.wait_text("#message-list", "Not sent").await;
    assert!(failed.contains("550") && failed.contains("No such mailbox"), "{failed}");
    app.screenshot("messages-failed").await;
    app.type_into("#message-list .resend input", "anita@example.com").await;
    app.click_button("li", "Anita Rao", "Send again").await;
    let got = mail.wait_for(3, Duration::from_secs(30));
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[2].contains("To: Anita Rao <anita@example.com>"), "{}", got[2]);
    assert!(got[2].contains("Kabir Rao was absent"), "{}", got[2]);
    app.wait_gone("#message-list .resend").await;
    // Nothing more goes out.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(mail.received().len(), 3);
    app.close().await;
}
