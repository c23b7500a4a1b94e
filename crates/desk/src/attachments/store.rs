//! The `attachments` rows and this desk's copies of the files
//! (`attachment_blobs`, local).

use crate::db::read::{self, columns, Columns};
use crate::write::branch_record;
use crate::Result;
use branchdesk_api::commands::attachments::{Attachment, AttachmentOwner};
use branchdesk_api::ids::{BranchId, UserId};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttachmentRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub owner_table: AttachmentOwner,
    pub owner_id: Uuid,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: u64,
    pub sha256: String,
    pub added_by: Option<UserId>,
    pub removed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(AttachmentRow, "attachments");

static COLUMNS: Columns = columns!(AttachmentRow, "a");

pub fn by_id(conn: &Connection, id: Uuid) -> Result<Option<AttachmentRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM attachments a WHERE a.id = ?1"))?
        .query_row([id.to_string()], read::row)
        .optional()?)
}

/// The files attached to a record and not removed, oldest first, each
/// saying whether this desk holds it.
pub fn of_owner(conn: &Connection, owner_id: Uuid) -> Result<Vec<Attachment>> {
    #[derive(Deserialize)]
    struct Listed {
        #[serde(flatten)]
        row: AttachmentRow,
        on_desk: bool,
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, EXISTS (SELECT 1 FROM attachment_blobs b WHERE b.sha256 = a.sha256) AS on_desk
         FROM attachments a WHERE a.owner_id = ?1 AND a.removed_at IS NULL ORDER BY a.created_at, a.id"
    ))?;
    let listed: Vec<Listed> = read::all(&mut stmt, [owner_id.to_string()])?;
    Ok(listed.into_iter().map(|l| view(&l.row, l.on_desk)).collect())
}

pub fn view(row: &AttachmentRow, on_desk: bool) -> Attachment {
    Attachment {
        id: row.id,
        file_name: row.file_name.clone(),
        media_type: row.media_type.clone(),
        size_bytes: row.size_bytes,
        on_desk,
        added_on: row.created_at.date_naive().to_string(),
    }
}

/// The file with this hash, if this desk holds it.
pub fn blob(conn: &Connection, sha256: &str) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached("SELECT bytes FROM attachment_blobs WHERE sha256 = ?1")?
        .query_row([sha256], read::value)
        .optional()?)
}

/// Keeps a file once per hash; `uploaded`: the server holds it already.
pub fn keep_blob(
    conn: &Connection,
    sha256: &str,
    bytes: &[u8],
    uploaded: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO attachment_blobs (sha256, bytes, uploaded, added_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (sha256) DO UPDATE SET uploaded = max(uploaded, excluded.uploaded)",
    )?
    .execute(rusqlite::params![sha256, bytes, uploaded, now.to_rfc3339()])?;
    Ok(())
}

/// The hashes of the files the server does not hold yet, oldest first.
pub fn not_uploaded(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT sha256 FROM attachment_blobs WHERE uploaded = 0 ORDER BY added_at, sha256")?;
    let rows = stmt.query_map([], read::value)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn mark_uploaded(conn: &Connection, sha256: &str) -> Result<()> {
    conn.prepare_cached("UPDATE attachment_blobs SET uploaded = 1 WHERE sha256 = ?1")?.execute([sha256])?;
    Ok(())
}
