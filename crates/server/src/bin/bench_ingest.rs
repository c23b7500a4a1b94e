//! Server ingest: ops/s through the real store (validation excluded) against
//! a multi-row INSERT of the same rows into a plain table of the same
//! database, in the same batch sizes: from one desk pushing batch after
//! batch, and from several desks of different branches pushing at once (a
//! server's real load; one desk's pushes wait on each commit). The ops are
//! a director's, checked against their grants; then the director's key is
//! put on record and the same load goes again with every op's signature
//! checked (docs/trust.md), and the two are compared. Prints figures;
//! asserts nothing.
//!
//! Usage: bench-ingest [--ops N] [--batch B] [--desks K] [--database-url URL]
//! Without a URL it measures the embedded SQLite store in a temp folder.

use branchdesk_api::canonical::signing::{self, SigningKey};
use branchdesk_api::sync::{Op, DESK_SCHEMA_VERSION};
use branchdesk_server::store::postgres::PgStore;
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
use std::time::{Duration, Instant};

const DEVICE: &str = "0193a0c0-0000-7000-8000-0000000000d1";
const SCOPE: &str = "branch:0193a0c0-0000-7000-8000-00000000000a";

const DIRECTOR: &str = "0193a0c0-0000-7000-8000-0000000000aa";
const NOW: &str = "2026-06-01T09:00:00Z";

/// Desk `k` of several, each of its own branch; the second round's desks
/// are others (`round` 1), in the same branches.
fn desk(k: usize, round: usize) -> (String, String) {
    (
        format!("0193a0c0-0000-7000-8000-{:012x}", 0xe0 + k + 0x100 * round),
        format!("branch:0193a0c0-0000-7000-8000-{:012x}", 0xb0 + k),
    )
}

fn org_op(seq: u64, entity: &str, id: &str, kind: &str, columns: serde_json::Value) -> Op {
    Op {
        seq,
        op_id: uuid::Uuid::new_v4().to_string(),
        author_user_id: Some(DIRECTOR.into()),
        scope: "org".into(),
        entity: entity.into(),
        entity_id: id.into(),
        kind: kind.into(),
        columns: columns.as_object().cloned().unwrap_or_default(),
        hlc: format!("{seq:012x}0000-{DEVICE}"),
        schema_version: DESK_SCHEMA_VERSION,
        signature: None,
    }
}

fn director_key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

/// The director's organisation-wide grant of the role that manages rooms:
/// with it on record the organisation is no longer being set up.
fn grant(seq: u64) -> Op {
    let id = "0193a0c0-0000-7000-8000-0000000000c3";
    let columns = serde_json::json!({ "id": id, "user_id": DIRECTOR, "role_id": "0193a0c0-0000-7000-8000-0000000000c2",
        "created_at": NOW });
    signed(org_op(seq, "role_grants", id, "insert", columns), DEVICE, Some(&director_key()))
}

/// The organisation a first desk uploads: its director (with their key)
/// and a role that manages rooms; no grant yet, so it is being set up.
fn organisation() -> Vec<Op> {
    use serde_json::json;
    let org = "0193a0c0-0000-7000-8000-0000000000c1";
    let role = "0193a0c0-0000-7000-8000-0000000000c2";
    let mut ops = vec![
        org_op(
            1,
            "organisations",
            org,
            "insert",
            json!({ "id": org, "name": "Bench Academy", "currency": "INR",
            "fy_start_month": 4, "created_at": NOW, "updated_at": NOW }),
        ),
        org_op(
            2,
            "roles",
            role,
            "insert",
            json!({ "id": role, "org_id": org, "name": "DIRECTOR",
            "permissions": ["manage:organisation", "manage:room"], "created_at": NOW, "updated_at": NOW }),
        ),
        org_op(
            3,
            "users",
            DIRECTOR,
            "insert",
            json!({ "id": DIRECTOR, "org_id": org, "full_name": "Bench Director",
            "email": "bench@example.com", "password_hash": "x", "public_key": signing::public_hex(&director_key()),
            "created_at": NOW, "updated_at": NOW }),
        ),
    ];
    // The branches the desks push into (a row's parent must be on record).
    let branches = std::iter::once(SCOPE.to_owned()).chain((0..16).map(|k| desk(k, 0).1));
    for scope in branches {
        let id = scope.trim_start_matches("branch:").to_owned();
        let seq = ops.len() as u64 + 1;
        let columns = json!({ "id": id, "org_id": org, "code": format!("B{seq}"), "name": format!("Branch {seq}"),
            "created_at": NOW, "updated_at": NOW });
        ops.push(org_op(seq, "branches", &id, "insert", columns));
    }
    ops
}

