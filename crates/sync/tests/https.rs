//! The desk and the server over real HTTPS on loopback: a server that made
//! its own certificate is trusted by the pin its codes carry and by nothing
//! else; a code is never sent to a server presenting another certificate.

mod support;

use branchdesk_api::pin::JoinCode;
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
use branchdesk_server::tls::{self, Source};
use branchdesk_sync::{Client, SyncError};
use support::{node, setup_organisation, sign_in};

/// A server on a free loopback port with its own certificate (kept in
/// `tls_dir`), its store, and its bootstrap code with the pin.
struct Served {
    url: String,
    store: SqliteStore,
    code: JoinCode,
    port: u16,
    stop: tokio::task::JoinHandle<()>,
}

async fn serve(dir: &std::path::Path, tls_dir: &str, port: u16) -> Served {
    let store = SqliteStore::open(&dir.join("server.sqlite")).unwrap();
    let identity = tls::load(&Source::SelfMade { dir: dir.join(tls_dir) }).unwrap();
    let secret = store.bootstrap_code().await.unwrap().unwrap_or_default();
    let code = JoinCode { secret, pin: Some(identity.pin.clone()) };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = store.clone();
    let stop = tokio::spawn(async move {
        let _ = branchdesk_server::serve_tls(listener, identity.config, served).await;
    });
    Served { url: format!("https://127.0.0.1:{port}"), store, code, port, stop }
}

fn unreachable_text(e: &SyncError) -> String {
    match e {
        SyncError::Unreachable(why) => why.clone(),
        other => panic!("expected the server to be unreachable, got {other:?}"),
    }
}

#[tokio::test]
async fn a_pinned_code_links_over_https_and_the_desk_keeps_the_pin() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), "tls", 0).await;
    let mut desk = node(0);
    let client = Client::new();
    client.link(&desk.desk, &server.url, &server.code.show()).await.unwrap();
    let config = desk.desk.sync_config().unwrap();
    assert_eq!(config.server_pin, server.code.pin, "the desk trusts the server by its pin from now on");
    setup_organisation(&desk.desk);
    let round = client.sync(&desk.desk).await.unwrap();
    assert!(round.pushed > 0, "the organisation went up over HTTPS");
    // A code issued through this desk carries the same pin on.
    sign_in(&mut desk);
    let issued =
        JoinCode::parse(&client.issue_code(&desk.desk, Some(desk.actor().user_id), None).await.unwrap().code)
            .unwrap();
    assert_eq!(issued.pin, server.code.pin);
    assert_eq!(issued.secret.len(), 19, "80 bits shown as XXXX-XXXX-XXXX-XXXX");
}

#[tokio::test]
async fn a_server_with_another_certificate_never_receives_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), "tls", 0).await;
    let other = tls::load(&Source::SelfMade { dir: dir.path().join("other") }).unwrap();
    let desk = node(0);
    let client = Client::new();
    // The right secret with someone else's pin: refused in the handshake,
    // before any request carries the secret.
    let wrong = JoinCode { secret: server.code.secret.clone(), pin: Some(other.pin.clone()) };
    let e = client.link(&desk.desk, &server.url, &wrong.show()).await.unwrap_err();
    let why = unreachable_text(&e);
    assert!(why.contains("different certificate"), "{why}");
    assert!(desk.desk.sync_config().unwrap().server_url.is_none(), "nothing was linked");
    // Without a pin the self-made certificate is not trusted either.
    let bare = JoinCode { secret: server.code.secret.clone(), pin: None };
    let e = client.link(&desk.desk, &server.url, &bare.show()).await.unwrap_err();
    assert!(matches!(e, SyncError::Unreachable(_)), "{e:?}");
    // The code was never spent: it still links with the right pin.
    client.link(&desk.desk, &server.url, &server.code.show()).await.unwrap();
    assert_eq!(server.store.devices().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_linked_desk_refuses_a_server_that_changed_its_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let first = serve(dir.path(), "tls", 0).await;
    let desk = node(0);
    let client = Client::new();
    client.link(&desk.desk, &first.url, &first.code.show()).await.unwrap();
    setup_organisation(&desk.desk);
    client.sync(&desk.desk).await.unwrap();
    // Someone else answers on the same address with another certificate.
    first.stop.abort();
    let _ = first.stop.await;
    let impostor = serve(dir.path(), "impostor", first.port).await;
    let e = client.sync(&desk.desk).await.unwrap_err();
    assert!(unreachable_text(&e).contains("different certificate"), "{e:?}");
    assert!(
        desk.desk.sync_config().unwrap().last_error.unwrap_or_default().contains("different certificate"),
        "the status bar says what happened"
    );
    drop(impostor);
}

#[tokio::test]
async fn plain_http_to_the_https_port_gets_no_answer() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), "tls", 0).await;
    let desk = node(0);
    let plain = format!("http://127.0.0.1:{}", server.port);
    let e = Client::new().link(&desk.desk, &plain, &server.code.show()).await.unwrap_err();
    assert!(matches!(e, SyncError::Unreachable(_)), "{e:?}");
    assert!(server.store.devices().await.unwrap().is_empty(), "nothing enrolled over plain HTTP");
}
