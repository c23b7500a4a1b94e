//! Sending for the organisation. A desk with a sync server sends nothing
//! itself: an approved message reaches the server through sync, the server
//! takes it on once (`deliveries`, keyed by the message's id, so two desks
//! approving the same alert make one), sends it through its channels and
//! records what became of it as a change of the message made by the server
//! (signed with [`SERVER_MARK`]), which every desk of the branch pulls.
//!
//! Pure: the stores call [`on_change`] for each accepted change of a
//! message and [`outcome_op`] for each answer; [`sender`] drives the loop.

use crate::store::Kept;
use branchdesk_api::commands::attendance::{NotificationChannel, NotificationKind};
use branchdesk_api::delivery::{subject, Outgoing, Recorded, Standing};
use branchdesk_api::sync::{Op, SERVER_MARK};
use serde_json::{Map, Value};

/// The device name under which the server logs its own changes.
pub const SERVER_DEVICE: &str = "server";

/// The desk schema that gave messages the columns the server writes.
const MESSAGE_COLUMNS_SINCE: u32 = 5;

/// Where the server stands with a message it took on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Waiting,
    Sending,
    Retry,
    Sent,
    Failed,
    /// Withdrawn on a desk before it left (the guardian said no).
    Withdrawn,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Waiting => "WAITING",
            Delivery::Sending => "SENDING",
            Delivery::Retry => "RETRY",
            Delivery::Sent => "SENT",
            Delivery::Failed => "FAILED",
            Delivery::Withdrawn => "WITHDRAWN",
        }
    }

    pub fn parse(text: &str) -> Option<Delivery> {
        [
            Delivery::Waiting,
            Delivery::Sending,
            Delivery::Retry,
            Delivery::Sent,
            Delivery::Failed,
            Delivery::Withdrawn,
        ]
        .into_iter()
        .find(|d| d.as_str() == text)
    }
}

/// What an accepted change of a message asks of the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Taken {
    Nothing,
    /// Take it on to send on this channel (again, after a failure: a
    /// person sent it again, perhaps to a corrected address).
    Queue {
        channel: String,
    },
    /// It was sent already and a desk's late approval made it look
    /// waiting: say again that it was sent (this change, logged).
    Restate(Box<Op>),
    /// A desk settled it before the server sent it (a desk that sent it
    /// by itself handing over on linking): not to be sent; recorded as
    /// this.
    Settled(Delivery),
}

/// What the server does about `op`, accepted, leaving the message `row`
/// (with its clocks) as it now stands; `held` is the server's delivery of
/// it so far and when that last changed.
pub fn on_change(
    op: &Op,
    row: &Kept,
    held: Option<(Delivery, &str)>,
    now: chrono::DateTime<chrono::Utc>,
) -> Taken {
    let state = row.data.get("state").and_then(Value::as_str).unwrap_or_default();
    if op.entity != "notifications" || !op.columns.contains_key("state") {
        return Taken::Nothing;
    }
    if state != "APPROVED" {
        return match (held, state) {
            (Some((Delivery::Waiting | Delivery::Retry, _)), "SENT") => Taken::Settled(Delivery::Sent),
            (Some((Delivery::Waiting | Delivery::Retry, _)), "DISCARDED") => {
                Taken::Settled(Delivery::Withdrawn)
            }
            (Some((Delivery::Waiting | Delivery::Retry, _)), _) => Taken::Settled(Delivery::Failed),
            _ => Taken::Nothing,
        };
    }
    let channel = row.data.get("channel").and_then(Value::as_str).unwrap_or_default().to_owned();
    match held {
        None | Some((Delivery::Failed, _)) => Taken::Queue { channel },
        Some((Delivery::Sent, sent_at)) => {
            Taken::Restate(Box::new(outcome_op(&op.entity_id, row, "SENT", Some(sent_at), "", now)))
        }
        Some(_) => Taken::Nothing,
    }
}

/// What the server keeps about a message after an answer, and what the
/// desks are told: the same for every store.
#[derive(Debug, Clone, PartialEq)]
pub struct Settlement {
    pub delivery: Delivery,
    /// When it is tried again (for a retry; else now).
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
    /// The message row's state on the desks, and the reason they show.
    pub shown: &'static str,
    pub shown_error: String,
}

