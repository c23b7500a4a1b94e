//! The desk's half of sync that needs no network: which server, which
//! scopes and cursors, and applying pulled changes ([`apply`]). The HTTP
//! client lives in the `branchdesk-sync` crate.

pub mod apply;
mod conflicts;
mod held;
pub mod proofs;
pub mod snapshot;
mod unique;

use crate::db::read;
use crate::{org, Desk, Result};
use branchdesk_api::sync::ORG_SCOPE;
use branchdesk_api::ApiError;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct SyncConfig {
    pub server_url: Option<String>,
    pub device_token: Option<String>,
    /// The pin of the server's certificate (`branchdesk_api::pin`).
    pub server_pin: Option<String>,
    pub last_synced_at: Option<String>,
    pub last_error: Option<String>,
}

impl Desk {
    pub fn sync_config(&self) -> Result<SyncConfig> {
        let db = self.db();
        Ok(db.conn.query_row(
            "SELECT server_url, device_token, server_pin, last_synced_at, last_error FROM sync_state",
            [],
            read::row,
        )?)
    }

    /// Checks a server address as typed: `https://`, or plain `http://` to
    /// this machine only (a trial server, or one behind a local proxy).
    pub fn check_server_url(url: &str) -> Result<String> {
        let u = url.trim().trim_end_matches('/');
        let example = "Enter the server's address, e.g. https://sync.example.in";
        let bad = |why: &str| -> crate::Error { ApiError::invalid("server_url", why).into() };
        if u.len() > 500 || u.contains(char::is_whitespace) {
            return Err(bad(example));
        }
        let rest = match (u.strip_prefix("https://"), u.strip_prefix("http://")) {
            (Some(rest), _) => rest,
            (None, Some(rest)) => {
                if !is_loopback(authority(rest)) {
                    return Err(bad(
                        "Use https:// for a server on another computer: plain http:// would send \
                         everything readable across the network.",
                    ));
                }
                rest
            }
            _ => return Err(bad(example)),
        };
        let host = authority(rest);
        if host.is_empty() || rest.split(['/', '?', '#']).next().is_some_and(|a| a.contains('@')) {
            return Err(bad(example));
        }
        Ok(u.to_owned())
    }

    /// Keeps the pin of the server's certificate this desk trusts (None:
    /// the system's certificate authorities vouch for it).
    pub fn set_server_pin(&self, pin: Option<&str>) -> Result<()> {
        if let Some(p) = pin {
            if branchdesk_api::pin::JoinCode::parse(&format!("X/{p}")).is_err() {
                return Err(ApiError::invalid("code", "The server's pin in this code is damaged.").into());
            }
        }
        self.db().conn.execute("UPDATE sync_state SET server_pin = ?1", [pin])?;
        Ok(())
    }

    /// Links the desk to a server with the token it enrolled with, or
    /// unlinks it with `None`.
    pub fn set_server(&self, link: Option<(&str, &str)>) -> Result<()> {
        self.link_with_scopes(link, None)
    }

    /// As [`Desk::set_server`], remembering which branch scopes the server
    /// lets this desk sync (`None`: every branch it holds).
    pub fn link_with_scopes(&self, link: Option<(&str, &str)>, scopes: Option<&[String]>) -> Result<()> {
        let now = self.clock().now().to_rfc3339();
        let (url, token) = match link {
            Some((u, t)) => (Some(Self::check_server_url(u)?), Some(t.to_owned())),
            None => (None, None),
        };
        let scopes = scopes.map(serde_json::to_string).transpose()?;
        self.db().conn.execute(
            "UPDATE sync_state SET server_url = ?1, device_token = ?2, scopes = ?4,
                    server_pin = CASE WHEN ?1 IS NULL THEN NULL ELSE server_pin END,
                    linked_at = CASE WHEN ?1 IS NULL THEN NULL ELSE ?3 END, last_error = NULL",
            (url, token, now, scopes),
        )?;
        Ok(())
    }

    /// Keeps the number the server gave this desk (receipt numbers carry
    /// it). A desk never linked is number 1: only the desk that created the
    /// organisation can work before linking.
    pub fn set_desk_no(&self, desk_no: u32) -> Result<()> {
        if desk_no > 0 {
            self.db().conn.execute("UPDATE sync_state SET desk_no = ?1", [desk_no])?;
        }
        Ok(())
    }

    /// This desk's number in the organisation.
    pub fn desk_no(&self) -> Result<u32> {
        Ok(self.db().conn.query_row("SELECT desk_no FROM sync_state", [], read::value)?)
    }

    /// Who may link or unlink this desk, or revoke another: someone who
    /// manages settings for every branch (the server checks the same for
    /// revoking, by the person's signature).
    pub fn check_may_link(&self, actor: &crate::Actor) -> Result<()> {
        Ok(actor.require(branchdesk_api::Permission::ManageSetting, None)?)
    }

    /// Who may issue a code for another desk: for one branch, someone who
    /// manages its settings; for every branch, someone who manages them
    /// all (the server checks the same).
    pub fn check_may_issue_code(
        &self,
        actor: &crate::Actor,
        branch: Option<branchdesk_api::ids::BranchId>,
    ) -> Result<()> {
        Ok(actor.require(branchdesk_api::Permission::ManageSetting, branch)?)
    }

    /// The people whose key is open on this desk (signed in here now).
    pub fn signed_in_here(&self) -> Vec<branchdesk_api::ids::UserId> {
        self.keys.users()
    }

