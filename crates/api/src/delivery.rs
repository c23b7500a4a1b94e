//! Sending a message, as the desk of its own and the server both do it:
//! what leaves ([`Outgoing`]), what the provider answered ([`Outcome`]),
//! and what that makes of the message ([`Recorded`]): sent, tried again
//! after a growing wait, or failed with the reason.

use crate::commands::attendance::{NotificationChannel, NotificationKind};
use uuid::Uuid;

/// Waits after each temporary failure; after the last, the message fails.
pub const BACKOFF_MINUTES: [i64; 5] = [1, 5, 15, 60, 240];

/// A message marked as leaving but not recorded for this long was cut off
/// mid-send: it is failed for a person to check, never sent again blindly.
pub const SENDING_STALE_MINUTES: i64 = 10;

/// Why a message cut off mid-send is not sent again by itself.
pub const CUT_OFF: &str =
    "Sending stopped while this message was leaving; it may have gone out. Check with the recipient before sending it again.";

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

/// Where a message stands after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Sent,
    /// Waiting for another try, after this many minutes.
    Retry {
        after_minutes: i64,
    },
    Failed,
}

/// What to record after the `attempts`-th try answered `outcome`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub standing: Standing,
    pub provider_ref: String,
    pub error: String,
}

impl Recorded {
    /// Failed for good, with why (a cut-off send, a row that makes no message).
    pub fn failed(reason: impl Into<String>) -> Recorded {
        Recorded { standing: Standing::Failed, provider_ref: String::new(), error: reason.into() }
    }

    pub fn after(attempts: u32, outcome: &Outcome) -> Recorded {
        let (standing, provider_ref, error) = match outcome {
            Outcome::Sent { provider_ref } => (Standing::Sent, provider_ref.clone(), String::new()),
            Outcome::Failed { reason } => (Standing::Failed, String::new(), reason.clone()),
            Outcome::Retry { reason } => match BACKOFF_MINUTES.get(attempts.saturating_sub(1) as usize) {
                Some(wait) => (Standing::Retry { after_minutes: *wait }, String::new(), reason.clone()),
                None => {
                    (Standing::Failed, String::new(), format!("Gave up after {attempts} tries: {reason}"))
                }
            },
        };
        Recorded { standing, provider_ref, error }
    }
}

/// The subject line of a message, from what it is about.
pub fn subject(kind: NotificationKind, student: Option<&str>, branch: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_says_what_and_whom_it_is_about() {
        assert_eq!(subject(NotificationKind::Absence, Some("Aarav"), "Kota"), "Absence: Aarav – Kota");
        assert_eq!(subject(NotificationKind::Other, None, "Kota"), "Message – Kota");
    }

    #[test]
    fn a_busy_provider_is_tried_with_growing_waits_then_given_up() {
        let busy = Outcome::Retry { reason: "451 busy".into() };
        let waits: Vec<_> = (1..=5).map(|n| Recorded::after(n, &busy).standing).collect();
        assert_eq!(
            waits,
            BACKOFF_MINUTES.iter().map(|m| Standing::Retry { after_minutes: *m }).collect::<Vec<_>>()
        );
        let last = Recorded::after(6, &busy);
        assert_eq!(last.standing, Standing::Failed);
        assert_eq!(last.error, "Gave up after 6 tries: 451 busy");
        let sent = Recorded::after(1, &Outcome::Sent { provider_ref: "250 ok".into() });
        assert_eq!(
            (sent.standing, sent.provider_ref.as_str(), sent.error.as_str()),
            (Standing::Sent, "250 ok", "")
        );
    }
}
