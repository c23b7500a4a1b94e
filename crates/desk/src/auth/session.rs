//! Sessions: a random token held by the shell, only its digest on disk;
//! idle and absolute expiry read from settings; ended on logout, on
//! deactivation and on restore.

use super::actor::{Actor, ActorGrant};
use super::digest;
use crate::users::store as users;
use crate::{settings, Desk, Result};
use branchdesk_api::ids::UserId;
use branchdesk_api::settings::{SESSION_ABSOLUTE_HOURS, SESSION_IDLE_MINUTES};
use branchdesk_api::{ApiError, ErrorCode};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension};

/// The secret that proves a signed-in session. Never written to disk.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

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

/// Only refresh `last_seen_at` this often, so reads stay reads.
const SEEN_RESOLUTION_SECS: i64 = 30;

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

impl Desk {
    /// Ends the session (logout). Unknown or ended tokens are fine.
    pub fn logout(&self, token: &SessionToken) -> Result<()> {
        let db = self.db();
        db.conn.execute(
            "UPDATE sessions SET ended_at = ?2 WHERE token_hash = ?1 AND ended_at IS NULL",
            (digest(&token.0), self.clock().now().to_rfc3339()),
        )?;
        Ok(())
    }

    /// The person behind a session, with their grants in force today.
    pub fn actor(&self, token: &SessionToken) -> Result<Actor> {
        let db = self.db();
        let conn = &db.conn;
        let now = self.clock().now();
        let hash = digest(&token.0);
        let row = conn
            .query_row(
                "SELECT user_id, last_seen_at, expires_at, ended_at FROM sessions WHERE token_hash = ?1",
                [&hash],
                |r| {
                    Ok((
                        crate::db::cols::uuid(r, 0)?,
                        crate::db::cols::time(r, 1)?,
                        crate::db::cols::time(r, 2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((user_id, last_seen, expires_at, ended)) = row else {
            return Err(signed_out().into());
        };
        if ended.is_some() {
            return Err(signed_out().into());
        }
        let idle = settings::effective_int(conn, SESSION_IDLE_MINUTES, None)?;
        if now >= expires_at || now - last_seen >= Duration::minutes(idle) {
            end_session(conn, &hash, now)?;
            return Err(ApiError::new(
                ErrorCode::SessionExpired,
                "Your session has ended. Sign in again to continue.",
            )
            .into());
        }
        let user_id = UserId(user_id);
        let Some(user) = users::by_id(conn, user_id.0)? else {
            return Err(signed_out().into());
        };
        if !user.active {
            end_session(conn, &hash, now)?;
            return Err(ApiError::new(ErrorCode::Unauthenticated, "This account was deactivated.").into());
        }
        if (now - last_seen).num_seconds() >= SEEN_RESOLUTION_SECS {
            conn.execute(
                "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
                (&hash, now.to_rfc3339()),
            )?;
        }
        let today = crate::clock::local_date(now);
        let grants = crate::users::grants::for_user(conn, user_id, today)?
            .into_iter()
            .filter(|g| g.grant.in_force)
            .map(|g| ActorGrant { branch_id: g.grant.branch_id, permissions: g.permissions })
            .collect();
        Ok(Actor { user_id, full_name: user.full_name, grants })
    }
}

fn end_session(conn: &Connection, hash: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute("UPDATE sessions SET ended_at = ?2 WHERE token_hash = ?1", (hash, now.to_rfc3339()))?;
    Ok(())
}

fn signed_out() -> ApiError {
    ApiError::new(ErrorCode::Unauthenticated, "Please sign in first.")
}
