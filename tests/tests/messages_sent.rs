//! Messages through a real SMTP server (aiosmtpd on loopback). A desk of
//! its own sends an approved absence alert once, with the student's name
//! and the day. With a sync server (real HTTPS on loopback) the server
//! sends: two desks approving the same alert offline make one email, and
//! both desks see it sent.

use branchdesk_api::commands::attendance::{
    AttendanceStatus, GetSheet, ListNotifications, Mark, NotificationState, ReviewNotifications, SaveMarks,
};
use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::timetable::GetBatch;
use branchdesk_channels::test_server::{MailServer, Options};
use branchdesk_e2e::*;
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
    let (session, drafts) = mark_aarav_absent(&desk, &director, batch, branch);
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

/// Marks Aarav absent (the rest present) in the batch's first class;
/// answers the class and the drafts it made.
fn mark_aarav_absent(
    desk: &branchdesk_desk::Desk,
    director: &branchdesk_desk::Actor,
    batch: branchdesk_api::ids::BatchId,
    branch: branchdesk_api::ids::BranchId,
) -> (
    branchdesk_api::commands::timetable::ClassSession,
    Vec<branchdesk_api::commands::attendance::Notification>,
) {
    let session = desk.get_batch(director, GetBatch { id: batch }).unwrap().sessions[0].clone();
    let sheet = desk.get_sheet(director, GetSheet { session_id: session.id, ..Default::default() }).unwrap();
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
    desk.save_marks(director, SaveMarks { session_id: session.id, marks, ..Default::default() }).unwrap();
    let drafts = desk
        .list_notifications(
            director,
            ListNotifications { branch_id: branch, state: NotificationState::Draft, ..Default::default() },
        )
        .unwrap();
    (session, drafts)
}

