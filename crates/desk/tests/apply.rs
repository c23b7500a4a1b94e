//! Applying pulled changes on a desk: the merge rules on their own, without
//! a server (through one in `crates/sync/tests`).

mod common;

use branchdesk_api::commands::org::ListRooms;
use branchdesk_api::sync::{Change, Op, DESK_SCHEMA_VERSION};
use common::*;

fn room_change(branch: &str, name: &str, extra: Option<(&str, serde_json::Value)>) -> Change {
    let device = "0193a0c0-0000-7000-8000-00000000beef";
    let mut columns = serde_json::json!({
        "branch_id": branch, "name": name, "capacity": 30, "active": true,
        "created_at": "2026-06-01T09:00:00Z", "updated_at": "2026-06-01T09:00:00Z",
    })
    .as_object()
    .unwrap()
    .clone();
    if let Some((col, value)) = extra {
        columns.insert(col.into(), value);
    }
    let scope = format!("branch:{branch}");
    Change {
        scope: scope.clone(),
        scope_seq: 1,
        device_id: device.into(),
        op: Op {
            seq: 1,
            op_id: uuid::Uuid::now_v7().to_string(),
            author_user_id: None,
            scope,
            entity: "rooms".into(),
            entity_id: uuid::Uuid::now_v7().to_string(),
            kind: "insert".into(),
            columns,
            hlc: format!("{:012x}0000-{device}", 1_800_000_000_000u64),
            schema_version: DESK_SCHEMA_VERSION + 1,
        },
    }
}

/// A change from a desk a schema ahead carries a column this desk lacks:
/// the columns it knows still apply, the unknown one is counted and left.
#[test]
fn a_change_with_a_column_this_desk_lacks_applies_the_ones_it_knows() {
    let f = fixture();
    let branch = f.branch.to_string();
    let change = room_change(&branch, "Lab 2", Some(("floor_plan", serde_json::json!("ground"))));
    let cursors = [(change.scope.clone(), 1)].into();
    let report = f.desk.apply_pulled(&[change], &cursors, &Default::default()).unwrap();
    assert_eq!((report.applied, report.unknown_columns), (1, 1), "{report:?}");
    let rooms =
        f.desk.list_rooms(&f.director, ListRooms { branch_id: f.branch, include_inactive: true }).unwrap();
    assert!(rooms.iter().any(|r| r.name == "Lab 2" && r.capacity == 30), "{rooms:?}");
}
