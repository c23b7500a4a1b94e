//! The PostgreSQL backend, for a chain: several stateless server instances
//! can share one database.

use super::{Store, StoreError};
use crate::authz;
use branchdesk_api::sync::{Change, Op, PullRequest, PullResponse, PushResponse, Rejected};
use deadpool_postgres::{Manager, Pool};
use serde_json::{Map, Value};
use tokio_postgres::{IsolationLevel, NoTls};

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        StoreError::Backend(e.to_string())
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
        let config: tokio_postgres::Config = url.parse()?;
        let (mut client, conn) = config.connect(NoTls).await?;
        let driver = tokio::spawn(conn);
        embedded::migrations::runner()
            .run_async(&mut client)
            .await
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        drop(client);
        let _ = driver.await;
        let manager = Manager::new(config, NoTls);
        let pool =
            Pool::builder(manager).max_size(max).build().map_err(|e| StoreError::Backend(e.to_string()))?;
        Ok(Self { pool })
    }
}

impl Store for PgStore {
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
        let mut expected = last + 1;
        let bump = tx
            .prepare(
                "INSERT INTO scope_counters (scope, last_seq) VALUES ($1, 1)
                 ON CONFLICT (scope) DO UPDATE SET last_seq = scope_counters.last_seq + 1
                 RETURNING last_seq",
            )
            .await?;
        let log = tx
            .prepare("INSERT INTO change_log (scope, scope_seq, device_id, op) VALUES ($1, $2, $3, $4)")
            .await?;
        let applied = tx
            .prepare(
                "INSERT INTO applied_ops (device_id, seq, op_id, status, reason) VALUES ($1, $2, $3, $4, $5)",
            )
            .await?;
        let get_row = tx.prepare("SELECT data FROM entity_rows WHERE entity = $1 AND entity_id = $2").await?;
        let put_row = tx
            .prepare(
                "INSERT INTO entity_rows (entity, entity_id, data) VALUES ($1, $2, $3)
                 ON CONFLICT (entity, entity_id) DO UPDATE SET data = $3",
            )
            .await?;
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        let mut rejected = Vec::new();
        for op in ops.iter().filter(|op| op.seq > last) {
            if op.seq != expected {
                return Err(StoreError::Gap { expected, got: op.seq });
            }
            expected += 1;
            // Until the first grant arrives, the first desk is uploading the
            // organisation it created: nobody holds a role yet to check against.
            let setting_up: bool = tx
                .query_one("SELECT NOT EXISTS (SELECT 1 FROM entity_rows WHERE entity = 'role_grants')", &[])
                .await?
                .get(0);
            let before: Option<Map<String, Value>> = tx
                .query_opt(&get_row, &[&op.entity, &op.entity_id])
                .await?
                .and_then(|r| r.get::<_, Value>(0).as_object().cloned());
            let verdict = if setting_up {
                Ok(())
            } else {
                let grants = match op.author_user_id.as_deref() {
                    None => vec![],
                    Some(author) => {
                        let of = |rows: Vec<tokio_postgres::Row>| -> Vec<Map<String, Value>> {
                            rows.iter().filter_map(|r| r.get::<_, Value>(0).as_object().cloned()).collect()
                        };
                        let grants = of(tx
                            .query(
                                "SELECT data FROM entity_rows WHERE entity = 'role_grants' AND data ->> 'user_id' = $1",
                                &[&author],
                            )
                            .await?);
                        let roles =
                            of(tx.query("SELECT data FROM entity_rows WHERE entity = 'roles'", &[]).await?);
                        authz::grants_in_force(&grants, &roles, &today)
                    }
                };
                authz::check(&authz::Facts { op, before: before.as_ref(), grants: &grants })
            };
            if let Err(reason) = verdict {
                tx.execute(
                    &applied,
                    &[&device_id, &(op.seq as i64), &op.op_id, &"rejected", &Some(reason.as_str())],
                )
                .await?;
                rejected.push(Rejected { seq: op.seq, op_id: op.op_id.clone(), reason });
                continue;
            }
            let scope_seq: i64 = tx.query_one(&bump, &[&op.scope]).await?.get(0);
            let json = serde_json::to_value(op).map_err(|e| StoreError::Backend(e.to_string()))?;
            tx.execute(&log, &[&op.scope, &scope_seq, &device_id, &json]).await?;
            tx.execute(&applied, &[&device_id, &(op.seq as i64), &op.op_id, &"accepted", &None::<&str>])
                .await?;
            let mut data = before.unwrap_or_default();
            data.insert("id".into(), Value::String(op.entity_id.clone()));
            data.extend(op.columns.iter().map(|(k, v)| (k.clone(), v.clone())));
            tx.execute(&put_row, &[&op.entity, &op.entity_id, &Value::Object(data)]).await?;
        }
        tx.commit().await?;
        Ok(PushResponse { acked_through: expected - 1, rejected })
    }

    async fn pull(&self, req: PullRequest, limit: usize) -> Result<PullResponse, StoreError> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare(
                "SELECT scope_seq, device_id, op FROM change_log
                 WHERE scope = $1 AND scope_seq > $2 ORDER BY scope_seq LIMIT $3",
            )
            .await?;
        let mut changes = Vec::new();
        let mut cursors = req.cursors.clone();
        let mut more = false;
        for (scope, cursor) in &req.cursors {
            let room = limit.saturating_sub(changes.len());
            let rows = client.query(&stmt, &[scope, &(*cursor as i64), &(room as i64 + 1)]).await?;
            for (i, row) in rows.iter().enumerate() {
                if i == room {
                    more = true;
                    break;
                }
                let scope_seq = row.get::<_, i64>(0) as u64;
                let op: Op =
                    serde_json::from_value(row.get(2)).map_err(|e| StoreError::Backend(e.to_string()))?;
                cursors.insert(scope.clone(), scope_seq);
                changes.push(Change { scope: scope.clone(), scope_seq, device_id: row.get(1), op });
            }
        }
        Ok(PullResponse { changes, cursors, more })
    }

    async fn enrol(&self, device_id: String, code: String) -> Result<String, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let hash = super::digest(&super::normalise_code(&code));
        let used = tx
            .execute(
                "UPDATE enrolment_codes SET used_at = now(), used_by = $2
                 WHERE code_hash = $1 AND used_at IS NULL AND (expires_at IS NULL OR expires_at > now())",
                &[&hash, &device_id],
            )
            .await?;
        if used != 1 {
            return Err(StoreError::BadCode);
        }
        let token = super::new_token();
        tx.execute(
            "INSERT INTO devices (device_id, token_hash) VALUES ($1, $2)
             ON CONFLICT (device_id) DO UPDATE SET token_hash = $2, enrolled_at = now(), revoked_at = NULL",
            &[&device_id, &super::digest(&token)],
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    async fn authenticate(&self, token: String) -> Result<String, StoreError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT device_id, revoked_at IS NOT NULL FROM devices WHERE token_hash = $1",
                &[&super::digest(&token)],
            )
            .await?;
        match row {
            None => Err(StoreError::UnknownDevice),
            Some(r) if r.get::<_, bool>(1) => Err(StoreError::Revoked),
            Some(r) => Ok(r.get(0)),
        }
    }

    async fn issue_code(&self) -> Result<String, StoreError> {
        let client = self.pool.get().await?;
        let code = super::new_code();
        client
            .execute(
                "INSERT INTO enrolment_codes (code_hash, kind, expires_at) VALUES ($1, 'enrol', now() + interval '24 hours')",
                &[&super::digest(&super::normalise_code(&code))],
            )
            .await?;
        Ok(code)
    }

    async fn revoke(&self, device_id: String) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client.execute("UPDATE devices SET revoked_at = now() WHERE device_id = $1", &[&device_id]).await?;
        Ok(())
    }

    async fn bootstrap_code(&self) -> Result<Option<String>, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.build_transaction().isolation_level(IsolationLevel::Serializable).start().await?;
        let devices: i64 = tx.query_one("SELECT count(*) FROM devices", &[]).await?.get(0);
        if devices > 0 {
            return Ok(None);
        }
        tx.execute("DELETE FROM enrolment_codes WHERE kind = 'bootstrap' AND used_at IS NULL", &[]).await?;
        let code = super::new_code();
        tx.execute(
            "INSERT INTO enrolment_codes (code_hash, kind) VALUES ($1, 'bootstrap')",
            &[&super::digest(&super::normalise_code(&code))],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(code))
    }

    async fn ready(&self) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client.execute("SELECT 1", &[]).await?;
        Ok(())
    }
}
