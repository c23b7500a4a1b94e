//! The email channel against a real SMTP server (aiosmtpd on loopback):
//! what arrives, and how each of the server's answers is read.

use branchdesk_api::commands::attendance::NotificationChannel;
use branchdesk_api::commands::channels::{EmailChannel, EmailSecurity};
use branchdesk_api::delivery::{Outcome, Outgoing};
use branchdesk_channels::email::Mailer;
use branchdesk_channels::test_server::{MailServer, Options};
use std::time::Duration;

fn channel(port: u16) -> EmailChannel {
    EmailChannel {
        host: "127.0.0.1".into(),
        port,
        security: EmailSecurity::Plain,
        from_address: "office@kota-coaching.example".into(),
        from_name: "Kota Coaching".into(),
        ..Default::default()
    }
}

fn message(to: &str) -> Outgoing {
    Outgoing {
        id: uuid::Uuid::from_u128(0x0193_a0c0_0000_7000_8000_0000_0000_0042),
        channel: NotificationChannel::Email,
        recipient_name: "Sunita Sharma".into(),
        recipient: to.into(),
        subject: "Absence: Aarav Sharma – Kota".into(),
        body: "Dear Sunita Sharma, Aarav Sharma was absent from JEE Morning on 1 Jun 2026.".into(),
    }
}

#[tokio::test]
async fn an_email_arrives_with_its_subject_sender_and_an_id_of_its_own() {
    let server = MailServer::start(Options::default());
    let outcome = Mailer::new(channel(server.port)).send(&message("sunita@example.com")).await;
    let Outcome::Sent { provider_ref } = outcome else { panic!("not sent: {outcome:?}") };
    assert!(provider_ref.contains("queued as M0001"), "{provider_ref}");
    let got = server.wait_for(1, Duration::from_secs(5));
    assert_eq!(got.len(), 1);
    let mail = &got[0];
    assert!(mail.contains("To: Sunita Sharma <sunita@example.com>"), "{mail}");
    assert!(mail.contains("From: Kota Coaching <office@kota-coaching.example>"), "{mail}");
    assert!(mail.contains("Subject: Absence: Aarav Sharma – Kota"), "{mail}");
    assert!(
        mail.contains("Message-ID: <0193a0c0-0000-7000-8000-000000000042@kota-coaching.example>"),
        "{mail}"
    );
    assert!(mail.contains("Aarav Sharma was absent from JEE Morning on 1 Jun 2026."), "{mail}");
    // The dash is not ASCII: on the wire it is encoded, not mangled.
    let raw = &server.received_raw()[0];
    assert!(raw.contains("Subject: Absence: Aarav Sharma =?utf-8?b?4oCT?= Kota"), "{raw}");
}

#[tokio::test]
async fn starttls_with_a_sign_in_goes_through_and_a_wrong_password_is_tried_again() {
    let login = ("desk@kota-coaching.example".to_owned(), "Copper-Lantern-38".to_owned());
    let server = MailServer::start(Options { starttls: true, login: Some(login.clone()) });
    let mut mailer = Mailer::new(EmailChannel {
        host: "localhost".into(),
        security: EmailSecurity::StartTls,
        username: login.0.clone(),
        password: login.1.clone(),
        ..channel(server.port)
    });
    // Its certificate is its own: not trusted, nothing sent in the clear.
    let untrusted = mailer.send(&message("sunita@example.com")).await;
    assert!(
        matches!(&untrusted, Outcome::Retry { reason } if reason.contains("ertificate")),
        "{untrusted:?}"
    );
    assert!(server.received().is_empty());

    mailer.extra_roots_pem = vec![server.cert_pem.clone().expect("its certificate")];
    let sent = mailer.send(&message("sunita@example.com")).await;
    assert!(matches!(sent, Outcome::Sent { .. }), "{sent:?}");
    assert_eq!(server.wait_for(1, Duration::from_secs(5)).len(), 1);

    mailer.channel.password = "wrong".into();
    let refused = mailer.send(&message("sunita@example.com")).await;
    // A refused sign-in is the office's to fix, not the message's fault.
    assert!(matches!(&refused, Outcome::Retry { reason } if reason.contains("535")), "{refused:?}");
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_refused_mailbox_fails_and_a_busy_one_is_tried_again() {
    let server = MailServer::start(Options::default());
    let mailer = Mailer::new(channel(server.port));
    let refused = mailer.send(&message("nobody@refused.example")).await;
    assert!(
        matches!(&refused, Outcome::Failed { reason } if reason.contains("550") && reason.contains("No such mailbox")),
        "{refused:?}"
    );
    let busy = mailer.send(&message("parent@busy.example")).await;
    assert!(matches!(&busy, Outcome::Retry { reason } if reason.contains("451")), "{busy:?}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_bad_address_fails_before_any_connection() {
    // Nothing listens on this port: an answer at all means no connection was tried.
    let outcome = Mailer::new(channel(9)).send(&message("sunita at example dot com")).await;
    assert!(
        matches!(&outcome, Outcome::Failed { reason } if reason.contains("not an email address")),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_server_down_or_silent_is_tried_again() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let down = Mailer::new(channel(port)).send(&message("sunita@example.com")).await;
    assert!(
        matches!(&down, Outcome::Retry { reason } if reason.contains("could not be reached")),
        "{down:?}"
    );

    // Accepts the connection and never says a word.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let (socket, _) = silent.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(socket);
    });
    let mailer = Mailer { timeout: Duration::from_secs(1), ..Mailer::new(channel(port)) };
    let started = std::time::Instant::now();
    let outcome = mailer.send(&message("sunita@example.com")).await;
    assert!(matches!(outcome, Outcome::Retry { .. }), "{outcome:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "waited {:?}", started.elapsed());
    held.abort();
}
