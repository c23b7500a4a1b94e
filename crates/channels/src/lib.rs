//! The channels a message leaves by, for whoever sends: a desk of its own
//! (`branchdesk-send`) or the sync server for its organisation. Each takes
//! an [`Outgoing`](branchdesk_api::delivery::Outgoing) and answers an
//! [`Outcome`](branchdesk_api::delivery::Outcome); what is due and what
//! became of each message is the sender's business, not this crate's.

pub mod email;
#[cfg(feature = "test-server")]
pub mod test_server;

use branchdesk_api::delivery::Outcome;

/// What one round of sending did, counted the same by every sender.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub retry: usize,
    pub failed: usize,
}

impl Round {
    /// Counts the answer for message `id`, logging what did not go.
    pub fn count(&mut self, id: uuid::Uuid, outcome: &Outcome) {
        match outcome {
            Outcome::Sent { .. } => self.sent += 1,
            Outcome::Retry { reason } => {
                tracing::warn!(message = %id, %reason, "message not sent; tried again later");
                self.retry += 1;
            }
            Outcome::Failed { reason } => {
                tracing::warn!(message = %id, %reason, "message failed");
                self.failed += 1;
            }
        }
    }

    /// Messages the round took.
    pub fn taken(&self) -> usize {
        self.sent + self.retry + self.failed
    }
}
