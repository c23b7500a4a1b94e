//! The sync API through the router (no socket), on the embedded SQLite store.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use branchdesk_api::canonical::signing::{self, SigningKey};
use branchdesk_api::sync::{Op, DESK_SCHEMA_VERSION};
use branchdesk_server::limits::{ClientAddr, Guard, Limits, Rate};
use branchdesk_server::store::postgres::PgStore;
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

const BRANCH_A: &str = "branch:0193a0c0-0000-7000-8000-00000000000a";
const BRANCH_B: &str = "branch:0193a0c0-0000-7000-8000-00000000000b";
const DEVICE: &str = "0193a0c0-0000-7000-8000-0000000000d1";
const OTHER: &str = "0193a0c0-0000-7000-8000-0000000000d2";

mod support;

/// The same scenarios run on each store backend.
enum Backend {
    /// The folder is held so it lives as long as the store.
    Sqlite(SqliteStore, tempfile::TempDir),
    Pg(PgStore, String),
}

fn sqlite() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    Backend::Sqlite(SqliteStore::open(&dir.path().join("server.sqlite")).unwrap(), dir)
}

impl Backend {
    async fn bootstrap_code(&self) -> Option<String> {
        match self {
            Backend::Sqlite(s, _) => s.bootstrap_code().await.unwrap(),
            Backend::Pg(p, _) => p.bootstrap_code().await.unwrap(),
        }
    }

    async fn revoke(&self, device: &str) {
        match self {
            Backend::Sqlite(s, _) => s.revoke(device.into()).await.unwrap(),
            Backend::Pg(p, _) => p.revoke(device.into()).await.unwrap(),
        }
    }

    async fn compact(&self, before: chrono::DateTime<chrono::Utc>) -> u64 {
        match self {
            Backend::Sqlite(s, _) => s.compact(before).await.unwrap(),
            Backend::Pg(p, _) => p.compact(before).await.unwrap(),
        }
    }

    fn app(&self) -> Router {
        self.app_guarded(Arc::new(Guard::new(Limits::default())))
    }

    fn app_guarded(&self, guard: Arc<Guard>) -> Router {
        match self {
            Backend::Sqlite(s, _) => branchdesk_server::http::app_guarded(s.clone(), guard),
            Backend::Pg(p, _) => branchdesk_server::http::app_guarded(p.clone(), guard),
        }
    }

    async fn devices(&self) -> Vec<branchdesk_api::sync::LinkedDevice> {
        match self {
            Backend::Sqlite(s, _) => s.devices().await.unwrap(),
            Backend::Pg(p, _) => p.devices().await.unwrap(),
        }
    }

    /// Sets the organisation's mail server (a test server on loopback).
    async fn set_email(&self, port: u16) {
        let email = branchdesk_api::commands::channels::EmailChannel {
            host: "127.0.0.1".into(),
            port,
            security: branchdesk_api::commands::channels::EmailSecurity::Plain,
            from_address: "office@kiran.example".into(),
            from_name: "Kiran Coaching".into(),
            ..Default::default()
        };
        match self {
            Backend::Sqlite(s, _) => s.save_email_channel(email).await.unwrap(),
            Backend::Pg(p, _) => p.save_email_channel(email).await.unwrap(),
        }
    }

    /// One round of the server's sender.
    async fn send_round(&self) -> branchdesk_server::sender::Round {
        match self {
            Backend::Sqlite(s, _) => branchdesk_server::sender::round(s, &[]).await.unwrap(),
            Backend::Pg(p, _) => branchdesk_server::sender::round(p, &[]).await.unwrap(),
        }
    }

    async fn next_retry_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        match self {
            Backend::Sqlite(s, _) => s.next_retry_at().await.unwrap(),
            Backend::Pg(p, _) => p.next_retry_at().await.unwrap(),
        }
    }

    /// Runs a statement on the store's database behind its back (to age a code).
    async fn sql(&self, sql: &str) {
        match self {
            Backend::Sqlite(_, dir) => {
                let conn = rusqlite::Connection::open(dir.path().join("server.sqlite")).unwrap();
                conn.execute_batch(sql).unwrap();
            }
            Backend::Pg(_, url) => {
                let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(conn);
                client.batch_execute(sql).await.unwrap();
            }
        }
    }
}

struct Server {
    backend: Backend,
    app: Router,
    token: String,
}

/// A server on a fresh store, with DEVICE enrolled through its bootstrap code.
async fn server(backend: Backend) -> Server {
    let code = backend.bootstrap_code().await.expect("a fresh server has a bootstrap code");
    let app = backend.app();
    let (s, body) = send(
        &app,
        "/v1/devices/enrol",
        None,
        json!({ "device_id": DEVICE, "code": code.to_lowercase() }).to_string(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    Server { backend, app, token: body["token"].as_str().unwrap().to_owned() }
}

/// A whole new row of `entity` as a desk inserts it: every column the
/// catalogue requires, with a plain value of its type, then `cols`.
fn whole(entity: &str, id: &str, scope: &str, cols: Value) -> serde_json::Map<String, Value> {
    use branchdesk_api::tables::{Entity, Type};
    let table = Entity::parse(entity).expect("a synced table").table();
    let mut row = serde_json::Map::new();
    for c in table.columns.iter().filter(|c| c.required()) {
        let value = match c.ty {
            Type::Uuid if c.name == "id" => json!(id),
            Type::Uuid if c.name == "branch_id" => json!(scope.trim_start_matches("branch:")),
            Type::Uuid => json!("0193a0c1-0000-7000-8000-0000000000ff"),
            Type::Text => json!(c.values.map_or("x", |v| v[0])),
            Type::Integer => json!(c.range.map_or(1, |(min, _)| min.max(1))),
            Type::Bool => json!(false),
            Type::Date => json!("2026-06-01"),
            Type::Time => json!("2026-06-01T09:00:00Z"),
            Type::Json => json!("[]"),
        };
        row.insert(c.name.into(), value);
    }
    row.extend(cols.as_object().expect("columns are an object").clone());
    row
}

fn op(device: &str, seq: u64, scope: &str) -> Op {
    let entity_id = format!("0193a0c1-0000-7000-8000-{seq:012}");
    Op {
        seq,
        op_id: format!("0193a0c0-0000-7000-8000-{seq:012}"),
        author_user_id: None,
        scope: scope.into(),
        entity: "rooms".into(),
        columns: whole("rooms", &entity_id, scope, json!({ "name": format!("Room {seq}"), "capacity": 30 })),
        entity_id,
        kind: "insert".into(),
        hlc: format!("{:012x}{:04x}-{device}", 1_700_000_000_000u64 + seq, 0),
        schema_version: DESK_SCHEMA_VERSION,
        signature: None,
    }
}

async fn send(app: &Router, path: &str, token: Option<&str>, body: impl Into<Body>) -> (StatusCode, Value) {
    let mut req = Request::post(path).header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = req.body(body.into()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn push(srv: &Server, ops: Vec<Op>) -> (StatusCode, Value) {
    send(&srv.app, "/v1/sync/push", Some(&srv.token), json!({ "device_id": DEVICE, "ops": ops }).to_string())
        .await
}

async fn pull(srv: &Server, cursors: Value) -> (StatusCode, Value) {
    send(&srv.app, "/v1/sync/pull", Some(&srv.token), json!({ "cursors": cursors }).to_string()).await
}

async fn pushed_ops_come_back_per_scope_in_order(backend: Backend) {
    let app = server(backend).await;
    let (s, body) =
        push(&app, vec![op(DEVICE, 1, BRANCH_A), op(DEVICE, 2, BRANCH_B), op(DEVICE, 3, BRANCH_A)]).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["acked_through"], 3);
    let (s, page) = pull(&app, json!({ BRANCH_A: 0 })).await;
    assert_eq!(s, StatusCode::OK);
    let seqs: Vec<_> = page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["scope_seq"].clone(), c["op"]["seq"].clone()))
        .collect();
    assert_eq!(
        seqs,
        vec![(json!(1), json!(1)), (json!(2), json!(3))],
        "branch B's op is not in branch A's log"
    );
    assert_eq!(page["cursors"][BRANCH_A], 2);
    assert_eq!(page["more"], false);
    let (_, page) = pull(&app, json!({ BRANCH_A: 2 })).await;
    assert!(page["changes"].as_array().unwrap().is_empty());
}

/// A transfer is published from the branch a student leaves; the server
/// logs the whole row again in the branch it lands in, right after.
async fn a_row_moved_to_another_branch_is_carried_into_its_scope(backend: Backend) {
    let app = server(backend).await;
    let branch = |scope: &str| scope.trim_start_matches("branch:").to_owned();
    let student = |seq: u64, cols: Value| Op {
        entity: "students".into(),
        entity_id: "0193a0c1-0000-7000-8000-00000000beef".into(),
        kind: if seq == 1 { "insert" } else { "update" }.into(),
        columns: if seq == 1 {
            whole("students", "0193a0c1-0000-7000-8000-00000000beef", BRANCH_A, cols)
        } else {
            cols.as_object().unwrap().clone()
        },
        ..op(DEVICE, seq, BRANCH_A)
    };
    let ops = vec![
        student(1, json!({ "branch_id": branch(BRANCH_A), "full_name": "Asha Rao", "code": "K2-1" })),
        op(DEVICE, 2, BRANCH_A),
        student(3, json!({ "branch_id": branch(BRANCH_B) })),
    ];
    let (s, body) = push(&app, ops).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, page) = pull(&app, json!({ BRANCH_B: 0 })).await;
    let changes = page["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{page}");
    let carried = &changes[0]["op"];
    assert_eq!(carried["scope"], BRANCH_B);
    assert_eq!(carried["columns"]["full_name"], "Asha Rao", "the whole row, not just the moved column");
    assert_eq!(carried["columns"]["branch_id"], branch(BRANCH_B));
    let (_, page) = pull(&app, json!({ BRANCH_A: 0 })).await;
    assert_eq!(page["changes"].as_array().unwrap().len(), 3, "the old branch sees the move too");
    // A replay carries nothing twice.
    let ops = vec![student(3, json!({ "branch_id": branch(BRANCH_B) }))];
    assert_eq!(push(&app, ops).await.0, StatusCode::OK);
    let (_, page) = pull(&app, json!({ BRANCH_B: 0 })).await;
    assert_eq!(page["changes"].as_array().unwrap().len(), 1);
}

