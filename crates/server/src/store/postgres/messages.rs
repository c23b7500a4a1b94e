//! The PostgreSQL store's side of sending (`crate::messages`): messages
//! taken on, their deliveries, and the server's own changes of them.
//! Several server instances may send at once: a message is taken under
//! `FOR UPDATE SKIP LOCKED`, so each leaves from one of them.

use super::keep_rows;
use crate::messages::{on_change, outgoing, Delivery, Settlement, Taken, SERVER_DEVICE};
use crate::store::{Kept, StoreError};
use branchdesk_api::commands::channels::EmailChannel;
use branchdesk_api::delivery::{Outcome, Outgoing, Recorded, CUT_OFF, SENDING_STALE_MINUTES};
use branchdesk_api::sync::Op;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::Value;
use tokio_postgres::Transaction;

const EMAIL: &str = "EMAIL";

async fn row(tx: &Transaction<'_>, entity: &str, id: &str) -> Result<Option<Kept>, StoreError> {
    let found = tx
        .query_opt(
            "SELECT data, clocks FROM entity_rows WHERE entity = $1 AND entity_id = $2",
            &[&entity, &id],
        )
        .await?;
    Ok(found.map(|r| Kept {
        data: r.get::<_, Value>(0).as_object().cloned().unwrap_or_default(),
        clocks: r.get::<_, Option<Value>>(1).and_then(|c| c.as_object().cloned()).unwrap_or_default(),
    }))
}

/// After an accepted change of a message (`row` as the push left it):
/// takes it on, or says again that it was sent.
pub(super) async fn take_on(tx: &Transaction<'_>, op: &Op, row: &Kept) -> Result<(), StoreError> {
    let held = tx
        .query_opt("SELECT state, updated_at FROM deliveries WHERE notification_id = $1", &[&op.entity_id])
        .await?
        .map(|r| (r.get::<_, String>(0), r.get::<_, DateTime<Utc>>(1)));
    let at = held.as_ref().map(|(_, t)| t.to_rfc3339_opts(SecondsFormat::Secs, true));
    let held = held.as_ref().zip(at.as_deref()).and_then(|((s, _), at)| Delivery::parse(s).map(|d| (d, at)));
    let now = Utc::now();
    match on_change(op, row, held, now) {
        Taken::Nothing => {}
        Taken::Queue { channel } => {
            tx.execute(
                "INSERT INTO deliveries (notification_id, channel, state, attempts, next_attempt_at, updated_at)
                 VALUES ($1, $2, 'WAITING', 0, $3, $3)
                 ON CONFLICT (notification_id) DO UPDATE SET channel = $2, state = 'WAITING', attempts = 0,
                     next_attempt_at = $3, provider_ref = '', error = '', updated_at = $3",
                &[&op.entity_id, &channel, &now],
            )
            .await?;
        }
        Taken::Restate(change) => log_own(tx, &change).await?,
        Taken::Settled(state) => {
            tx.execute(
                "UPDATE deliveries SET state = $2, updated_at = $3
                 WHERE notification_id = $1 AND state IN ('WAITING', 'RETRY')",
                &[&op.entity_id, &state.as_str(), &now],
            )
            .await?;
        }
    }
    Ok(())
}

/// Logs a change the server makes and keeps the row as it leaves it.
async fn log_own(tx: &Transaction<'_>, change: &Op) -> Result<(), StoreError> {
    let counter = tx
        .query_one(
            "INSERT INTO scope_counters (scope, last_seq) VALUES ($1, 1)
             ON CONFLICT (scope) DO UPDATE SET last_seq = scope_counters.last_seq + 1
             RETURNING last_seq, chain",
            &[&change.scope],
        )
        .await?;
    let (seq, previous): (i64, String) = (counter.get(0), counter.get(1));
    let chain = branchdesk_api::sync::chain_step(&previous, &change.op_id);
    tx.execute(
        "UPDATE scope_counters SET chain = $2, max_hlc = GREATEST(max_hlc, $3) WHERE scope = $1",
        &[&change.scope, &chain, &change.hlc],
    )
    .await?;
    tx.execute(
        "INSERT INTO scope_rows (scope, entity, entity_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        &[&change.scope, &change.entity, &change.entity_id],
    )
    .await?;
    let logged = serde_json::to_value(change).map_err(|e| StoreError::Backend(e.to_string()))?;
    tx.execute(
        "INSERT INTO change_log (scope, scope_seq, device_id, op, chain) VALUES ($1, $2, $3, $4::json, $5)",
        &[&change.scope, &seq, &SERVER_DEVICE, &logged, &chain],
    )
    .await?;
    let mut kept = row(tx, &change.entity, &change.entity_id).await?.unwrap_or_default();
    kept.merge(&change.entity_id, &change.columns, &change.hlc);
    keep_rows(
        tx,
        &[change.entity.as_str()],
        &[change.entity_id.as_str()],
        &[Value::Object(kept.data)],
        &[Value::Object(kept.clocks)],
    )
    .await
}

