//! The sync wire format between a desk and the server (`/v1/sync/*`).
//! See `shared/sync-design.md`: desks push their outbox in per-device `seq`
//! order; the server appends accepted ops to a change log per scope and
//! desks pull each scope from a cursor.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The scope of the organisation-wide rows (users, roles, branches, settings).
pub const ORG_SCOPE: &str = "org";

/// The desk schema version this build writes into every op. The server
/// accepts this one and the one before. A desk test keeps it equal to the
/// newest migration.
pub const DESK_SCHEMA_VERSION: u32 = 28;

/// What the `signature` of an op the server made itself holds (money
/// review rows, rows a transfer carried into another branch). The server
/// refuses any op from a desk that carries it.
pub const SERVER_MARK: &str = "server";

/// The tables that replicate, in replication order: the names of
/// [`crate::tables::TABLES`], where each is declared once. The desk guards
/// exactly these against writes outside its write path; the server accepts
/// ops for no others.
pub const SYNCED_ENTITIES: &[&str] = &crate::tables::names();

/// In a row's per-column clocks (the server's merged rows, snapshot files,
/// a desk's `row_clocks`): the clock of every column without an entry of its
/// own, so a row written by one op carries one stamp, not one per column.
/// On the server it stands for the columns of the row's data; on a desk for
/// the columns of the table (written there only when they coincide).
pub const ALL_COLUMNS: &str = "*";

/// Rows that can change branch (a student's transfer): published in the
/// sending branch's scope, carried by the server into the new branch's.
pub const MOVABLE_ENTITIES: &[&str] = &["students", "guardians", "student_guardians", "student_transfers"];

/// One change made on a desk, as its outbox recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Op {
    /// Gap-free per device, starting at 1.
    pub seq: u64,
    pub op_id: String,
    pub author_user_id: Option<String>,
    /// `org` or `branch:<uuid>`.
    pub scope: String,
    /// The table.
    pub entity: String,
    pub entity_id: String,
    /// `insert` or `update`.
    pub kind: String,
    /// The changed columns and their new values.
    pub columns: serde_json::Map<String, serde_json::Value>,
    /// Hybrid-logical-clock stamp: 12 hex digits of ms, 4 of counter, `-`, device.
    pub hlc: String,
    pub schema_version: u32,
    /// The author's Ed25519 signature over the op's canonical bytes
    /// (`canonical::op_bytes`), 128 hex digits; absent from desks that do
    /// not sign yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub device_id: String,
    /// In `seq` order, contiguous; ops the server has already are skipped.
    pub ops: Vec<Op>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// Every op up to this seq is stored (applied or rejected); the desk may
    /// mark them acknowledged.
    pub acked_through: u64,
    /// Ops the server refused, with why. They never block the ops behind them.
    pub rejected: Vec<Rejected>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejected {
    pub seq: u64,
    pub op_id: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullRequest {
    /// Per scope, the last `scope_seq` the desk holds (0 for none).
    pub cursors: BTreeMap<String, u64>,
    /// At most this many changes in the page (the server caps it).
    #[serde(default)]
    pub limit: u32,
}

/// Asks the server to answer as soon as any of these scopes has changes
/// after its cursor, or after `timeout_ms` (at most 30 s) with none: the
/// desk hears of another desk's change within a moment, not at its next
/// timer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitRequest {
    pub cursors: BTreeMap<String, u64>,
    pub timeout_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitResponse {
    /// The scopes with changes after the desk's cursor (empty: timed out).
    pub changed: Vec<String>,
}

/// A desk enrolled with the server, as `/v1/devices/list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedDevice {
    pub device_id: String,
    pub desk_no: u32,
    /// Branch scopes it syncs; None: every branch.
    pub scopes: Option<Vec<String>>,
    /// RFC 3339.
    pub enrolled_at: String,
    pub revoked_at: Option<String>,
    /// When it last sent changes, if ever.
    pub last_push_at: Option<String>,
}

