//! The HTTP API under `/v1`. `app(store)` builds the router, so tests can
//! send it requests without a socket.

use crate::limits::{retry_seconds, Client, Guard, Limits};
use crate::store::{Device, Store, StoreError};
use crate::validate::{self, Invalid};
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Extension, Json, Router};
use branchdesk_api::sync::{
    Authority, BlobRequest, CodeRequest, CodeResponse, DeviceAction, EnrolRequest, EnrolResponse,
    LinkedDevice, ProveRequest, ProveResponse, PullRequest, PullResponse, PushRequest, PushResponse,
    RevokeRequest, ServerError, ServerErrorCode, SnapshotRequest, WaitRequest, WaitResponse,
};
use std::sync::Arc;
use tokio::sync::Notify;
use tower::limit::GlobalConcurrencyLimitLayer;

/// Largest request body: about 20,000 ops of a typical size.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
pub const DEFAULT_PAGE: usize = 1_000;
pub const MAX_PAGE: usize = 10_000;

/// The router with the limits the server runs with.
pub fn app<S: Store>(store: S) -> Router {
    app_with(store, Limits::default())
}

/// The router under `limits`: every route but the wait and the snapshot
/// within `request_timeout` and among `concurrent_requests`; the wait and
/// the snapshot each within their own time.
pub fn app_with<S: Store>(store: S, limits: Limits) -> Router {
    app_guarded(store, Arc::new(Guard::new(limits)))
}

/// As [`app_with`], with the limits' state held by the caller too.
pub fn app_guarded<S: Store>(store: S, guard: Arc<Guard>) -> Router {
    let limits = guard.limits.clone();
    let within = |limit: std::time::Duration| middleware::from_fn_with_state(limit, answer_within);
    let ordinary = Router::new()
        .route("/v1/health", get(|| async { "ok" }))
        .route("/v1/ready", get(ready::<S>))
        .route("/v1/devices/enrol", post(enrol::<S>))
        .route("/v1/devices/codes", post(issue_code::<S>))
        .route("/v1/devices/list", post(list_devices::<S>))
        .route("/v1/devices/revoke", post(revoke_device::<S>))
        .route("/v1/keys/prove", post(prove_key::<S>))
        .route("/v1/sync/push", post(push::<S>))
        .route("/v1/sync/pull", post(pull::<S>))
        .route("/v1/blobs/put/{sha256}", post(put_blob::<S>))
        .route("/v1/blobs/get", post(get_blob::<S>))
        .route_layer(GlobalConcurrencyLimitLayer::with_semaphore(guard.requests.clone()))
        .route_layer(within(limits.request_timeout));
    let wait = Router::new().route("/v1/sync/wait", post(wait::<S>)).route_layer(within(limits.wait_timeout));
    let snapshot = Router::new()
        .route("/v1/sync/snapshot", post(snapshot::<S>))
        .route_layer(within(limits.snapshot_timeout));
    ordinary
        .merge(wait)
        .merge(snapshot)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(Extension(Arc::new(Notify::new())))
        .layer(Extension(guard))
        .with_state(Arc::new(store))
}

/// Answers 503 `timed_out` when the handler takes longer than `limit`
/// (dropping it: a store transaction not yet committed is rolled back).
async fn answer_within(
    State(limit): State<std::time::Duration>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => AppError::TimedOut.into_response(),
    }
}

