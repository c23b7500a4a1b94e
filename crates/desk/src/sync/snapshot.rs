//! Installing a scope's snapshot: a new desk's first sync, or a scope this
//! desk downloads again. The file (layout: `api::sync::SnapshotRequest`) is
//! checked whole first: its checksum as it arrives, then format, scope and
//! row count; it is read from memory (attached as `snap`). Its rows
//! then go into the desk's tables table by table, parents before children,
//! in short transactions: rows the desk does not hold with one
//! `INSERT … SELECT` per chunk, rows it holds through the applier's merge
//! (per column, the newest clock wins). The scope's cursor and chain move
//! to the snapshot's only in the last transaction, so a desk that stops
//! half-way installs again, skipping rows already in with the same clocks.

use super::apply::Merge;
use crate::db::read;
use crate::{Desk, Error, Result};
use branchdesk_api::sync::{Change, Op, ALL_COLUMNS, SNAPSHOT_FORMAT, SYNCED_ENTITIES};
use branchdesk_api::ApiError;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Rows per install transaction: the write lock stays well under a frame.
pub const INSTALL_CHUNK: i64 = 1_000;

/// What a snapshot file says of itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotHead {
    pub scope: String,
    pub cursor: u64,
    pub chain: String,
    pub max_hlc: String,
    pub device_acked: u64,
    pub rows: u64,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct InstallReport {
    /// Rows copied in whole (the desk did not hold them).
    pub inserted: u64,
    /// Rows the desk held, merged column by column.
    pub merged: u64,
    /// Rows of tables this desk's schema does not have (a newer server).
    pub skipped: u64,
}

fn bad(why: impl std::fmt::Display) -> Error {
    ApiError::internal(format!("the snapshot from the server is not usable: {why}")).into()
}

/// Reads a snapshot file's head and checks it against its rows.
pub fn check(file: &Path, scope: &str) -> Result<SnapshotHead> {
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    read_head(&conn, "main", scope)
}

/// The head of the snapshot attached as `schema`, checked: its format, its
/// scope, and that it holds the rows it says (its bytes were checked
/// against their checksum as they arrived: [`Desk::receive_snapshot`]).
fn read_head(conn: &Connection, schema: &str, scope: &str) -> Result<SnapshotHead> {
    let stored: StoredHead = conn
        .query_row(
            &format!("SELECT format, scope, cursor, chain, max_hlc, device_acked, row_count FROM {schema}.snapshot"),
            [],
            read::row,
        )
        .map_err(bad)?;
    let format = stored.format;
    let head = SnapshotHead {
        scope: stored.scope,
        cursor: stored.cursor,
        chain: stored.chain,
        max_hlc: stored.max_hlc,
        device_acked: stored.device_acked,
        rows: stored.row_count,
    };
    if format != SNAPSHOT_FORMAT {
        return Err(bad(format!("format {format}, this desk reads {SNAPSHOT_FORMAT}")));
    }
    if head.scope != scope {
        return Err(bad(format!("it is of {}, not {scope}", head.scope)));
    }
    let count: i64 =
        conn.query_row(&format!("SELECT count(*) FROM {schema}.rows"), [], read::value).map_err(bad)?;
    if count as u64 != head.rows {
        return Err(bad(format!("it says {} rows and holds {count}", head.rows)));
    }
    Ok(head)
}

/// The snapshot attached to the desk's connection as `snap`, in memory,
/// for as long as it is installed.
struct Attached<'a>(&'a Desk);

impl<'a> Attached<'a> {
    fn new(desk: &'a Desk, file: &[u8]) -> Result<Attached<'a>> {
        // KEY '': the snapshot's bytes are plain; attached without it, the
        // schema would take the desk's key (SQLCipher) and read them as
        // ciphertext. For the same reason the bytes cannot be deserialized
        // into it (that re-attaches without a key): they are opened in a
        // connection of their own and copied across page by page.
        desk.db().conn.execute("ATTACH DATABASE ':memory:' AS snap KEY ''", [])?;
        let attached = Attached(desk);
        let mut bytes = Connection::open_in_memory()?;
        bytes.deserialize_read_exact(rusqlite::MAIN_DB, file, file.len(), true)?;
        // (The lock is let go before `attached` could be dropped.)
        let mut db = desk.db();
        rusqlite::backup::Backup::new_with_names(&bytes, rusqlite::MAIN_DB, &mut db.conn, "snap")?
            .run_to_completion(4096, std::time::Duration::ZERO, None)?;
        drop(db);
        Ok(attached)
    }
}

impl Drop for Attached<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.0.db().conn.execute("DETACH DATABASE snap", []) {
            tracing::warn!(error = %e, "could not let go of a snapshot");
        }
    }
}

