//! The desk's data and backups are encrypted: a copied file shows nothing,
//! an older plain file is encrypted on upgrade after a backup, a missing
//! or wrong key is never taken for damage, and the recovery key opens the
//! data again or brings a backup onto a new computer.

mod common;

use branchdesk_api::commands::backups::{GetRecoveryKey, RestoreBackup, TakeBackup};
use branchdesk_api::commands::org::SaveRoom;
use branchdesk_api::commands::users::SaveStaffProfile;
use branchdesk_api::ApiError;
use branchdesk_desk::db::key::{self, CHECK_FILE, KEY_FILE};
use branchdesk_desk::db::DB_FILE;
use branchdesk_desk::{recovery, Desk, DeskConfig, Error, KeyStore};
use chrono::Duration;
use common::*;
use std::path::Path;

const STUDENT: &str = "Zoya Qureshi-Venkataraman";
const BANK_NUMBER: &str = "918273645501";

fn open_in(dir: &Path, clock: std::sync::Arc<branchdesk_desk::ManualClock>) -> branchdesk_desk::Result<Desk> {
    Desk::open(DeskConfig { data_dir: dir.to_path_buf(), clock, key_store: KeyStore::File })
}

fn contains(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Every file of the desk's data: the database, its log, its backups.
fn data_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = vec![dir.join(DB_FILE)];
    let wal = branchdesk_desk::db::wal_path(&dir.join(DB_FILE));
    if wal.exists() {
        files.push(wal);
    }
    for e in std::fs::read_dir(dir.join("backups")).unwrap() {
        files.push(e.unwrap().path());
    }
    files
}

fn recovery_key(f: &Fixture) -> String {
    f.desk.get_recovery_key(&f.director, GetRecoveryKey { password: DIRECTOR_PASSWORD.into() }).unwrap().key
}

#[test]
fn a_copied_database_or_backup_shows_no_name_hash_or_bank_number() {
    let f = fixture();
    admit(&f, STUDENT, "9876543210", Some(parent("Farah Qureshi", "9876500000"))).unwrap();
    let (_, ravi) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    f.desk
        .save_staff_profile(
            &f.director,
            SaveStaffProfile {
                user_id: ravi.user_id,
                bank_account_name: "Ravi Kumar".into(),
                bank_account_number: BANK_NUMBER.into(),
                bank_ifsc: "HDFC0001234".into(),
                ..Default::default()
            },
        )
        .unwrap();
    f.clock.advance(Duration::seconds(1));
    f.desk.take_backup(&f.director, TakeBackup {}).unwrap();
    // The data is there, under the key …
    let keyed = branchdesk_desk::db::open_connection(f.dir.path(), KeyStore::File).unwrap();
    let students: i64 = keyed
        .query_row("SELECT count(*) FROM students WHERE full_name = ?1", [STUDENT], |r| r.get(0))
        .unwrap();
    assert_eq!(students, 1);
    let hash: String = keyed
        .query_row("SELECT password_hash FROM users WHERE email = ?1", [DIRECTOR_EMAIL], |r| r.get(0))
        .unwrap();
    assert!(hash.starts_with("$bdk1$"), "{hash}");
    // … and not in any file's bytes.
    let files = data_files(f.dir.path());
    assert!(files.len() >= 3, "{files:?}");
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let check = hash.rsplit('$').next().unwrap();
        for secret in [STUDENT, "Qureshi", "$bdk1$", check, BANK_NUMBER, "SQLite format 3", DIRECTOR_EMAIL] {
            assert!(!contains(&bytes, secret), "{secret} readable in {}", file.display());
        }
    }
    // Without the key SQLite reads nothing of it.
    let bare = rusqlite::Connection::open(f.dir.path().join(DB_FILE)).unwrap();
    let e = bare.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert_eq!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::NotADatabase), "{e}");
    // The key file (no key store here) and the check value are the owner's only.
    #[cfg(unix)]
    for name in [KEY_FILE, CHECK_FILE, DB_FILE] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(f.dir.path().join(name)).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{name}: {mode:o}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(f.dir.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the data folder: {mode:o}");
        for file in data_files(f.dir.path()) {
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{}: {mode:o}", file.display());
        }
    }
}

