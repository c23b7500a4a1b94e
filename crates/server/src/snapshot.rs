//! Writing a scope's snapshot file (its layout: `api::sync::SnapshotRequest`).
//! The stores put the rows in; the HTTP layer sends the file followed by
//! its checksum.

use crate::store::StoreError;
use branchdesk_api::sync::SNAPSHOT_FORMAT;
use rusqlite::Connection;

/// Where the scope's rows stand: its last change, chain and newest clock.
#[derive(Debug, Clone, Default)]
pub struct Head {
    pub scope: String,
    pub cursor: u64,
    pub chain: String,
    pub max_hlc: String,
    /// The asking desk's last op the server holds.
    pub device_acked: u64,
}

/// Creates the file's tables in the database attached to `conn` as
/// `schema` (a throwaway file written once: no journal, no syncs).
pub fn create(conn: &Connection, schema: &str) -> Result<(), StoreError> {
    conn.execute_batch(&format!(
        "PRAGMA {schema}.journal_mode = OFF;
         PRAGMA {schema}.synchronous = OFF;
         CREATE TABLE {schema}.snapshot (
             format INTEGER NOT NULL, scope TEXT NOT NULL, cursor INTEGER NOT NULL, chain TEXT NOT NULL,
             max_hlc TEXT NOT NULL, device_acked INTEGER NOT NULL, row_count INTEGER NOT NULL,
             built_at TEXT NOT NULL);
         CREATE TABLE {schema}.rows (entity TEXT NOT NULL, entity_id TEXT NOT NULL, data TEXT NOT NULL, clocks TEXT NOT NULL);"
    ))?;
    Ok(())
}

/// Seals the file with its head (the rows are in).
pub fn finish(conn: &Connection, schema: &str, head: &Head) -> Result<u64, StoreError> {
    let rows: i64 = conn.query_row(&format!("SELECT count(*) FROM {schema}.rows"), [], |r| r.get(0))?;
    conn.execute(
        &format!(
            "INSERT INTO {schema}.snapshot (format, scope, cursor, chain, max_hlc, device_acked, row_count, built_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        ),
        rusqlite::params![
            SNAPSHOT_FORMAT,
            head.scope,
            head.cursor as i64,
            head.chain,
            head.max_hlc,
            head.device_acked as i64,
            rows,
            chrono::Utc::now().to_rfc3339(),
        ],
    )?;
    Ok(rows as u64)
}