impl Settlement {
    pub fn of(recorded: &Recorded, now: chrono::DateTime<chrono::Utc>) -> Settlement {
        let (delivery, next_attempt_at, shown, shown_error) = match recorded.standing {
            Standing::Sent => (Delivery::Sent, now, "SENT", String::new()),
            Standing::Failed => (Delivery::Failed, now, "FAILED", recorded.error.clone()),
            Standing::Retry { after_minutes } => (
                Delivery::Retry,
                now + chrono::Duration::minutes(after_minutes),
                "APPROVED",
                format!("Not sent yet, tried again in {after_minutes} min: {}", recorded.error),
            ),
        };
        Settlement { delivery, next_attempt_at, shown, shown_error }
    }

    /// The server's change telling the desks, for message `id` as `row` stands.
    pub fn change(&self, id: &str, row: &Kept, now: chrono::DateTime<chrono::Utc>) -> Op {
        let sent_at =
            (self.delivery == Delivery::Sent).then(|| now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        outcome_op(id, row, self.shown, sent_at.as_deref(), &self.shown_error, now)
    }
}

/// The server's change of message `id` (as `row` stands): its state, when
/// it was sent and why it failed, stamped after every clock of the row so
/// that it wins the merge on every desk.
pub fn outcome_op(
    id: &str,
    row: &Kept,
    state: &str,
    sent_at: Option<&str>,
    error: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Op {
    let branch = row.data.get("branch_id").and_then(Value::as_str).unwrap_or_default();
    let at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut columns = Map::new();
    columns.insert("state".into(), state.into());
    columns.insert("sent_at".into(), sent_at.map_or(Value::Null, |t| t.into()));
    columns.insert("error".into(), error.into());
    columns.insert("updated_at".into(), at.into());
    Op {
        seq: 0,
        op_id: uuid::Uuid::new_v4().to_string(),
        author_user_id: None,
        scope: format!("branch:{branch}"),
        entity: "notifications".into(),
        entity_id: id.to_owned(),
        kind: "update".into(),
        columns,
        hlc: stamp_after(row, now),
        schema_version: MESSAGE_COLUMNS_SINCE,
        signature: Some(SERVER_MARK.into()),
    }
}

/// A clock stamp later than `now` and than every clock of `row`.
fn stamp_after(row: &Kept, now: chrono::DateTime<chrono::Utc>) -> String {
    let clock = |s: &str| {
        let wall = u64::from_str_radix(s.get(0..12)?, 16).ok()?;
        let counter = u16::from_str_radix(s.get(12..16)?, 16).ok()?;
        Some((wall, counter))
    };
    let newest = row.clocks.values().filter_map(Value::as_str).filter_map(clock).max().unwrap_or((0, 0));
    let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
    let (wall, counter) = if now_ms > newest.0 {
        (now_ms, 0)
    } else if newest.1 == u16::MAX {
        (newest.0 + 1, 0)
    } else {
        (newest.0, newest.1 + 1)
    };
    format!("{wall:012x}{counter:04x}-{SERVER_DEVICE}")
}

/// The message to send, from its row and the rows it names; why not when
/// the row cannot make one (it is then failed with that reason).
pub fn outgoing(
    row: &Map<String, Value>,
    student: Option<&Map<String, Value>>,
    branch: Option<&Map<String, Value>>,
) -> Result<Outgoing, String> {
    let text =
        |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let id =
        uuid::Uuid::parse_str(&text(row, "id")).map_err(|_| "The message has no valid id.".to_owned())?;
    let channel = NotificationChannel::parse(&text(row, "channel"))
        .ok_or_else(|| format!("{} is not a channel this server knows.", text(row, "channel")))?;
    let kind = NotificationKind::parse(&text(row, "kind")).unwrap_or(NotificationKind::Other);
    let student_name = student.map(|s| text(s, "full_name"));
    let branch_name = branch.map(|b| text(b, "name")).unwrap_or_default();
    let recipient = text(row, "recipient");
    if recipient.is_empty() {
        return Err("The message has no recipient.".into());
    }
    Ok(Outgoing {
        id,
        channel,
        recipient_name: text(row, "recipient_name"),
        recipient,
        subject: subject(kind, student_name.as_deref(), &branch_name),
        body: text(row, "body"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn approved(clock: &str) -> Kept {
        let mut kept = Kept::default();
        let cols =
            json!({ "branch_id": "b1", "state": "APPROVED", "channel": "EMAIL", "recipient": "a@b.in" });
        kept.merge("n1", cols.as_object().unwrap(), clock);
        kept
    }

    fn approval(clock: &str) -> Op {
        Op {
            seq: 3,
            op_id: "o".into(),
            author_user_id: Some("u".into()),
            scope: "branch:b1".into(),
            entity: "notifications".into(),
            entity_id: "n1".into(),
            kind: "update".into(),
            columns: json!({ "state": "APPROVED" }).as_object().unwrap().clone(),
            hlc: clock.into(),
            schema_version: 25,
            signature: None,
        }
    }

    fn now() -> chrono::DateTime<chrono::Utc> {
        "2026-12-06T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn an_approval_is_taken_on_once_and_a_failed_one_again() {
        let clock = "019af0000000-0000-d1";
        let row = approved(clock);
        let op = approval(clock);
        assert_eq!(on_change(&op, &row, None, now()), Taken::Queue { channel: "EMAIL".into() });
        for held in [Delivery::Waiting, Delivery::Sending, Delivery::Retry] {
            assert_eq!(on_change(&op, &row, Some((held, "t")), now()), Taken::Nothing, "{held:?}");
        }
        assert_eq!(
            on_change(&op, &row, Some((Delivery::Failed, "t")), now()),
            Taken::Queue { channel: "EMAIL".into() }
        );
        // Settled on a desk before the server took it: never sent.
        let mut sent_here = row.clone();
        sent_here.merge("n1", json!({ "state": "SENT" }).as_object().unwrap(), "019af0000001-0000-d1");
        let handed = Op { columns: json!({ "state": "SENT" }).as_object().unwrap().clone(), ..op.clone() };
        assert_eq!(
            on_change(&handed, &sent_here, Some((Delivery::Waiting, "t")), now()),
            Taken::Settled(Delivery::Sent)
        );
        assert_eq!(on_change(&handed, &sent_here, Some((Delivery::Sending, "t")), now()), Taken::Nothing);
        let mut edit = op.clone();
        edit.columns = json!({ "body": "x" }).as_object().unwrap().clone();
        assert_eq!(on_change(&edit, &row, None, now()), Taken::Nothing, "not a change of state");
    }

    #[test]
    fn a_late_approval_of_a_sent_message_is_answered_with_sent_again_and_wins() {
        // The desk's clock runs a day ahead of the server's.
        let ahead = "019af8000000-0003-d2";
        let row = approved(ahead);
        let Taken::Restate(op) =
            on_change(&approval(ahead), &row, Some((Delivery::Sent, "2026-12-06T09:00:00Z")), now())
        else {
            panic!("not restated")
        };
        assert_eq!(op.columns.get("state"), Some(&json!("SENT")));
        assert_eq!(op.columns.get("sent_at"), Some(&json!("2026-12-06T09:00:00Z")));
        assert!(op.hlc.as_str() > ahead, "{} after {ahead}", op.hlc);
        assert!(op.hlc.ends_with("-server"));
        assert_eq!((op.scope.as_str(), op.signature.as_deref()), ("branch:b1", Some(SERVER_MARK)));
        let mut merged = row.clone();
        merged.merge(&op.entity_id, &op.columns, &op.hlc);
        assert_eq!(merged.data.get("state"), Some(&json!("SENT")));
    }

    #[derive(Debug, Clone)]
    enum Event {
        /// A desk's approval (or resend), its clock this far off the server's.
        Approve { desk: u8, skew_ms: i64 },
        /// A sender round whose provider answers sent (0), busy (1) or refused (2).
        Round(u8),
    }

    fn event() -> impl proptest::strategy::Strategy<Value = Event> {
        use proptest::prelude::*;
        prop_oneof![
            (0u8..3, -86_400_000i64..86_400_000).prop_map(|(desk, skew_ms)| Event::Approve { desk, skew_ms }),
            (0u8..3).prop_map(Event::Round),
        ]
    }

    proptest::proptest! {
        /// Whatever desks approve, in any order, with any clocks, and
        /// whatever the provider answers: a message is sent at most once,
        /// never taken on again once sent, and once a round sends it every
        /// copy of the row ends SENT (the server's changes win the merge).
        #[test]
        fn approvals_in_any_order_and_any_answers_send_at_most_once(
            events in proptest::collection::vec(event(), 1..40),
        ) {
            let start: chrono::DateTime<chrono::Utc> = "2026-12-06T10:00:00Z".parse().unwrap();
            let mut row = Kept::default();
            let cols = json!({ "branch_id": "b1", "state": "DRAFT", "channel": "EMAIL", "recipient": "a@b.in" });
            row.merge("n1", cols.as_object().unwrap(), "019af0000000-0000-d0");
            let mut held: Option<(Delivery, String)> = None;
            let (mut sent, mut counter) = (0, 0u16);
            for (i, e) in events.iter().enumerate() {
                let now = start + chrono::Duration::seconds(i as i64);
                match e {
                    Event::Approve { desk, skew_ms } => {
                        counter += 1;
                        let wall = (now.timestamp_millis() + skew_ms) as u64;
                        let op = Op { hlc: format!("{wall:012x}{counter:04x}-d{desk}"), ..approval("") };
                        row.merge(&op.entity_id, &op.columns, &op.hlc);
                        let before = held.clone();
                        match on_change(&op, &row, held.as_ref().map(|(d, t)| (*d, t.as_str())), now) {
                            Taken::Queue { .. } => {
                                proptest::prop_assert!(!matches!(before, Some((Delivery::Sent, _))), "taken on again after it was sent");
                                held = Some((Delivery::Waiting, now.to_rfc3339()));
                            }
                            Taken::Restate(change) => row.merge(&change.entity_id, &change.columns, &change.hlc),
                            Taken::Settled(_) | Taken::Nothing => {}
                        }
                    }
                    Event::Round(answer) => {
                        if !matches!(held, Some((Delivery::Waiting | Delivery::Retry, _))) {
                            continue;
                        }
                        let (d, state) = match answer {
                            0 => (Delivery::Sent, "SENT"),
                            1 => (Delivery::Retry, "APPROVED"),
                            _ => (Delivery::Failed, "FAILED"),
                        };
                        if d == Delivery::Sent {
                            sent += 1;
                        }
                        held = Some((d, now.to_rfc3339()));
                        let change = outcome_op("n1", &row, state, None, "", now);
                        row.merge(&change.entity_id, &change.columns, &change.hlc);
                        proptest::prop_assert_eq!(row.data.get("state"), Some(&json!(state)), "the server's change wins");
                    }
                }
                proptest::prop_assert!(sent <= 1, "sent {} times", sent);
                if sent == 1 {
                    proptest::prop_assert_eq!(row.data.get("state"), Some(&json!("SENT")));
                }
            }
        }
    }

    #[test]
    fn a_message_row_that_cannot_be_sent_says_why() {
        let row = json!({ "id": "0193a0c0-0000-7000-8000-000000000042", "channel": "EMAIL", "kind": "ABSENCE",
                          "recipient": "", "recipient_name": "Asha", "body": "b" });
        assert!(outgoing(row.as_object().unwrap(), None, None).unwrap_err().contains("recipient"));
        let mut ok = row.as_object().unwrap().clone();
        ok.insert("recipient".into(), json!("asha@example.com"));
        let student = json!({ "full_name": "Aarav" });
        let branch = json!({ "name": "Kota" });
        let m = outgoing(&ok, student.as_object(), branch.as_object()).unwrap();
        assert_eq!(m.subject, "Absence: Aarav – Kota");
        assert_eq!(m.channel, NotificationChannel::Email);
    }
}
