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
            signature: None,
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

/// "Lab 1" (20 seats), saved on this desk.
fn lab(f: &Fixture) -> branchdesk_api::commands::org::Room {
    let room = branchdesk_api::commands::org::SaveRoom {
        id: None,
        branch_id: f.branch,
        name: "Lab 1".into(),
        capacity: 20,
    };
    f.desk.save_room(&f.director, room).unwrap()
}

/// The newest op of this desk's outbox, as the server sends it back.
fn own_latest(f: &Fixture) -> Change {
    f.conn()
        .query_row(
            "SELECT seq, op_id, device_id, author_user_id, scope, entity, entity_id, kind, columns, hlc, schema_version
             FROM outbox ORDER BY seq DESC LIMIT 1",
            [],
            |r| {
                let columns: String = r.get(8)?;
                Ok(Change {
                    scope: r.get(4)?,
                    scope_seq: 1,
                    device_id: r.get(2)?,
                    op: Op {
                        seq: r.get::<_, i64>(0)? as u64,
                        op_id: r.get(1)?,
                        author_user_id: r.get(3)?,
                        scope: r.get(4)?,
                        entity: r.get(5)?,
                        entity_id: r.get(6)?,
                        kind: r.get(7)?,
                        columns: serde_json::from_str(&columns).unwrap(),
                        hlc: r.get(9)?,
                        schema_version: r.get(10)?,
                        signature: None,
                    },
                })
            },
        )
        .unwrap()
}

/// The desk's own change coming back is counted as returned and marked, so
/// later pages no longer weigh it against pulled changes.
#[test]
fn the_desks_own_change_coming_back_is_marked_returned() {
    let f = fixture();
    lab(&f);
    let mine = own_latest(&f);
    assert_eq!(mine.device_id, f.desk.device_id());
    let pending = "SELECT count(*) FROM outbox WHERE echoed_at IS NULL";
    let before = f.count(pending);
    let cursors = [(mine.scope.clone(), 1)].into();
    let report = f.desk.apply_pulled(&[mine], &cursors, &Default::default()).unwrap();
    assert_eq!(report.echoed, 1, "{report:?}");
    assert_eq!(f.count(pending), before - 1, "the returned change is marked");
}

/// A pulled edit that loses to this desk's newer edit of the same room is
/// listed for review only where the two sides differ: not a column both
/// set alike, not the row's bookkeeping (`updated_at`).
#[test]
fn a_losing_value_is_listed_only_where_the_two_sides_differ() {
    let f = fixture();
    let room = lab(&f);
    // Another desk, earlier (its clock before this desk's edit), set the
    // same name and another capacity.
    let mut theirs = room_change(&f.branch.to_string(), "Lab 1", None);
    theirs.op.kind = "update".into();
    theirs.op.entity_id = room.id.to_string();
    theirs.op.schema_version = DESK_SCHEMA_VERSION;
    theirs.op.columns = serde_json::json!({
        "name": "Lab 1", "capacity": 25, "updated_at": "2026-05-01T09:00:00Z",
    })
    .as_object()
    .unwrap()
    .clone();
    theirs.op.hlc = format!("{:012x}0000-{}", 1_700_000_000_000u64, theirs.device_id);
    let cursors = [(theirs.scope.clone(), 1)].into();
    f.desk.apply_pulled(&[theirs], &cursors, &Default::default()).unwrap();
    let cols: Vec<String> = {
        let conn = f.conn();
        let mut stmt = conn.prepare("SELECT col FROM conflicts ORDER BY col").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    assert_eq!(cols, ["capacity"], "only the capacity differs; the name is alike, updated_at is bookkeeping");
    let rooms =
        f.desk.list_rooms(&f.director, ListRooms { branch_id: f.branch, include_inactive: true }).unwrap();
    assert!(rooms.iter().any(|r| r.name == "Lab 1" && r.capacity == 20), "this desk's newer edit wins");
}
