//! Automatic and manual backups, pruning, and restore with a safety copy.

mod common;

use branchdesk_api::commands::backups::{ListBackups, RestoreBackup, TakeBackup};
use branchdesk_api::commands::org::{ListRooms, SaveRoom};
use branchdesk_api::{ApiError, ErrorCode};
use chrono::Duration;
use common::*;

#[test]
fn a_daily_backup_is_taken_at_most_once_a_day_and_seven_are_kept() {
    let f = fixture();
    let list = || f.desk.list_backups(&f.director, ListBackups {}).unwrap();
    assert_eq!(list().iter().filter(|b| b.reason == "daily").count(), 1, "first open takes one");
    assert!(f.desk.take_daily_backup_if_due().unwrap().is_none());
    f.clock.advance(Duration::days(1));
    assert!(f.desk.take_daily_backup_if_due().unwrap().is_some());
    for _ in 0..8 {
        f.clock.advance(Duration::seconds(1));
        f.desk.take_backup(&f.director, TakeBackup {}).unwrap();
    }
    let all = list();
    assert_eq!(all.len(), 7);
    assert!(all.iter().all(|b| b.reason == "manual"), "the oldest went first");
    assert!(all.windows(2).all(|w| w[0].taken_at >= w[1].taken_at), "newest first");
}

