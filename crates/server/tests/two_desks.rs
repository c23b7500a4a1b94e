//! End to end: two desks (real SQLite, the real sync client) and one real
//! server process over loopback HTTP, including a SIGKILL of the server.

use branchdesk_api::commands::org::{ListRooms, SaveRoom};
use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::system::SetupOrganisation;
use branchdesk_desk::{Desk, DeskConfig, ManualClock};
use branchdesk_sync::Client;
use chrono::{Duration, TimeZone, Utc};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

const EMAIL: &str = "meera@example.com";
const PASSWORD: &str = "Saffron-Kite-81";

struct Server {
    child: Child,
    url: String,
    port: u16,
    data: std::path::PathBuf,
    /// Printed by a fresh server for the first desk.
    bootstrap: Option<String>,
    /// Kept open so the server can go on writing to its stdout.
    _stdout: Option<std::io::BufReader<std::process::ChildStdout>>,
}

impl Server {
    fn start(data: &std::path::Path, port: u16) -> Server {
        let port = if port == 0 {
            std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
        } else {
            port
        };
        let fresh = !data.join("server.sqlite").exists();
        let child = Command::new(env!("CARGO_BIN_EXE_branchdesk-server"))
            .args(["--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
            .arg(data)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts");
        // Owned at once, so Drop reaps it on every path.
        let mut server = Server {
            child,
            url: format!("https://127.0.0.1:{port}"),
            port,
            data: data.to_path_buf(),
            bootstrap: None,
            _stdout: None,
        };
        if fresh {
            use std::io::BufRead;
            let mut out = std::io::BufReader::new(server.child.stdout.take().unwrap());
            let mut line = String::new();
            while out.read_line(&mut line).unwrap() > 0 && !line.starts_with("Bootstrap code") {
                line.clear();
            }
            server.bootstrap = line.trim().rsplit(' ').next().map(str::to_owned);
            server._stdout = Some(out);
        }
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("server did not listen on {port}");
    }

    /// SIGKILL, then start again on the same port and data.
    fn kill_and_restart(mut self) -> Server {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        Server::start(&self.data.clone(), self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct TestDesk {
    _dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    desk: Desk,
}

fn desk() -> TestDesk {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()));
    let desk = Desk::open(DeskConfig {
        data_dir: dir.path().to_path_buf(),
        clock: clock.clone(),
        key_store: branchdesk_desk::KeyStore::File,
    })
    .unwrap();
    TestDesk { _dir: dir, clock, desk }
}

/// The director, signed in on `d` (a code for another desk is asked for
/// by a person allowed to).
fn director(d: &TestDesk) -> branchdesk_api::ids::UserId {
    let (_, me) = d.desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
    me.user.id
}

/// Links `d` to the server: with the bootstrap code when it is the first
/// desk, else with a code `first` issues.
async fn link(client: &Client, server: &Server, d: &TestDesk, first: Option<&TestDesk>) {
    let code = match first {
        None => server.bootstrap.clone().expect("a fresh server prints a bootstrap code"),
        Some(f) => client.issue_code(&f.desk, Some(director(f)), None).await.unwrap().code,
    };
    client.link(&d.desk, &server.url, &code).await.unwrap();
}

/// The first desk creates the organisation, as its first-run screen would.
fn set_up(d: &TestDesk) {
    d.desk
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
}

/// A fresh server and the first desk, linked with the bootstrap code, that
/// created the organisation.
async fn first_desk() -> (tempfile::TempDir, Server, Client, TestDesk) {
    let server_dir = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path(), 0);
    let client = Client::new();
    let a = desk();
    link(&client, &server, &a, None).await;
    set_up(&a);
    (server_dir, server, client, a)
}

fn sign_in(d: &Desk) -> (branchdesk_desk::Actor, branchdesk_api::commands::session::Me) {
    let (t, me) = d.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
    (d.actor(&t).unwrap(), me)
}

fn rooms(d: &Desk) -> Vec<(String, u32)> {
    let (token, me) =
        d.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).expect("director signs in");
    let actor = d.actor(&token).unwrap();
    let mut out: Vec<_> = d
        .list_rooms(&actor, ListRooms { branch_id: me.branches[0].id, include_inactive: true })
        .unwrap()
        .into_iter()
        .map(|r| (r.name, r.capacity))
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desks_converge_through_a_real_server_even_when_it_is_killed() {
    let server_dir = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path(), 0);
    let client = Client::new();

    // Desk A sets up the organisation and a room, offline, then syncs.
    let a = desk();
    set_up(&a);
    let (token, me) = a.desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
    let director_a = a.desk.actor(&token).unwrap();
    let branch = me.branches[0].id;
    let lab = a
        .desk
        .save_room(&director_a, SaveRoom { id: None, branch_id: branch, name: "Lab".into(), capacity: 20 })
        .unwrap();
    link(&client, &server, &a, None).await;
    let round = client.sync(&a.desk).await.unwrap();
    assert!(round.pushed > 10, "setup and room were pushed: {round:?}");
    assert_eq!(a.desk.pending_ops(10).unwrap().len(), 0);

    // Desk B starts empty, syncs, and holds the organisation: the director
    // signs in there offline with the same password.
    let b = desk();
    link(&client, &server, &b, Some(&a)).await;
    assert!(!b.desk.is_set_up().unwrap());
    let round = client.sync(&b.desk).await.unwrap();
    assert!(round.applied.applied > 10, "{round:?}");
    assert!(b.desk.is_set_up().unwrap());
    assert_eq!(rooms(&b.desk), vec![("Lab".to_string(), 20)]);

    // Both change the room's capacity offline; B's change is the later one.
    a.clock.advance(Duration::seconds(10));
    a.desk
        .save_room(
            &director_a,
            SaveRoom { id: Some(lab.id), branch_id: branch, name: "Lab".into(), capacity: 40 },
        )
        .unwrap();
    b.clock.advance(Duration::seconds(20));
    let (tb, _) = b.desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
    let director_b = b.desk.actor(&tb).unwrap();
    b.desk
        .save_room(
            &director_b,
            SaveRoom { id: Some(lab.id), branch_id: branch, name: "Lab".into(), capacity: 50 },
        )
        .unwrap();

    client.sync(&a.desk).await.unwrap();
    let rb = client.sync(&b.desk).await.unwrap();
    let ra = client.sync(&a.desk).await.unwrap();
    assert_eq!(rooms(&a.desk), vec![("Lab".to_string(), 50)]);
    assert_eq!(rooms(&b.desk), vec![("Lab".to_string(), 50)]);
    assert_eq!(rb.applied.conflicts, 1, "B kept A's losing 40: {rb:?}");
    assert_eq!(ra.applied.conflicts, 1, "A kept its own losing 40: {ra:?}");
    assert_eq!(a.desk.open_conflicts().unwrap(), 1);
    let listed = a.desk.list_conflicts(&director_a, Default::default()).unwrap();
    assert_eq!((listed[0].entity.as_str(), listed[0].column.as_str()), ("rooms", "capacity"));
    assert_eq!((listed[0].losing_value.as_str(), listed[0].winning_value.as_deref()), ("40", Some("50")));
    assert_eq!(listed[0].losing_device, a.desk.device_id());
    assert_eq!(listed[0].winning_device, b.desk.device_id());

    // The manager on desk A takes back the losing 40: a new change that wins everywhere.
    use branchdesk_api::commands::system::ResolveConflict;
    let bad =
        b.desk.resolve_conflict(&director_b, ResolveConflict { id: "nope".into(), take_losing_value: true });
    assert_eq!(branchdesk_api::ApiError::from(bad.unwrap_err()).code, branchdesk_api::ErrorCode::NotFound);
    a.clock.advance(Duration::seconds(30));
    a.desk
        .resolve_conflict(&director_a, ResolveConflict { id: listed[0].id.clone(), take_losing_value: true })
        .unwrap();
    assert_eq!(a.desk.open_conflicts().unwrap(), 0);
    client.sync(&a.desk).await.unwrap();
    client.sync(&b.desk).await.unwrap();
    assert_eq!(rooms(&a.desk), vec![("Lab".to_string(), 40)]);
    assert_eq!(rooms(&b.desk), vec![("Lab".to_string(), 40)]);

    // The server dies without warning and comes back; nothing is lost or doubled.
    let server = server.kill_and_restart();
    a.clock.advance(Duration::seconds(5));
    a.desk
        .save_room(&director_a, SaveRoom { id: None, branch_id: branch, name: "Hall".into(), capacity: 80 })
        .unwrap();
    client.sync(&a.desk).await.unwrap();
    client.sync(&b.desk).await.unwrap();
    let expected = vec![("Hall".to_string(), 80), ("Lab".to_string(), 40)];
    assert_eq!(rooms(&a.desk), expected);
    assert_eq!(rooms(&b.desk), expected);
    assert_eq!(b.desk.pending_ops(10).unwrap().len(), 0);
    drop(server);
}

#[tokio::test]
async fn an_unlinked_desk_says_so_and_an_unreachable_server_is_reported() {
    let d = desk();
    d.desk.set_server(Some(("http://127.0.0.1:9", "token"))).unwrap();
    let e = Client::new().sync(&d.desk).await.unwrap_err();
    assert!(matches!(e, branchdesk_sync::SyncError::Unreachable(_)), "{e}");
    assert!(d.desk.sync_config().unwrap().last_error.unwrap().contains("cannot be reached"));
    d.desk.set_server(None).unwrap();
    let e = Client::new().sync(&d.desk).await.unwrap_err();
    assert!(matches!(e, branchdesk_sync::SyncError::NotLinked));
    let bad = d.desk.set_server(Some(("ftp://nope", "token"))).unwrap_err();
    assert!(branchdesk_api::ApiError::from(bad).is_for("server_url"));
}

/// Sync-design pain 7: a UNIQUE clash while applying must not stall sync.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desks_naming_a_room_alike_offline_converge_and_the_clash_is_kept() {
    let (_server_dir, server, client, a) = first_desk().await;
    client.sync(&a.desk).await.unwrap();
    let b = desk();
    link(&client, &server, &b, Some(&a)).await;
    client.sync(&b.desk).await.unwrap();
    for d in [&a, &b] {
        let (t, me) = d.desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
        let actor = d.desk.actor(&t).unwrap();
        d.desk
            .save_room(
                &actor,
                SaveRoom { id: None, branch_id: me.branches[0].id, name: "Annexe".into(), capacity: 12 },
            )
            .unwrap();
    }
    for d in [&a, &b, &a] {
        client.sync(&d.desk).await.expect("sync does not stall on the clash");
    }
    let ra = rooms(&a.desk);
    assert_eq!(ra, rooms(&b.desk));
    assert_eq!(ra.len(), 2);
    assert_eq!(ra[0].0, "Annexe");
    assert!(ra[1].0.starts_with("Annexe ~"), "{ra:?}");
    assert!(a.desk.open_conflicts().unwrap() >= 1 && b.desk.open_conflicts().unwrap() >= 1);
}

