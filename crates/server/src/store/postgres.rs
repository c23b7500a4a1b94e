//! The PostgreSQL backend, for a chain: several stateless server instances
//! can share one database.

use super::{Device, Enrolled, Kept, Store, StoreError};
use crate::authz;
use crate::signatures::{self, Ahead, KeyFacts, Keyless};
use branchdesk_api::commands::channels::EmailChannel;
use branchdesk_api::delivery::{Outcome, Outgoing};
use branchdesk_api::sync::{Change, Op, PullRequest, PullResponse, PushResponse, Rejected};
use deadpool_postgres::{Manager, Pool};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use tokio_postgres::IsolationLevel;

mod messages;

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

impl From<tokio_postgres::Error> for StoreError {
    /// With its causes: "error performing TLS handshake" alone does not say
    /// that the certificate was not trusted.
    fn from(e: tokio_postgres::Error) -> Self {
        let mut text = e.to_string();
        let mut cause = std::error::Error::source(&e);
        while let Some(c) = cause {
            text.push_str(": ");
            text.push_str(&c.to_string());
            cause = c.source();
        }
        StoreError::Backend(text)
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Backend(e.to_string())
    }
}

impl PgStore {
    /// Connects, migrates, and keeps a pool of up to `max` connections.
    pub async fn connect(url: &str, max: usize) -> Result<Self, StoreError> {
        Self::connect_with_ca(url, max, None).await
    }

    /// As [`PgStore::connect`], checking the database's certificate
    /// against `ca` when the URL says `sslmode=verify-full`.
    pub async fn connect_with_ca(
        url: &str,
        max: usize,
        ca: Option<&std::path::Path>,
    ) -> Result<Self, StoreError> {
        let (config, tls) = super::pg_tls::config(url, ca)?;
        let (mut client, conn) = config.connect(tls.clone()).await?;
        let driver = tokio::spawn(conn);
        embedded::migrations::runner()
            .run_async(&mut client)
            .await
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        chain_old_rows(&mut client).await?;
        refold_old_rows(&mut client).await?;
        drop(client);
        let _ = driver.await;
        let manager = Manager::new(config, tls);
        let pool =
            Pool::builder(manager).max_size(max).build().map_err(|e| StoreError::Backend(e.to_string()))?;
        Ok(Self { pool })
    }
}

/// Chains the changes logged before the log had chains (once, on connect).
/// A row as this push left it, else as the store holds it.
async fn held_row(
    tx: &tokio_postgres::Transaction<'_>,
    rows: &HashMap<(String, String), Kept>,
    entity: &str,
    id: &str,
) -> Result<Option<Map<String, Value>>, StoreError> {
    if let Some(k) = rows.get(&(entity.to_owned(), id.to_owned())) {
        return Ok(Some(k.data.clone()));
    }
    let found = tx
        .query_opt("SELECT data FROM entity_rows WHERE entity = $1 AND entity_id = $2", &[&entity, &id])
        .await?;
    Ok(found.and_then(|r| r.get::<_, Value>(0).as_object().cloned()))
}

