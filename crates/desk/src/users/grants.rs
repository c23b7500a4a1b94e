//! SQL for role grants: a role held in one branch or all, until a date.

use crate::db::read;
use crate::write::org_record;
use crate::Result;
use branchdesk_api::commands::users::Grant;
use branchdesk_api::ids::{BranchId, GrantId, RoleId, UserId};
use branchdesk_api::Permission;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GrantRow {
    pub id: GrantId,
    pub user_id: UserId,
    pub role_id: RoleId,
    pub branch_id: Option<BranchId>,
    pub expires_on: Option<NaiveDate>,
    pub granted_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

org_record!(GrantRow, "role_grants");

static COLUMNS: read::Columns = read::columns!(GrantRow, "");

pub fn row_by_id(conn: &Connection, id: GrantId) -> Result<Option<GrantRow>> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM role_grants WHERE id = ?1"), [id.to_string()], read::row)
        .optional()?)
}

/// A grant as shown, with the permissions of its role.
#[derive(Debug, Clone)]
pub struct GrantInfo {
    pub grant: Grant,
    pub permissions: Vec<Permission>,
    /// The role needs two-factor sign-in.
    pub two_factor: bool,
}

/// The user's grants that are not revoked (expired ones included, marked).
pub fn for_user(conn: &Connection, user: UserId, today: NaiveDate) -> Result<Vec<GrantInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.id, g.role_id, r.name AS role_name, g.branch_id, b.name AS branch_name, g.expires_on,
                r.permissions, r.two_factor
         FROM role_grants g
         JOIN roles r ON r.id = g.role_id AND r.deleted_at IS NULL
         LEFT JOIN branches b ON b.id = g.branch_id
         WHERE g.user_id = ?1 AND g.revoked_at IS NULL
         ORDER BY r.name, b.name",
    )?;
    let lines: Vec<GrantLine> = read::all(&mut stmt, [user.to_string()])?;
    lines.into_iter().map(|g| g.info(today)).collect()
}

/// A grant with its role's and branch's names, as read.
#[derive(Deserialize)]
struct GrantLine {
    id: GrantId,
    role_id: RoleId,
    role_name: String,
    branch_id: Option<BranchId>,
    branch_name: Option<String>,
    expires_on: Option<NaiveDate>,
    /// The role's permissions, a JSON array of names.
    permissions: String,
    two_factor: Option<bool>,
}

impl GrantLine {
    fn info(self, today: NaiveDate) -> Result<GrantInfo> {
        let permissions = crate::roles::store::parse_permissions(&self.permissions)?;
        Ok(GrantInfo {
            two_factor: self.two_factor.unwrap_or_else(|| Permission::need_two_factor(&permissions)),
            grant: Grant {
                id: self.id,
                role_id: self.role_id,
                role_name: self.role_name,
                branch_id: self.branch_id,
                branch_name: self.branch_name.unwrap_or_else(|| "All branches".into()),
                expires_on: self.expires_on,
                in_force: self.expires_on.is_none_or(|d| d >= today),
            },
            permissions,
        })
    }
}
