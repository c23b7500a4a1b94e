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

    let restored =
        f.desk.restore_backup(&f.director, RestoreBackup { file_name: backup.file_name.clone() }).unwrap();
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
    let safety =
        rusqlite::Connection::open(f.dir.path().join("backups").join(&restored.safety_copy.file_name))
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
        .restore_backup(&f.director, RestoreBackup { file_name: "../branchdesk.sqlite".into() })
        .unwrap_err()
        .into();
    assert!(e.is_for("file_name"));
    let fake = "branchdesk-20260101-000000000-manual.sqlite";
    std::fs::write(f.dir.path().join("backups").join(fake), b"not a database at all").unwrap();
    let e: ApiError =
        f.desk.restore_backup(&f.director, RestoreBackup { file_name: fake.into() }).unwrap_err().into();
    assert!(e.message.contains("damaged"), "{}", e.message);
}

#[test]
fn a_database_with_pending_migrations_is_backed_up_before_migrating() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = rusqlite::Connection::open(dir.path().join(branchdesk_desk::db::DB_FILE)).unwrap();
        conn.execute_batch("CREATE TABLE precious (v TEXT); INSERT INTO precious VALUES ('keep me');")
            .unwrap();
    }
    let clock = std::sync::Arc::new(branchdesk_desk::ManualClock::new(chrono::Utc::now()));
    let desk = open(dir.path(), clock);
    let backups = branchdesk_desk::backup::list(desk.data_dir()).unwrap();
    let pre = backups.iter().find(|b| b.reason == "before-migration").expect("a pre-migration backup");
    let copy = rusqlite::Connection::open(dir.path().join("backups").join(&pre.file_name)).unwrap();
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
    let file = rusqlite::Connection::open(&path).unwrap();
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
    f.desk.restore_backup(&f.director, RestoreBackup { file_name: backup.file_name }).unwrap();
    let config = f.desk.sync_config().unwrap();
    assert_eq!(config.device_token.as_deref(), Some(TOKEN), "the desk stays linked");
    assert_eq!(config.server_pin.as_deref(), Some("abcdefghijklmnopqrstuvwxyz"));
    // The safety copy taken before the restore holds no token either.
    let newest = f.desk.newest_backup().unwrap().unwrap();
    let bytes = std::fs::read(f.desk.data_dir().join("backups").join(newest.file_name)).unwrap();
    assert!(!bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()));
}
