//! Applying a pulled page: the one writer of synced tables besides the write
//! path. It writes no outbox or audit rows (the origin desk wrote those).
//!
//! Merge rule (sync-design.md, "other records"): per-column last writer wins
//! by hybrid-logical-clock stamp (device id breaks ties). A column's clock is
//! the newer of the last synced op that set it (`row_clocks`) and this
//! desk's own ops the server has not echoed back yet. Each losing value is
//! kept in `conflicts`.

use crate::db::read;
use crate::write::to_sql;
use crate::{Desk, Error, Result};
use branchdesk_api::sync::{Change, ALL_COLUMNS, SYNCED_ENTITIES};
use branchdesk_api::ApiError;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, OptionalExtension, Transaction, TransactionBehavior};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ApplyReport {
    /// Changes from other desks that set at least one column.
    pub applied: usize,
    /// This desk's own changes, sent back by the server.
    pub echoed: usize,
    /// Values that lost a merge (kept in `conflicts`).
    pub conflicts: usize,
    /// Columns this desk's schema does not have (from a newer desk), skipped.
    pub unknown_columns: usize,
    /// Changes this desk cannot apply, kept in `set_aside_changes`.
    pub set_aside: usize,
}

impl Desk {
    /// Applies one pulled page and moves the cursors, in one transaction.
    /// `chains`: the server's chain at the page's last change of each scope;
    /// a page that does not continue this desk's chain is refused whole
    /// ([`Error::Diverged`]).
    pub fn apply_pulled(
        &self,
        changes: &[Change],
        cursors: &BTreeMap<String, u64>,
        chains: &BTreeMap<String, String>,
    ) -> Result<ApplyReport> {
        let mut db = self.db();
        let _permit = db.apply_permit();
        let tx = db.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let chained = extend_chains(&tx, changes, chains)?;
        let mut merge = Merge::new(self, &tx)?;
        for (i, c) in changes.iter().enumerate() {
            if i == changes.len() / 2 && self.failpoints.fire(crate::failpoint::APPLY_MID_PAGE) {
                // As if the desk died here: the page's transaction never commits.
                return Err(ApiError::internal("crashed while applying a page (failpoint)").into());
            }
            merge.change(c)?;
        }
        let report = merge.finish()?;
        for (scope, seq) in cursors {
            tx.execute(
                "INSERT INTO sync_cursors (scope, scope_seq) VALUES (?1, ?2)
                 ON CONFLICT (scope) DO UPDATE SET scope_seq = max(scope_seq, ?2)",
                (scope, *seq as i64),
            )?;
        }
        for (scope, chain) in &chained {
            tx.execute("UPDATE sync_cursors SET chain = ?2 WHERE scope = ?1", (scope, chain))?;
        }
        raise_echo_floor(&tx)?;
        tx.commit()?;
        Ok(report)
    }
}

/// Merges changes into the desk's rows inside a caller's transaction: the
/// pulled pages' applier and the snapshot installer share it.
pub(super) struct Merge<'a> {
    desk: &'a Desk,
    tx: &'a Transaction<'a>,
    seen: String,
    now: String,
    columns_of: BTreeMap<String, HashSet<String>>,
    pending: Option<HashMap<String, BTreeMap<String, String>>>,
    report: ApplyReport,
}

