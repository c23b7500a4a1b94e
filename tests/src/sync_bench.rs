//! What the sync benchmarks share: a real server on loopback over HTTPS
//! (embedded SQLite in a throwaway folder) and the office desk that created the
//! organisation, linked with the server's bootstrap code and signed in.

use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::system::SetupOrganisation;
use branchdesk_api::ids::BranchId;
use branchdesk_desk::{Actor, Desk, DeskConfig};
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
use branchdesk_sync::Client;
use tokio::runtime::Runtime;

pub const EMAIL: &str = "meera@example.com";
pub const PASSWORD: &str = "Saffron-Kite-81";

pub struct Server {
    pub url: String,
    pub addr: std::net::SocketAddr,
    pub store: SqliteStore,
    pub bootstrap: String,
    _dir: tempfile::TempDir,
}

/// A server serving on a free loopback port, on `rt`.
pub fn serve(rt: &Runtime) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("server.sqlite")).unwrap();
    let bootstrap = rt.block_on(store.bootstrap_code()).unwrap().unwrap();
    // HTTPS as desks meet it: the server's own certificate, trusted by pin.
    let tls = branchdesk_server::tls::load(&branchdesk_server::tls::Source::SelfMade {
        dir: dir.path().join("tls"),
    })
    .unwrap();
    let bootstrap = branchdesk_api::pin::JoinCode { secret: bootstrap, pin: Some(tls.pin.clone()) }.show();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let served = store.clone();
    rt.spawn(async move {
        let _ = branchdesk_server::serve_tls(listener, tls.config, served).await;
    });
    Server { url: format!("https://{addr}"), addr, store, bootstrap, _dir: dir }
}

/// A desk in its own folder (kept as long as the desk).
pub struct Opened {
    pub desk: Desk,
    pub dir: tempfile::TempDir,
}

pub fn open_desk() -> Opened {
    open_desk_in(branchdesk_desk::KeyStore::from_env())
}

/// [`open_desk`], its key kept in `store` (`Unencrypted`: a plain file).
pub fn open_desk_in(store: branchdesk_desk::KeyStore) -> Opened {
    let dir = tempfile::tempdir().unwrap();
    Opened { desk: Desk::open(DeskConfig { key_store: store, ..DeskConfig::new(dir.path()) }).unwrap(), dir }
}

/// The office desk: linked first, the organisation set up (branch K2),
/// the director signed in; answers it, the director and the branch.
pub fn office(rt: &Runtime, client: &Client, server: &Server) -> (Opened, Actor, BranchId) {
    let office = open_desk();
    rt.block_on(client.link(&office.desk, &server.url, &server.bootstrap)).unwrap();
    office
        .desk
        .setup_organisation(SetupOrganisation {
            organisation_name: "Kiran Coaching".into(),
            currency: "INR".into(),
            branch_name: "Koramangala".into(),
            branch_code: "K2".into(),
            director_name: "Meera Iyer".into(),
            director_email: EMAIL.into(),
            director_password: PASSWORD.into(),
        })
        .unwrap();
    let (actor, branch) = sign_in(&office.desk);
    (office, actor, branch)
}

/// The director signed in on `desk`, and their first branch.
pub fn sign_in(desk: &Desk) -> (Actor, BranchId) {
    let (token, me) = desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
    (desk.actor(&token).unwrap(), me.branches[0].id)
}