/// Records where message `id` stands and tells the desks.
async fn settle(
    tx: &Transaction<'_>,
    id: &str,
    recorded: &Recorded,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let s = Settlement::of(recorded, now);
    tx.execute(
        "UPDATE deliveries SET state = $2, next_attempt_at = $3, provider_ref = $4, error = $5, updated_at = $6
         WHERE notification_id = $1",
        &[&id, &s.delivery.as_str(), &s.next_attempt_at, &recorded.provider_ref, &recorded.error, &now],
    )
    .await?;
    if let Some(kept) = row(tx, "notifications", id).await? {
        log_own(tx, &s.change(id, &kept, now)).await?;
    }
    Ok(())
}

impl super::PgStore {
    pub(super) async fn email_channel_now(&self) -> Result<Option<EmailChannel>, StoreError> {
        let client = self.pool.get().await?;
        let found = client
            .query_opt("SELECT config, secret FROM channel_settings WHERE channel = $1", &[&EMAIL])
            .await?;
        let Some(r) = found else { return Ok(None) };
        let mut email: EmailChannel =
            serde_json::from_value(r.get::<_, Value>(0)).map_err(|e| StoreError::Backend(e.to_string()))?;
        email.password = r.get(1);
        Ok(Some(email))
    }

    pub(super) async fn keep_email_channel(&self, email: EmailChannel) -> Result<(), StoreError> {
        let secret = email.password.clone();
        let config = serde_json::to_value(EmailChannel { password: String::new(), ..email })
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO channel_settings (channel, config, secret) VALUES ($1, $2, $3)
                 ON CONFLICT (channel) DO UPDATE SET config = $2, secret = $3, updated_at = now()",
                &[&EMAIL, &config, &secret],
            )
            .await?;
        Ok(())
    }

    pub(super) async fn take_due_now(
        &self,
        now: DateTime<Utc>,
        channels: &[String],
        limit: usize,
    ) -> Result<Vec<Outgoing>, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let stale: Vec<String> = tx
            .query(
                "SELECT notification_id FROM deliveries WHERE state = 'SENDING' AND updated_at < $1
                 FOR UPDATE SKIP LOCKED",
                &[&(now - Duration::minutes(SENDING_STALE_MINUTES))],
            )
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let cut_off = Recorded::failed(CUT_OFF);
        for id in stale {
            settle(&tx, &id, &cut_off, now).await?;
        }
        let due: Vec<String> = tx
            .query(
                "SELECT notification_id FROM deliveries
                 WHERE state IN ('WAITING', 'RETRY') AND channel = ANY($1) AND next_attempt_at <= $2
                 ORDER BY next_attempt_at, notification_id LIMIT $3 FOR UPDATE SKIP LOCKED",
                &[&channels, &now, &(limit as i64)],
            )
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut out = Vec::new();
        for id in due {
            let made = match row(&tx, "notifications", &id).await? {
                None => Err("The message is not on the server.".to_owned()),
                Some(kept) => {
                    let text = |col: &str| kept.data.get(col).and_then(Value::as_str).map(str::to_owned);
                    let student = match text("student_id") {
                        Some(s) => row(&tx, "students", &s).await?,
                        None => None,
                    };
                    let branch = match text("branch_id") {
                        Some(b) => row(&tx, "branches", &b).await?,
                        None => None,
                    };
                    outgoing(&kept.data, student.as_ref().map(|k| &k.data), branch.as_ref().map(|k| &k.data))
                }
            };
            match made {
                Ok(m) => {
                    tx.execute(
                        "UPDATE deliveries SET state = 'SENDING', attempts = attempts + 1, updated_at = $2
                         WHERE notification_id = $1",
                        &[&id, &now],
                    )
                    .await?;
                    out.push(m);
                }
                Err(reason) => {
                    let failed = Recorded::failed(reason);
                    settle(&tx, &id, &failed, now).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    pub(super) async fn record_delivery_now(
        &self,
        id: &str,
        outcome: &Outcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let held = tx
            .query_opt("SELECT state, attempts FROM deliveries WHERE notification_id = $1 FOR UPDATE", &[&id])
            .await?
            .map(|r| (r.get::<_, String>(0), r.get::<_, i32>(1)));
        // Only a message taken to send has an answer to record.
        let Some((_, attempts)) = held.filter(|(state, _)| state == Delivery::Sending.as_str()) else {
            return Ok(());
        };
        settle(&tx, id, &Recorded::after(u32::try_from(attempts).unwrap_or(u32::MAX), outcome), now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn next_retry(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let client = self.pool.get().await?;
        let row = client
            .query_one("SELECT min(next_attempt_at) FROM deliveries WHERE state = 'RETRY'", &[])
            .await?;
        Ok(row.get(0))
    }
}
