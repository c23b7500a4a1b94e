//! Desks on manual clocks linked to an in-process sync server over
//! loopback HTTP, for the convergence properties.

#![allow(dead_code)]

pub mod net;

use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::system::SetupOrganisation;
use branchdesk_desk::{Actor, Desk, DeskConfig, ManualClock};
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
use branchdesk_sync::Client;
use chrono::{Duration, TimeZone, Utc};
use std::sync::Arc;

pub const EMAIL: &str = "meera@example.com";
pub const PASSWORD: &str = "Saffron-Kite-81";

pub struct Node {
    _dir: tempfile::TempDir,
    pub clock: Arc<ManualClock>,
    pub desk: Desk,
    pub actor: Option<Actor>,
}

impl Node {
    pub fn actor(&self) -> &Actor {
        self.actor.as_ref().expect("signed in")
    }
}

/// A desk whose clock starts `skew_s` seconds off Monday 1 June 2026, 09:00.
pub fn node(skew_s: i64) -> Node {
    let dir = tempfile::tempdir().unwrap();
    let start = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap() + Duration::seconds(skew_s);
    let clock = Arc::new(ManualClock::new(start));
    let desk = Desk::open(DeskConfig {
        data_dir: dir.path().to_path_buf(),
        clock: clock.clone(),
        key_store: branchdesk_desk::KeyStore::File,
    })
    .unwrap();
    Node { _dir: dir, clock, desk, actor: None }
}

pub fn sign_in(n: &mut Node) {
    let (t, _) = n.desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
    n.actor = Some(n.desk.actor(&t).unwrap());
}

/// A server, and desks with the given clock skews linked to it; the first
/// created the organisation and is signed in. Answers the branch too.
pub fn network(
    rt: &tokio::runtime::Runtime,
    skews: &[i64],
) -> (tempfile::TempDir, Client, Vec<Node>, branchdesk_api::ids::BranchId) {
    let server_dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&server_dir.path().join("s.sqlite")).unwrap();
    let bootstrap = rt.block_on(store.bootstrap_code()).unwrap().unwrap();
    // The real HTTPS path: the server's own certificate, trusted by the pin
    // its codes carry.
    let tls = branchdesk_server::tls::load(&branchdesk_server::tls::Source::SelfMade {
        dir: server_dir.path().join("tls"),
    })
    .unwrap();
    let bootstrap = branchdesk_api::pin::JoinCode { secret: bootstrap, pin: Some(tls.pin.clone()) }.show();
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    rt.spawn(async move {
        let _ = branchdesk_server::serve_tls(listener, tls.config, store).await;
    });
    let client = Client::new();
    let mut nodes: Vec<Node> = skews.iter().map(|s| node(*s)).collect();
    rt.block_on(client.link(&nodes[0].desk, &url, &bootstrap)).unwrap();
    for n in nodes.iter().skip(1) {
        let code = rt
            .block_on(client.issue_code(
                &nodes[0].desk,
                nodes[0].desk.signed_in_here().first().copied(),
                None,
            ))
            .unwrap()
            .code;
        rt.block_on(client.link(&n.desk, &url, &code)).unwrap();
    }
    setup_organisation(&nodes[0].desk);
    sign_in(&mut nodes[0]);
    let (_, me) = nodes[0].desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
    (server_dir, client, nodes, me.branches[0].id)
}

/// Creates the test organisation (Kiran Coaching, branch K2 Koramangala,
/// director EMAIL / PASSWORD) on `desk`.
pub fn setup_organisation(desk: &Desk) {
    desk.setup_organisation(SetupOrganisation {
        organisation_name: "Kiran Coaching".into(),
        currency: "INR".into(),
        branch_name: "Koramangala".into(),
        branch_code: "K2".into(),
        director_name: "Meera Iyer".into(),
        director_email: EMAIL.into(),
        director_password: PASSWORD.into(),
    })
    .unwrap();
}

/// An adult student (no guardian needed) in `branch`.
pub fn adult_student(
    desk: &Desk,
    actor: &Actor,
    branch: branchdesk_api::ids::BranchId,
    name: &str,
) -> branchdesk_api::ids::StudentId {
    let input = branchdesk_api::commands::students::SaveStudent {
        branch_id: branch,
        full_name: name.into(),
        date_of_birth: "2000-01-01".into(),
        ..Default::default()
    };
    desk.save_student(actor, input).unwrap().student.id
}

/// Pushes and pulls on every desk until nothing is left to exchange.
pub fn quiesce(rt: &tokio::runtime::Runtime, client: &Client, nodes: &[Node]) -> usize {
    let mut exchanged = 0;
    for _ in 0..2 {
        for n in nodes {
            let r = rt.block_on(client.sync(&n.desk)).unwrap();
            exchanged += r.pushed + r.pulled;
        }
    }
    exchanged
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// A monthly ₹3,000 batch, June to August 2026.
pub fn monthly_batch(
    n: &Node,
    a: &branchdesk_desk::Actor,
    branch: branchdesk_api::ids::BranchId,
) -> branchdesk_api::ids::BatchId {
    use branchdesk_api::commands::academics::SaveCourse;
    use branchdesk_api::commands::org::SaveRoom;
    let course = n
        .desk
        .save_course(a, SaveCourse { code: "PHY".into(), name: "Physics".into(), ..Default::default() })
        .unwrap()
        .id;
    let room = n
        .desk
        .save_room(a, SaveRoom { id: None, branch_id: branch, name: "Room 1".into(), capacity: 30 })
        .unwrap()
        .id;
    n.desk
        .save_batch(
            a,
            branchdesk_api::commands::timetable::SaveBatch {
                branch_id: branch,
                course_id: course,
                name: "Physics XI".into(),
                teacher_id: a.user_id,
                room_id: room,
                capacity: 30,
                start_date: "2026-06-01".into(),
                end_date: "2026-08-31".into(),
                slots: vec![branchdesk_api::commands::timetable::Slot {
                    weekday: 1,
                    start: "08:00".into(),
                    end: "09:00".into(),
                }],
                fee_minor: 300_000,
                fee_frequency: branchdesk_api::commands::timetable::FeeFrequency::Monthly,
                ..Default::default()
            },
        )
        .unwrap()
        .id
}
