//! User accounts: list, create, edit, deactivate, reset passwords, grant and
//! revoke roles. A manager acts only on users whose grants lie within the
//! branches where the manager holds `manage:user`, and can only hand out
//! roles whose permissions they hold there themselves.

pub mod grants;
pub mod profiles;
pub mod store;

use crate::keys::Credentials;
use crate::roles::store as roles;
use crate::write::Write;
use crate::{org, validate, Actor, Desk, Result};
use crate::{password, sessions};
use branchdesk_api::commands::users::*;
use branchdesk_api::ids::{GrantId, UserId};
use branchdesk_api::{ApiError, Permission};
use chrono::{Duration, NaiveDate};
use grants::GrantRow;
use rusqlite::Connection;
use store::UserRow;
use uuid::Uuid;

pub const RESET_CODE_HOURS: i64 = 24;
/// Days an invitation code stays good (a new person may start next week).
pub const INVITATION_DAYS: i64 = 7;

/// Stores a new password's credentials (its check and a new signing key)
/// through the write path and clears any lockout. `must_change` marks a
/// temporary password set by an admin.
///
/// `two_factor`: the second factor's secret sealed by the new password
/// (a change by the person, who opened it with the old one); None turns
/// two-factor sign-in off (a reset: the forgotten password cannot open it,
/// so the person sets it up again).
pub(crate) fn write_password(
    w: &mut Write<'_>,
    user: &UserRow,
    creds: &Credentials,
    must_change: bool,
    two_factor: Option<String>,
) -> Result<()> {
    let kept = two_factor.is_some();
    let new = UserRow {
        password_hash: creds.password_hash.clone(),
        public_key: Some(creds.public_key.clone()),
        sealed_key: Some(creds.sealed_key.clone()),
        reset_key: None,
        reset_expires_at: None,
        totp_recovery: if kept { user.totp_recovery.clone() } else { None },
        totp_sealed: two_factor,
        must_change_password: must_change,
        updated_at: w.now(),
        ..user.clone()
    };
    w.update(user, &new)?;
    w.tx().execute(
        "UPDATE login_state SET failures = 0, locked_until = NULL WHERE user_id = ?1",
        [user.id.to_string()],
    )?;
    Ok(())
}

/// The user as shown, with their grants.
pub fn view(conn: &Connection, row: UserRow, today: NaiveDate) -> Result<User> {
    let grants = grants::for_user(conn, row.id, today)?.into_iter().map(|g| g.grant).collect();
    Ok(User {
        id: row.id,
        last_login_at: store::last_login_at(conn, row.id)?,
        full_name: row.full_name,
        email: row.email,
        phone: row.phone,
        active: row.active,
        must_change_password: row.must_change_password,
        created_at: row.created_at,
        grants,
    })
}

struct Profile {
    full_name: String,
    email: String,
    phone: Option<String>,
}

fn clean_profile(full_name: &str, email: &str, phone: &str) -> Result<Profile, ApiError> {
    Ok(Profile {
        full_name: validate::required("full_name", "full name", full_name, validate::NAME_MAX)?,
        email: validate::email("email", email)?,
        phone: validate::phone("phone", phone)?,
    })
}

impl Desk {
    pub fn list_users(&self, actor: &Actor, input: ListUsers) -> Result<Vec<User>> {
        actor.require_somewhere(Permission::ViewUser)?;
        let visible = actor.branches_with(Permission::ViewUser);
        let db = self.db();
        let today = self.today();
        let query = validate::optional("query", &input.query, validate::NAME_MAX)?;
        let mut out = Vec::new();
        for row in store::search(&db.conn, &query, input.include_inactive)? {
            let user = view(&db.conn, row, today)?;
            let seen = user.id == actor.user_id
                || match &visible {
                    crate::actor::Branches::All => true,
                    only => user.grants.iter().any(|g| g.branch_id.is_some_and(|b| only.contains(b))),
                };
            if seen {
                out.push(user);
            }
        }
        Ok(out)
    }

    pub fn create_user(&self, actor: &Actor, input: CreateUser) -> Result<User> {
        let p = self.check_new_account(actor, &input.full_name, &input.email, &input.phone, &input.grants)?;
        password::check_strength("password", &input.password, &[&p.full_name, &p.email])?;
        let id = UserId(Uuid::now_v7());
        let creds = crate::keys::credentials(id, &input.password)?;
        self.write(Some(actor.user_id), |w| {
            insert_account(w, id, (p.full_name, p.email, p.phone), creds, &input.grants, actor.user_id)
        })?;
        self.user_view(id)
    }

