//! The embedded SQLite backend: zero set-up, for a single centre or a trial.

use super::{granted_role, Device, Enrolled, Kept, Store, StoreError};
use crate::authz::{self, AuthorGrant};
use crate::signatures::{self, Ahead, KeyFacts, Keyless};
use branchdesk_api::commands::channels::EmailChannel;
use branchdesk_api::delivery::{Outcome, Outgoing};
use branchdesk_api::sync::{Change, Op, PullRequest, PullResponse, PushResponse, Rejected};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

mod messages;

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    /// Snapshots are read through a connection of their own, so pushes go
    /// on while one is written.
    path: PathBuf,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

impl SqliteStore {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // 64 MB of pages: a push reads the rows and counters it changes,
        // which the default 2 MB keeps re-reading from the OS.
        conn.pragma_update(None, "cache_size", -65_536)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        embedded::migrations::runner().run(&mut conn).map_err(|e| StoreError::Backend(e.to_string()))?;
        chain_old_rows(&mut conn)?;
        refold_old_rows(&mut conn)?;
        Ok(Self { conn: Arc::new(Mutex::new(conn)), path: path.to_owned() })
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))?
    }
}

fn row(tx: &rusqlite::Transaction<'_>, entity: &str, id: &str) -> Result<Option<Kept>, StoreError> {
    let found: Option<(String, Option<String>)> = tx
        .prepare_cached("SELECT data, clocks FROM entity_rows WHERE entity = ?1 AND entity_id = ?2")?
        .query_row([entity, id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    found.map(|(d, c)| Kept::from_json(&d, c.as_deref())).transpose()
}

fn rows_where(
    tx: &rusqlite::Transaction<'_>,
    sql: &str,
    arg: &str,
) -> Result<Vec<Map<String, Value>>, StoreError> {
    let mut stmt = tx.prepare_cached(sql)?;
    let rows = stmt.query_map([arg], |r| r.get::<_, String>(0))?;
    rows.map(|d| serde_json::from_str(&d?).map_err(|e| StoreError::Backend(e.to_string()))).collect()
}

fn author_grants(
    tx: &rusqlite::Transaction<'_>,
    author: Option<&str>,
    recorded_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Vec<AuthorGrant>, StoreError> {
    let Some(author) = author else { return Ok(vec![]) };
    let grants = rows_where(
        tx,
        "SELECT data FROM entity_rows WHERE entity = 'role_grants' AND json_extract(data, '$.user_id') = ?1",
        author,
    )?;
    let roles = rows_where(tx, "SELECT data FROM entity_rows WHERE entity = ?1", "roles")?;
    Ok(authz::grants_in_force(
        &grants,
        &roles,
        &chrono::Utc::now().format("%Y-%m-%d").to_string(),
        recorded_at,
    ))
}

/// Whether the server holds the row.
fn exists(tx: &rusqlite::Transaction<'_>, entity: &str, id: &str) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM entity_rows WHERE entity = ?1 AND entity_id = ?2")?
        .exists([entity, id])?)
}

fn has_blob(tx: &rusqlite::Transaction<'_>, sha256: &str) -> Result<bool, StoreError> {
    Ok(tx.prepare_cached("SELECT 1 FROM blobs WHERE sha256 = ?1")?.exists([sha256])?)
}

/// The key whose holder proved `user`'s password, if any.
fn proven_key(tx: &rusqlite::Transaction<'_>, user: &str) -> Result<Option<String>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT public_key FROM key_proofs WHERE user_id = ?1")?
        .query_row([user], |r| r.get(0))
        .optional()?)
}

fn setting_up(tx: &rusqlite::Transaction<'_>) -> Result<bool, StoreError> {
    Ok(tx.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM entity_rows WHERE entity = 'role_grants')",
        [],
        |r| r.get(0),
    )?)
}

