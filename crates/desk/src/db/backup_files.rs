//! Backup files: SQLite's online backup of the live database into
//! `backups/`, named by time and reason; the newest seven are kept. Below
//! the backup service (backup.rs), so that opening the database can
//! take one before a migration without importing the services.

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
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Daily => "daily",
            Reason::Manual => "manual",
            Reason::BeforeMigration => "before-migration",
            Reason::BeforeRestore => "before-restore",
        }
    }
}

pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// Copies the live database into a new backup file and prunes old ones.
pub fn take(conn: &Connection, data_dir: &Path, reason: Reason, now: DateTime<Utc>) -> Result<Backup> {
    let dir = dir(data_dir);
    std::fs::create_dir_all(&dir)?;
    let name = format!("{PREFIX}{}-{}{SUFFIX}", now.format(STAMP), reason.as_str());
    let path = dir.join(&name);
    // Copied under a name `list` ignores, and shown only once the desk's
    // secrets are out of it.
    let partial = dir.join(format!("{name}.partial"));
    conn.backup(MAIN_DB, &partial, None::<fn(rusqlite::backup::Progress)>)?;
    scrub(&partial)?;
    std::fs::rename(&partial, &path)?;
    prune(data_dir)?;
    describe(&dir, &name)?.ok_or_else(|| ApiError::internal("the backup file vanished").into())
}

/// Leaves the desk's bearer token out of a backup copy: whoever holds the
/// file must not be able to sync as this desk. The server's address and
/// pin stay (they are not secret); restoring keeps the link the desk has
/// (`Desk::restore_backup`). `secure_delete` overwrites the token's old
/// bytes in the file, and the journal stays in memory so no copy of the
/// page lands beside it.
fn scrub(path: &Path) -> Result<()> {
    let copy = Connection::open(path)?;
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
