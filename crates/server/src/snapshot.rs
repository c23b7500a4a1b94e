//! Writing a scope's snapshot file (its layout: `api::sync::SnapshotRequest`).
//! The stores read the rows; this writes them, with the checksum the desk
//! verifies before installing.

use crate::store::StoreError;
use branchdesk_api::sync::{SnapshotDigest, SNAPSHOT_FORMAT};
use rusqlite::Connection;
use std::path::Path;

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

pub struct Writer {
    conn: Connection,
    digest: SnapshotDigest,
    rows: u64,
}

impl Writer {
    /// A new file at `path` (nothing may be there).
    pub fn create(path: &Path) -> Result<Writer, StoreError> {
        let conn = Connection::open(path)?;
        // A throwaway file written once: no journal, no syncs.
        conn.execute_batch(
            "PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             CREATE TABLE snapshot (
                 format INTEGER NOT NULL, scope TEXT NOT NULL, cursor INTEGER NOT NULL, chain TEXT NOT NULL,
                 max_hlc TEXT NOT NULL, device_acked INTEGER NOT NULL, row_count INTEGER NOT NULL,
                 digest TEXT NOT NULL, built_at TEXT NOT NULL);
             CREATE TABLE rows (entity TEXT NOT NULL, entity_id TEXT NOT NULL, data TEXT NOT NULL, clocks TEXT NOT NULL);
             BEGIN;",
        )?;
        Ok(Writer { conn, digest: SnapshotDigest::default(), rows: 0 })
    }

    /// Rows go in table by table, in `SYNCED_ENTITIES` order.
    pub fn row(&mut self, entity: &str, entity_id: &str, data: &str, clocks: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("INSERT INTO rows (entity, entity_id, data, clocks) VALUES (?1, ?2, ?3, ?4)")?
            .execute((entity, entity_id, data, clocks))?;
        self.digest.row(entity, entity_id, data, clocks);
        self.rows += 1;
        Ok(())
    }

    /// Seals the file; answers how many rows it holds.
    pub fn finish(self, head: &Head) -> Result<u64, StoreError> {
        self.conn.execute(
            "INSERT INTO snapshot (format, scope, cursor, chain, max_hlc, device_acked, row_count, digest, built_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![
                SNAPSHOT_FORMAT,
                head.scope,
                head.cursor as i64,
                head.chain,
                head.max_hlc,
                head.device_acked as i64,
                self.rows as i64,
                self.digest.clone().hex(),
                chrono::Utc::now().to_rfc3339(),
            ],
        )?;
        self.conn.execute_batch("COMMIT")?;
        Ok(self.rows)
    }
}
