//! Signing in and out, lockout after repeated failures, changing one's own
//! password and redeeming an admin's reset code.

use crate::auth::two_factor;
use crate::db::read;
use crate::keys;
use crate::password::{self, normalise_code, Checked};
use crate::sessions::{self, SessionToken};
use crate::users::store as users;
use crate::{audit, Desk, Result};
use branchdesk_api::canonical::signing::public_hex;
use branchdesk_api::commands::session::{ChangePassword, Login, LoginWithCode, Me, RedeemResetCode};
use branchdesk_api::ids::UserId;
use branchdesk_api::{ApiError, ErrorCode};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Deserialize;

pub const MAX_FAILURES: i64 = 5;
pub const LOCK_MINUTES: i64 = 15;

/// Whether the account signs in with a second factor.
fn row_has_second_factor(conn: &Connection, user: UserId) -> Result<bool> {
    Ok(users::by_id(conn, user)?.is_some_and(|u| u.totp_sealed.is_some()))
}

impl Desk {
    /// Signs in with email and password; someone who set up two-factor
    /// sign-in is asked for their code (`two_factor_code_needed`).
    pub fn login(&self, input: Login) -> Result<(SessionToken, Me)> {
        self.sign_in(input, None)
    }

    /// Signs in with email, password and the second factor's code (or a
    /// recovery code).
    pub fn login_with_code(&self, input: LoginWithCode) -> Result<(SessionToken, Me)> {
        let code = input.code;
        self.sign_in(Login { email: input.email, password: input.password }, Some(&code))
    }