async fn a_replayed_batch_is_a_no_op_and_an_overlapping_one_adds_only_the_new_ops(backend: Backend) {
    let app = server(backend).await;
    push(&app, vec![op(DEVICE, 1, BRANCH_A), op(DEVICE, 2, BRANCH_A)]).await;
    let (s, body) = push(&app, vec![op(DEVICE, 1, BRANCH_A), op(DEVICE, 2, BRANCH_A)]).await;
    assert_eq!((s, body["acked_through"].clone()), (StatusCode::OK, json!(2)));
    let (s, body) = push(&app, vec![op(DEVICE, 2, BRANCH_A), op(DEVICE, 3, BRANCH_A)]).await;
    assert_eq!((s, body["acked_through"].clone()), (StatusCode::OK, json!(3)));
    let (_, page) = pull(&app, json!({ BRANCH_A: 0 })).await;
    assert_eq!(page["changes"].as_array().unwrap().len(), 3);
    // A different op under a stored number (a desk restored from a backup)
    // is refused with the numbers to renumber by, not skipped as a retry.
    let mut other = op(DEVICE, 2, BRANCH_A);
    other.op_id = "0193a0c0-0000-7000-8000-ffffffffffff".into();
    let (s, body) = push(&app, vec![other, op(DEVICE, 3, BRANCH_A)]).await;
    assert_eq!((s, body["code"].as_str()), (StatusCode::CONFLICT, Some("seq_reused")), "{body}");
    assert_eq!((body["reused_seq"].as_u64(), body["next_seq"].as_u64()), (Some(2), Some(4)));
    let (_, page) = pull(&app, json!({ BRANCH_A: 0 })).await;
    assert_eq!(page["changes"].as_array().unwrap().len(), 3, "nothing of that batch stored");
}

async fn a_gap_is_refused_and_nothing_of_the_batch_is_stored(backend: Backend) {
    let app = server(backend).await;
    push(&app, vec![op(DEVICE, 1, BRANCH_A)]).await;
    let (s, body) = push(&app, vec![op(DEVICE, 3, BRANCH_A), op(DEVICE, 4, BRANCH_A)]).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["code"], "seq_gap");
    assert!(body["message"].as_str().unwrap().contains("expected op 2"));
    let (_, page) = pull(&app, json!({ BRANCH_A: 0 })).await;
    assert_eq!(page["changes"].as_array().unwrap().len(), 1);
}

async fn bad_requests_get_a_typed_4xx_that_names_the_problem(backend: Backend) {
    let app = server(backend).await;
    let (s, b) = send(&app.app, "/v1/sync/push", Some(&app.token), "{not json").await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_json")));
    let (s, b) = send(
        &app.app,
        "/v1/sync/push",
        Some(&app.token),
        json!({ "device_id": DEVICE, "ops": "nope" }).to_string(),
    )
    .await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("wrong_shape")));
    let (s, b) = send(
        &app.app,
        "/v1/sync/push",
        Some(&app.token),
        json!({ "device_id": DEVICE, "ops": [], "extra": 1 }).to_string(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused: {b}");

    let mut bad_scope = op(DEVICE, 1, BRANCH_A);
    bad_scope.scope = "branch:not-a-uuid".into();
    let (s, b) = push(&app, vec![bad_scope]).await;
    assert_eq!((s, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("ops[0].scope")));

    let mut old = op(DEVICE, 1, BRANCH_A);
    old.schema_version = DESK_SCHEMA_VERSION + 5;
    let (s, b) = push(&app, vec![old]).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::CONFLICT, Some("schema_version")));

    let mut table = op(DEVICE, 1, BRANCH_A);
    table.entity = "sqlite_master".into();
    let (s, b) = push(&app, vec![table]).await;
    assert_eq!((s, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("ops[0].entity")));

    let mut foreign = op(DEVICE, 1, BRANCH_A);
    foreign.hlc = format!("{:016x}-someone-else", 1);
    let (s, b) = push(&app, vec![foreign]).await;
    assert_eq!((s, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("ops[0].hlc")));

    let (s, b) = push(&app, vec![op(DEVICE, 1, BRANCH_A), op(DEVICE, 3, BRANCH_A)]).await;
    assert_eq!((s, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("ops[1].seq")));

    let huge = vec![b' '; branchdesk_server::http::MAX_BODY_BYTES + 1];
    let (s, b) = send(&app.app, "/v1/sync/push", Some(&app.token), huge).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")));

    let (s, b) = pull(&app, json!({})).await;
    assert_eq!((s, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("cursors")));

    // None of it stored anything.
    let (_, page) = pull(&app, json!({ BRANCH_A: 0 })).await;
    assert!(page["changes"].as_array().unwrap().is_empty());
}

async fn pull_pages_and_says_when_more_wait(backend: Backend) {
    let app = server(backend).await;
    push(&app, (1..=25).map(|s| op(DEVICE, s, BRANCH_A)).collect()).await;
    let mut cursor = 0;
    let mut seen = 0;
    loop {
        let (_, page) = send(
            &app.app,
            "/v1/sync/pull",
            Some(&app.token),
            json!({ "cursors": { BRANCH_A: cursor }, "limit": 10 }).to_string(),
        )
        .await;
        let n = page["changes"].as_array().unwrap().len();
        seen += n;
        cursor = page["cursors"][BRANCH_A].as_u64().unwrap();
        if page["more"] == false {
            assert_eq!(n, 5);
            break;
        }
        assert_eq!(n, 10);
    }
    assert_eq!((seen, cursor), (25, 25));
}

