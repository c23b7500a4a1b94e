//! SQL for roles.

use crate::db::cols;
use crate::write::{Record, Scope};
use crate::Result;
use branchdesk_api::Permission;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct RoleRow {
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    pub description: String,
    pub is_system: bool,
    pub permissions: Vec<Permission>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

impl Record for RoleRow {
    const TABLE: &'static str = "roles";
    fn id(&self) -> Uuid {
        self.id
    }
    fn scope(&self) -> Scope {
        Scope::Organisation
    }
}

const COLUMNS: &str =
    "id, org_id, name, description, is_system, permissions, created_at, updated_at, deleted_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<RoleRow> {
    let names: Vec<String> = cols::json(r, 5)?;
    Ok(RoleRow {
        id: cols::uuid(r, 0)?,
        org_id: cols::uuid(r, 1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        is_system: r.get(4)?,
        permissions: names.iter().filter_map(|p| Permission::parse(p)).collect(),
        created_at: cols::time(r, 6)?,
        updated_at: cols::time(r, 7)?,
        deleted_at: cols::opt_time(r, 8)?,
    })
}

pub fn by_id(conn: &Connection, id: Uuid) -> Result<Option<RoleRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM roles WHERE id = ?1"))?
        .query_row([id.to_string()], from_row)
        .optional()?)
}

pub fn live_by_name(conn: &Connection, name: &str) -> Result<Option<RoleRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM roles WHERE name = ?1 AND deleted_at IS NULL"))?
        .query_row([name], from_row)
        .optional()?)
}

/// Live roles with the number of active users holding each.
pub fn list(conn: &Connection) -> Result<Vec<(RoleRow, u32)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS},
            (SELECT count(DISTINCT g.user_id) FROM role_grants g JOIN users u ON u.id = g.user_id
             WHERE g.role_id = roles.id AND g.revoked_at IS NULL AND u.active)
         FROM roles WHERE deleted_at IS NULL
         ORDER BY is_system DESC, name"
    ))?;
    let rows = stmt.query_map([], |r| Ok((from_row(r)?, r.get::<_, u32>(9)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