async fn chain_old_rows(client: &mut tokio_postgres::Client) -> Result<(), StoreError> {
    let tx = client.transaction().await?;
    let rows = tx
        .query(
            "SELECT scope, scope_seq, op ->> 'op_id' FROM change_log
             WHERE scope IN (SELECT DISTINCT scope FROM change_log WHERE chain IS NULL)
             ORDER BY scope, scope_seq FOR UPDATE",
            &[],
        )
        .await?;
    let rows: Vec<(String, i64, String)> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    for (scope, links) in super::chain_links(rows) {
        for (seq, chain) in &links {
            tx.execute(
                "UPDATE change_log SET chain = $3 WHERE scope = $1 AND scope_seq = $2",
                &[&scope, seq, chain],
            )
            .await?;
        }
        if let Some((_, last)) = links.last() {
            tx.execute("UPDATE scope_counters SET chain = $2 WHERE scope = $1", &[&scope, last]).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Fills the clocks, scope lists and newest clocks of a store whose rows
/// were kept before they existed (once, on connect), from the whole log.
async fn refold_old_rows(client: &mut tokio_postgres::Client) -> Result<(), StoreError> {
    let tx = client.transaction().await?;
    tx.execute("LOCK TABLE entity_rows IN EXCLUSIVE MODE", &[]).await?;
    let stale: bool =
        tx.query_one("SELECT EXISTS (SELECT 1 FROM entity_rows WHERE clocks IS NULL)", &[]).await?.get(0);
    if !stale {
        return Ok(());
    }
    let mut fold = super::Refold::new();
    for r in tx.query("SELECT scope, op FROM change_log", &[]).await? {
        let scope: String = r.get(0);
        let op: Op = serde_json::from_value(r.get(1)).map_err(|e| StoreError::Backend(e.to_string()))?;
        fold.add(&scope, &op);
    }
    tx.execute("DELETE FROM entity_rows", &[]).await?;
    let (mut entities, mut ids, mut data, mut clocks) = (vec![], vec![], vec![], vec![]);
    for ((entity, id), kept) in fold.rows {
        entities.push(entity);
        ids.push(id);
        data.push(Value::Object(kept.data));
        clocks.push(Value::Object(kept.clocks));
    }
    keep_rows(&tx, &entities, &ids, &data, &clocks).await?;
    let (mut scopes, mut entities, mut ids) = (vec![], vec![], vec![]);
    for (scope, entity, id) in fold.scope_rows {
        scopes.push(scope);
        entities.push(entity);
        ids.push(id);
    }
    tx.execute(
        "INSERT INTO scope_rows (scope, entity, entity_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING",
        &[&scopes, &entities, &ids],
    )
    .await?;
    for (scope, max) in &fold.max_hlc {
        tx.execute("UPDATE scope_counters SET max_hlc = $2 WHERE scope = $1", &[scope, max]).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn keep_rows<E: AsRef<str> + tokio_postgres::types::ToSql + Sync>(
    tx: &tokio_postgres::Transaction<'_>,
    entities: &[E],
    ids: &[E],
    data: &[Value],
    clocks: &[Value],
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO entity_rows (entity, entity_id, data, clocks)
         SELECT e, i, d, c FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[]) AS t(e, i, d, c)
         ON CONFLICT (entity, entity_id) DO UPDATE SET data = excluded.data, clocks = excluded.clocks",
        &[&entities, &ids, &data, &clocks],
    )
    .await?;
    Ok(())
}

impl Store for PgStore {
    /// A batch costs a fixed number of round trips, not a few per op: the
    /// rows and grants it needs are read up front, its writes go out as
    /// arrays (UNNEST), and each scope's counter moves once.
    async fn push(&self, device_id: String, ops: Vec<Op>) -> Result<PushResponse, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.build_transaction().isolation_level(IsolationLevel::ReadCommitted).start().await?;
        // One push per device at a time: the device row is the lock.
        tx.execute("SELECT 1 FROM devices WHERE device_id = $1 FOR UPDATE", &[&device_id]).await?;
        let last: Option<i64> = tx
            .query_one("SELECT max(seq) FROM applied_ops WHERE device_id = $1", &[&device_id])
            .await?
            .get(0);
        let last = last.unwrap_or(0) as u64;
        let old: Vec<&Op> = ops.iter().filter(|op| op.seq <= last).collect();
        if !old.is_empty() {
            let seqs: Vec<i64> = old.iter().map(|o| o.seq as i64).collect();
            let held: HashMap<i64, String> = tx
                .query(
                    "SELECT seq, op_id FROM applied_ops WHERE device_id = $1 AND seq = ANY($2)",
                    &[&device_id, &seqs],
                )
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
            if let Some(o) = old.iter().find(|o| held.get(&(o.seq as i64)).is_some_and(|h| *h != o.op_id)) {
                return Err(StoreError::SeqReused { seq: o.seq, next: last + 1 });
            }
        }
        let new: Vec<&Op> = ops.iter().filter(|op| op.seq > last).collect();
        for (i, op) in new.iter().enumerate() {
            if op.seq != last + 1 + i as u64 {
                return Err(StoreError::Gap { expected: last + 1 + i as u64, got: op.seq });
            }
        }
        if new.is_empty() {
            tx.commit().await?;
            return Ok(PushResponse { acked_through: last, rejected: vec![] });
        }

        // Everything the checks need, in three queries.
        let entities: Vec<&str> = new.iter().map(|o| o.entity.as_str()).collect();
        let ids: Vec<&str> = new.iter().map(|o| o.entity_id.as_str()).collect();
        let mut rows: HashMap<(String, String), Kept> = tx
            .query(
                "SELECT e.entity, e.entity_id, e.data, e.clocks FROM entity_rows e
                 JOIN unnest($1::text[], $2::text[]) AS k(entity, entity_id) USING (entity, entity_id)",
                &[&entities, &ids],
            )
            .await?
            .iter()
            .map(|r| {
                let object = |v: Option<Value>| v.and_then(|v| v.as_object().cloned()).unwrap_or_default();
                let kept = Kept { data: object(r.get(2)), clocks: object(r.get(3)) };
                ((r.get(0), r.get(1)), kept)
            })
            .collect();
        // The rows the ops point at that the server already holds.
        let (parent_tables, parent_ids): (Vec<&str>, Vec<&str>) =
            new.iter().flat_map(|o| crate::validate::parents(o)).map(|(_, t, id)| (t, id)).unzip();
        let held_parents: std::collections::HashSet<(String, String)> = tx
            .query(
                "SELECT e.entity, e.entity_id FROM entity_rows e
                 JOIN unnest($1::text[], $2::text[]) AS k(entity, entity_id) USING (entity, entity_id)",
                &[&parent_tables, &parent_ids],
            )
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let authors: Vec<&str> = new
            .iter()
            .filter_map(|o| o.author_user_id.as_deref())
            .chain(new.iter().filter(|o| o.entity == "users").map(|o| o.entity_id.as_str()))
            .collect();
        let mut grant_rows: Vec<Map<String, Value>> = tx
            .query(
                "SELECT data FROM entity_rows WHERE entity = 'role_grants' AND data ->> 'user_id' = ANY($1)",
                &[&authors],
            )
            .await?
            .iter()
            .filter_map(|r| r.get::<_, Value>(0).as_object().cloned())
            .collect();
        let mut role_rows: Vec<Map<String, Value>> = tx
            .query("SELECT data FROM entity_rows WHERE entity = 'roles'", &[])
            .await?
            .iter()
            .filter_map(|r| r.get::<_, Value>(0).as_object().cloned())
            .collect();
        // Until the first grant arrives, the first desk is uploading the
        // organisation it created: nobody holds a role yet to check against.
        let mut setting_up: bool = tx
            .query_one("SELECT NOT EXISTS (SELECT 1 FROM entity_rows WHERE entity = 'role_grants')", &[])
            .await?
            .get(0);
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        // The authors' keys on record.
        let mut keys: HashMap<String, String> = tx
            .query(
                "SELECT entity_id, data ->> 'public_key' FROM entity_rows
                 WHERE entity = 'users' AND entity_id = ANY($1) AND data ->> 'public_key' IS NOT NULL",
                &[&authors],
            )
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        // Keys whose holders proved an author's password (`/v1/keys/prove`).
        let proofs: HashMap<String, String> = tx
            .query("SELECT user_id, public_key FROM key_proofs WHERE user_id = ANY($1)", &[&authors])
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        // The active accounts without a key on record (`signatures::Keyless`).
        let mut keyless = Keyless::of(
            tx.query(
                "SELECT entity_id, data ->> 'public_key' IS NOT NULL FROM entity_rows WHERE entity = 'users'
                   AND coalesce(data ->> 'active', 'true') NOT IN ('false', '0')",
                &[],
            )
            .await?
            .iter()
            .map(|r| (r.get::<_, String>(0), r.get::<_, bool>(1))),
        );

        let mut rejected = Vec::new();
        // Each author's grants in force now, read once per push; cleared
        // when a grant or a role changes in it.
        let mut grants_now: HashMap<String, Vec<authz::AuthorGrant>> = HashMap::new();
        let mut accepted: Vec<&Op> = Vec::new();
        // Rows a transfer moved, logged again in their new branch's scope.
        let mut carried: Vec<(usize, Op)> = Vec::new();
        // Rows the server itself writes (review rows for flagged money).
        let mut made: Vec<(String, String)> = Vec::new();
        let now = chrono::Utc::now().to_rfc3339();
        let ahead = Ahead::check(&device_id, new.iter().copied(), setting_up, |author| {
            signatures::key_of_text(keys.get(author).map(String::as_str)).map(str::to_owned)
        });
        for (i, op) in new.iter().enumerate() {
            if signatures::unsigned(op, setting_up) {
                return Err(StoreError::Unsigned { seq: op.seq });
            }
            let key = (op.entity.clone(), op.entity_id.clone());
            // A malformed op is refused before authorisation, money too
            // (see `validate::columns`); the catalogue check asks for no grant.
            let author_key = op.author_user_id.as_ref().and_then(|a| keys.get(a)).map(String::as_str);
            let own_row = match op.author_user_id.as_deref() {
                Some(a) if op.entity == "users" && op.entity_id == a => rows.get(&key).map(|k| &k.data),
                _ => None,
            };
            let key_facts = KeyFacts {
                setting_up,
                cut_over: keyless.cut_over(),
                author_key: signatures::key_of_text(author_key),
                reset_key: signatures::reset_of(own_row, chrono::Utc::now()),
                proven_key: op.author_user_id.as_ref().and_then(|a| proofs.get(a)).map(String::as_str),
                checked_ahead: ahead.key(i),
            };
            let verdict = if let Err(reason) = crate::validate::columns(op) {
                Err(reason)
            } else if let Err(reason) = signatures::check(&device_id, op, &key_facts) {
                Err(reason)
            } else if let Err(reason) = match key_facts.parents_checked() {
                true => crate::validate::missing_parent(op, |t, id| {
                    let key = (t.to_owned(), id.to_owned());
                    Ok::<_, StoreError>(held_parents.contains(&key) || rows.contains_key(&key))
                })?,
                false => Ok(()),
            } {
                Err(reason)
            } else if let Err(reason) = match op.entity == "attachments" {
                true => {
                    let sha = op.columns.get("sha256").and_then(Value::as_str).unwrap_or_default();
                    let held =
                        tx.query_opt("SELECT 1 FROM blobs WHERE sha256 = $1", &[&sha]).await?.is_some();
                    super::missing_blob(op, |_| Ok::<_, StoreError>(held))?
                }
                false => Ok(()),
            } {
                Err(reason)
            } else if setting_up {
                Ok(None)
            } else {
                let at = authz::money_time(op, chrono::Utc::now());
                let author = op.author_user_id.clone().unwrap_or_default();
                let in_force = || {
                    let mine: Vec<Map<String, Value>> = grant_rows
                        .iter()
                        .filter(|g| g.get("user_id").and_then(Value::as_str) == Some(author.as_str()))
                        .cloned()
                        .collect();
                    authz::grants_in_force(&mine, &role_rows, &today, at)
                };
                // Grants as of now are read once per author and push (money is
                // judged as of its own time, each op on its own).
                let grants = match at {
                    Some(_) => in_force(),
                    None => grants_now.entry(author.clone()).or_insert_with(in_force).clone(),
                };
                let target: Vec<Option<String>> = if op.entity == "users" {
                    let theirs: Vec<Map<String, Value>> = grant_rows
                        .iter()
                        .filter(|g| g.get("user_id").and_then(Value::as_str) == Some(op.entity_id.as_str()))
                        .cloned()
                        .collect();
                    authz::live_grant_branches(&theirs)
                } else {
                    vec![]
                };
                let granted = super::granted_role(op, rows.get(&key).map(|k| &k.data)).and_then(|role| {
                    role_rows
                        .iter()
                        .find(|r| r.get("id").and_then(Value::as_str) == Some(role))
                        .map(authz::role_permissions)
                });
                let before = rows.get(&key).map(|k| &k.data);
                // The rows around it: this push's own first, then the store's.
                let owner = match super::owner_key(op, before) {
                    Some((t, id)) => held_row(&tx, &rows, &t, &id).await?,
                    None => None,
                };
                let student_account = match super::student_of(op, before, owner.as_ref()) {
                    Some(s) => super::account_of(held_row(&tx, &rows, "students", &s).await?.as_ref()),
                    None => None,
                };
                let facts = authz::Facts {
                    op,
                    before,
                    grants: &grants,
                    target_branches: &target,
                    granted: granted.as_deref(),
                    related: authz::Related { owner, student_account },
                };
                authz::check(&facts).map(|()| authz::flag(&facts))
            };
            let flag = match verdict {
                Ok(flag) => flag,
                Err(reason) => {
                    rejected.push(Rejected { seq: op.seq, op_id: op.op_id.clone(), reason });
                    continue;
                }
            };
            // Later ops of the batch see this one.
            let kept = rows.entry(key).or_default();
            kept.merge(&op.entity_id, &op.columns, &op.hlc);
            let row = &kept.data;
            match op.entity.as_str() {
                "users" => {
                    if let Some(k) = signatures::key_of(Some(row)) {
                        keys.insert(op.entity_id.clone(), k.to_owned());
                    }
                    keyless.note(&op.entity_id, row);
                }
                "role_grants" => {
                    setting_up = false;
                    grants_now.clear();
                    grant_rows.retain(|g| g.get("id").and_then(Value::as_str) != Some(&op.entity_id));
                    grant_rows.push(row.clone());
                }
                "roles" => {
                    grants_now.clear();
                    role_rows.retain(|r| r.get("id").and_then(Value::as_str) != Some(&op.entity_id));
                    role_rows.push(row.clone());
                }
                _ => {}
            }
            if let Some(copy) = crate::mirror::carried(op, row) {
                carried.push((accepted.len(), copy));
            }
            if let Some(review) = flag.and_then(|reason| crate::mirror::review(op, row, &reason, &now)) {
                rows.insert((review.entity.clone(), review.entity_id.clone()), Kept::of(&review));
                made.push((review.entity.clone(), review.entity_id.clone()));
                carried.push((accepted.len(), review));
            }
            accepted.push(op);
        }
        // Each carried copy goes right after the op that moved its row.
        let mut logged_ops: Vec<&Op> = Vec::with_capacity(accepted.len() + carried.len());
        let mut copies = carried.iter().peekable();
        for (i, op) in accepted.iter().enumerate() {
            logged_ops.push(op);
            while let Some((_, copy)) = copies.next_if(|(at, _)| *at == i) {
                logged_ops.push(copy);
            }
        }

        // Each scope's counter moves once; its ops take consecutive numbers in order.
        let mut per_scope: BTreeMap<&str, i64> = BTreeMap::new();
        for op in &logged_ops {
            *per_scope.entry(op.scope.as_str()).or_default() += 1;
        }
        let mut next: HashMap<&str, (i64, String)> = HashMap::new();
        for (scope, n) in &per_scope {
            // The counter row is the scope's lock; its chain is the last link.
            let row = tx
                .query_one(
                    "INSERT INTO scope_counters (scope, last_seq) VALUES ($1, $2)
                     ON CONFLICT (scope) DO UPDATE SET last_seq = scope_counters.last_seq + $2
                     RETURNING last_seq, chain",
                    &[scope, n],
                )
                .await?;
            let top: i64 = row.get(0);
            next.insert(scope, (top - n + 1, row.get(1)));
        }
        let (mut scopes, mut seqs, mut logged, mut chains) = (vec![], vec![], vec![], vec![]);
        for op in &logged_ops {
            let (n, chain) =
                next.get_mut(op.scope.as_str()).ok_or_else(|| StoreError::Backend("scope".into()))?;
            *chain = branchdesk_api::sync::chain_step(chain, &op.op_id);
            scopes.push(op.scope.as_str());
            seqs.push(*n);
            chains.push(chain.clone());
            *n += 1;
            logged.push(serde_json::to_value(op).map_err(|e| StoreError::Backend(e.to_string()))?);
        }
        let mut newest: HashMap<&str, &str> = HashMap::new();
        for op in &logged_ops {
            let max = newest.entry(op.scope.as_str()).or_default();
            if *max < op.hlc.as_str() {
                *max = op.hlc.as_str();
            }
        }
        for (scope, (_, chain)) in &next {
            tx.execute(
                "UPDATE scope_counters SET chain = $2, max_hlc = GREATEST(max_hlc, $3) WHERE scope = $1",
                &[scope, chain, &newest.get(scope).copied().unwrap_or_default()],
            )
            .await?;
        }
        let row_entities: Vec<&str> = logged_ops.iter().map(|o| o.entity.as_str()).collect();
        let row_ids: Vec<&str> = logged_ops.iter().map(|o| o.entity_id.as_str()).collect();
        tx.execute(
            "INSERT INTO scope_rows (scope, entity, entity_id)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING",
            &[&scopes, &row_entities, &row_ids],
        )
        .await?;
        tx.execute(
            "INSERT INTO change_log (scope, scope_seq, device_id, op, chain)
             SELECT s, n, $4, o, c FROM unnest($1::text[], $2::bigint[], $3::json[], $5::text[]) AS t(s, n, o, c)",
            &[&scopes, &seqs, &logged, &device_id, &chains],
        )
        .await?;
        let refused: HashMap<u64, &str> = rejected.iter().map(|r| (r.seq, r.reason.as_str())).collect();
        let op_seqs: Vec<i64> = new.iter().map(|o| o.seq as i64).collect();
        let op_ids: Vec<&str> = new.iter().map(|o| o.op_id.as_str()).collect();
        let statuses: Vec<&str> =
            new.iter().map(|o| if refused.contains_key(&o.seq) { "rejected" } else { "accepted" }).collect();
        let reasons: Vec<Option<&str>> = new.iter().map(|o| refused.get(&o.seq).copied()).collect();
        tx.execute(
            "INSERT INTO applied_ops (device_id, seq, op_id, status, reason)
             SELECT $1, s, i, st, r FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS t(s, i, st, r)",
            &[&device_id, &op_seqs, &op_ids, &statuses, &reasons],
        )
        .await?;
        let mut touched: Vec<(&str, &str)> = accepted
            .iter()
            .map(|o| (o.entity.as_str(), o.entity_id.as_str()))
            .chain(made.iter().map(|(e, i)| (e.as_str(), i.as_str())))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let (mut t_entities, mut t_ids, mut t_data, mut t_clocks) = (vec![], vec![], vec![], vec![]);
        for (e, id) in touched {
            let kept = &rows[&(e.to_owned(), id.to_owned())];
            t_entities.push(e);
            t_ids.push(id);
            t_data.push(Value::Object(kept.data.clone()));
            t_clocks.push(Value::Object(kept.clocks.clone()));
        }
        keep_rows(&tx, &t_entities, &t_ids, &t_data, &t_clocks).await?;
        for op in accepted.iter().filter(|o| o.entity == "notifications") {
            if let Some(kept) = rows.get(&(op.entity.clone(), op.entity_id.clone())) {
                messages::take_on(&tx, op, kept).await?;
            }
        }
        tx.commit().await?;
        Ok(PushResponse { acked_through: last + new.len() as u64, rejected })
    }

    async fn pull(
        &self,
        req: PullRequest,
        limit: usize,
        max_bytes: usize,
    ) -> Result<PullResponse, StoreError> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare(
                "SELECT scope_seq, device_id, op, chain, octet_length(op::text) FROM change_log
                 WHERE scope = $1 AND scope_seq > $2 ORDER BY scope_seq LIMIT $3",
            )
            .await?;
        let mut changes = Vec::new();
        let mut cursors = req.cursors.clone();
        let mut chains = BTreeMap::new();
        let mut more = false;
        // The page's size so far, and whether it stopped for it.
        let (mut bytes, mut full) = (0usize, false);
        let scopes: Vec<String> = req.cursors.keys().cloned().collect();
        // Each scope's horizon and head (read first: a head may trail the
        // page by a push that lands meanwhile, which progress allows for).
        let counters: HashMap<String, (i64, i64)> = client
            .query("SELECT scope, horizon, last_seq FROM scope_counters WHERE scope = ANY($1)", &[&scopes])
            .await?
            .iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2))))
            .collect();
        let heads: BTreeMap<String, u64> =
            scopes.iter().map(|s| (s.clone(), counters.get(s).map_or(0, |c| c.1 as u64))).collect();
        for (scope, cursor) in &req.cursors {
            let horizon = counters.get(scope).map_or(0, |c| c.0);
            if (*cursor as i64) < horizon {
                return Err(StoreError::Behind { scope: scope.clone(), horizon: horizon as u64 });
            }
            if full {
                continue;
            }
            let room = limit.saturating_sub(changes.len());
            let rows = client.query(&stmt, &[scope, &(*cursor as i64), &(room as i64 + 1)]).await?;
            for (i, row) in rows.iter().enumerate() {
                let size = row.get::<_, i32>(4).max(0) as usize;
                if i == room {
                    more = true;
                    break;
                }
                if !changes.is_empty() && bytes + size > max_bytes {
                    (more, full) = (true, true);
                    break;
                }
                bytes += size;
                let scope_seq = row.get::<_, i64>(0) as u64;
                if let Some(c) = row.get::<_, Option<String>>(3) {
                    chains.insert(scope.clone(), c);
                }
                let op: Op =
                    serde_json::from_value(row.get(2)).map_err(|e| StoreError::Backend(e.to_string()))?;
                cursors.insert(scope.clone(), scope_seq);
                changes.push(Change { scope: scope.clone(), scope_seq, device_id: row.get(1), op });
            }
        }
        Ok(PullResponse { changes, cursors, more, heads, chains })
    }

    async fn enrol(
        &self,
        device_id: String,
        code: String,
        holder: Option<String>,
    ) -> Result<Enrolled, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        // One enrolment at a time: what it reads (live desks, the id's row,
        // the next desk number) holds until it commits.
        tx.execute("LOCK TABLE devices IN SHARE ROW EXCLUSIVE MODE", &[]).await?;
        let hash = super::digest(&super::normalise_code(&code));
        let row = tx
            .query_opt(
                "SELECT c.kind = 'bootstrap',
                        c.issued_by IS NOT NULL AND NOT EXISTS
                            (SELECT 1 FROM devices i WHERE i.device_id = c.issued_by AND i.revoked_at IS NULL),
                        (SELECT count(*) FROM devices WHERE revoked_at IS NULL),
                        d.device_id IS NOT NULL, d.revoked_at IS NULL,
                        coalesce(d.revoked_at < c.created_at, false)
                 FROM enrolment_codes c LEFT JOIN devices d ON d.device_id = $2
                 WHERE c.code_hash = $1 AND c.used_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > now())
                 FOR UPDATE OF c",
                &[&hash, &device_id],
            )
            .await?;
        let Some(row) = row else {
            return Err(StoreError::BadCode);
        };
        let facts = super::EnrolFacts {
            bootstrap: row.get(0),
            issuer_revoked: row.get(1),
            live_desks: row.get(2),
            known: row.get(3),
            live: row.get(4),
            revoked_before_code: row.get(5),
        };
        super::may_enrol(&facts, &device_id, holder.as_deref())?;
        let scopes: Option<String> = tx
            .query_one(
                "UPDATE enrolment_codes SET used_at = now(), used_by = $2 WHERE code_hash = $1 AND used_at IS NULL
                 RETURNING scopes",
                &[&hash, &device_id],
            )
            .await?
            .get(0);
        let token = super::new_token();
        tx.execute(
            "INSERT INTO devices (device_id, token_hash, scopes) VALUES ($1, $2, $3)
             ON CONFLICT (device_id) DO UPDATE SET token_hash = $2, enrolled_at = now(), revoked_at = NULL, scopes = $3",
            &[&device_id, &super::digest(&token), &scopes],
        )
        .await?;
        let desk_no: i32 = tx
            .query_one(
                "UPDATE devices SET desk_no = coalesce(desk_no, (SELECT coalesce(max(desk_no), 0) + 1 FROM devices))
                 WHERE device_id = $1 RETURNING desk_no",
                &[&device_id],
            )
            .await?
            .get(0);
        tx.commit().await?;
        Ok(Enrolled { token, scopes: super::scopes_from_text(scopes), desk_no: desk_no as u32 })
    }

    async fn authenticate(&self, token: String) -> Result<Device, StoreError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT device_id, revoked_at IS NOT NULL, scopes FROM devices WHERE token_hash = $1",
                &[&super::digest(&token)],
            )
            .await?;
        match row {
            None => Err(StoreError::UnknownDevice),
            Some(r) if r.get::<_, bool>(1) => Err(StoreError::Revoked),
            Some(r) => Ok(Device { id: r.get(0), scopes: super::scopes_from_text(r.get(2)) }),
        }
    }

    async fn issue_code(&self, issuer: String, scopes: Option<Vec<String>>) -> Result<String, StoreError> {
        let client = self.pool.get().await?;
        let code = super::new_code();
        client
            .execute(
                "INSERT INTO enrolment_codes (code_hash, kind, expires_at, scopes, issued_by)
                 VALUES ($1, 'enrol', now() + make_interval(hours => $3::int), $2, $4)",
                &[
                    &super::digest(&super::normalise_code(&code)),
                    &super::scopes_to_text(&scopes),
                    &(super::CODE_HOURS as i32),
                    &issuer,
                ],
            )
            .await?;
        Ok(code)
    }

    async fn revoke(&self, device_id: String) -> Result<(), StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "UPDATE devices SET revoked_at = now() WHERE device_id = $1 AND revoked_at IS NULL",
            &[&device_id],
        )
        .await?;
        tx.execute("DELETE FROM enrolment_codes WHERE issued_by = $1 AND used_at IS NULL", &[&device_id])
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn bootstrap_code(&self) -> Result<Option<String>, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.build_transaction().isolation_level(IsolationLevel::Serializable).start().await?;
        let live: i64 =
            tx.query_one("SELECT count(*) FROM devices WHERE revoked_at IS NULL", &[]).await?.get(0);
        if live > 0 {
            return Ok(None);
        }
        tx.execute("DELETE FROM enrolment_codes WHERE kind = 'bootstrap' AND used_at IS NULL", &[]).await?;
        let code = super::new_code();
        tx.execute(
            "INSERT INTO enrolment_codes (code_hash, kind, expires_at)
             VALUES ($1, 'bootstrap', now() + make_interval(hours => $2::int))",
            &[&super::digest(&super::normalise_code(&code)), &(super::BOOTSTRAP_HOURS as i32)],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(code))
    }

    async fn devices(&self) -> Result<Vec<branchdesk_api::sync::LinkedDevice>, StoreError> {
        let client = self.pool.get().await?;
        // Times as RFC 3339 text, like the SQLite store's.
        let rows = client
            .query(
                "SELECT d.device_id, d.desk_no, d.scopes,
                        to_char(d.enrolled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                        to_char(d.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                        to_char((SELECT max(received_at) FROM applied_ops a WHERE a.device_id = d.device_id)
                                AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
                 FROM devices d ORDER BY d.desk_no",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| branchdesk_api::sync::LinkedDevice {
                device_id: r.get(0),
                desk_no: r.get::<_, Option<i32>>(1).unwrap_or(0) as u32,
                scopes: super::scopes_from_text(r.get(2)),
                enrolled_at: r.get::<_, Option<String>>(3).unwrap_or_default(),
                revoked_at: r.get(4),
                last_push_at: r.get(5),
            })
            .collect())
    }

    async fn heads(
        &self,
        scopes: Vec<String>,
    ) -> Result<std::collections::BTreeMap<String, u64>, StoreError> {
        let client = self.pool.get().await?;
        let rows = client
            .query("SELECT scope, last_seq FROM scope_counters WHERE scope = ANY($1)", &[&scopes])
            .await?;
        Ok(rows.iter().map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1) as u64)).collect())
    }

    async fn compact(&self, before: chrono::DateTime<chrono::Utc>) -> Result<u64, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let scopes = tx.query("SELECT scope, horizon, last_seq FROM scope_counters", &[]).await?;
        let kept_from = tx
            .prepare(
                "SELECT scope_seq FROM change_log WHERE scope = $1 AND scope_seq > $2 AND logged_at >= $3
                 ORDER BY scope_seq LIMIT 1",
            )
            .await?;
        let mut dropped = 0;
        for r in &scopes {
            let (scope, horizon, head): (String, i64, i64) = (r.get(0), r.get(1), r.get(2));
            // Commit order is time order: walk from the horizon to the
            // first change inside the window (an hour's worth, not the log).
            let first_kept = tx.query_opt(&kept_from, &[&scope, &horizon, &before]).await?;
            let new_horizon = first_kept.map_or(head, |k| k.get::<_, i64>(0) - 1);
            if new_horizon <= horizon {
                continue;
            }
            // The counter row first: pushes to the scope wait meanwhile.
            tx.execute("UPDATE scope_counters SET horizon = $2 WHERE scope = $1", &[&scope, &new_horizon])
                .await?;
            dropped += tx
                .execute(
                    "DELETE FROM change_log WHERE scope = $1 AND scope_seq <= $2",
                    &[&scope, &new_horizon],
                )
                .await?;
        }
        tx.commit().await?;
        Ok(dropped)
    }

    async fn snapshot(&self, device_id: String, scope: String, dest: PathBuf) -> Result<u64, StoreError> {
        use futures_util::TryStreamExt;
        let mut client = self.pool.get().await?;
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        let head = tx
            .query_opt("SELECT last_seq, chain, max_hlc FROM scope_counters WHERE scope = $1", &[&scope])
            .await?;
        let device_acked: Option<i64> = tx
            .query_one("SELECT max(seq) FROM applied_ops WHERE device_id = $1", &[&device_id])
            .await?
            .get(0);
        let head = crate::snapshot::Head {
            scope: scope.clone(),
            cursor: head.as_ref().map_or(0, |r| r.get::<_, i64>(0) as u64),
            chain: head.as_ref().map(|r| r.get(1)).unwrap_or_default(),
            max_hlc: head.as_ref().map(|r| r.get(2)).unwrap_or_default(),
            device_acked: device_acked.unwrap_or(0) as u64,
        };
        // The file is written on a blocking thread while rows stream in.
        let (send, mut receive) = tokio::sync::mpsc::channel::<Vec<[String; 4]>>(4);
        let writer = tokio::task::spawn_blocking(move || {
            let mut conn = rusqlite::Connection::open(&dest)?;
            crate::snapshot::create(&conn, "main")?;
            let tx = conn.transaction()?;
            {
                let mut insert =
                    tx.prepare("INSERT INTO rows (entity, entity_id, data, clocks) VALUES (?1, ?2, ?3, ?4)")?;
                while let Some(batch) = receive.blocking_recv() {
                    for row in batch {
                        insert.execute(row)?;
                    }
                }
            }
            let rows = crate::snapshot::finish(&tx, "main", &head)?;
            tx.commit()?;
            Ok::<u64, StoreError>(rows)
        });
        let stmt = tx
            .prepare(
                "SELECT e.entity_id, e.data, coalesce(e.clocks, '{}')::text FROM scope_rows s
                 JOIN entity_rows e ON e.entity = s.entity AND e.entity_id = s.entity_id
                 WHERE s.scope = $1 AND s.entity = $2 ORDER BY s.entity_id",
            )
            .await?;
        let read = async {
            for entity in branchdesk_api::sync::SYNCED_ENTITIES {
                let params: [&(dyn tokio_postgres::types::ToSql + Sync); 2] = [&scope, entity];
                let rows = tx.query_raw(&stmt, params).await?;
                futures_util::pin_mut!(rows);
                let mut batch = Vec::with_capacity(1_000);
                while let Some(r) = rows.try_next().await? {
                    // As serde writes it (the SQLite store's text): JSONB
                    // orders nested keys its own way.
                    let data: Value = r.get(1);
                    batch.push([(*entity).to_owned(), r.get(0), data.to_string(), r.get(2)]);
                    if batch.len() == 1_000 {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(1_000));
                        send.send(full).await.map_err(|e| StoreError::Backend(e.to_string()))?;
                    }
                }
                if !batch.is_empty() {
                    send.send(batch).await.map_err(|e| StoreError::Backend(e.to_string()))?;
                }
            }
            Ok::<(), StoreError>(())
        };
        let read = read.await;
        drop(send);
        let written = writer.await.map_err(|e| StoreError::Backend(e.to_string()))?;
        read?;
        tx.commit().await?;
        written
    }

    async fn ready(&self) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client.execute("SELECT 1", &[]).await?;
        Ok(())
    }

    async fn put_blob(&self, sha256: String, bytes: Vec<u8>) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO blobs (sha256, bytes, size) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&sha256, &bytes, &(bytes.len() as i64)],
            )
            .await?;
        Ok(())
    }

    async fn attachment_file(
        &self,
        attachment_id: String,
    ) -> Result<Option<super::AttachedFile>, StoreError> {
        let client = self.pool.get().await?;
        let found = client
            .query_opt(
                "SELECT e.data, b.bytes FROM entity_rows e
                 LEFT JOIN blobs b ON b.sha256 = e.data ->> 'sha256'
                 WHERE e.entity = 'attachments' AND e.entity_id = $1",
                &[&attachment_id],
            )
            .await?;
        Ok(found.map(|r| (r.get::<_, Value>(0).as_object().cloned().unwrap_or_default(), r.get(1))))
    }

    async fn person(&self, user_id: String) -> Result<super::Person, StoreError> {
        let client = self.pool.get().await?;
        let account = client
            .query_opt("SELECT data FROM entity_rows WHERE entity = 'users' AND entity_id = $1", &[&user_id])
            .await?
            .and_then(|r| r.get::<_, Value>(0).as_object().cloned());
        let objects = |rows: Vec<tokio_postgres::Row>| -> Vec<Map<String, Value>> {
            rows.iter().filter_map(|r| r.get::<_, Value>(0).as_object().cloned()).collect()
        };
        let grants = objects(
            client
                .query(
                    "SELECT data FROM entity_rows WHERE entity = 'role_grants' AND data ->> 'user_id' = $1",
                    &[&user_id],
                )
                .await?,
        );
        let roles = objects(client.query("SELECT data FROM entity_rows WHERE entity = 'roles'", &[]).await?);
        let setting_up: bool = client
            .query_one("SELECT NOT EXISTS (SELECT 1 FROM entity_rows WHERE entity = 'role_grants')", &[])
            .await?
            .get(0);
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        Ok(super::Person {
            account,
            grants: authz::grants_in_force(&grants, &roles, &today, None),
            setting_up,
        })
    }

    async fn record_proof(
        &self,
        user_id: String,
        public_key: String,
        device_id: String,
    ) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO key_proofs (user_id, public_key, device_id) VALUES ($1, $2, $3)
                 ON CONFLICT (user_id) DO UPDATE SET public_key = $2, proven_at = now(), device_id = $3",
                &[&user_id, &public_key, &device_id],
            )
            .await?;
        Ok(())
    }

    async fn email_channel(&self) -> Result<Option<EmailChannel>, StoreError> {
        self.email_channel_now().await
    }

    async fn save_email_channel(&self, email: EmailChannel) -> Result<(), StoreError> {
        self.keep_email_channel(email).await
    }

    async fn take_due(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        channels: Vec<String>,
        limit: usize,
    ) -> Result<Vec<Outgoing>, StoreError> {
        self.take_due_now(now, &channels, limit).await
    }

    async fn record_delivery(
        &self,
        id: String,
        outcome: Outcome,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        self.record_delivery_now(&id, &outcome, now).await
    }

    async fn next_retry_at(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
        self.next_retry().await
    }
}
