//! One sync round between a desk and its server: push every pending op (in
//! seq order, in batches), then pull each scope, organisation first, applying
//! every page in one short transaction. Safe to repeat at any time: pushes
//! are idempotent on the server and pulls resume from stored cursors.

// `SyncError` carries the server's typed refusal whole (code, sentence,
// retry time) so callers match on it; it is returned once per request, not
// in a hot loop, so its size costs nothing worth boxing it for.
#![allow(clippy::result_large_err)]

use branchdesk_api::commands::system::Joined;
use branchdesk_api::ids::UserId;
use branchdesk_api::pin::JoinCode;
use branchdesk_api::sync::{
    CodeRequest, CodeResponse, DeviceAction, EnrolRequest, EnrolResponse, LinkedDevice, Op, ProveRequest,
    ProveResponse, PullRequest, PullResponse, PushRequest, PushResponse, RevokeRequest, ServerError,
    ServerErrorCode, SnapshotRequest, WaitRequest, WaitResponse,
};
use branchdesk_desk::sync::apply::ApplyReport;
use branchdesk_desk::Desk;
use std::time::Duration;

pub mod https;
pub mod worker;

pub use https::Https;

pub const PUSH_BATCH: usize = 500;
/// A push carries at most this many bytes of changed columns (the server
/// takes 16 MB per request; attached files make some ops large).
pub const PUSH_BUDGET_BYTES: usize = 4 * 1024 * 1024;

/// The first ops that fit the byte budget (always at least one).
pub fn within_budget(mut ops: Vec<Op>, budget: usize) -> Vec<Op> {
    let mut used = 0;
    let mut keep = 0;
    for op in &ops {
        let size = serde_json::to_string(&op.columns).map(|s| s.len()).unwrap_or(0) + 256;
        if keep > 0 && used + size > budget {
            break;
        }
        used += size;
        keep += 1;
    }
    ops.truncate(keep);
    ops
}
pub const PULL_PAGE: u32 = 1_000;
/// How long a snapshot download may take (other requests: a minute).
pub const SNAPSHOT_TIMEOUT: Duration = Duration::from_secs(3_600);
/// A pulled page is applied in transactions of at most this many changes,
/// so the desk's write lock is held for well under a frame (16 ms) and a
/// clerk's save never waits behind a long download.
pub const APPLY_CHUNK: usize = 200;

/// Applies a pulled page chunk by chunk; the cursors move with each chunk
/// and the server's hash chain is checked at the page's end.
fn apply_page(desk: &Desk, page: &PullResponse) -> Result<ApplyReport, branchdesk_desk::Error> {
    let mut total = ApplyReport::default();
    if page.changes.is_empty() {
        return desk.apply_pulled(&[], &page.cursors, &page.chains);
    }
    let chunks = page.changes.chunks(APPLY_CHUNK);
    let last = chunks.len() - 1;
    for (i, chunk) in chunks.enumerate() {
        let (cursors, chains) = if i == last {
            (page.cursors.clone(), page.chains.clone())
        } else {
            (chunk.iter().map(|c| (c.scope.clone(), c.scope_seq)).collect(), Default::default())
        };
        let r = desk.apply_pulled(chunk, &cursors, &chains)?;
        total.applied += r.applied;
        total.echoed += r.echoed;
        total.conflicts += r.conflicts;
        total.unknown_columns += r.unknown_columns;
    }
    Ok(total)
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("this desk is not linked to a server")]
    NotLinked,
    #[error("the server cannot be reached: {0}")]
    Unreachable(String),
    #[error("the server refused the request ({status}): {}", .body.message)]
    Refused { status: u16, body: ServerError },
    #[error("the server answered something unexpected: {0}")]
    Protocol(String),
    /// The server does not take this desk's schema: it keeps working and
    /// keeps its changes, receives the others', and sends its own once
    /// updated (sync-design.md, "Schema").
    #[error("this desk's changes wait until it is updated: {0}")]
    Outdated(String),
    #[error(transparent)]
    Desk(#[from] branchdesk_desk::Error),
}

