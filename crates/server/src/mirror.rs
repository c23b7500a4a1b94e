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
    Some(Op {
        op_id,
        scope,
        kind: "insert".into(),
        columns,
        signature: Some(branchdesk_api::sync::SERVER_MARK.into()),
        ..op.clone()
    })
}

/// The review row the server writes beside flagged money: id derived from
/// the op (a retried push makes it once), in the money's branch scope.
pub fn review(op: &Op, row: &Map<String, Value>, reason: &str, now: &str) -> Option<Op> {
    let branch = row.get("branch_id")?.as_str()?;
    let namespace = uuid::Uuid::from_u128(0x3f9a_c216_8e4d_4b07_a5c1_72e8_d90b_614f);
    let id = uuid::Uuid::new_v5(&namespace, op.op_id.as_bytes()).to_string();
    let columns: Map<String, Value> = serde_json::json!({
        "branch_id": branch,
        "entity": op.entity,
        "entity_id": op.entity_id,
        "reason": reason,
        "author_user_id": op.author_user_id,
        "flagged_at": now,
        "reviewed_at": null,
        "reviewed_by": null,
        "review_note": "",
        "created_at": now,
        "updated_at": now,
    })
    .as_object()
    .cloned()
    .unwrap_or_default();
    Some(Op {
        op_id: id.clone(),
        scope: format!("branch:{branch}"),
        entity: "money_reviews".into(),
        entity_id: id,
        kind: "insert".into(),
        columns,
        author_user_id: None,
        signature: Some(branchdesk_api::sync::SERVER_MARK.into()),
        ..op.clone()
    })
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
            signature: None,
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
    fn flagged_money_gets_one_review_row_in_its_branch() {
        let o = op("receipts", "branch:A", json!({ "branch_id": "A", "amount_minor": 5 }));
        let row = json!({ "id": "s1", "branch_id": "A" });
        let r = review(&o, row.as_object().unwrap(), "why", "2026-06-01T09:00:00Z").expect("review");
        assert_eq!((r.scope.as_str(), r.entity.as_str()), ("branch:A", "money_reviews"));
        assert_eq!(r.op_id, r.entity_id);
        assert_eq!(r.columns.get("entity_id"), Some(&json!("s1")));
        assert_eq!(
            r.op_id,
            review(&o, row.as_object().unwrap(), "why", "later").unwrap().op_id,
            "repeatable"
        );
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