/// With a sync server the server sends, once: the office and a second desk
/// both approve Aarav's absence alert while offline; one email arrives;
/// both desks then show it sent, and neither desk sends anything itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desks_approving_the_same_alert_offline_make_one_email_from_the_server() {
    let mail = MailServer::start(Options::default());
    let (_server_dir, store, url, bootstrap) = server_sending_email(mail.port).await;

    // The office desk (its class and parents made before linking) and a second desk.
    let office_dir = tempfile::tempdir().unwrap();
    let batch = seed_class_with_email_parent(office_dir.path(), mail.port);
    let office = branchdesk_desk::Desk::open(branchdesk_desk::DeskConfig::new(office_dir.path())).unwrap();
    let client = branchdesk_sync::Client::new();
    client.link(&office, &url, &bootstrap).await.unwrap();
    let sign_in = |desk: &branchdesk_desk::Desk| {
        let (token, me) =
            desk.login(Login { email: DIRECTOR_EMAIL.into(), password: DIRECTOR_PASSWORD.into() }).unwrap();
        (desk.actor(&token).unwrap(), me.branches[0].id)
    };
    let (director, branch) = sign_in(&office);
    client.sync(&office).await.unwrap();
    let code = client.issue_code(&office, Some(director.user_id), None).await.unwrap().code;
    let second_dir = tempfile::tempdir().unwrap();
    let second = branchdesk_desk::Desk::open(branchdesk_desk::DeskConfig::new(second_dir.path())).unwrap();
    client.link(&second, &url, &code).await.unwrap();
    client.sync(&second).await.unwrap();
    let (at_second, _) = sign_in(&second);

    let (_, drafts) = mark_aarav_absent(&office, &director, batch, branch);
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    client.sync(&office).await.unwrap();
    client.sync(&second).await.unwrap();

    // Both approve while offline from each other.
    for (desk, who) in [(&office, &director), (&second, &at_second)] {
        desk.review_notifications(who, ReviewNotifications { ids: vec![drafts[0].id], approve: true })
            .unwrap();
        assert_eq!(
            branchdesk_send::worker::round(desk, &[]).await.unwrap().sent,
            0,
            "a linked desk sends nothing"
        );
    }
    client.sync(&office).await.unwrap();
    let round = branchdesk_server::sender::round(&store, &[]).await.unwrap();
    assert_eq!(round.sent, 1, "{round:?}");
    client.sync(&second).await.unwrap();
    assert_eq!(
        branchdesk_server::sender::round(&store, &[]).await.unwrap().sent,
        0,
        "the late approval sends nothing"
    );
    let got = mail.wait_for(1, Duration::from_secs(5));
    assert!(got[0].contains("Aarav Sharma was absent from Maths X"), "{}", got[0]);

    for (desk, who) in [(&office, &director), (&second, &at_second)] {
        client.sync(desk).await.unwrap();
        let sent = desk
            .list_notifications(
                who,
                ListNotifications { branch_id: branch, state: NotificationState::Sent, ..Default::default() },
            )
            .unwrap();
        assert_eq!(sent.iter().map(|n| n.id).collect::<Vec<_>>(), vec![drafts[0].id], "sent, on each desk");
        assert!(sent[0].when.is_some(), "with when it went");
        let waiting = desk
            .list_notifications(
                who,
                ListNotifications {
                    branch_id: branch,
                    state: NotificationState::Approved,
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(waiting.is_empty(), "{waiting:?}");
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(mail.received().len(), 1, "one email");
}

/// A sync server over HTTPS with its own certificate, set up to send email
/// through the mail server on `mail_port`: its folder, its store, its
/// address and the first desk's code.
async fn server_sending_email(
    mail_port: u16,
) -> (tempfile::TempDir, branchdesk_server::store::sqlite::SqliteStore, String, String) {
    use branchdesk_api::commands::channels::{EmailChannel, EmailSecurity};
    use branchdesk_server::store::Store;
    let server_dir = tempfile::tempdir().unwrap();
    let store =
        branchdesk_server::store::sqlite::SqliteStore::open(&server_dir.path().join("s.sqlite")).unwrap();
    let tls = branchdesk_server::tls::load(&branchdesk_server::tls::Source::SelfMade {
        dir: server_dir.path().join("tls"),
    })
    .unwrap();
    let bootstrap = branchdesk_api::pin::JoinCode {
        secret: store.bootstrap_code().await.unwrap().unwrap(),
        pin: Some(tls.pin.clone()),
    }
    .show();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(branchdesk_server::serve_tls(listener, tls.config, store.clone()));
    let email = EmailChannel {
        host: "127.0.0.1".into(),
        port: mail_port,
        security: EmailSecurity::Plain,
        from_address: "office@kiran-coaching.example".into(),
        from_name: "Kiran Coaching".into(),
        ..Default::default()
    };
    store.save_email_channel(email).await.unwrap();
    (server_dir, store, url, bootstrap)
}

/// A desk that sent by itself and then links to a server hands over what
/// it sent: the server sends none of it again, and shows it sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_that_sent_by_itself_hands_over_on_linking_and_nothing_goes_twice() {
    let mail = MailServer::start(Options::default());
    let dir = tempfile::tempdir().unwrap();
    let batch = seed_class_with_email_parent(dir.path(), mail.port);
    let desk = branchdesk_desk::Desk::open(branchdesk_desk::DeskConfig::new(dir.path())).unwrap();
    let (token, me) =
        desk.login(Login { email: DIRECTOR_EMAIL.into(), password: DIRECTOR_PASSWORD.into() }).unwrap();
    let director = desk.actor(&token).unwrap();
    let branch = me.branches[0].id;
    let (_, drafts) = mark_aarav_absent(&desk, &director, batch, branch);
    desk.review_notifications(&director, ReviewNotifications { ids: vec![drafts[0].id], approve: true })
        .unwrap();
    assert_eq!(branchdesk_send::worker::round(&desk, &[]).await.unwrap().sent, 1);
    mail.wait_for(1, Duration::from_secs(5));

    let (_server_dir, store, url, bootstrap) = server_sending_email(mail.port).await;
    let client = branchdesk_sync::Client::new();
    client.link(&desk, &url, &bootstrap).await.unwrap();
    client.sync(&desk).await.unwrap();
    assert_eq!(branchdesk_server::sender::round(&store, &[]).await.unwrap().sent, 0, "not sent again");
    client.sync(&desk).await.unwrap();
    let sent = desk
        .list_notifications(
            &director,
            ListNotifications { branch_id: branch, state: NotificationState::Sent, ..Default::default() },
        )
        .unwrap();
    assert_eq!(sent.iter().map(|n| n.id).collect::<Vec<_>>(), vec![drafts[0].id]);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(mail.received().len(), 1);
}
