//! Sending on a desk of its own (no sync server): which approved messages
//! are due, and what became of each (the local `deliveries` table). The
//! sender (`branchdesk-send`) asks for what is due, marks each message
//! SENDING before it leaves and records the provider's answer; a desk that
//! syncs leaves all of this to the server.

use super::{by_id, NotificationRow};
use crate::db::read;
use crate::students::store as students;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::attendance::{NotificationChannel, NotificationKind, NotificationState};
use branchdesk_api::commands::channels::ResendNotification;
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rusqlite::OptionalExtension;
use uuid::Uuid;

/// Waits after each temporary failure; after the last, the message fails.
const BACKOFF_MINUTES: [i64; 5] = [1, 5, 15, 60, 240];

/// A message sent but not recorded for this long was cut off mid-send.
const SENDING_STALE_MINUTES: i64 = 10;

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: Uuid,
    pub channel: NotificationChannel,
    pub recipient_name: String,
    pub recipient: String,
    /// An email's subject line.
    pub subject: String,
    pub body: String,
}

/// What the provider answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted, with the provider's id for it.
    Sent { provider_ref: String },
    /// Try again later (the provider is down, busy or slow).
    Retry { reason: String },
    /// Never going through as it is (a bad address, a refused message).
    Failed { reason: String },
}

/// Times as stored in `deliveries`: fixed width, so text order is time order.
fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The subject line of a message, from what it is about.
fn subject(kind: NotificationKind, student: Option<&str>, branch: &str) -> String {
    let about = match kind {
        NotificationKind::Absence => "Absence",
        NotificationKind::FeeReminder => "Fee reminder",
        NotificationKind::Other => "Message",
    };
    match student {
        Some(name) => format!("{about}: {name} – {branch}"),
        None => format!("{about} – {branch}"),
    }
}

impl Desk {
    /// Approved messages due now on the channels this desk is set up with,
    /// oldest first; none when a server sends for this desk. A message found
    /// still SENDING long after is marked failed for a person to check.
    pub fn messages_due(&self, limit: usize) -> Result<Vec<Outgoing>> {
        if !self.sends_here()? {
            return Ok(Vec::new());
        }
        let now = self.clock().now();
        let db = self.db();
        let conn = &db.conn;
        conn.prepare_cached(
            "UPDATE deliveries SET state = 'FAILED', updated_at = ?2,
                 error = 'The desk stopped while sending this; it may have gone out. Check with the recipient before sending it again.'
             WHERE state = 'SENDING' AND updated_at < ?1",
        )?
        .execute((stamp(now - Duration::minutes(SENDING_STALE_MINUTES)), stamp(now)))?;
        let mut channels = Vec::new();
        if super::channels::email_channel(conn)?.is_some() {
            channels.push(NotificationChannel::Email.as_str());
        }
        if channels.is_empty() {
            return Ok(Vec::new());
        }
        let list = channels.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ");
        let ids: Vec<Uuid> = conn
            .prepare(&format!(
                "SELECT n.id FROM notifications n LEFT JOIN deliveries d ON d.notification_id = n.id
                 WHERE n.state = 'APPROVED' AND n.channel IN ({list})
                   AND (d.notification_id IS NULL OR (d.state = 'RETRY' AND d.next_attempt_at <= ?1))
                 ORDER BY n.created_at, n.id LIMIT ?2"
            ))?
            .query_map((stamp(now), limit as i64), |r| r.get::<_, String>("id"))?
            .filter_map(|id| id.map(|id| Uuid::parse_str(&id).ok()).transpose())
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for id in ids {
            let Some(n) = by_id(conn, id)? else { continue };
            let student = match n.student_id {
                Some(s) => students::student_by_id(conn, s)?.map(|s| s.full_name),
                None => None,
            };
            let branch =
                crate::org::store::branch_by_id(conn, n.branch_id)?.map(|b| b.name).unwrap_or_default();
            out.push(Outgoing {
                id: n.id,
                channel: n.channel,
                recipient_name: n.recipient_name,
                recipient: n.recipient,
                subject: subject(n.kind, student.as_deref(), &branch),
                body: n.body,
            });
        }
        Ok(out)
    }

    /// Marks a message as leaving now (before the provider is asked).
    pub fn start_delivery(&self, id: Uuid) -> Result<()> {
        let now = stamp(self.clock().now());
        self.db().conn.prepare_cached(
            "INSERT INTO deliveries (notification_id, state, attempts, updated_at) VALUES (?1, 'SENDING', 1, ?2)
             ON CONFLICT (notification_id) DO UPDATE SET state = 'SENDING', attempts = attempts + 1, updated_at = ?2",
        )?
        .execute((id.to_string(), now))?;
        Ok(())
    }

