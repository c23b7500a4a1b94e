//! Local backups with SQLite's online backup: before every migration, once a
//! day, on demand, and before a restore. The newest seven are kept. A desk
//! that never links to a server holds the only copy of its data.

use crate::{Actor, Desk, Result};
use branchdesk_api::commands::backups::{Backup, ListBackups, RestoreBackup, Restored, TakeBackup};
use branchdesk_api::{ApiError, ErrorCode, Permission};
use rusqlite::{Connection, OpenFlags, MAIN_DB};
use std::path::Path;

pub use crate::db::backup_files::{dir, list, take, take_with, Reason, KEEP};

/// Checks that a file is a readable Branchdesk database of a schema this
/// build knows before it replaces ours.
pub(crate) fn check_restorable(path: &Path) -> Result<(), ApiError> {
    let unusable = || ApiError::invalid("file_name", "That backup is damaged or is not a Branchdesk backup.");
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|_| unusable())?;
    let ok: String =
        conn.query_row("PRAGMA quick_check", [], crate::db::read::value).map_err(|_| unusable())?;
    let has_device: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'device'", [], crate::db::read::value)
        .map_err(|_| unusable())?;
    if ok != "ok" || has_device != 1 {
        return Err(unusable());
    }
    let version: Option<i64> = conn
        .query_row("SELECT max(version) FROM refinery_schema_history", [], crate::db::read::value)
        .map_err(|_| unusable())?;
    let known = crate::db::schema_version();
    if version.unwrap_or(0) > i64::from(known) {
        return Err(ApiError::invalid(
            "file_name",
            format!(
                "That backup was made by a newer Branchdesk (data version {}; this one reads up to {known}). \
                 Update Branchdesk on this computer, then restore it.",
                version.unwrap_or(0)
            ),
        ));
    }
    Ok(())
}

/// Changes made on this desk that its server has not yet acknowledged,
/// when it is linked to one (an unlinked desk sends nothing).
fn unsent_changes(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT CASE WHEN server_url IS NULL THEN 0
                ELSE coalesce((SELECT max(seq) FROM outbox), 0) - acked_seq END
         FROM sync_state",
        [],
        crate::db::read::value,
    )?)
}

impl Desk {
    pub fn list_backups(&self, actor: &Actor, _input: ListBackups) -> Result<Vec<Backup>> {
        actor.require_somewhere(Permission::ManageBackup)?;
        list(self.data_dir())
    }

    pub fn take_backup(&self, actor: &Actor, _input: TakeBackup) -> Result<Backup> {
        actor.require_somewhere(Permission::ManageBackup)?;
        take_with(&self.db().conn, self.data_dir(), Reason::Manual, self.clock().now(), &self.failpoints)
    }

    /// Takes the daily backup unless one was taken today (desk-local date).
    pub fn take_daily_backup_if_due(&self) -> Result<Option<Backup>> {
        let now = self.clock().now();
        let today = crate::clock::local_date(now);
        let done_today = list(self.data_dir())?
            .iter()
            .any(|b| b.reason == Reason::Daily.as_str() && crate::clock::local_date(b.taken_at) == today);
        if done_today {
            return Ok(None);
        }
        Ok(Some(take_with(&self.db().conn, self.data_dir(), Reason::Daily, now, &self.failpoints)?))
    }

    pub fn newest_backup(&self) -> Result<Option<Backup>> {
        Ok(list(self.data_dir())?.into_iter().next())
    }

    /// Saves a safety copy of the current data, then replaces it with the
    /// chosen backup, migrates it if it is older, and ends every session.
    /// A backup of a newer schema is refused; changes not yet sent to the
    /// server would be lost, so they are named and need `discard_unsent`.
    /// Backups hold no device token, so the desk keeps the link it has now
    /// when the backup is of this desk and linked to the same server; any
    /// other backup comes back unlinked from sync and is linked again.
    pub fn restore_backup(&self, actor: &Actor, input: RestoreBackup) -> Result<Restored> {
        // A backup holds every branch: putting one back needs the right
        // for the whole organisation.
        actor.require(Permission::ManageBackup, None)?;
        let chosen = list(self.data_dir())?
            .into_iter()
            .find(|b| b.file_name == input.file_name)
            .ok_or_else(|| ApiError::invalid("file_name", "Choose a backup from the list."))?;
        let source = dir(self.data_dir()).join(&chosen.file_name);
        check_restorable(&source)?;
        let mut db = self.db();
        let unsent = unsent_changes(&db.conn)?;
        if unsent > 0 && !input.discard_unsent {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                format!(
                    "{unsent} change(s) made on this desk are not yet on the server, and restoring this backup \
                     loses them. Sync first, or restore anyway."
                ),
            )
            .on("discard_unsent")
            .into());
        }
        let now = self.clock().now();
        let link: (Option<String>, Option<String>) =
            db.conn.query_row("SELECT server_url, device_token FROM sync_state", [], |r| {
                Ok((r.get("server_url")?, r.get("device_token")?))
            })?;
        // The safety copy is taken first and pruning must not remove the
        // chosen file, so copy the source aside while pruning runs.
        let staged = self.data_dir().join("restore-in-progress.sqlite");
        std::fs::copy(&source, &staged)?;
        let safety_copy = take_with(&db.conn, self.data_dir(), Reason::BeforeRestore, now, &self.failpoints)?;
        let restored = db.conn.restore(MAIN_DB, &staged, None::<fn(rusqlite::backup::Progress)>);
        std::fs::remove_file(&staged)?;
        restored?;
        db.migrate()?;
        if let (Some(url), Some(token)) = link {
            db.conn.execute(
                "UPDATE sync_state SET device_token = ?2
                 WHERE server_url = ?1 AND device_token IS NULL
                   AND (SELECT device_id FROM device) = ?3",
                (url, token, self.device_id()),
            )?;
        }
        crate::sessions::end_all(&db.conn, now)?;
        tracing::info!(backup = %chosen.file_name, safety = %safety_copy.file_name, "restored a backup");
        Ok(Restored { safety_copy })
    }
}
