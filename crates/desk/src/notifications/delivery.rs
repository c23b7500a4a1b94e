//! Sending on a desk of its own (no sync server): which approved messages
//! are due, and what became of each (the local `deliveries` table). The
//! sender (`branchdesk-send`) asks for what is due, marks each message
//! SENDING before it leaves and records the provider's answer; a desk that
//! syncs leaves all of this to the server.

use super::{by_id, NotificationRow};
use crate::db::read;
use crate::students::store as students;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::attendance::{NotificationChannel, NotificationState};
use branchdesk_api::commands::channels::ResendNotification;
use branchdesk_api::delivery::{
    subject, Outcome, Outgoing, Recorded, Standing, CUT_OFF, SENDING_STALE_MINUTES,
};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rusqlite::OptionalExtension;
use uuid::Uuid;

/// Times as stored in `deliveries`: fixed width, so text order is time order.
fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
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
            "UPDATE deliveries SET state = 'FAILED', updated_at = ?2, error = ?3
             WHERE state = 'SENDING' AND updated_at < ?1",
        )?
        .execute((stamp(now - Duration::minutes(SENDING_STALE_MINUTES)), stamp(now), CUT_OFF))?;
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
        let r = Recorded::after(u32::try_from(attempts).unwrap_or(u32::MAX), outcome);
        let (state, next) = match r.standing {
            Standing::Sent => ("SENT", None),
            Standing::Failed => ("FAILED", None),
            Standing::Retry { after_minutes } => {
                ("RETRY", Some(stamp(now + Duration::minutes(after_minutes))))
            }
        };
        let (provider_ref, error) = (r.provider_ref, r.error);
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

    /// Before a desk that sent by itself first links to a server: what
    /// became of each message it sent goes into the synced rows (sent, or
    /// failed with the reason; cut off mid-send is failed for a person to
    /// check), so that the server, which sends from then on, never sends
    /// them again. Written by the first person signed in here (their key
    /// signs it); with nobody signed in, nothing is handed over. Messages
    /// waiting for another try stay approved: the server takes them on.
    pub fn hand_over_deliveries(&self) -> Result<u32> {
        let Some(author) = self.signed_in_here().first().copied() else { return Ok(0) };
        let settled: Vec<(String, String, String, String)> = self
            .db()
            .conn
            .prepare_cached(
                "SELECT notification_id, state, error, updated_at FROM deliveries
                 WHERE state IN ('SENT', 'FAILED', 'SENDING')",
            )?
            .query_map([], |r| {
                Ok((r.get("notification_id")?, r.get("state")?, r.get("error")?, r.get("updated_at")?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        // Those waiting for another try are the server's from now on.
        self.db().conn.execute("DELETE FROM deliveries WHERE state = 'RETRY'", [])?;
        if settled.is_empty() {
            return Ok(0);
        }
        let mut rows = Vec::new();
        for (id, state, error, at) in settled {
            let Some(n) =
                Uuid::parse_str(&id).ok().map(|id| by_id(&self.db().conn, id)).transpose()?.flatten()
            else {
                continue;
            };
            let sent_at = DateTime::parse_from_rfc3339(&at).ok().map(|t| t.with_timezone(&Utc));
            let (state, error, sent_at) = match state.as_str() {
                "SENT" => (NotificationState::Sent, String::new(), sent_at),
                "FAILED" => (NotificationState::Failed, error, None),
                _ => (NotificationState::Failed, CUT_OFF.to_owned(), None),
            };
            rows.push((n, state, error, sent_at));
        }
        let handed = rows.len() as u32;
        self.write(Some(author), |w| {
            for (n, state, error, sent_at) in &rows {
                let now = w.now();
                w.update(
                    n,
                    &NotificationRow {
                        state: *state,
                        error: error.clone(),
                        sent_at: *sent_at,
                        updated_at: now,
                        ..n.clone()
                    },
                )?;
                w.tx().execute("DELETE FROM deliveries WHERE notification_id = ?1", [n.id.to_string()])?;
            }
            Ok(())
        })?;
        Ok(handed)
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
        // Failed here (a desk of its own), or failed at the server.
        let failed_at_server = n.state == NotificationState::Failed;
        if !(n.state == NotificationState::Approved && failed || failed_at_server) {
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
            let recipient = recipient.unwrap_or_else(|| n.recipient.clone());
            if failed_at_server {
                // Approved again: the server takes it on once more.
                let again = NotificationRow {
                    recipient,
                    state: NotificationState::Approved,
                    error: String::new(),
                    updated_at: w.now(),
                    ..n.clone()
                };
                w.update(&n, &again)?;
            } else if recipient != n.recipient {
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
}