async fn health_and_readiness(backend: Backend) {
    let app = server(backend).await;
    for path in ["/v1/health", "/v1/ready"] {
        let res = app.app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
}

async fn every_sync_request_needs_an_enrolled_unrevoked_device(backend: Backend) {
    let code = backend.bootstrap_code().await.unwrap();
    let app = backend.app();
    let body = json!({ "device_id": DEVICE, "ops": [] }).to_string();

    let (s, b) = send(&app, "/v1/sync/push", None, body.clone()).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));
    let (s, _) =
        send(&app, "/v1/sync/pull", Some("made-up"), json!({ "cursors": { BRANCH_A: 0 } }).to_string()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let (s, b) = send(
        &app,
        "/v1/devices/enrol",
        None,
        json!({ "device_id": DEVICE, "code": "AAAA-AAAA" }).to_string(),
    )
    .await;
    assert_eq!((s, b["field"].as_str()), (StatusCode::FORBIDDEN, Some("code")));
    let (_, b) =
        send(&app, "/v1/devices/enrol", None, json!({ "device_id": DEVICE, "code": code }).to_string()).await;
    let token = b["token"].as_str().unwrap().to_owned();
    let (s, _) =
        send(&app, "/v1/devices/enrol", None, json!({ "device_id": OTHER, "code": code }).to_string()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the bootstrap code works once");
    assert!(backend.bootstrap_code().await.is_none(), "no new bootstrap code once a desk is enrolled");

    // An enrolled desk issues a code for the next one.
    let (s, b) = send(&app, "/v1/devices/codes", Some(&token), "{}").await;
    assert_eq!(s, StatusCode::OK);
    let (s, b2) =
        send(&app, "/v1/devices/enrol", None, json!({ "device_id": OTHER, "code": b["code"] }).to_string())
            .await;
    assert_eq!(s, StatusCode::OK, "{b2}");
    let other_token = b2["token"].as_str().unwrap().to_owned();

    // A desk pushes only its own ops.
    let (s, b) = send(&app, "/v1/sync/push", Some(&other_token), body.clone()).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::FORBIDDEN, Some("device_mismatch")));
    let (s, _) = send(&app, "/v1/sync/push", Some(&token), body.clone()).await;
    assert_eq!(s, StatusCode::OK);

    // A revoked desk is refused with a message it can show.
    backend.revoke(DEVICE).await;
    let (s, b) = send(&app, "/v1/sync/push", Some(&token), body).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::FORBIDDEN, Some("device_revoked")));
    assert!(b["message"].as_str().unwrap().contains("unlinked"));
}

async fn a_desk_syncs_only_the_branches_its_code_names(backend: Backend) {
    let app = server(backend).await;
    let for_a = json!({ "scopes": [BRANCH_A] }).to_string();
    let (s, b) = send(&app.app, "/v1/devices/codes", Some(&app.token), for_a).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, e) = send(
        &app.app,
        "/v1/devices/enrol",
        None,
        json!({ "device_id": OTHER, "code": b["code"] }).to_string(),
    )
    .await;
    assert_eq!(e["scopes"], json!([BRANCH_A]));
    let other = e["token"].as_str().unwrap().to_owned();
    let pull_as = |token: String, scope: &'static str| {
        let app = app.app.clone();
        async move {
            send(&app, "/v1/sync/pull", Some(&token), json!({ "cursors": { scope: 0 } }).to_string()).await
        }
    };
    assert_eq!(pull_as(other.clone(), "org").await.0, StatusCode::OK);
    assert_eq!(pull_as(other.clone(), BRANCH_A).await.0, StatusCode::OK);
    let (s, b) = pull_as(other.clone(), BRANCH_B).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::FORBIDDEN, Some("scope_not_allowed")));
    let push_b = json!({ "device_id": OTHER, "ops": [op(OTHER, 1, BRANCH_B)] }).to_string();
    let (s, _) = send(&app.app, "/v1/sync/push", Some(&other), push_b).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "no pushing into another branch");
    // Nobody hands out more than they hold.
    let (s, _) =
        send(&app.app, "/v1/devices/codes", Some(&other), json!({ "scopes": [BRANCH_B] }).to_string()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = send(
        &app.app,
        "/v1/devices/codes",
        Some(&app.token),
        json!({ "scopes": ["branch:nope"] }).to_string(),
    )
    .await;
    assert_eq!((s, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("scopes[0]")));
}

/// Money is never refused after the fact: a receipt whose author holds no
/// grant to collect is stored and a review row is logged beside it in its
/// branch, once however often the push is retried; a permitted
/// collector's receipt is not flagged.
async fn money_without_the_permission_is_kept_and_flagged_once(backend: Backend) {
    const CLERK: &str = "0193a0c2-0000-7000-8000-000000000001";
    const STRANGER: &str = "0193a0c2-0000-7000-8000-000000000002";
    let app = server(backend).await;
    let branch = BRANCH_A.trim_start_matches("branch:");
    let row = |seq: u64, entity: &str, scope: &str, author: Option<&str>, cols: Value| Op {
        entity: entity.into(),
        author_user_id: author.map(str::to_owned),
        columns: whole(entity, &op(DEVICE, seq, scope).entity_id, scope, cols),
        ..op(DEVICE, seq, scope)
    };
    const NOT_YET: &str = "0193a0c2-0000-7000-8000-000000000003";
    let (clerk_key, stranger_key) = (SigningKey::from_bytes(&[1; 32]), SigningKey::from_bytes(&[2; 32]));
    let receipt = |seq: u64, author: &str, key: &SigningKey| {
        let mut op = row(
            seq,
            "receipts",
            BRANCH_A,
            Some(author),
            json!({ "branch_id": branch, "amount_minor": 150_000, "number": format!("A/1/{seq}") }),
        );
        op.signature = Some(signing::sign(key, DEVICE, &op));
        op
    };
    // Accounts as the first upload brings them: one that has not signed in
    // since the update keeps the organisation moving over.
    let account = |seq: u64, id: &str, key: Option<&SigningKey>| {
        let mut op = row(seq, "users", "org", None, json!({ "id": id }));
        op.entity_id = id.into();
        if let Some(k) = key {
            op.columns.insert("public_key".into(), json!(signing::public_hex(k)));
        }
        op
    };
    let ops = vec![
        row(1, "roles", "org", None, json!({ "name": "BACKOFFICE", "permissions": ["collect:payment"] })),
        account(2, CLERK, Some(&clerk_key)),
        account(3, STRANGER, Some(&stranger_key)),
        account(4, NOT_YET, None),
        row(
            5,
            "role_grants",
            "org",
            None,
            json!({ "user_id": CLERK, "role_id": "0193a0c1-0000-7000-8000-000000000001", "branch_id": branch }),
        ),
        receipt(6, CLERK, &clerk_key),
        receipt(7, STRANGER, &stranger_key),
    ];
    let (s, body) = push(&app, ops.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["rejected"], json!([]), "money is never refused");
    assert_eq!(push(&app, ops).await.0, StatusCode::OK, "a retry");
    let (_, page) = pull(&app, json!({ BRANCH_A: 0 })).await;
    let entities: Vec<&str> =
        page["changes"].as_array().unwrap().iter().map(|c| c["op"]["entity"].as_str().unwrap()).collect();
    assert_eq!(entities, ["receipts", "receipts", "money_reviews"], "{page}");
    let review = &page["changes"][2]["op"]["columns"];
    assert_eq!(review["entity_id"], ops_entity_id(7));
    assert_eq!(review["author_user_id"], STRANGER);
    assert_eq!(review["branch_id"], branch);
}