/// Every error the API answers, mapped to a status and a typed body.
#[derive(Debug)]
pub enum AppError {
    Body(JsonRejection),
    Invalid(Invalid),
    Gap {
        expected: u64,
        got: u64,
    },
    SeqReused {
        seq: u64,
        next: u64,
    },
    /// No token, or one no device holds.
    Unauthenticated,
    /// The token's device was revoked, the body names another device, or
    /// a scope outside the device's branches.
    Forbidden {
        code: ServerErrorCode,
        message: String,
    },
    BadCode,
    /// A live desk holds the id a link asked for.
    DeviceInUse,
    /// Too many link attempts; try again after this many seconds.
    RateLimited {
        retry_after_s: u64,
    },
    /// No snapshot turn came free in time.
    Busy {
        retry_after_s: u64,
    },
    /// The request ran past its time.
    TimedOut,
    /// A push carries an op with an author and no signature.
    Unsigned {
        seq: u64,
    },
    /// The desk's cursor is behind the kept log of a scope.
    Behind {
        scope: String,
    },
    /// No such row or file (404).
    NotFound(String),
    /// A fault underneath (database, disk): the detail is logged under an
    /// error id and never sent.
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Gap { expected, got } => AppError::Gap { expected, got },
            StoreError::SeqReused { seq, next } => AppError::SeqReused { seq, next },
            StoreError::BadCode => AppError::BadCode,
            StoreError::DeviceInUse => AppError::DeviceInUse,
            StoreError::UnknownDevice => AppError::Unauthenticated,
            StoreError::Revoked => AppError::Forbidden {
                code: ServerErrorCode::DeviceRevoked,
                message: "This desk was unlinked from the server by an administrator. Link it again with a new code.".into(),
            },
            StoreError::Behind { scope, .. } => AppError::Behind { scope },
            StoreError::Unsigned { seq } => AppError::Unsigned { seq },
            StoreError::Backend(m) => AppError::Internal(m),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        use ServerErrorCode as Code;
        let (status, body) = match self {
            AppError::Body(r) => {
                let code = match r.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => Code::PayloadTooLarge,
                    StatusCode::UNSUPPORTED_MEDIA_TYPE => Code::NotJson,
                    StatusCode::UNPROCESSABLE_ENTITY => Code::WrongShape,
                    _ => Code::MalformedJson,
                };
                (r.status(), ServerError::new(code, r.body_text()))
            }
            AppError::Invalid(Invalid::Field { field, message }) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ServerError::new(Code::Invalid, message).on(field))
            }
            AppError::Invalid(Invalid::SchemaVersion { field, got }) => {
                let now = branchdesk_api::sync::DESK_SCHEMA_VERSION;
                let message = if got > now {
                    format!("This desk (schema {got}) is newer than the server (schema {now}); update the server.")
                } else {
                    format!(
                        "The server takes desks of schema {} and {now}; this desk is at {got}. Update Branchdesk on this desk.",
                        now.saturating_sub(1)
                    )
                };
                (StatusCode::CONFLICT, ServerError::new(Code::SchemaVersion, message).on(field))
            }
            AppError::Gap { expected, got } => (
                StatusCode::CONFLICT,
                ServerError::new(
                    Code::SeqGap,
                    format!("The server expected op {expected} next but got {got}; push from {expected}."),
                )
                .on("ops"),
            ),
            AppError::SeqReused { seq, next } => (
                StatusCode::CONFLICT,
                ServerError {
                    next_seq: Some(next),
                    reused_seq: Some(seq),
                    ..ServerError::new(
                        Code::SeqReused,
                        // The desk reads the number after the colon; keep the shape.
                        format!("Op {seq} differs from the one the server holds under that number: this desk was restored from an older backup. Its newer changes are renumbered from {next}."),
                    )
                    .on("ops")
                },
            ),
            AppError::Unsigned { seq } => (
                StatusCode::CONFLICT,
                ServerError::new(
                    Code::SchemaVersion,
                    format!(
                        "Change {seq} is not signed: this desk runs an earlier version. Update Branchdesk on it; \
                         its changes wait, and are sent signed once their authors sign in there."
                    ),
                )
                .on("ops"),
            ),
            AppError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                ServerError::new(
                    Code::Unauthenticated,
                    "This desk is not enrolled with the server (or its token is wrong). Link it with a code.",
                ),
            ),
            AppError::Forbidden { code, message } => (StatusCode::FORBIDDEN, ServerError::new(code, message)),
            AppError::BadCode => (
                StatusCode::FORBIDDEN,
                ServerError::new(
                    Code::BadCode,
                    "That code is wrong, was used already or has expired. Ask for a new one.",
                )
                .on("code"),
            ),
            AppError::DeviceInUse => (
                StatusCode::CONFLICT,
                ServerError::new(
                    Code::DeviceInUse,
                    "Another linked desk already uses this desk's identity. If this desk was copied \
                     from another one, unlink that desk on the server first (Settings → Sync server).",
                )
                .on("device_id"),
            ),
            AppError::RateLimited { retry_after_s } => {
                let body = ServerError {
                    retry_after_s: Some(retry_after_s),
                    ..ServerError::new(
                        Code::RateLimited,
                        format!(
                            "Too many attempts to link desks or prove passwords with this server; try again in {}.",
                            in_words(retry_after_s)
                        ),
                    )
                };
                return retry_later(StatusCode::TOO_MANY_REQUESTS, body, retry_after_s);
            }
            AppError::Busy { retry_after_s } => {
                let body = ServerError {
                    retry_after_s: Some(retry_after_s),
                    ..ServerError::new(
                        Code::Busy,
                        "The sync server is busy preparing downloads for other desks; this desk tries again on its own.",
                    )
                };
                return retry_later(StatusCode::SERVICE_UNAVAILABLE, body, retry_after_s);
            }
            AppError::TimedOut => (
                StatusCode::SERVICE_UNAVAILABLE,
                ServerError::new(
                    Code::TimedOut,
                    "The sync server took too long to answer; this desk tries again on its own.",
                ),
            ),
            AppError::Behind { scope } => (
                StatusCode::GONE,
                ServerError::new(
                    Code::ResyncRequired,
                    format!(
                        "This desk was offline longer than the server keeps changes; it downloads {scope} again."
                    ),
                )
                .on(format!("cursors.{scope}")),
            ),
            AppError::NotFound(message) => (StatusCode::NOT_FOUND, ServerError::new(Code::NotFound, message)),
            AppError::Internal(detail) => {
                let id = error_id();
                tracing::error!(error_id = %id, %detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ServerError::new(
                        Code::Internal,
                        format!(
                            "The sync server ran into a fault (error {id}) and changed nothing. \
                             The desk tries again on its own; tell your administrator if it keeps happening."
                        ),
                    ),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

/// A refusal to be retried later, with its Retry-After header.
fn retry_later(status: StatusCode, body: ServerError, retry_after_s: u64) -> Response {
    (status, [(axum::http::header::RETRY_AFTER, retry_after_s.to_string())], Json(body)).into_response()
}

/// "40 seconds", "3 minutes".
fn in_words(seconds: u64) -> String {
    match seconds {
        0..=1 => "a second".into(),
        2..=90 => format!("{seconds} seconds"),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

/// A short id to find a fault's detail in the server's log by: 8 hex
/// digits of a random UUID.
fn error_id() -> String {
    let mut id = uuid::Uuid::new_v4().simple().to_string();
    id.truncate(8);
    id
}

async fn ready<S: Store>(State(store): State<Arc<S>>) -> Result<&'static str, AppError> {
    store.ready().await?;
    Ok("ready")
}

/// The device behind the request's bearer token.
async fn device<S: Store>(store: &S, headers: &HeaderMap) -> Result<Device, AppError> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(AppError::Unauthenticated)?;
    Ok(store.authenticate(token.trim().to_owned()).await?)
}

/// Refuses a request naming a scope the device is not enrolled to sync.
fn may_sync<'a>(device: &Device, mut scopes: impl Iterator<Item = &'a str>) -> Result<(), AppError> {
    match scopes.find(|s| !device.may_sync(s)) {
        Some(scope) => Err(scope_refused(scope)),
        None => Ok(()),
    }
}

fn scope_refused(scope: &str) -> AppError {
    AppError::Forbidden {
        code: ServerErrorCode::ScopeNotAllowed,
        message: format!(
            "This desk is not enrolled to sync {scope}. Ask for a code that includes that branch."
        ),
    }
}

/// Trades a code for a token. Attempts are limited per address and in
/// total before anything else is looked at. A token sent along (a linked
/// desk linking again for more branches) lets the desk keep its own id.
async fn enrol<S: Store>(
    State(store): State<Arc<S>>,
    Extension(guard): Extension<Arc<Guard>>,
    client: Client,
    headers: HeaderMap,
    body: Result<Json<EnrolRequest>, JsonRejection>,
) -> Result<Json<EnrolResponse>, AppError> {
    guard
        .enrol_attempt(client.0)
        .map_err(|wait| AppError::RateLimited { retry_after_s: retry_seconds(wait) })?;
    let Json(req) = body.map_err(AppError::Body)?;
    validate::enrol(&req).map_err(AppError::Invalid)?;
    let holder = match headers.contains_key(AUTHORIZATION) {
        true => device(store.as_ref(), &headers).await.ok().map(|d| d.id),
        false => None,
    };
    let e = store.enrol(req.device_id, req.code, holder).await?;
    Ok(Json(EnrolResponse { token: e.token, scopes: e.scopes, desk_no: e.desk_no }))
}

/// A code for another desk, for some or all of the issuing desk's branches.
async fn issue_code<S: Store>(
    State(store): State<Arc<S>>,
    headers: HeaderMap,
    body: Result<Json<CodeRequest>, JsonRejection>,
) -> Result<Json<CodeResponse>, AppError> {
    let issuer = device(store.as_ref(), &headers).await?;
    let Json(req) = body.map_err(AppError::Body)?;
    if let Some(list) = &req.scopes {
        validate::scope_count("scopes", list.len()).map_err(AppError::Invalid)?;
        for (i, s) in list.iter().enumerate() {
            validate::scope(&format!("scopes[{i}]"), s).map_err(AppError::Invalid)?;
        }
    }
    let action = DeviceAction::IssueCode { scopes: req.scopes.as_deref() };
    authorise(store.as_ref(), &issuer.id, action, req.authority.as_ref()).await?;
    let scopes = match req.scopes {
        None => issuer.scopes.clone(),
        Some(list) => {
            if let Some(s) = list.iter().find(|s| !issuer.may_sync(s)) {
                return Err(scope_refused(s));
            }
            Some(list)
        }
    };
    let code = store.issue_code(issuer.id, scopes).await?;
    Ok(Json(CodeResponse { code, valid_hours: crate::store::CODE_HOURS as u32 }))
}

/// The desks enrolled with this server.
async fn list_devices<S: Store>(
    State(store): State<Arc<S>>,
    headers: HeaderMap,
) -> Result<Json<Vec<LinkedDevice>>, AppError> {
    device(store.as_ref(), &headers).await?;
    Ok(Json(store.devices().await?))
}

/// Revokes a desk within the asking desk's branches.
async fn revoke_device<S: Store>(
    State(store): State<Arc<S>>,
    headers: HeaderMap,
    body: Result<Json<RevokeRequest>, JsonRejection>,
) -> Result<Json<Vec<LinkedDevice>>, AppError> {
    let asking = device(store.as_ref(), &headers).await?;
    let Json(req) = body.map_err(AppError::Body)?;
    let action = DeviceAction::Revoke { device_id: &req.device_id };
    authorise(store.as_ref(), &asking.id, action, req.authority.as_ref()).await?;
    let all = store.devices().await?;
    let target = all.iter().find(|d| d.device_id == req.device_id).ok_or_else(|| {
        AppError::Invalid(Invalid::Field {
            field: "device_id".into(),
            message: "no desk with that id is enrolled".into(),
        })
    })?;
    let within = match &target.scopes {
        None => asking.scopes.is_none(),
        Some(list) => list.iter().all(|s| asking.may_sync(s)),
    };
    if !within {
        return Err(AppError::Forbidden {
            code: ServerErrorCode::ScopeNotAllowed,
            message: "That desk syncs branches this desk does not; revoke it from a desk that holds them."
                .into(),
        });
    }
    store.revoke(req.device_id).await?;
    Ok(Json(store.devices().await?))
}

/// Refuses a desk-management request unless the person it names signed
/// it and may make it (`people::authorise`).
async fn authorise<S: Store>(
    store: &S,
    device_id: &str,
    action: DeviceAction<'_>,
    authority: Option<&Authority>,
) -> Result<(), AppError> {
    if let Some(a) = authority {
        validate::authority(a).map_err(AppError::Invalid)?;
    }
    let person = match authority {
        Some(a) => store.person(a.user_id.clone()).await?,
        None => store.person(String::new()).await?,
    };
    crate::people::authorise(&person, device_id, action, authority, chrono::Utc::now())
        .map_err(|message| AppError::Forbidden { code: ServerErrorCode::NotAuthorised, message })
}

/// An account made before signing proves its password once, over this
/// link, for the key its desk made (`people::may_prove`). Limited as link
/// attempts are; the password is checked off the async threads.
async fn prove_key<S: Store>(
    State(store): State<Arc<S>>,
    Extension(guard): Extension<Arc<Guard>>,
    client: Client,
    headers: HeaderMap,
    body: Result<Json<ProveRequest>, JsonRejection>,
) -> Result<Json<ProveResponse>, AppError> {
    let asking = device(store.as_ref(), &headers).await?;
    guard
        .proof_attempt(client.0)
        .map_err(|wait| AppError::RateLimited { retry_after_s: retry_seconds(wait) })?;
    let Json(req) = body.map_err(AppError::Body)?;
    validate::prove(&req).map_err(AppError::Invalid)?;
    let person = store.person(req.user_id.clone()).await?;
    let failed = |message: String| AppError::Forbidden { code: ServerErrorCode::ProofFailed, message };
    match crate::people::may_prove(&person, &req.public_key).map_err(failed)? {
        crate::people::Proof::HasIt => return Ok(Json(ProveResponse { proven: true })),
        crate::people::Proof::Unchecked => {}
        crate::people::Proof::Check(hash) => {
            let password = req.password.clone();
            let matches =
                tokio::task::spawn_blocking(move || crate::people::password_matches(&password, &hash))
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))?;
            if !matches {
                return Err(failed(
                    "The server knows another password for this account (changed on a desk that has not \
                     synced, or wrong). A manager can reset it."
                        .into(),
                ));
            }
        }
    }
    store.record_proof(req.user_id, req.public_key.to_ascii_lowercase(), asking.id).await?;
    Ok(Json(ProveResponse { proven: true }))
}