#[test]
fn an_older_plain_database_is_encrypted_after_a_backup_and_its_backups_with_it() {
    let f = fixture();
    f.desk
        .save_room(
            &f.director,
            SaveRoom { id: None, branch_id: f.branch, name: "Old Room".into(), capacity: 9 },
        )
        .unwrap();
    let dir = f.dir.path().to_path_buf();
    // What a desk of the previous version left: the same data, plain, with
    // a plain backup beside it and no key anywhere.
    let plain = dir.join("plain.sqlite");
    {
        let keyed = branchdesk_desk::db::open_connection(&dir, KeyStore::File).unwrap();
        key::export(&keyed, &plain, None).unwrap();
    }
    let Fixture { dir: tmp, clock, desk, .. } = f;
    drop(desk);
    for e in std::fs::read_dir(dir.join("backups")).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    std::fs::copy(&plain, dir.join("backups").join("branchdesk-20260531-090000000-daily.sqlite")).unwrap();
    std::fs::rename(&plain, dir.join(DB_FILE)).unwrap();
    for name in [KEY_FILE, CHECK_FILE] {
        std::fs::remove_file(dir.join(name)).unwrap();
    }
    assert!(key::is_plain(&dir.join(DB_FILE)).unwrap());

    let desk = open_in(&dir, clock.clone()).unwrap();
    assert_eq!(room_names(&desk), ["Old Room"]);
    let backups = branchdesk_desk::backup::list(&dir).unwrap();
    assert!(backups.iter().any(|b| b.reason == "before-encryption"), "{backups:?}");
    assert!(dir.join(KEY_FILE).exists() && dir.join(CHECK_FILE).exists());
    for file in data_files(&dir) {
        assert!(!key::is_plain(&file).unwrap(), "still plain: {}", file.display());
        assert!(!contains(&std::fs::read(&file).unwrap(), "Old Room"), "{}", file.display());
    }
    // And the encrypted desk opens again as it is.
    drop(desk);
    assert_eq!(room_names(&open_in(&dir, clock).unwrap()), ["Old Room"]);
    drop(tmp);
}

#[test]
fn a_missing_or_wrong_key_is_not_damage_and_the_recovery_key_opens_the_data_again() {
    let f = fixture();
    f.desk
        .save_room(&f.director, SaveRoom { id: None, branch_id: f.branch, name: "Kept".into(), capacity: 9 })
        .unwrap();
    let recovery_text = recovery_key(&f);
    assert_eq!(recovery_text.len(), 64, "{recovery_text}");
    // Shown only to someone who proves who they are, with the right for every branch.
    let e = api(f
        .desk
        .get_recovery_key(&f.director, GetRecoveryKey { password: "Not-Mine-2026".into() })
        .unwrap_err());
    assert!(e.is_for("password"));
    let (_, clerk) = f.staff("asha@example.com", "BACKOFFICE", Some(f.branch));
    let e =
        api(f.desk.get_recovery_key(&clerk, GetRecoveryKey { password: STAFF_PASSWORD.into() }).unwrap_err());
    assert_eq!(e.code, branchdesk_api::ErrorCode::PermissionDenied);
    let Fixture { dir, clock, desk, .. } = f;
    drop(desk);
    let key_file = dir.path().join(KEY_FILE);
    let good = std::fs::read(&key_file).unwrap();

    // The key store lost it: locked, not damaged — nothing offers a restore.
    std::fs::remove_file(&key_file).unwrap();
    assert!(matches!(open_in(dir.path(), clock.clone()), Err(Error::KeyUnavailable(_))));
    // Another key in its place: the check value says it is the wrong one.
    std::fs::write(&key_file, "ab".repeat(32)).unwrap();
    assert!(matches!(open_in(dir.path(), clock.clone()), Err(Error::KeyUnavailable(_))));
    // Even without the check value, a key that does not open it is not damage.
    std::fs::remove_file(dir.path().join(CHECK_FILE)).unwrap();
    assert!(matches!(open_in(dir.path(), clock.clone()), Err(Error::KeyUnavailable(_))));

    // A wrong recovery key is refused on its field; the right one, typed
    // in lower case with spaces, puts the key back.
    let wrong = recovery::unlock(dir.path(), KeyStore::File, &"A".repeat(52)).unwrap_err();
    assert!(ApiError::from(wrong).is_for("recovery_key"));
    let bad = recovery::unlock(dir.path(), KeyStore::File, "not a key").unwrap_err();
    assert!(ApiError::from(bad).is_for("recovery_key"));
    recovery::unlock(dir.path(), KeyStore::File, &recovery_text.to_lowercase().replace('-', " ")).unwrap();
    assert_eq!(std::fs::read(&key_file).unwrap(), good);
    assert_eq!(room_names(&open_in(dir.path(), clock).unwrap()), ["Kept"]);
}

