//! Backup files: SQLite's online backup of the live database into
//! `backups/`, named by time and reason; the newest seven are kept. Below
//! the backup service (backup.rs), so that opening the database can
//! take one before a migration without importing the services.

use crate::db::key::{self, DeskKey};
use crate::failpoint::{Failpoints, BACKUP_WRITE};
use crate::Result;
use branchdesk_api::commands::backups::Backup;
use branchdesk_api::ApiError;
use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::{Connection, MAIN_DB};
use std::path::{Path, PathBuf};

pub const KEEP: usize = 7;
const PREFIX: &str = "branchdesk-";
const SUFFIX: &str = ".sqlite";
const STAMP: &str = "%Y%m%d-%H%M%S%3f";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Daily,
    Manual,
    BeforeMigration,
    BeforeRestore,
    BeforeEncryption,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Daily => "daily",
            Reason::Manual => "manual",
            Reason::BeforeMigration => "before-migration",
            Reason::BeforeRestore => "before-restore",
            Reason::BeforeEncryption => "before-encryption",
        }
    }
}

pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// Copies the live database (open with `key`) into a new backup file,
/// encrypted with the same key, and prunes old ones.
pub fn take(
    conn: &Connection,
    key: &DeskKey,
    data_dir: &Path,
    reason: Reason,
    now: DateTime<Utc>,
) -> Result<Backup> {
    take_with(conn, key, data_dir, reason, now, &Failpoints::default())
}

/// The backup of a plain database from before encryption, itself
/// encrypted with `key` (the online backup copies only between files
/// with the same key, so this one is an export).
pub(crate) fn take_encrypting(
    plain: &Connection,
    key: &DeskKey,
    data_dir: &Path,
    now: DateTime<Utc>,
) -> Result<Backup> {
    take_as(plain, key, Copy::Export, data_dir, Reason::BeforeEncryption, now, &Failpoints::default())
}

/// Encrypts, with `key`, every backup still plain (made before the desk
/// encrypted its data): each exported to a temporary name and renamed over
/// the plain one. Run again at every upgrade step until none is left.
pub(crate) fn encrypt_plain_backups(data_dir: &Path, key: &DeskKey) -> Result<()> {
    let dir = dir(data_dir);
    for b in list(data_dir)? {
        let path = dir.join(&b.file_name);
        if !key::is_plain(&path)? {
            continue;
        }
        let partial = dir.join(format!("{}.partial", b.file_name));
        let plain = Connection::open(&path)?;
        key::export(&plain, &partial, Some(key))?;
        drop(plain);
        std::fs::rename(&partial, &path)?;
    }
    sync_dir(&dir)
}

/// How a backup is copied: SQLite's online backup (same key on both
/// sides), or `sqlcipher_export` (from a plain file).
#[derive(Clone, Copy)]
enum Copy {
    Backup,
    Export,
}

/// [`take`], with crash points a test may arm ([`BACKUP_WRITE`]).
///
/// The copy is written under a name `list` ignores, its secrets taken
/// out, synced to disk, and only then renamed to its final name (and the
/// folder synced), so a power cut or a full disk never leaves a partial
/// file that looks like a backup. Old backups are pruned only after a new
/// one is in place: a failed backup leaves them all, and says so.
pub fn take_with(
    conn: &Connection,
    key: &DeskKey,
    data_dir: &Path,
    reason: Reason,
    now: DateTime<Utc>,
    failpoints: &Failpoints,
) -> Result<Backup> {
    take_as(conn, key, Copy::Backup, data_dir, reason, now, failpoints)
}

fn take_as(
    conn: &Connection,
    key: &DeskKey,
    copy: Copy,
    data_dir: &Path,
    reason: Reason,
    now: DateTime<Utc>,
    failpoints: &Failpoints,
) -> Result<Backup> {
    let dir = dir(data_dir);
    let name = format!("{PREFIX}{}-{}{SUFFIX}", now.format(STAMP), reason.as_str());
    let partial = dir.join(format!("{name}.partial"));
    let written = write_then_rename(conn, key, copy, &dir, &partial, &dir.join(&name), failpoints);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(failed(e));
    }
    prune(data_dir)?;
    describe(&dir, &name)?.ok_or_else(|| ApiError::internal("the backup file vanished").into())
}

