//! The sessions table: a random token held by the shell, only its digest on
//! disk; started at sign-in with its absolute expiry from settings, ended
//! on logout, on deactivation and on restore.

use crate::password::digest;
use crate::{settings, Result};
use branchdesk_api::ids::UserId;
use branchdesk_api::settings::SESSION_ABSOLUTE_HOURS;
use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

/// The secret that proves a signed-in session. Never written to disk.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(pub(crate) String);

impl SessionToken {
    pub(crate) fn generate() -> Self {
        Self(format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple()))
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(..)")
    }
}

pub(crate) fn start(conn: &Connection, user: UserId, now: DateTime<Utc>) -> Result<SessionToken> {
    let hours = settings::effective_int(conn, SESSION_ABSOLUTE_HOURS, None)?;
    let token = SessionToken::generate();
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
         VALUES (?1, ?2, ?3, ?3, ?4)",
        (digest(&token.0), user.to_string(), now.to_rfc3339(), (now + Duration::hours(hours)).to_rfc3339()),
    )?;
    Ok(token)
}

pub(crate) fn end_for_user(conn: &Connection, user: UserId, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE sessions SET ended_at = ?2 WHERE user_id = ?1 AND ended_at IS NULL",
        (user.to_string(), now.to_rfc3339()),
    )?;
    Ok(())
}

pub(crate) fn end_all(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    conn.execute("UPDATE sessions SET ended_at = ?1 WHERE ended_at IS NULL", [now.to_rfc3339()])?;
    Ok(())
}
