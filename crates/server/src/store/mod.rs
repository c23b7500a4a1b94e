//! One store trait, one module per backend.

pub mod sqlite;

use branchdesk_api::sync::{Op, PullRequest, PullResponse, PushResponse};
use std::future::Future;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The batch does not continue where the device's ops stand.
    #[error("expected seq {expected} next, got {got}")]
    Gap { expected: u64, got: u64 },
    #[error("store: {0}")]
    Backend(String),
}

pub trait Store: Send + Sync + 'static {
    /// Stores `ops` (already validated, in seq order) for `device_id` in one
    /// transaction: ops at or below the device's last seq are skipped, a gap
    /// refuses the whole batch.
    fn push(
        &self,
        device_id: String,
        ops: Vec<Op>,
    ) -> impl Future<Output = Result<PushResponse, StoreError>> + Send;

    /// Changes after each scope's cursor, oldest first, at most `limit`.
    fn pull(
        &self,
        req: PullRequest,
        limit: usize,
    ) -> impl Future<Output = Result<PullResponse, StoreError>> + Send;

    /// Whether the store answers (readiness probe).
    fn ready(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
}