/// A failed backup as the person is told it: the cause is logged under an
/// error id, and they learn that the older backups are untouched.
fn failed(e: crate::Error) -> crate::Error {
    let id = crate::error::error_id();
    tracing::error!(error_id = %id, error = %e, "a backup could not be written");
    ApiError::internal(format!(
        "The backup could not be written (error {id}); the older backups are kept as they were. \
         Check that the disk has free space, then try again."
    ))
    .into()
}

fn write_then_rename(
    conn: &Connection,
    key: &DeskKey,
    copy: Copy,
    dir: &Path,
    partial: &Path,
    path: &Path,
    failpoints: &Failpoints,
) -> Result<()> {
    key::owner_only_dir(dir)?;
    remove_partials(dir)?;
    match copy {
        Copy::Backup => {
            let mut to = Connection::open(partial)?;
            key.apply(&to)?;
            rusqlite::backup::Backup::new_with_names(conn, MAIN_DB, &mut to, MAIN_DB)?.run_to_completion(
                1024,
                std::time::Duration::ZERO,
                None,
            )?;
        }
        Copy::Export => key::export(conn, partial, Some(key))?,
    }
    scrub(partial, key)?;
    key::owner_only_file(partial)?;
    if failpoints.fire(BACKUP_WRITE) {
        return Err(std::io::Error::from_raw_os_error(ENOSPC).into());
    }
    std::fs::File::open(partial)?.sync_all()?;
    std::fs::rename(partial, path)?;
    sync_dir(dir)
}

/// No space left on device (the same number on Linux, macOS and Windows' CRT).
const ENOSPC: i32 = 28;

/// Makes a rename in `dir` durable (a folder cannot be opened for syncing
/// on Windows, where the rename is durable once it returns).
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    if cfg!(unix) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Removes copies a crash or a full disk left half-written.
fn remove_partials(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(PREFIX) && name.ends_with(".partial") {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Leaves the desk's bearer token out of a backup copy: whoever holds the
/// file must not be able to sync as this desk. The server's address and
/// pin stay (they are not secret); restoring keeps the link the desk has
/// (`Desk::restore_backup`). `secure_delete` overwrites the token's old
/// bytes in the file, and the journal stays in memory so no copy of the
/// page lands beside it.
fn scrub(path: &Path, key: &DeskKey) -> Result<()> {
    let copy = Connection::open(path)?;
    key.apply(&copy)?;
    copy.pragma_update(None, "journal_mode", "MEMORY")?;
    copy.pragma_update(None, "secure_delete", "ON")?;
    let has_token: bool = copy.query_row(
        "SELECT count(*) > 0 FROM pragma_table_info('sync_state') WHERE name = 'device_token'",
        [],
        crate::db::read::value,
    )?;
    if has_token {
        copy.execute("UPDATE sync_state SET device_token = NULL WHERE device_token IS NOT NULL", [])?;
    }
    Ok(())
}

/// Backups on disk, newest first.
pub fn list(data_dir: &Path) -> Result<Vec<Backup>> {
    let dir = dir(data_dir);
    let mut out = Vec::new();
    match std::fs::read_dir(&dir) {
        Ok(entries) => {
            for entry in entries {
                let name = entry?.file_name().to_string_lossy().into_owned();
                if let Some(b) = describe(&dir, &name)? {
                    out.push(b);
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    out.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(b.file_name.cmp(&a.file_name)));
    Ok(out)
}

fn describe(dir: &Path, name: &str) -> Result<Option<Backup>> {
    let Some(rest) = name.strip_prefix(PREFIX).and_then(|r| r.strip_suffix(SUFFIX)) else {
        return Ok(None);
    };
    // "20261125-140501123-daily": the stamp is 18 characters.
    if rest.len() < 20 || !rest.is_char_boundary(18) {
        return Ok(None);
    }
    let (stamp, reason) = rest.split_at(18);
    let Ok(taken) = NaiveDateTime::parse_from_str(stamp, STAMP) else {
        return Ok(None);
    };
    let size = std::fs::metadata(dir.join(name))?.len();
    Ok(Some(Backup {
        file_name: name.to_owned(),
        taken_at: taken.and_utc(),
        reason: reason.trim_start_matches('-').to_owned(),
        size_bytes: size,
    }))
}

fn prune(data_dir: &Path) -> Result<()> {
    for old in list(data_dir)?.into_iter().skip(KEEP) {
        std::fs::remove_file(dir(data_dir).join(old.file_name))?;
    }
    Ok(())
}
