//! First sync of a large branch through a real server on loopback. Prints
//! figures and ratios; asserts nothing.
//!
//! A sync server (embedded SQLite) holds an organisation and N rooms in one
//! branch (stored through the server's own push, as a desk would have sent
//! them). A fresh desk joins with a code and downloads everything through
//! the real sync client: a snapshot of each scope over HTTP (built by the
//! server, checked against its checksum, installed in chunks of 1,000 rows
//! with their clocks), then pages from the snapshot's cursor. Baseline: a
//! bulk load of the same rows into the desk's file (prepared INSERTs, one
//! transaction). Then the same first sync into an unencrypted desk and
//! an encrypted one, alternating, twice each: what encryption costs.
//!
//! Usage: bench-first-sync [--rows N]   (default 200000)

use branchdesk_api::sync::{Op, DESK_SCHEMA_VERSION};
use branchdesk_e2e::sync_bench;
use branchdesk_server::store::Store;
use branchdesk_sync::Client;
use std::time::Instant;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)?.parse().ok()).unwrap_or(default)
}

fn room(seq: u64, device: &str, author: &str, branch: &str, i: usize) -> Op {
    let mut columns = serde_json::Map::new();
    columns.insert("branch_id".into(), branch.into());
    columns.insert("name".into(), format!("Room {i:07}").into());
    columns.insert("capacity".into(), 30.into());
    columns.insert("active".into(), true.into());
    columns.insert("created_at".into(), "2026-06-01T09:00:00Z".into());
    columns.insert("updated_at".into(), "2026-06-01T09:00:00Z".into());
    Op {
        seq,
        op_id: uuid::Uuid::now_v7().to_string(),
        author_user_id: Some(author.into()),
        scope: format!("branch:{branch}"),
        entity: "rooms".into(),
        entity_id: uuid::Uuid::now_v7().to_string(),
        kind: "insert".into(),
        columns,
        hlc: format!("{:012x}0000-{device}", 1_780_000_000_000u64 + seq),
        schema_version: DESK_SCHEMA_VERSION,
        signature: None,
    }
}

fn main() {
    let rows = arg("--rows", 200_000);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let server = sync_bench::serve(&rt);
    let client = Client::new();

    // The office desk: the organisation, then N rooms stored by the server.
    let (office, actor, branch) = sync_bench::office(&rt, &client, &server);
    let office = office.desk;
    let branch = branch.to_string();
    let author = actor.user_id.to_string();
    let pushed = rt.block_on(client.sync(&office)).unwrap().pushed as u64;
    let device = office.device_id().to_owned();
    let t = Instant::now();
    let mut seq = pushed;
    for chunk in (0..rows).collect::<Vec<_>>().chunks(5_000) {
        let ops: Vec<Op> = chunk
            .iter()
            .map(|i| {
                seq += 1;
                // Signed by the director, as the office desk would.
                let mut op = room(seq, &device, &author, &branch, *i);
                assert!(office.sign_as_author(&mut op), "the director is signed in on the office desk");
                op
            })
            .collect();
        let res = rt.block_on(server.store.push(device.clone(), ops)).unwrap();
        assert!(res.rejected.is_empty(), "the server refused rooms: {:?}", res.rejected.first());
    }
    let stored = t.elapsed();

    // A fresh desk joins and downloads it all.
    let code =
        rt.block_on(client.issue_code(&office, office.signed_in_here().first().copied(), None)).unwrap().code;
    let joining = sync_bench::open_desk();
    rt.block_on(client.link(&joining.desk, &server.url, &code)).unwrap();
    let t = Instant::now();
    let round = rt.block_on(client.sync(&joining.desk)).unwrap();
    let first_sync = t.elapsed();

    // Baseline: the same rows bulk-loaded into the desk's file.
    let conn =
        branchdesk_desk::db::open_connection(joining.dir.path(), branchdesk_desk::KeyStore::from_env())
            .unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch(
        "CREATE TABLE bench_plain_rooms (id TEXT PRIMARY KEY, branch_id TEXT NOT NULL, name TEXT NOT NULL,
         capacity INTEGER NOT NULL, active INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
         UNIQUE (branch_id, name));",
    )
    .unwrap();
    let t = Instant::now();
    let tx = conn.unchecked_transaction().unwrap();
    {
        let mut stmt = tx
            .prepare("INSERT INTO bench_plain_rooms VALUES (?1, ?2, ?3, 30, 1, '2026-06-01T09:00:00Z', '2026-06-01T09:00:00Z')")
            .unwrap();
        for i in 0..rows {
            stmt.execute((uuid::Uuid::now_v7().to_string(), &branch, format!("Room {i:07}"))).unwrap();
        }
    }
    tx.commit().unwrap();
    let bulk = t.elapsed();

    // What encryption costs: fresh desks, plain and encrypted in turn.
    let join = |store: branchdesk_desk::KeyStore| {
        let code = rt
            .block_on(client.issue_code(&office, office.signed_in_here().first().copied(), None))
            .unwrap()
            .code;
        let d = sync_bench::open_desk_in(store);
        rt.block_on(client.link(&d.desk, &server.url, &code)).unwrap();
        let t = Instant::now();
        let pulled = rt.block_on(client.sync(&d.desk)).unwrap().pulled;
        assert_eq!(pulled, round.pulled, "every desk downloads the same");
        t.elapsed()
    };
    let (mut plain_best, mut encrypted_best) = (std::time::Duration::MAX, std::time::Duration::MAX);
    for _ in 0..2 {
        plain_best = plain_best.min(join(branchdesk_desk::KeyStore::Unencrypted));
        encrypted_best = encrypted_best.min(join(branchdesk_desk::KeyStore::from_env()));
    }

    let s = |d: std::time::Duration| d.as_secs_f64();
    println!("first sync of a branch of {rows} rows through a server on loopback");
    println!(
        "  (set-up: signed and stored by the server in {:.1} s, {:.0} ops/s)",
        s(stored),
        rows as f64 / s(stored)
    );
    println!("  baseline: bulk load of the same rows into the desk's file  {:.2} s", s(bulk));
    println!(
        "  first sync (snapshot over HTTP, checked, installed)         {:.2} s  ({} changes, {:.0} rows/s) = {:.1}x the baseline (goal <= 10 s for 1,000,000)",
        s(first_sync),
        round.pulled,
        round.pulled as f64 / s(first_sync),
        s(first_sync) / s(bulk)
    );
    println!(
        "  encryption: first sync into a plain desk {:.2} s, an encrypted one {:.2} s (best of two) = {:.2}x  (goal <= 1.15x)",
        s(plain_best),
        s(encrypted_best),
        s(encrypted_best) / s(plain_best)
    );
}
