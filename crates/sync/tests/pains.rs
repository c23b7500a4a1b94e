//! One named test for each of the ten pains users of other sync engines
//! suffer (sync-design.md, "What users of other sync engines suffer"). Each
//! runs real desks against the real server router and store, in process,
//! through a transport that can fail, stall or age requests on demand.
#![allow(clippy::result_large_err)] // the client's own error type, as in its crate

mod support;

use branchdesk_api::commands::org::{ListRooms, SaveRoom};
use branchdesk_api::commands::roles::{DeleteRole, ListRoles, SaveRole};
use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::settings::SaveSetting;
use branchdesk_api::commands::students::{GetStudent, SaveStudent};
use branchdesk_api::commands::system::ListConflicts;
use branchdesk_api::commands::users::{CreateUser, NewGrant, RevokeGrant};
use branchdesk_api::ids::{BranchId, RoleId, StudentId};
use branchdesk_api::settings::SettingValue;
use branchdesk_api::Permission;
use branchdesk_desk::{Actor, Desk, DeskConfig, ManualClock};
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
use branchdesk_sync::{Client, Round, SyncError, Transport};
use chrono::{Duration, TimeZone, Utc};
use proptest::test_runner::{RngAlgorithm, TestRng};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use support::net::{Link, Net};

use support::{EMAIL, PASSWORD};

type Hook = Box<dyn FnMut(&str) + Send>;

/// A desk's link to the server with levers: fail the next requests, stamp
/// pushed ops with another schema version, run something before a request.
struct Lever {
    link: Link,
    fail_next: AtomicUsize,
    attempts: AtomicUsize,
    schema: AtomicU32,
    before: Mutex<Option<Hook>>,
    /// The desk behind the link: a re-stamped op is signed again by its
    /// author, as a desk of that version would have signed it.
    desk: Mutex<Option<Arc<Desk>>>,
}

impl Transport for Lever {
    async fn post(&self, req: branchdesk_sync::Request) -> Result<(u16, Vec<u8>), String> {
        let branchdesk_sync::Request { url, token, body, .. } = req;
        self.attempts.fetch_add(1, Ordering::SeqCst);
        if let Some(hook) = self.before.lock().unwrap().as_mut() {
            hook(&url);
        }
        // Waits for changes are not rounds: only rounds fail on demand.
        if self.fail_next.load(Ordering::SeqCst) > 0 && !url.ends_with("/sync/wait") {
            self.fail_next.fetch_sub(1, Ordering::SeqCst);
            return Err("the server cannot be reached".into());
        }
        let mut body = body;
        let version = self.schema.load(Ordering::SeqCst);
        if version > 0 && url.ends_with("/sync/push") {
            let mut v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let desk = self.desk.lock().unwrap().clone().expect("the lever's desk");
            for op in v["ops"].as_array_mut().unwrap() {
                op["schema_version"] = version.into();
                let mut typed: branchdesk_api::sync::Op = serde_json::from_value(op.clone()).unwrap();
                assert!(desk.sign_as_author(&mut typed), "its author is signed in");
                *op = serde_json::to_value(typed).unwrap();
            }
            body = serde_json::to_vec(&v).unwrap();
        }
        self.link.post(branchdesk_sync::Request { url, token, pin: None, body }).await
    }
}

struct Node {
    desk: Arc<Desk>,
    clock: Arc<ManualClock>,
    actor: Actor,
    client: Arc<Client<Lever>>,
    _dir: tempfile::TempDir,
}

impl Node {
    fn lever(&self) -> &Lever {
        self.client.transport()
    }

    fn sync(&self, rt: &tokio::runtime::Runtime) -> Result<Round, SyncError> {
        rt.block_on(self.client.sync(&self.desk))
    }

    /// The process stops and starts again on the same files.
    fn restart(&mut self) {
        let dir = self.desk.data_dir().to_path_buf();
        let (t, _) = {
            // A fresh sign-in after the restart, as a clerk would.
            let desk = Desk::open(DeskConfig {
                data_dir: dir.clone(),
                clock: self.clock.clone(),
                key_store: branchdesk_desk::KeyStore::File,
            })
            .unwrap();
            let signed = desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
            self.desk = Arc::new(desk);
            signed
        };
        self.actor = self.desk.actor(&t).unwrap();
    }
}

