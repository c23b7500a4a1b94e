//! Cost of applying pulled changes on a desk. Prints figures; asserts nothing.
//!
//! N room inserts from another desk, applied through the real applier in
//! pages (one transaction each, the write lock held for the page), against
//! a raw prepared bulk INSERT of the same rows in the same page sizes into
//! an unguarded table of the same file. Also the longest page (how long the
//! write lock is held) and a small incremental page on top of N rows (does
//! the cost grow with the table?).
//!
//! Usage: bench-apply [--rows N] [--page P]   (defaults 100000 and 200, the
//! sync client's chunk: `branchdesk_sync::APPLY_CHUNK`)

use branchdesk_api::commands::system::SetupOrganisation;
use branchdesk_api::sync::{Change, Op, DESK_SCHEMA_VERSION};
use branchdesk_desk::{Desk, DeskConfig};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

fn arg(name: &str, default: usize) -> usize {
    std::env::args().skip_while(|a| a != name).nth(1).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn change(scope: &str, branch: &str, i: usize) -> Change {
    let device = "0193a0c0-0000-7000-8000-00000000beef";
    let mut columns = serde_json::Map::new();
    columns.insert("branch_id".into(), branch.into());
    columns.insert("name".into(), format!("Remote room {i}").into());
    columns.insert("capacity".into(), 30.into());
    columns.insert("active".into(), true.into());
    columns.insert("created_at".into(), "2026-06-01T09:00:00Z".into());
    columns.insert("updated_at".into(), "2026-06-01T09:00:00Z".into());
    Change {
        scope: scope.into(),
        scope_seq: i as u64 + 1,
        device_id: device.into(),
        op: Op {
            seq: i as u64 + 1,
            op_id: uuid::Uuid::now_v7().to_string(),
            author_user_id: None,
            scope: scope.into(),
            entity: "rooms".into(),
            entity_id: uuid::Uuid::now_v7().to_string(),
            kind: "insert".into(),
            columns,
            hlc: format!("{:012x}0000-{device}", 1_800_000_000_000u64 + i as u64),
            schema_version: DESK_SCHEMA_VERSION,
            signature: None,
        },
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows = arg("--rows", 100_000);
    let page = arg("--page", 200);
    let dir = tempfile::tempdir()?;
    let desk = Desk::open(DeskConfig::new(dir.path()))?;
    desk.setup_organisation(SetupOrganisation {
        organisation_name: "Bench Academy".into(),
        currency: "INR".into(),
        branch_name: "Main".into(),
        branch_code: "B1".into(),
        director_name: "Bench Director".into(),
        director_email: "bench@example.com".into(),
        director_password: "Quiet-Lotus-2026".into(),
    })?;
    let branch = branchdesk_desk::org::store::all_branches(&branchdesk_desk::db::open_connection(
        dir.path(),
        branchdesk_desk::KeyStore::from_env(),
    )?)?[0]
        .id
        .to_string();
    let scope = format!("branch:{branch}");
    let changes: Vec<Change> = (0..rows).map(|i| change(&scope, &branch, i)).collect();

    // Baseline: the same rows, raw prepared INSERTs, one transaction per page.
    let plain = branchdesk_desk::db::open_connection(dir.path(), branchdesk_desk::KeyStore::from_env())?;
    plain.pragma_update(None, "synchronous", "FULL")?;
    plain.execute_batch(
        "CREATE TABLE bench_plain_rooms (id TEXT PRIMARY KEY, branch_id TEXT NOT NULL, name TEXT NOT NULL COLLATE NOCASE,
         capacity INTEGER NOT NULL, active INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
         UNIQUE (branch_id, name));",
    )?;
    let t = Instant::now();
    for chunk in changes.chunks(page) {
        let tx = plain.unchecked_transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO bench_plain_rooms (id, branch_id, name, capacity, active, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
            )?;
            for c in chunk {
                let col = |k: &str| c.op.columns[k].as_str().unwrap_or_default().to_owned();
                stmt.execute((&c.op.entity_id, col("branch_id"), col("name"), 30, col("created_at")))?;
            }
        }
        tx.commit()?;
    }
    let raw = t.elapsed();

    let mut longest = Duration::ZERO;
    let t = Instant::now();
    for chunk in changes.chunks(page) {
        let cursors: BTreeMap<String, u64> = [(scope.clone(), chunk.last().unwrap().scope_seq)].into();
        let p = Instant::now();
        desk.apply_pulled(chunk, &cursors, &Default::default())?;
        longest = longest.max(p.elapsed());
    }
    let applied = t.elapsed();

    // Incremental: one more small page on top of everything above.
    let extra: Vec<Change> = (rows..rows + 100).map(|i| change(&scope, &branch, i)).collect();
    let t = Instant::now();
    desk.apply_pulled(&extra, &[(scope.clone(), (rows + 100) as u64)].into(), &Default::default())?;
    let incremental = t.elapsed();

    let rate = |d: Duration| rows as f64 / d.as_secs_f64();
    println!("apply benchmark: {rows} rows in pages of {page}, synchronous=FULL");
    println!("  raw prepared INSERT (baseline)   {:>9.0} rows/s", rate(raw));
    println!(
        "  applier (merge, clocks)          {:>9.0} rows/s  ratio {:.2}x of baseline (goal >= 0.7x)",
        rate(applied),
        raw.as_secs_f64() / applied.as_secs_f64()
    );
    println!("  longest page (write lock held)   {:>9.1} ms  (goal <= 16 ms)", longest.as_secs_f64() * 1e3);
    println!("  100 more rows on top of {rows}: {:.1} ms", incremental.as_secs_f64() * 1e3);
    Ok(())
}