/// Why a desk could not join an organisation. A failed join leaves the desk
/// unlinked; a code the server took stays used, so the next try needs a
/// fresh one.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    /// The desk is set up already, or its database failed.
    #[error(transparent)]
    Desk(#[from] branchdesk_desk::Error),
    /// The server did not enrol the desk: a bad address, no answer, or a
    /// code it refused. Nothing was linked.
    #[error(transparent)]
    Link(SyncError),
    /// Enrolled, but the first download failed.
    #[error("Could not download the organisation: {}", .0.for_clerk())]
    Download(SyncError),
    /// Enrolled and downloaded, but the server holds no organisation yet.
    #[error("That server holds no organisation yet. Create one on the first desk.")]
    NoOrganisation,
}

/// The organisation a desk holds after its first download.
fn joined(desk: &Desk) -> Result<Joined, JoinError> {
    if !desk.is_set_up()? {
        return Err(JoinError::NoOrganisation);
    }
    let organisation_name = desk.app_status(None)?.organisation_name.ok_or(JoinError::NoOrganisation)?;
    Ok(Joined { organisation_name })
}

impl SyncError {
    /// What a clerk is shown (the status bar): a fault on this desk as the
    /// fixed sentence naming the id its detail was logged under, anything
    /// else as it reads.
    pub fn for_clerk(&self) -> String {
        match self {
            SyncError::Desk(e) => branchdesk_api::ApiError::from(e).message,
            SyncError::Refused { body, .. } if body.code == ServerErrorCode::RateLimited => {
                let wait = match body.retry_after_s.unwrap_or(60) {
                    0..=60 => "a minute".to_owned(),
                    s => format!("{} minutes", s.div_ceil(60)),
                };
                format!(
                    "The sync server is turning away link attempts for a while (too many tries, from this \
                     network or from everyone). Check the code and try again in {wait}."
                )
            }
            SyncError::Refused { body, .. } if body.code == ServerErrorCode::Busy => {
                "The sync server is busy preparing downloads for other desks; this desk tries again on its own."
                    .to_owned()
            }
            other => other.to_string(),
        }
    }
}

/// How much a round's pulls have to fetch and have fetched.
#[derive(Debug, Default)]
struct Progress {
    seen: std::collections::BTreeSet<String>,
    done: u64,
    total: u64,
}

impl Progress {
    /// The first page of a scope tells how far its head is.
    fn first_look(&mut self, scope: &str, cursor: u64, head: u64) {
        if self.seen.insert(scope.to_owned()) {
            self.total += head.saturating_sub(cursor);
        }
    }
}

/// What one round did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Round {
    pub pushed: usize,
    pub pulled: usize,
    pub applied: ApplyReport,
}

/// The server a desk talks to: its address, the desk's token, and the pin
/// of the certificate it trusts the server by (none: the system's roots).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Peer {
    pub base: String,
    pub token: Option<String>,
    pub pin: Option<String>,
}

impl Peer {
    /// The server this desk is linked to.
    pub fn of(desk: &Desk) -> Result<Peer, SyncError> {
        let config = desk.sync_config()?;
        let base = config.server_url.ok_or(SyncError::NotLinked)?;
        Ok(Peer { base, token: config.device_token, pin: config.server_pin })
    }
}

/// One request: where it goes, with what, and how the server is trusted.
#[derive(Debug, Clone)]
pub struct Request {
    pub url: String,
    pub token: Option<String>,
    pub pin: Option<String>,
    pub body: Vec<u8>,
}

/// How a request reaches the server: HTTPS in the app; an in-process,
/// seeded network in the simulation tests. Answers the status and body, or
/// why nothing came back.
pub trait Transport: Send + Sync {
    fn post(&self, req: Request) -> impl std::future::Future<Output = Result<(u16, Vec<u8>), String>> + Send;
}