impl Desk {
    /// Receives a snapshot of `scope` as the server sent it (the file, then
    /// its checksum): checks it, and installs it from memory.
    pub fn receive_snapshot(
        &self,
        scope: &str,
        bytes: &[u8],
        progress: impl FnMut(u64, u64),
    ) -> Result<(SnapshotHead, InstallReport)> {
        let file = branchdesk_api::sync::snapshot_file(bytes)
            .ok_or_else(|| bad("it does not match its checksum (damaged on the way?)"))?;
        let _attached = Attached::new(self, file)?;
        let head = read_head(&self.db().conn, "snap", scope)?;
        let report = self.install_snapshot(&head, progress)?;
        Ok((head, report))
    }

    /// Installs the checked snapshot of `head.scope` attached as `snap`;
    /// `progress(done, total)` after each chunk.
    fn install_snapshot(
        &self,
        head: &SnapshotHead,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<InstallReport> {
        let ranges: Vec<EntityRows> = {
            let db = self.db();
            let mut stmt = db.conn.prepare(
                "SELECT entity, min(rowid) AS first, max(rowid) AS last FROM snap.rows GROUP BY entity",
            )?;
            read::all(&mut stmt, [])?
        };
        let mut report = InstallReport::default();
        let mut done = 0u64;
        let order = self.tables_parents_first()?;
        for EntityRows { entity, first, last } in &ranges {
            if !order.iter().any(|(t, _)| t == entity) {
                report.skipped += (last - first + 1) as u64;
            }
        }
        for (table, refers_to_itself) in &order {
            let Some(EntityRows { first: lo, last: hi, .. }) = ranges.iter().find(|r| r.entity == *table)
            else {
                continue;
            };
            // A table that refers to itself goes in at once (a row's
            // parent may lie in a later chunk).
            let step = if *refers_to_itself { hi - lo + 1 } else { INSTALL_CHUNK };
            // Into an empty table every row is new: no row-by-row look for
            // one held already (a clerk's row made meanwhile under the same
            // id fails the copy, and the merge takes that chunk).
            let fresh: bool = self.db().conn.query_row(
                &format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"),
                [],
                read::value,
            )?;
            let mut from = *lo;
            while from <= *hi {
                if done > 0 && self.failpoints.fire(crate::failpoint::INSTALL_MID_SNAPSHOT) {
                    // As if the desk died here: the chunks so far stay, the cursor does not move.
                    return Err(ApiError::internal("crashed while installing a snapshot (failpoint)").into());
                }
                let to = (from + step - 1).min(*hi);
                self.install_chunk(table, (from, to), fresh, &mut report)?;
                done += (to - from + 1) as u64;
                progress(done, head.rows);
                from = to + 1;
            }
        }
        let mut db = self.db();
        let tx = db.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO sync_cursors (scope, scope_seq, chain) VALUES (?1, ?2, ?3)
             ON CONFLICT (scope) DO UPDATE SET scope_seq = ?2, chain = ?3",
            (&head.scope, head.cursor as i64, &head.chain),
        )?;
        tx.execute(
            "UPDATE sync_state SET seen_hlc = max(seen_hlc, ?1)",
            [head.max_hlc.get(..16).unwrap_or_default()],
        )?;
        // This desk's own changes the snapshot holds will not come back
        // one by one.
        tx.execute(
            "UPDATE outbox SET echoed_at = ?3
             WHERE seq >= (SELECT echo_floor FROM sync_state) AND seq <= ?2 AND echoed_at IS NULL AND scope = ?1",
            (&head.scope, head.device_acked as i64, self.clock().now().to_rfc3339()),
        )?;
        super::apply::raise_echo_floor(&tx)?;
        tx.commit()?;
        Ok(report)
    }