#[test]
fn restore_brings_back_the_old_data_after_a_safety_copy_and_signs_everyone_out() {
    let f = fixture();
    let room = |name: &str| SaveRoom { id: None, branch_id: f.branch, name: name.into(), capacity: 10 };
    f.desk.save_room(&f.director, room("Before")).unwrap();
    f.clock.advance(Duration::seconds(1));
    let backup = f.desk.take_backup(&f.director, TakeBackup {}).unwrap();
    f.clock.advance(Duration::seconds(1));
    f.desk.save_room(&f.director, room("After")).unwrap();

    let restored = f
        .desk
        .restore_backup(
            &f.director,
            RestoreBackup { file_name: backup.file_name.clone(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(restored.safety_copy.reason, "before-restore");
    let e: ApiError = f.desk.actor(&f.token).unwrap_err().into();
    assert_eq!(e.code, ErrorCode::Unauthenticated);

    let (token, _) = f
        .desk
        .login(branchdesk_api::commands::session::Login {
            email: DIRECTOR_EMAIL.into(),
            password: DIRECTOR_PASSWORD.into(),
        })
        .unwrap();
    let actor = f.desk.actor(&token).unwrap();
    let names: Vec<String> = f
        .desk
        .list_rooms(&actor, ListRooms { branch_id: f.branch, include_inactive: true })
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, vec!["Before".to_string()]);

    // The safety copy holds what was there before the restore.
    let safety = branchdesk_desk::db::open_with_desk_key(
        &f.dir.path().join("backups").join(&restored.safety_copy.file_name),
        f.dir.path(),
        branchdesk_desk::KeyStore::File,
    )
    .unwrap();
    let n: i64 =
        safety.query_row("SELECT count(*) FROM rooms WHERE name = 'After'", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
}

#[test]
fn restore_refuses_unknown_and_damaged_files() {
    let f = fixture();
    let e: ApiError = f
        .desk
        .restore_backup(
            &f.director,
            RestoreBackup { file_name: "../branchdesk.sqlite".into(), ..Default::default() },
        )
        .unwrap_err()
        .into();
    assert!(e.is_for("file_name"));
    let fake = "branchdesk-20260101-000000000-manual.sqlite";
    std::fs::write(f.dir.path().join("backups").join(fake), b"not a database at all").unwrap();
    let e: ApiError = f
        .desk
        .restore_backup(&f.director, RestoreBackup { file_name: fake.into(), ..Default::default() })
        .unwrap_err()
        .into();
    assert!(e.message.contains("damaged"), "{}", e.message);
}

#[test]
fn a_database_with_pending_migrations_is_backed_up_before_migrating() {
    let dir = tempfile::tempdir().unwrap();
    {
        // A database from before encryption, as an older desk left it.
        let conn = rusqlite::Connection::open(dir.path().join(branchdesk_desk::db::DB_FILE)).unwrap();
        conn.execute_batch("CREATE TABLE precious (v TEXT); INSERT INTO precious VALUES ('keep me');")
            .unwrap();
    }
    let clock = std::sync::Arc::new(branchdesk_desk::ManualClock::new(chrono::Utc::now()));
    let desk = open(dir.path(), clock);
    let backups = branchdesk_desk::backup::list(desk.data_dir()).unwrap();
    let pre = backups.iter().find(|b| b.reason == "before-migration").expect("a pre-migration backup");
    let copy = branchdesk_desk::db::open_with_desk_key(
        &dir.path().join("backups").join(&pre.file_name),
        dir.path(),
        branchdesk_desk::KeyStore::File,
    )
    .unwrap();
    let v: String = copy.query_row("SELECT v FROM precious", [], |r| r.get(0)).unwrap();
    assert_eq!(v, "keep me");
    let has_users: i64 =
        copy.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'users'", [], |r| r.get(0)).unwrap();
    assert_eq!(has_users, 0, "the copy predates the migration");
}

/// A backup file holds no device token (whoever copies it cannot sync as
/// this desk), but keeps the server's address and pin; restoring it on the
/// same desk keeps the link the desk has.
#[test]
fn a_backup_holds_no_device_token_and_restoring_keeps_the_desks_link() {
    let f = fixture();
    const TOKEN: &str = "5e3c2b7a9d1f40e8b6a2c4d8f0e1a3b5c7d9e2f4a6b8c0d1e3f5a7b9c2d4e6f8";
    f.desk.set_server(Some(("https://sync.example.in", TOKEN))).unwrap();
    f.desk.set_server_pin(Some("abcdefghijklmnopqrstuvwxyz")).unwrap();
    let backup = f.desk.take_backup(&f.director, TakeBackup {}).unwrap();

    let path = f.desk.data_dir().join("backups").join(&backup.file_name);
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()), "not even in freed space");
    let file =
        branchdesk_desk::db::open_with_desk_key(&path, f.desk.data_dir(), branchdesk_desk::KeyStore::File)
            .unwrap();
    let (url, token, pin): (Option<String>, Option<String>, Option<String>) = file
        .query_row("SELECT server_url, device_token, server_pin FROM sync_state", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(url.as_deref(), Some("https://sync.example.in"));
    assert_eq!(token, None);
    assert_eq!(pin.as_deref(), Some("abcdefghijklmnopqrstuvwxyz"), "the pin is not secret");
    drop(file);
    let partials = std::fs::read_dir(f.desk.data_dir().join("backups"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".partial"))
        .count();
    assert_eq!(partials, 0);

    f.clock.advance(Duration::seconds(1));
    // Its setup was never sent to that (made-up) server: restore anyway.
    let input = RestoreBackup { file_name: backup.file_name, discard_unsent: true, ..Default::default() };
    f.desk.restore_backup(&f.director, input).unwrap();
    let config = f.desk.sync_config().unwrap();
    assert_eq!(config.device_token.as_deref(), Some(TOKEN), "the desk stays linked");
    assert_eq!(config.server_pin.as_deref(), Some("abcdefghijklmnopqrstuvwxyz"));
    // The safety copy taken before the restore holds no token either.
    let newest = f.desk.newest_backup().unwrap().unwrap();
    let bytes = std::fs::read(f.desk.data_dir().join("backups").join(newest.file_name)).unwrap();
    assert!(!bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()));
}

fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A backup that cannot be written (the disk is full) leaves the seven
/// older ones as they were, no partial file, and says so.
#[test]
fn a_failed_backup_leaves_the_older_ones_alone_and_says_so() {
    let f = fixture();
    for _ in 0..7 {
        f.clock.advance(Duration::seconds(1));
        f.desk.take_backup(&f.director, TakeBackup {}).unwrap();
    }
    let folder = f.dir.path().join("backups");
    let before = names_in(&folder);
    assert_eq!(before.len(), 7);
    f.clock.advance(Duration::seconds(1));
    f.desk.failpoints.arm(branchdesk_desk::failpoint::BACKUP_WRITE);
    let e: ApiError = f.desk.take_backup(&f.director, TakeBackup {}).unwrap_err().into();
    assert_eq!(e.code, ErrorCode::Internal);
    assert!(e.message.contains("older backups are kept") && e.error_id().is_some(), "{}", e.message);
    assert_eq!(names_in(&folder), before, "nothing pruned, no partial copy left");
    // The next one works and prunes as usual.
    f.desk.take_backup(&f.director, TakeBackup {}).unwrap();
    assert_eq!(names_in(&folder).len(), 7);
}

/// A partial copy left by a crash is never listed and is cleared by the
/// next backup.
#[test]
fn a_partial_copy_left_by_a_crash_is_ignored_and_cleared() {
    let f = fixture();
    let folder = f.dir.path().join("backups");
    let stale = folder.join("branchdesk-20260101-000000000-manual.sqlite.partial");
    std::fs::write(&stale, b"half a database").unwrap();
    assert!(f
        .desk
        .list_backups(&f.director, ListBackups {})
        .unwrap()
        .iter()
        .all(|b| !b.file_name.ends_with(".partial")));
    f.clock.advance(Duration::seconds(1));
    f.desk.take_backup(&f.director, TakeBackup {}).unwrap();
    assert!(!stale.exists());
}

#[test]
fn a_backup_from_a_newer_version_is_refused() {
    let f = fixture();
    f.clock.advance(Duration::seconds(1));
    let backup = f.desk.take_backup(&f.director, TakeBackup {}).unwrap();
    let path = f.dir.path().join("backups").join(&backup.file_name);
    branchdesk_desk::db::open_with_desk_key(&path, f.dir.path(), branchdesk_desk::KeyStore::File)
        .unwrap()
        .execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES (999, 'future', '', '0')",
            [],
        )
        .unwrap();
    let input = RestoreBackup { file_name: backup.file_name, discard_unsent: true, ..Default::default() };
    let e: ApiError = f.desk.restore_backup(&f.director, input).unwrap_err().into();
    assert!(e.is_for("file_name") && e.message.contains("newer Branchdesk"), "{e:?}");
    assert!(f.desk.actor(&f.token).is_ok(), "nothing happened: still signed in");
}