pub struct Client<T: Transport = Https> {
    transport: T,
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

impl Client {
    pub fn new() -> Self {
        Self { transport: Https::new() }
    }
}

impl<T: Transport> Client<T> {
    /// A client whose requests go through `transport`.
    pub fn over(transport: T) -> Self {
        Self { transport }
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    async fn post<Req: serde::Serialize, Res: serde::de::DeserializeOwned>(
        &self,
        peer: &Peer,
        path: &str,
        body: &Req,
    ) -> Result<Res, SyncError> {
        let bytes = self.post_raw(peer, path, body).await?;
        serde_json::from_slice(&bytes).map_err(|e| SyncError::Protocol(e.to_string()))
    }

    /// A request whose answer is not JSON (a snapshot file).
    async fn post_raw<Req: serde::Serialize>(
        &self,
        peer: &Peer,
        path: &str,
        body: &Req,
    ) -> Result<Vec<u8>, SyncError> {
        let body = serde_json::to_vec(body).map_err(|e| SyncError::Protocol(e.to_string()))?;
        self.send(peer, path, body).await
    }

    /// A request with `body` as it is (a file going up); answers the body.
    async fn send(&self, peer: &Peer, path: &str, body: Vec<u8>) -> Result<Vec<u8>, SyncError> {
        let req = Request {
            url: format!("{}{path}", peer.base),
            token: peer.token.clone(),
            pin: peer.pin.clone(),
            body,
        };
        let (status, bytes) = self.transport.post(req).await.map_err(SyncError::Unreachable)?;
        if !(200..300).contains(&status) {
            // Not a typed error (a proxy's page, say): no code, its text.
            let body = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                ServerError::new(ServerErrorCode::Other(String::new()), String::from_utf8_lossy(&bytes))
            });
            return Err(SyncError::Refused { status, body });
        }
        Ok(bytes)
    }

    /// Downloads and installs a snapshot of `scope` (its first sync, or
    /// after its copy was found to differ); answers the cursor to pull on
    /// from, or None from a server that makes no snapshots.
    async fn snapshot(
        &self,
        desk: &Desk,
        peer: &Peer,
        scope: &str,
        round: &mut Round,
    ) -> Result<Option<u64>, SyncError> {
        let req = SnapshotRequest { scope: scope.to_owned() };
        let bytes = match self.post_raw(peer, "/v1/sync/snapshot", &req).await {
            Err(SyncError::Refused { status: 404 | 405, .. }) => return Ok(None),
            other => other?,
        };
        let (head, report) = desk.receive_snapshot(scope, &bytes, |done, total| {
            if total > u64::from(PULL_PAGE) {
                desk.set_receiving(Some((done, total)));
            }
        })?;
        tracing::info!(
            scope,
            rows = head.rows,
            bytes = bytes.len(),
            merged = report.merged,
            cursor = head.cursor,
            "snapshot installed"
        );
        round.pulled += head.rows as usize;
        round.applied.applied += (report.inserted + report.merged) as usize;
        Ok(Some(head.cursor))
    }

    /// Enrols the desk with the server at `url` using a one-time code (the
    /// server's bootstrap code for the first desk, else one an enrolled desk
    /// issued) and links it. A code that carries the server's pin is sent
    /// only to a server presenting that certificate; the desk keeps the pin.
    pub async fn link(&self, desk: &Desk, url: &str, code: &str) -> Result<(), SyncError> {
        let url = Desk::check_server_url(url)?;
        let code = JoinCode::parse(code)
            .map_err(|why| SyncError::Desk(branchdesk_api::ApiError::invalid("code", why).into()))?;
        let req = EnrolRequest { device_id: desk.device_id().into(), code: code.secret.clone() };
        // Linking again to the same server (to follow more branches): the
        // desk's token shows the server that this desk keeps its own id.
        let current = desk.sync_config()?;
        let token = current.device_token.filter(|_| current.server_url.as_deref() == Some(url.as_str()));
        let peer = Peer { base: url.clone(), token, pin: code.pin.clone() };
        let res: EnrolResponse = self.post(&peer, "/v1/devices/enrol", &req).await?;
        // From now on the server sends: what this desk sent itself is
        // recorded where the server will read it, before the first push.
        if current.server_url.is_none() {
            desk.hand_over_deliveries()?;
        }
        desk.link_with_scopes(Some((&url, &res.token)), res.scopes.as_deref())?;
        desk.set_server_pin(code.pin.as_deref())?;
        desk.set_desk_no(res.desk_no)?;
        Ok(())
    }