/// A wait answers at once when a scope has changes after the cursor, after
/// its timeout with none, as soon as a push lands while it waits, and
/// refuses a timeout over 30 s naming the field.
async fn a_wait_answers_when_changes_arrive(backend: Backend) {
    let app = server(backend).await;
    let body = |cursor: u64, timeout_ms: u64| {
        json!({ "cursors": { BRANCH_A: cursor }, "timeout_ms": timeout_ms }).to_string()
    };
    let (s, b) = send(&app.app, "/v1/sync/wait", Some(&app.token), body(0, 50)).await;
    assert_eq!(
        (s, b["changed"].clone()),
        (StatusCode::OK, json!([])),
        "nothing yet: answered after the timeout"
    );
    assert_eq!(push(&app, vec![op(DEVICE, 1, BRANCH_A)]).await.0, StatusCode::OK);
    let (_, b) = send(&app.app, "/v1/sync/wait", Some(&app.token), body(0, 10_000)).await;
    assert_eq!(b["changed"], json!([BRANCH_A]), "answered at once");
    // Waiting at the head, a push from elsewhere wakes it.
    let waiting = {
        let (router, token) = (app.app.clone(), app.token.clone());
        tokio::spawn(async move { send(&router, "/v1/sync/wait", Some(&token), body(1, 20_000)).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(push(&app, vec![op(DEVICE, 2, BRANCH_A)]).await.0, StatusCode::OK);
    let (_, b) = waiting.await.unwrap();
    assert_eq!(b["changed"], json!([BRANCH_A]));
    let (s, b) = send(&app.app, "/v1/sync/wait", Some(&app.token), body(0, 60_000)).await;
    assert_eq!((s, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("timeout_ms")));
    let (s, _) = send(&app.app, "/v1/sync/wait", None, body(0, 10)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn send_raw(app: &Router, path: &str, token: Option<&str>, body: String) -> (StatusCode, Vec<u8>) {
    let mut req = Request::post(path).header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let res = app.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let status = res.status();
    (status, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// A scope's snapshot holds each row its log touched, merged by clock (a
/// later-arriving older edit does not win), with the scope's cursor and
/// chain and a checksum the desk verifies; another scope's rows stay out.
async fn a_snapshot_holds_each_row_of_its_scope_merged_by_clock(backend: Backend) {
    let app = server(backend).await;
    let mut newer = op(DEVICE, 3, BRANCH_A);
    newer.entity_id = ops_entity_id(1);
    newer.kind = "update".into();
    newer.columns = json!({ "name": "Newer" }).as_object().unwrap().clone();
    newer.hlc = format!("{:012x}0000-{DEVICE}", 1_700_000_000_100u64);
    let mut older = newer.clone();
    older.seq = 4;
    older.op_id = op(DEVICE, 4, BRANCH_A).op_id;
    older.columns = json!({ "name": "Older", "capacity": 40 }).as_object().unwrap().clone();
    older.hlc = format!("{:012x}0000-{DEVICE}", 1_700_000_000_050u64);
    let (s, b) =
        push(&app, vec![op(DEVICE, 1, BRANCH_A), op(DEVICE, 2, BRANCH_B), newer.clone(), older.clone()])
            .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, page) = pull(&app, json!({ BRANCH_A: 0 })).await;

    let request = json!({ "scope": BRANCH_A }).to_string();
    let (s, bytes) = send_raw(&app.app, "/v1/sync/snapshot", Some(&app.token), request).await;
    assert_eq!(s, StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.sqlite");
    let mut damaged = bytes.clone();
    damaged[100] ^= 1;
    assert!(branchdesk_api::sync::snapshot_file(&damaged).is_none(), "a damaged file fails its checksum");
    assert!(branchdesk_api::sync::snapshot_file(&bytes[..bytes.len() - 1]).is_none());
    std::fs::write(&file, branchdesk_api::sync::snapshot_file(&bytes).expect("its checksum holds")).unwrap();
    // A desk refuses a damaged snapshot or one of another scope, and keeps
    // what it had (the file is let go each time: the second refusal says why).
    let desk =
        branchdesk_desk::Desk::open(branchdesk_desk::DeskConfig::new(dir.path().join("desk"))).unwrap();
    let before = desk.sync_cursors().unwrap();
    let err = desk.receive_snapshot(BRANCH_A, &damaged, |_, _| {}).unwrap_err().to_string();
    assert!(err.contains("checksum"), "{err}");
    for _ in 0..2 {
        let err = desk.receive_snapshot(BRANCH_B, &bytes, |_, _| {}).unwrap_err().to_string();
        assert!(err.contains(&format!("it is of {BRANCH_A}")), "{err}");
    }
    assert_eq!(desk.sync_cursors().unwrap(), before);
    let head = branchdesk_desk::sync::snapshot::check(&file, BRANCH_A).unwrap();
    assert_eq!((head.cursor, head.rows, head.device_acked), (3, 1, 4));
    assert_eq!(Some(head.chain.as_str()), page["chains"][BRANCH_A].as_str(), "the chain a pull reaches");
    assert_eq!(head.max_hlc, newer.hlc);
    let conn = rusqlite::Connection::open(&file).unwrap();
    let (entity, id, data, clocks): (String, String, String, String) = conn
        .query_row("SELECT entity, entity_id, data, clocks FROM rows", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    assert_eq!((entity.as_str(), id), ("rooms", ops_entity_id(1)));
    let data: Value = serde_json::from_str(&data).unwrap();
    let clocks: Value = serde_json::from_str(&clocks).unwrap();
    assert_eq!((data["name"].as_str(), data["capacity"].as_i64()), (Some("Newer"), Some(40)), "{data}");
    // A column's clock is its own entry, or the row's common one ("*").
    let clock = |c: &str| clocks.get(c).or(clocks.get("*")).and_then(Value::as_str);
    assert_eq!(clock("name"), Some(newer.hlc.as_str()));
    assert_eq!(clock("capacity"), Some(older.hlc.as_str()));
    assert!(branchdesk_desk::sync::snapshot::check(&file, BRANCH_B).is_err(), "not the scope asked for");
    conn.execute("DELETE FROM rows", []).unwrap();
    assert!(branchdesk_desk::sync::snapshot::check(&file, BRANCH_A).is_err(), "rows missing from the file");

    // A scope with no changes yet: an empty snapshot at cursor 0.
    let (s, bytes) =
        send_raw(&app.app, "/v1/sync/snapshot", Some(&app.token), json!({ "scope": "org" }).to_string())
            .await;
    assert_eq!(s, StatusCode::OK);
    std::fs::write(dir.path().join("org.sqlite"), branchdesk_api::sync::snapshot_file(&bytes).unwrap())
        .unwrap();
    let head = branchdesk_desk::sync::snapshot::check(&dir.path().join("org.sqlite"), "org").unwrap();
    assert_eq!((head.cursor, head.rows), (0, 0));

    // Bad requests.
    let (s, b) = send(&app.app, "/v1/sync/snapshot", None, json!({ "scope": BRANCH_A }).to_string()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    let (s, b) =
        send(&app.app, "/v1/sync/snapshot", Some(&app.token), json!({ "scope": "branch:nope" }).to_string())
            .await;
    assert_eq!((s, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("scope")));
    let (s, b) =
        send(&app.app, "/v1/sync/snapshot", Some(&app.token), json!({ "scope": 7 }).to_string()).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("wrong_shape")));
    let for_a = json!({ "scopes": [BRANCH_A] }).to_string();
    let (_, code) = send(&app.app, "/v1/devices/codes", Some(&app.token), for_a).await;
    let enrol = json!({ "device_id": OTHER, "code": code["code"] }).to_string();
    let (_, e) = send(&app.app, "/v1/devices/enrol", None, enrol).await;
    let other = e["token"].as_str().unwrap();
    let (s, b) =
        send(&app.app, "/v1/sync/snapshot", Some(other), json!({ "scope": BRANCH_B }).to_string()).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::FORBIDDEN, Some("scope_not_allowed")));
}

/// Changes older than the kept window leave the log: a desk whose cursor is
/// behind them is told to download the scope again (410, naming the
/// scope); a desk past them goes on, and the snapshot still holds every row.
async fn a_cursor_behind_the_kept_log_must_download_the_scope_again(backend: Backend) {
    let app = server(backend).await;
    let (s, b) =
        push(&app, vec![op(DEVICE, 1, BRANCH_A), op(DEVICE, 2, BRANCH_A), op(DEVICE, 3, BRANCH_B)]).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, page) = pull(&app, json!({ BRANCH_A: 0 })).await;
    let chain = page["chains"][BRANCH_A].clone();
    assert_eq!(
        app.backend.compact(chrono::Utc::now() - chrono::Duration::days(1)).await,
        0,
        "nothing that old"
    );
    assert_eq!(app.backend.compact(chrono::Utc::now() + chrono::Duration::seconds(1)).await, 3);
    let (s, b) = pull(&app, json!({ BRANCH_A: 1 })).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::GONE, Some("resync_required")), "{b}");
    assert_eq!(b["field"].as_str(), Some(format!("cursors.{BRANCH_A}").as_str()));
    let (s, b) = pull(&app, json!({ BRANCH_A: 0, BRANCH_B: 1 })).await;
    assert_eq!(s, StatusCode::GONE, "a new desk must take a snapshot too: {b}");
    let (s, b) = pull(&app, json!({ BRANCH_A: 2 })).await;
    assert_eq!((s, b["changes"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{b}");
    let (s, _) = push(&app, vec![op(DEVICE, 4, BRANCH_A)]).await;
    assert_eq!(s, StatusCode::OK);
    let (_, b) = pull(&app, json!({ BRANCH_A: 2 })).await;
    assert_eq!(b["changes"][0]["scope_seq"], 3, "numbers go on after the horizon: {b}");
    let expected = branchdesk_api::sync::chain_step(chain.as_str().unwrap(), &op(DEVICE, 4, BRANCH_A).op_id);
    assert_eq!(b["chains"][BRANCH_A].as_str(), Some(expected.as_str()), "and so does the chain");
    let request = json!({ "scope": BRANCH_A }).to_string();
    let (_, bytes) = send_raw(&app.app, "/v1/sync/snapshot", Some(&app.token), request).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.sqlite"), branchdesk_api::sync::snapshot_file(&bytes).unwrap())
        .unwrap();
    let head = branchdesk_desk::sync::snapshot::check(&dir.path().join("s.sqlite"), BRANCH_A).unwrap();
    assert_eq!((head.rows, head.cursor), (3, 3), "rows of dropped changes stay in the snapshot");
    // Later compactions drop only what aged since (from each horizon on).
    assert_eq!(app.backend.compact(chrono::Utc::now() - chrono::Duration::days(1)).await, 0);
    assert_eq!(app.backend.compact(chrono::Utc::now() + chrono::Duration::seconds(1)).await, 1);
    let (s, b) = pull(&app, json!({ BRANCH_A: 2 })).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::GONE, Some("resync_required")));
    let (s, _) = pull(&app, json!({ BRANCH_A: 3 })).await;
    assert_eq!(s, StatusCode::OK);
}

/// A fault underneath (the change log's table gone from the server's
/// file) answers 500 with a fixed sentence and an error id; the SQLite
/// message stays in the server's log. The answer is built above the store,
/// so the embedded store stands for both.
#[tokio::test]
async fn an_internal_failure_answers_500_with_an_error_id_and_no_detail() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.sqlite");
    let app = server(Backend::Sqlite(SqliteStore::open(&file).unwrap(), dir)).await;
    rusqlite::Connection::open(&file).unwrap().execute_batch("DROP TABLE change_log").unwrap();
    let (s, b) = push(&app, vec![op(DEVICE, 1, BRANCH_A)]).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::INTERNAL_SERVER_ERROR, Some("internal")), "{b}");
    let e: branchdesk_api::sync::ServerError = serde_json::from_value(b.clone()).unwrap();
    assert_eq!(e.code, branchdesk_api::sync::ServerErrorCode::Internal);
    let id = e.error_id().expect("the message names the error id");
    assert!(id.len() == 8 && id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    assert!(e.message.contains(&format!("(error {id})")), "{b}");
    for detail in ["change_log", "table", "SQL", "sqlite"] {
        assert!(!b.to_string().contains(detail), "{detail} sent to the desk: {b}");
    }
    assert_eq!((e.field, e.next_seq, e.reused_seq), (None, None, None));
}

/// Every op is checked against the table catalogue before it is stored: a
/// bad one is refused on its own, naming the column, kept off the log, and
/// the ops behind it go on. Money is no exception to being well formed.
async fn a_malformed_op_is_refused_naming_its_column_and_the_rest_are_stored(backend: Backend) {
    let app = server(backend).await;
    let room = |seq: u64, cols: Value| {
        let mut o = op(DEVICE, seq, BRANCH_A);
        o.columns.extend(cols.as_object().unwrap().clone());
        o
    };
    let of = |seq: u64, entity: &str, cols: Value| {
        let base = op(DEVICE, seq, BRANCH_A);
        Op { entity: entity.into(), columns: whole(entity, &base.entity_id, BRANCH_A, cols), ..base }
    };
    let mut missing = op(DEVICE, 10, BRANCH_A);
    missing.columns.remove("created_at");
    let mut wrong_id = op(DEVICE, 13, BRANCH_A);
    wrong_id.columns.insert("id".into(), json!("0193a0c1-0000-7000-8000-0000000000aa"));
    let mut org_room = op(DEVICE, 14, "org");
    org_room.columns.insert("branch_id".into(), json!(BRANCH_A.trim_start_matches("branch:")));
    let mut newer = room(15, json!({ "colour": "teal" }));
    newer.schema_version = DESK_SCHEMA_VERSION + 1;
    let refused: Vec<(Op, &str)> = vec![
        (room(2, json!({ "colour": "teal" })), "rooms.colour"),
        (room(3, json!({ "capacity": "30" })), "rooms.capacity"),
        (room(4, json!({ "name": null })), "rooms.name"),
        (room(5, json!({ "name": "x".repeat(1_001) })), "rooms.name"),
        (of(6, "receipts", json!({ "method": "BITCOIN" })), "receipts.method"),
        (room(7, json!({ "branch_id": "not-a-uuid" })), "rooms.branch_id"),
        (of(8, "events", json!({ "start_date": "2026-13-01" })), "events.start_date"),
        (room(9, json!({ "created_at": "yesterday" })), "rooms.created_at"),
        (missing, "rooms.created_at"),
        (of(11, "receipts", json!({ "student_id": "42" })), "receipts.student_id"),
        (of(12, "receipts", json!({ "amount_minor": 0 })), "receipts.amount_minor"),
        (wrong_id, "rooms.id"),
        (org_room, "rooms"),
    ];
    let mut ops = vec![op(DEVICE, 1, BRANCH_A)];
    ops.extend(refused.iter().map(|(o, _)| o.clone()));
    ops.push(newer);
    ops.push(op(DEVICE, 16, BRANCH_A));
    let (s, body) = push(&app, ops).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["acked_through"], 16, "refused ops are stored as refused and acknowledged");
    let rejected = body["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), refused.len(), "{body}");
    for ((o, column), r) in refused.iter().zip(rejected) {
        assert_eq!(r["seq"], o.seq);
        let reason = r["reason"].as_str().unwrap();
        assert!(reason.starts_with(column), "op {} is refused naming {column}: {reason}", o.seq);
    }
    let (_, page) = pull(&app, json!({ BRANCH_A: 0, "org": 0 })).await;
    let stored: Vec<u64> =
        page["changes"].as_array().unwrap().iter().map(|c| c["op"]["seq"].as_u64().unwrap()).collect();
    assert_eq!(stored, vec![1, 15, 16], "only the good ops reach the log, the ones after the bad still do");
    let kept = &page["changes"][1]["op"]["columns"];
    assert_eq!(kept["colour"], "teal", "a desk one schema newer keeps its new column");
    // Two schemas ahead is still refused as a whole.
    let mut far = op(DEVICE, 17, BRANCH_A);
    far.schema_version = DESK_SCHEMA_VERSION + 2;
    let (s, b) = push(&app, vec![far]).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::CONFLICT, Some("schema_version")));
}

