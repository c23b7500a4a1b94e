//! SQL for roles.

use crate::db::read::{self, columns, Columns};
use crate::write::org_record;
use crate::Result;
use branchdesk_api::ids::{OrgId, RoleId};
use branchdesk_api::Permission;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoleRow {
    pub id: RoleId,
    pub org_id: OrgId,
    pub name: String,
    pub description: String,
    pub is_system: bool,
    /// Stored as a JSON array of `action:subject` names.
    #[serde(deserialize_with = "permission_names")]
    pub permissions: Vec<Permission>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    /// Whether holders sign in with a second factor; None: the default
    /// rule ([`Permission::need_two_factor`]).
    pub two_factor: Option<bool>,
}

impl RoleRow {
    pub fn requires_two_factor(&self) -> bool {
        self.two_factor.unwrap_or_else(|| Permission::need_two_factor(&self.permissions))
    }
}

org_record!(RoleRow, "roles");

static COLUMNS: Columns = columns!(RoleRow, "");

/// The permissions a stored JSON array of names grants; unknown names
/// (from a newer desk) grant nothing here.
pub(crate) fn parse_permissions(json: &str) -> serde_json::Result<Vec<Permission>> {
    let names: Vec<String> = serde_json::from_str(json)?;
    Ok(names.iter().filter_map(|p| Permission::parse(p)).collect())
}

fn permission_names<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<Permission>, D::Error> {
    parse_permissions(&String::deserialize(d)?).map_err(serde::de::Error::custom)
}

pub fn by_id(conn: &Connection, id: RoleId) -> Result<Option<RoleRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM roles WHERE id = ?1"))?
        .query_row([id.to_string()], read::row)
        .optional()?)
}

pub fn live_by_name(conn: &Connection, name: &str) -> Result<Option<RoleRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM roles WHERE name = ?1 AND deleted_at IS NULL"))?
        .query_row([name], read::row)
        .optional()?)
}

/// Live roles with the number of active users holding each.
pub fn list(conn: &Connection) -> Result<Vec<(RoleRow, u32)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS},
            (SELECT count(DISTINCT g.user_id) FROM role_grants g JOIN users u ON u.id = g.user_id
             WHERE g.role_id = roles.id AND g.revoked_at IS NULL AND u.active) AS holders
         FROM roles WHERE deleted_at IS NULL
         ORDER BY is_system DESC, name"
    ))?;
    let rows = stmt.query_map([], |r| Ok((read::row(r)?, r.get("holders")?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
