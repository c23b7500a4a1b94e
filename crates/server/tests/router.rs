//! The sync API through the router (no socket), on the embedded SQLite store.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use branchdesk_api::sync::{Op, DESK_SCHEMA_VERSION};
use branchdesk_server::store::sqlite::SqliteStore;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

const BRANCH_A: &str = "branch:0193a0c0-0000-7000-8000-00000000000a";
const BRANCH_B: &str = "branch:0193a0c0-0000-7000-8000-00000000000b";
const DEVICE: &str = "0193a0c0-0000-7000-8000-0000000000d1";

fn server() -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("server.sqlite")).unwrap();
    (dir, branchdesk_server::app(store))
}

fn op(device: &str, seq: u64, scope: &str) -> Op {
    Op {
        seq,
        op_id: format!("0193a0c0-0000-7000-8000-{seq:012}"),
        author_user_id: None,
        scope: scope.into(),
        entity: "rooms".into(),
        entity_id: format!("0193a0c1-0000-7000-8000-{seq:012}"),
        kind: "insert".into(),
        columns: json!({ "name": format!("Room {seq}"), "capacity": 30 }).as_object().unwrap().clone(),
        hlc: format!("{:012x}{:04x}-{device}", 1_700_000_000_000u64 + seq, 0),
        schema_version: DESK_SCHEMA_VERSION,
    }
}

async fn send(app: &Router, path: &str, body: impl Into<Body>) -> (StatusCode, Value) {
    let req = Request::post(path).header("content-type", "application/json").body(body.into()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn push(app: &Router, ops: Vec<Op>) -> (StatusCode, Value) {
    send(app, "/v1/sync/push", json!({ "device_id": DEVICE, "ops": ops }).to_string()).await
}

async fn pull(app: &Router, cursors: Value) -> (StatusCode, Value) {
    send(app, "/v1/sync/pull", json!({ "cursors": cursors }).to_string()).await
}

#[tokio::test]
async fn pushed_ops_come_back_per_scope_in_order() {
    let (_d, app) = server();
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

#[tokio::test]
async fn a_replayed_batch_is_a_no_op_and_an_overlapping_one_adds_only_the_new_ops() {
    let (_d, app) = server();
    push(&app, vec![op(DEVICE, 1, BRANCH_A), op(DEVICE, 2, BRANCH_A)]).await;
    let (s, body) = push(&app, vec![op(DEVICE, 1, BRANCH_A), op(DEVICE, 2, BRANCH_A)]).await;
    assert_eq!((s, body["acked_through"].clone()), (StatusCode::OK, json!(2)));
    let (s, body) = push(&app, vec![op(DEVICE, 2, BRANCH_A), op(DEVICE, 3, BRANCH_A)]).await;
    assert_eq!((s, body["acked_through"].clone()), (StatusCode::OK, json!(3)));
    let (_, page) = pull(&app, json!({ BRANCH_A: 0 })).await;
    assert_eq!(page["changes"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_gap_is_refused_and_nothing_of_the_batch_is_stored() {
    let (_d, app) = server();
    push(&app, vec![op(DEVICE, 1, BRANCH_A)]).await;
    let (s, body) = push(&app, vec![op(DEVICE, 3, BRANCH_A), op(DEVICE, 4, BRANCH_A)]).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["code"], "seq_gap");
    assert!(body["message"].as_str().unwrap().contains("expected op 2"));
    let (_, page) = pull(&app, json!({ BRANCH_A: 0 })).await;
    assert_eq!(page["changes"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_requests_get_a_typed_4xx_that_names_the_problem() {
    let (_d, app) = server();
    let (s, b) = send(&app, "/v1/sync/push", "{not json").await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_json")));
    let (s, b) = send(&app, "/v1/sync/push", json!({ "device_id": DEVICE, "ops": "nope" }).to_string()).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("wrong_shape")));
    let (s, b) =
        send(&app, "/v1/sync/push", json!({ "device_id": DEVICE, "ops": [], "extra": 1 }).to_string()).await;
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
    let (s, b) = send(&app, "/v1/sync/push", huge).await;
    assert_eq!((s, b["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")));

    let (s, b) = pull(&app, json!({})).await;
    assert_eq!((s, b["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("cursors")));

    // None of it stored anything.
    let (_, page) = pull(&app, json!({ BRANCH_A: 0 })).await;
    assert!(page["changes"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn pull_pages_and_says_when_more_wait() {
    let (_d, app) = server();
    push(&app, (1..=25).map(|s| op(DEVICE, s, BRANCH_A)).collect()).await;
    let mut cursor = 0;
    let mut seen = 0;
    loop {
        let (_, page) =
            send(&app, "/v1/sync/pull", json!({ "cursors": { BRANCH_A: cursor }, "limit": 10 }).to_string())
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

#[tokio::test]
async fn health_and_readiness() {
    let (_d, app) = server();
    for path in ["/v1/health", "/v1/ready"] {
        let res = app.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
}
