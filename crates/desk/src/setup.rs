//! First run: the organisation, its first branch, the ten system roles and
//! the DIRECTOR account, in one transaction.

use crate::org::store::{self as org, BranchRow, OrganisationRow};
use crate::password;
use crate::roles::store::RoleRow;
use crate::users::grants::GrantRow;
use crate::users::store::{self as users, UserRow};
use crate::{roles, validate, Desk, Result};
use branchdesk_api::commands::system::{SetupDone, SetupOrganisation};
use branchdesk_api::ids::{BranchId, GrantId, OrgId, RoleId, UserId};
use branchdesk_api::permissions::default_roles;
use branchdesk_api::{ApiError, ErrorCode};
use uuid::Uuid;

/// India's financial year starts in April.
pub const DEFAULT_FY_START_MONTH: u32 = 4;

impl Desk {
    pub fn is_set_up(&self) -> Result<bool> {
        let db = self.db();
        Ok(org::organisation(&db.conn)?.is_some() && users::count(&db.conn)? > 0)
    }

    pub fn setup_organisation(&self, input: SetupOrganisation) -> Result<SetupDone> {
        if self.is_set_up()? {
            return Err(ApiError::new(
                ErrorCode::SetupState,
                "This desk is set up already. Sign in instead.",
            )
            .into());
        }
        let org_name = validate::required(
            "organisation_name",
            "organisation name",
            &input.organisation_name,
            validate::NAME_MAX,
        )?;
        let currency = match input.currency.trim() {
            "" => "INR".to_owned(),
            c => validate::currency("currency", c)?,
        };
        let branch_name =
            validate::required("branch_name", "branch name", &input.branch_name, validate::NAME_MAX)?;
        let branch_code = validate::branch_code("branch_code", &input.branch_code, None)?;
        let director_name =
            validate::required("director_name", "your full name", &input.director_name, validate::NAME_MAX)?;
        let director_email = validate::email("director_email", &input.director_email)?;
        password::check_strength(
            "director_password",
            &input.director_password,
            &[&director_name, &director_email],
        )?;
        let director = UserId(Uuid::now_v7());
        let creds = crate::keys::credentials(director, &input.director_password)?;
        // The director's first ops are signed with their new key; they
        // sign in next, which opens it again.
        self.keys.put(director, creds.signing.clone());
        let done = self.write(Some(director), |w| {
            let now = w.now();
            let org_id = OrgId(Uuid::now_v7());
            w.insert(&OrganisationRow {
                id: org_id,
                name: org_name,
                currency,
                fy_start_month: DEFAULT_FY_START_MONTH,
                created_at: now,
                updated_at: now,
            })?;
            w.insert(&BranchRow {
                id: BranchId(Uuid::now_v7()),
                org_id,
                code: branch_code,
                name: branch_name,
                address: String::new(),
                phone: String::new(),
                active: true,
                created_at: now,
                updated_at: now,
            })?;
            let mut owner_role = None;
            for (name, description, permissions) in default_roles() {
                let id = RoleId(Uuid::now_v7());
                if name == roles::OWNER_ROLE {
                    owner_role = Some(id);
                }
                w.insert(&RoleRow {
                    id,
                    org_id,
                    name: name.to_owned(),
                    description: description.to_owned(),
                    is_system: true,
                    permissions,
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                    two_factor: None,
                })?;
            }
            w.insert(&UserRow {
                id: director,
                org_id,
                full_name: director_name,
                email: director_email.clone(),
                phone: None,
                password_hash: creds.password_hash.clone(),
                active: true,
                must_change_password: false,
                created_at: now,
                updated_at: now,
                public_key: Some(creds.public_key.clone()),
                sealed_key: Some(creds.sealed_key.clone()),
                reset_key: None,
                reset_expires_at: None,
                totp_sealed: None,
                totp_recovery: None,
            })?;
            w.insert(&GrantRow {
                id: GrantId(Uuid::now_v7()),
                user_id: director,
                role_id: owner_role.ok_or_else(|| ApiError::internal("the DIRECTOR role is missing"))?,
                branch_id: None,
                expires_on: None,
                granted_by: None,
                created_at: now,
                revoked_at: None,
            })?;
            Ok(SetupDone { director_email })
        });
        self.keys.forget(director);
        done
    }
}