/// The active accounts without a key on record (`signatures::Keyless`).
fn keyless(tx: &rusqlite::Transaction<'_>) -> Result<Keyless, StoreError> {
    let ids: Vec<(String, bool)> = tx
        .prepare_cached(
            "SELECT entity_id, json_extract(data, '$.public_key') IS NOT NULL FROM entity_rows
             WHERE entity = 'users' AND coalesce(json_extract(data, '$.active'), 1) <> 0",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Keyless::of(ids))
}

/// The branches of a user's grants not revoked (None: every branch).
fn grant_branches(tx: &rusqlite::Transaction<'_>, user: &str) -> Result<Vec<Option<String>>, StoreError> {
    let rows = rows_where(
        tx,
        "SELECT data FROM entity_rows WHERE entity = 'role_grants' AND json_extract(data, '$.user_id') = ?1",
        user,
    )?;
    Ok(authz::live_grant_branches(&rows))
}

fn push(conn: &mut Connection, device_id: &str, ops: &[Op]) -> Result<PushResponse, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let last: u64 = tx
        .query_row("SELECT max(seq) FROM applied_ops WHERE device_id = ?1", [device_id], |r| {
            r.get::<_, Option<i64>>(0)
        })
        .optional()?
        .flatten()
        .unwrap_or(0) as u64;
    for op in ops.iter().filter(|op| op.seq <= last) {
        let held: Option<String> = tx
            .prepare_cached("SELECT op_id FROM applied_ops WHERE device_id = ?1 AND seq = ?2")?
            .query_row(rusqlite::params![device_id, op.seq as i64], |r| r.get(0))
            .optional()?;
        if held.is_some_and(|h| h != op.op_id) {
            return Err(StoreError::SeqReused { seq: op.seq, next: last + 1 });
        }
    }
    let mut expected = last + 1;
    let now = chrono::Utc::now().to_rfc3339();
    let mut keyless = keyless(&tx)?;
    // Each author's grants in force now, read once per push; cleared when a
    // grant or a role changes in it.
    let mut grants_now: std::collections::HashMap<String, Vec<AuthorGrant>> = Default::default();
    let mut rejected = Vec::new();
    let new: Vec<&Op> = ops.iter().filter(|op| op.seq > last).collect();
    let ahead = Ahead::check(device_id, new.iter().copied(), setting_up(&tx)?, |author| {
        row(&tx, "users", author)
            .ok()
            .flatten()
            .and_then(|r| signatures::key_of(Some(&r.data)).map(str::to_owned))
    });
    for (i, op) in new.into_iter().enumerate() {
        if op.seq != expected {
            return Err(StoreError::Gap { expected, got: op.seq });
        }
        expected += 1;
        // Until the first grant arrives, the first desk is uploading the
        // organisation it created: nobody holds a role yet to check against.
        let setting_up = setting_up(&tx)?;
        if signatures::unsigned(op, setting_up) {
            return Err(StoreError::Unsigned { seq: op.seq });
        }
        let before = row(&tx, &op.entity, &op.entity_id)?;
        // A malformed op is refused before authorisation, money too (see
        // `validate::columns`); the catalogue check asks for no grant.
        let author_row = match op.author_user_id.as_deref() {
            Some(a) => row(&tx, "users", a)?,
            None => None,
        };
        let author_data = author_row.as_ref().map(|k| &k.data);
        let author_key = signatures::key_of(author_data);
        let proven = match (author_key, op.author_user_id.as_deref()) {
            (None, Some(a)) => proven_key(&tx, a)?,
            _ => None,
        };
        let keys = KeyFacts {
            setting_up,
            cut_over: keyless.cut_over(),
            author_key,
            reset_key: signatures::reset_of(author_data, chrono::Utc::now()),
            proven_key: proven.as_deref(),
            checked_ahead: ahead.key(i),
        };
        let (verdict, flag) = if let Err(reason) = crate::validate::columns(op) {
            (Err(reason), None)
        } else if let Err(reason) = signatures::check(device_id, op, &keys) {
            (Err(reason), None)
        } else if let Err(reason) = match keys.parents_checked() {
            true => crate::validate::missing_parent(op, |t, id| exists(&tx, t, id))?,
            false => Ok(()),
        } {
            (Err(reason), None)
        } else if let Err(reason) = super::missing_blob(op, |sha| has_blob(&tx, sha))? {
            (Err(reason), None)
        } else if setting_up {
            (Ok(()), None)
        } else {
            let at = authz::money_time(op, chrono::Utc::now());
            // Grants as of now are read once per author and push (money is
            // judged as of its own time, each op on its own).
            let grants = match (at, op.author_user_id.as_deref()) {
                (None, Some(author)) => match grants_now.get(author) {
                    Some(g) => g.clone(),
                    None => {
                        let g = author_grants(&tx, Some(author), None)?;
                        grants_now.insert(author.to_owned(), g.clone());
                        g
                    }
                },
                _ => author_grants(&tx, op.author_user_id.as_deref(), at)?,
            };
            let target = if op.entity == "users" { grant_branches(&tx, &op.entity_id)? } else { vec![] };
            let granted = match granted_role(op, before.as_ref().map(|k| &k.data)) {
                Some(role) => row(&tx, "roles", role)?.map(|k| authz::role_permissions(&k.data)),
                None => None,
            };
            let related = super::related(op, before.as_ref().map(|k| &k.data), |t, id| {
                row(&tx, t, id).map(|k| k.map(|k| k.data))
            })?;
            let facts = authz::Facts {
                op,
                before: before.as_ref().map(|k| &k.data),
                grants: &grants,
                target_branches: &target,
                granted: granted.as_deref(),
                related,
            };
            (authz::check(&facts), authz::flag(&facts))
        };
        if let Err(reason) = verdict {
            tx.prepare_cached(
                "INSERT INTO applied_ops (device_id, seq, op_id, status, reason, received_at)
                 VALUES (?1, ?2, ?3, 'rejected', ?4, ?5)",
            )?
            .execute(rusqlite::params![device_id, op.seq as i64, op.op_id, reason, now])?;
            rejected.push(Rejected { seq: op.seq, op_id: op.op_id.clone(), reason });
            continue;
        }
        log_change(&tx, device_id, op)?;
        tx.prepare_cached(
            "INSERT INTO applied_ops (device_id, seq, op_id, status, received_at) VALUES (?1, ?2, ?3, 'accepted', ?4)",
        )?
        .execute(rusqlite::params![device_id, op.seq as i64, op.op_id, now])?;
        let mut kept = before.unwrap_or_default();
        kept.merge(&op.entity_id, &op.columns, &op.hlc);
        if let Some(copy) = crate::mirror::carried(op, &kept.data) {
            log_change(&tx, device_id, &copy)?;
        }
        if let Some(review) = flag.and_then(|reason| crate::mirror::review(op, &kept.data, &reason, &now)) {
            log_change(&tx, device_id, &review)?;
            keep_row(&tx, &review.entity, &review.entity_id, &Kept::of(&review))?;
        }
        if op.entity == "users" {
            keyless.note(&op.entity_id, &kept.data);
        }
        if op.entity == "role_grants" || op.entity == "roles" {
            grants_now.clear();
        }
        keep_row(&tx, &op.entity, &op.entity_id, &kept)?;
        if op.entity == "notifications" {
            messages::take_on(&tx, op, &kept)?;
        }
    }
    tx.commit()?;
    Ok(PushResponse { acked_through: expected - 1, rejected })
}

