//! A new desk joins an organisation (`Client::join`: link, first download,
//! check) against the real server router in process: it ends linked with
//! the organisation on it, or unlinked with a typed reason.

mod support;

use axum::body::Body;
use axum::http::Request;
use branchdesk_desk::Desk;
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
use branchdesk_sync::{Client, JoinError, SyncError, Transport};
use http_body_util::BodyExt;
use support::{node, setup_organisation, sign_in};
use tower::ServiceExt;

const URL: &str = "https://sync.test";

/// The server's router reached without a socket; with `failing_sync` set,
/// every `/v1/sync/…` request is answered 503 (enrolling still works).
struct InProcess {
    app: axum::Router,
    failing_sync: bool,
}

impl Transport for InProcess {
    async fn post(&self, req: branchdesk_sync::Request) -> Result<(u16, Vec<u8>), String> {
        let branchdesk_sync::Request { url, token, body, .. } = req;
        let path = url.find("/v1/").map(|i| url[i..].to_owned()).ok_or("no /v1/ in the address")?;
        if self.failing_sync && path.starts_with("/v1/sync/") {
            let body = br#"{"code":"unavailable","message":"The server is being updated."}"#;
            return Ok((503, body.to_vec()));
        }
        let mut req = Request::post(path).header("content-type", "application/json");
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = req.body(Body::from(body)).map_err(|e| e.to_string())?;
        let res = self.app.clone().oneshot(req).await.map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let bytes = res.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes().to_vec();
        Ok((status, bytes))
    }
}

struct Server {
    _dir: tempfile::TempDir,
    app: axum::Router,
    bootstrap: String,
}

impl Server {
    async fn new() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
        let bootstrap = store.bootstrap_code().await.unwrap().unwrap();
        Server { app: branchdesk_server::app(store), _dir: dir, bootstrap }
    }

    fn client(&self) -> Client<InProcess> {
        Client::over(InProcess { app: self.app.clone(), failing_sync: false })
    }

    fn client_failing_sync(&self) -> Client<InProcess> {
        Client::over(InProcess { app: self.app.clone(), failing_sync: true })
    }

    /// The first desk: creates the organisation, uploads it, and answers a
    /// code for the next desk.
    async fn with_organisation() -> (Server, support::Node, String) {
        let server = Server::new().await;
        let client = server.client();
        let mut first = node(0);
        client.link(&first.desk, URL, &server.bootstrap).await.unwrap();
        setup_organisation(&first.desk);
        client.sync(&first.desk).await.unwrap();
        // The director asks for the code, signed in on the first desk.
        sign_in(&mut first);
        let code = client.issue_code(&first.desk, Some(first.actor().user_id), None).await.unwrap().code;
        (server, first, code)
    }
}

fn linked(desk: &Desk) -> bool {
    desk.sync_config().unwrap().server_url.is_some()
}

fn field(e: &JoinError) -> Option<String> {
    match e {
        JoinError::Link(SyncError::Desk(branchdesk_desk::Error::Api(api))) => api.field.clone(),
        JoinError::Link(SyncError::Refused { body, .. }) => body.field.clone(),
        _ => None,
    }
}

#[tokio::test]
async fn a_desk_joins_with_a_code_and_holds_the_organisation() {
    let (server, _first, code) = Server::with_organisation().await;
    let mut desk = node(7);
    let joined = server.client().join(&desk.desk, URL, &code).await.unwrap();
    assert_eq!(joined.organisation_name, "Kiran Coaching");
    assert!(linked(&desk.desk), "the desk stays linked");
    assert!(desk.desk.is_set_up().unwrap());
    assert_eq!(desk.desk.desk_no().unwrap(), 2, "the server numbered it");
    sign_in(&mut desk); // the director's account arrived with the organisation
    assert_eq!(desk.desk.sync_state().unwrap().last_error, None);
}

#[tokio::test]
async fn a_join_whose_download_fails_leaves_the_desk_unlinked_and_says_why() {
    let (server, _first, code) = Server::with_organisation().await;
    let desk = node(7);
    let e = server.client_failing_sync().join(&desk.desk, URL, &code).await.unwrap_err();
    assert!(
        matches!(&e, JoinError::Download(SyncError::Refused { status: 503, body }) if body.code == branchdesk_api::sync::ServerErrorCode::Other("unavailable".into())),
        "{e:?}"
    );
    assert!(e.to_string().starts_with("Could not download the organisation"), "{e}");
    assert!(!linked(&desk.desk), "unlinked again");
    assert!(!desk.desk.is_set_up().unwrap());
}

#[tokio::test]
async fn a_server_without_an_organisation_is_refused_and_the_desk_unlinked() {
    let server = Server::new().await;
    let desk = node(0);
    let e = server.client().join(&desk.desk, URL, &server.bootstrap).await.unwrap_err();
    assert!(matches!(e, JoinError::NoOrganisation), "{e:?}");
    assert!(!linked(&desk.desk));
    assert!(!desk.desk.is_set_up().unwrap());
}

#[tokio::test]
async fn a_wrong_or_used_code_is_refused_as_the_code_and_nothing_is_linked() {
    let (server, _first, code) = Server::with_organisation().await;
    let client = server.client();
    let desk = node(7);
    let e = client.join(&desk.desk, URL, "WRONG-CODE-1234").await.unwrap_err();
    assert!(matches!(&e, JoinError::Link(SyncError::Refused { status: 403, .. })), "{e:?}");
    assert_eq!(field(&e).as_deref(), Some("code"));
    assert!(!linked(&desk.desk));

    client.join(&desk.desk, URL, &code).await.unwrap();
    let other = node(9);
    let e = client.join(&other.desk, URL, &code).await.unwrap_err();
    assert_eq!(field(&e).as_deref(), Some("code"), "a used code: {e:?}");
    assert!(!linked(&other.desk));
}

#[tokio::test]
async fn bad_addresses_and_a_set_up_desk_are_refused_before_anything_is_linked() {
    let (server, first, code) = Server::with_organisation().await;
    let desk = node(7);
    for url in ["", "   ", "sync.example.in", "http://a b", "http://sync.example.in", "https://user@evil/"] {
        let e = server.client().join(&desk.desk, url, &code).await.unwrap_err();
        assert_eq!(field(&e).as_deref(), Some("server_url"), "{url:?}: {e:?}");
        assert!(!linked(&desk.desk));
    }
    // Nothing listens on port 1: the real HTTP client cannot reach it.
    let e = Client::new().join(&desk.desk, "http://127.0.0.1:1", &code).await.unwrap_err();
    assert!(matches!(e, JoinError::Link(SyncError::Unreachable(_))), "{e:?}");
    assert!(!linked(&desk.desk));

    // A desk that holds an organisation already cannot join another.
    let e = server.client().join(&first.desk, URL, &code).await.unwrap_err();
    assert!(
        matches!(&e, JoinError::Desk(branchdesk_desk::Error::Api(api)) if api.code == branchdesk_api::ErrorCode::SetupState),
        "{e:?}"
    );
    // The code was not spent on any of these.
    server.client().join(&desk.desk, URL, &code).await.unwrap();
}