struct World {
    rt: tokio::runtime::Runtime,
    nodes: Vec<Node>,
    branch: BranchId,
    store: SqliteStore,
    _server: tempfile::TempDir,
}

/// A server and desks (clocks `skews` seconds off Monday 1 June 2026,
/// 09:00) following every branch; desk 0 created the organisation; all
/// synced and signed in.
fn world(skews: &[i64]) -> World {
    world_on(tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap(), skews)
}

fn world_on(rt: tokio::runtime::Runtime, skews: &[i64]) -> World {
    let server = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&server.path().join("s.sqlite")).unwrap();
    let bootstrap = rt.block_on(store.bootstrap_code()).unwrap().unwrap();
    let net =
        Net::new(branchdesk_server::app(store.clone()), TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let mut nodes = Vec::new();
    let mut branch = None;
    for (d, skew) in skews.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap() + Duration::seconds(*skew),
        ));
        let desk = Arc::new(
            Desk::open(DeskConfig {
                data_dir: dir.path().to_path_buf(),
                clock: clock.clone(),
                key_store: branchdesk_desk::KeyStore::File,
            })
            .unwrap(),
        );
        let client = Arc::new(Client::over(Lever {
            link: Link { net: net.clone(), desk: d },
            fail_next: AtomicUsize::new(0),
            attempts: AtomicUsize::new(0),
            schema: AtomicU32::new(0),
            before: Mutex::new(None),
            desk: Mutex::new(Some(desk.clone())),
        }));
        let code = if d == 0 {
            bootstrap.clone()
        } else {
            let first: &Node = &nodes[0];
            rt.block_on(first.client.issue_code(
                &first.desk,
                first.desk.signed_in_here().first().copied(),
                None,
            ))
            .unwrap()
            .code
        };
        rt.block_on(client.link(&desk, "https://sim", &code)).unwrap();
        if d == 0 {
            support::setup_organisation(&desk);
        }
        rt.block_on(client.sync(&desk)).unwrap();
        let (t, me) = desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
        branch = branch.or(Some(me.branches[0].id));
        let actor = desk.actor(&t).unwrap();
        nodes.push(Node { desk, clock, actor, client, _dir: dir });
    }
    World { rt, nodes, branch: branch.unwrap(), store, _server: server }
}

impl World {
    fn sync_all(&self) {
        for _ in 0..2 {
            for n in &self.nodes {
                n.sync(&self.rt).unwrap();
            }
        }
    }

    fn room(&self, d: usize, name: &str) -> branchdesk_api::ids::RoomId {
        let n = &self.nodes[d];
        n.desk
            .save_room(
                &n.actor,
                SaveRoom { id: None, branch_id: self.branch, name: name.into(), capacity: 20 },
            )
            .unwrap()
            .id
    }

    /// Saves the "Weekend helper" role on desk `d` (a new one for `None`)
    /// with `description`; answers its id.
    fn weekend_role(&self, d: usize, id: Option<RoleId>, description: &str) -> RoleId {
        let n = &self.nodes[d];
        let role = SaveRole {
            id,
            name: "Weekend helper".into(),
            description: description.into(),
            permissions: vec![Permission::ViewStudent],
            two_factor: None,
        };
        n.desk.save_role(&n.actor, role).unwrap().id
    }

    fn rooms(&self, d: usize) -> Vec<String> {
        let n = &self.nodes[d];
        let mut names: Vec<String> = n
            .desk
            .list_rooms(&n.actor, ListRooms { branch_id: self.branch, include_inactive: true })
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect();
        names.sort();
        names
    }