fn arg(name: &str) -> Option<String> {
    std::env::args().skip_while(|a| a != name).nth(1)
}

fn op(seq: u64) -> Op {
    op_of(seq, DEVICE, SCOPE)
}

/// The same op signed by the director on `device`.
fn signed(mut op: Op, device: &str, key: Option<&SigningKey>) -> Op {
    op.signature = key.map(|k| signing::sign(k, device, &op));
    op
}

fn op_of(seq: u64, device: &str, scope: &str) -> Op {
    // A whole room as a desk inserts it (the server refuses a new row
    // missing a required column).
    let entity_id = uuid::Uuid::new_v4().to_string();
    let mut columns = serde_json::Map::new();
    columns.insert("id".into(), entity_id.clone().into());
    columns.insert("branch_id".into(), scope.trim_start_matches("branch:").into());
    columns.insert("name".into(), format!("Room {seq}").into());
    columns.insert("capacity".into(), 30.into());
    columns.insert("created_at".into(), "2026-06-01T09:00:00Z".into());
    columns.insert("updated_at".into(), "2026-06-01T09:00:00Z".into());
    Op {
        seq,
        op_id: uuid::Uuid::new_v4().to_string(),
        author_user_id: Some(DIRECTOR.into()),
        scope: scope.into(),
        entity: "rooms".into(),
        entity_id,
        kind: "insert".into(),
        columns,
        hlc: format!("{:012x}0000-{device}", seq),
        schema_version: DESK_SCHEMA_VERSION,
        signature: None,
    }
}

/// Pushes `ops` from the bench's first desk; every one must be accepted.
async fn push_all<S: Store>(store: &S, ops: &[Op], batch: usize) {
    for chunk in ops.chunks(batch) {
        let res = store.push(DEVICE.into(), chunk.to_vec()).await.expect("push");
        assert!(res.rejected.is_empty(), "the bench's ops are refused: {:?}", res.rejected.first());
    }
}

async fn ingest<S: Store>(store: &S, ops: &[Op], batch: usize) -> Duration {
    let t = Instant::now();
    push_all(store, ops, batch).await;
    t.elapsed()
}

