//! SQL for role grants: a role held in one branch or all, until a date.

use crate::db::cols;
use crate::write::{Record, Scope};
use crate::Result;
use branchdesk_api::commands::users::Grant;
use branchdesk_api::ids::{BranchId, GrantId, RoleId, UserId};
use branchdesk_api::Permission;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct GrantRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub role_id: Uuid,
    pub branch_id: Option<Uuid>,
    pub expires_on: Option<NaiveDate>,
    pub granted_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Record for GrantRow {
    const TABLE: &'static str = "role_grants";
    fn id(&self) -> Uuid {
        self.id
    }
    fn scope(&self) -> Scope {
        Scope::Organisation
    }
}

pub fn row_by_id(conn: &Connection, id: Uuid) -> Result<Option<GrantRow>> {
    Ok(conn
        .query_row(
            "SELECT id, user_id, role_id, branch_id, expires_on, granted_by, created_at, revoked_at
             FROM role_grants WHERE id = ?1",
            [id.to_string()],
            crate::db::read::row,
        )
        .optional()?)
}

/// A grant as shown, with the permissions of its role.
#[derive(Debug, Clone)]
pub struct GrantInfo {
    pub grant: Grant,
    pub permissions: Vec<Permission>,
}

/// The user's grants that are not revoked (expired ones included, marked).
pub fn for_user(conn: &Connection, user: UserId, today: NaiveDate) -> Result<Vec<GrantInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.id, g.role_id, r.name, g.branch_id, b.name, g.expires_on, r.permissions
         FROM role_grants g
         JOIN roles r ON r.id = g.role_id AND r.deleted_at IS NULL
         LEFT JOIN branches b ON b.id = g.branch_id
         WHERE g.user_id = ?1 AND g.revoked_at IS NULL
         ORDER BY r.name, b.name",
    )?;
    let rows = stmt.query_map([user.to_string()], |r| from_row(r, today))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn from_row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<GrantInfo> {
    let expires_on = cols::opt_date(r, 5)?;
    let permissions: Vec<String> = cols::json(r, 6)?;
    Ok(GrantInfo {
        grant: Grant {
            id: GrantId(cols::uuid(r, 0)?),
            role_id: RoleId(cols::uuid(r, 1)?),
            role_name: r.get(2)?,
            branch_id: cols::opt_uuid(r, 3)?.map(BranchId),
            branch_name: r.get::<_, Option<String>>(4)?.unwrap_or_else(|| "All branches".into()),
            expires_on,
            in_force: expires_on.is_none_or(|d| d >= today),
        },
        // Unknown names (from a newer desk) grant nothing here.
        permissions: permissions.iter().filter_map(|p| Permission::parse(p)).collect(),
    })
}