    fn student(&self, d: usize, name: &str) -> StudentId {
        let n = &self.nodes[d];
        n.desk
            .save_student(
                &n.actor,
                SaveStudent {
                    branch_id: self.branch,
                    full_name: name.into(),
                    date_of_birth: "2000-01-01".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .student
            .id
    }

    fn rename(&self, d: usize, id: StudentId, name: &str) {
        let n = &self.nodes[d];
        let input = SaveStudent {
            id: Some(id),
            branch_id: self.branch,
            full_name: name.into(),
            date_of_birth: "2000-01-01".into(),
            ..Default::default()
        };
        n.desk.save_student(&n.actor, input).unwrap();
    }

    fn name_of(&self, d: usize, id: StudentId) -> String {
        let n = &self.nodes[d];
        n.desk.get_student(&n.actor, GetStudent { id }).unwrap().student.full_name
    }
}

/// Pain 1 — sync silently stalls: a failed upload waits for the next local
/// write. Here the server is unreachable for three attempts and nobody
/// writes again; the worker still retries on its own (backing off) until
/// the change is sent.
#[test]
fn pain_01_a_failed_round_is_retried_without_waiting_for_a_new_write() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build().unwrap();
    let w = world_on(rt, &[0]);
    let n = &w.nodes[0];
    w.room(0, "Room 1");
    let writes = n.desk.write_count();
    n.lever().fail_next.store(3, Ordering::SeqCst);
    let before = n.lever().attempts.load(Ordering::SeqCst);
    let timing = branchdesk_sync::worker::Timing {
        // Far longer than the test waits: only the retry can send it.
        every: std::time::Duration::from_secs(24 * 3600),
        ..Default::default()
    };
    w.rt.spawn(branchdesk_sync::worker::run(
        n.desk.clone(),
        n.client.clone(),
        Arc::new(tokio::sync::Notify::new()),
        timing,
    ));
    let mut waited = 0;
    while n.desk.sync_state().unwrap().pending_changes > 0 && waited < 120 {
        w.rt.block_on(async { tokio::time::sleep(std::time::Duration::from_secs(1)).await });
        waited += 1;
    }
    assert_eq!(n.desk.sync_state().unwrap().pending_changes, 0, "still unsent after {waited} s");
    assert!(
        n.lever().attempts.load(Ordering::SeqCst) - before >= 4,
        "three failures, then the round that worked"
    );
    assert_eq!(n.desk.write_count(), writes, "no new write was needed");
}

/// Pain 2 — a large first sync freezes the app. 2,500 changes arrive in
/// pages, each applied in its own short transaction: between two pages the
/// clerk's own save goes through.
#[test]
fn pain_02_a_large_backlog_is_applied_page_by_page_while_the_desk_keeps_working() {
    let w = world(&[0, 5]);
    for k in 0..2_500 {
        let n = &w.nodes[0];
        n.desk
            .save_setting(
                &n.actor,
                SaveSetting {
                    key: branchdesk_api::settings::RECEIPT_FOOTER.into(),
                    branch_id: None,
                    value: SettingValue::Text(format!("Footer {k}")),
                },
            )
            .unwrap();
    }
    w.nodes[0].sync(&w.rt).unwrap();
    let b = &w.nodes[1];
    let (desk, actor, branch) = (b.desk.clone(), b.actor.clone(), w.branch);
    let saved_between_pages = Arc::new(AtomicUsize::new(0));
    let pulls = Arc::new(AtomicUsize::new(0));
    let shown = Arc::new(Mutex::new(None));
    let (saved, seen, shown_then) = (saved_between_pages.clone(), pulls.clone(), shown.clone());
    *b.lever().before.lock().unwrap() = Some(Box::new(move |url: &str| {
        if url.ends_with("/sync/pull") && seen.fetch_add(1, Ordering::SeqCst) == 1 {
            *shown_then.lock().unwrap() = desk.receiving();
            // The first page is applied; the clerk saves before the next.
            let input = SaveRoom { id: None, branch_id: branch, name: "Between pages".into(), capacity: 5 };
            if desk.save_room(&actor, input).is_ok() {
                saved.fetch_add(1, Ordering::SeqCst);
            }
        }
    }));
    let round = b.sync(&w.rt).unwrap();
    assert!(round.pulled >= 2_500, "{round:?}");
    assert!(
        pulls.load(Ordering::SeqCst) >= 3,
        "2,500 changes come in pages of {}",
        branchdesk_sync::PULL_PAGE
    );
    assert_eq!(saved_between_pages.load(Ordering::SeqCst), 1, "the desk took a write between two pages");
    assert!(w.rooms(1).contains(&"Between pages".to_string()));
    let progress = shown.lock().unwrap().expect("the download showed its progress");
    assert_eq!((progress.done, progress.total), (1_000, 2_500), "one page of 2,500 in");
    assert_eq!(w.nodes[1].desk.receiving(), None, "and nothing once it is over");
}

/// Pain 3 — devices silently disagree after a "successful" sync. A desk's
/// own ops come back per scope, the organisation's first: an organisation
/// op coming back must not mark a branch op of the same push as back, or
/// an older rename from another desk would overwrite this desk's newer one
/// here only. (Found by the simulation.)
#[test]
fn pain_03_an_own_op_coming_back_out_of_order_does_not_let_an_older_value_win() {
    let w = world(&[0, 60]);
    let s = w.student(0, "Asha Rao");
    w.sync_all();
    w.rename(0, s, "Asha R.");
    w.nodes[0].sync(&w.rt).unwrap();
    // Desk 1, a minute ahead, renames later and changes a setting after.
    w.rename(1, s, "Asha Rao Kulkarni");
    let n = &w.nodes[1];
    n.desk
        .save_setting(
            &n.actor,
            SaveSetting {
                key: branchdesk_api::settings::RECEIPT_FOOTER.into(),
                branch_id: None,
                value: SettingValue::Text("Thank you".into()),
            },
        )
        .unwrap();
    w.sync_all();
    assert_eq!(w.name_of(1, s), "Asha Rao Kulkarni", "the newer rename stays on the desk that made it");
    assert_eq!(w.name_of(0, s), "Asha Rao Kulkarni");
}

/// Pain 3, again — a desk whose copy skipped a change (as a broken cursor
/// would) notices at the next page: the hash chain it computes no longer
/// matches the server's, so it downloads that branch again and ends equal.
#[test]
fn pain_03_a_missed_change_is_noticed_and_the_branch_downloaded_again() {
    let w = world(&[0, 5]);
    w.room(0, "Room 1");
    w.sync_all();
    w.room(0, "Room 2");
    w.room(0, "Room 3");
    w.nodes[0].sync(&w.rt).unwrap();
    branchdesk_desk::db::open_connection(w.nodes[1].desk.data_dir(), branchdesk_desk::KeyStore::File)
        .unwrap()
        .execute(
            "UPDATE sync_cursors SET scope_seq = scope_seq + 1 WHERE scope = ?1",
            [format!("branch:{}", w.branch)],
        )
        .unwrap();
    let round = w.nodes[1].sync(&w.rt).unwrap();
    assert_eq!(w.rooms(1), ["Room 1", "Room 2", "Room 3"], "the skipped room is back");
    assert!(round.pulled >= 3, "the branch was downloaded again: {round:?}");
    assert_eq!(w.nodes[1].sync(&w.rt).unwrap().pulled, 0, "and then it is in step");
}

/// Pain 4 — deleted rows come back. A role deleted on one desk while
/// another desk, offline, edits it stays deleted everywhere.
#[test]
fn pain_04_a_deleted_row_does_not_come_back_when_an_offline_edit_arrives() {
    let w = world(&[0, 5]);
    let (a, b) = (&w.nodes[0], &w.nodes[1]);
    let role = w.weekend_role(0, None, "Saturdays");
    w.sync_all();
    // The office deletes it; desk 1, offline and two minutes later by its
    // clock, edits the description.
    a.desk.delete_role(&a.actor, DeleteRole { id: role }).unwrap();
    b.clock.advance(Duration::seconds(120));
    w.weekend_role(1, Some(role), "Saturdays and Sundays");
    w.sync_all();
    for n in &w.nodes {
        let roles = n.desk.list_roles(&n.actor, ListRoles {}).unwrap();
        assert!(roles.iter().all(|r| r.id != role), "the deleted role is back: {roles:?}");
    }
}

/// Pain 4, the long absence — tombstones outlive the kept log. A desk away
/// longer than the server keeps changes cannot pull where it left off: it
/// downloads the organisation and its branch again as snapshots, keeps
/// what it entered meanwhile, and a role deleted while it was away stays
/// deleted although it edited it offline.
#[test]
fn pain_04_a_desk_away_longer_than_the_kept_log_downloads_again_and_deletes_stay() {
    let w = world(&[0, 5]);
    let (a, b) = (&w.nodes[0], &w.nodes[1]);
    let role = w.weekend_role(0, None, "Saturdays");
    let room = w.room(0, "Room before");
    w.sync_all();
    // Desk 1 goes away. The office deletes the role, renames the room and
    // adds one; its changes age out of the server's log.
    a.desk.delete_role(&a.actor, DeleteRole { id: role }).unwrap();
    let rename =
        SaveRoom { id: Some(room), branch_id: w.branch, name: "Renamed while away".into(), capacity: 20 };
    a.desk.save_room(&a.actor, rename).unwrap();
    w.room(0, "Made while away");
    a.sync(&w.rt).unwrap();
    let dropped = w.rt.block_on(w.store.compact(Utc::now() + chrono::Duration::seconds(1))).unwrap();
    assert!(dropped > 0);
    // Meanwhile desk 1, offline, edited the role and added a room.
    b.clock.advance(Duration::seconds(120));
    w.weekend_role(1, Some(role), "Saturdays and Sundays");
    w.room(1, "Made offline");
    let round = b.sync(&w.rt).expect("a desk behind the kept log downloads again");
    assert!(round.pulled > 0, "{round:?}");
    a.sync(&w.rt).unwrap();
    assert_eq!(w.rooms(1), w.rooms(0));
    assert_eq!(w.rooms(1), vec!["Made offline", "Made while away", "Renamed while away"]);
    for n in &w.nodes {
        let roles = n.desk.list_roles(&n.actor, ListRoles {}).unwrap();
        assert!(roles.iter().all(|r| r.id != role), "the deleted role is back: {roles:?}");
    }
    assert_eq!(b.sync(&w.rt).unwrap().pulled, 0, "then it is in step");
}

/// Pain 5 — a schema change breaks old clients or loses their data. A desk
/// one schema behind is served; one further behind keeps working and
/// keeping its changes, still receives the others', says why it does not
/// send, and sends everything once updated.
#[test]
fn pain_05_a_desk_behind_the_server_keeps_its_changes_receives_others_and_says_why() {
    let w = world(&[0, 5]);
    let (a, b) = (&w.nodes[0], &w.nodes[1]);
    let now = branchdesk_api::sync::DESK_SCHEMA_VERSION;
    b.lever().schema.store(now - 1, Ordering::SeqCst);
    w.room(1, "Room one behind");
    b.sync(&w.rt).expect("one schema behind is served");
    b.lever().schema.store(now - 2, Ordering::SeqCst);
    w.room(1, "Room two behind");
    w.room(0, "Room from the office");
    a.sync(&w.rt).unwrap();
    let e = b.sync(&w.rt).unwrap_err();
    assert!(matches!(e, SyncError::Outdated(_)), "{e}");
    assert!(e.to_string().contains("Update Branchdesk on this desk"), "{e}");
    let state = b.desk.sync_state().unwrap();
    assert_eq!(state.pending_changes, 1, "its change is kept, not dropped");
    assert!(state.last_error.unwrap_or_default().contains("Update Branchdesk"));
    assert!(w.rooms(1).contains(&"Room from the office".to_string()), "it still receives");
    // Updated: everything goes.
    b.lever().schema.store(0, Ordering::SeqCst);
    w.sync_all();
    assert_eq!(w.rooms(0), w.rooms(1));
    assert!(w.rooms(0).contains(&"Room two behind".to_string()));
}

/// Pain 6 — one rejected write poisons the queue. A change the server
/// refuses (its author lost the role meanwhile) is set aside and listed;
/// the changes behind it go through.
#[test]
fn pain_06_a_refused_change_is_listed_and_the_ones_behind_it_still_go() {
    let w = world(&[0, 5]);
    let (a, b) = (&w.nodes[0], &w.nodes[1]);
    let admin =
        a.desk.list_roles(&a.actor, ListRoles {}).unwrap().into_iter().find(|r| r.name == "ADMIN").unwrap();
    let asha = a
        .desk
        .create_user(
            &a.actor,
            CreateUser {
                full_name: "Asha Rao".into(),
                email: "asha@example.com".into(),
                phone: String::new(),
                password: "Teak-Window-57".into(),
                grants: vec![NewGrant { role_id: admin.id, branch_id: Some(w.branch), expires_on: None }],
            },
        )
        .unwrap();
    w.sync_all();
    let (t, _) =
        b.desk.login(Login { email: "asha@example.com".into(), password: "Teak-Window-57".into() }).unwrap();
    let asha_on_b = b.desk.actor(&t).unwrap();
    a.desk.revoke_grant(&a.actor, RevokeGrant { grant_id: asha.grants[0].id }).unwrap();
    a.sync(&w.rt).unwrap();
    b.desk
        .save_room(
            &asha_on_b,
            SaveRoom { id: None, branch_id: w.branch, name: "Store room".into(), capacity: 4 },
        )
        .unwrap();
    w.room(1, "Lab");
    b.sync(&w.rt).unwrap();
    let state = b.desk.sync_state().unwrap();
    assert_eq!((state.refused_changes, state.pending_changes), (1, 0));
    assert!(b.desk.refused_changes().unwrap()[0].reason.contains("rooms"));
    a.sync(&w.rt).unwrap();
    assert!(w.rooms(0).contains(&"Lab".to_string()), "the change behind the refused one arrived");
    assert!(!w.rooms(0).contains(&"Store room".to_string()));
}

/// Pain 7 — UNIQUE violations while applying remote changes stall sync.
/// Two desks name a room the same offline; both sync, nothing stalls, both
/// rooms exist (one renamed the same way everywhere) and the clash is kept.
#[test]
fn pain_07_a_unique_clash_while_applying_does_not_stall_sync() {
    let w = world(&[0, 5]);
    w.room(0, "Lab");
    w.room(1, "Lab");
    w.sync_all();
    let rooms = w.rooms(0);
    assert_eq!(rooms.len(), 2, "{rooms:?}");
    assert_eq!(rooms, w.rooms(1));
    for n in &w.nodes {
        assert_eq!(n.desk.sync_state().unwrap().pending_changes, 0);
    }
}

/// Pain 7, through a snapshot — the same clash met while installing a
/// snapshot (a desk downloading its branch again holds a room of the same
/// name made offline): the chunk's copy is refused by the UNIQUE index and
/// the merge settles it row by row, as the paged path does, alike on both
/// desks.
#[test]
fn pain_07_a_unique_clash_while_installing_a_snapshot_is_settled_alike() {
    let w = world(&[0, 5]);
    w.room(0, "Lab");
    w.nodes[0].sync(&w.rt).unwrap();
    w.room(1, "Lab");
    w.nodes[1].desk.restart_scope(&format!("branch:{}", w.branch)).unwrap();
    w.nodes[1].sync(&w.rt).expect("the clash does not stop the install");
    w.sync_all();
    let rooms = w.rooms(0);
    assert_eq!(rooms.len(), 2, "{rooms:?}");
    assert_eq!(rooms, w.rooms(1));
    for n in &w.nodes {
        assert_eq!(n.desk.sync_state().unwrap().pending_changes, 0);
    }
}

/// Pain 8 — the losing write of a conflict disappears without trace. Two
/// desks rename one student offline: the later rename wins everywhere and
/// the other is listed as a conflict with both values and both desks.
#[test]
fn pain_08_the_losing_value_of_a_conflict_is_kept_and_listed() {
    let w = world(&[0, 5]);
    let s = w.student(0, "Asha Rao");
    w.sync_all();
    w.rename(0, s, "Asha R.");
    w.nodes[1].clock.advance(Duration::seconds(30));
    w.rename(1, s, "Asha Kulkarni");
    w.sync_all();
    for (d, n) in w.nodes.iter().enumerate() {
        assert_eq!(w.name_of(d, s), "Asha Kulkarni");
        let listed = n.desk.list_conflicts(&n.actor, ListConflicts {}).unwrap();
        let c =
            listed.iter().find(|c| c.column == "full_name").unwrap_or_else(|| panic!("desk {d}: {listed:?}"));
        assert_eq!(c.losing_value, "\"Asha R.\"");
        assert_eq!(c.winning_value.as_deref(), Some("\"Asha Kulkarni\""));
        assert_ne!(c.losing_device, c.winning_device);
    }
}

/// Pain 9 — clock skew makes last-writer-wins pick the wrong value. A desk
/// whose clock runs two minutes behind edits after seeing another desk's
/// edit; its edit is the later one and wins everywhere.
#[test]
fn pain_09_an_edit_on_a_desk_whose_clock_runs_behind_still_wins() {
    let w = world(&[0, -120]);
    let s = w.student(0, "Asha Rao");
    w.sync_all();
    w.rename(0, s, "Asha R.");
    w.sync_all();
    w.rename(1, s, "Asha Rao Kulkarni");
    w.sync_all();
    assert_eq!(w.name_of(0, s), "Asha Rao Kulkarni");
    assert_eq!(w.name_of(1, s), "Asha Rao Kulkarni");
}

/// Pain 10 — the resume cursor is invalid after a restart. A desk dies
/// while applying its second page; after the restart it goes on from the
/// last page it committed: it fetches only what it lacks and holds every
/// change once.
#[test]
fn pain_10_after_a_crash_mid_page_a_restart_resumes_from_the_stored_cursor() {
    let mut w = world(&[0, 5]);
    // Desk B has the branch already (its first sync was a snapshot); what
    // follows comes in pages.
    w.room(0, "Room first");
    w.nodes[0].sync(&w.rt).unwrap();
    w.nodes[1].sync(&w.rt).unwrap();
    for k in 0..1_500 {
        w.room(0, &format!("Room {k:04}"));
    }
    w.nodes[0].sync(&w.rt).unwrap();
    let b = &w.nodes[1];
    let pulls = Arc::new(AtomicUsize::new(0));
    let (desk, seen) = (b.desk.clone(), pulls.clone());
    *b.lever().before.lock().unwrap() = Some(Box::new(move |url: &str| {
        // Pulls: the organisation's page, then the branch's first and second.
        if url.ends_with("/sync/pull") && seen.fetch_add(1, Ordering::SeqCst) == 2 {
            desk.failpoints.arm(branchdesk_desk::failpoint::APPLY_MID_PAGE);
        }
    }));
    assert!(b.sync(&w.rt).is_err(), "the desk died in the middle of the second page");
    let kept = w.rooms(1).len();
    assert_eq!(kept, 1_001, "the first page was committed, none of the second");
    *w.nodes[1].lever().before.lock().unwrap() = None;
    w.nodes[1].restart();
    let round = w.nodes[1].sync(&w.rt).unwrap();
    assert!(round.pulled <= 600, "it fetched only what it lacked: {round:?}");
    assert_eq!(w.rooms(1), w.rooms(0));
    assert_eq!(w.rooms(1).len(), 1_501);
}

/// Pain 10, snapshots — a desk downloading its branch again (as after a
/// divergence, or a new desk's first sync) dies half-way through installing
/// the snapshot. The chunks it put in stay, its cursor did not move; after
/// the restart it installs again and holds every row once.
#[test]
fn pain_10_a_desk_that_dies_installing_a_snapshot_installs_again() {
    let mut w = world(&[0, 5]);
    for k in 0..2_500 {
        w.room(0, &format!("Room {k:04}"));
    }
    w.nodes[0].sync(&w.rt).unwrap();
    let scope = format!("branch:{}", w.branch);
    w.nodes[1].desk.restart_scope(&scope).unwrap();
    let b = &w.nodes[1];
    let snapshots = Arc::new(AtomicUsize::new(0));
    let (desk, seen) = (b.desk.clone(), snapshots.clone());
    *b.lever().before.lock().unwrap() = Some(Box::new(move |url: &str| {
        if url.ends_with("/sync/snapshot") && seen.fetch_add(1, Ordering::SeqCst) == 0 {
            desk.failpoints.arm(branchdesk_desk::failpoint::INSTALL_MID_SNAPSHOT);
        }
    }));
    assert!(b.sync(&w.rt).is_err(), "the desk died installing the branch");
    let part = w.rooms(1).len();
    assert!(part > 0 && part < 2_500, "some chunks were in: {part}");
    let cursor = w.nodes[1].desk.sync_cursors().unwrap().into_iter().find(|(s, _)| *s == scope).unwrap().1;
    assert_eq!(cursor, 0, "the cursor moves only once every row is in");
    w.nodes[1].restart();
    let round = w.nodes[1].sync(&w.rt).unwrap();
    assert_eq!(w.rooms(1), w.rooms(0));
    assert_eq!(w.rooms(1).len(), 2_500);
    assert_eq!(snapshots.load(Ordering::SeqCst), 2, "installed again: {round:?}");
    let cursor = w.nodes[1].desk.sync_cursors().unwrap().into_iter().find(|(s, _)| *s == scope).unwrap().1;
    assert!(cursor >= 2_500, "and it goes on from the snapshot's cursor: {cursor}");
}
