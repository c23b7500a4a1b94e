//! Local backups with SQLite's online backup: before every migration, once a
//! day, on demand, and before a restore. The newest seven are kept. A desk
//! that never links to a server holds the only copy of its data.

use crate::db::key::{self, DeskKey};
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::backups::{
    Backup, GetRecoveryKey, ListBackups, RecoveryKey, RestoreBackup, Restored, TakeBackup,
};
use branchdesk_api::{ApiError, ErrorCode, Permission};
use rusqlite::{Connection, OpenFlags, MAIN_DB};
use std::path::Path;

pub use crate::db::backup_files::{dir, list, take, take_with, Reason, KEEP};

/// The key a backup opens with: this desk's, or the recovery key typed
/// for a backup of another desk.
pub(crate) fn key_for<'a>(ours: Option<&'a DeskKey>, typed: &'a Option<DeskKey>) -> Option<&'a DeskKey> {
    typed.as_ref().or(ours)
}

/// Opens a backup read-only: a plain one (from before encryption) as it
/// is, an encrypted one under `key`. None: it does not read as a database
/// under that key (another desk's key, or damaged: the two look alike).
pub(crate) fn open_backup(path: &Path, key: Option<&DeskKey>) -> Result<Option<Connection>> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let plain = key::is_plain(path)?;
    // An encrypted file is whole pages (of at least 512 bytes): anything
    // else is damaged whatever the key.
    let len = std::fs::metadata(path)?.len();
    if !plain && (len == 0 || len % 512 != 0) {
        return Err(crate::Error::Damaged(format!("{len} bytes is not a whole number of pages")));
    }
    if !plain {
        match key {
            Some(k) => k.apply(&conn)?,
            None => return Ok(None),
        }
    }
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], crate::db::read::value::<i64>) {
        Ok(_) => Ok(Some(conn)),
        Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::NotADatabase => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Why a backup does not open, said on the field that can fix it.
pub(crate) fn needs_key(typed: bool) -> ApiError {
    if typed {
        ApiError::invalid(
            "recovery_key",
            "The backup does not open with that recovery key either. Check the key against the printed \
             one; if it is right, the backup is damaged.",
        )
    } else {
        ApiError::invalid(
            "recovery_key",
            "This backup does not open with this desk's key: it was made on another desk (type that desk's \
             recovery key), or it is damaged.",
        )
    }
}

/// Checks that a file is a readable Branchdesk database of a schema this
/// build knows before it replaces ours; `typed`: a recovery key was given.
pub(crate) fn check_restorable(path: &Path, key: Option<&DeskKey>, typed: bool) -> Result<(), ApiError> {
    let unusable = || ApiError::invalid("file_name", "That backup is damaged or is not a Branchdesk backup.");
    let conn = open_backup(path, key).map_err(|_| unusable())?.ok_or_else(|| needs_key(typed))?;
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

/// Copies the backup at `staged` (opening with `key`, or plain) over the
/// desk's data. The online backup copies only between files with one key,
/// so a plain backup or another desk's is first exported under ours.
fn restore_into(db: &mut crate::db::Db, staged: &Path, key: Option<&DeskKey>) -> Result<()> {
    // Read-write: an export attaches its target with the source's flags.
    let src = Connection::open(staged)?;
    let plain = key::is_plain(staged)?;
    if !plain {
        key.ok_or_else(|| needs_key(false))?.apply(&src)?;
    }
    // (A backup sealed in the older format copies by export too.)
    let same_key = !plain && key == Some(&db.key) && !key::is_legacy(&src)?;
    let src = if same_key {
        src
    } else {
        let rekeyed = staged.with_extension("rekeyed");
        key::export(&src, &rekeyed, Some(&db.key))?;
        drop(src);
        let c = Connection::open_with_flags(&rekeyed, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        db.key.apply(&c)?;
        c
    };
    rusqlite::backup::Backup::new_with_names(&src, MAIN_DB, &mut db.conn, MAIN_DB)?.run_to_completion(
        1024,
        std::time::Duration::ZERO,
        None,
    )?;
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
        let db = self.db();
        take_with(&db.conn, &db.key, self.data_dir(), Reason::Manual, self.clock().now(), &self.failpoints)
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
        let db = self.db();
        Ok(Some(take_with(&db.conn, &db.key, self.data_dir(), Reason::Daily, now, &self.failpoints)?))
    }

    /// The recovery key, for the director (backups hold every branch, so
    /// the right for the whole organisation), after their password.
    pub fn get_recovery_key(&self, actor: &Actor, input: GetRecoveryKey) -> Result<RecoveryKey> {
        actor.require(Permission::ManageBackup, None)?;
        if input.password.is_empty() {
            return Err(ApiError::invalid("password", "Enter your password.").into());
        }
        let db = self.db();
        let user = crate::users::store::by_id(&db.conn, actor.user_id)?
            .ok_or_else(|| ApiError::not_found("user"))?;
        if !crate::password::verify(&input.password, &user.password_hash) {
            return Err(ApiError::invalid("password", "That is not your password.").into());
        }
        let organisation: String =
            db.conn.query_row("SELECT name FROM organisations LIMIT 1", [], crate::db::read::value)?;
        tracing::warn!(user = %actor.user_id, "the desk's recovery key was shown");
        Ok(RecoveryKey {
            key: db.key.recovery_text(),
            organisation,
            device_id: self.device_id().to_owned(),
            data_dir: self.data_dir().display().to_string(),
        })
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
        let typed = match input.recovery_key.trim() {
            "" => None,
            text => Some(DeskKey::from_recovery_text(text, "recovery_key")?),
        };
        let mut db = self.db();
        check_restorable(&source, key_for(Some(&db.key), &typed), typed.is_some())?;
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
        let safety_copy =
            take_with(&db.conn, &db.key, self.data_dir(), Reason::BeforeRestore, now, &self.failpoints)?;
        let ours = db.key.clone();
        let restored = restore_into(&mut db, &staged, key_for(Some(&ours), &typed));
        let _ = std::fs::remove_file(&staged);
        let _ = std::fs::remove_file(self.data_dir().join("restore-in-progress.rekeyed"));
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