/// Stops a desk from syncing (`/v1/devices/revoke`); its token is refused
/// from then on. A desk may revoke only desks within its own branches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    pub device_id: String,
    /// The person who asks (needed once the organisation has grants).
    #[serde(default)]
    pub authority: Option<Authority>,
}

/// A person's signature on a request that manages desks (a code for
/// another desk, revoking one): the desk's token says which desk asks,
/// this says who, checked against their key and grants on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    pub user_id: String,
    /// When it was signed (RFC 3339); the server takes it for a few
    /// minutes either side of its own clock.
    pub at: String,
    /// 128 hex digits over [`crate::canonical::request_bytes`].
    pub signature: String,
}

/// What a desk-management request does, as signed: the action and what it
/// names (the scopes of a code, `*` for all; the desk revoked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceAction<'a> {
    IssueCode { scopes: Option<&'a [String]> },
    Revoke { device_id: &'a str },
}

/// `POST /v1/keys/prove`: a person whose account has no key on the server
/// yet (made before signing) proves their password once over the pinned
/// link, so that the key their desk made for them is taken as theirs.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProveRequest {
    pub user_id: String,
    pub password: String,
    /// The new key (64 hex digits) the desk will register for them.
    pub public_key: String,
}

/// Never prints the password (requests may be logged).
impl std::fmt::Debug for ProveRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProveRequest")
            .field("user_id", &self.user_id)
            .field("password", &"<redacted>")
            .field("public_key", &self.public_key)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProveResponse {
    /// The key is recorded as proven (or the account has it already).
    pub proven: bool,
}

/// Asks for a snapshot of one scope (`/v1/sync/snapshot`): a new desk's
/// first sync, or a desk whose copy of the scope must be downloaded again.
/// The answer is a SQLite file ([`SNAPSHOT_FORMAT`]) followed by its
/// checksum ([`snapshot_digest`], 64 hex digits):
///
/// - `snapshot(format, scope, cursor, chain, max_hlc, device_acked, row_count, built_at)`:
///   one row. `cursor` and `chain` are the scope's last change and hash
///   chain the rows include, so the desk continues with paged pulls from
///   there; `max_hlc` the newest clock among them; `device_acked` the asking
///   desk's last op the server had stored.
/// - `rows(entity, entity_id, data, clocks)`: every row the scope's log
///   touched, as the merge rules leave it: `data` its columns (JSON object),
///   `clocks` each column's winning stamp, the one most columns share once
///   under `"*"`. Grouped by table in [`SYNCED_ENTITIES`] order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotRequest {
    pub scope: String,
}

/// Asks for the file of an attachment (`POST /v1/blobs/get`); the answer
/// is the file's bytes. Files go up as `POST /v1/blobs/put/{sha256}` with
/// the bytes as the body, before the rows that name them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlobRequest {
    pub attachment_id: String,
}

/// The layout of a snapshot file (see [`SnapshotRequest`]).
pub const SNAPSHOT_FORMAT: u32 = 1;

/// The checksum that follows a snapshot file in the server's answer:
/// BLAKE2b-256 of the file's bytes, as 64 hex digits.
pub fn snapshot_digest(file: &[u8]) -> String {
    use blake2::Digest;
    hex(&blake2::Blake2b::<blake2::digest::consts::U32>::digest(file))
}

/// Splits a snapshot answer into the file and checks its checksum.
pub fn snapshot_file(answer: &[u8]) -> Option<&[u8]> {
    let (file, digest) = answer.split_at_checked(answer.len().checked_sub(64)?)?;
    (snapshot_digest(file).as_bytes() == digest).then_some(file)
}