#[test]
fn another_desks_backup_comes_back_on_a_new_computer_with_that_desks_recovery_key() {
    let a = fixture();
    a.desk
        .save_room(
            &a.director,
            SaveRoom { id: None, branch_id: a.branch, name: "From A".into(), capacity: 9 },
        )
        .unwrap();
    a.clock.advance(Duration::seconds(1));
    let backup = a.desk.take_backup(&a.director, TakeBackup {}).unwrap();
    let a_key = recovery_key(&a);

    // A new computer: nothing but the backup file, copied into its folder.
    let new = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(new.path().join("backups")).unwrap();
    let copied = new.path().join("backups").join(&backup.file_name);
    std::fs::copy(a.dir.path().join("backups").join(&backup.file_name), &copied).unwrap();
    let clock = a.clock.clone();
    assert!(matches!(open_in(new.path(), clock.clone()), Err(Error::Damaged(_))), "its data file is missing");
    let offer = recovery::inspect(new.path(), "missing", KeyStore::File, false).unwrap();
    assert!(offer.backups.is_empty());
    assert_eq!(offer.locked.iter().map(|b| &b.file_name).collect::<Vec<_>>(), [&backup.file_name]);
    let now = branchdesk_desk::Clock::now(&*clock);
    for (typed, why) in [("", "this desk's key"), (&"B".repeat(52) as &str, "either")] {
        let e = ApiError::from(
            recovery::restore(new.path(), &backup.file_name, typed, KeyStore::File, now).unwrap_err(),
        );
        assert!(e.is_for("recovery_key") && e.message.contains(why), "{e:?}");
    }
    recovery::restore(new.path(), &backup.file_name, &a_key, KeyStore::File, now).unwrap();
    assert_eq!(room_names(&open_in(new.path(), clock.clone()).unwrap()), ["From A"]);

    // On a desk that has a key of its own, A's backup is restored under that key.
    let c = fixture();
    let c_backups = c.dir.path().join("backups");
    std::fs::copy(
        a.dir.path().join("backups").join(&backup.file_name),
        c_backups.join("branchdesk-20260601-100000000-manual.sqlite"),
    )
    .unwrap();
    let input = |key: &str| RestoreBackup {
        file_name: "branchdesk-20260601-100000000-manual.sqlite".into(),
        discard_unsent: true,
        recovery_key: key.into(),
    };
    let e = api(c.desk.restore_backup(&c.director, input("")).unwrap_err());
    assert!(e.is_for("recovery_key"), "{e:?}");
    c.desk.restore_backup(&c.director, input(&a_key)).unwrap();
    let c_key = std::fs::read(c.dir.path().join(KEY_FILE)).unwrap();
    let Fixture { dir, desk, .. } = c;
    drop(desk);
    assert_eq!(std::fs::read(dir.path().join(KEY_FILE)).unwrap(), c_key, "C keeps its own key");
    assert_eq!(room_names(&open_in(dir.path(), clock).unwrap()), ["From A"]);
}

