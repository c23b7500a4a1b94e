//! A desk whose database will not open cleanly ([`crate::Error::Damaged`]):
//! the backups that could take its place, and putting one there. The
//! damaged file is never deleted: it moves to `damaged/` in the data folder
//! (with its write-ahead log), where someone who repairs computers may
//! still get rows out of it.
//!
//! These run without a `Desk` (none can open) and without a session
//! (nobody can sign in to a damaged desk); they only ever put one of this
//! desk's own backups in place.

use crate::backup::check_restorable;
use crate::db::backup_files::{self, sync_dir};
use crate::db::{wal_path, DB_FILE};
use crate::Result;
use branchdesk_api::commands::recovery::{Recovered, Recovery};
use branchdesk_api::ApiError;
use chrono::{DateTime, Utc};
use std::path::Path;

/// The folder the damaged files are moved to.
pub const DAMAGED_DIR: &str = "damaged";

/// What the recovery screen shows for `problem`: the backups that pass
/// the checks a restore makes, newest first.
pub fn inspect(data_dir: &Path, problem: &str) -> Result<Recovery> {
    let mut backups = Vec::new();
    let mut unusable = 0;
    for b in backup_files::list(data_dir)? {
        match check_restorable(&backup_files::dir(data_dir).join(&b.file_name)) {
            Ok(()) => backups.push(b),
            Err(_) => unusable += 1,
        }
    }
    Ok(Recovery { problem: problem.to_owned(), data_dir: data_dir.display().to_string(), backups, unusable })
}

/// Moves the damaged database aside and puts the backup named `file_name`
/// (one [`inspect`] offers) in its place; the desk then opens as usual,
/// migrating the backup if it is older. The backup comes back unlinked
/// from the server (backups hold no device token).
pub fn restore(data_dir: &Path, file_name: &str, now: DateTime<Utc>) -> Result<Recovered> {
    let chosen = backup_files::list(data_dir)?
        .into_iter()
        .find(|b| b.file_name == file_name)
        .ok_or_else(|| ApiError::invalid("file_name", "Choose a backup from the list."))?;
    let source = backup_files::dir(data_dir).join(&chosen.file_name);
    check_restorable(&source)?;

    let live = data_dir.join(DB_FILE);
    let aside = data_dir.join(DAMAGED_DIR);
    std::fs::create_dir_all(&aside)?;
    let stamp = now.format("%Y%m%d-%H%M%S%3f");
    let damaged_copy = aside.join(format!("branchdesk-damaged-{stamp}.sqlite"));
    // Into place under a name nothing reads, synced, then renamed: a power
    // cut leaves either the damaged file or the whole backup, never half.
    let partial = data_dir.join(format!("{DB_FILE}.partial"));
    std::fs::copy(&source, &partial)?;
    std::fs::File::open(&partial)?.sync_all()?;
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