/// The longest a wait may be asked to last.
pub const MAX_WAIT_MS: u64 = 30_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub scope: String,
    /// Gap-free per scope, in commit order.
    pub scope_seq: u64,
    pub device_id: String,
    pub op: Op,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    /// The cursors to send next time.
    pub cursors: BTreeMap<String, u64>,
    /// More changes wait beyond this page.
    pub more: bool,
    /// Each asked scope's newest `scope_seq` on the server, so a desk can
    /// show how far a long download is.
    #[serde(default)]
    pub heads: BTreeMap<String, u64>,
    /// For each scope with changes in the page, the chain at its last one
    /// (see [`chain_step`]).
    #[serde(default)]
    pub chains: BTreeMap<String, String>,
}

/// One link of a scope's hash chain: BLAKE2s of the previous link and the
/// op id, as hex. The first change's previous link is "".
pub fn chain_step(previous: &str, op_id: &str) -> String {
    use blake2::{Blake2s256, Digest};
    let mut h = Blake2s256::new();
    h.update(previous.as_bytes());
    h.update([0u8]);
    h.update(op_id.as_bytes());
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
    }
    out
}

/// Declares [`ServerErrorCode`] from one list of variants and wire texts.
macro_rules! server_error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $wire:literal, )*) => {
        /// The `code` of a [`ServerError`]: the server answers with one and
        /// the desk's sync client matches on it. The texts never change
        /// (desks and servers of other versions read them); a code this
        /// build does not know, from a newer peer, reads as
        /// [`ServerErrorCode::Other`] and is never refused.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum ServerErrorCode {
            $( $(#[$doc])* $variant, )*
            /// A code this build does not know, as it was sent (empty when
            /// the answer was not a typed error at all, e.g. a proxy's page).
            Other(String),
        }

        impl ServerErrorCode {
            /// Every code this build knows.
            pub const KNOWN: &[ServerErrorCode] = &[$(ServerErrorCode::$variant),*];

            /// As sent.
            pub fn as_str(&self) -> &str {
                match self {
                    $(ServerErrorCode::$variant => $wire,)*
                    ServerErrorCode::Other(text) => text,
                }
            }

            /// Total: an unknown text is [`ServerErrorCode::Other`].
            pub fn parse(text: &str) -> Self {
                match text {
                    $($wire => ServerErrorCode::$variant,)*
                    other => ServerErrorCode::Other(other.to_owned()),
                }
            }
        }
    };
}

server_error_codes! {
    /// The body is larger than the server takes (413).
    PayloadTooLarge = "payload_too_large",
    /// The body is not sent as JSON (415).
    NotJson = "not_json",
    /// JSON of the wrong shape for the request (422).
    WrongShape = "wrong_shape",
    /// Not JSON at all (400).
    MalformedJson = "malformed_json",
    /// A value fails the server's checks; `field` names it (422).
    Invalid = "invalid",
    /// The desk's schema is one the server does not take (409); the desk
    /// keeps its changes and says to update.
    SchemaVersion = "schema_version",
    /// A push skips op numbers (409); nothing of it was stored.
    SeqGap = "seq_gap",
    /// A restored desk reuses op numbers (409); `reused_seq` and
    /// `next_seq` say how to renumber.
    SeqReused = "seq_reused",
    /// No token, or one no desk holds (401).
    Unauthenticated = "unauthenticated",
    /// The desk was unlinked by an administrator (403).
    DeviceRevoked = "device_revoked",
    /// A desk pushed another desk's ops (403).
    DeviceMismatch = "device_mismatch",
    /// A scope outside the branches the desk's code named (403).
    ScopeNotAllowed = "scope_not_allowed",
    /// A link code that is wrong, used or expired (403).
    BadCode = "bad_code",
    /// The cursor is behind the server's kept log (410): download the
    /// scope again.
    ResyncRequired = "resync_required",
    /// A fault on the server (500); the detail is in its log under
    /// `error_id`.
    Internal = "internal",
    /// Another live desk is enrolled under the id a link asked for (409):
    /// a code cannot take over a desk's identity.
    DeviceInUse = "device_in_use",
    /// Too many link attempts from this address or in total (429);
    /// `retry_after_s` says when to try again.
    RateLimited = "rate_limited",
    /// The server is at its limit of snapshot builds or requests (503);
    /// `retry_after_s` says when to try again.
    Busy = "busy",
    /// The request took longer than the server allows (503); nothing of it
    /// that was not committed stays.
    TimedOut = "timed_out",
    /// A password proof that does not hold (403): the server knows
    /// another password for that account, or no such account.
    ProofFailed = "proof_failed",
    /// A desk-management request without a valid signature of a person
    /// allowed to make it (403).
    NotAuthorised = "not_authorised",
    /// No such attachment, or the server does not hold its file (404).
    NotFound = "not_found",
}

