//! Branchdesk's wire vocabulary: every command the UI may call, its input and
//! output types, the error every command answers with, ids and permissions.
//!
//! Invariant: this crate builds for `wasm32-unknown-unknown` and does no IO;
//! the UI, the desk services and the shell all speak these types.

pub mod amount;
pub mod canonical;
pub mod commands;
pub mod contact;
pub mod dates;
pub mod delivery;
pub mod error;
pub mod ids;
pub mod markdown;
pub mod marks;
pub mod payroll;
pub mod permissions;
pub mod pin;
pub mod settings;
pub mod sms;
pub mod sync;
pub mod tables;
mod wire;

pub use commands::Command;
pub use error::{ApiError, ErrorCode};
pub use permissions::Permission;
/// Ids are UUIDs; the UI names the type through this crate.
pub use uuid;