impl<'a> Merge<'a> {
    pub(super) fn new(desk: &'a Desk, tx: &'a Transaction<'a>) -> Result<Merge<'a>> {
        let seen: String = tx.query_row("SELECT seen_hlc FROM sync_state", [], read::value)?;
        Ok(Merge {
            desk,
            tx,
            seen,
            now: desk.clock().now().to_rfc3339(),
            columns_of: BTreeMap::new(),
            pending: None,
            report: ApplyReport::default(),
        })
    }

    /// Notes the newest clock received (the write path never stamps below it).
    pub(super) fn saw(&mut self, hlc: &str) {
        let clock_part = hlc.get(..16).unwrap_or_default();
        if clock_part > self.seen.as_str() {
            self.seen = clock_part.to_owned();
        }
    }

    pub(super) fn finish(self) -> Result<ApplyReport> {
        self.tx.execute("UPDATE sync_state SET seen_hlc = ?1", [&self.seen])?;
        Ok(self.report)
    }

    /// Merges one change, or sets it aside with the reason when this desk
    /// cannot apply it (`set_aside_changes`): one bad change never stalls a
    /// scope. A fault (a full disk, a damaged file) still stops the page.
    pub(super) fn change(&mut self, c: &Change) -> Result<()> {
        let op = &c.op;
        let refused = if !SYNCED_ENTITIES.contains(&op.entity.as_str()) {
            Some(format!("{} is not a table this desk keeps", op.entity))
        } else if crate::db::guard::APPEND_ONLY.contains(&op.entity.as_str()) && op.kind != "insert" {
            Some(format!("{} rows are never changed once recorded", op.entity))
        } else {
            None
        };
        if let Some(reason) = refused {
            return self.set_aside(c, &reason);
        }
        self.tx.execute_batch("SAVEPOINT pulled_change")?;
        match self.merge(c) {
            Ok(()) => {
                self.tx.execute_batch("RELEASE pulled_change")?;
                Ok(())
            }
            Err(e) => {
                self.tx.execute_batch("ROLLBACK TO pulled_change; RELEASE pulled_change")?;
                match crate::error::unappliable(&e) {
                    Some(reason) => self.set_aside(c, &reason),
                    None => Err(e),
                }
            }
        }
    }

    fn set_aside(&mut self, c: &Change, reason: &str) -> Result<()> {
        let op = &c.op;
        tracing::warn!(entity = %op.entity, id = %op.entity_id, %reason, "a pulled change is set aside");
        self.tx
            .prepare_cached(
                "INSERT INTO set_aside_changes (op_id, scope, scope_seq, device_id, author_user_id, entity,
                                                entity_id, kind, op, reason, set_aside_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (op_id) DO NOTHING",
            )?
            .execute(rusqlite::params![
                op.op_id,
                c.scope,
                c.scope_seq as i64,
                c.device_id,
                op.author_user_id,
                op.entity,
                op.entity_id,
                op.kind,
                serde_json::to_string(op)?,
                reason,
                self.now,
            ])?;
        self.report.set_aside += 1;
        Ok(())
    }

    /// Merges one change: per column, the newest clock wins; losers are
    /// kept in `conflicts`.
    fn merge(&mut self, c: &Change) -> Result<()> {
        let tx = self.tx;
        let now = &self.now.clone(); // (self is borrowed mutably below)
        let op = &c.op;
        // Our own op coming back is already applied here, unless this
        // desk was restored from a backup taken before it.
        let ours = c.device_id == self.desk.device_id()
            && tx
                .prepare_cached("SELECT op_id FROM outbox WHERE seq = ?1")?
                .query_row([op.seq as i64], read::value::<String>)
                .optional()?
                .is_some_and(|id| id == op.op_id);
        if ours {
            let mut clocks = RowClocks::load(tx, &op.entity, &op.entity_id)?;
            for col in op.columns.keys() {
                clocks.set(col, &op.hlc);
            }
            clocks.save(tx, &op.entity, &op.entity_id)?;
            tx.prepare_cached("UPDATE outbox SET echoed_at = ?1 WHERE seq = ?2")?
                .execute((now, op.seq as i64))?;
            self.report.echoed += 1;
            return Ok(());
        }
        self.saw(&op.hlc);
        if !self.columns_of.contains_key(&op.entity) {
            self.columns_of.insert(op.entity.clone(), table_columns(tx, &op.entity)?);
        }
        let known = &self.columns_of[&op.entity];
        let current = current_row(tx, &op.entity, &op.entity_id)?;
        // A row's clocks are written with it: a row not here has none.
        let mut clocks = match current {
            Some(_) => RowClocks::load(tx, &op.entity, &op.entity_id)?,
            None => RowClocks { clocks: Map::new(), changed: false },
        };
        // A row this desk does not hold has no own change pending (the
        // write path applies every own change here first); for one it
        // holds, the page reads this desk's pending ops once.
        let pending = match (&current, &mut self.pending) {
            (None, _) => BTreeMap::new(),
            (Some(_), Some(map)) => map.get(&op.entity_id).cloned().unwrap_or_default(),
            (Some(_), slot @ None) => {
                slot.insert(pending_clocks(tx)?).get(&op.entity_id).cloned().unwrap_or_default()
            }
        };
        let mut winners = Map::new();
        for (col, value) in &op.columns {
            if !known.contains(col) {
                // From a newer desk: the columns this desk knows still apply.
                self.report.unknown_columns += 1;
                continue;
            }
            let clock = newer(clocks.get(col), pending.get(col).cloned());
            let local = current.as_ref().and_then(|row| row.get(col).cloned());
            match clock {
                Some(clock) if clock >= op.hlc => {
                    let clash = Clash {
                        entity: &op.entity,
                        entity_id: &op.entity_id,
                        col,
                        losing: value,
                        losing_hlc: &op.hlc,
                        winning: local.as_ref(),
                        winning_hlc: &clock,
                    };
                    if record_clash(tx, &clash, now)? {
                        self.report.conflicts += 1;
                    }
                    // The stamp is known here now (it may be this desk's
                    // own, arriving in a snapshot rather than as an echo).
                    clocks.set(col, &op.hlc);
                }
                clock => {
                    if let (Some(clock), Some(local)) = (clock, local.as_ref()) {
                        let clash = Clash {
                            entity: &op.entity,
                            entity_id: &op.entity_id,
                            col,
                            losing: local,
                            losing_hlc: &clock,
                            winning: Some(value),
                            winning_hlc: &op.hlc,
                        };
                        if record_clash(tx, &clash, now)? {
                            self.report.conflicts += 1;
                        }
                    }
                    clocks.set(col, &op.hlc);
                    winners.insert(col.clone(), value.clone());
                }
            }
        }
        let whole = current.is_none()
            && clocks.clocks.keys().all(|k| op.columns.contains_key(k))
            && known.iter().all(|c| c == "id" || winners.contains_key(c));
        if whole {
            clocks.all(&op.hlc);
        }
        clocks.save(tx, &op.entity, &op.entity_id)?;
        if winners.is_empty() {
            return Ok(());
        }
        if current.is_none() {
            winners.insert("id".into(), Value::String(op.entity_id.clone()));
        }
        let write = |cols: &Map<String, Value>| match current {
            Some(_) => update(tx, &op.entity, &op.entity_id, cols),
            None => insert(tx, &op.entity, cols),
        };
        match write(&winners) {
            Err(e) if crate::error::is_unique_violation(&e) => {
                // Two desks chose the same name offline. Both sides
                // rename the same row the same way, so they converge;
                // the clash is kept for review. Sync never stalls on it.
                let merged = merge_row(current.as_ref(), &winners);
                if !super::unique::settle(tx, op, &mut winners, &merged, now)? {
                    return Err(e);
                }
                write(&winners)?;
                self.report.conflicts += 1;
            }
            other => other?,
        }
        self.report.applied += 1;

        Ok(())
    }
}

/// A chain set before chains existed: the server's next one is taken as is.
const UNKNOWN_CHAIN: &str = "unknown";

/// Each scope's chain extended over the page's changes, checked against the
/// server's where both are known; answers the chains to store.
fn extend_chains(
    tx: &Transaction<'_>,
    changes: &[Change],
    server: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>> {
    let mut mine: BTreeMap<String, Option<String>> = BTreeMap::new();
    for c in changes {
        if !mine.contains_key(&c.scope) {
            let stored: String = tx
                .prepare_cached("SELECT chain FROM sync_cursors WHERE scope = ?1")?
                .query_row([&c.scope], read::value)
                .optional()?
                .unwrap_or_default();
            mine.insert(c.scope.clone(), (stored != UNKNOWN_CHAIN).then_some(stored));
        }
        if let Some(Some(chain)) = mine.get_mut(&c.scope) {
            *chain = branchdesk_api::sync::chain_step(chain, &c.op.op_id);
        }
    }
    let mut out = BTreeMap::new();
    for (scope, chain) in mine {
        match (chain, server.get(&scope)) {
            (Some(m), Some(s)) if m != *s => return Err(Error::Diverged { scope }),
            (_, Some(s)) => out.insert(scope, s.clone()),
            (Some(m), None) => out.insert(scope, m),
            (None, None) => out.insert(scope, UNKNOWN_CHAIN.to_owned()),
        };
    }
    Ok(out)
}

fn merge_row(current: Option<&Map<String, Value>>, winners: &Map<String, Value>) -> Map<String, Value> {
    let mut row = current.cloned().unwrap_or_default();
    row.extend(winners.iter().map(|(k, v)| (k.clone(), v.clone())));
    row
}

/// Bookkeeping columns: merged like the others, but their losing values are
/// not worth a review.
const UNREVIEWED: &[&str] = &["updated_at"];

fn newer(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Column names of a synced table (the only names spliced into SQL).
fn table_columns(tx: &Transaction<'_>, entity: &str) -> Result<HashSet<String>> {
    let mut stmt = tx.prepare_cached("SELECT name FROM pragma_table_info(?1)")?;
    let cols = stmt.query_map([entity], read::value::<String>)?.collect::<rusqlite::Result<_>>()?;
    Ok(cols)
}

/// The clocks of one row's columns.
struct RowClocks {
    clocks: Map<String, Value>,
    changed: bool,
}

impl RowClocks {
    fn load(tx: &Transaction<'_>, entity: &str, id: &str) -> Result<RowClocks> {
        let json: Option<String> = tx
            .prepare_cached("SELECT clocks FROM row_clocks WHERE entity = ?1 AND entity_id = ?2")?
            .query_row((entity, id), read::value)
            .optional()?;
        let clocks = match json {
            Some(j) => serde_json::from_str(&j)?,
            None => Map::new(),
        };
        Ok(RowClocks { clocks, changed: false })
    }

    fn get(&self, col: &str) -> Option<String> {
        self.clocks
            .get(col)
            .or_else(|| self.clocks.get(ALL_COLUMNS))
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// Every column of the table has `hlc` (a row inserted whole).
    fn all(&mut self, hlc: &str) {
        self.clocks = Map::new();
        self.clocks.insert(ALL_COLUMNS.into(), Value::String(hlc.to_owned()));
        self.changed = true;
    }

    fn set(&mut self, col: &str, hlc: &str) {
        if self.get(col).is_none_or(|old| old.as_str() < hlc) {
            self.clocks.insert(col.to_owned(), Value::String(hlc.to_owned()));
            self.changed = true;
        }
    }

    fn save(&self, tx: &Transaction<'_>, entity: &str, id: &str) -> Result<()> {
        if self.changed {
            tx.prepare_cached(
                "INSERT INTO row_clocks (entity, entity_id, clocks) VALUES (?1, ?2, ?3)
                 ON CONFLICT (entity, entity_id) DO UPDATE SET clocks = ?3",
            )?
            .execute((entity, id, Value::Object(self.clocks.clone()).to_string()))?;
        }
        Ok(())
    }
}

/// Moves `sync_state.echo_floor` up to this desk's oldest op not yet sent
/// back (nor refused), or past the newest op when all are: reads only the
/// outbox from the old floor on.
pub(crate) fn raise_echo_floor(tx: &Transaction<'_>) -> Result<()> {
    tx.prepare_cached(
        "UPDATE sync_state SET echo_floor = coalesce(
             (SELECT min(seq) FROM outbox
               WHERE seq >= sync_state.echo_floor AND echoed_at IS NULL AND refused_reason IS NULL),
             (SELECT coalesce(max(seq), 0) + 1 FROM outbox))",
    )?
    .execute([])?;
    Ok(())
}

/// Per column, the newest clock among this desk's ops on the row that the
/// server has not echoed back yet.
/// Per row, the newest clock of each column among this desk's own ops the
/// server has not sent back yet.
fn pending_clocks(tx: &Transaction<'_>) -> Result<HashMap<String, BTreeMap<String, String>>> {
    let mut out: HashMap<String, BTreeMap<String, String>> = HashMap::new();
    let mut stmt = tx.prepare_cached(
        "SELECT entity_id, hlc, columns FROM outbox
         WHERE seq >= (SELECT echo_floor FROM sync_state) AND echoed_at IS NULL AND refused_reason IS NULL",
    )?;
    let ops: Vec<PendingOp> = read::all(&mut stmt, [])?;
    for PendingOp { entity_id, hlc, columns } in ops {
        let columns: Map<String, Value> = serde_json::from_str(&columns)?;
        let clocks = out.entry(entity_id).or_default();
        for col in columns.keys() {
            let e = clocks.entry(col.clone()).or_default();
            if *e < hlc {
                *e = hlc.clone();
            }
        }
    }
    Ok(out)
}

/// One of this desk's own ops the server has not sent back yet.
#[derive(serde::Deserialize)]
struct PendingOp {
    entity_id: String,
    hlc: String,
    /// The columns it set, as JSON.
    columns: String,
}

fn current_row(tx: &Transaction<'_>, entity: &str, id: &str) -> Result<Option<Map<String, Value>>> {
    let mut stmt = tx.prepare_cached(&format!("SELECT * FROM {entity} WHERE id = ?1"))?;
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    Ok(stmt
        .query_row([id], |r| {
            let mut map = Map::new();
            for (i, n) in names.iter().enumerate() {
                map.insert(n.clone(), sql_to_json(r.get::<_, SqlValue>(i)?));
            }
            Ok(map)
        })
        .optional()?)
}

/// Stored values as the write path serialised them (flags as 0/1 are
/// compared as numbers, so a bool and its integer agree).
fn sql_to_json(v: SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => Value::from(i),
        SqlValue::Real(f) => Value::from(f),
        SqlValue::Text(t) => Value::String(t),
        SqlValue::Blob(b) => Value::String(format!("{b:?}")),
    }
}

fn same(a: &Value, b: &Value) -> bool {
    let norm = |v: &Value| match v {
        Value::Bool(b) => Value::from(i64::from(*b)),
        Value::Array(_) | Value::Object(_) => Value::String(v.to_string()),
        other => other.clone(),
    };
    norm(a) == norm(b)
}

/// One value that lost, and the one that won, for the conflicts list.
pub(super) struct Clash<'a> {
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub col: &'a str,
    pub losing: &'a Value,
    pub losing_hlc: &'a str,
    pub winning: Option<&'a Value>,
    pub winning_hlc: &'a str,
}

/// Keeps a losing value for review; false when there is nothing to review
/// (bookkeeping column, or both sides hold the same value).
pub(super) fn record_clash(tx: &Transaction<'_>, c: &Clash<'_>, now: &str) -> Result<bool> {
    if UNREVIEWED.contains(&c.col) || c.winning.is_some_and(|w| same(w, c.losing)) {
        return Ok(false);
    }
    tx.prepare_cached(
        "INSERT INTO conflicts (id, entity, entity_id, col, losing_value, losing_hlc, winning_value, winning_hlc, detected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(rusqlite::params![
        uuid::Uuid::now_v7().to_string(),
        c.entity,
        c.entity_id,
        c.col,
        c.losing.to_string(),
        c.losing_hlc,
        c.winning.map(|w| w.to_string()),
        c.winning_hlc,
        now,
    ])?;
    Ok(true)
}

fn insert(tx: &Transaction<'_>, entity: &str, cols: &Map<String, Value>) -> Result<()> {
    let names: Vec<&str> = cols.keys().map(String::as_str).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let sql = format!("INSERT INTO {entity} ({}) VALUES ({})", names.join(", "), marks.join(", "));
    tx.prepare_cached(&sql)?.execute(params_from_iter(cols.values().map(to_sql))).map_err(Error::from)?;
    Ok(())
}

fn update(tx: &Transaction<'_>, entity: &str, id: &str, cols: &Map<String, Value>) -> Result<()> {
    let sets: Vec<String> = cols.keys().enumerate().map(|(i, k)| format!("{k} = ?{}", i + 1)).collect();
    let sql = format!("UPDATE {entity} SET {} WHERE id = ?{}", sets.join(", "), cols.len() + 1);
    let mut values: Vec<SqlValue> = cols.values().map(to_sql).collect();
    values.push(SqlValue::Text(id.to_owned()));
    tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    Ok(())
}