    /// An account with an invitation code instead of a password anyone
    /// was told: the code is a reset code good for [`INVITATION_DAYS`]
    /// (the signed record `docs/trust.md` describes), so the person's own
    /// password and signing key register themselves when they redeem it,
    /// on any desk of the organisation.
    pub fn invite_user(&self, actor: &Actor, input: InviteUser) -> Result<Invitation> {
        let p = self.check_new_account(actor, &input.full_name, &input.email, &input.phone, &input.grants)?;
        let id = UserId(Uuid::now_v7());
        // A password nobody knows (160 random bits, never kept), so the
        // account has credentials of the usual form until the code
        // replaces them.
        let unknown = format!("{}{}", crate::keys::reset_code()?, crate::keys::reset_code()?);
        let creds = crate::keys::credentials(id, &unknown)?;
        let code = crate::keys::reset_code()?;
        let public = branchdesk_api::canonical::signing::public_hex(&crate::keys::reset_key(id, &code));
        let expires_at = self.write(Some(actor.user_id), |w| {
            insert_account(w, id, (p.full_name, p.email, p.phone), creds, &input.grants, actor.user_id)?;
            let created =
                store::by_id(w.tx(), id)?.ok_or_else(|| ApiError::internal("the new account vanished"))?;
            let expires_at = w.now() + Duration::days(INVITATION_DAYS);
            let invited =
                UserRow { reset_key: Some(public), reset_expires_at: Some(expires_at), ..created.clone() };
            w.update(&created, &invited)?;
            Ok(expires_at)
        })?;
        Ok(Invitation { user: self.user_view(id)?, code: ResetCode { code, expires_at } })
    }

    /// The checks a new account passes, by either way in: the right to
    /// manage users, a clean name, email and phone, at least one role the
    /// actor may give, and an email nobody has; the cleaned profile.
    fn check_new_account(
        &self,
        actor: &Actor,
        full_name: &str,
        email: &str,
        phone: &str,
        grants: &[NewGrant],
    ) -> Result<Profile> {
        actor.require_somewhere(Permission::ManageUser)?;
        let p = clean_profile(full_name, email, phone)?;
        if grants.is_empty() {
            return Err(ApiError::invalid("grants", "Give the user at least one role.").into());
        }
        let db = self.db();
        for g in grants {
            check_grant(&db.conn, actor, g, self.today())?;
        }
        if store::by_email(&db.conn, &p.email)?.is_some() {
            return Err(ApiError::duplicate("email", "Another user already has this email.").into());
        }
        Ok(p)
    }

    pub fn update_user(&self, actor: &Actor, input: UpdateUser) -> Result<User> {
        let old = self.managed_user(actor, input.id)?;
        let p = clean_profile(&input.full_name, &input.email, &input.phone)?;
        if let Some(other) = store::by_email(&self.db().conn, &p.email)? {
            if other.id != old.id {
                return Err(ApiError::duplicate("email", "Another user already has this email.").into());
            }
        }
        self.write(Some(actor.user_id), |w| {
            let new = UserRow {
                full_name: p.full_name,
                email: p.email,
                phone: p.phone,
                updated_at: w.now(),
                ..old.clone()
            };
            w.update(&old, &new)?;
            Ok(())
        })?;
        self.user_view(old.id)
    }

    pub fn set_user_active(&self, actor: &Actor, input: SetUserActive) -> Result<User> {
        let old = self.managed_user(actor, input.id)?;
        if old.id == actor.user_id && !input.active {
            return Err(ApiError::conflict("You cannot deactivate your own account.").into());
        }
        self.write(Some(actor.user_id), |w| {
            let new = UserRow { active: input.active, updated_at: w.now(), ..old.clone() };
            w.update(&old, &new)?;
            if !input.active {
                sessions::end_for_user(w.tx(), old.id, w.now())?;
            }
            Ok(())
        })?;
        self.user_view(old.id)
    }

    pub fn reset_user_password(&self, actor: &Actor, input: ResetUserPassword) -> Result<User> {
        let old = self.managed_user(actor, input.id)?;
        password::check_strength("new_password", &input.new_password, &[&old.full_name, &old.email])?;
        let creds = crate::keys::credentials(old.id, &input.new_password)?;
        self.write(Some(actor.user_id), |w| {
            write_password(w, &old, &creds, true, None)?;
            sessions::end_for_user(w.tx(), old.id, w.now())
        })?;
        self.keys.forget(old.id);
        self.user_view(old.id)
    }

    /// A one-time reset code for an account, redeemable on any desk of the
    /// organisation once synced: the account carries the public key the
    /// code gives (`keys::reset_key`), signed in by the manager; a newer
    /// code replaces it, and redeeming clears it.
    pub fn issue_reset_code(&self, actor: &Actor, input: IssueResetCode) -> Result<ResetCode> {
        let user = self.managed_user(actor, input.id)?;
        let code = crate::keys::reset_code()?;
        let public = branchdesk_api::canonical::signing::public_hex(&crate::keys::reset_key(user.id, &code));
        let expires_at = self.write(Some(actor.user_id), |w| {
            let expires_at = w.now() + Duration::hours(RESET_CODE_HOURS);
            let new = UserRow {
                reset_key: Some(public),
                reset_expires_at: Some(expires_at),
                updated_at: w.now(),
                ..user.clone()
            };
            w.update(&user, &new)?;
            Ok(expires_at)
        })?;
        Ok(ResetCode { code, expires_at })
    }

