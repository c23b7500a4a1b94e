//! Server ingest: ops/s through the real store (validation excluded) against
//! a multi-row INSERT of the same rows into a plain table of the same
//! database, in the same batch sizes: from one desk pushing batch after
//! batch, and from several desks of different branches pushing at once (a
//! server's real load; one desk's pushes wait on each commit). Prints
//! figures; asserts nothing.
//!
//! Usage: bench-ingest [--ops N] [--batch B] [--desks K] [--database-url URL]
//! Without a URL it measures the embedded SQLite store in a temp folder.

use branchdesk_api::sync::{Op, DESK_SCHEMA_VERSION};
use branchdesk_server::store::postgres::PgStore;
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
use std::time::{Duration, Instant};

const DEVICE: &str = "0193a0c0-0000-7000-8000-0000000000d1";
const SCOPE: &str = "branch:0193a0c0-0000-7000-8000-00000000000a";

/// Desk `k` of several, each of its own branch.
fn desk(k: usize) -> (String, String) {
    (
        format!("0193a0c0-0000-7000-8000-{:012x}", 0xe0 + k),
        format!("branch:0193a0c0-0000-7000-8000-{:012x}", 0xb0 + k),
    )
}

fn arg(name: &str) -> Option<String> {
    std::env::args().skip_while(|a| a != name).nth(1)
}

fn op(seq: u64) -> Op {
    op_of(seq, DEVICE, SCOPE)
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
        author_user_id: None,
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

async fn ingest<S: Store>(store: &S, ops: &[Op], batch: usize) -> Duration {
    let t = Instant::now();
    for chunk in ops.chunks(batch) {
        store.push(DEVICE.into(), chunk.to_vec()).await.expect("push");
    }
    t.elapsed()
}

/// `desks` desks of different branches push `n` ops between them at once.
async fn ingest_together<S: Store + Clone>(store: &S, n: usize, batch: usize, desks: usize) -> Duration {
    let t = Instant::now();
    let tasks: Vec<_> = (0..desks)
        .map(|k| {
            let store = store.clone();
            let (device, scope) = desk(k);
            let ops: Vec<Op> = (1..=(n / desks) as u64).map(|s| op_of(s, &device, &scope)).collect();
            tokio::spawn(async move {
                for chunk in ops.chunks(batch) {
                    store.push(device.clone(), chunk.to_vec()).await.expect("push");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a desk's pushes");
    }
    t.elapsed()
}

fn report(backend: &str, n: usize, baseline: Duration, one: Duration, together: (usize, Duration)) {
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
            let one = ingest(&store, &ops, batch).await;
            let together = ingest_together(&store, n, batch, desks).await;
            report("PostgreSQL", n, baseline, one, (desks, together));
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
            let one = ingest(&store, &ops, batch).await;
            let together = ingest_together(&store, n, batch, desks).await;
            report("embedded SQLite", n, baseline, one, (desks, together));
        }
    }
    Ok(())
}
