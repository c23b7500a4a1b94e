//! Cost of the one write path. Prints figures; asserts nothing about time.
//!
//! Creates N rooms through the real service (validation, permission check,
//! domain row + audit row + outbox op, one transaction each) and N plain
//! INSERTs of the same row shape into an unguarded table of the same file
//! with the desk's connection settings, one transaction each; then both
//! again with all rows in one transaction. The per-row comparison runs in
//! interleaved rounds and reports the median round's ratio.
//!
//! Each op is signed by the signed-in director as it enters the outbox.
//!
//! Usage: bench-write-path [--rows N]   (default 10000; CI passes a small N)

use branchdesk_api::commands::org::SaveRoom;
use rusqlite::Connection;
use std::time::{Duration, Instant};

/// Rounds of the one-transaction-per-row comparison.
const ROUNDS: usize = 20;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows = branchdesk_desk::bench::arg("--rows", 10_000);
    let sample = branchdesk_desk::bench::sample()?;
    let (desk, actor, branch) = (&sample.desk, sample.director.clone(), sample.branch);

    // The same file with the desk's settings (durability, checkpoints,
    // mapped reads, foreign keys), and a table of the rooms table's shape.
    let plain = branchdesk_desk::db::open_connection(desk.data_dir(), branchdesk_desk::KeyStore::from_env())?;
    plain.pragma_update(None, "synchronous", "FULL")?;
    plain.pragma_update(None, "foreign_keys", "ON")?;
    plain.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
    plain.pragma_update(None, "wal_autocheckpoint", 256)?;
    plain.execute_batch(
        "CREATE TABLE bench_plain_rooms (
            id TEXT PRIMARY KEY, branch_id TEXT NOT NULL REFERENCES branches (id),
            name TEXT NOT NULL COLLATE NOCASE,
            capacity INTEGER NOT NULL CHECK (capacity > 0), active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (branch_id, name));",
    )?;
    let insert_plain =
        |conn: &Connection, i: usize, tag: &str| -> rusqlite::Result<usize> {
            let now = chrono::Utc::now().to_rfc3339();
            conn.prepare_cached(
            "INSERT INTO bench_plain_rooms (id, branch_id, name, capacity, active, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
        )?
        .execute((uuid::Uuid::now_v7().to_string(), branch.to_string(), format!("{tag} {i}"), 30, now))
        };

    println!("write path benchmark: {rows} rows, synchronous=FULL, WAL");

    // One transaction per row, in interleaved rounds so that both sides
    // meet the same disk: a virtual disk's flush time drifts by several
    // times within a minute, and a drift that fell on one side only would
    // be reported as the write path's cost. The ratio is the median of the
    // rounds' ratios; the totals are the sums.
    let rounds = ROUNDS.min(rows.max(1));
    let (mut plain_each, mut action_each, mut ratios) = (Duration::ZERO, Duration::ZERO, Vec::new());
    let mut next = 0;
    for round in 0..rounds {
        let size = rows / rounds + usize::from(round < rows % rounds);
        let t = Instant::now();
        for i in next..next + size {
            let tx = plain.unchecked_transaction()?;
            insert_plain(&tx, i, "Plain")?;
            tx.commit()?;
        }
        let p = t.elapsed();
        let t = Instant::now();
        for i in next..next + size {
            desk.save_room(
                &actor,
                SaveRoom { id: None, branch_id: branch, name: format!("Room {i}"), capacity: 30 },
            )?;
        }
        let a = t.elapsed();
        next += size;
        plain_each += p;
        action_each += a;
        ratios.push(a.as_secs_f64() / p.as_secs_f64().max(1e-9));
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];

    let t = Instant::now();
    let tx = plain.unchecked_transaction()?;
    for i in 0..rows {
        insert_plain(&tx, i, "Bulk")?;
    }
    tx.commit()?;
    let plain_bulk = t.elapsed();

    let t = Instant::now();
    desk.bench_insert_rooms_in_one_write(&actor, branch, rows)?;
    let action_bulk = t.elapsed();

    report("one transaction per row", rows, plain_each, action_each, "");
    println!(
        "  median of {rounds} interleaved rounds  {median:>10.2}x  (goal <= 1.6x, signed; rounds {:.2}x..{:.2}x)",
        ratios[0],
        ratios[ratios.len() - 1]
    );
    report("all rows in one transaction", rows, plain_bulk, action_bulk, "");
    let (signed, ops): (i64, i64) =
        plain.query_row("SELECT count(signature) AS signed, count(*) AS ops FROM outbox", [], |r| {
            Ok((r.get("signed")?, r.get("ops")?))
        })?;
    println!("  ops signed by their author (Ed25519) {signed} of {ops}");
    Ok(())
}

fn report(label: &str, rows: usize, plain: Duration, action: Duration, goal: &str) {
    let rate = |d: Duration| rows as f64 / d.as_secs_f64();
    println!("{label}:");
    println!("  plain INSERT                     {:>10.0} rows/s  ({:?})", rate(plain), plain);
    println!("  write path (row + audit + outbox) {:>9.0} rows/s  ({:?})", rate(action), action);
    println!(
        "  cost ratio write path / plain    {:>10.2}x{goal}",
        action.as_secs_f64() / plain.as_secs_f64()
    );
}