    /// `user`'s signature on a desk-management request from this desk,
    /// when they are signed in here (their key is open).
    pub fn authority(
        &self,
        user: branchdesk_api::ids::UserId,
        action: branchdesk_api::sync::DeviceAction<'_>,
    ) -> Result<branchdesk_api::sync::Authority> {
        let key = self.keys.get(user).ok_or_else(|| {
            branchdesk_api::ApiError::denied("Sign in again on this desk: your signing key is not open here.")
        })?;
        // The computer's own clock, not the desk's (a test desk's runs on
        // a manual one): the server takes the request only within minutes
        // of its own time, as a handshake would.
        let at = chrono::Utc::now().to_rfc3339();
        let user_id = user.to_string();
        let signature =
            branchdesk_api::canonical::signing::sign_request(&key, self.device_id(), action, &user_id, &at);
        Ok(branchdesk_api::sync::Authority { user_id, at, signature })
    }

    /// Who may see which desks are linked: someone who manages settings
    /// somewhere.
    pub fn check_may_list_desks(&self, actor: &crate::Actor) -> Result<()> {
        Ok(actor.require_somewhere(branchdesk_api::Permission::ManageSetting)?)
    }

    /// Only a desk with no organisation yet may join one.
    pub fn check_may_join(&self) -> Result<()> {
        if self.is_set_up()? {
            return Err(
                ApiError::new(branchdesk_api::ErrorCode::SetupState, "This desk is set up already.").into()
            );
        }
        Ok(())
    }

    /// Notes how a sync round ended, for the status bar.
    pub fn record_sync_result(&self, error: Option<&str>) -> Result<()> {
        let now = self.clock().now().to_rfc3339();
        let db = self.db();
        match error {
            None => db.conn.execute("UPDATE sync_state SET last_synced_at = ?1, last_error = NULL", [now])?,
            Some(e) => db.conn.execute("UPDATE sync_state SET last_error = ?1", [e])?,
        };
        Ok(())
    }

    /// The scopes this desk follows, organisation first (its rows are the
    /// parents of every branch's), with the last change applied from each.
    /// Forgets how far this desk has a scope, so the next pull downloads it
    /// all again (after its copy was found to differ from the server's).
    pub fn restart_scope(&self, scope: &str) -> Result<()> {
        self.db().conn.execute(
            "INSERT INTO sync_cursors (scope, scope_seq, chain) VALUES (?1, 0, '')
             ON CONFLICT (scope) DO UPDATE SET scope_seq = 0, chain = ''",
            [scope],
        )?;
        Ok(())
    }

    pub fn sync_cursors(&self) -> Result<Vec<(String, u64)>> {
        let db = self.db();
        let allowed: Option<Vec<String>> = db
            .conn
            .query_row("SELECT scopes FROM sync_state", [], read::value::<Option<String>>)?
            .and_then(|s| serde_json::from_str(&s).ok());
        let mut scopes = vec![ORG_SCOPE.to_owned()];
        scopes.extend(
            org::store::all_branches(&db.conn)?
                .into_iter()
                .map(|b| format!("branch:{}", b.id))
                .filter(|s| allowed.as_ref().is_none_or(|a| a.contains(s))),
        );
        let cursors: Vec<Cursor> =
            read::all(&mut *db.conn.prepare_cached("SELECT scope, scope_seq FROM sync_cursors")?, [])?;
        let stored: BTreeMap<String, u64> = cursors.into_iter().map(|c| (c.scope, c.scope_seq)).collect();
        Ok(scopes
            .into_iter()
            .map(|s| {
                let c = stored.get(&s).copied().unwrap_or(0);
                (s, c)
            })
            .collect())
    }

    /// Records that the server refused this desk's op `seq`, and why.
    pub fn mark_refused(&self, seq: u64, reason: &str) -> Result<()> {
        self.db()
            .conn
            .execute("UPDATE outbox SET refused_reason = ?2 WHERE seq = ?1", (seq as i64, reason))?;
        Ok(())
    }

    /// This desk's changes the server refused.
    pub fn refused_changes(&self) -> Result<Vec<branchdesk_api::commands::system::RefusedChange>> {
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(
            "SELECT o.seq, o.entity, o.entity_id, o.kind, o.created_at AS at,
                    coalesce(u.full_name, '') AS author, o.refused_reason AS reason
             FROM outbox o LEFT JOIN users u ON u.id = o.author_user_id
             WHERE o.refused_reason IS NOT NULL
             UNION ALL
             SELECT 0 AS seq, s.entity, s.entity_id, 'received ' || s.kind AS kind, s.set_aside_at AS at,
                    coalesce(u.full_name, '') AS author, 'not applied here: ' || s.reason AS reason
             FROM set_aside_changes s LEFT JOIN users u ON u.id = s.author_user_id
             ORDER BY at DESC LIMIT 500",
        )?;
        Ok(read::all(&mut stmt, [])?)
    }

    /// Values that lost a merge and are not yet resolved.
    pub fn open_conflicts(&self) -> Result<u64> {
        Ok(self.db().conn.query_row(
            "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL",
            [],
            read::value::<i64>,
        )? as u64)
    }
}

impl Desk {
    /// The refused-changes list, for a manager.
    pub fn list_refused_changes(
        &self,
        actor: &crate::Actor,
        _input: branchdesk_api::commands::system::ListRefusedChanges,
    ) -> Result<Vec<branchdesk_api::commands::system::RefusedChange>> {
        actor.require_somewhere(branchdesk_api::Permission::ManageSetting)?;
        self.refused_changes()
    }
}

/// The host of an address's authority (`host`, `host:port`, `[::1]:port`).
fn authority(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    }
}

/// This machine: `localhost` or a loopback address.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// How far this desk has applied one scope.
#[derive(Deserialize)]
struct Cursor {
    scope: String,
    scope_seq: u64,
}