async fn push<S: Store>(
    State(store): State<Arc<S>>,
    Extension(changed): Extension<Arc<Notify>>,
    headers: HeaderMap,
    body: Result<Json<PushRequest>, JsonRejection>,
) -> Result<Json<PushResponse>, AppError> {
    let device = device(store.as_ref(), &headers).await?;
    let Json(req) = body.map_err(AppError::Body)?;
    if req.device_id != device.id {
        return Err(AppError::Forbidden {
            code: ServerErrorCode::DeviceMismatch,
            message: "A desk can only push its own changes.".into(),
        });
    }
    validate::push(&req).map_err(AppError::Invalid)?;
    let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
    validate::clock(&req, now_ms).map_err(AppError::Invalid)?;
    may_sync(&device, req.ops.iter().map(|o| o.scope.as_str()))?;
    let res = store.push(req.device_id, req.ops).await?;
    // Desks waiting for changes look again (this instance's; others poll).
    changed.notify_waiters();
    Ok(Json(res))
}

/// Answers once any scope has changes after the desk's cursor, or after
/// the timeout with none. Pushes to this instance wake it at once; a push
/// to another instance behind the same database is seen within a second.
async fn wait<S: Store>(
    State(store): State<Arc<S>>,
    Extension(changed): Extension<Arc<Notify>>,
    headers: HeaderMap,
    body: Result<Json<WaitRequest>, JsonRejection>,
) -> Result<Json<WaitResponse>, AppError> {
    let device = device(store.as_ref(), &headers).await?;
    let Json(req) = body.map_err(AppError::Body)?;
    validate::wait(&req).map_err(AppError::Invalid)?;
    may_sync(&device, req.cursors.keys().map(String::as_str))?;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(req.timeout_ms);
    let scopes: Vec<String> = req.cursors.keys().cloned().collect();
    loop {
        // Listen before looking, so a push in between is not missed.
        let notified = changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let heads = store.heads(scopes.clone()).await?;
        let newer: Vec<String> = req
            .cursors
            .iter()
            .filter(|(s, c)| heads.get(*s).is_some_and(|h| h > *c))
            .map(|(s, _)| s.clone())
            .collect();
        let now = tokio::time::Instant::now();
        if !newer.is_empty() || now >= deadline {
            return Ok(Json(WaitResponse { changed: newer }));
        }
        let nap = (deadline - now).min(std::time::Duration::from_secs(1));
        tokio::select! {
            _ = &mut notified => {}
            _ = tokio::time::sleep(nap) => {}
        }
    }
}

