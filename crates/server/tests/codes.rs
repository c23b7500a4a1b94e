//! Codes, mail settings and link limits through the real program and real
//! sockets: `branchdesk-server new-bootstrap-code` on each store,
//! `branchdesk-server email-settings` with a test email to a real SMTP
//! server, and the per-address link limit seeing the peer's address
//! through both listeners.

mod support;

use branchdesk_api::pin::JoinCode;
use branchdesk_api::sync::{EnrolRequest, ServerError, ServerErrorCode};
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
use branchdesk_server::tls::{self, Source};
use branchdesk_sync::{Https, Request, SyncError, Transport};
use std::process::Command;

const DEVICE: &str = "0193a0c0-0000-7000-8000-0000000000d1";

/// `branchdesk-server email-settings`: each mistyped setting is refused
/// naming its flag and nothing is kept; the password comes from the
/// environment and never shows; a good setting is kept and its test email
/// arrives.
#[tokio::test]
async fn mail_settings_are_checked_kept_on_the_server_and_tried_with_a_test_email() {
    use branchdesk_channels::test_server::{MailServer, Options};
    let login = Some(("office".to_owned(), "s3cret-app-password".to_owned()));
    let mail = MailServer::start(Options { login, ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let port = mail.port.to_string();
    let run = |extra: &[&str], password: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_branchdesk-server"))
            .args(["--data-dir", data.as_str(), "email-settings"])
            .args(extra)
            .env_remove("BRANCHDESK_DATABASE_URL")
            .env("BRANCHDESK_MAIL_PASSWORD", password)
            .output()
            .unwrap();
        let said =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), said)
    };
    for (args, says) in [
        (vec!["--host", "smtp example.com", "--from-address", "office@kiran.example"], "--host"),
        (vec!["--host", "smtp.example.com", "--from-address", "office"], "--from-address"),
        (
            vec!["--host", "smtp.example.com", "--from-address", "office@kiran.example", "--security", "ssl"],
            "--security",
        ),
        (
            vec![
                "--host",
                "smtp.example.com",
                "--from-address",
                "office@kiran.example",
                "--security",
                "none",
            ],
            "--security",
        ),
        (
            vec!["--host", "smtp.example.com", "--from-address", "office@kiran.example", "--username", "u"],
            "BRANCHDESK_MAIL_PASSWORD",
        ),
    ] {
        let (ok, said) = run(&args, "");
        assert!(!ok && said.contains(says), "{args:?}: {said}");
    }
    let store = SqliteStore::open(&dir.path().join("server.sqlite")).unwrap();
    assert!(store.email_channel().await.unwrap().is_none(), "nothing kept from a refused setting");
    let (ok, said) = run(
        &[
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--security",
            "none",
            "--username",
            "office",
            "--from-address",
            "office@kiran.example",
            "--from-name",
            "Kiran Coaching",
            "--test-to",
            "Me@Kiran.example",
        ],
        "s3cret-app-password",
    );
    assert!(ok, "{said}");
    assert!(said.contains("Test email sent to me@kiran.example"), "{said}");
    assert!(!said.contains("s3cret"), "the password never shows: {said}");
    let got = mail.wait_for(1, std::time::Duration::from_secs(5));
    assert!(got[0].contains("From: Kiran Coaching <office@kiran.example>"), "{}", got[0]);
    let kept = store.email_channel().await.unwrap().expect("kept");
    assert_eq!((kept.username.as_str(), kept.password.as_str()), ("office", "s3cret-app-password"));
}

/// Runs `branchdesk-server <args> new-bootstrap-code`: its code on
/// success, its error text otherwise.
fn new_bootstrap_code(args: &[&str]) -> Result<JoinCode, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_branchdesk-server"))
        .args(args)
        .arg("new-bootstrap-code")
        .env_remove("BRANCHDESK_DATABASE_URL")
        .output()
        .unwrap();
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let stdout = String::from_utf8(out.stdout).unwrap();
    let shown = stdout.lines().find_map(|l| l.split_once("(valid 24 hours): ")).map(|(_, c)| c.trim());
    Ok(JoinCode::parse(shown.unwrap_or_else(|| panic!("no code in {stdout}"))).unwrap())
}