/// Keeps a row as it now stands (authorisation reads it for later ops;
/// snapshots are read from it).
fn keep_row(tx: &rusqlite::Transaction<'_>, entity: &str, id: &str, kept: &Kept) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO entity_rows (entity, entity_id, data, clocks) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (entity, entity_id) DO UPDATE SET data = ?3, clocks = ?4",
    )?
    .execute(rusqlite::params![entity, id, json(&kept.data), json(&kept.clocks)])?;
    Ok(())
}

fn json(map: &Map<String, Value>) -> String {
    serde_json::to_string(map).unwrap_or_default()
}

/// Appends `op` to its scope's change log under the scope's next number,
/// extending the scope's hash chain.
fn log_change(tx: &rusqlite::Transaction<'_>, device_id: &str, op: &Op) -> Result<(), StoreError> {
    let (scope_seq, previous): (i64, String) = tx
        .prepare_cached(
            "INSERT INTO scope_counters (scope, last_seq) VALUES (?1, 1)
             ON CONFLICT (scope) DO UPDATE SET last_seq = last_seq + 1
             RETURNING last_seq, chain",
        )?
        .query_row([&op.scope], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let chain = branchdesk_api::sync::chain_step(&previous, &op.op_id);
    tx.prepare_cached("UPDATE scope_counters SET chain = ?2, max_hlc = max(max_hlc, ?3) WHERE scope = ?1")?
        .execute((&op.scope, &chain, &op.hlc))?;
    list_row(tx, &op.scope, &op.entity, &op.entity_id)?;
    let json = serde_json::to_string(op).map_err(|e| StoreError::Backend(e.to_string()))?;
    tx.prepare_cached(
        "INSERT INTO change_log (scope, scope_seq, device_id, op, chain, logged_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(rusqlite::params![op.scope, scope_seq, device_id, json, chain, chrono::Utc::now().to_rfc3339()])?;
    Ok(())
}

/// Lists a row among those its scope's snapshot holds.
fn list_row(tx: &rusqlite::Transaction<'_>, scope: &str, entity: &str, id: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO scope_rows (scope, entity, entity_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
    )?
    .execute((scope, entity, id))?;
    Ok(())
}

/// Chains the changes logged before the log had chains (once, on open).
fn chain_old_rows(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let rows: Vec<(String, i64, String)> = tx
        .prepare(
            "SELECT scope, scope_seq, json_extract(op, '$.op_id') FROM change_log
             WHERE scope IN (SELECT DISTINCT scope FROM change_log WHERE chain IS NULL)
             ORDER BY scope, scope_seq",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (scope, links) in super::chain_links(rows) {
        for (seq, chain) in &links {
            tx.execute(
                "UPDATE change_log SET chain = ?3 WHERE scope = ?1 AND scope_seq = ?2",
                (&scope, seq, chain),
            )?;
        }
        if let Some((_, last)) = links.last() {
            tx.execute("UPDATE scope_counters SET chain = ?2 WHERE scope = ?1", (&scope, last))?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Fills the clocks, scope lists and newest clocks of a store whose rows
/// were kept before they existed (once, on open), from the whole log.
fn refold_old_rows(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let stale: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM entity_rows WHERE clocks IS NULL)", [], |r| r.get(0))?;
    if !stale {
        return Ok(());
    }
    let mut fold = super::Refold::new();
    {
        let mut stmt = tx.prepare("SELECT scope, op FROM change_log")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let scope: String = r.get(0)?;
            let op: Op = serde_json::from_str(&r.get::<_, String>(1)?)
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            fold.add(&scope, &op);
        }
    }
    tx.execute("DELETE FROM entity_rows", [])?;
    for ((entity, id), kept) in &fold.rows {
        keep_row(&tx, entity, id, kept)?;
    }
    for (scope, entity, id) in &fold.scope_rows {
        list_row(&tx, scope, entity, id)?;
    }
    for (scope, max) in &fold.max_hlc {
        tx.execute("UPDATE scope_counters SET max_hlc = ?2 WHERE scope = ?1", (scope, max))?;
    }
    tx.commit()?;
    Ok(())
}

/// Writes `scope`'s rows into a snapshot file with one statement per table,
/// read in one transaction of its own connection (WAL: writers go on
/// meanwhile).
fn snapshot(path: &Path, device_id: &str, scope: &str, dest: &Path) -> Result<u64, StoreError> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let dest = dest.to_str().ok_or_else(|| StoreError::Backend("snapshot path is not text".into()))?;
    conn.execute("ATTACH DATABASE ?1 AS snap", [dest])?;
    crate::snapshot::create(&conn, "snap")?;
    let tx = conn.transaction()?;
    let (cursor, chain, max_hlc): (i64, String, String) = tx
        .query_row("SELECT last_seq, chain, max_hlc FROM scope_counters WHERE scope = ?1", [scope], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .unwrap_or((0, String::new(), String::new()));
    let device_acked: Option<i64> =
        tx.query_row("SELECT max(seq) FROM applied_ops WHERE device_id = ?1", [device_id], |r| r.get(0))?;
    let mut copy = tx.prepare(
        "INSERT INTO snap.rows (entity, entity_id, data, clocks)
         SELECT s.entity, s.entity_id, e.data, coalesce(e.clocks, '{}') FROM scope_rows s
         JOIN entity_rows e ON e.entity = s.entity AND e.entity_id = s.entity_id
         WHERE s.scope = ?1 AND s.entity = ?2 ORDER BY s.entity_id",
    )?;
    for entity in branchdesk_api::sync::SYNCED_ENTITIES {
        copy.execute([scope, entity])?;
    }
    drop(copy);
    let head = crate::snapshot::Head {
        scope: scope.to_owned(),
        cursor: cursor as u64,
        chain,
        max_hlc,
        device_acked: device_acked.unwrap_or(0) as u64,
    };
    let rows = crate::snapshot::finish(&tx, "snap", &head)?;
    tx.commit()?;
    Ok(rows)
}

fn pull(
    conn: &mut Connection,
    req: &PullRequest,
    limit: usize,
    max_bytes: usize,
) -> Result<PullResponse, StoreError> {
    let tx = conn.transaction()?;
    // The page's size so far, and whether it stopped for it.
    let (mut bytes, mut full) = (0usize, false);
    let mut changes = Vec::new();
    let mut cursors = req.cursors.clone();
    let mut chains = BTreeMap::new();
    let mut more = false;
    let mut heads = BTreeMap::new();
    for (scope, cursor) in &req.cursors {
        let (horizon, head): (i64, i64) = tx
            .prepare_cached("SELECT horizon, last_seq FROM scope_counters WHERE scope = ?1")?
            .query_row([scope], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((0, 0));
        heads.insert(scope.clone(), head as u64);
        if (*cursor as i64) < horizon {
            return Err(StoreError::Behind { scope: scope.clone(), horizon: horizon as u64 });
        }
        if full {
            continue;
        }
        let room = limit.saturating_sub(changes.len());
        let mut stmt = tx.prepare_cached(
            "SELECT scope_seq, device_id, op, chain FROM change_log
             WHERE scope = ?1 AND scope_seq > ?2 ORDER BY scope_seq LIMIT ?3",
        )?;
        let rows = stmt.query_map(rusqlite::params![scope, *cursor as i64, room as i64 + 1], |r| {
            Ok((
                r.get::<_, i64>(0)? as u64,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        for (i, row) in rows.enumerate() {
            let (scope_seq, device_id, op, chain) = row?;
            if i == room {
                more = true;
                break;
            }
            if !changes.is_empty() && bytes + op.len() > max_bytes {
                (more, full) = (true, true);
                break;
            }
            bytes += op.len();
            if let Some(c) = chain {
                chains.insert(scope.clone(), c);
            }
            let op: Op = serde_json::from_str(&op).map_err(|e| StoreError::Backend(e.to_string()))?;
            cursors.insert(scope.clone(), scope_seq);
            changes.push(Change { scope: scope.clone(), scope_seq, device_id, op });
        }
    }
    Ok(PullResponse { changes, cursors, more, heads, chains })
}

impl Store for SqliteStore {
    async fn push(&self, device_id: String, ops: Vec<Op>) -> Result<PushResponse, StoreError> {
        self.blocking(move |c| push(c, &device_id, &ops)).await
    }

    async fn pull(
        &self,
        req: PullRequest,
        limit: usize,
        max_bytes: usize,
    ) -> Result<PullResponse, StoreError> {
        self.blocking(move |c| pull(c, &req, limit, max_bytes)).await
    }

    async fn heads(
        &self,
        scopes: Vec<String>,
    ) -> Result<std::collections::BTreeMap<String, u64>, StoreError> {
        self.blocking(move |c| {
            let mut stmt = c.prepare_cached("SELECT last_seq FROM scope_counters WHERE scope = ?1")?;
            let mut out = std::collections::BTreeMap::new();
            for s in scopes {
                if let Some(seq) = stmt.query_row([&s], |r| r.get::<_, i64>(0)).optional()? {
                    out.insert(s, seq as u64);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn enrol(
        &self,
        device_id: String,
        code: String,
        holder: Option<String>,
    ) -> Result<Enrolled, StoreError> {
        self.blocking(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now = chrono::Utc::now().to_rfc3339();
            let hash = super::digest(&super::normalise_code(&code));
            let facts: Option<super::EnrolFacts> = tx
                .query_row(
                    "SELECT c.kind = 'bootstrap',
                            c.issued_by IS NOT NULL AND NOT EXISTS
                                (SELECT 1 FROM devices i WHERE i.device_id = c.issued_by AND i.revoked_at IS NULL),
                            (SELECT count(*) FROM devices WHERE revoked_at IS NULL),
                            d.device_id IS NOT NULL, d.revoked_at IS NULL,
                            coalesce(d.revoked_at < c.created_at, 0)
                     FROM enrolment_codes c LEFT JOIN devices d ON d.device_id = ?3
                     WHERE c.code_hash = ?1 AND c.used_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > ?2)",
                    (&hash, &now, &device_id),
                    |r| {
                        Ok(super::EnrolFacts {
                            bootstrap: r.get(0)?,
                            issuer_revoked: r.get(1)?,
                            live_desks: r.get(2)?,
                            known: r.get(3)?,
                            live: r.get(4)?,
                            revoked_before_code: r.get(5)?,
                        })
                    },
                )
                .optional()?;
            let facts = facts.ok_or(StoreError::BadCode)?;
            super::may_enrol(&facts, &device_id, holder.as_deref())?;
            let scopes: Option<String> = tx.query_row(
                "UPDATE enrolment_codes SET used_at = ?2, used_by = ?3 WHERE code_hash = ?1 RETURNING scopes",
                (&hash, &now, &device_id),
                |r| r.get(0),
            )?;
            let token = super::new_token();
            tx.execute(
                "INSERT INTO devices (device_id, token_hash, enrolled_at, scopes) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (device_id) DO UPDATE SET token_hash = ?2, enrolled_at = ?3, revoked_at = NULL, scopes = ?4",
                (&device_id, super::digest(&token), &now, &scopes),
            )?;
            let desk_no: u32 = tx.query_row(
                "UPDATE devices SET desk_no = coalesce(desk_no, (SELECT coalesce(max(desk_no), 0) + 1 FROM devices))
                 WHERE device_id = ?1 RETURNING desk_no",
                [&device_id],
                |r| r.get(0),
            )?;
            tx.commit()?;
            Ok(Enrolled { token, scopes: super::scopes_from_text(scopes), desk_no })
        })
        .await
    }

    async fn authenticate(&self, token: String) -> Result<Device, StoreError> {
        self.blocking(move |c| {
            let row: Option<(String, Option<String>, Option<String>)> = c
                .query_row(
                    "SELECT device_id, revoked_at, scopes FROM devices WHERE token_hash = ?1",
                    [super::digest(&token)],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            match row {
                None => Err(StoreError::UnknownDevice),
                Some((_, Some(_), _)) => Err(StoreError::Revoked),
                Some((id, None, scopes)) => Ok(Device { id, scopes: super::scopes_from_text(scopes) }),
            }
        })
        .await
    }

    async fn issue_code(&self, issuer: String, scopes: Option<Vec<String>>) -> Result<String, StoreError> {
        self.blocking(move |c| {
            let code = super::new_code();
            let now = chrono::Utc::now();
            c.execute(
                "INSERT INTO enrolment_codes (code_hash, kind, created_at, expires_at, scopes, issued_by)
                 VALUES (?1, 'enrol', ?2, ?3, ?4, ?5)",
                (
                    super::digest(&super::normalise_code(&code)),
                    now.to_rfc3339(),
                    (now + chrono::Duration::hours(super::CODE_HOURS)).to_rfc3339(),
                    super::scopes_to_text(&scopes),
                    issuer,
                ),
            )?;
            Ok(code)
        })
        .await
    }

    async fn devices(&self) -> Result<Vec<branchdesk_api::sync::LinkedDevice>, StoreError> {
        self.blocking(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT d.device_id, d.desk_no, d.scopes, d.enrolled_at, d.revoked_at,
                        (SELECT max(received_at) FROM applied_ops a WHERE a.device_id = d.device_id)
                 FROM devices d ORDER BY d.desk_no",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(branchdesk_api::sync::LinkedDevice {
                    device_id: r.get(0)?,
                    desk_no: r.get::<_, Option<u32>>(1)?.unwrap_or(0),
                    scopes: super::scopes_from_text(r.get(2)?),
                    enrolled_at: r.get(3)?,
                    revoked_at: r.get(4)?,
                    last_push_at: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn revoke(&self, device_id: String) -> Result<(), StoreError> {
        self.blocking(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "UPDATE devices SET revoked_at = ?2 WHERE device_id = ?1 AND revoked_at IS NULL",
                (&device_id, chrono::Utc::now().to_rfc3339()),
            )?;
            tx.execute("DELETE FROM enrolment_codes WHERE issued_by = ?1 AND used_at IS NULL", [&device_id])?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn bootstrap_code(&self) -> Result<Option<String>, StoreError> {
        self.blocking(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let live: i64 =
                tx.query_row("SELECT count(*) FROM devices WHERE revoked_at IS NULL", [], |r| r.get(0))?;
            if live > 0 {
                return Ok(None);
            }
            tx.execute("DELETE FROM enrolment_codes WHERE kind = 'bootstrap' AND used_at IS NULL", [])?;
            let code = super::new_code();
            let now = chrono::Utc::now();
            tx.execute(
                "INSERT INTO enrolment_codes (code_hash, kind, created_at, expires_at) VALUES (?1, 'bootstrap', ?2, ?3)",
                (
                    super::digest(&super::normalise_code(&code)),
                    now.to_rfc3339(),
                    (now + chrono::Duration::hours(super::BOOTSTRAP_HOURS)).to_rfc3339(),
                ),
            )?;
            tx.commit()?;
            Ok(Some(code))
        })
        .await
    }

    async fn compact(&self, before: chrono::DateTime<chrono::Utc>) -> Result<u64, StoreError> {
        self.blocking(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let before = before.to_rfc3339();
            let scopes: Vec<(String, i64, i64)> = tx
                .prepare("SELECT scope, horizon, last_seq FROM scope_counters")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut dropped = 0;
            for (scope, horizon, head) in scopes {
                // Commit order is time order: walk from the horizon to the
                // first change inside the window (an hour's worth, not the log).
                let kept_from: Option<i64> = tx
                    .prepare_cached(
                        "SELECT scope_seq FROM change_log WHERE scope = ?1 AND scope_seq > ?2 AND logged_at >= ?3
                         ORDER BY scope_seq LIMIT 1",
                    )?
                    .query_row((&scope, horizon, &before), |r| r.get(0))
                    .optional()?;
                let new_horizon = kept_from.map_or(head, |seq| seq - 1);
                if new_horizon <= horizon {
                    continue;
                }
                dropped += tx.execute(
                    "DELETE FROM change_log WHERE scope = ?1 AND scope_seq <= ?2",
                    (&scope, new_horizon),
                )? as u64;
                tx.execute("UPDATE scope_counters SET horizon = ?2 WHERE scope = ?1", (&scope, new_horizon))?;
            }
            tx.commit()?;
            Ok(dropped)
        })
        .await
    }

    async fn snapshot(&self, device_id: String, scope: String, dest: PathBuf) -> Result<u64, StoreError> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || snapshot(&path, &device_id, &scope, &dest))
            .await
            .map_err(|e| StoreError::Backend(e.to_string()))?
    }

    async fn person(&self, user_id: String) -> Result<super::Person, StoreError> {
        self.blocking(move |conn| {
            let tx = conn.transaction()?;
            let account = row(&tx, "users", &user_id)?.map(|k| k.data);
            let grants = author_grants(&tx, Some(&user_id), None)?;
            Ok(super::Person { account, grants, setting_up: setting_up(&tx)? })
        })
        .await
    }

    async fn record_proof(
        &self,
        user_id: String,
        public_key: String,
        device_id: String,
    ) -> Result<(), StoreError> {
        self.blocking(move |conn| {
            conn.execute(
                "INSERT INTO key_proofs (user_id, public_key, proven_at, device_id) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (user_id) DO UPDATE SET public_key = ?2, proven_at = ?3, device_id = ?4",
                (user_id, public_key, chrono::Utc::now().to_rfc3339(), device_id),
            )?;
            Ok(())
        })
        .await
    }

    async fn ready(&self) -> Result<(), StoreError> {
        self.blocking(|c| Ok(c.query_row("SELECT 1", [], |_| Ok(()))?)).await
    }

    async fn put_blob(&self, sha256: String, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.blocking(move |conn| {
            conn.execute(
                "INSERT INTO blobs (sha256, bytes, size, stored_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                rusqlite::params![sha256, bytes, bytes.len() as i64, chrono::Utc::now().to_rfc3339()],
            )?;
            Ok(())
        })
        .await
    }

    async fn attachment_file(
        &self,
        attachment_id: String,
    ) -> Result<Option<super::AttachedFile>, StoreError> {
        self.blocking(move |conn| {
            let tx = conn.transaction()?;
            let Some(kept) = row(&tx, "attachments", &attachment_id)? else { return Ok(None) };
            let sha = kept.data.get("sha256").and_then(Value::as_str).unwrap_or_default().to_owned();
            let bytes: Option<Vec<u8>> = tx
                .prepare_cached("SELECT bytes FROM blobs WHERE sha256 = ?1")?
                .query_row([sha], |r| r.get(0))
                .optional()?;
            Ok(Some((kept.data, bytes)))
        })
        .await
    }

    async fn email_channel(&self) -> Result<Option<EmailChannel>, StoreError> {
        self.blocking(|conn| messages::email_channel(conn)).await
    }

    async fn save_email_channel(&self, email: EmailChannel) -> Result<(), StoreError> {
        self.blocking(move |conn| messages::save_email_channel(conn, email)).await
    }

    async fn take_due(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        channels: Vec<String>,
        limit: usize,
    ) -> Result<Vec<Outgoing>, StoreError> {
        self.blocking(move |conn| messages::take_due(conn, now, &channels, limit)).await
    }

    async fn record_delivery(
        &self,
        id: String,
        outcome: Outcome,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        self.blocking(move |conn| messages::record_delivery(conn, &id, &outcome, now)).await
    }

    async fn next_retry_at(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
        self.blocking(|conn| messages::next_retry_at(conn)).await
    }
}
