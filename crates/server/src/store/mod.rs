//! One store trait, one module per backend.

pub mod postgres;
pub mod sqlite;

use branchdesk_api::sync::{Op, PullRequest, PullResponse, PushResponse};
use std::future::Future;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The batch does not continue where the device's ops stand.
    #[error("expected seq {expected} next, got {got}")]
    Gap { expected: u64, got: u64 },
    /// The device sent a different op under a seq the server already holds
    /// (it restored an old backup): it must renumber from `next`.
    #[error("op {seq} differs from the one stored under that number")]
    SeqReused { seq: u64, next: u64 },
    #[error("that enrolment code is wrong, used or expired")]
    BadCode,
    #[error("this desk is not enrolled, or its token is wrong")]
    UnknownDevice,
    #[error("this desk was revoked")]
    Revoked,
    #[error("store: {0}")]
    Backend(String),
}

pub trait Store: Send + Sync + 'static {
    /// Stores `ops` (already validated, in seq order) for `device_id` in one
    /// transaction: ops at or below the device's last seq are skipped when
    /// they are the same op again (a retry), a different op under a known
    /// seq or a gap refuses the whole batch.
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

    /// The last `scope_seq` of each of `scopes` that has any change.
    fn heads(
        &self,
        scopes: Vec<String>,
    ) -> impl Future<Output = Result<std::collections::BTreeMap<String, u64>, StoreError>> + Send;

    /// Enrols `device_id` with a one-time code; answers its bearer token.
    fn enrol(
        &self,
        device_id: String,
        code: String,
    ) -> impl Future<Output = Result<Enrolled, StoreError>> + Send;

    /// The device a bearer token belongs to (refused when revoked).
    fn authenticate(&self, token: String) -> impl Future<Output = Result<Device, StoreError>> + Send;

    /// A new one-time code for another desk, valid for a day.
    fn issue_code(
        &self,
        scopes: Option<Vec<String>>,
    ) -> impl Future<Output = Result<String, StoreError>> + Send;

    /// Every device ever enrolled, by desk number.
    fn devices(
        &self,
    ) -> impl Future<Output = Result<Vec<branchdesk_api::sync::LinkedDevice>, StoreError>> + Send;

    /// Stops a device from syncing.
    fn revoke(&self, device_id: String) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// On a server no desk has enrolled with yet: a fresh bootstrap code
    /// (replacing any earlier unused one) for the first desk.
    fn bootstrap_code(&self) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// Whether the store answers (readiness probe).
    fn ready(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// What a desk receives when it enrols.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    pub token: String,
    pub scopes: Option<Vec<String>>,
    /// The desk's number in the organisation, kept on re-enrolment.
    pub desk_no: u32,
}

/// An enrolled desk, as a request's token proves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    /// Branch scopes it may sync; `None`: every branch. The organisation
    /// scope is always allowed.
    pub scopes: Option<Vec<String>>,
}

impl Device {
    pub fn may_sync(&self, scope: &str) -> bool {
        scope == branchdesk_api::sync::ORG_SCOPE
            || self.scopes.as_ref().is_none_or(|s| s.iter().any(|x| x == scope))
    }
}

pub(crate) fn scopes_to_text(scopes: &Option<Vec<String>>) -> Option<String> {
    scopes.as_ref().map(|s| serde_json::to_string(s).unwrap_or_default())
}

pub(crate) fn scopes_from_text(text: Option<String>) -> Option<Vec<String>> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

/// The chain links of whole scopes' logs, from (scope, seq, op id) rows
/// in scope and seq order: each scope's chain starts at "".
pub(crate) fn chain_links(rows: Vec<(String, i64, String)>) -> Vec<(String, Vec<(i64, String)>)> {
    let mut out: Vec<(String, Vec<(i64, String)>)> = Vec::new();
    for (scope, seq, op_id) in rows {
        if out.last().is_none_or(|(s, _)| *s != scope) {
            out.push((scope.clone(), Vec::new()));
        }
        let links = &mut out.last_mut().expect("pushed above").1;
        let previous = links.last().map(|(_, c)| c.as_str()).unwrap_or("");
        let chain = branchdesk_api::sync::chain_step(previous, &op_id);
        links.push((seq, chain));
    }
    out
}

/// Secrets (tokens, codes) are stored as BLAKE2 digests only.
pub fn digest(secret: &str) -> String {
    use blake2::{Blake2s256, Digest};
    Blake2s256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Eight characters without look-alikes, shown as XXXX-XXXX.
pub fn new_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let c: String = bytes.iter().take(8).map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char).collect();
    format!("{}-{}", &c[..4], &c[4..])
}

/// Codes are typed by people: case and separators do not matter.
pub fn normalise_code(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_uppercase()
}

pub fn new_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}
