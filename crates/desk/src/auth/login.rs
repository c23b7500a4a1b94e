//! Signing in and out, lockout after repeated failures, changing one's own
//! password and redeeming an admin's reset code.

use crate::db::read;
use crate::keys;
use crate::password::{self, normalise_code, Checked};
use crate::sessions::{self, SessionToken};
use crate::users::store as users;
use crate::{audit, Desk, Result};
use branchdesk_api::canonical::signing::public_hex;
use branchdesk_api::commands::session::{ChangePassword, Login, Me, RedeemResetCode};
use branchdesk_api::ids::UserId;
use branchdesk_api::{ApiError, ErrorCode};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Deserialize;

pub const MAX_FAILURES: i64 = 5;
pub const LOCK_MINUTES: i64 = 15;

impl Desk {
    pub fn login(&self, input: Login) -> Result<(SessionToken, Me)> {
        let email = input.email.trim().to_lowercase();
        if email.is_empty() {
            return Err(ApiError::invalid("email", "Enter your email.").into());
        }
        if input.password.is_empty() {
            return Err(ApiError::invalid("password", "Enter your password.").into());
        }
        let now = self.clock().now();
        let (user, locked_until) = {
            let db = self.db();
            let user = users::by_email(&db.conn, &email)?;
            let locked = match &user {
                Some(u) => locked_until(&db.conn, u.id)?,
                None => None,
            };
            (user, locked)
        };
        let Some(user) = user else {
            return Err(ApiError::new(ErrorCode::WrongCredentials, "Wrong email or password.")
                .on("password")
                .into());
        };
        if let Some(until) = locked_until.filter(|until| *until > now) {
            return Err(locked(until).into());
        }
        // Verify without holding the database: argon2id takes a while.
        let checked = password::check(&input.password, &user.password_hash);
        let user_id = user.id;
        {
            let db = self.db();
            if matches!(checked, Checked::Wrong) {
                return Err(register_failure(&db.conn, self.device_id(), user_id, now)?.into());
            }
            if !user.active {
                return Err(ApiError::denied("This account is deactivated. Ask an administrator.").into());
            }
            db.conn.execute(
                "INSERT INTO login_state (user_id, failures, locked_until, last_login_at)
                 VALUES (?1, 0, NULL, ?2)
                 ON CONFLICT (user_id) DO UPDATE SET failures = 0, locked_until = NULL, last_login_at = ?2",
                (user.id.to_string(), now.to_rfc3339()),
            )?;
        }
        // The person's signing key, opened by the password; an account from
        // before signing gets its key (and a hash of this version) now.
        let opened = match (&checked, &user.sealed_key) {
            (Checked::Right(seal), Some(sealed)) => keys::unseal(seal, user_id, sealed),
            _ => None,
        };
        let key = match opened {
            Some(key) => key,
            None => {
                let creds = keys::credentials(user_id, &input.password)?;
                self.keys.put(user_id, creds.signing.clone());
                self.write(Some(user_id), |w| {
                    crate::users::write_password(w, &user, &creds, user.must_change_password)
                })?;
                creds.signing
            }
        };
        let db = self.db();
        let token = sessions::start(&db.conn, user_id, now, |t| keys::seal_for_session(t, user_id, &key))?;
        audit_event(&db.conn, self.device_id(), user_id, "login", now)?;
        drop(db);
        self.keys.put(user_id, key);
        self.resign_held_ops(user_id)?;
        self.await_proof(user_id, &input.password)?;
        let me = self.me(&token)?;
        Ok((token, me))
    }

    pub fn me(&self, token: &SessionToken) -> Result<Me> {
        let actor = self.actor(token)?;
        let db = self.db();
        let today = crate::clock::local_date(self.clock().now());
        let row = users::by_id(&db.conn, actor.user_id)?.ok_or_else(|| ApiError::not_found("user"))?;
        let user = crate::users::view(&db.conn, row, today)?;
        let branches = crate::org::store::branches_visible(&db.conn, &actor.branches())?;
        Ok(Me { user, permissions: actor.permissions(), all_branches: actor.all_branches(), branches })
    }

    pub fn change_password(&self, token: &SessionToken, input: ChangePassword) -> Result<()> {
        let actor = self.actor(token)?;
        let user = {
            let db = self.db();
            users::by_id(&db.conn, actor.user_id)?.ok_or_else(|| ApiError::not_found("user"))?
        };
        if input.current_password.is_empty() {
            return Err(ApiError::invalid("current_password", "Enter your current password.").into());
        }
        if matches!(password::check(&input.current_password, &user.password_hash), Checked::Wrong) {
            return Err(ApiError::new(ErrorCode::WrongCredentials, "That is not your current password.")
                .on("current_password")
                .into());
        }
        if input.new_password == input.current_password {
            return Err(ApiError::invalid(
                "new_password",
                "Choose a password different from the current one.",
            )
            .into());
        }
        password::check_strength("new_password", &input.new_password, &[&user.full_name, &user.email])?;
        self.check_no_proof_owed(user.id)?;
        // A new password brings a new key, signed in by the current one;
        // the person's other sessions here held the old key and end.
        let creds = keys::credentials(user.id, &input.new_password)?;
        self.write(Some(actor.user_id), |w| {
            crate::users::write_password(w, &user, &creds, false)?;
            sessions::end_others(w.tx(), user.id, token, w.now())?;
            w.tx().execute(
                "UPDATE sessions SET sealed_key = ?2 WHERE token_hash = ?1",
                (password::digest(&token.0), keys::seal_for_session(token, user.id, &creds.signing)?),
            )?;
            Ok(())
        })?;
        self.keys.put(user.id, creds.signing);
        Ok(())
    }