/// Rewrites the encrypted file `file` of the desk in `dir` as a desk of
/// the previous version sealed it: SQLCipher 4's default HMAC-SHA512.
fn seal_as_before(dir: &Path, file: &Path) {
    let older = file.with_extension("older");
    {
        let conn = branchdesk_desk::db::open_with_desk_key(file, dir, KeyStore::File).unwrap();
        // Attached without a key clause, it takes the file's key.
        conn.execute("ATTACH DATABASE ?1 AS older", [older.display().to_string()]).unwrap();
        conn.pragma_update(Some("older"), "cipher_hmac_algorithm", "HMAC_SHA512").unwrap();
        conn.query_row("SELECT sqlcipher_export('older')", [], |_| Ok(())).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get("user_version")).unwrap();
        conn.pragma_update(Some("older"), "user_version", version).unwrap();
        conn.execute("DETACH DATABASE older", []).unwrap();
    }
    std::fs::rename(&older, file).unwrap();
    let _ = std::fs::remove_file(branchdesk_desk::db::wal_path(file));
    // Read as today's files are sealed, it does not open; the desk's own
    // way of keying a file finds the older format.
    let today = rusqlite::Connection::open(file).unwrap();
    let hex = std::fs::read_to_string(dir.join(KEY_FILE)).unwrap();
    today.pragma_update(None, "key", format!("x'{}'", hex.trim())).unwrap();
    today.pragma_update(None, "cipher_hmac_algorithm", "HMAC_SHA256").unwrap();
    assert!(today.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())).is_err());
    let keyed = branchdesk_desk::db::open_with_desk_key(file, dir, KeyStore::File).unwrap();
    assert!(key::is_legacy(&keyed).unwrap(), "{} is sealed the older way", file.display());
}

#[test]
fn a_desk_sealed_the_older_way_opens_in_todays_format_and_its_older_backups_restore() {
    let f = fixture();
    let room = |f: &Fixture, name: &str| {
        f.desk
            .save_room(
                &f.director,
                SaveRoom { id: None, branch_id: f.branch, name: name.into(), capacity: 9 },
            )
            .unwrap();
    };
    room(&f, "Before the backup");
    f.clock.advance(Duration::seconds(1));
    let backup = f.desk.take_backup(&f.director, TakeBackup {}).unwrap();
    room(&f, "After the backup");
    let Fixture { dir, clock, desk, .. } = f;
    drop(desk);
    let path = dir.path().join(DB_FILE);
    seal_as_before(dir.path(), &path);
    seal_as_before(dir.path(), &dir.path().join("backups").join(&backup.file_name));

    // The desk opens with all of its data, now sealed as today's files are.
    let desk = open_in(dir.path(), clock.clone()).unwrap();
    assert_eq!(room_names(&desk), ["After the backup", "Before the backup"]);
    let keyed = branchdesk_desk::db::open_connection(dir.path(), KeyStore::File).unwrap();
    assert!(!key::is_legacy(&keyed).unwrap());
    drop(keyed);
    assert!(!contains(&std::fs::read(&path).unwrap(), "After the backup"));
    // Today's backups copy from it page for page, and the older backup
    // restores over it.
    let (token, _) = desk
        .login(branchdesk_api::commands::session::Login {
            email: DIRECTOR_EMAIL.into(),
            password: DIRECTOR_PASSWORD.into(),
        })
        .unwrap();
    let director = desk.actor(&token).unwrap();
    clock.advance(Duration::seconds(1));
    desk.take_backup(&director, TakeBackup {}).unwrap();
    desk.restore_backup(
        &director,
        RestoreBackup {
            file_name: backup.file_name.clone(),
            discard_unsent: true,
            recovery_key: String::new(),
        },
    )
    .unwrap();
    assert_eq!(room_names(&desk), ["Before the backup"]);
    drop(desk);
    let desk = open_in(dir.path(), clock.clone()).unwrap();
    assert_eq!(room_names(&desk), ["Before the backup"]);
    drop(desk);

    // On the recovery screen too (the backup copied into place as it is).
    std::fs::write(&path, b"damaged").unwrap();
    let now = branchdesk_desk::Clock::now(&*clock);
    recovery::restore(dir.path(), &backup.file_name, "", KeyStore::File, now).unwrap();
    assert_eq!(room_names(&open_in(dir.path(), clock).unwrap()), ["Before the backup"]);
    let keyed = branchdesk_desk::db::open_connection(dir.path(), KeyStore::File).unwrap();
    assert!(!key::is_legacy(&keyed).unwrap());
}