/// A scope's rows as a SQLite file followed by its checksum, for a desk's
/// first sync of it (layout: `api::sync::SnapshotRequest`). Built in a
/// throwaway folder, sent whole.
async fn snapshot<S: Store>(
    State(store): State<Arc<S>>,
    Extension(guard): Extension<Arc<Guard>>,
    headers: HeaderMap,
    body: Result<Json<SnapshotRequest>, JsonRejection>,
) -> Result<Response, AppError> {
    let device = device(store.as_ref(), &headers).await?;
    let Json(req) = body.map_err(AppError::Body)?;
    validate::scope("scope", &req.scope).map_err(AppError::Invalid)?;
    may_sync(&device, std::iter::once(req.scope.as_str()))?;
    // A few builds at once: each reads a whole branch and writes a file.
    let turn = tokio::time::timeout(guard.limits.snapshot_queue, guard.snapshots.clone().acquire_owned());
    let _turn = match turn.await {
        Ok(Ok(permit)) => permit,
        _ => return Err(AppError::Busy { retry_after_s: 30 }),
    };
    let internal = |e: std::io::Error| AppError::Internal(e.to_string());
    let dir = tempfile::tempdir().map_err(internal)?;
    let path = dir.path().join("snapshot.sqlite");
    let rows = store.snapshot(device.id, req.scope, path.clone()).await?;
    // The file, then its checksum.
    let bytes = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut f = std::fs::File::open(&path)?;
        let mut file = Vec::with_capacity(f.metadata()?.len() as usize + 64);
        f.read_to_end(&mut file)?;
        let digest = branchdesk_api::sync::snapshot_digest(&file);
        file.extend_from_slice(digest.as_bytes());
        Ok::<_, std::io::Error>(file)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(internal)?;
    drop(dir);
    tracing::info!(rows, bytes = bytes.len(), "snapshot sent");
    Ok(([(axum::http::header::CONTENT_TYPE, "application/vnd.sqlite3")], bytes).into_response())
}