    pub fn redeem_reset_code(&self, input: RedeemResetCode) -> Result<()> {
        let email = input.email.trim().to_lowercase();
        let code = normalise_code(&input.code);
        if email.is_empty() {
            return Err(ApiError::invalid("email", "Enter your email.").into());
        }
        if code.is_empty() {
            return Err(ApiError::invalid("code", "Enter the reset code you were given.").into());
        }
        let now = self.clock().now();
        let bad_code = || {
            ApiError::invalid(
                "code",
                "That code is wrong or has expired. Ask an administrator for a new one.",
            )
        };
        let user = {
            let db = self.db();
            users::by_email(&db.conn, &email)?
        };
        let Some(user) = user.filter(|u| u.active) else {
            return Err(bad_code().into());
        };
        let user_id = user.id;
        {
            let db = self.db();
            if let Some(until) = locked_until(&db.conn, user_id)?.filter(|u| *u > now) {
                return Err(locked(until).into());
            }
        }
        // The code is right when the one-time key it gives is the one the
        // manager put on the account, and it has not expired.
        let reset = keys::reset_key(user_id, &code);
        let issued = user.reset_key.as_deref() == Some(public_hex(&reset).as_str())
            && user.reset_expires_at.is_some_and(|until| until > now);
        if !issued {
            let db = self.db();
            register_failure(&db.conn, self.device_id(), user_id, now)?;
            return Err(bad_code().into());
        }
        password::check_strength("new_password", &input.new_password, &[&user.full_name, &user.email])?;
        self.check_no_proof_owed(user.id)?;
        // The forgotten password's key cannot be opened: the account gets a
        // new one, signed in by the code's one-time key (the server accepts
        // that key once, for this account, until the code expires).
        let creds = keys::credentials(user_id, &input.new_password)?;
        self.write_signed(Some(user_id), Some(reset), |w| {
            crate::users::write_password(w, &user, &creds, false)
        })
    }
}

#[derive(Deserialize)]
struct Lock {
    locked_until: Option<DateTime<Utc>>,
}

/// Until when the account is locked, if it ever was.
fn locked_until(conn: &Connection, user: UserId) -> Result<Option<DateTime<Utc>>> {
    Ok(conn
        .query_row("SELECT locked_until FROM login_state WHERE user_id = ?1", [user.to_string()], read::row)
        .optional()?
        .and_then(|l: Lock| l.locked_until))
}

fn locked(until: DateTime<Utc>) -> ApiError {
    let local = until.with_timezone(&chrono::Local);
    ApiError::new(
        ErrorCode::AccountLocked,
        format!(
            "Too many wrong passwords: this account is locked until {}. Try again then, or ask an administrator to reset the password.",
            local.format("%H:%M")
        ),
    )
}

/// Counts a failed attempt; the fifth locks the account for 15 minutes.
fn register_failure(conn: &Connection, device: &str, user: UserId, now: DateTime<Utc>) -> Result<ApiError> {
    let failures: i64 = conn.query_row(
        "INSERT INTO login_state (user_id, failures) VALUES (?1, 1)
         ON CONFLICT (user_id) DO UPDATE SET failures = failures + 1
         RETURNING failures",
        [user.to_string()],
        read::value,
    )?;
    if failures >= MAX_FAILURES {
        let until = now + Duration::minutes(LOCK_MINUTES);
        conn.execute(
            "UPDATE login_state SET failures = 0, locked_until = ?2 WHERE user_id = ?1",
            (user.to_string(), until.to_rfc3339()),
        )?;
        audit_event(conn, device, user, "lock", now)?;
        return Ok(locked(until));
    }
    let left = MAX_FAILURES - failures;
    Ok(ApiError::new(
        ErrorCode::WrongCredentials,
        format!(
            "Wrong email or password. {left} {} left before the account locks for {LOCK_MINUTES} minutes.",
            if left == 1 { "try" } else { "tries" }
        ),
    )
    .on("password"))
}

fn audit_event(
    conn: &Connection,
    device: &str,
    user: UserId,
    action: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    audit::event(conn, device, Some(user), action, "sessions", user, now)
}
