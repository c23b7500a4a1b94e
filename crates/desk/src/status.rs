//! What the first screen and the status bar need to know about the desk.

use crate::db::read;
use crate::write::OutboxOp;
use crate::{org, Desk, Result, SessionToken};
use branchdesk_api::commands::system::{AppStatus, SyncState};

impl Desk {
    /// Never fails for lack of a session: the first screen calls it.
    pub fn app_status(&self, token: Option<&SessionToken>) -> Result<AppStatus> {
        let setup_done = self.is_set_up()?;
        let organisation_name = org::store::organisation(&self.db().conn)?.map(|o| o.name);
        let signed_in = match token {
            Some(t) if setup_done => self.me(t).ok(),
            _ => None,
        };
        Ok(AppStatus {
            setup_done,
            organisation_name,
            device_id: self.device_id().to_owned(),
            data_dir: self.data_dir().display().to_string(),
            schema_version: crate::db::schema_version(),
            signed_in,
        })
    }

    pub fn sync_state(&self) -> Result<SyncState> {
        let pending: i64 = self.db().conn.query_row(
            "SELECT coalesce((SELECT max(seq) FROM outbox), 0) - acked_seq FROM sync_state",
            [],
            read::value,
        )?;
        let config = self.sync_config()?;
        // Before the fields below: a temporary database guard lives to the
        // end of the expression that builds the state.
        let held_for = self.held_for()?;
        Ok(SyncState {
            pending_changes: pending as u64,
            server_url: config.server_url,
            last_synced_at: config
                .last_synced_at
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.with_timezone(&chrono::Utc)),
            last_error: config.last_error,
            open_conflicts: self.open_conflicts()?,
            refused_changes: self.db().conn.query_row(
                "SELECT (SELECT count(*) FROM outbox WHERE refused_reason IS NOT NULL)
                      + (SELECT count(*) FROM set_aside_changes)",
                [],
                read::value::<i64>,
            )? as u64,
            last_backup_at: self.newest_backup()?.map(|b| b.taken_at),
            receiving: self.receiving(),
            held_for,
        })
    }
}

impl Desk {
    /// Outbox ops the server has not acknowledged, oldest first, as pushed.
    /// They stop before an op that waits (`sync::proofs::held`): unsigned
    /// (made before this version, or renumbered after a restore) until its
    /// author signs in here, or by an author whose key has not yet been
    /// taken by the server through their password proof.
    pub fn pending_ops(&self, limit: usize) -> Result<Vec<branchdesk_api::sync::Op>> {
        let awaiting = self.awaiting_proof()?;
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(
            "SELECT seq, op_id, author_user_id, scope, entity, entity_id, kind, columns, hlc,
                    schema_version, signature
             FROM outbox WHERE seq > (SELECT acked_seq FROM sync_state) ORDER BY seq LIMIT ?1",
        )?;
        let rows: Vec<OutboxOp> = read::all(&mut stmt, [limit as i64])?;
        let mut ops = Vec::with_capacity(rows.len());
        for row in rows {
            let op = row.into_op()?;
            if crate::sync::proofs::held(&op, &awaiting).is_some() {
                break;
            }
            ops.push(op);
        }
        Ok(ops)
    }

    /// Marks every op up to `seq` as stored by the server. Acked ops stay in
    /// the outbox (the newest one carries the desk's seq and clock).
    pub fn ack_through(&self, seq: u64) -> Result<u64> {
        let mut db = self.db();
        let tx = db.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE outbox SET acked_at = ?2
             WHERE seq > (SELECT acked_seq FROM sync_state) AND seq <= ?1",
            (seq as i64, self.clock().now().to_rfc3339()),
        )?;
        tx.execute("UPDATE sync_state SET acked_seq = max(acked_seq, ?1)", [seq as i64])?;
        tx.commit()?;
        Ok(n as u64)
    }

    /// Moves this desk's ops from `from` on to start at `to` (after a restore
    /// the server already holds other ops under those numbers). Keeps their
    /// order, ids and contents.
    pub fn renumber_ops(&self, from: u64, to: u64) -> Result<()> {
        if to <= from {
            return Err(branchdesk_api::ApiError::internal("renumbering must move ops forward").into());
        }
        let shift = (to - from) as i64;
        let mut db = self.db();
        let tx = db.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Through negative numbers, so no two ops ever share a seq midway.
        tx.execute("UPDATE outbox SET seq = -seq WHERE seq >= ?1", [from as i64])?;
        tx.execute("UPDATE outbox SET seq = -seq + ?1, signature = NULL WHERE seq < 0", [shift])?;
        tx.commit()?;
        drop(db);
        // The seq is signed: the moved ops are signed again by whoever is
        // signed in here; the others wait for their authors.
        self.resign_for_signed_in()?;
        tracing::warn!(from, to, "renumbered this desk's ops after a restore");
        Ok(())
    }
}