fn ops_entity_id(seq: u64) -> String {
    op(DEVICE, seq, BRANCH_A).entity_id
}

/// An enrolment request from a client address, answered with its headers.
async fn enrol_from(
    app: &Router,
    from: &str,
    token: Option<&str>,
    device: &str,
    code: &Value,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let mut req = Request::post("/v1/devices/enrol").header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let mut req = req.body(Body::from(json!({ "device_id": device, "code": code }).to_string())).unwrap();
    let addr: std::net::SocketAddr = format!("{from}:40000").parse().unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(ClientAddr(addr)));
    let res = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn issue(app: &Router, token: &str) -> Value {
    let (s, b) = send(app, "/v1/devices/codes", Some(token), "{}").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["code"].clone()
}

/// A bootstrap code expires like an issued one, and is refused once a
/// desk is linked; a fresh one can be made while none is.
async fn a_bootstrap_code_expires_and_is_refused_once_a_desk_is_linked(backend: Backend) {
    let app = backend.app();
    let old = backend.bootstrap_code().await.unwrap();
    backend
        .sql("UPDATE enrolment_codes SET created_at = created_at, expires_at = '2020-01-01T00:00:00+00:00' WHERE kind = 'bootstrap'")
        .await;
    let (s, b) =
        send(&app, "/v1/devices/enrol", None, json!({ "device_id": DEVICE, "code": old }).to_string()).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::FORBIDDEN, Some("bad_code")), "{b}");
    assert!(backend.devices().await.is_empty(), "nothing stored");

    // What `branchdesk-server new-bootstrap-code` does: a fresh code, the
    // earlier one dead.
    let fresh = backend.bootstrap_code().await.unwrap();
    let (s, b) =
        send(&app, "/v1/devices/enrol", None, json!({ "device_id": DEVICE, "code": fresh }).to_string())
            .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let token = b["token"].as_str().unwrap().to_owned();
    assert!(backend.bootstrap_code().await.is_none(), "no bootstrap code while a desk is linked");

    // A bootstrap code left over (made while no desk was linked) no longer
    // works once one is.
    let leftover = "ABCD-EFGH-JKLM-NPQR";
    let hash = branchdesk_server::store::digest(&branchdesk_server::store::normalise_code(leftover));
    backend
        .sql(&format!(
            "INSERT INTO enrolment_codes (code_hash, kind, created_at, expires_at)
             VALUES ('{hash}', 'bootstrap', '2026-01-01T00:00:00+00:00', '2999-01-01T00:00:00+00:00')"
        ))
        .await;
    let (s, b) =
        send(&app, "/v1/devices/enrol", None, json!({ "device_id": OTHER, "code": leftover }).to_string())
            .await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::FORBIDDEN, Some("bad_code")), "{b}");
    assert_eq!(backend.devices().await.len(), 1);
    // The linked desk goes on.
    let (s, _) = send(
        &app,
        "/v1/sync/push",
        Some(&token),
        json!({ "device_id": DEVICE, "ops": [op(DEVICE, 1, BRANCH_A)] }).to_string(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
}

/// A code cannot take over a live desk's identity; a desk linking again
/// with its own token keeps its id; revoking a desk voids its unused
/// codes; a revoked desk's id links again only with a code made after.
async fn codes_die_with_their_desk_and_a_live_desks_id_cannot_be_taken(backend: Backend) {
    const THIRD: &str = "0193a0c0-0000-7000-8000-0000000000d3";
    let srv = server(backend).await;
    let app = &srv.app;
    let c1 = issue(app, &srv.token).await;
    let (s, b) =
        send(app, "/v1/devices/enrol", None, json!({ "device_id": OTHER, "code": c1 }).to_string()).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let other_token = b["token"].as_str().unwrap().to_owned();
    let other_no = b["desk_no"].clone();

    // Taking DEVICE's identity with a valid code: refused, code kept.
    let c2 = issue(app, &other_token).await;
    let (s, b) =
        send(app, "/v1/devices/enrol", None, json!({ "device_id": DEVICE, "code": c2 }).to_string()).await;
    assert_eq!(
        (s, b["code"].as_str(), b["field"].as_str()),
        (StatusCode::CONFLICT, Some("device_in_use"), Some("device_id")),
        "{b}"
    );
    let (s, b) = send(
        app,
        "/v1/devices/enrol",
        Some(&other_token),
        json!({ "device_id": DEVICE, "code": c2 }).to_string(),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "another desk's token does not help: {b}");
    let (s, _) = push(&srv, vec![op(DEVICE, 1, BRANCH_A)]).await;
    assert_eq!(s, StatusCode::OK, "DEVICE's token still works");

    // DEVICE links again with its own token (to follow more branches).
    let c3 = issue(app, &other_token).await;
    let (s, b) = send(
        app,
        "/v1/devices/enrol",
        Some(&srv.token),
        json!({ "device_id": DEVICE, "code": c3 }).to_string(),
    )
    .await;
    assert_eq!((s, b["desk_no"].as_u64()), (StatusCode::OK, Some(1)), "{b}");
    let device_token = b["token"].as_str().unwrap().to_owned();

    // OTHER is revoked: c2, which it issued and nobody used, dies with it.
    let early = issue(app, &device_token).await;
    srv.backend.revoke(OTHER).await;
    let (s, b) =
        send(app, "/v1/devices/enrol", None, json!({ "device_id": THIRD, "code": c2 }).to_string()).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::FORBIDDEN, Some("bad_code")), "{b}");
    // Its id links again only with a code made after the revocation.
    let (s, b) =
        send(app, "/v1/devices/enrol", None, json!({ "device_id": OTHER, "code": early }).to_string()).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::FORBIDDEN, Some("bad_code")), "{b}");
    let (s, b) =
        send(app, "/v1/devices/enrol", None, json!({ "device_id": THIRD, "code": early }).to_string()).await;
    assert_eq!(s, StatusCode::OK, "the refused attempt left the code unused: {b}");
    let late = issue(app, &device_token).await;
    let (s, b) =
        send(app, "/v1/devices/enrol", None, json!({ "device_id": OTHER, "code": late }).to_string()).await;
    assert_eq!((s, &b["desk_no"]), (StatusCode::OK, &other_no), "{b}");
    assert_eq!(srv.backend.devices().await.len(), 3);
}

