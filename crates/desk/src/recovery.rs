//! A desk whose database will not open cleanly ([`crate::Error::Damaged`]):
//! the backups that could take its place, and putting one there. The
//! damaged file is never deleted: it moves to `damaged/` in the data folder
//! (with its write-ahead log), where someone who repairs computers may
//! still get rows out of it.
//!
//! These run without a `Desk` (none can open) and without a session
//! (nobody can sign in to a damaged desk); they only ever put one of this
//! desk's own backups in place.

use crate::backup::{check_restorable, key_for, open_backup};
use crate::db::backup_files::{self, sync_dir};
use crate::db::key::{self, DeskKey, KeyStore, Keys};
use crate::db::{wal_path, DB_FILE};
use crate::Result;
use branchdesk_api::commands::recovery::{Recovered, Recovery};
use branchdesk_api::ApiError;
use chrono::{DateTime, Utc};
use std::path::Path;

/// The folder the damaged files are moved to.
pub const DAMAGED_DIR: &str = "damaged";

/// What the recovery screen shows for `problem`: the backups that pass
/// the checks a restore makes, newest first, and those that need another
/// desk's recovery key. `key_missing`: the problem is the key, not the data.
pub fn inspect(data_dir: &Path, problem: &str, store: KeyStore, key_missing: bool) -> Result<Recovery> {
    let ours = Keys::new(store, data_dir).load().unwrap_or(None);
    let (mut backups, mut locked, mut unusable) = (Vec::new(), Vec::new(), 0);
    for b in backup_files::list(data_dir)? {
        let path = backup_files::dir(data_dir).join(&b.file_name);
        match check_restorable(&path, ours.as_ref(), false) {
            Ok(()) => backups.push(b),
            // It does not open with this computer's key (`backup::needs_key`).
            Err(e) if e.is_for("recovery_key") => locked.push(b),
            Err(_) => unusable += 1,
        }
    }
    Ok(Recovery {
        problem: problem.to_owned(),
        data_dir: data_dir.display().to_string(),
        backups,
        unusable,
        key_missing,
        locked,
    })
}

/// Keeps `recovery_key` as the desk's key again, once it is shown to open
/// the desk's data (by the key check value beside it, or by opening it).
pub fn unlock(data_dir: &Path, store: KeyStore, recovery_key: &str) -> Result<()> {
    let key = DeskKey::from_recovery_text(recovery_key, "recovery_key")?;
    let wrong = || {
        ApiError::invalid(
            "recovery_key",
            "That is not this desk's recovery key. Check it against the printed one.",
        )
    };
    let fits = match key::stored_check(data_dir)? {
        Some(check) => check == key.check_value(),
        None => open_backup(&data_dir.join(DB_FILE), Some(&key)).map(|c| c.is_some()).unwrap_or(false),
    };
    if !fits {
        return Err(wrong().into());
    }
    let place = Keys::new(store, data_dir).save(&key)?;
    key::store_check(data_dir, &key)?;
    tracing::warn!(%place, "the desk's key was put back from its recovery key");
    Ok(())
}

/// Moves the damaged database aside and puts the backup named `file_name`
/// (one [`inspect`] offers) in its place; the desk then opens as usual,
/// migrating the backup if it is older. The backup comes back unlinked
/// from the server (backups hold no device token).
///
/// A backup of another desk (on a new computer, or after a disk swap) is
/// opened with that desk's `recovery_key`: on a computer with no key yet
/// that key becomes this desk's; otherwise the backup is re-encrypted
/// under the key this computer has.
pub fn restore(
    data_dir: &Path,
    file_name: &str,
    recovery_key: &str,
    store: KeyStore,
    now: DateTime<Utc>,
) -> Result<Recovered> {
    let chosen = backup_files::list(data_dir)?
        .into_iter()
        .find(|b| b.file_name == file_name)
        .ok_or_else(|| ApiError::invalid("file_name", "Choose a backup from the list."))?;
    let source = backup_files::dir(data_dir).join(&chosen.file_name);
    let keys = Keys::new(store, data_dir);
    let ours = keys.load()?;
    let typed = match recovery_key.trim() {
        "" => None,
        text => Some(DeskKey::from_recovery_text(text, "recovery_key")?),
    };
    let key = key_for(ours.as_ref(), &typed);
    check_restorable(&source, key, typed.is_some())?;

    let live = data_dir.join(DB_FILE);
    let aside = data_dir.join(DAMAGED_DIR);
    std::fs::create_dir_all(&aside)?;
    let stamp = now.format("%Y%m%d-%H%M%S%3f");
    let damaged_copy = aside.join(format!("branchdesk-damaged-{stamp}.sqlite"));
    // Into place under a name nothing reads, synced, then renamed: a power
    // cut leaves either the damaged file or the whole backup, never half.
    let partial = data_dir.join(format!("{DB_FILE}.partial"));
    match (&typed, &ours) {
        // Another desk's backup on a computer that has a key: under ours.
        (Some(theirs), Some(ours)) if theirs != ours && !key::is_plain(&source)? => {
            let from = rusqlite::Connection::open(&source)?;
            theirs.apply(&from)?;
            key::export(&from, &partial, Some(ours))?;
        }
        _ => {
            std::fs::copy(&source, &partial)?;
            std::fs::File::open(&partial)?.sync_all()?;
        }
    }
    if let (Some(theirs), None) = (&typed, &ours) {
        // A new computer: the backup's key becomes this desk's.
        let place = keys.save(theirs)?;
        key::store_check(data_dir, theirs)?;
        tracing::info!(%place, "the restored desk's key is kept");
    }
    if live.exists() {
        std::fs::rename(&live, &damaged_copy)?;
    }
    for side in [wal_path(&live), data_dir.join(format!("{DB_FILE}-shm"))] {
        if side.exists() {
            let mut name = damaged_copy.as_os_str().to_owned();
            name.push(if side == wal_path(&live) { "-wal" } else { "-shm" });
            std::fs::rename(&side, name)?;
        }
    }
    std::fs::rename(&partial, &live)?;
    sync_dir(data_dir)?;
    sync_dir(&aside)?;
    tracing::warn!(backup = %chosen.file_name, damaged = %damaged_copy.display(), "restored a backup over damaged data");
    Ok(Recovered { restored: chosen, damaged_copy: damaged_copy.display().to_string() })
}