/// The server authorises the person: a change made offline by someone whose
/// role was revoked meanwhile is refused, recorded, shown on their desk, and
/// never reaches the other desks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_by_someone_revoked_meanwhile_is_refused_and_listed() {
    use branchdesk_api::commands::users::{CreateUser, NewGrant, RevokeGrant};
    let (_server_dir, server, client, a) = first_desk().await;
    let (director, me) = sign_in(&a.desk);
    let branch = me.branches[0].id;
    let admin_role = a
        .desk
        .list_roles(&director, Default::default())
        .unwrap()
        .into_iter()
        .find(|r| r.name == "ADMIN")
        .unwrap()
        .id;
    let asha = a
        .desk
        .create_user(
            &director,
            CreateUser {
                full_name: "Asha Rao".into(),
                email: "asha@example.com".into(),
                phone: String::new(),
                password: "Teak-Window-57".into(),
                grants: vec![NewGrant { role_id: admin_role, branch_id: Some(branch), expires_on: None }],
            },
        )
        .unwrap();
    client.sync(&a.desk).await.unwrap();

    let b = desk();
    link(&client, &server, &b, Some(&a)).await;
    client.sync(&b.desk).await.unwrap();
    let (tb, _) =
        b.desk.login(Login { email: "asha@example.com".into(), password: "Teak-Window-57".into() }).unwrap();
    let asha_on_b = b.desk.actor(&tb).unwrap();

    // The director revokes Asha's role; desk B has not heard yet.
    a.desk.revoke_grant(&director, RevokeGrant { grant_id: asha.grants[0].id }).unwrap();
    client.sync(&a.desk).await.unwrap();
    b.desk
        .save_room(
            &asha_on_b,
            SaveRoom { id: None, branch_id: branch, name: "Store room".into(), capacity: 4 },
        )
        .unwrap();
    let round = client.sync(&b.desk).await.unwrap();
    assert_eq!(round.pushed, 1);
    let state = b.desk.sync_state().unwrap();
    assert_eq!((state.refused_changes, state.pending_changes), (1, 0), "refused, and not blocking the queue");
    let refused = b.desk.refused_changes().unwrap();
    assert_eq!(refused[0].entity, "rooms");
    assert!(refused[0].reason.contains("add and change rooms"), "{}", refused[0].reason);

    client.sync(&a.desk).await.unwrap();
    assert!(rooms(&a.desk).is_empty(), "the refused room never reached desk A");
    // Desk B now knows the revocation too.
    assert!(!b.desk.actor(&tb).unwrap().can(branchdesk_api::Permission::ManageRoom, Some(branch)));
}

