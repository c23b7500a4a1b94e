//! Rows that moved branch. A transfer is published from the branch the
//! student leaves (its desks may not write elsewhere); when an accepted op
//! leaves a movable row in another branch, the server logs the whole row
//! again in that branch's scope, so desks following only the new branch
//! receive it. Pure: the stores call [`carried`] after each accepted op.

use branchdesk_api::sync::{Op, MOVABLE_ENTITIES};
use serde_json::{Map, Value};

/// The copy of `op` for the branch `row` (as it stands after `op`) now
/// belongs to, when that is not the scope `op` was published in.
pub fn carried(op: &Op, row: &Map<String, Value>) -> Option<Op> {
    if !MOVABLE_ENTITIES.contains(&op.entity.as_str()) || !op.scope.starts_with("branch:") {
        return None;
    }
    let scope = format!("branch:{}", row.get("branch_id")?.as_str()?);
    if scope == op.scope {
        return None;
    }
    let columns: Map<String, Value> =
        row.iter().filter(|(k, _)| *k != "id").map(|(k, v)| (k.clone(), v.clone())).collect();
    // A distinct, repeatable id: the same op carried twice is one change.
    let namespace = uuid::Uuid::from_u128(0x8c41_2f0e_5b7a_4d93_a6e2_19f0_7c3d_b58e);
    let op_id = uuid::Uuid::new_v5(&namespace, format!("{}\u{0}{scope}", op.op_id).as_bytes()).to_string();
    Some(Op { op_id, scope, kind: "insert".into(), columns, ..op.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(entity: &str, scope: &str, cols: Value) -> Op {
        Op {
            seq: 7,
            op_id: "0191-op".into(),
            author_user_id: Some("u".into()),
            scope: scope.into(),
            entity: entity.into(),
            entity_id: "s1".into(),
            kind: "update".into(),
            columns: cols.as_object().unwrap().clone(),
            hlc: "h".into(),
            schema_version: 7,
        }
    }

    #[test]
    fn a_student_leaving_a_branch_is_carried_whole_into_the_new_one() {
        let o = op("students", "branch:A", json!({ "branch_id": "B" }));
        let row = json!({ "id": "s1", "branch_id": "B", "full_name": "Asha", "code": "K1" });
        let copy = carried(&o, row.as_object().unwrap()).expect("carried");
        assert_eq!(copy.scope, "branch:B");
        assert_eq!(copy.columns.get("full_name"), Some(&json!("Asha")));
        assert!(!copy.columns.contains_key("id"));
        assert_ne!(copy.op_id, o.op_id);
        assert_eq!(copy.op_id, carried(&o, row.as_object().unwrap()).unwrap().op_id, "repeatable");
        assert_eq!((copy.seq, copy.hlc.as_str()), (7, "h"));
    }

    #[test]
    fn rows_staying_in_their_branch_and_other_tables_are_not_carried() {
        let row = json!({ "id": "s1", "branch_id": "A" });
        assert!(carried(&op("students", "branch:A", json!({ "full_name": "x" })), row.as_object().unwrap())
            .is_none());
        let moved = json!({ "id": "r1", "branch_id": "B" });
        assert!(carried(&op("rooms", "branch:A", json!({ "branch_id": "B" })), moved.as_object().unwrap())
            .is_none());
        assert!(carried(&op("students", "org", json!({ "branch_id": "B" })), moved.as_object().unwrap())
            .is_none());
    }
}
