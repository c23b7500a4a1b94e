//! The server's change log. Property: however a device's ops are split
//! into batches, retried and replayed, the server stores each exactly once,
//! in seq order, with a gap-free scope_seq. And each scope's log is a hash
//! chain (the desk compares it after each page): the chain a pull reports
//! is the one computed over what it sent, across pages, and a log written
//! before chains existed is chained when the store opens; rows kept before
//! they carried clocks are folded again from the log.

use branchdesk_api::sync::{chain_step, Op, PullRequest, DESK_SCHEMA_VERSION};
use branchdesk_server::store::{sqlite::SqliteStore, Store, StoreError};
use proptest::prelude::*;

const DEVICE: &str = "0193a0c0-0000-7000-8000-0000000000d1";
const SCOPE: &str = "branch:0193a0c0-0000-7000-8000-00000000000a";

fn op(seq: u64) -> Op {
    Op {
        seq,
        op_id: format!("0193a0c0-0000-7000-8000-{seq:012}"),
        author_user_id: None,
        scope: SCOPE.into(),
        entity: "rooms".into(),
        entity_id: format!("0193a0c1-0000-7000-8000-{seq:012}"),
        kind: "insert".into(),
        columns: serde_json::json!({
            "id": format!("0193a0c1-0000-7000-8000-{seq:012}"),
            "branch_id": SCOPE.trim_start_matches("branch:"),
            "name": format!("Room {seq}"),
            "capacity": 30,
            "created_at": "2026-06-01T09:00:00Z",
            "updated_at": "2026-06-01T09:00:00Z",
        })
        .as_object()
        .unwrap()
        .clone(),
        hlc: format!("{:012x}0000-{DEVICE}", seq),
        schema_version: DESK_SCHEMA_VERSION,
        signature: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn retries_and_replays_store_each_op_once(
        total in 1u64..40,
        // (start offset back from the acked position, batch length)
        batches in proptest::collection::vec((0u64..6, 1u64..8), 1..30),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
        let mut acked = 0u64;
        for (back, len) in batches.into_iter().chain(std::iter::repeat_n((0, 8), 10)) {
            let start = acked.saturating_sub(back) + 1;
            let end = (start + len - 1).min(total);
            if start > end { continue; }
            let ops: Vec<Op> = (start..=end).map(op).collect();
            match rt.block_on(store.push(DEVICE.into(), ops)) {
                Ok(r) => { prop_assert!(r.acked_through >= acked); acked = r.acked_through; }
                Err(StoreError::Gap { .. }) => prop_assert!(start > acked + 1),
                Err(e) => return Err(TestCaseError::fail(e.to_string())),
            }
        }
        prop_assert_eq!(acked, total);
        let page = rt.block_on(store.pull(PullRequest { cursors: [(SCOPE.to_string(), 0)].into(), limit: 0 }, 1000, usize::MAX)).unwrap();
        let seqs: Vec<u64> = page.changes.iter().map(|c| c.op.seq).collect();
        let scope_seqs: Vec<u64> = page.changes.iter().map(|c| c.scope_seq).collect();
        prop_assert_eq!(seqs, (1..=total).collect::<Vec<_>>());
        prop_assert_eq!(scope_seqs, (1..=total).collect::<Vec<_>>());
    }
}

/// Pulls the whole scope in pages of `limit`, checking each page's chain
/// against the one computed over what arrived; answers the last chain.
async fn pull_checking(store: &SqliteStore, limit: usize) -> String {
    let (mut cursor, mut mine) = (0, String::new());
    loop {
        let page = store
            .pull(PullRequest { cursors: [(SCOPE.to_owned(), cursor)].into(), limit: 0 }, limit, usize::MAX)
            .await
            .unwrap();
        for c in &page.changes {
            mine = chain_step(&mine, &c.op.op_id);
        }
        if !page.changes.is_empty() {
            assert_eq!(page.chains.get(SCOPE), Some(&mine), "page ending at {}", page.cursors[SCOPE]);
        }
        cursor = page.cursors[SCOPE];
        if !page.more {
            return mine;
        }
    }
}

#[tokio::test]
async fn a_pulled_chain_matches_the_one_computed_and_old_logs_are_chained_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    store.push(DEVICE.into(), (1..=7).map(op).collect()).await.unwrap();
    let full = pull_checking(&store, 3).await;
    let expected = (1..=7).fold(String::new(), |c, s| chain_step(&c, &op(s).op_id));
    assert_eq!(full, expected);
    drop(store);

    // A log from before chains: the store chains it when it opens.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("UPDATE change_log SET chain = NULL; UPDATE scope_counters SET chain = '';").unwrap();
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(pull_checking(&store, 4).await, expected);
    // And new changes continue the chain.
    store.push(DEVICE.into(), vec![op(8)]).await.unwrap();
    assert_eq!(pull_checking(&store, 100).await, chain_step(&expected, &op(8).op_id));
}

/// A store whose rows were kept before they carried clocks (before V6) is
/// folded again from its log when it opens: its snapshot then holds every
/// row merged by clock, as one built from the start would.
#[tokio::test]
async fn rows_kept_before_clocks_are_folded_again_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    let mut ops: Vec<Op> = (1..=3).map(op).collect();
    for (o, name) in ops.iter_mut().zip(["A", "B", "C"]) {
        o.columns.extend(serde_json::json!({ "name": name, "capacity": 10 }).as_object().unwrap().clone());
    }
    // Op 4 renames room 1; op 5, arriving later with an older clock, loses.
    let mut rename = op(4);
    rename.entity_id = op(1).entity_id;
    rename.kind = "update".into();
    rename.columns = serde_json::json!({ "name": "A renamed" }).as_object().unwrap().clone();
    let mut older = op(5);
    older.entity_id = op(1).entity_id;
    older.kind = "update".into();
    older.hlc = format!("{:012x}0000-{DEVICE}", 2);
    older.columns = serde_json::json!({ "name": "A older" }).as_object().unwrap().clone();
    ops.extend([rename, older]);
    store.push(DEVICE.into(), ops).await.unwrap();
    let snapshot = |store: SqliteStore, name: &'static str| {
        let dest = dir.path().join(name);
        async move {
            store.snapshot(DEVICE.into(), SCOPE.into(), dest.clone()).await.unwrap();
            let conn = rusqlite::Connection::open(&dest).unwrap();
            let mut stmt = conn.prepare("SELECT entity_id, data, clocks FROM rows ORDER BY rowid").unwrap();
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
            rows.collect::<rusqlite::Result<Vec<(String, String, String)>>>().unwrap()
        }
    };
    let before = snapshot(store.clone(), "before.sqlite").await;
    assert_eq!(before.len(), 3);
    assert!(before[0].1.contains("A renamed"), "{:?}", before[0]);
    drop(store);

    // As a store from before V6 left it: no clocks, no row lists, rows
    // merged in arrival order (the older rename last).
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "UPDATE entity_rows SET clocks = NULL, data = json_set(data, '$.name', 'A older')
           WHERE entity_id = '0193a0c1-0000-7000-8000-000000000001';
         UPDATE entity_rows SET clocks = NULL;
         DELETE FROM scope_rows;
         UPDATE scope_counters SET max_hlc = '';",
    )
    .unwrap();
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(snapshot(store, "after.sqlite").await, before);
}
