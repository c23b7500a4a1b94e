//! The session a token stands for: checked for idle and absolute expiry
//! (from settings) and read as the actor with the grants in force; logout.

use crate::actor::{Actor, ActorGrant};
use crate::password::digest;
use crate::sessions::SessionToken;

/// Only refresh `last_seen_at` this often, so reads stay reads.
const SEEN_RESOLUTION_SECS: i64 = 30;
use crate::users::store as users;
use crate::{settings, Desk, Result};
use branchdesk_api::ids::UserId;
use branchdesk_api::settings::SESSION_IDLE_MINUTES;
use branchdesk_api::{ApiError, ErrorCode};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Deserialize;

impl Desk {
    /// Ends the session (logout). Unknown or ended tokens are fine.
    pub fn logout(&self, token: &SessionToken) -> Result<()> {
        let db = self.db();
        let ended: Option<String> = db
            .conn
            .query_row(
                "UPDATE sessions SET ended_at = ?2 WHERE token_hash = ?1 AND ended_at IS NULL RETURNING user_id",
                (digest(&token.0), self.clock().now().to_rfc3339()),
                crate::db::read::value,
            )
            .optional()?;
        if let Some(user) = ended.and_then(|u| uuid::Uuid::parse_str(&u).ok()) {
            self.keys.forget(UserId::from(user));
        }
        Ok(())
    }

    /// The person behind a session, with their grants in force today.
    pub fn actor(&self, token: &SessionToken) -> Result<Actor> {
        let db = self.db();
        let conn = &db.conn;
        let now = self.clock().now();
        let hash = digest(&token.0);
        let row: Option<SessionLookup> = conn
            .query_row(
                "SELECT user_id, last_seen_at, expires_at, ended_at, sealed_key FROM sessions WHERE token_hash = ?1",
                [&hash],
                crate::db::read::row,
            )
            .optional()?;
        let Some(SessionLookup { user_id, last_seen_at: last_seen, expires_at, ended_at, sealed_key }) = row
        else {
            return Err(signed_out().into());
        };
        if ended_at.is_some() {
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
        let Some(user) = users::by_id(conn, user_id)? else {
            return Err(signed_out().into());
        };
        if !user.active {
            end_session(conn, &hash, now)?;
            return Err(ApiError::new(ErrorCode::Unauthenticated, "This account was deactivated.").into());
        }
        // After a restart the key is opened again with the session's token.
        if !self.keys.has(user_id) {
            if let Some(key) = sealed_key.and_then(|s| crate::keys::open_for_session(token, user_id, &s)) {
                self.keys.put(user_id, key);
            }
        }
        if (now - last_seen).num_seconds() >= SEEN_RESOLUTION_SECS {
            conn.execute(
                "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
                (&hash, now.to_rfc3339()),
            )?;
        }
        let today = crate::clock::local_date(now);
        let in_force: Vec<_> = crate::users::grants::for_user(conn, user_id, today)?
            .into_iter()
            .filter(|g| g.grant.in_force)
            .collect();
        let needs_second = user.totp_sealed.is_none() && in_force.iter().any(|g| g.two_factor);
        let due_by = two_factor_due_since(conn, user_id, needs_second, now)?
            .map(|since| since + Duration::days(crate::actor::TWO_FACTOR_GRACE_DAYS));
        Ok(Actor {
            user_id,
            full_name: user.full_name,
            grants: in_force
                .into_iter()
                .map(|g| ActorGrant { branch_id: g.grant.branch_id, permissions: g.permissions })
                .collect(),
            must_change_password: user.must_change_password,
            two_factor_due_by: due_by,
            two_factor_overdue: due_by.is_some_and(|by| now >= by),
        })
    }
}

/// Since when this desk has seen the person due to set up two-factor
/// sign-in: started the first time they are seen needing it, cleared once
/// they no longer do (set up, or the role changed).
fn two_factor_due_since(
    conn: &Connection,
    user: UserId,
    needed: bool,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let since = conn
        .query_row(
            "SELECT two_factor_due_since FROM login_state WHERE user_id = ?1",
            [user.to_string()],
            crate::db::read::value::<Option<String>>,
        )
        .optional()?
        .flatten()
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc));
    match (needed, since) {
        (true, Some(since)) => Ok(Some(since)),
        (true, None) => {
            conn.execute(
                "INSERT INTO login_state (user_id, two_factor_due_since) VALUES (?1, ?2)
                 ON CONFLICT (user_id) DO UPDATE SET two_factor_due_since = ?2",
                (user.to_string(), now.to_rfc3339()),
            )?;
            Ok(Some(now))
        }
        (false, Some(_)) => {
            conn.execute(
                "UPDATE login_state SET two_factor_due_since = NULL WHERE user_id = ?1",
                [user.to_string()],
            )?;
            Ok(None)
        }
        (false, None) => Ok(None),
    }
}

/// A session as looked up by its token's digest.
#[derive(Deserialize)]
struct SessionLookup {
    user_id: UserId,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    ended_at: Option<String>,
    sealed_key: Option<String>,
}

fn end_session(conn: &Connection, hash: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute("UPDATE sessions SET ended_at = ?2 WHERE token_hash = ?1", (hash, now.to_rfc3339()))?;
    Ok(())
}

fn signed_out() -> ApiError {
    ApiError::new(ErrorCode::Unauthenticated, "Please sign in first.")
}
