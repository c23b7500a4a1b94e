//! Sends a desk's approved messages when the desk works without a sync
//! server (with one, the server sends for the whole organisation): the
//! channels (`email`: SMTP) and the loop that drives them (`worker`). The
//! desk decides what is due and keeps what became of each message; this
//! crate only talks to the providers.

pub mod email;
#[cfg(feature = "test-server")]
pub mod test_server;
pub mod worker;
