//! Property: however a device's ops are split into batches, retried and
//! replayed, the server stores each exactly once, in seq order, with a
//! gap-free scope_seq.

use branchdesk_api::sync::{Op, PullRequest, DESK_SCHEMA_VERSION};
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
        columns: Default::default(),
        hlc: format!("{:012x}0000-{DEVICE}", seq),
        schema_version: DESK_SCHEMA_VERSION,
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
        let page = rt.block_on(store.pull(PullRequest { cursors: [(SCOPE.to_string(), 0)].into(), limit: 0 }, 1000)).unwrap();
        let seqs: Vec<u64> = page.changes.iter().map(|c| c.op.seq).collect();
        let scope_seqs: Vec<u64> = page.changes.iter().map(|c| c.scope_seq).collect();
        prop_assert_eq!(seqs, (1..=total).collect::<Vec<_>>());
        prop_assert_eq!(scope_seqs, (1..=total).collect::<Vec<_>>());
    }
}
