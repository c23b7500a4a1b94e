//! One store trait, one module per backend.

mod pg_tls;
pub mod postgres;
pub mod sqlite;

use branchdesk_api::commands::channels::EmailChannel;
use branchdesk_api::delivery::{Outcome, Outgoing};
use branchdesk_api::sync::{Op, PullRequest, PullResponse, PushResponse, ALL_COLUMNS};
use serde_json::{Map, Value};
use std::future::Future;
use std::path::PathBuf;

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
    /// A live desk already enrols under that id, and the request does not
    /// carry its token.
    #[error("a linked desk already has that id")]
    DeviceInUse,
    /// The scope's log no longer holds the changes after this cursor: the
    /// desk must download the scope again.
    #[error("changes of {scope} up to {horizon} are no longer kept")]
    Behind { scope: String, horizon: u64 },
    /// An op with an author and no signature, outside the first upload:
    /// from a desk of an older version; nothing of the push was stored.
    #[error("op {seq} is not signed")]
    Unsigned { seq: u64 },
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

    /// Changes after each scope's cursor, oldest first, at most `limit`,
    /// stopping before their stored ops reach `max_bytes` (but always with
    /// one change when there is one); `more` says the page stopped short.
    fn pull(
        &self,
        req: PullRequest,
        limit: usize,
        max_bytes: usize,
    ) -> impl Future<Output = Result<PullResponse, StoreError>> + Send;

    /// The last `scope_seq` of each of `scopes` that has any change.
    fn heads(
        &self,
        scopes: Vec<String>,
    ) -> impl Future<Output = Result<std::collections::BTreeMap<String, u64>, StoreError>> + Send;

    /// Enrols `device_id` with a one-time code; answers its bearer token.
    /// `holder` is the device whose live token came with the request. The
    /// code is refused (and stays unused) when it is a bootstrap code and a
    /// live desk exists, when its issuer was revoked, or when `device_id`
    /// was revoked after the code was made; a live desk's id is refused
    /// unless its holder asks ([`StoreError::DeviceInUse`]). See [`may_enrol`].
    fn enrol(
        &self,
        device_id: String,
        code: String,
        holder: Option<String>,
    ) -> impl Future<Output = Result<Enrolled, StoreError>> + Send;

    /// The device a bearer token belongs to (refused when revoked).
    fn authenticate(&self, token: String) -> impl Future<Output = Result<Device, StoreError>> + Send;

    /// A new one-time code for another desk, valid for a day, made by
    /// `issuer` (its unused codes die when it is revoked).
    fn issue_code(
        &self,
        issuer: String,
        scopes: Option<Vec<String>>,
    ) -> impl Future<Output = Result<String, StoreError>> + Send;

    /// Every device ever enrolled, by desk number.
    fn devices(
        &self,
    ) -> impl Future<Output = Result<Vec<branchdesk_api::sync::LinkedDevice>, StoreError>> + Send;

    /// Stops a device from syncing and voids the unused codes it made.
    fn revoke(&self, device_id: String) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// On a server with no live desk: a fresh bootstrap code (replacing
    /// any earlier unused one) for the first desk, valid for
    /// [`BOOTSTRAP_HOURS`].
    fn bootstrap_code(&self) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// Writes a snapshot of `scope` into a new SQLite file at `dest` (see
    /// `api::sync::SnapshotRequest` for its layout), read in one consistent
    /// view of the store; answers how many rows it holds. `device_id` is the
    /// asking desk (its last stored op goes in the file).
    fn snapshot(
        &self,
        device_id: String,
        scope: String,
        dest: PathBuf,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Drops each scope's changes logged before `before` (a prefix of the
    /// log: commit order is time order) and moves its horizon; answers how
    /// many changes were dropped. Pulls from behind a horizon are answered
    /// with [`StoreError::Behind`].
    fn compact(
        &self,
        before: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Whether the store answers (readiness probe).
    fn ready(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The person behind a signed request, as the server holds them now.
    fn person(&self, user_id: String) -> impl Future<Output = Result<Person, StoreError>> + Send;

    /// Keeps a file (checked against its SHA-256 by the caller), once.
    fn put_blob(&self, sha256: String, bytes: Vec<u8>)
        -> impl Future<Output = Result<(), StoreError>> + Send;

    /// An attachment row as the server holds it (None: no such row), and
    /// its file if the server holds that.
    fn attachment_file(
        &self,
        attachment_id: String,
    ) -> impl Future<Output = Result<Option<AttachedFile>, StoreError>> + Send;

    /// Records that whoever holds `public_key` proved `user_id`'s password
    /// from `device_id` (replacing an earlier proof for the account).
    fn record_proof(
        &self,
        user_id: String,
        public_key: String,
        device_id: String,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The mail server the organisation's messages leave by, with its
    /// password (None: not set up). Kept on the server only.
    fn email_channel(&self) -> impl Future<Output = Result<Option<EmailChannel>, StoreError>> + Send;

    /// Keeps the mail settings (already checked), the password apart.
    fn save_email_channel(&self, email: EmailChannel) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Takes the messages due at `now` on `channels` (waiting, or a retry
    /// whose wait is over), oldest first, at most `limit`, and marks each
    /// as leaving (one more attempt) in the same transaction. A message
    /// marked as leaving long ago was cut off mid-send: it is failed for a
    /// person to check ([`branchdesk_api::delivery::CUT_OFF`]), never sent
    /// again blindly. A message whose row cannot make one fails with why.
    fn take_due(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        channels: Vec<String>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Outgoing>, StoreError>> + Send;

    /// Records the provider's answer for a message taken by
    /// [`Store::take_due`], and logs the message's new state as the
    /// server's own change for the desks.
    fn record_delivery(
        &self,
        id: String,
        outcome: Outcome,
        now: chrono::DateTime<chrono::Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// When the next message waiting for another try is due, if any.
    fn next_retry_at(
        &self,
    ) -> impl Future<Output = Result<Option<chrono::DateTime<chrono::Utc>>, StoreError>> + Send;
}

/// An attachment row as the server holds it, and its file if held.
pub type AttachedFile = (Map<String, Value>, Option<Vec<u8>>);

/// A person as the server holds them: their account row (None: not on
/// record), their grants in force today, and whether the organisation is
/// still being set up (no grant stored yet).
#[derive(Debug, Clone, Default)]
pub struct Person {
    pub account: Option<Map<String, Value>>,
    pub grants: Vec<crate::authz::AuthorGrant>,
    pub setting_up: bool,
}

/// The server's copy of a synced row, merged by the desks' own rule: per
/// column, the value with the newest clock wins (the clock ends with the
/// writing device, so two stamps never tie). Merging is commutative, so
/// the copy equals what a desk holds after applying the same ops in any
/// order, and a snapshot can be read straight from it.
///
/// Most rows were written by one op, so their columns share one clock:
/// `clocks` keeps it once under [`ALL_COLUMNS`] and names only the columns
/// whose clock differs (a desk expands it when it installs a snapshot).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kept {
    pub data: Map<String, Value>,
    /// Column name (or [`ALL_COLUMNS`]) → the clock of its value.
    pub clocks: Map<String, Value>,
}

impl Kept {
    /// The clock of a column's value, if it has one.
    pub fn clock(&self, col: &str) -> Option<&str> {
        match self.clocks.get(col) {
            Some(c) => c.as_str(),
            None if col != "id" && self.data.contains_key(col) => {
                self.clocks.get(ALL_COLUMNS).and_then(Value::as_str)
            }
            None => None,
        }
    }

    /// A row as one op leaves it (a row the server writes itself).
    pub fn of(op: &Op) -> Kept {
        let mut kept = Kept::default();
        kept.merge(&op.entity_id, &op.columns, &op.hlc);
        kept
    }

    pub fn merge(&mut self, id: &str, columns: &Map<String, Value>, hlc: &str) {
        let effective: Vec<(String, String)> =
            self.data.keys().filter_map(|k| self.clock(k).map(|c| (k.clone(), c.to_owned()))).collect();
        let mut clocks: std::collections::BTreeMap<String, String> = effective.into_iter().collect();
        self.data.insert("id".into(), Value::String(id.to_owned()));
        for (col, value) in columns {
            if clocks.get(col).is_none_or(|c| c.as_str() < hlc) {
                self.data.insert(col.clone(), value.clone());
                clocks.insert(col.clone(), hlc.to_owned());
            }
        }
        // The commonest clock (the newer on a tie) is kept once.
        let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for c in clocks.values() {
            *counts.entry(c).or_default() += 1;
        }
        let common = counts.iter().max_by_key(|(c, n)| (**n, **c)).map(|(c, _)| (*c).to_owned());
        self.clocks = Map::new();
        if let Some(common) = common {
            for (col, c) in &clocks {
                if *c != common {
                    self.clocks.insert(col.clone(), Value::String(c.clone()));
                }
            }
            self.clocks.insert(ALL_COLUMNS.into(), Value::String(common));
        }
    }

    pub fn from_json(data: &str, clocks: Option<&str>) -> Result<Self, StoreError> {
        let parse = |s: &str| {
            serde_json::from_str::<Map<String, Value>>(s).map_err(|e| StoreError::Backend(e.to_string()))
        };
        Ok(Kept { data: parse(data)?, clocks: clocks.map(parse).transpose()?.unwrap_or_default() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cols(pairs: &[(&str, i64)]) -> Map<String, Value> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), Value::from(*v))).collect()
    }

    fn op(entity: &str, columns: Value) -> Op {
        Op {
            seq: 1,
            op_id: "o".into(),
            author_user_id: Some("u".into()),
            scope: "branch:B".into(),
            entity: entity.into(),
            entity_id: "row".into(),
            kind: "update".into(),
            columns: columns.as_object().cloned().unwrap_or_default(),
            hlc: "0".into(),
            schema_version: 27,
            signature: None,
        }
    }

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    /// The rows authorisation judges an op by: a file's record, a paper's
    /// section's paper (also when an edit leaves `test_id` out), a hand-in's
    /// student and their account; nothing for other tables or for a table
    /// that takes no files.
    #[test]
    fn an_op_is_judged_by_the_rows_it_belongs_to() {
        use serde_json::json;
        let bill = op("attachments", json!({ "owner_table": "expenses", "owner_id": "e1" }));
        assert_eq!(owner_key(&bill, None), Some(("expenses".into(), "e1".into())));
        let stray = op("attachments", json!({ "owner_table": "users", "owner_id": "u1" }));
        assert_eq!(owner_key(&stray, None), None, "users take no files");
        let section = op("paper_test_sections", json!({ "max_hundredths": 100 }));
        let held = obj(json!({ "test_id": "p1" }));
        assert_eq!(owner_key(&section, Some(&held)), Some(("paper_tests".into(), "p1".into())));
        assert_eq!(owner_key(&op("students", json!({ "test_id": "p1" })), None), None);

        let hand_in = op("submissions", json!({ "student_id": "s1" }));
        assert_eq!(student_of(&hand_in, None, None), Some("s1".into()));
        let file = op("attachments", json!({ "owner_table": "submissions", "owner_id": "h1" }));
        let owner = obj(json!({ "student_id": "s2" }));
        assert_eq!(student_of(&file, None, Some(&owner)), Some("s2".into()));
        assert_eq!(student_of(&bill, None, Some(&owner)), None, "a bill is nobody's own");
        assert_eq!(student_of(&op("students", json!({ "student_id": "s1" })), None, None), None);

        let rows = |table: &str, id: &str| -> Result<Option<Map<String, Value>>, ()> {
            Ok(match (table, id) {
                ("submissions", "h1") => Some(obj(json!({ "student_id": "s2", "branch_id": "B" }))),
                ("students", "s2") => Some(obj(json!({ "user_id": "acct-2" }))),
                ("paper_tests", "p1") => Some(obj(json!({ "created_by": "t1" }))),
                _ => None,
            })
        };
        let r = related(&file, None, rows).unwrap();
        assert_eq!(r.student_account.as_deref(), Some("acct-2"));
        assert_eq!(r.owner.and_then(|o| o.get("branch_id").cloned()), Some(json!("B")));
        let r = related(&section, Some(&held), rows).unwrap();
        assert_eq!(r.owner.and_then(|o| o.get("created_by").cloned()), Some(json!("t1")));
        assert_eq!(r.student_account, None);

        // An answer is judged by its attempt, and belongs to the student it names.
        let answer = op("quiz_responses", json!({ "chosen": "[1]" }));
        let held = obj(json!({ "attempt_id": "a1", "student_id": "s2" }));
        assert_eq!(owner_key(&answer, Some(&held)), Some(("quiz_attempts".into(), "a1".into())));
        assert_eq!(owner_key(&answer, None), None);
        let mark = op("test_marks", json!({ "marks_hundredths": 1200 }));
        let cell = obj(json!({ "section_id": "s1" }));
        assert_eq!(owner_key(&mark, Some(&cell)), Some(("paper_test_sections".into(), "s1".into())));
        assert_eq!(student_of(&answer, Some(&held), None), Some("s2".into()));
        let attempt = op("quiz_attempts", json!({ "student_id": "s3" }));
        assert_eq!(student_of(&attempt, None, None), Some("s3".into()));
        let rows = |table: &str, id: &str| -> Result<Option<Map<String, Value>>, ()> {
            Ok(match (table, id) {
                ("quiz_attempts", "a1") => Some(obj(json!({ "student_id": "s2", "branch_id": "B" }))),
                ("students", "s2") => Some(obj(json!({ "user_id": "acct-2" }))),
                _ => None,
            })
        };
        let r = related(&answer, Some(&held), rows).unwrap();
        assert_eq!(r.student_account.as_deref(), Some("acct-2"));
        assert_eq!(r.owner.and_then(|o| o.get("student_id").cloned()), Some(json!("s2")));
    }

    #[test]
    fn one_op_keeps_one_clock_and_a_later_edit_names_its_columns() {
        let mut k = Kept::default();
        k.merge("r", &cols(&[("a", 1), ("b", 2), ("c", 3)]), "0001");
        assert_eq!(Value::Object(k.clocks.clone()), serde_json::json!({ "*": "0001" }));
        k.merge("r", &cols(&[("b", 20)]), "0003");
        k.merge("r", &cols(&[("c", 30)]), "0000");
        assert_eq!(Value::Object(k.clocks.clone()), serde_json::json!({ "*": "0001", "b": "0003" }));
        assert_eq!((k.data["b"].as_i64(), k.data["c"].as_i64()), (Some(20), Some(3)), "the older edit lost");
        assert_eq!((k.clock("a"), k.clock("id"), k.clock("zz")), (Some("0001"), None, None));
    }

    proptest! {
        /// The kept row and each column's clock do not depend on the order
        /// the ops arrive in: what every desk converges to.
        #[test]
        fn merging_is_independent_of_arrival_order(
            ops in proptest::collection::vec((proptest::collection::btree_map("[a-e]", 0i64..5, 1..4), 0u32..50), 1..8),
            seed in any::<u64>(),
        ) {
            // Distinct stamps, as the device suffix makes them.
            let ops: Vec<(Map<String, Value>, String)> = ops
                .into_iter()
                .enumerate()
                .map(|(i, (c, t))| (c.into_iter().map(|(k, v)| (k, Value::from(v))).collect(), format!("{t:04}-{i}")))
                .collect();
            let mut shuffled = ops.clone();
            let mut rng = seed;
            for i in (1..shuffled.len()).rev() {
                rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (rng >> 33) as usize % (i + 1));
            }
            let (mut a, mut b) = (Kept::default(), Kept::default());
            for (c, h) in &ops { a.merge("r", c, h); }
            for (c, h) in &shuffled { b.merge("r", c, h); }
            prop_assert_eq!(&a.data, &b.data);
            for col in a.data.keys() {
                prop_assert_eq!(a.clock(col), b.clock(col));
            }
        }
    }
}

/// Rebuilds the merged copies, the scope lists and each scope's newest
/// clock from whole logs (for a store whose copies predate clocks): ops
/// in any order, since merging is commutative.
pub(crate) struct Refold {
    pub rows: std::collections::HashMap<(String, String), Kept>,
    pub scope_rows: std::collections::BTreeSet<(String, String, String)>,
    pub max_hlc: std::collections::BTreeMap<String, String>,
}

impl Refold {
    pub fn new() -> Self {
        Refold { rows: Default::default(), scope_rows: Default::default(), max_hlc: Default::default() }
    }

    pub fn add(&mut self, scope: &str, op: &Op) {
        self.rows.entry((op.entity.clone(), op.entity_id.clone())).or_default().merge(
            &op.entity_id,
            &op.columns,
            &op.hlc,
        );
        self.scope_rows.insert((scope.to_owned(), op.entity.clone(), op.entity_id.clone()));
        let max = self.max_hlc.entry(scope.to_owned()).or_default();
        if *max < op.hlc {
            *max = op.hlc.clone();
        }
    }
}

/// For an attachment: the record it is attached to (table, id), when the
/// table is one that takes files.
pub(crate) fn owner_key(op: &Op, before: Option<&Map<String, Value>>) -> Option<(String, String)> {
    let col = |c: &str| op.columns.get(c).or_else(|| before?.get(c)).and_then(Value::as_str);
    // A paper's section is judged by the paper (its author).
    if op.entity == "paper_test_sections" {
        return Some(("paper_tests".to_owned(), col("test_id")?.to_owned()));
    }
    // An answer is judged by its attempt (whose student it is).
    if op.entity == "quiz_responses" {
        return Some(("quiz_attempts".to_owned(), col("attempt_id")?.to_owned()));
    }
    // A mark by its section (its maximum).
    if op.entity == "test_marks" {
        return Some(("paper_test_sections".to_owned(), col("section_id")?.to_owned()));
    }
    if op.entity != "attachments" {
        return None;
    }
    let table = col("owner_table")?;
    branchdesk_api::commands::attachments::AttachmentOwner::parse(table)?;
    Some((table.to_owned(), col("owner_id")?.to_owned()))
}

/// The student a row of a student's own belongs to: a hand-in, a bookmark,
/// a highlight, or a file attached to a hand-in (through `owner`).
pub(crate) fn student_of(
    op: &Op,
    before: Option<&Map<String, Value>>,
    owner: Option<&Map<String, Value>>,
) -> Option<String> {
    let col = |c: &str| op.columns.get(c).or_else(|| before?.get(c)).and_then(Value::as_str);
    let id = match op.entity.as_str() {
        "submissions" | "lesson_bookmarks" | "lesson_highlights" | "quiz_attempts" | "quiz_responses" => {
            col("student_id")
        }
        "attachments" if col("owner_table") == Some("submissions") => owner?.get("student_id")?.as_str(),
        _ => None,
    };
    id.map(str::to_owned)
}

/// What authorisation needs of the rows around `op` (`authz::Related`),
/// read through `row` (entity, id → the row the server holds).
pub(crate) fn related<E>(
    op: &Op,
    before: Option<&Map<String, Value>>,
    mut row: impl FnMut(&str, &str) -> Result<Option<Map<String, Value>>, E>,
) -> Result<crate::authz::Related, E> {
    let owner = match owner_key(op, before) {
        Some((table, id)) => row(&table, &id)?,
        None => None,
    };
    let student_account = match student_of(op, before, owner.as_ref()) {
        Some(student) => account_of(row("students", &student)?.as_ref()),
        None => None,
    };
    Ok(crate::authz::Related { owner, student_account })
}

/// The user account a student's row names.
pub(crate) fn account_of(student: Option<&Map<String, Value>>) -> Option<String> {
    student?.get("user_id")?.as_str().map(str::to_owned)
}

/// The file an attachment op names, when the server must hold it first:
/// Err says why the op is refused.
pub(crate) fn missing_blob<E>(
    op: &Op,
    mut held: impl FnMut(&str) -> Result<bool, E>,
) -> Result<Result<(), String>, E> {
    if op.entity != "attachments" {
        return Ok(Ok(()));
    }
    match op.columns.get("sha256").and_then(Value::as_str) {
        Some(sha) if !held(sha)? => Ok(Err(format!(
            "attachments.sha256: the server holds no file {sha} (a desk uploads the file before its row)"
        ))),
        _ => Ok(Ok(())),
    }
}

/// A file sent to `/v1/blobs/put/{sha256}`: its name must be its SHA-256.
pub fn blob_matches(sha256: &str, bytes: &[u8]) -> bool {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    hex == sha256
}

/// How long a bootstrap code and an issued code stay valid.
pub const BOOTSTRAP_HOURS: i64 = 24;
pub const CODE_HOURS: i64 = 24;

/// What a store reads about a code and the enrolling id before taking the
/// code, in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EnrolFacts {
    pub bootstrap: bool,
    /// The code was issued by a desk that has since been revoked.
    pub issuer_revoked: bool,
    /// Desks enrolled and not revoked.
    pub live_desks: i64,
    /// A device row holds the enrolling id.
    pub known: bool,
    /// ... and it is not revoked.
    pub live: bool,
    /// ... it was revoked before the code was made.
    pub revoked_before_code: bool,
}

/// Whether `device_id` may enrol with a code (found unused and unexpired)
/// of which `facts` were read; `holder` is the device whose live token
/// came with the request.
/// The role a `role_grants` op grants: its own `role_id`, or the one
/// the grant already names.
pub(crate) fn granted_role<'a>(op: &'a Op, before: Option<&'a Map<String, Value>>) -> Option<&'a str> {
    if op.entity != "role_grants" {
        return None;
    }
    op.columns.get("role_id").or_else(|| before?.get("role_id"))?.as_str()
}

pub(crate) fn may_enrol(facts: &EnrolFacts, device_id: &str, holder: Option<&str>) -> Result<(), StoreError> {
    if facts.bootstrap && facts.live_desks > 0 {
        return Err(StoreError::BadCode);
    }
    if facts.issuer_revoked {
        return Err(StoreError::BadCode);
    }
    if facts.known && facts.live && holder != Some(device_id) {
        return Err(StoreError::DeviceInUse);
    }
    if facts.known && !facts.live && !facts.revoked_before_code {
        return Err(StoreError::BadCode);
    }
    Ok(())
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

/// A one-time desk code: 80 random bits, shown as XXXX-XXXX-XXXX-XXXX
/// (`branchdesk_api::pin`).
pub fn new_code() -> String {
    let mut random = [0u8; 10];
    fill_random(&mut random);
    branchdesk_api::pin::code_from_random(&random)
}

/// Codes are typed by people: case and separators do not matter.
pub fn normalise_code(code: &str) -> String {
    branchdesk_api::pin::normalise_code(code)
}

/// Bytes from the operating system's secure random source.
fn fill_random(out: &mut [u8]) {
    use ring::rand::SecureRandom;
    // The system's source failing is not something the server can work
    // around: it must not hand out guessable secrets.
    ring::rand::SystemRandom::new().fill(out).expect("the operating system's random source failed");
}

/// A device's bearer token: 256 random bits in hex.
pub fn new_token() -> String {
    let mut random = [0u8; 32];
    fill_random(&mut random);
    random.iter().map(|b| format!("{b:02x}")).collect()
}