/// Keeps a file a desk is about to attach: the path names its SHA-256,
/// which the body must match; at most `attachments::MAX_FILE_BYTES`.
async fn put_blob<S: Store>(
    State(store): State<Arc<S>>,
    axum::extract::Path(sha256): axum::extract::Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<serde_json::Value>, AppError> {
    device(store.as_ref(), &headers).await?;
    let invalid =
        |message: &str| AppError::Invalid(Invalid::Field { field: "sha256".into(), message: message.into() });
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(invalid("name the file by its SHA-256 in 64 lowercase hex digits"));
    }
    if body.is_empty() || body.len() > branchdesk_api::commands::attachments::MAX_FILE_BYTES {
        return Err(AppError::Invalid(Invalid::Field {
            field: "body".into(),
            message: "a file of 1 byte to 10 MB".into(),
        }));
    }
    if !crate::store::blob_matches(&sha256, &body) {
        return Err(invalid("the file's SHA-256 is not the one its name gives"));
    }
    store.put_blob(sha256, body.to_vec()).await?;
    Ok(Json(serde_json::json!({ "stored": true })))
}

/// The file of an attachment, to a desk that syncs the attachment's branch.
async fn get_blob<S: Store>(
    State(store): State<Arc<S>>,
    headers: HeaderMap,
    body: Result<Json<BlobRequest>, JsonRejection>,
) -> Result<Response, AppError> {
    let device = device(store.as_ref(), &headers).await?;
    let Json(req) = body.map_err(AppError::Body)?;
    let not_found = || AppError::NotFound("The server holds no such attached file.".into());
    let (row, bytes) = store.attachment_file(req.attachment_id).await?.ok_or_else(not_found)?;
    let branch = row.get("branch_id").and_then(serde_json::Value::as_str).unwrap_or_default();
    may_sync(&device, std::iter::once(format!("branch:{branch}").as_str()))?;
    let bytes = bytes.ok_or_else(not_found)?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

async fn pull<S: Store>(
    State(store): State<Arc<S>>,
    Extension(guard): Extension<Arc<Guard>>,
    headers: HeaderMap,
    body: Result<Json<PullRequest>, JsonRejection>,
) -> Result<Json<PullResponse>, AppError> {
    let device = device(store.as_ref(), &headers).await?;
    let Json(req) = body.map_err(AppError::Body)?;
    validate::pull(&req).map_err(AppError::Invalid)?;
    may_sync(&device, req.cursors.keys().map(String::as_str))?;
    let limit = match req.limit as usize {
        0 => DEFAULT_PAGE,
        n => n.min(MAX_PAGE),
    };
    Ok(Json(store.pull(req, limit, guard.limits.page_bytes).await?))
}
