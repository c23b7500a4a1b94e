//! Sends a desk's approved messages when the desk works without a sync
//! server (with one, the server sends for the whole organisation): the loop
//! (`worker`) over the desk's queue, through `branchdesk-channels`. The
//! desk decides what is due and keeps what became of each message.

pub mod worker;