    /// Rows `from..=to` of the snapshot (all of `table`) in one transaction.
    fn install_chunk(
        &self,
        table: &str,
        (from, to): (i64, i64),
        fresh: bool,
        report: &mut InstallReport,
    ) -> Result<()> {
        let mut db = self.db();
        let _permit = db.apply_permit();
        // These rows can be fetched again (the cursor moves only at the
        // end, in a transaction synced to disk like every other): no sync
        // per chunk.
        db.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let result = (|| -> Result<()> {
            let tx = db.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
            let held = if fresh { Vec::new() } else { held_rows(&tx, table, from, to)? };
            tx.execute_batch("SAVEPOINT copy")?;
            let copied = copy_rows(&tx, table, (from, to), !fresh).map_err(Error::from);
            let merge_all = match copied {
                Ok(n) => {
                    tx.execute_batch("RELEASE copy")?;
                    report.inserted += n as u64;
                    false
                }
                // Two desks chose the same name offline (or some other
                // clash): the applier's merge settles it row by row.
                Err(e) if crate::error::is_unique_violation(&e) => {
                    tx.execute_batch("ROLLBACK TO copy; RELEASE copy")?;
                    true
                }
                Err(e) => return Err(e),
            };
            let rows = if merge_all { all_rows(&tx, from, to)? } else { held };
            let mut merge = Merge::new(self, &tx)?;
            for SnapRow { entity_id, data, clocks } in &rows {
                for change in as_changes(table, entity_id, data, clocks)? {
                    merge.change(&change)?;
                }
                report.merged += 1;
            }
            merge.finish()?;
            tx.commit()?;
            Ok(())
        })();
        db.conn.pragma_update(None, "synchronous", "FULL")?;
        result
    }

    /// Synced tables in an order where every table comes after the tables
    /// its foreign keys name, each with whether it refers to itself.
    fn tables_parents_first(&self) -> Result<Vec<(String, bool)>> {
        let db = self.db();
        let mut parents: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for table in SYNCED_ENTITIES {
            let mut stmt = db.conn.prepare("SELECT \"table\" FROM pragma_foreign_key_list(?1)")?;
            let names =
                stmt.query_map([table], read::value::<String>)?.collect::<rusqlite::Result<Vec<_>>>()?;
            parents
                .insert(table, names.into_iter().filter(|p| SYNCED_ENTITIES.contains(&p.as_str())).collect());
        }
        let mut order: Vec<(String, bool)> = Vec::new();
        while order.len() < parents.len() {
            let before = order.len();
            for (table, ps) in &parents {
                let placed = |t: &str| order.iter().any(|(o, _)| o == t);
                if !placed(table) && ps.iter().all(|p| p == table || placed(p)) {
                    order.push(((*table).to_owned(), ps.iter().any(|p| p == table)));
                }
            }
            if order.len() == before {
                return Err(ApiError::internal("the synced tables' foreign keys form a cycle").into());
            }
        }
        Ok(order)
    }
}

/// The head of a snapshot file as its `snapshot` table stores it.
#[derive(Deserialize)]
struct StoredHead {
    format: u32,
    scope: String,
    cursor: u64,
    chain: String,
    max_hlc: String,
    device_acked: u64,
    row_count: u64,
}

/// Where one table's rows lie in a snapshot's `rows` (by rowid).
#[derive(Deserialize)]
struct EntityRows {
    entity: String,
    first: i64,
    last: i64,
}

/// A snapshot row: the row's data and its clocks, as JSON.
#[derive(Deserialize)]
struct SnapRow {
    entity_id: String,
    data: String,
    clocks: String,
}

/// A synced table's column, with its default, for the installer's SQL.
#[derive(Deserialize)]
struct Column {
    name: String,
    dflt_value: Option<String>,
}

fn columns_of(tx: &Transaction<'_>, table: &str) -> rusqlite::Result<Vec<Column>> {
    read::all(&mut *tx.prepare_cached("SELECT name, dflt_value FROM pragma_table_info(?1)")?, [table])
}

/// A snapshot row's clocks as the desk keeps them (`row_clocks`). Both
/// name the clock most columns share once, under `ALL_COLUMNS` — on the server for
/// every column of the row's data, on the desk for every column of the
/// table — so the server's form is kept as it is when the row's data has
/// every column of the table (nearly always), and spelt out column by
/// column otherwise.
fn stored_clocks(columns: &[Column]) -> String {
    let covers: Vec<String> = columns
        .iter()
        .map(|c| &c.name)
        .filter(|n| *n != "id")
        .map(|n| format!("json_type(r.data, '$.\"{n}\"') IS NOT NULL"))
        .collect();
    let all = format!("json_extract(r.clocks, '$.\"{ALL_COLUMNS}\"')");
    format!(
        "CASE WHEN {all} IS NULL OR ({}) THEN r.clocks ELSE
            (SELECT json_group_object(d.key, coalesce(json_extract(r.clocks, '$.\"' || d.key || '\"'), {all}))
             FROM json_each(r.data) d WHERE d.key <> 'id') END",
        covers.join(" AND ")
    )
}