impl std::fmt::Display for ServerErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ServerErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ServerErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(ServerErrorCode::parse(&text))
    }
}

/// The body of every error the server answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerError {
    pub code: ServerErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// With `seq_reused`: the desk's ops from `reused_seq` on are new and
    /// must be renumbered to start at `next_seq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_seq: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reused_seq: Option<u64>,
    /// With `rate_limited` and `busy`: seconds to wait before trying again
    /// (the same as the answer's Retry-After header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
}

impl ServerError {
    pub fn new(code: ServerErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
            next_seq: None,
            reused_seq: None,
            retry_after_s: None,
        }
    }

    /// With `internal`: the id under which the server logged the detail,
    /// as the message names it (`(error 3f9a2c1e)`); the detail itself is
    /// never sent.
    pub fn error_id(&self) -> Option<&str> {
        match self.code {
            ServerErrorCode::Internal => crate::error::error_id_in(&self.message),
            _ => None,
        }
    }

    /// Names the request field the error concerns.
    pub fn on(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

/// `POST /v1/devices/enrol`: a desk trades a one-time code for its token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    pub device_id: String,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrolResponse {
    /// Sent as `Authorization: Bearer <token>` on every sync request.
    pub token: String,
    /// The branch scopes this desk may sync (`None`: every branch). The
    /// organisation scope is always included.
    pub scopes: Option<Vec<String>>,
    /// This desk's number in the organisation (1: the desk that created
    /// it): receipt numbers carry it, so no two desks' series meet.
    #[serde(default)]
    pub desk_no: u32,
}

/// `POST /v1/devices/codes`: which branches the new desk may sync.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// `None`: the same as the issuing desk.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// The person who asks (needed once the organisation has grants).
    #[serde(default)]
    pub authority: Option<Authority>,
}

/// `POST /v1/devices/codes`: an enrolled desk asks for a code for another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeResponse {
    pub code: String,
    pub valid_hours: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_keep_their_wire_texts() {
        let texts: Vec<&str> = ServerErrorCode::KNOWN.iter().map(ServerErrorCode::as_str).collect();
        assert_eq!(
            texts,
            [
                "payload_too_large",
                "not_json",
                "wrong_shape",
                "malformed_json",
                "invalid",
                "schema_version",
                "seq_gap",
                "seq_reused",
                "unauthenticated",
                "device_revoked",
                "device_mismatch",
                "scope_not_allowed",
                "bad_code",
                "resync_required",
                "internal",
                "device_in_use",
                "rate_limited",
                "busy",
                "timed_out",
                "proof_failed",
                "not_authorised",
                "not_found",
            ]
        );
        for code in ServerErrorCode::KNOWN {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(&serde_json::from_str::<ServerErrorCode>(&json).unwrap(), code);
        }
    }

    #[test]
    fn an_unknown_code_from_a_newer_peer_reads_as_other() {
        let body = r#"{"code":"quota_exceeded","message":"Later.","retry_after":30}"#;
        let e: ServerError = serde_json::from_str(body).unwrap();
        assert_eq!(e.code, ServerErrorCode::Other("quota_exceeded".into()));
        assert_eq!(serde_json::to_value(&e).unwrap()["code"], "quota_exceeded", "sent on as it came");
        let e: ServerError = serde_json::from_str(r#"{"code":"resync_required","message":"m"}"#).unwrap();
        assert_eq!(e.code, ServerErrorCode::ResyncRequired);
    }
}