    /// Records the provider's answer for a message marked SENDING. A
    /// temporary failure waits longer each time, and after the last wait
    /// the message fails with the reason.
    pub fn record_delivery(&self, id: Uuid, outcome: &Outcome) -> Result<()> {
        let now = self.clock().now();
        let db = self.db();
        let attempts: i64 = db
            .conn
            .prepare_cached("SELECT attempts FROM deliveries WHERE notification_id = ?1")?
            .query_row([id.to_string()], read::value)
            .optional()?
            .unwrap_or(1);
        let (state, next, provider_ref, error) = match outcome {
            Outcome::Sent { provider_ref } => ("SENT", None, provider_ref.clone(), String::new()),
            Outcome::Failed { reason } => ("FAILED", None, String::new(), reason.clone()),
            Outcome::Retry { reason } => match BACKOFF_MINUTES.get(attempts.saturating_sub(1) as usize) {
                Some(wait) => {
                    ("RETRY", Some(stamp(now + Duration::minutes(*wait))), String::new(), reason.clone())
                }
                None => ("FAILED", None, String::new(), format!("Gave up after {attempts} tries: {reason}")),
            },
        };
        db.conn.prepare_cached(
            "INSERT INTO deliveries (notification_id, state, attempts, next_attempt_at, provider_ref, error, updated_at)
             VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6)
             ON CONFLICT (notification_id) DO UPDATE SET state = ?2, next_attempt_at = ?3, provider_ref = ?4,
                 error = ?5, updated_at = ?6",
        )?
        .execute((id.to_string(), state, next, provider_ref, error, stamp(now)))?;
        Ok(())
    }

    /// When the next message waiting to be tried again is due, if any.
    pub fn next_retry_at(&self) -> Result<Option<DateTime<Utc>>> {
        let next: Option<String> = self
            .db()
            .conn
            .prepare_cached("SELECT min(next_attempt_at) FROM deliveries WHERE state = 'RETRY'")?
            .query_row([], read::value)?;
        Ok(next.and_then(|t| DateTime::parse_from_rfc3339(&t).ok()).map(|t| t.with_timezone(&Utc)))
    }

    /// Sends a failed message again, to a corrected address or number when
    /// one is typed; one action.
    pub fn resend_notification(&self, actor: &Actor, input: ResendNotification) -> Result<()> {
        actor.require_somewhere(Permission::ReviewNotification)?;
        let n = by_id(&self.db().conn, input.id)?.ok_or_else(|| ApiError::not_found("message").on("id"))?;
        actor.require(Permission::ReviewNotification, Some(n.branch_id))?;
        let failed: bool = self
            .db()
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM deliveries WHERE notification_id = ?1 AND state = 'FAILED')",
            )?
            .query_row([n.id.to_string()], read::value)?;
        if n.state != NotificationState::Approved || !failed {
            return Err(ApiError::conflict("Only a message that failed can be sent again; reload the list.")
                .on("id")
                .into());
        }
        let typed = input.recipient.trim();
        let recipient = if typed.is_empty() || typed == n.recipient {
            None
        } else {
            Some(match n.channel {
                NotificationChannel::Email => crate::validate::email("recipient", typed)?,
                NotificationChannel::Sms | NotificationChannel::WhatsApp => {
                    crate::validate::phone("recipient", typed)?
                        .ok_or_else(|| ApiError::invalid("recipient", "Enter the phone number to send to."))?
                }
            })
        };
        self.write(Some(actor.user_id), |w| {
            if let Some(recipient) = recipient {
                w.update(&n, &NotificationRow { recipient, updated_at: w.now(), ..n.clone() })?;
            }
            w.tx().execute("DELETE FROM deliveries WHERE notification_id = ?1", [n.id.to_string()])?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_sort_as_times_do() {
        let a = DateTime::parse_from_rfc3339("2026-06-01T09:59:59.999Z").unwrap().with_timezone(&Utc);
        let b = a + Duration::milliseconds(1);
        assert!(stamp(a) < stamp(b));
        assert_eq!(stamp(b), "2026-06-01T10:00:00Z");
    }

    #[test]
    fn a_subject_says_what_and_whom_it_is_about() {
        assert_eq!(subject(NotificationKind::Absence, Some("Aarav"), "Kota"), "Absence: Aarav – Kota");
        assert_eq!(subject(NotificationKind::Other, None, "Kota"), "Message – Kota");
    }
}
