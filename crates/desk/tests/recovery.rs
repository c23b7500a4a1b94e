//! A damaged database opens the recovery screen's facts instead of failing
//! at start, and the newest good backup takes its place with the damaged
//! file kept aside.

mod common;

use branchdesk_api::commands::backups::TakeBackup;
use branchdesk_api::commands::org::SaveRoom;
use branchdesk_api::{ApiError, ErrorCode};
use branchdesk_desk::db::DB_FILE;
use branchdesk_desk::{recovery, Desk, DeskConfig, Error};
use chrono::Duration;
use common::*;
use std::path::Path;

/// A desk with a room "Before" in a manual backup and "After" only in the
/// live file; the desk is closed when this returns.
fn desk_with_a_backup() -> (tempfile::TempDir, std::sync::Arc<branchdesk_desk::ManualClock>, String) {
    let f = fixture();
    let room = |name: &str| SaveRoom { id: None, branch_id: f.branch, name: name.into(), capacity: 10 };
    f.desk.save_room(&f.director, room("Before")).unwrap();
    f.clock.advance(Duration::seconds(1));
    let backup = f.desk.take_backup(&f.director, TakeBackup {}).unwrap();
    f.desk.save_room(&f.director, room("After")).unwrap();
    let Fixture { dir, clock, desk, .. } = f;
    drop(desk);
    (dir, clock, backup.file_name)
}

fn open_err(dir: &Path, clock: std::sync::Arc<branchdesk_desk::ManualClock>) -> String {
    match Desk::open(DeskConfig {
        data_dir: dir.to_path_buf(),
        clock,
        key_store: branchdesk_desk::KeyStore::File,
    }) {
        Err(Error::Damaged(problem)) => problem,
        Err(other) => panic!("expected damaged data, got {other}"),
        Ok(_) => panic!("a damaged file opened"),
    }
}

/// Why restoring the backup `name` (no recovery key) was refused.
fn refused_restore(dir: &Path, name: &str, clock: &branchdesk_desk::ManualClock) -> ApiError {
    match recovery::restore(
        dir,
        name,
        "",
        branchdesk_desk::KeyStore::File,
        branchdesk_desk::Clock::now(clock),
    ) {
        Err(Error::Api(e)) => e,
        other => panic!("{name}: {other:?}"),
    }
}

fn truncate(path: &Path, len: u64) {
    std::fs::OpenOptions::new().write(true).open(path).unwrap().set_len(len).unwrap();
}

#[test]
fn a_truncated_file_is_damaged_and_the_newest_good_backup_takes_its_place() {
    let (dir, clock, backup) = desk_with_a_backup();
    let live = dir.path().join(DB_FILE);
    let len = std::fs::metadata(&live).unwrap().len();
    truncate(&live, len / 2);
    let problem = open_err(dir.path(), clock.clone());

    let offer = recovery::inspect(dir.path(), &problem, branchdesk_desk::KeyStore::File, false).unwrap();
    assert_eq!(offer.problem, problem);
    let newest = &offer.backups[0];
    assert!(offer.backups.iter().any(|b| b.file_name == backup));
    assert!(offer.backups.windows(2).all(|w| w[0].taken_at >= w[1].taken_at), "newest first");
    assert_eq!(offer.unusable, 0);

    let recovered = recovery::restore(
        dir.path(),
        &newest.file_name,
        "",
        branchdesk_desk::KeyStore::File,
        branchdesk_desk::Clock::now(&*clock),
    )
    .unwrap();
    assert_eq!(recovered.restored.file_name, newest.file_name);
    // The damaged file is kept, byte for byte, outside the backups folder
    // (where pruning could remove it or a restore list offer it).
    let kept = Path::new(&recovered.damaged_copy);
    assert!(kept.starts_with(dir.path().join(recovery::DAMAGED_DIR)));
    assert_eq!(std::fs::metadata(kept).unwrap().len(), len / 2);
    let desk = open(dir.path(), clock);
    let names = room_names(&desk);
    assert!(names.contains(&"Before".to_owned()), "{names:?}");
    assert!(!names.contains(&"After".to_owned()), "made after the backup: {names:?}");
}