/// The program prints a fresh code with the server's pin; the earlier one
/// stops working; once a desk is linked it refuses.
async fn each_new_bootstrap_code_replaces_the_last<S: Store>(args: &[&str], store: S) {
    let first = new_bootstrap_code(args).unwrap();
    let second = new_bootstrap_code(args).unwrap();
    assert!(first.pin.is_some(), "a self-made certificate's pin goes in the code");
    assert_eq!(first.pin, second.pin);
    assert_ne!(first.secret, second.secret);
    let e = store.enrol(DEVICE.into(), first.secret, None).await.unwrap_err();
    assert!(matches!(e, branchdesk_server::store::StoreError::BadCode), "{e}");
    store.enrol(DEVICE.into(), second.secret, None).await.unwrap();
    let refused = new_bootstrap_code(args).unwrap_err();
    assert!(refused.contains("already linked"), "{refused}");
}

#[tokio::test]
async fn new_bootstrap_code_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let args = ["--data-dir", data.as_str()];
    new_bootstrap_code(&args).unwrap();
    let store = SqliteStore::open(&dir.path().join("server.sqlite")).unwrap();
    each_new_bootstrap_code_replaces_the_last(&args, store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_bootstrap_code_on_postgres() {
    let cluster = support::Cluster::start();
    let url = cluster.database("bootstrap").await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let args = ["--data-dir", data.as_str(), "--database-url", url.as_str()];
    new_bootstrap_code(&args).unwrap();
    let store = branchdesk_server::store::postgres::PgStore::connect(&url, 2).await.unwrap();
    each_new_bootstrap_code_replaces_the_last(&args, store).await;
}

/// Sends wrong codes from this address until the server refuses; answers
/// how many it took and the refusal. Without the peer's address only the
/// total limit (60) would apply.
async fn attempts_until_refused(url: &str, pin: Option<String>) -> (usize, u16, ServerError) {
    let https = Https::new();
    let body =
        serde_json::to_vec(&EnrolRequest { device_id: DEVICE.into(), code: "AAAA-AAAA-AAAA-AAAA".into() })
            .unwrap();
    for n in 1..=30 {
        let req = Request {
            url: format!("{url}/v1/devices/enrol"),
            token: None,
            pin: pin.clone(),
            body: body.clone(),
        };
        let (status, bytes) = https.post(req).await.unwrap();
        if status != 403 {
            return (n, status, serde_json::from_slice(&bytes).unwrap());
        }
    }
    panic!("never refused");
}

#[tokio::test]
async fn the_link_limit_sees_the_peer_address_through_both_listeners() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("server.sqlite")).unwrap();

    let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://127.0.0.1:{}", plain.local_addr().unwrap().port());
    let served = store.clone();
    let stop_plain = tokio::spawn(async move {
        let _ = branchdesk_server::serve(plain, served).await;
    });
    let (n, status, body) = attempts_until_refused(&url, None).await;
    assert_eq!((n, status, &body.code), (11, 429, &ServerErrorCode::RateLimited), "{body:?}");
    assert!(body.retry_after_s.is_some_and(|s| s > 0));
    let clerk = SyncError::Refused { status, body }.for_clerk();
    assert!(clerk.contains("try again in"), "{clerk}");

    let identity = tls::load(&Source::SelfMade { dir: dir.path().join("tls") }).unwrap();
    let pin = Some(identity.pin.clone());
    let secure = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://127.0.0.1:{}", secure.local_addr().unwrap().port());
    let stop_tls = tokio::spawn(async move {
        let _ = branchdesk_server::serve_tls(secure, identity.config, store).await;
    });
    let (n, status, _) = attempts_until_refused(&url, pin).await;
    assert_eq!((n, status), (11, 429), "a server of its own has buckets of its own");
    stop_plain.abort();
    stop_tls.abort();
}