    fn sign_in(&self, input: Login, code: Option<&str>) -> Result<(SessionToken, Me)> {
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
                // Guesses made before the account reached this desk (by
                // sync) locked its email; that lock holds for it too.
                Some(u) => Attempts::Account(u.id)
                    .locked_until(&db.conn)?
                    .max(Attempts::Unknown(password::digest(&email)).locked_until(&db.conn)?),
                None => None,
            };
            (user, locked)
        };
        // An email no account holds gets the same work and the same answers
        // as a wrong password, lock included: nothing tells whether it exists.
        let Some(user) = user else {
            let who = Attempts::Unknown(password::digest(&email));
            if let Some(until) = who.locked_until(&self.db().conn)?.filter(|until| *until > now) {
                return Err(locked(until).into());
            }
            let _ = password::check(&input.password, password::decoy());
            return Err(who.failed(&self.db().conn, self.device_id(), now)?.into());
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
                return Err(Attempts::Account(user_id).failed(&db.conn, self.device_id(), now)?.into());
            }
            if !user.active {
                return Err(ApiError::denied("This account is deactivated. Ask an administrator.").into());
            }
        }
        // The second factor, for someone who set it up.
        let second = match (&checked, &user.totp_sealed) {
            (Checked::Right(seal), Some(sealed)) => Some(self.second_factor(&user, seal, sealed, code, now)?),
            _ => None,
        };
        {
            let db = self.db();
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
            // A hash made with less work than today's is made again now,
            // for the same key: the person's own change, signed by it.
            Some(key) if password::outdated(&user.password_hash) => {
                let (password_hash, sealed_key) = keys::remade(user_id, &input.password, &key)?;
                self.write_signed(Some(user_id), Some(key.clone()), |w| {
                    let new = users::UserRow {
                        password_hash,
                        sealed_key: Some(sealed_key),
                        updated_at: w.now(),
                        ..user.clone()
                    };
                    w.update(&user, &new).map(drop)
                })?;
                key
            }
            Some(key) => key,
            None => {
                let creds = keys::credentials(user_id, &input.password)?;
                self.keys.put(user_id, creds.signing.clone());
                self.write(Some(user_id), |w| {
                    crate::users::write_password(w, &user, &creds, user.must_change_password, None)
                })?;
                creds.signing
            }
        };
        // A recovery code is used up: the account keeps the others.
        if let Some(two_factor::Second::Recovery(left)) = second {
            self.write_signed(Some(user_id), Some(key.clone()), |w| {
                let now_row = users::by_id(w.tx(), user_id)?.ok_or_else(|| ApiError::not_found("user"))?;
                let new =
                    users::UserRow { totp_recovery: Some(left), updated_at: w.now(), ..now_row.clone() };
                w.update(&now_row, &new).map(drop)
            })?;
        }
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

    /// Checks the second factor typed at sign-in; a wrong code counts as a
    /// wrong password does (the same lock).
    fn second_factor(
        &self,
        user: &users::UserRow,
        seal: &password::SealKey,
        sealed: &str,
        code: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<two_factor::Second> {
        let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
            return Err(ApiError::new(
                ErrorCode::TwoFactorCodeNeeded,
                "Enter the six-digit code your authenticator app shows, or one of your recovery codes.",
            )
            .on("code")
            .into());
        };
        let Some(secret) = two_factor::open(seal, user.id, sealed) else {
            return Err(ApiError::invalid(
                "code",
                "Your two-factor set-up cannot be read with this password. Ask an administrator to set a new password.",
            )
            .into());
        };
        let db = self.db();
        let last = two_factor::last_step(&db.conn, user.id)?;
        match two_factor::check(&secret, user.totp_recovery.as_deref(), last, code, now) {
            two_factor::Second::Code(step) => {
                two_factor::record_step(&db.conn, user.id, step)?;
                Ok(two_factor::Second::Code(step))
            }
            two_factor::Second::Wrong => {
                let e = Attempts::Account(user.id).failed(&db.conn, self.device_id(), now)?;
                if e.code == ErrorCode::AccountLocked {
                    return Err(e.on("code").into());
                }
                Err(ApiError::new(
                    ErrorCode::WrongCredentials,
                    "That code is not right (or was used already). Type the six digits your app shows now.",
                )
                .on("code")
                .into())
            }
            recovery => Ok(recovery),
        }
    }

    pub fn me(&self, token: &SessionToken) -> Result<Me> {
        let actor = self.actor(token)?;
        let db = self.db();
        let today = crate::clock::local_date(self.clock().now());
        let row = users::by_id(&db.conn, actor.user_id)?.ok_or_else(|| ApiError::not_found("user"))?;
        let user = crate::users::view(&db.conn, row, today)?;
        let branches = crate::org::store::branches_visible(&db.conn, &actor.branches())?;
        Ok(Me {
            two_factor: row_has_second_factor(&db.conn, actor.user_id)?,
            two_factor_due_by: actor.two_factor_due_by,
            user,
            permissions: actor.permissions(),
            all_branches: actor.all_branches(),
            branches,
        })
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
        let current = password::check(&input.current_password, &user.password_hash);
        if matches!(current, Checked::Wrong) {
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
        // The second factor goes with the password: opened with the old
        // one, sealed with the new.
        let second = match (&current, &user.totp_sealed) {
            (Checked::Right(old), Some(sealed)) => two_factor::open(old, user.id, sealed)
                .map(|secret| two_factor::seal(&creds.seal, user.id, &secret))
                .transpose()?,
            _ => None,
        };
        self.write(Some(actor.user_id), |w| {
            crate::users::write_password(w, &user, &creds, false, second)?;
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
        // Wrong codes pause codes for the account, never its password
        // sign-in; a locked password does not stop a manager's code (that is
        // what the lock message sends people for).
        {
            let db = self.db();
            if let Some(until) = codes_paused_until(&db.conn, user_id)?.filter(|u| *u > now) {
                return Err(codes_paused(until).into());
            }
        }
        // The code is right when the one-time key it gives is the one the
        // manager put on the account, and it has not expired.
        let reset = keys::reset_key(user_id, &code);
        let issued = user.reset_key.as_deref() == Some(public_hex(&reset).as_str())
            && user.reset_expires_at.is_some_and(|until| until > now);
        if !issued {
            let db = self.db();
            return Err(wrong_code(&db.conn, user_id, now)?.unwrap_or_else(bad_code).into());
        }
        password::check_strength("new_password", &input.new_password, &[&user.full_name, &user.email])?;
        self.check_no_proof_owed(user.id)?;
        // The forgotten password's key cannot be opened: the account gets a
        // new one, signed in by the code's one-time key (the server accepts
        // that key once, for this account, until the code expires).
        let creds = keys::credentials(user_id, &input.new_password)?;
        self.write_signed(Some(user_id), Some(reset), |w| {
            crate::users::write_password(w, &user, &creds, false, None)?;
            // The new password signs in at once, whatever the old one's lock.
            w.tx().execute(
                "UPDATE login_state SET failures = 0, locked_until = NULL, code_failures = 0,
                        codes_locked_until = NULL
                 WHERE user_id = ?1",
                [user_id.to_string()],
            )?;
            Ok(())
        })
    }
}

#[derive(Deserialize)]
struct Lock {
    locked_until: Option<DateTime<Utc>>,
}

/// Whose wrong sign-ins are counted: an account's, or those for an email
/// no account holds (by its digest), counted and locked alike.
enum Attempts {
    Account(UserId),
    Unknown(String),
}

impl Attempts {
    /// Until when sign-in is locked, if it ever was.
    fn locked_until(&self, conn: &Connection) -> Result<Option<DateTime<Utc>>> {
        let (sql, key) = match self {
            Attempts::Account(u) => {
                ("SELECT locked_until FROM login_state WHERE user_id = ?1", u.to_string())
            }
            Attempts::Unknown(d) => {
                ("SELECT locked_until FROM unknown_sign_ins WHERE email_digest = ?1", d.clone())
            }
        };
        Ok(conn.query_row(sql, [key], read::row).optional()?.and_then(|l: Lock| l.locked_until))
    }

    /// Counts a failed attempt; the fifth locks sign-in for 15 minutes.
    fn failed(&self, conn: &Connection, device: &str, now: DateTime<Utc>) -> Result<ApiError> {
        let (count, lock) = match self {
            Attempts::Account(_) => (
                "INSERT INTO login_state (user_id, failures) VALUES (?1, 1)
                 ON CONFLICT (user_id) DO UPDATE SET failures = failures + 1 RETURNING failures",
                "UPDATE login_state SET failures = 0, locked_until = ?2 WHERE user_id = ?1",
            ),
            Attempts::Unknown(_) => (
                "INSERT INTO unknown_sign_ins (email_digest, failures) VALUES (?1, 1)
                 ON CONFLICT (email_digest) DO UPDATE SET failures = failures + 1 RETURNING failures",
                "UPDATE unknown_sign_ins SET failures = 0, locked_until = ?2 WHERE email_digest = ?1",
            ),
        };
        let key = match self {
            Attempts::Account(u) => u.to_string(),
            Attempts::Unknown(d) => d.clone(),
        };
        let failures: i64 = conn.query_row(count, [&key], read::value)?;
        if failures >= MAX_FAILURES {
            let until = now + Duration::minutes(LOCK_MINUTES);
            conn.execute(lock, (&key, until.to_rfc3339()))?;
            if let Attempts::Account(user) = self {
                audit_event(conn, device, *user, "lock", now)?;
            }
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
}

fn locked(until: DateTime<Utc>) -> ApiError {
    let local = until.with_timezone(&chrono::Local);
    ApiError::new(
        ErrorCode::AccountLocked,
        format!(
            "Too many wrong passwords or codes: this account is locked until {}. Try again then, or ask an administrator for a reset code.",
            local.format("%H:%M")
        ),
    )
}

#[derive(Deserialize)]
struct CodesPause {
    codes_locked_until: Option<DateTime<Utc>>,
}

/// Until when reset codes are not taken for the account, if ever.
fn codes_paused_until(conn: &Connection, user: UserId) -> Result<Option<DateTime<Utc>>> {
    Ok(conn
        .query_row(
            "SELECT codes_locked_until FROM login_state WHERE user_id = ?1",
            [user.to_string()],
            read::row,
        )
        .optional()?
        .and_then(|l: CodesPause| l.codes_locked_until))
}

fn codes_paused(until: DateTime<Utc>) -> ApiError {
    let local = until.with_timezone(&chrono::Local);
    ApiError::new(
        ErrorCode::AccountLocked,
        format!(
            "Too many wrong codes: reset codes for this account are not taken until {}. Signing in with the password still works.",
            local.format("%H:%M")
        ),
    )
    .on("code")
}

/// Counts a wrong reset code; the fifth pauses codes (not the password)
/// for 15 minutes, answered then.
fn wrong_code(conn: &Connection, user: UserId, now: DateTime<Utc>) -> Result<Option<ApiError>> {
    let failures: i64 = conn.query_row(
        "INSERT INTO login_state (user_id, code_failures) VALUES (?1, 1)
         ON CONFLICT (user_id) DO UPDATE SET code_failures = code_failures + 1
         RETURNING code_failures",
        [user.to_string()],
        read::value,
    )?;
    if failures < MAX_FAILURES {
        return Ok(None);
    }
    let until = now + Duration::minutes(LOCK_MINUTES);
    conn.execute(
        "UPDATE login_state SET code_failures = 0, codes_locked_until = ?2 WHERE user_id = ?1",
        (user.to_string(), until.to_rfc3339()),
    )?;
    Ok(Some(codes_paused(until)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use branchdesk_api::commands::system::SetupOrganisation;

    const EMAIL: &str = "meera@example.com";
    const PASSWORD: &str = "Saffron-Kite-81";

    fn user_ops(desk: &Desk, user: UserId) -> Vec<(String, Option<String>)> {
        let db = desk.db();
        let mut stmt = db
            .conn
            .prepare("SELECT columns, signature FROM outbox WHERE entity = 'users' AND entity_id = ?1 ORDER BY seq")
            .unwrap();
        let rows = stmt.query_map([user.to_string()], |r| Ok((r.get("columns")?, r.get("signature")?)));
        rows.unwrap().collect::<rusqlite::Result<_>>().unwrap()
    }

    #[test]
    fn a_hash_made_with_less_work_is_made_again_at_sign_in_for_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open(crate::DeskConfig::new(dir.path())).unwrap();
        desk.setup_organisation(SetupOrganisation {
            organisation_name: "Kiran Coaching".into(),
            currency: "INR".into(),
            branch_name: "Koramangala".into(),
            branch_code: "K2".into(),
            director_name: "Meera Iyer".into(),
            director_email: EMAIL.into(),
            director_password: PASSWORD.into(),
        })
        .unwrap();
        // The director's key, sealed under a hash of the earlier work
        // factor (19 MiB, 2 passes), as a desk of that version left it.
        let user = users::by_email(&desk.db().conn, EMAIL).unwrap().unwrap();
        let Checked::Right(seal) = password::check(PASSWORD, &user.password_hash) else { panic!("opens") };
        let key = keys::unseal(&seal, user.id, user.sealed_key.as_deref().unwrap()).unwrap();
        let old = password::derive_with(PASSWORD, 19 * 1024, 2).unwrap();
        let old_sealed = keys::seal_with(&old.seal.0, user.id, &key).unwrap();
        {
            let db = desk.db();
            let _permit = db.apply_permit();
            db.conn
                .execute(
                    "UPDATE users SET password_hash = ?1, sealed_key = ?2 WHERE id = ?3",
                    (&old.hash, &old_sealed, user.id.to_string()),
                )
                .unwrap();
        }
        assert!(password::outdated(&old.hash));
        let before = user_ops(&desk, user.id).len();

        let (token, _) = desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
        let now = users::by_id(&desk.db().conn, user.id).unwrap().unwrap();
        assert!(!password::outdated(&now.password_hash), "{}", now.password_hash);
        assert_eq!(now.public_key, user.public_key, "the same key pair");
        assert_ne!(now.sealed_key.as_deref(), Some(old_sealed.as_str()));
        let ops = user_ops(&desk, user.id);
        assert_eq!(ops.len(), before + 1, "one change, the person's own");
        let (columns, signature) = ops.last().unwrap();
        let columns: serde_json::Map<String, serde_json::Value> = serde_json::from_str(columns).unwrap();
        let mut names: Vec<&str> = columns.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["password_hash", "sealed_key", "updated_at"]);
        assert!(signature.is_some(), "signed by the key it seals");
        desk.logout(&token).unwrap();
        // The same password opens the new hash, and nothing is made again.
        desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
        assert_eq!(user_ops(&desk, user.id).len(), before + 1);
    }
}
