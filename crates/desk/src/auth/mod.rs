//! Signing in and out: passwords checked with lockout, reset codes, and
//! the session a token stands for, read as the [`crate::Actor`] every
//! permission check runs against. The pieces below it (the actor, password
//! hashing, the sessions table) are modules of their own, so that users,
//! backups and the organisation need not import the sign-in services.

pub mod login;
pub mod session;
pub mod two_factor;
