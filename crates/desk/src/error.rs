//! The desk's internal error: either an [`ApiError`] meant for the user, or
//! a fault underneath (database, disk) that the user cannot fix and only
//! sees as a short sentence; the detail goes to the log.

use branchdesk_api::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("migration: {0}")]
    Migration(#[from] refinery::Error),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored data: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Print(#[from] branchdesk_print::PrintError),
    #[error("password hashing: {0}")]
    Hash(String),
    /// A pulled page does not continue this desk's copy of a scope (its
    /// hash chain differs from the server's): nothing of it was applied.
    #[error("this desk's copy of {scope} differs from the server's; it is downloaded again")]
    Diverged { scope: String },
    /// The database file cannot be read as a sound Branchdesk database
    /// (not a database, or its integrity check fails): the desk opens its
    /// recovery screen instead (`recovery.rs`).
    #[error("the desk's data is damaged: {0}")]
    Damaged(String),
    /// The data is encrypted and the key that opens it is not at hand (a
    /// locked or emptied key store, another computer): the desk asks for
    /// its recovery key and offers no restore over it (`db/key.rs`).
    #[error("the key to the desk's data is missing: {0}")]
    KeyUnavailable(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        ApiError::from(&e)
    }
}

/// What a person is answered. An error meant for them passes as it is; a
/// fault underneath (SQLite, IO, an internal error of the desk's own) is
/// logged with its detail under a new error id, and they see a fixed
/// sentence naming that id ([`ApiError::fault`]).
impl From<&Error> for ApiError {
    fn from(e: &Error) -> ApiError {
        match e {
            Error::Api(api) if api.code != ErrorCode::Internal || api.error_id().is_some() => api.clone(),
            other => {
                let id = error_id();
                tracing::error!(error_id = %id, error = %other, "desk operation failed");
                match other {
                    Error::Db(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::DiskFull => {
                        ApiError::internal(format!(
                            "The disk is full, so nothing was saved (error {id}). Free some space and try again."
                        ))
                    }
                    // A row this change points at is gone: removed by a
                    // pull between the page loading and the save.
                    Error::Db(rusqlite::Error::SqliteFailure(f, _))
                        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
                    {
                        ApiError::conflict(format!(
                            "Something this refers to is no longer on this desk (perhaps removed on another \
                             desk), so nothing was saved (error {id}). Reload the page and try again."
                        ))
                    }
                    _ => ApiError::fault(&id),
                }
            }
        }
    }
}

/// A short id to find a fault's detail in the log by: 8 hex digits of a
/// random UUID.
pub fn error_id() -> String {
    let mut id = uuid::Uuid::new_v4().simple().to_string();
    id.truncate(8);
    id
}

/// Why a pulled change cannot be applied on this desk's schema (a CHECK,
/// NOT NULL or foreign key it breaks, a type it cannot take), if that is
/// the failure; other failures (a fault, a full disk) stop the page.
pub fn unappliable(e: &Error) -> Option<String> {
    match e {
        Error::Db(rusqlite::Error::SqliteFailure(f, msg))
            if matches!(
                f.code,
                rusqlite::ErrorCode::ConstraintViolation | rusqlite::ErrorCode::TypeMismatch
            ) =>
        {
            Some(msg.clone().unwrap_or_else(|| f.to_string()))
        }
        _ => None,
    }
}

/// True when `e` is a UNIQUE constraint failure.
pub fn is_unique_violation(e: &Error) -> bool {
    matches!(e, Error::Db(rusqlite::Error::SqliteFailure(f, _))
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}