    pub fn grant_role(&self, actor: &Actor, input: GrantRole) -> Result<User> {
        let user = self.managed_user(actor, input.user_id)?;
        check_grant(&self.db().conn, actor, &input.grant, self.today())?;
        self.write(Some(actor.user_id), |w| {
            let now = w.now();
            w.insert(&new_grant_row(user.id, &input.grant, actor.user_id, now))
        })?;
        self.user_view(user.id)
    }

    pub fn revoke_grant(&self, actor: &Actor, input: RevokeGrant) -> Result<User> {
        actor.require_somewhere(Permission::ManageUser)?;
        let grant = grants::row_by_id(&self.db().conn, input.grant_id)?
            .filter(|g| g.revoked_at.is_none())
            .ok_or_else(|| ApiError::not_found("role grant").on("grant_id"))?;
        actor.require(Permission::ManageUser, grant.branch_id)?;
        if grant.user_id == actor.user_id {
            return Err(
                ApiError::conflict("You cannot revoke your own role; ask another administrator.").into()
            );
        }
        self.write(Some(actor.user_id), |w| {
            let new = GrantRow { revoked_at: Some(w.now()), ..grant.clone() };
            w.update(&grant, &new)?;
            Ok(())
        })?;
        self.user_view(grant.user_id)
    }

    fn user_view(&self, id: UserId) -> Result<User> {
        let db = self.db();
        let row = store::by_id(&db.conn, id)?.ok_or_else(|| ApiError::not_found("user"))?;
        view(&db.conn, row, self.today())
    }

    /// Loads a user the actor may manage: `manage:user` over every branch the
    /// user's grants name (the whole organisation for an all-branch grant).
    pub(crate) fn managed_user(&self, actor: &Actor, id: UserId) -> Result<UserRow> {
        actor.require_somewhere(Permission::ManageUser)?;
        let db = self.db();
        let row = store::by_id(&db.conn, id)?.ok_or_else(|| ApiError::not_found("user").on("id"))?;
        let held = grants::for_user(&db.conn, id, self.today())?;
        if held.is_empty() {
            actor.require(Permission::ManageUser, None)?;
        }
        for g in held {
            actor.require(Permission::ManageUser, g.grant.branch_id)?;
        }
        Ok(row)
    }

    pub(crate) fn today(&self) -> NaiveDate {
        crate::clock::local_date(self.clock().now())
    }
}

/// A grant must name a live role and branch, not be expired, and not give
/// more than the granting manager holds in that branch.
fn check_grant(conn: &Connection, actor: &Actor, g: &NewGrant, today: NaiveDate) -> Result<()> {
    let role = roles::by_id(conn, g.role_id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or_else(|| ApiError::invalid("role_id", "Choose a role from the list."))?;
    if let Some(b) = g.branch_id {
        org::store::chosen_branch(conn, b)?;
    }
    if g.expires_on.is_some_and(|d| d < today) {
        return Err(ApiError::invalid("expires_on", "The end date is in the past.").into());
    }
    actor.require(Permission::ManageUser, g.branch_id)?;
    if let Some(missing) = role.permissions.iter().find(|p| !actor.can(**p, g.branch_id)) {
        return Err(ApiError::denied(format!(
            "You cannot grant {}: it allows \"{}\", which you do not hold there yourself.",
            role.name,
            missing.label().to_lowercase()
        ))
        .on("role_id")
        .into());
    }
    Ok(())
}

/// A new account and its grants, inside an open write (also for actions
/// that create an account as part of something larger). `id`: a `UserId`
/// or the uuid of one.
pub(crate) fn insert_account(
    w: &mut Write<'_>,
    id: impl Into<UserId>,
    (full_name, email, phone): (String, String, Option<String>),
    creds: Credentials,
    grants: &[NewGrant],
    by: UserId,
) -> Result<()> {
    let id = id.into();
    let org_id = org::store::organisation_id(w.tx())?;
    let now = w.now();
    w.insert(&UserRow {
        id,
        org_id,
        full_name,
        email,
        phone,
        password_hash: creds.password_hash,
        active: true,
        must_change_password: false,
        created_at: now,
        updated_at: now,
        public_key: Some(creds.public_key),
        sealed_key: Some(creds.sealed_key),
        reset_key: None,
        reset_expires_at: None,
        totp_sealed: None,
        totp_recovery: None,
    })?;
    for g in grants {
        w.insert(&new_grant_row(id, g, by, now))?;
    }
    Ok(())
}

fn new_grant_row(user: UserId, g: &NewGrant, by: UserId, now: chrono::DateTime<chrono::Utc>) -> GrantRow {
    GrantRow {
        id: GrantId(Uuid::now_v7()),
        user_id: user,
        role_id: g.role_id,
        branch_id: g.branch_id,
        expires_on: g.expires_on,
        granted_by: Some(by),
        created_at: now,
        revoked_at: None,
    }
}