/// Rows of the chunk the desk holds already, unless it holds them with the
/// same clocks (installed by an earlier, interrupted attempt).
fn held_rows(tx: &Transaction<'_>, table: &str, from: i64, to: i64) -> Result<Vec<SnapRow>> {
    let clocks = stored_clocks(&columns_of(tx, table)?);
    let sql = format!(
        "SELECT r.entity_id, r.data, r.clocks FROM snap.rows r
         WHERE r.rowid BETWEEN ?1 AND ?2
           AND EXISTS (SELECT 1 FROM main.{table} x WHERE x.id = r.entity_id)
           AND NOT EXISTS (SELECT 1 FROM main.row_clocks c
                           WHERE c.entity = r.entity AND c.entity_id = r.entity_id AND c.clocks = {clocks})"
    );
    Ok(read::all(&mut tx.prepare(&sql)?, [from, to])?)
}

fn all_rows(tx: &Transaction<'_>, from: i64, to: i64) -> Result<Vec<SnapRow>> {
    let mut stmt =
        tx.prepare("SELECT entity_id, data, clocks FROM snap.rows WHERE rowid BETWEEN ?1 AND ?2")?;
    Ok(read::all(&mut stmt, [from, to])?)
}

/// Copies the chunk's rows the desk does not hold, with their clocks, in
/// two statements. A column the row's data lacks takes the table's default
/// (as an insert naming only some columns would).
fn copy_rows(
    tx: &Transaction<'_>,
    table: &str,
    (from, to): (i64, i64),
    skip_held: bool,
) -> rusqlite::Result<usize> {
    let columns = columns_of(tx, table)?;
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let values: Vec<String> = columns
        .iter()
        .map(|Column { name, dflt_value: default }| match name.as_str() {
            "id" => "r.entity_id".to_owned(),
            _ => format!(
                "CASE WHEN json_type(r.data, '$.\"{name}\"') IS NULL THEN {} ELSE json_extract(r.data, '$.\"{name}\"') END",
                default.as_deref().unwrap_or("NULL")
            ),
        })
        .collect();
    let absent = match skip_held {
        true => format!("NOT EXISTS (SELECT 1 FROM main.{table} x WHERE x.id = r.entity_id)"),
        false => "true".to_owned(),
    };
    tx.execute(
        &format!(
            "INSERT INTO main.row_clocks (entity, entity_id, clocks)
             SELECT r.entity, r.entity_id, {} FROM snap.rows r WHERE r.rowid BETWEEN ?1 AND ?2 AND {absent}
             ON CONFLICT (entity, entity_id) DO UPDATE SET clocks = excluded.clocks",
            stored_clocks(&columns)
        ),
        [from, to],
    )?;
    tx.execute(
        &format!(
            "INSERT INTO main.{table} ({}) SELECT {} FROM snap.rows r WHERE r.rowid BETWEEN ?1 AND ?2 AND {absent}",
            names.join(", "),
            values.join(", ")
        ),
        [from, to],
    )
}

/// A snapshot row as changes the applier merges: one per distinct clock,
/// holding the columns that clock won.
fn as_changes(table: &str, id: &str, data: &str, clocks: &str) -> Result<Vec<Change>> {
    let data: Map<String, Value> = serde_json::from_str(data)?;
    let clocks: Map<String, Value> = serde_json::from_str(clocks)?;
    let mut by_clock: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    let common = clocks.get(ALL_COLUMNS).and_then(Value::as_str);
    for (col, value) in data.iter().filter(|(col, _)| *col != "id") {
        if let Some(clock) = clocks.get(col).and_then(Value::as_str).or(common) {
            by_clock.entry(clock).or_default().insert(col.clone(), value.clone());
        }
    }
    Ok(by_clock
        .into_iter()
        .map(|(hlc, columns)| Change {
            scope: String::new(),
            scope_seq: 0,
            device_id: String::new(),
            op: Op {
                seq: 0,
                op_id: String::new(),
                author_user_id: None,
                scope: String::new(),
                entity: table.to_owned(),
                entity_id: id.to_owned(),
                kind: "update".into(),
                columns,
                hlc: hlc.to_owned(),
                schema_version: branchdesk_api::sync::DESK_SCHEMA_VERSION,
                signature: None,
            },
        })
        .collect())
}