/// Restoring an old backup on a linked desk loses nothing: its new changes
/// are renumbered after the server's, and what it had synced since the
/// backup comes back from the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_restored_from_an_old_backup_loses_nothing() {
    use branchdesk_api::commands::backups::{RestoreBackup, TakeBackup};
    let (_server_dir, server, client, a) = first_desk().await;
    let sign_in = || {
        let (t, me) = a.desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
        (a.desk.actor(&t).unwrap(), me.branches[0].id)
    };
    let (director, branch) = sign_in();
    client.sync(&a.desk).await.unwrap();
    a.clock.advance(Duration::seconds(1));
    let backup = a.desk.take_backup(&director, TakeBackup {}).unwrap();
    a.clock.advance(Duration::seconds(1));
    a.desk
        .save_room(
            &director,
            SaveRoom { id: None, branch_id: branch, name: "Before restore".into(), capacity: 10 },
        )
        .unwrap();
    client.sync(&a.desk).await.unwrap();

    a.desk
        .restore_backup(&director, RestoreBackup { file_name: backup.file_name, ..Default::default() })
        .unwrap();
    let (director, branch) = sign_in();
    assert!(rooms(&a.desk).is_empty(), "the backup predates the room");
    a.clock.advance(Duration::seconds(1));
    a.desk
        .save_room(
            &director,
            SaveRoom { id: None, branch_id: branch, name: "After restore".into(), capacity: 10 },
        )
        .unwrap();
    client.sync(&a.desk).await.expect("the reused number is renumbered, not refused forever");
    client.sync(&a.desk).await.unwrap();
    let expected = vec![("After restore".to_string(), 10), ("Before restore".to_string(), 10)];
    assert_eq!(rooms(&a.desk), expected);

    let b = desk();
    link(&client, &server, &b, Some(&a)).await;
    client.sync(&b.desk).await.unwrap();
    assert_eq!(rooms(&b.desk), expected, "the server holds both, once each");
    assert_eq!(a.desk.pending_ops(10).unwrap().len(), 0);
}