/// Link attempts are limited per address and in total, answered 429 with
/// Retry-After; a refused attempt does not use its code, and other
/// requests go on.
async fn link_attempts_are_rate_limited_per_address_and_in_total(backend: Backend) {
    let guard = Arc::new(Guard::new(Limits {
        enrol_per_address: Rate { burst: 3, every: Duration::from_secs(120) },
        enrol_total: Rate { burst: 6, every: Duration::from_secs(60) },
        ..Limits::default()
    }));
    let code = json!(backend.bootstrap_code().await.unwrap());
    let app = backend.app_guarded(guard);
    let wrong = json!("AAAA-AAAA-AAAA-AAAA");
    for _ in 0..3 {
        let (s, _, _) = enrol_from(&app, "10.0.0.1", None, DEVICE, &wrong).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
    let (s, h, b) = enrol_from(&app, "10.0.0.1", None, DEVICE, &code).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")), "{b}");
    let after: u64 = h["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=120).contains(&after), "{after}");
    assert_eq!(b["retry_after_s"].as_u64(), Some(after));
    assert!(backend.devices().await.is_empty(), "nothing stored");

    // Another address goes on, with the very code refused above.
    let (s, _, b) = enrol_from(&app, "10.0.0.2", None, DEVICE, &code).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let token = b["token"].as_str().unwrap().to_owned();
    let (s, _, _) = enrol_from(&app, "10.0.0.3", None, OTHER, &wrong).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = enrol_from(&app, "10.0.0.4", None, OTHER, &wrong).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Six attempts in all: the total is spent for everyone.
    let (s, h, _) = enrol_from(&app, "10.0.0.5", None, OTHER, &wrong).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(h.contains_key("retry-after"));
    // Sync goes on.
    let (s, _) =
        send(&app, "/v1/sync/pull", Some(&token), json!({ "cursors": { "org": 0 } }).to_string()).await;
    assert_eq!(s, StatusCode::OK);
}

/// Pages stop before a byte limit (never empty); a request names at most
/// 200 scopes; the general timeout spares the wait and the snapshot; a
/// snapshot waits its turn and is answered 503 busy when none comes.
async fn pulls_are_bounded_and_slow_or_crowded_requests_refused(backend: Backend) {
    let srv = server(backend).await;
    let (s, _) = push(&srv, (1..=6).map(|i| op(DEVICE, i, BRANCH_A)).collect()).await;
    assert_eq!(s, StatusCode::OK);
    let one = serde_json::to_string(&op(DEVICE, 1, BRANCH_A)).unwrap().len();
    let guard = |limits: Limits| Arc::new(Guard::new(limits));
    let small = srv.backend.app_guarded(guard(Limits { page_bytes: one * 5 / 2, ..Limits::default() }));
    let (s, b) =
        send(&small, "/v1/sync/pull", Some(&srv.token), json!({ "cursors": { BRANCH_A: 0 } }).to_string())
            .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!((b["changes"].as_array().unwrap().len(), &b["more"]), (2, &json!(true)), "{b}");
    assert_eq!(b["cursors"][BRANCH_A], 2);
    let tiny = srv.backend.app_guarded(guard(Limits { page_bytes: 1, ..Limits::default() }));
    let (_, b) = send(
        &tiny,
        "/v1/sync/pull",
        Some(&srv.token),
        json!({ "cursors": { BRANCH_A: 5, "org": 0 } }).to_string(),
    )
    .await;
    assert_eq!(b["changes"].as_array().unwrap().len(), 1, "always one change: {b}");

    let many: serde_json::Map<String, Value> =
        (0..201).map(|i| (format!("branch:0193a0c0-0000-7000-8000-{i:012}"), json!(0))).collect();
    for (path, extra) in [("/v1/sync/pull", "limit"), ("/v1/sync/wait", "timeout_ms")] {
        let (s, b) =
            send(&srv.app, path, Some(&srv.token), json!({ "cursors": many, extra: 0 }).to_string()).await;
        assert_eq!(
            (s, b["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("cursors")),
            "{path}: {b}"
        );
    }

    // Every request turn taken: an ordinary request waits out its time and
    // is answered 503; the wait and the snapshot are outside the cap and
    // the general timeout.
    let full = guard(Limits {
        concurrent_requests: 2,
        request_timeout: Duration::from_millis(100),
        ..Limits::default()
    });
    let hurried = srv.backend.app_guarded(full.clone());
    let turns = full.requests.clone().try_acquire_many_owned(2).unwrap();
    let (s, b) =
        send(&hurried, "/v1/sync/pull", Some(&srv.token), json!({ "cursors": { BRANCH_A: 0 } }).to_string())
            .await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("timed_out")), "{b}");
    let (s, b) = send(
        &hurried,
        "/v1/sync/wait",
        Some(&srv.token),
        json!({ "cursors": { BRANCH_A: 6 }, "timeout_ms": 300 }).to_string(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, _) =
        send_raw(&hurried, "/v1/sync/snapshot", Some(&srv.token), json!({ "scope": BRANCH_A }).to_string())
            .await;
    assert_eq!(s, StatusCode::OK);
    drop(turns);
    let (s, _) =
        send(&hurried, "/v1/sync/pull", Some(&srv.token), json!({ "cursors": { BRANCH_A: 0 } }).to_string())
            .await;
    assert_eq!(s, StatusCode::OK, "served once a turn is free");

    // Every snapshot turn taken: the next waits its queue time, then 503.
    let crowded = guard(Limits {
        concurrent_snapshots: 1,
        snapshot_queue: Duration::from_millis(50),
        ..Limits::default()
    });
    let app = srv.backend.app_guarded(crowded.clone());
    let held = crowded.snapshots.clone().try_acquire_owned().unwrap();
    let req = Request::post("/v1/sync/snapshot")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {}", srv.token))
        .body(Body::from(json!({ "scope": BRANCH_A }).to_string()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.headers().contains_key("retry-after"));
    let b: Value = serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(b["code"], "busy");
    let (s, _) = pull(&srv, json!({ BRANCH_A: 0 })).await;
    assert_eq!(s, StatusCode::OK, "other requests go on meanwhile");
    drop(held);
    let (s, _) =
        send_raw(&app, "/v1/sync/snapshot", Some(&srv.token), json!({ "scope": BRANCH_A }).to_string()).await;
    assert_eq!(s, StatusCode::OK);
}

/// Behind a proxy (every connection from its address) the limit goes by
/// the address the proxy appended to X-Forwarded-For, and only then.
#[tokio::test]
async fn behind_a_proxy_the_link_limit_goes_by_the_forwarded_address() {
    let backend = sqlite();
    let limits = |trust| Limits {
        enrol_per_address: Rate { burst: 1, every: Duration::from_secs(600) },
        trust_forwarded: trust,
        ..Limits::default()
    };
    let attempt = |app: Router, forwarded: &'static str| async move {
        let mut req = Request::post("/v1/devices/enrol")
            .header("content-type", "application/json")
            .header("x-forwarded-for", forwarded)
            .body(Body::from(json!({ "device_id": DEVICE, "code": "AAAA-AAAA" }).to_string()))
            .unwrap();
        let proxy: std::net::SocketAddr = "10.9.9.9:5000".parse().unwrap();
        req.extensions_mut().insert(axum::extract::ConnectInfo(ClientAddr(proxy)));
        app.oneshot(req).await.unwrap().status()
    };
    let proxied = backend.app_guarded(Arc::new(Guard::new(limits(true))));
    assert_eq!(attempt(proxied.clone(), "203.0.113.7, 198.51.100.1").await, StatusCode::FORBIDDEN);
    assert_eq!(attempt(proxied.clone(), "203.0.113.7, 198.51.100.2").await, StatusCode::FORBIDDEN);
    assert_eq!(attempt(proxied, "203.0.113.8, 198.51.100.2").await, StatusCode::TOO_MANY_REQUESTS);
    let direct = backend.app_guarded(Arc::new(Guard::new(limits(false))));
    assert_eq!(attempt(direct.clone(), "198.51.100.1").await, StatusCode::FORBIDDEN);
    assert_eq!(
        attempt(direct, "198.51.100.2").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a forged header is ignored"
    );
}

/// Sends `bytes` as a file to `/v1/blobs/put/{sha}`.
async fn put_file(app: &Router, token: Option<&str>, sha: &str, bytes: &[u8]) -> (StatusCode, Value) {
    send(app, &format!("/v1/blobs/put/{sha}"), token, bytes.to_vec()).await
}

fn sha_of(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes).as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// An attached file goes up before its row, under its SHA-256 (checked),
/// and a row naming a file the server lacks is refused on its own; the
/// file comes down only to a desk syncing the row's branch.
async fn files_go_up_before_their_rows_and_come_down_to_desks_of_their_branch(backend: Backend) {
    let app = server(backend).await;
    let pdf = b"%PDF-1.7 bill";
    let sha = sha_of(pdf);
    let (s, b) = put_file(&app.app, Some(&app.token), &sha_of(b"other"), pdf).await;
    assert_eq!((s, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("sha256")), "{b}");
    let (s, b) = put_file(&app.app, Some(&app.token), "..%2F..%2Fetc", pdf).await;
    assert_eq!((s, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("sha256")), "{b}");
    let (s, _) = put_file(&app.app, Some(&app.token), &sha_of(b""), b"").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "an empty file");
    let (s, _) = put_file(&app.app, None, &sha, pdf).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let attachment = "0193a0c1-0000-7000-8000-00000000a001";
    let file_row = |seq: u64| Op {
        entity: "attachments".into(),
        entity_id: attachment.into(),
        columns: whole(
            "attachments",
            attachment,
            BRANCH_A,
            json!({ "owner_table": "expenses", "sha256": sha, "size_bytes": pdf.len(), "file_name": "bill.pdf" }),
        ),
        ..op(DEVICE, seq, BRANCH_A)
    };
    let (s, b) = push(&app, vec![file_row(1)]).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let reason = b["rejected"][0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("holds no file"), "refused before its file came: {b}");
    let (s, b) = put_file(&app.app, Some(&app.token), &sha, pdf).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, _) = put_file(&app.app, Some(&app.token), &sha, pdf).await;
    assert_eq!(s, StatusCode::OK, "the same file again is a no-op");
    let mut again = file_row(2);
    again.op_id = "0193a0c0-0000-7000-8000-00000000a002".into();
    let (s, b) = push(&app, vec![again]).await;
    assert_eq!((s, b["rejected"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{b}");

    let ask = |id: &str| json!({ "attachment_id": id }).to_string();
    let (s, bytes) = send_raw(&app.app, "/v1/blobs/get", Some(&app.token), ask(attachment)).await;
    assert_eq!((s, bytes.as_slice()), (StatusCode::OK, &pdf[..]));
    let (s, b) =
        send(&app.app, "/v1/blobs/get", Some(&app.token), ask("0193a0c1-0000-7000-8000-00000000ffff")).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (s, _) = send_raw(&app.app, "/v1/blobs/get", None, ask(attachment)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // A desk enrolled for branch B only does not get branch A's file.
    let (_, code) =
        send(&app.app, "/v1/devices/codes", Some(&app.token), json!({ "scopes": [BRANCH_B] }).to_string())
            .await;
    let (_, e) = send(
        &app.app,
        "/v1/devices/enrol",
        None,
        json!({ "device_id": OTHER, "code": code["code"] }).to_string(),
    )
    .await;
    let other = e["token"].as_str().unwrap().to_owned();
    let (s, b) = send(&app.app, "/v1/blobs/get", Some(&other), ask(attachment)).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::FORBIDDEN, Some("scope_not_allowed")));
}

/// A message approved on a desk is sent by the server once, whichever desk
/// approves it and however often; what became of it comes back to the
/// branch's desks as the server's own change; a refused address fails with
/// the mail server's reason and goes again once corrected; a busy server
/// is tried again later, not at once.
async fn an_approved_message_is_sent_once_and_its_outcome_comes_back(backend: Backend) {
    use branchdesk_server::sender::Round;
    let mail = branchdesk_channels::test_server::MailServer::start(Default::default());
    let app = server(backend).await;
    let mut seq = 0;
    let mut message = |id: &str, cols: Value| {
        seq += 1;
        let insert = cols.get("body").is_some();
        Op {
            entity: "notifications".into(),
            entity_id: id.into(),
            kind: if insert { "insert" } else { "update" }.into(),
            columns: if insert {
                let mut row = whole("notifications", id, BRANCH_A, cols);
                row.insert("student_id".into(), Value::Null);
                row.insert("reviewed_by".into(), Value::Null);
                row
            } else {
                cols.as_object().unwrap().clone()
            },
            ..op(DEVICE, seq, BRANCH_A)
        }
    };
    let draft = |to: &str| {
        json!({ "state": "DRAFT", "kind": "ABSENCE", "channel": "EMAIL", "recipient": to,
                "recipient_name": "Sunita Sharma", "body": "Aarav Sharma was absent from Maths X today." })
    };
    let alert = "0193a0c1-0000-7000-8000-00000000a1e1";
    let ops =
        vec![message(alert, draft("sunita@example.com")), message(alert, json!({ "state": "APPROVED" }))];
    let (s, body) = push(&app, ops).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(app.backend.send_round().await, Round::default(), "no mail server set: nothing leaves");

    app.backend.set_email(mail.port).await;
    assert_eq!(app.backend.send_round().await, Round { sent: 1, retry: 0, failed: 0 });
    let got = mail.wait_for(1, Duration::from_secs(5));
    assert!(got[0].contains("To: Sunita Sharma <sunita@example.com>"), "{}", got[0]);
    assert!(got[0].contains("Aarav Sharma was absent from Maths X today."), "{}", got[0]);
    assert_eq!(app.backend.send_round().await, Round::default(), "sent once");

    let last = |page: &Value| page["changes"].as_array().unwrap().last().cloned().unwrap();
    let (_, page) = pull(&app, json!({ BRANCH_A: 0 })).await;
    let outcome = last(&page);
    assert_eq!(
        (outcome["device_id"].as_str(), outcome["op"]["signature"].as_str()),
        (Some("server"), Some("server"))
    );
    assert_eq!(outcome["op"]["entity_id"], alert);
    assert_eq!(outcome["op"]["columns"]["state"], "SENT");
    assert!(outcome["op"]["columns"]["sent_at"].is_string());

    // A second desk's approval of the same alert arrives late. Stamped
    // before the send, it loses the merge and nothing more is needed …
    let (s, _) = push(&app, vec![message(alert, json!({ "state": "APPROVED", "reviewed_by": null }))]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.backend.send_round().await, Round::default());
    let (_, again) = pull(&app, json!({ BRANCH_A: page["cursors"][BRANCH_A] })).await;
    assert_eq!(again["changes"].as_array().unwrap().len(), 1, "only the approval: {again}");
    // … stamped after it (that desk's clock runs ahead), it would win, so
    // the server says again that the alert was sent, with a later stamp.
    let ahead = chrono::Utc::now().timestamp_millis() as u64 + 3_600_000;
    let late = Op {
        hlc: format!("{ahead:012x}0000-{DEVICE}"),
        ..message(alert, json!({ "state": "APPROVED", "reviewed_by": null }))
    };
    let (s, body) = push(&app, vec![late.clone()]).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(app.backend.send_round().await, Round::default());
    let (_, again) = pull(&app, json!({ BRANCH_A: again["cursors"][BRANCH_A] })).await;
    let restated = last(&again);
    assert_eq!(restated["op"]["columns"]["state"], "SENT", "{again}");
    assert!(restated["op"]["hlc"].as_str().unwrap() > late.hlc.as_str(), "{restated}");
    assert_eq!(mail.received().len(), 1);

    // A refused address fails with the mail server's reason …
    let refused = "0193a0c1-0000-7000-8000-00000000a1e2";
    let ops = vec![
        message(refused, draft("sunita@refused.example")),
        message(refused, json!({ "state": "APPROVED" })),
    ];
    assert_eq!(push(&app, ops).await.0, StatusCode::OK);
    assert_eq!(app.backend.send_round().await, Round { sent: 0, retry: 0, failed: 1 });
    let (_, page) = pull(&app, json!({ BRANCH_A: again["cursors"][BRANCH_A] })).await;
    let failed = last(&page);
    assert_eq!(failed["op"]["columns"]["state"], "FAILED");
    assert!(failed["op"]["columns"]["error"].as_str().unwrap().contains("550"), "{failed}");
    // … and goes once the address is corrected and it is approved again.
    // (The desk stamps it after the failure it pulled.)
    let fix = json!({ "state": "APPROVED", "recipient": "sunita@example.com", "error": "" });
    let now = chrono::Utc::now().timestamp_millis() as u64 + 1_000;
    let fix = Op { hlc: format!("{now:012x}0000-{DEVICE}"), ..message(refused, fix) };
    assert_eq!(push(&app, vec![fix]).await.0, StatusCode::OK);
    assert_eq!(app.backend.send_round().await, Round { sent: 1, retry: 0, failed: 0 });
    assert_eq!(mail.wait_for(2, Duration::from_secs(5)).len(), 2);

    // A busy mail server: tried again after a wait, the desks told why.
    let busy = "0193a0c1-0000-7000-8000-00000000a1e3";
    let ops =
        vec![message(busy, draft("sunita@busy.example")), message(busy, json!({ "state": "APPROVED" }))];
    assert_eq!(push(&app, ops).await.0, StatusCode::OK);
    assert_eq!(app.backend.send_round().await, Round { sent: 0, retry: 1, failed: 0 });
    assert_eq!(app.backend.send_round().await, Round::default(), "not again at once");
    let next = app.backend.next_retry_at().await.expect("a retry is due later");
    assert!(next > chrono::Utc::now() + chrono::Duration::seconds(30), "{next}");
    let (_, page) = pull(&app, json!({ BRANCH_A: 0 })).await;
    let waiting = last(&page);
    assert_eq!(waiting["op"]["columns"]["state"], "APPROVED");
    assert!(waiting["op"]["columns"]["error"].as_str().unwrap().contains("451"), "{waiting}");
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(#[tokio::test]
            async fn $name() {
                super::$name(super::sqlite()).await;
            })*
        }

        /// Every scenario again on a real PostgreSQL (one throwaway cluster,
        /// a fresh database per scenario).
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn on_postgres() {
            let cluster = support::Cluster::start();
            $(
                let url = cluster.database(stringify!($name)).await;
                $name(Backend::Pg(PgStore::connect(&url, 4).await.unwrap(), url.clone())).await;
            )*
        }
    };
}

on_both_backends!(
    pushed_ops_come_back_per_scope_in_order,
    files_go_up_before_their_rows_and_come_down_to_desks_of_their_branch,
    a_row_moved_to_another_branch_is_carried_into_its_scope,
    money_without_the_permission_is_kept_and_flagged_once,
    a_wait_answers_when_changes_arrive,
    a_replayed_batch_is_a_no_op_and_an_overlapping_one_adds_only_the_new_ops,
    a_gap_is_refused_and_nothing_of_the_batch_is_stored,
    bad_requests_get_a_typed_4xx_that_names_the_problem,
    pull_pages_and_says_when_more_wait,
    health_and_readiness,
    every_sync_request_needs_an_enrolled_unrevoked_device,
    a_desk_syncs_only_the_branches_its_code_names,
    a_snapshot_holds_each_row_of_its_scope_merged_by_clock,
    a_cursor_behind_the_kept_log_must_download_the_scope_again,
    a_malformed_op_is_refused_naming_its_column_and_the_rest_are_stored,
    a_bootstrap_code_expires_and_is_refused_once_a_desk_is_linked,
    codes_die_with_their_desk_and_a_live_desks_id_cannot_be_taken,
    link_attempts_are_rate_limited_per_address_and_in_total,
    pulls_are_bounded_and_slow_or_crowded_requests_refused,
    an_approved_message_is_sent_once_and_its_outcome_comes_back
);
