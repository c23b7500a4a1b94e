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

/// Starts a session; `sealed_key` seals the person's signing key under the
/// new token (`keys::seal_for_session`), kept in the session's row.
pub(crate) fn start(
    conn: &Connection,
    user: UserId,
    now: DateTime<Utc>,
    sealed_key: impl FnOnce(&SessionToken) -> Result<String>,
) -> Result<SessionToken> {
    let hours = settings::effective_int(conn, SESSION_ABSOLUTE_HOURS, None)?;
    let token = SessionToken::generate();
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, sealed_key)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5)",
        (
            digest(&token.0),
            user.to_string(),
            now.to_rfc3339(),
            (now + Duration::hours(hours)).to_rfc3339(),
            sealed_key(&token)?,
        ),
    )?;
    Ok(token)
}

/// Ends the person's sessions on this desk other than `keep` (after a
/// password change, the others hold a key that no longer signs).
pub(crate) fn end_others(
    conn: &Connection,
    user: UserId,
    keep: &SessionToken,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE sessions SET ended_at = ?3 WHERE user_id = ?1 AND token_hash <> ?2 AND ended_at IS NULL",
        (user.to_string(), digest(&keep.0), now.to_rfc3339()),
    )?;
    Ok(())
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
