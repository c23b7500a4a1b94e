//! SQL for the organisation and its branches.

use crate::actor::Branches;
use crate::write::{Record, Scope};
use crate::Result;
use branchdesk_api::commands::org::{Branch, Organisation};
use branchdesk_api::ids::{BranchId, OrgId};
use branchdesk_api::ApiError;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct OrganisationRow {
    pub id: OrgId,
    pub name: String,
    pub currency: String,
    pub fy_start_month: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Record for OrganisationRow {
    const TABLE: &'static str = "organisations";
    fn id(&self) -> Uuid {
        self.id.into()
    }
    fn scope(&self) -> Scope {
        Scope::Organisation
    }
}

impl OrganisationRow {
    pub fn view(&self) -> Organisation {
        Organisation {
            id: self.id,
            name: self.name.clone(),
            currency: self.currency.clone(),
            fy_start_month: self.fy_start_month,
        }
    }
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct BranchRow {
    pub id: BranchId,
    pub org_id: OrgId,
    pub code: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Record for BranchRow {
    const TABLE: &'static str = "branches";
    fn id(&self) -> Uuid {
        self.id.into()
    }
    fn scope(&self) -> Scope {
        Scope::Organisation
    }
}

impl BranchRow {
    pub fn view(&self) -> Branch {
        Branch {
            id: self.id,
            code: self.code.clone(),
            name: self.name.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            active: self.active,
        }
    }
}

pub fn organisation(conn: &Connection) -> Result<Option<OrganisationRow>> {
    Ok(conn
        .query_row(
            "SELECT id, name, currency, fy_start_month, created_at, updated_at FROM organisations LIMIT 1",
            [],
            crate::db::read::row,
        )
        .optional()?)
}

/// The organisation's id; an error before first-run setup.
pub fn organisation_id(conn: &Connection) -> Result<OrgId> {
    Ok(organisation(conn)?
        .ok_or_else(|| {
            ApiError::new(branchdesk_api::ErrorCode::SetupState, "Set up the organisation first.")
        })?
        .id)
}

const BRANCH_COLUMNS: &str = "id, org_id, code, name, address, phone, active, created_at, updated_at";

fn branch_from_row(r: &Row<'_>) -> rusqlite::Result<BranchRow> {
    crate::db::read::row(r)
}

pub fn branch_by_id(conn: &Connection, id: BranchId) -> Result<Option<BranchRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {BRANCH_COLUMNS} FROM branches WHERE id = ?1"))?
        .query_row([id.to_string()], branch_from_row)
        .optional()?)
}

/// The branch a person chose, or an invalid-input error on `branch_id`.
pub fn chosen_branch(conn: &Connection, id: BranchId) -> Result<BranchRow> {
    Ok(branch_by_id(conn, id)?
        .ok_or_else(|| ApiError::invalid("branch_id", "Choose a branch from the list."))?)
}

pub fn branch_by_code(conn: &Connection, code: &str) -> Result<Option<BranchRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {BRANCH_COLUMNS} FROM branches WHERE code = ?1"))?
        .query_row([code], branch_from_row)
        .optional()?)
}

pub fn all_branches(conn: &Connection) -> Result<Vec<BranchRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {BRANCH_COLUMNS} FROM branches ORDER BY name"))?;
    let rows = stmt.query_map([], branch_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn branches_visible(conn: &Connection, which: &Branches) -> Result<Vec<Branch>> {
    Ok(all_branches(conn)?.into_iter().filter(|b| which.contains(b.id)).map(|b| b.view()).collect())
}
