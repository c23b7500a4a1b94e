//! Roles: named sets of permissions. The ten system roles cannot be renamed
//! or deleted, and DIRECTOR always holds every permission, so the
//! organisation can never lock itself out.

pub mod store;

use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::roles::{DeleteRole, ListRoles, Role, SaveRole};
use branchdesk_api::ids::RoleId;
use branchdesk_api::{ApiError, Permission};
use store::RoleRow;
use uuid::Uuid;

pub const OWNER_ROLE: &str = "DIRECTOR";

fn view(row: RoleRow, holders: u32) -> Role {
    Role {
        two_factor: row.requires_two_factor(),
        two_factor_chosen: row.two_factor.is_some(),
        id: row.id,
        name: row.name,
        description: row.description,
        is_system: row.is_system,
        permissions: row.permissions,
        holders,
    }
}

fn clean_permissions(mut perms: Vec<Permission>) -> Vec<Permission> {
    perms.sort();
    perms.dedup();
    perms
}

/// A role may be granted in any branch, so whoever edits it adds only
/// permissions they hold in every branch: organisation-wide. (Removing
/// any is fine; keeping what the role had is fine.)
fn check_no_escalation(actor: &Actor, before: &[Permission], after: &[Permission]) -> Result<(), ApiError> {
    let lacking: Vec<&str> =
        after.iter().filter(|p| !before.contains(p) && !actor.can(**p, None)).map(|p| p.label()).collect();
    if lacking.is_empty() {
        return Ok(());
    }
    Err(ApiError::denied(format!(
        "You can only add permissions you hold in every branch yourself. You lack: {}.",
        lacking.join("; ").to_lowercase()
    ))
    .on("permissions"))
}

impl Desk {
    pub fn list_roles(&self, actor: &Actor, _input: ListRoles) -> Result<Vec<Role>> {
        // Who grants roles sees them too.
        actor
            .require_somewhere(Permission::ManageUser)
            .or_else(|_| actor.require_somewhere(Permission::ViewRole))?;
        let db = self.db();
        Ok(store::list(&db.conn)?.into_iter().map(|(r, n)| view(r, n)).collect())
    }

    pub fn save_role(&self, actor: &Actor, input: SaveRole) -> Result<Role> {
        actor.require(Permission::ManageRole, None)?;
        let name = validate::required("name", "role name", &input.name, 40)?.to_uppercase().replace(' ', "_");
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(ApiError::invalid("name", "Use letters, digits and underscores only.").into());
        }
        let description = validate::optional("description", &input.description, validate::TEXT_MAX)?;
        let permissions = clean_permissions(input.permissions);
        let existing = {
            let db = self.db();
            if let Some(other) = store::live_by_name(&db.conn, &name)? {
                if Some(other.id) != input.id {
                    return Err(ApiError::duplicate("name", "A role with this name exists already.").into());
                }
            }
            match input.id {
                Some(id) => Some(
                    store::by_id(&db.conn, id)?
                        .filter(|r| r.deleted_at.is_none())
                        .ok_or_else(|| ApiError::not_found("role").on("id"))?,
                ),
                None => None,
            }
        };
        let id = existing.as_ref().map(|r| r.id).unwrap_or_else(|| RoleId(Uuid::now_v7()));
        if let Some(old) = &existing {
            if old.is_system && old.name != name {
                return Err(ApiError::invalid("name", "System roles keep their names.").into());
            }
            if old.name == OWNER_ROLE && permissions.len() != Permission::ALL.len() {
                return Err(ApiError::invalid(
                    "permissions",
                    "DIRECTOR keeps every permission, so someone can always manage the organisation.",
                )
                .into());
            }
        }
        let held_before = existing.as_ref().map(|r| r.permissions.as_slice()).unwrap_or_default();
        check_no_escalation(actor, held_before, &permissions)?;
        self.write(Some(actor.user_id), |w| {
            let now = w.now();
            match existing {
                Some(old) => {
                    let new = RoleRow {
                        name,
                        description,
                        permissions,
                        two_factor: input.two_factor,
                        updated_at: now,
                        ..old.clone()
                    };
                    w.update(&old, &new)?;
                }
                None => {
                    let org_id = crate::org::store::organisation_id(w.tx())?;
                    w.insert(&RoleRow {
                        id,
                        org_id,
                        name,
                        description,
                        is_system: false,
                        permissions,
                        created_at: now,
                        updated_at: now,
                        deleted_at: None,
                        two_factor: input.two_factor,
                    })?;
                }
            }
            Ok(())
        })?;
        let db = self.db();
        let (row, holders) = store::list(&db.conn)?
            .into_iter()
            .find(|(r, _)| r.id == id)
            .ok_or_else(|| ApiError::not_found("role"))?;
        Ok(view(row, holders))
    }

    pub fn delete_role(&self, actor: &Actor, input: DeleteRole) -> Result<()> {
        actor.require(Permission::ManageRole, None)?;
        let (old, holders) = {
            let db = self.db();
            store::list(&db.conn)?
                .into_iter()
                .find(|(r, _)| r.id == input.id)
                .ok_or_else(|| ApiError::not_found("role").on("id"))?
        };
        if old.is_system {
            return Err(
                ApiError::conflict(format!("{} is a system role and cannot be deleted.", old.name)).into()
            );
        }
        if holders > 0 {
            return Err(ApiError::conflict(format!(
                "{holders} active user(s) still hold {}. Revoke it from them first.",
                old.name
            ))
            .into());
        }
        self.write(Some(actor.user_id), |w| {
            let new = RoleRow { deleted_at: Some(w.now()), updated_at: w.now(), ..old.clone() };
            w.update(&old, &new)?;
            Ok(())
        })
    }
}