/// `desks` desks of different branches push `n` ops between them at once,
/// signed by `key` when given. Signing is done before the clock starts.
async fn ingest_together<S: Store + Clone>(
    store: &S,
    n: usize,
    batch: usize,
    desks: usize,
    round: usize,
    key: Option<&SigningKey>,
) -> Duration {
    let work: Vec<(String, Vec<Op>)> = (0..desks)
        .map(|k| {
            let (device, scope) = desk(k, round);
            let ops =
                (1..=(n / desks) as u64).map(|s| signed(op_of(s, &device, &scope), &device, key)).collect();
            (device, ops)
        })
        .collect();
    let t = Instant::now();
    let tasks: Vec<_> = work
        .into_iter()
        .map(|(device, ops)| {
            let store = store.clone();
            tokio::spawn(async move {
                for chunk in ops.chunks(batch) {
                    let res = store.push(device.clone(), chunk.to_vec()).await.expect("push");
                    assert!(res.rejected.is_empty(), "refused: {:?}", res.rejected.first());
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a desk's pushes");
    }
    t.elapsed()
}

/// Every load on one store: the organisation, one desk, several desks
/// while it is being set up (the first upload: nothing to check against
/// yet), then the director's grant on record and several other desks
/// again, every op's signature and grants checked.
async fn loads<S: Store + Clone>(
    store: &S,
    n: usize,
    batch: usize,
    desks: usize,
) -> (Duration, Duration, Duration) {
    let org = organisation();
    push_all(store, &org, batch).await;
    let ops: Vec<Op> = (1..=n as u64).map(|s| op(s + org.len() as u64)).collect();
    let one = ingest(store, &ops, batch).await;
    let unsigned = ingest_together(store, n, batch, desks, 0, None).await;
    let key = director_key();
    push_all(store, &[grant((n + org.len() + 1) as u64)], batch).await;
    let checked = ingest_together(store, n, batch, desks, 1, Some(&key)).await;
    (one, unsigned, checked)
}

fn report(
    backend: &str,
    n: usize,
    baseline: Duration,
    one: Duration,
    together: (usize, Duration),
    checked: Duration,
) {
    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    println!("ingest benchmark ({backend}): {n} ops");
    println!("  multi-row INSERT (baseline)          {:>9.0} rows/s", rate(baseline));
    println!(
        "  store push, one desk                 {:>9.0} ops/s  ratio {:.2}x of baseline",
        rate(one),
        baseline.as_secs_f64() / one.as_secs_f64()
    );
    println!(
        "  store push, {} desks at once          {:>9.0} ops/s  ratio {:.2}x of baseline (goal >= 20,000 ops/s on PostgreSQL)",
        together.0,
        rate(together.1),
        baseline.as_secs_f64() / together.1.as_secs_f64()
    );
    println!(
        "  store push, {} desks, signatures and grants checked {:>7.0} ops/s  ratio {:.2}x of the first upload's (nothing to check; goal >= 0.6x)",
        together.0,
        rate(checked),
        together.1.as_secs_f64() / checked.as_secs_f64()
    );
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = arg("--ops").map(|v| v.parse()).transpose()?.unwrap_or(50_000);
    let batch: usize = arg("--batch").map(|v| v.parse()).transpose()?.unwrap_or(500);
    let desks: usize = arg("--desks").map(|v| v.parse()).transpose()?.unwrap_or(4).max(1);
    let ops: Vec<Op> = (1..=n as u64).map(op).collect();
    let json: Vec<String> = ops.iter().map(|o| serde_json::to_string(o).unwrap_or_default()).collect();
    match arg("--database-url") {
        Some(url) => {
            let store = PgStore::connect(&url, 8).await?;
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
            tokio::spawn(conn);
            client
                .batch_execute(
                    "CREATE TABLE IF NOT EXISTS bench_plain (scope TEXT, seq BIGINT, op JSONB, PRIMARY KEY (scope, seq))",
                )
                .await?;
            let t = Instant::now();
            for (c, chunk) in json.chunks(batch).enumerate() {
                let values: Vec<String> = (0..chunk.len())
                    .map(|i| format!("($1, {}, ${}::text::jsonb)", c * batch + i, i + 2))
                    .collect();
                let sql = format!("INSERT INTO bench_plain (scope, seq, op) VALUES {}", values.join(", "));
                let mut params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = vec![&SCOPE];
                params.extend(chunk.iter().map(|j| j as &(dyn tokio_postgres::types::ToSql + Sync)));
                client.execute(&sql, &params).await?;
            }
            let baseline = t.elapsed();
            let (one, together, checked) = loads(&store, n, batch, desks).await;
            report("PostgreSQL", n, baseline, one, (desks, together), checked);
        }
        None => {
            let dir = tempfile::tempdir()?;
            let path = dir.path().join("server.sqlite");
            let store = SqliteStore::open(&path)?;
            let plain = rusqlite::Connection::open(&path)?;
            plain.pragma_update(None, "synchronous", "FULL")?;
            plain.execute_batch(
                "CREATE TABLE bench_plain (scope TEXT, seq INTEGER, op TEXT, PRIMARY KEY (scope, seq)) WITHOUT ROWID",
            )?;
            let t = Instant::now();
            for (c, chunk) in json.chunks(batch).enumerate() {
                let tx = plain.unchecked_transaction()?;
                let values: Vec<String> =
                    (0..chunk.len()).map(|i| format!("(?1, {}, ?{})", c * batch + i, i + 2)).collect();
                let sql = format!("INSERT INTO bench_plain (scope, seq, op) VALUES {}", values.join(", "));
                let mut params: Vec<&dyn rusqlite::ToSql> = vec![&SCOPE];
                params.extend(chunk.iter().map(|j| j as &dyn rusqlite::ToSql));
                tx.execute(&sql, params.as_slice())?;
                tx.commit()?;
            }
            let baseline = t.elapsed();
            let (one, together, checked) = loads(&store, n, batch, desks).await;
            report("embedded SQLite", n, baseline, one, (desks, together), checked);
        }
    }
    Ok(())
}