    /// A new desk joins the organisation on the server at `url`: it links
    /// with `code`, downloads the organisation in a first round (reporting
    /// how far it is through `Desk::receiving`), and checks that it arrived.
    /// On any failure after linking the desk is unlinked again.
    pub async fn join(&self, desk: &Desk, url: &str, code: &str) -> Result<Joined, JoinError> {
        desk.check_may_join()?;
        self.link(desk, url, code).await.map_err(JoinError::Link)?;
        let joined = match self.sync(desk).await {
            Ok(_) => joined(desk),
            Err(e) => Err(JoinError::Download(e)),
        };
        if let Err(e) = &joined {
            tracing::warn!(error = %e, "joining failed; the desk is unlinked again");
            if let Err(u) = desk.set_server(None) {
                tracing::error!(error = %u, "could not unlink the desk after a failed join");
            }
        }
        joined
    }

    /// A one-time code with which another desk can enrol, for some branch
    /// scopes (`None`: the same as this desk's), asked for by a person
    /// signed in here (`None` only before the organisation reaches the
    /// server: nobody holds a grant there yet).
    pub async fn issue_code(
        &self,
        desk: &Desk,
        asking: Option<UserId>,
        scopes: Option<Vec<String>>,
    ) -> Result<CodeResponse, SyncError> {
        let peer = &Peer::of(desk)?;
        let action = DeviceAction::IssueCode { scopes: scopes.as_deref() };
        let authority = asking.map(|a| desk.authority(a, action)).transpose()?;
        let req = CodeRequest { scopes, authority };
        let res: CodeResponse = self.post(peer, "/v1/devices/codes", &req).await?;
        // The new desk trusts the server as this one does: by its pin.
        let code = JoinCode { secret: res.code, pin: peer.pin.clone() }.show();
        Ok(CodeResponse { code, ..res })
    }

    /// The desks enrolled with this desk's server.
    pub async fn linked_desks(&self, desk: &Desk) -> Result<Vec<LinkedDevice>, SyncError> {
        let peer = &Peer::of(desk)?;
        self.post(peer, "/v1/devices/list", &serde_json::json!({})).await
    }

    /// Revokes another desk, as `asking` (who manages settings for every
    /// branch); answers the desks.
    pub async fn revoke_desk(
        &self,
        desk: &Desk,
        asking: UserId,
        device_id: &str,
    ) -> Result<Vec<LinkedDevice>, SyncError> {
        let peer = &Peer::of(desk)?;
        let authority = desk.authority(asking, DeviceAction::Revoke { device_id })?;
        let req = RevokeRequest { device_id: device_id.into(), authority: Some(authority) };
        self.post(peer, "/v1/devices/revoke", &req).await
    }

    /// Waits (at most `timeout`, ≤ 30 s) until the server holds changes
    /// after this desk's cursors; answers whether it does.
    pub async fn wait_for_changes(&self, desk: &Desk, timeout: Duration) -> Result<bool, SyncError> {
        let peer = &Peer::of(desk)?;
        let req = WaitRequest {
            cursors: desk.sync_cursors()?.into_iter().collect(),
            timeout_ms: (timeout.as_millis() as u64).min(branchdesk_api::sync::MAX_WAIT_MS),
        };
        let res: WaitResponse = self.post(peer, "/v1/sync/wait", &req).await?;
        Ok(!res.changed.is_empty())
    }

    /// One full round for `desk`; records its outcome for the status bar.
    pub async fn sync(&self, desk: &Desk) -> Result<Round, SyncError> {
        let result = self.round(desk).await;
        let error = result.as_ref().err().map(SyncError::for_clerk);
        desk.record_sync_result(error.as_deref())?;
        result
    }

