//! SQL for user accounts.

use crate::db::read::{self, columns, Columns};
use crate::write::org_record;
use crate::Result;
use branchdesk_api::ids::{OrgId, UserId};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserRow {
    pub id: UserId,
    pub org_id: OrgId,
    pub full_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub password_hash: String,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Ed25519, 64 hex digits (`keys.rs`); None until the person's first
    /// sign-in on a desk that signs.
    pub public_key: Option<String>,
    /// The private key sealed by the password.
    pub sealed_key: Option<String>,
    /// A reset a manager issued: the public key the reset code gives
    /// (`keys::reset_key`) and until when it may be redeemed.
    pub reset_key: Option<String>,
    pub reset_expires_at: Option<DateTime<Utc>>,
    /// The second factor's secret, sealed by the password
    /// (`auth/two_factor.rs`); None: not set up.
    pub totp_sealed: Option<String>,
    /// Digests of the unused recovery codes, comma-separated.
    pub totp_recovery: Option<String>,
}

org_record!(UserRow, "users");

static COLUMNS: Columns = columns!(UserRow, "");

pub fn by_id(conn: &Connection, id: UserId) -> Result<Option<UserRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id.to_string()], read::row)
        .optional()?)
}

pub fn by_email(conn: &Connection, email: &str) -> Result<Option<UserRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE email = ?1"))?
        .query_row([email], read::row)
        .optional()?)
}

/// Users whose name, email or phone contains `query`, by name.
pub fn search(conn: &Connection, query: &str, include_inactive: bool) -> Result<Vec<UserRow>> {
    let pattern = format!("%{}%", query.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users
         WHERE (full_name LIKE ?1 ESCAPE '\\' OR email LIKE ?1 ESCAPE '\\' OR phone LIKE ?1 ESCAPE '\\')
           AND (?2 OR active)
         ORDER BY full_name COLLATE NOCASE, email"
    ))?;
    let rows = stmt.query_map(rusqlite::params![pattern, include_inactive], read::row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Deserialize)]
struct LastLogin {
    last_login_at: Option<DateTime<Utc>>,
}

pub fn last_login_at(conn: &Connection, id: UserId) -> Result<Option<DateTime<Utc>>> {
    Ok(conn
        .query_row("SELECT last_login_at FROM login_state WHERE user_id = ?1", [id.to_string()], read::row)
        .optional()?
        .and_then(|l: LastLogin| l.last_login_at))
}

pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], read::value::<i64>)? as u64)
}
