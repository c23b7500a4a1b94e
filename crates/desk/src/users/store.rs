//! SQL for user accounts.

use crate::db::cols;
use crate::write::{Record, Scope};
use crate::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct UserRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub full_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub password_hash: String,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Record for UserRow {
    const TABLE: &'static str = "users";
    fn id(&self) -> Uuid {
        self.id
    }
    fn scope(&self) -> Scope {
        Scope::Organisation
    }
}

const COLUMNS: &str = "id, org_id, full_name, email, phone, password_hash, active,
                       must_change_password, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    crate::db::read::row(r)
}

pub fn by_id(conn: &Connection, id: Uuid) -> Result<Option<UserRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id.to_string()], from_row)
        .optional()?)
}

pub fn by_email(conn: &Connection, email: &str) -> Result<Option<UserRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE email = ?1"))?
        .query_row([email], from_row)
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
    let rows = stmt.query_map(rusqlite::params![pattern, include_inactive], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn last_login_at(conn: &Connection, id: Uuid) -> Result<Option<DateTime<Utc>>> {
    Ok(conn
        .query_row("SELECT last_login_at FROM login_state WHERE user_id = ?1", [id.to_string()], |r| {
            cols::opt_time(r, 0)
        })
        .optional()?
        .flatten())
}

pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get::<_, i64>(0))? as u64)
}
