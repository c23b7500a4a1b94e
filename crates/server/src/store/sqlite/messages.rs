//! The SQLite store's side of sending (`crate::messages`): messages taken
//! on, their deliveries, and the server's own changes of them.

use super::{keep_row, log_change, row};
use crate::messages::{on_change, outgoing, Delivery, Settlement, Taken, SERVER_DEVICE};
use crate::store::{Kept, StoreError};
use branchdesk_api::commands::channels::EmailChannel;
use branchdesk_api::delivery::{Outcome, Outgoing, Recorded, CUT_OFF, SENDING_STALE_MINUTES};
use branchdesk_api::sync::Op;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

const EMAIL: &str = "EMAIL";

/// Times as stored here: fixed width, so text order is time order.
fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// After an accepted change of a message (`row` as it now stands): takes
/// it on, or says again that it was sent.
pub(super) fn take_on(tx: &Transaction<'_>, op: &Op, row: &Kept) -> Result<(), StoreError> {
    let held: Option<(String, String)> = tx
        .prepare_cached("SELECT state, updated_at FROM deliveries WHERE notification_id = ?1")?
        .query_row([&op.entity_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let held = held.as_ref().and_then(|(s, at)| Delivery::parse(s).map(|d| (d, at.as_str())));
    let now = Utc::now();
    match on_change(op, row, held, now) {
        Taken::Nothing => {}
        Taken::Queue { channel } => {
            tx.prepare_cached(
                "INSERT INTO deliveries (notification_id, channel, state, attempts, next_attempt_at, updated_at)
                 VALUES (?1, ?2, 'WAITING', 0, ?3, ?3)
                 ON CONFLICT (notification_id) DO UPDATE SET channel = ?2, state = 'WAITING', attempts = 0,
                     next_attempt_at = ?3, provider_ref = '', error = '', updated_at = ?3",
            )?
            .execute((&op.entity_id, channel, stamp(now)))?;
        }
        Taken::Restate(change) => log_own(tx, &change)?,
        Taken::Settled(state) => {
            tx.prepare_cached(
                "UPDATE deliveries SET state = ?2, updated_at = ?3
                 WHERE notification_id = ?1 AND state IN ('WAITING', 'RETRY')",
            )?
            .execute((&op.entity_id, state.as_str(), stamp(now)))?;
        }
    }
    Ok(())
}

/// Logs a change the server makes and keeps the row as it leaves it.
fn log_own(tx: &Transaction<'_>, change: &Op) -> Result<(), StoreError> {
    log_change(tx, SERVER_DEVICE, change)?;
    let mut kept = row(tx, &change.entity, &change.entity_id)?.unwrap_or_default();
    kept.merge(&change.entity_id, &change.columns, &change.hlc);
    keep_row(tx, &change.entity, &change.entity_id, &kept)
}

/// Records where message `id` stands and tells the desks.
fn settle(tx: &Transaction<'_>, id: &str, recorded: &Recorded, now: DateTime<Utc>) -> Result<(), StoreError> {
    let s = Settlement::of(recorded, now);
    tx.prepare_cached(
        "UPDATE deliveries SET state = ?2, next_attempt_at = ?3, provider_ref = ?4, error = ?5, updated_at = ?6
         WHERE notification_id = ?1",
    )?
    .execute((id, s.delivery.as_str(), stamp(s.next_attempt_at), &recorded.provider_ref, &recorded.error, stamp(now)))?;
    if let Some(kept) = row(tx, "notifications", id)? {
        log_own(tx, &s.change(id, &kept, now))?;
    }
    Ok(())
}

pub(super) fn email_channel(conn: &Connection) -> Result<Option<EmailChannel>, StoreError> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT config, secret FROM channel_settings WHERE channel = ?1")?
        .query_row([EMAIL], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((config, secret)) = row else { return Ok(None) };
    let mut email: EmailChannel =
        serde_json::from_str(&config).map_err(|e| StoreError::Backend(e.to_string()))?;
    email.password = secret;
    Ok(Some(email))
}

pub(super) fn save_email_channel(conn: &Connection, email: EmailChannel) -> Result<(), StoreError> {
    let secret = email.password.clone();
    let config = serde_json::to_string(&EmailChannel { password: String::new(), ..email })
        .map_err(|e| StoreError::Backend(e.to_string()))?;
    conn.execute(
        "INSERT INTO channel_settings (channel, config, secret, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (channel) DO UPDATE SET config = ?2, secret = ?3, updated_at = ?4",
        (EMAIL, config, secret, stamp(Utc::now())),
    )?;
    Ok(())
}

pub(super) fn take_due(
    conn: &mut Connection,
    now: DateTime<Utc>,
    channels: &[String],
    limit: usize,
) -> Result<Vec<Outgoing>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let stale: Vec<String> = tx
        .prepare_cached("SELECT notification_id FROM deliveries WHERE state = 'SENDING' AND updated_at < ?1")?
        .query_map([stamp(now - Duration::minutes(SENDING_STALE_MINUTES))], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let cut_off = Recorded::failed(CUT_OFF);
    for id in stale {
        settle(&tx, &id, &cut_off, now)?;
    }
    let mut due: Vec<String> = Vec::new();
    for channel in channels {
        let mut stmt = tx.prepare_cached(
            "SELECT notification_id FROM deliveries
             WHERE state IN ('WAITING', 'RETRY') AND channel = ?1 AND next_attempt_at <= ?2
             ORDER BY next_attempt_at, notification_id LIMIT ?3",
        )?;
        let ids = stmt.query_map((channel, stamp(now), limit as i64), |r| r.get::<_, String>(0))?;
        for id in ids {
            due.push(id?);
        }
    }
    due.truncate(limit);
    let mut out = Vec::new();
    for id in due {
        let made = match row(&tx, "notifications", &id)? {
            None => Err("The message is not on the server.".to_owned()),
            Some(kept) => {
                let named = |table: &str, col: &str| -> Result<Option<Kept>, StoreError> {
                    match kept.data.get(col).and_then(serde_json::Value::as_str) {
                        Some(other) => row(&tx, table, other),
                        None => Ok(None),
                    }
                };
                let student = named("students", "student_id")?;
                let branch = named("branches", "branch_id")?;
                outgoing(&kept.data, student.as_ref().map(|k| &k.data), branch.as_ref().map(|k| &k.data))
            }
        };
        match made {
            Ok(m) => {
                tx.prepare_cached(
                    "UPDATE deliveries SET state = 'SENDING', attempts = attempts + 1, updated_at = ?2
                     WHERE notification_id = ?1",
                )?
                .execute((&id, stamp(now)))?;
                out.push(m);
            }
            Err(reason) => {
                let failed = Recorded::failed(reason);
                settle(&tx, &id, &failed, now)?;
            }
        }
    }
    tx.commit()?;
    Ok(out)
}

pub(super) fn record_delivery(
    conn: &mut Connection,
    id: &str,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let held: Option<(String, i64)> = tx
        .prepare_cached("SELECT state, attempts FROM deliveries WHERE notification_id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    // Only a message taken to send has an answer to record.
    let Some((_, attempts)) = held.filter(|(state, _)| state == Delivery::Sending.as_str()) else {
        return Ok(());
    };
    settle(&tx, id, &Recorded::after(u32::try_from(attempts).unwrap_or(u32::MAX), outcome), now)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn next_retry_at(conn: &Connection) -> Result<Option<DateTime<Utc>>, StoreError> {
    let next: Option<String> =
        conn.query_row("SELECT min(next_attempt_at) FROM deliveries WHERE state = 'RETRY'", [], |r| {
            r.get(0)
        })?;
    Ok(next.and_then(|t| DateTime::parse_from_rfc3339(&t).ok()).map(|t| t.with_timezone(&Utc)))
}