/// Changes not yet on the server are lost by a restore: it says how many
/// and goes on only when told to.
#[test]
fn a_restore_names_the_changes_not_yet_sent_and_needs_a_yes() {
    let f = fixture();
    f.clock.advance(Duration::seconds(1));
    let backup = f.desk.take_backup(&f.director, TakeBackup {}).unwrap();
    f.desk.set_server(Some(("https://sync.example.in", "token"))).unwrap();
    let unsent = f.desk.sync_state().unwrap().pending_changes;
    assert!(unsent > 0);
    let input =
        RestoreBackup { file_name: backup.file_name.clone(), discard_unsent: false, ..Default::default() };
    let e: ApiError = f.desk.restore_backup(&f.director, input).unwrap_err().into();
    assert!(e.code == ErrorCode::Conflict && e.is_for("discard_unsent"), "{e:?}");
    assert!(e.message.contains(&format!("{unsent} change(s)")), "{}", e.message);
    assert!(f.desk.actor(&f.token).is_ok(), "nothing happened: still signed in");
    let input = RestoreBackup { file_name: backup.file_name, discard_unsent: true, ..Default::default() };
    f.desk.restore_backup(&f.director, input).unwrap();
}

/// A backup holds every branch, so only someone who may manage backups for
/// the whole organisation puts one back; a branch's administrator may take
/// one.
#[test]
fn restoring_needs_the_right_for_the_whole_organisation() {
    let f = fixture();
    let (_, admin) = f.staff("branch.admin@example.com", "ADMIN", Some(f.branch));
    f.clock.advance(Duration::seconds(1));
    let backup = f.desk.take_backup(&admin, TakeBackup {}).unwrap();
    let input =
        RestoreBackup { file_name: backup.file_name.clone(), discard_unsent: true, ..Default::default() };
    let e: ApiError = f.desk.restore_backup(&admin, input.clone()).unwrap_err().into();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    assert!(e.message.contains("whole organisation"), "{}", e.message);
    f.desk.restore_backup(&f.director, input).unwrap();
}