/// A branch desk receives its own branch and the organisation, not the
/// other branches' rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_desk_holds_only_its_branch() {
    use branchdesk_api::commands::org::SaveBranch;
    let (_server_dir, server, client, a) = first_desk().await;
    let (director, me) = sign_in(&a.desk);
    let k2 = me.branches[0].id;
    let hsr = a
        .desk
        .save_branch(
            &director,
            SaveBranch { id: None, code: "HSR".into(), name: "HSR Layout".into(), ..Default::default() },
        )
        .unwrap()
        .id;
    for (b, name) in [(k2, "K2 Lab"), (hsr, "HSR Lab")] {
        a.desk
            .save_room(&director, SaveRoom { id: None, branch_id: b, name: name.into(), capacity: 10 })
            .unwrap();
    }
    client.sync(&a.desk).await.unwrap();

    let b = desk();
    let code = client
        .issue_code(&a.desk, Some(director.user_id), Some(vec![format!("branch:{k2}")]))
        .await
        .unwrap()
        .code;
    client.link(&b.desk, &server.url, &code).await.unwrap();
    client.sync(&b.desk).await.unwrap();
    let (tb, _) = b.desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
    let director_b = b.desk.actor(&tb).unwrap();
    let names = |branch| -> Vec<String> {
        b.desk
            .list_rooms(&director_b, ListRooms { branch_id: branch, include_inactive: true })
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect()
    };
    assert_eq!(names(k2), vec!["K2 Lab".to_string()]);
    assert!(names(hsr).is_empty(), "another branch's rooms stay off this desk");
}

