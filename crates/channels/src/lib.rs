//! The channels a message leaves by, for whoever sends: a desk of its own
//! (`branchdesk-send`) or the sync server for its organisation. Each takes
//! an [`Outgoing`](branchdesk_api::delivery::Outgoing) and answers an
//! [`Outcome`](branchdesk_api::delivery::Outcome); what is due and what
//! became of each message is the sender's business, not this crate's.

pub mod email;
#[cfg(feature = "test-server")]
pub mod test_server;