    /// Makes the password proofs this desk holds (`proofs.rs` on the desk):
    /// a refused one is noted and its ops keep waiting.
    async fn prove_keys(&self, desk: &Desk, peer: &Peer) -> Result<(), SyncError> {
        for p in desk.proofs_to_make()? {
            let req = ProveRequest {
                user_id: p.user_id.to_string(),
                password: p.password,
                public_key: p.public_key.clone(),
            };
            match self.post::<_, ProveResponse>(peer, "/v1/keys/prove", &req).await {
                Ok(_) => desk.proof_taken(p.user_id, &p.public_key)?,
                Err(SyncError::Refused {
                    body: ServerError { code: ServerErrorCode::ProofFailed, message, .. },
                    ..
                }) => {
                    tracing::warn!(user = %p.user_id, reason = %message, "the server refused a password proof");
                    desk.proof_refused(p.user_id, &p.public_key, &message)?;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Uploads the attached files the server does not hold yet, so the
    /// rows that name them are taken when pushed.
    async fn upload_files(&self, desk: &Desk, peer: &Peer) -> Result<(), SyncError> {
        for sha256 in desk.blobs_to_upload()? {
            let Some(bytes) = desk.blob_bytes(&sha256)? else { continue };
            match self.send(peer, &format!("/v1/blobs/put/{sha256}"), bytes).await {
                Ok(_) => desk.blob_uploaded(&sha256)?,
                // A file the server will not take (damaged on this desk):
                // its row is refused when pushed, with the reason, and the
                // round goes on.
                Err(SyncError::Refused { status: 422, body }) => {
                    tracing::warn!(%sha256, reason = %body.message, "the server refused an attached file");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Fetches an attachment's file from the server and keeps it on the
    /// desk (the desk checks it is the file the row names).
    pub async fn fetch_file(&self, desk: &Desk, attachment_id: uuid::Uuid) -> Result<(), SyncError> {
        let peer = &Peer::of(desk)?;
        let req = branchdesk_api::sync::BlobRequest { attachment_id: attachment_id.to_string() };
        let bytes = self.post_raw(peer, "/v1/blobs/get", &req).await?;
        desk.keep_fetched_blob(attachment_id, &bytes)?;
        Ok(())
    }

    async fn round(&self, desk: &Desk) -> Result<Round, SyncError> {
        let peer = &Peer::of(desk)?;
        let mut round = Round::default();
        let mut outdated = None;
        self.prove_keys(desk, peer).await?;
        self.upload_files(desk, peer).await?;
        loop {
            let ops = within_budget(desk.pending_ops(PUSH_BATCH)?, PUSH_BUDGET_BYTES);
            if ops.is_empty() {
                break;
            }
            let n = ops.len();
            let last = ops[n - 1].seq;
            let res: Result<PushResponse, SyncError> = self
                .post(peer, "/v1/sync/push", &PushRequest { device_id: desk.device_id().into(), ops })
                .await;
            let res = match res {
                // This desk was restored from an older backup: the server holds
                // other ops under some of its numbers. Renumber the new ones
                // after the server's and push again; nothing is dropped.
                Err(SyncError::Refused {
                    body: ServerError { code: ServerErrorCode::SchemaVersion, message, .. },
                    ..
                }) => {
                    outdated = Some(message);
                    break;
                }
                Err(SyncError::Refused {
                    body: body @ ServerError { code: ServerErrorCode::SeqReused, .. },
                    ..
                }) => {
                    let (Some(reused), Some(next)) = (body.reused_seq, body.next_seq) else {
                        return Err(SyncError::Protocol("seq_reused without numbers".into()));
                    };
                    desk.renumber_ops(reused, next)?;
                    continue;
                }
                other => other?,
            };
            if res.acked_through < last {
                return Err(SyncError::Protocol(format!(
                    "pushed up to {last}, server stored up to {}",
                    res.acked_through
                )));
            }
            for r in &res.rejected {
                tracing::warn!(seq = r.seq, reason = %r.reason, "the server refused a change");
                desk.mark_refused(r.seq, &r.reason)?;
            }
            desk.ack_through(res.acked_through)?;
            round.pushed += n;
        }
        // Organisation first: branch rows refer to it. New branches may
        // appear while pulling it, so the scope list is read again after.
        // A download longer than a page shows its progress.
        let mut progress = Progress::default();
        let pulled = self.pull_all(desk, peer, &mut round, &mut progress).await;
        desk.set_receiving(None);
        pulled?;
        if let Some(why) = outdated {
            return Err(SyncError::Outdated(why));
        }
        tracing::info!(
            pushed = round.pushed,
            pulled = round.pulled,
            conflicts = round.applied.conflicts,
            "sync round done"
        );
        Ok(round)
    }

    /// Forgets how far this desk has `scope` and takes it again from a
    /// snapshot (from the start, on a server without snapshots); answers
    /// the cursor to pull on from.
    async fn download_again(
        &self,
        desk: &Desk,
        peer: &Peer,
        scope: &str,
        round: &mut Round,
    ) -> Result<u64, SyncError> {
        desk.restart_scope(scope)?;
        Ok(self.snapshot(desk, peer, scope, round).await?.unwrap_or(0))
    }

    async fn pull_all(
        &self,
        desk: &Desk,
        peer: &Peer,
        round: &mut Round,
        progress: &mut Progress,
    ) -> Result<(), SyncError> {
        let mut restarted = std::collections::BTreeSet::new();
        for pass in 0..2 {
            for (scope, cursor) in desk.sync_cursors()? {
                if pass == 1 && scope == branchdesk_api::sync::ORG_SCOPE {
                    continue;
                }
                let mut cursor = cursor;
                if cursor == 0 {
                    cursor = self.snapshot(desk, peer, &scope, round).await?.unwrap_or(0);
                }
                loop {
                    let req = PullRequest { cursors: [(scope.clone(), cursor)].into(), limit: PULL_PAGE };
                    let page: PullResponse = match self.post(peer, "/v1/sync/pull", &req).await {
                        // Away longer than the server keeps changes: the
                        // scope comes again as a snapshot (rows this desk
                        // holds are merged; its own pending changes stay).
                        Err(SyncError::Refused {
                            status: 410,
                            body: ServerError { code: ServerErrorCode::ResyncRequired, .. },
                        }) if restarted.insert(scope.clone()) => {
                            tracing::warn!(scope = %scope, "behind the server's kept changes; downloading it again");
                            cursor = self.download_again(desk, peer, &scope, round).await?;
                            continue;
                        }
                        other => other?,
                    };
                    if let Some(head) = page.heads.get(&scope) {
                        progress.first_look(&scope, cursor, *head);
                    }
                    let report = match apply_page(desk, &page) {
                        // This desk's copy of the scope differs from the
                        // server's (a change missed or doubled somewhere):
                        // download the scope again, once per round.
                        Err(branchdesk_desk::Error::Diverged { scope: s }) if restarted.insert(s.clone()) => {
                            tracing::warn!(scope = %s, "copy differs from the server's; downloading it again");
                            cursor = self.download_again(desk, peer, &s, round).await?;
                            continue;
                        }
                        other => other?,
                    };
                    progress.done += page.changes.len() as u64;
                    if progress.total > u64::from(PULL_PAGE) {
                        desk.set_receiving(Some((progress.done.min(progress.total), progress.total)));
                    }
                    round.pulled += page.changes.len();
                    round.applied.applied += report.applied;
                    round.applied.echoed += report.echoed;
                    round.applied.conflicts += report.conflicts;
                    round.applied.unknown_columns += report.unknown_columns;
                    cursor = page.cursors.get(&scope).copied().unwrap_or(cursor);
                    if !page.more {
                        break;
                    }
                }
            }
            if pass == 0 && round.pulled == 0 {
                // Nothing new anywhere: the second pass would ask the same.
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(seq: u64, bytes: usize) -> Op {
        let mut columns = serde_json::Map::new();
        columns.insert("content_b64".into(), "x".repeat(bytes).into());
        Op {
            seq,
            op_id: String::new(),
            author_user_id: None,
            scope: "org".into(),
            entity: "lesson_resources".into(),
            entity_id: String::new(),
            kind: "insert".into(),
            columns,
            hlc: String::new(),
            schema_version: 1,
            signature: None,
        }
    }

    #[test]
    fn a_push_stops_at_the_byte_budget_but_always_carries_one_op() {
        let ops = vec![op(1, 1000), op(2, 1000), op(3, 1000)];
        assert_eq!(within_budget(ops.clone(), 2600).len(), 2);
        assert_eq!(within_budget(ops.clone(), 10).len(), 1, "a single large op still goes");
        assert_eq!(within_budget(ops, usize::MAX).len(), 3);
    }
}
