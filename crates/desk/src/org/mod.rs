//! The organisation and its branches.

pub mod store;

use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::org::*;
use branchdesk_api::ids::BranchId;
use branchdesk_api::{ApiError, ErrorCode, Permission};
use store::{BranchRow, OrganisationRow};
use uuid::Uuid;

impl Desk {
    pub fn get_organisation(&self, actor: &Actor, _input: GetOrganisation) -> Result<Organisation> {
        actor.may_act()?;
        let db = self.db();
        Ok(store::organisation(&db.conn)?
            .ok_or_else(|| ApiError::new(ErrorCode::SetupState, "Set up the organisation first."))?
            .view())
    }

    pub fn update_organisation(&self, actor: &Actor, input: UpdateOrganisation) -> Result<Organisation> {
        actor.require(Permission::ManageOrganisation, None)?;
        let name = validate::required("name", "organisation name", &input.name, validate::NAME_MAX)?;
        let currency = validate::currency("currency", &input.currency)?;
        if !(1..=12).contains(&input.fy_start_month) {
            return Err(ApiError::invalid(
                "fy_start_month",
                "Choose a month from 1 (January) to 12 (December).",
            )
            .into());
        }
        let old = store::organisation(&self.db().conn)?
            .ok_or_else(|| ApiError::new(ErrorCode::SetupState, "Set up the organisation first."))?;
        let new = self.write(Some(actor.user_id), |w| {
            let new = OrganisationRow {
                name,
                currency,
                fy_start_month: input.fy_start_month,
                updated_at: w.now(),
                ..old.clone()
            };
            w.update(&old, &new)?;
            Ok(new)
        })?;
        Ok(new.view())
    }

    pub fn list_branches(&self, actor: &Actor, input: ListBranches) -> Result<Vec<Branch>> {
        actor.may_act()?;
        let conn = &self.db().conn;
        if input.all {
            return Ok(store::all_branches(conn)?
                .into_iter()
                .filter(|b| b.active)
                .map(|b| b.view())
                .collect());
        }
        store::branches_visible(conn, &actor.branches())
    }

    pub fn save_branch(&self, actor: &Actor, input: SaveBranch) -> Result<Branch> {
        actor.require(Permission::ManageOrganisation, None)?;
        let kept = match input.id {
            Some(id) => store::branch_by_id(&self.db().conn, id)?.map(|b| b.code),
            None => None,
        };
        let code = validate::branch_code("code", &input.code, kept.as_deref())?;
        let name = validate::required("name", "branch name", &input.name, validate::NAME_MAX)?;
        let address = validate::optional("address", &input.address, validate::TEXT_MAX)?;
        let phone = validate::phone("phone", &input.phone)?.unwrap_or_default();
        let existing = {
            let db = self.db();
            if let Some(other) = store::branch_by_code(&db.conn, &code)? {
                if input.id != Some(other.id) {
                    return Err(ApiError::duplicate(
                        "code",
                        format!("Branch {} already uses the code {code}.", other.name),
                    )
                    .into());
                }
            }
            match input.id {
                Some(id) => Some(
                    store::branch_by_id(&db.conn, id)?
                        .ok_or_else(|| ApiError::not_found("branch").on("id"))?,
                ),
                None => None,
            }
        };
        let row = self.write(Some(actor.user_id), |w| {
            let now = w.now();
            match existing {
                Some(old) => {
                    let new = BranchRow { code, name, address, phone, updated_at: now, ..old.clone() };
                    w.update(&old, &new)?;
                    Ok(new)
                }
                None => {
                    let row = BranchRow {
                        id: BranchId(Uuid::now_v7()),
                        org_id: store::organisation_id(w.tx())?,
                        code,
                        name,
                        address,
                        phone,
                        active: true,
                        created_at: now,
                        updated_at: now,
                    };
                    w.insert(&row)?;
                    Ok(row)
                }
            }
        })?;
        Ok(row.view())
    }
}
