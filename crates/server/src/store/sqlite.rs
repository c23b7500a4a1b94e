//! The embedded SQLite backend: zero set-up, for a single centre or a trial.

use super::{Store, StoreError};
use branchdesk_api::sync::{Change, Op, PullRequest, PullResponse, PushResponse};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::{Arc, Mutex};

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
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
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        embedded::migrations::runner().run(&mut conn).map_err(|e| StoreError::Backend(e.to_string()))?;
        Ok(Self { conn: Arc::new(Mutex::new(conn)) })
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

fn push(conn: &mut Connection, device_id: &str, ops: &[Op]) -> Result<PushResponse, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let last: u64 = tx
        .query_row("SELECT max(seq) FROM applied_ops WHERE device_id = ?1", [device_id], |r| {
            r.get::<_, Option<i64>>(0)
        })
        .optional()?
        .flatten()
        .unwrap_or(0) as u64;
    let mut expected = last + 1;
    let now = chrono::Utc::now().to_rfc3339();
    for op in ops.iter().filter(|op| op.seq > last) {
        if op.seq != expected {
            return Err(StoreError::Gap { expected, got: op.seq });
        }
        let scope_seq: i64 = tx
            .prepare_cached(
                "INSERT INTO scope_counters (scope, last_seq) VALUES (?1, 1)
                 ON CONFLICT (scope) DO UPDATE SET last_seq = last_seq + 1
                 RETURNING last_seq",
            )?
            .query_row([&op.scope], |r| r.get(0))?;
        let json = serde_json::to_string(op).map_err(|e| StoreError::Backend(e.to_string()))?;
        tx.prepare_cached(
            "INSERT INTO change_log (scope, scope_seq, device_id, op) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(rusqlite::params![op.scope, scope_seq, device_id, json])?;
        tx.prepare_cached(
            "INSERT INTO applied_ops (device_id, seq, op_id, status, received_at) VALUES (?1, ?2, ?3, 'accepted', ?4)",
        )?
        .execute(rusqlite::params![device_id, op.seq as i64, op.op_id, now])?;
        expected += 1;
    }
    tx.commit()?;
    Ok(PushResponse { acked_through: expected - 1, rejected: vec![] })
}

fn pull(conn: &mut Connection, req: &PullRequest, limit: usize) -> Result<PullResponse, StoreError> {
    let tx = conn.transaction()?;
    let mut changes = Vec::new();
    let mut cursors = req.cursors.clone();
    let mut more = false;
    for (scope, cursor) in &req.cursors {
        let room = limit.saturating_sub(changes.len());
        let mut stmt = tx.prepare_cached(
            "SELECT scope_seq, device_id, op FROM change_log
             WHERE scope = ?1 AND scope_seq > ?2 ORDER BY scope_seq LIMIT ?3",
        )?;
        let rows = stmt.query_map(rusqlite::params![scope, *cursor as i64, room as i64 + 1], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        for (i, row) in rows.enumerate() {
            let (scope_seq, device_id, op) = row?;
            if i == room {
                more = true;
                break;
            }
            let op: Op = serde_json::from_str(&op).map_err(|e| StoreError::Backend(e.to_string()))?;
            cursors.insert(scope.clone(), scope_seq);
            changes.push(Change { scope: scope.clone(), scope_seq, device_id, op });
        }
    }
    Ok(PullResponse { changes, cursors, more })
}

impl Store for SqliteStore {
    async fn push(&self, device_id: String, ops: Vec<Op>) -> Result<PushResponse, StoreError> {
        self.blocking(move |c| push(c, &device_id, &ops)).await
    }

    async fn pull(&self, req: PullRequest, limit: usize) -> Result<PullResponse, StoreError> {
        self.blocking(move |c| pull(c, &req, limit)).await
    }

    async fn ready(&self) -> Result<(), StoreError> {
        self.blocking(|c| Ok(c.query_row("SELECT 1", [], |_| Ok(()))?)).await
    }
}
