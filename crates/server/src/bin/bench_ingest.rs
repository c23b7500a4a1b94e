//! Server ingest: ops/s through the real store (validation excluded) against
//! a multi-row INSERT of the same rows into a plain table of the same
//! database, in the same batch sizes. Prints figures; asserts nothing.
//!
//! Usage: bench-ingest [--ops N] [--batch B] [--database-url URL]
//! Without a URL it measures the embedded SQLite store in a temp folder.

use branchdesk_api::sync::{Op, DESK_SCHEMA_VERSION};
use branchdesk_server::store::postgres::PgStore;
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
use std::time::{Duration, Instant};

const DEVICE: &str = "0193a0c0-0000-7000-8000-0000000000d1";
const SCOPE: &str = "branch:0193a0c0-0000-7000-8000-00000000000a";

fn arg(name: &str) -> Option<String> {
    std::env::args().skip_while(|a| a != name).nth(1)
}

fn op(seq: u64) -> Op {
    let mut columns = serde_json::Map::new();
    columns.insert("name".into(), format!("Room {seq}").into());
    columns.insert("capacity".into(), 30.into());
    Op {
        seq,
        op_id: uuid::Uuid::new_v4().to_string(),
        author_user_id: None,
        scope: SCOPE.into(),
        entity: "rooms".into(),
        entity_id: uuid::Uuid::new_v4().to_string(),
        kind: "insert".into(),
        columns,
        hlc: format!("{:012x}0000-{DEVICE}", seq),
        schema_version: DESK_SCHEMA_VERSION,
    }
}

async fn ingest<S: Store>(store: &S, ops: &[Op], batch: usize) -> Duration {
    let t = Instant::now();
    for chunk in ops.chunks(batch) {
        store.push(DEVICE.into(), chunk.to_vec()).await.expect("push");
    }
    t.elapsed()
}

fn report(backend: &str, n: usize, baseline: Duration, store: Duration) {
    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    println!("ingest benchmark ({backend}): {n} ops");
    println!("  multi-row INSERT (baseline)  {:>9.0} rows/s", rate(baseline));
    println!(
        "  store push                   {:>9.0} ops/s  ratio {:.2}x of baseline (goal >= 20,000 ops/s on PostgreSQL)",
        rate(store),
        baseline.as_secs_f64() / store.as_secs_f64()
    );
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = arg("--ops").map(|v| v.parse()).transpose()?.unwrap_or(50_000);
    let batch: usize = arg("--batch").map(|v| v.parse()).transpose()?.unwrap_or(500);
    let ops: Vec<Op> = (1..=n as u64).map(op).collect();
    let json: Vec<String> = ops.iter().map(|o| serde_json::to_string(o).unwrap_or_default()).collect();
    match arg("--database-url") {
        Some(url) => {
            let store = PgStore::connect(&url, 4).await?;
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
            report("PostgreSQL", n, baseline, ingest(&store, &ops, batch).await);
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
            report("embedded SQLite", n, baseline, ingest(&store, &ops, batch).await);
        }
    }
    Ok(())
}