/// Timetable rows through the server: sessions two desks generate for the
/// same meetings converge to one row each (derived ids), and a double
/// booking two offline desks make independently becomes a clash shown on
/// both desks' timetables instead of a refusal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_desks_converge_on_sessions_and_surface_a_double_booking() {
    use branchdesk_api::commands::academics::SaveCourse;
    use branchdesk_api::commands::timetable::{GetBatch, GetTimetable, ListClashes, SaveBatch, Slot};
    let (_server_dir, server, client, a) = first_desk().await;
    let (director, me) = sign_in(&a.desk);
    let branch = me.branches[0].id;
    let course = a
        .desk
        .save_course(
            &director,
            SaveCourse { code: "PHY".into(), name: "Physics".into(), ..Default::default() },
        )
        .unwrap()
        .id;
    let room = a
        .desk
        .save_room(&director, SaveRoom { id: None, branch_id: branch, name: "Room 1".into(), capacity: 30 })
        .unwrap()
        .id;
    // The director teaches too (their role holds "mark attendance").
    let batch = |name: &str, weeks: i64| SaveBatch {
        branch_id: branch,
        course_id: course,
        name: name.into(),
        teacher_id: director.user_id,
        room_id: room,
        capacity: 20,
        start_date: "2026-06-01".into(),
        end_date: (chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() + Duration::weeks(weeks)).to_string(),
        slots: vec![Slot { weekday: 1, start: "16:00".into(), end: "17:30".into() }],
        ..Default::default()
    };
    let first = a.desk.save_batch(&director, batch("Physics XI-A", 4)).unwrap();
    client.sync(&a.desk).await.unwrap();
    let b = desk();
    link(&client, &server, &b, Some(&a)).await;
    client.sync(&b.desk).await.unwrap();
    let (director_b, _) = sign_in(&b.desk);

    // Offline, both desks extend the batch by the same two weeks: each
    // generates the same two new sessions.
    for (d, actor) in [(&a, &director), (&b, &director_b)] {
        d.desk.save_batch(actor, SaveBatch { id: Some(first.id), ..batch("Physics XI-A", 6) }).unwrap();
    }
    // And each plans an evening batch in Room 1 on Monday at overlapping times.
    a.desk
        .save_batch(
            &director,
            SaveBatch {
                slots: vec![Slot { weekday: 1, start: "18:00".into(), end: "19:00".into() }],
                teacher_id: director.user_id,
                ..batch("Evening A", 2)
            },
        )
        .unwrap();
    b.desk
        .save_batch(
            &director_b,
            SaveBatch {
                slots: vec![Slot { weekday: 1, start: "18:30".into(), end: "19:30".into() }],
                ..batch("Evening B", 2)
            },
        )
        .unwrap();
    for d in [&a, &b, &a] {
        client.sync(&d.desk).await.expect("sync");
    }
    for (d, actor) in [(&a, &director), (&b, &director_b)] {
        let detail = d.desk.get_batch(actor, GetBatch { id: first.id }).unwrap();
        assert_eq!(detail.sessions.len(), 7, "1 June – 13 July: seven Mondays, each once");
        let week = d
            .desk
            .get_timetable(
                actor,
                GetTimetable { branch_id: branch, date: "2026-06-01".into(), ..Default::default() },
            )
            .unwrap();
        assert_eq!(week.clash_count, 2, "both evening batches are marked");
        let clash = week.entries.iter().find(|e| e.title == "Evening A").unwrap();
        assert!(clash.clashes_with[0].contains("Evening B"), "{:?}", clash.clashes_with);
        let review = d.desk.list_clashes(actor, ListClashes { branch_id: branch }).unwrap();
        assert_eq!(review.len(), 6, "three Mondays of two batches each");
    }
}

