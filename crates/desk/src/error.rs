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
    #[error("password hashing: {0}")]
    Hash(String),
    /// A pulled page does not continue this desk's copy of a scope (its
    /// hash chain differs from the server's): nothing of it was applied.
    #[error("this desk's copy of {scope} differs from the server's; it is downloaded again")]
    Diverged { scope: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        match e {
            Error::Api(api) => api,
            Error::Db(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::DiskFull => {
                ApiError::new(
                    ErrorCode::Internal,
                    "The disk is full, so nothing was saved. Free some space and try again.",
                )
            }
            other => {
                tracing::error!(error = %other, "desk operation failed");
                ApiError::internal(format!(
                    "Something went wrong on this desk and nothing was saved ({other})."
                ))
            }
        }
    }
}

/// True when `e` is a UNIQUE constraint failure.
pub fn is_unique_violation(e: &Error) -> bool {
    matches!(e, Error::Db(rusqlite::Error::SqliteFailure(f, _))
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}