#[test]
fn garbage_an_emptied_file_and_a_lost_file_are_damaged_not_a_new_desk() {
    for damage in ["garbage", "empty", "missing"] {
        let (dir, clock, _) = desk_with_a_backup();
        let live = dir.path().join(DB_FILE);
        match damage {
            "garbage" => std::fs::write(&live, vec![0x5a; 64 * 1024]).unwrap(),
            "empty" => truncate(&live, 0),
            _ => std::fs::remove_file(&live).unwrap(),
        }
        open_err(dir.path(), clock.clone());
        assert!(
            !recovery::inspect(dir.path(), "x", branchdesk_desk::KeyStore::File, false)
                .unwrap()
                .backups
                .is_empty(),
            "{damage}"
        );
    }
    // A new folder with no backups is a new desk, as before.
    let fresh = tempfile::tempdir().unwrap();
    let clock = std::sync::Arc::new(branchdesk_desk::ManualClock::new(chrono::Utc::now()));
    assert!(Desk::open(DeskConfig {
        data_dir: fresh.path().to_path_buf(),
        clock,
        key_store: branchdesk_desk::KeyStore::File
    })
    .is_ok());
}

#[test]
fn a_page_damaged_inside_the_file_is_found_when_it_opens() {
    let (dir, clock, _) = desk_with_a_backup();
    let live = dir.path().join(DB_FILE);
    let mut bytes = std::fs::read(&live).unwrap();
    // Page 2 onwards (the first is the header and schema): scribble over a
    // b-tree page's header.
    for b in &mut bytes[4096..4096 + 64] {
        *b = 0xff;
    }
    std::fs::write(&live, bytes).unwrap();
    let problem = open_err(dir.path(), clock);
    assert!(!problem.is_empty());
}

#[test]
fn only_a_sound_backup_of_a_known_schema_is_offered_or_restored() {
    let (dir, clock, backup) = desk_with_a_backup();
    let backups = dir.path().join("backups");
    // One backup damaged, one from a newer Branchdesk.
    let all = recovery::inspect(dir.path(), "x", branchdesk_desk::KeyStore::File, false).unwrap().backups;
    assert!(all.len() >= 2, "the daily backup and the manual one");
    let other = all.iter().find(|b| b.file_name != backup).unwrap().file_name.clone();
    std::fs::write(backups.join(&other), b"not a database").unwrap();
    branchdesk_desk::db::open_with_desk_key(&backups.join(&backup), dir.path(), branchdesk_desk::KeyStore::File)
        .unwrap()
        .execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES (999, 'future', '', '0')",
            [],
        )
        .unwrap();
    truncate(&dir.path().join(DB_FILE), 0);
    let offer = recovery::inspect(dir.path(), "x", branchdesk_desk::KeyStore::File, false).unwrap();
    assert!(offer.backups.is_empty(), "{:?}", offer.backups);
    assert_eq!(offer.unusable, 2);
    for (name, says) in [(&backup, "newer Branchdesk"), (&other, "damaged")] {
        let e = refused_restore(dir.path(), name, &clock);
        assert!(e.is_for("file_name") && e.message.contains(says), "{e:?}");
    }
    // Names that are not backups in the folder, paths included.
    for name in ["", "../branchdesk.sqlite", "/etc/passwd", "branchdesk.sqlite"] {
        let e = refused_restore(dir.path(), name, &clock);
        assert_eq!(e.code, ErrorCode::Invalid, "{name}");
        assert!(e.is_for("file_name"), "{name}");
    }
    assert!(!dir.path().join(recovery::DAMAGED_DIR).exists(), "nothing was moved");
}