/// A transfer made on a desk that follows only the sending branch reaches
/// a desk that follows only the receiving one: the student, their guardian
/// and their history arrive there, and the sending desk keeps its record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_student_transferred_on_one_branch_desk_arrives_at_the_other_with_history() {
    use branchdesk_api::commands::academics::SaveCourse;
    use branchdesk_api::commands::org::SaveBranch;
    use branchdesk_api::commands::students::*;
    use branchdesk_api::commands::timetable::{SaveBatch, Slot};
    let (_server_dir, server, client, a) = first_desk().await;
    let (director, me) = sign_in(&a.desk);
    let k2 = me.branches[0].id;
    let hsr = a
        .desk
        .save_branch(
            &director,
            SaveBranch { code: "HSR".into(), name: "HSR Layout".into(), ..Default::default() },
        )
        .unwrap()
        .id;
    let course = a
        .desk
        .save_course(
            &director,
            SaveCourse { code: "PHY".into(), name: "Physics".into(), ..Default::default() },
        )
        .unwrap()
        .id;
    let room = a
        .desk
        .save_room(&director, SaveRoom { id: None, branch_id: k2, name: "Room 1".into(), capacity: 30 })
        .unwrap()
        .id;
    let batch = a
        .desk
        .save_batch(
            &director,
            SaveBatch {
                branch_id: k2,
                course_id: course,
                name: "Physics XI-A".into(),
                teacher_id: director.user_id,
                room_id: room,
                capacity: 20,
                start_date: "2026-06-01".into(),
                end_date: "2026-08-31".into(),
                slots: vec![Slot { weekday: 1, start: "16:00".into(), end: "17:30".into() }],
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    client.sync(&a.desk).await.unwrap();

    let branch_desk = |b: branchdesk_api::ids::BranchId| {
        let client = &client;
        let a = &a;
        let server = &server;
        async move {
            let d = desk();
            let code = client
                .issue_code(&a.desk, Some(director.user_id), Some(vec![format!("branch:{b}")]))
                .await
                .unwrap()
                .code;
            client.link(&d.desk, &server.url, &code).await.unwrap();
            client.sync(&d.desk).await.unwrap();
            d
        }
    };
    let k = branch_desk(k2).await;
    let h = branch_desk(hsr).await;
    let (director_k, _) = sign_in(&k.desk);
    let (director_h, _) = sign_in(&h.desk);
    let numbers = [&a, &k, &h].map(|d| d.desk.desk_no().unwrap());
    assert_eq!(numbers, [1, 2, 3], "each desk its own number, for receipt series");
    let asha = k
        .desk
        .save_student(
            &director_k,
            SaveStudent {
                branch_id: k2,
                full_name: "Asha Rao".into(),
                phone: "98450 11111".into(),
                date_of_birth: "2010-03-14".into(),
                guardians: vec![GuardianInput {
                    full_name: "Lakshmi Rao".into(),
                    phone: "98450 22222".into(),
                    relation: "Mother".into(),
                    is_primary: true,
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .unwrap()
        .student;
    k.desk.enrol(&director_k, Enrol { student_id: asha.id, batch_id: batch, ..Default::default() }).unwrap();
    client.sync(&k.desk).await.unwrap();
    client.sync(&h.desk).await.unwrap();
    assert!(h.desk.get_student(&director_h, GetStudent { id: asha.id }).is_err(), "not HSR's student yet");

    k.desk
        .transfer_student(
            &director_k,
            TransferStudent { student_id: asha.id, to_branch_id: hsr, reason: "Family moved".into() },
        )
        .unwrap();
    client.sync(&k.desk).await.unwrap();
    assert!(k.desk.refused_changes().unwrap().is_empty(), "{:?}", k.desk.refused_changes());
    client.sync(&h.desk).await.unwrap();

    let there = h.desk.get_student(&director_h, GetStudent { id: asha.id }).expect("arrived at HSR");
    assert_eq!(there.student.branch_id, hsr);
    assert_eq!(there.student.guardians[0].full_name, "Lakshmi Rao");
    assert_eq!(there.earlier_branches[0].branch_name, "Koramangala");
    assert_eq!(there.earlier_branches[0].enrolments[0].batch_name, "Physics XI-A");
    assert_eq!(there.earlier_branches[0].enrolments[0].status, EnrolmentStatus::Dropped);
    let listed =
        h.desk.list_students(&director_h, ListStudents { branch_id: hsr, ..Default::default() }).unwrap();
    assert_eq!(listed.len(), 1);
    // The K2 desk keeps the enrolment it closed, and the record.
    let kept = k.desk.get_student(&director_k, GetStudent { id: asha.id }).unwrap();
    assert_eq!(kept.enrolments[0].status, EnrolmentStatus::Dropped);
    // A later change at HSR reaches HSR's desks through HSR's scope.
    h.desk
        .save_student(
            &director_h,
            SaveStudent {
                id: Some(asha.id),
                branch_id: hsr,
                full_name: "Asha R. Rao".into(),
                phone: "98450 11111".into(),
                date_of_birth: "2010-03-14".into(),
                ..Default::default()
            },
        )
        .unwrap();
    client.sync(&h.desk).await.unwrap();
    assert!(h.desk.refused_changes().unwrap().is_empty(), "{:?}", h.desk.refused_changes());
    client.sync(&a.desk).await.unwrap();
    let at_a = a.desk.get_student(&director, GetStudent { id: asha.id }).unwrap();
    assert_eq!((at_a.student.full_name.as_str(), at_a.student.branch_id), ("Asha R. Rao", hsr));
}
