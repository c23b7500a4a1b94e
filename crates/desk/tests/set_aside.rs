//! A pulled change this desk cannot apply — a value its schema refuses, a
//! table it does not keep, an update of recorded money — is set aside with
//! its reason and listed beside refused changes; the rest of the page
//! applies and the cursor moves on, so one bad change never stalls a scope.

mod common;

use branchdesk_api::commands::org::SaveRoom;
use branchdesk_api::sync::Change;
use common::*;
use serde_json::json;

#[test]
fn a_change_this_desk_cannot_apply_is_set_aside_and_the_page_goes_on() {
    let f = fixture();
    let scope = format!("branch:{}", f.branch);
    let room = f
        .desk
        .save_room(&f.director, SaveRoom { id: None, branch_id: f.branch, name: "Lab".into(), capacity: 20 })
        .unwrap();
    let later = 4_000_000_000_000;
    let numbered = |mut c: Change, seq: u64| {
        c.scope_seq = seq;
        c
    };
    let mut unknown = pulled_update("rooms", room.id, &scope, json!({ "name": "x" }), later);
    unknown.op.entity = "exam_halls".into();
    let page = vec![
        numbered(pulled_update("rooms", room.id, &scope, json!({ "capacity": -5 }), later), 1),
        numbered(pulled_update("receipts", room.id, &scope, json!({ "amount_minor": 1 }), later), 2),
        numbered(unknown, 3),
        numbered(pulled_update("rooms", room.id, &scope, json!({ "name": "Physics Lab" }), later + 1), 4),
    ];
    let cursors = [(scope.clone(), 4)].into();
    let report = f.desk.apply_pulled(&page, &cursors, &Default::default()).expect("the page applies");
    assert_eq!((report.applied, report.set_aside), (1, 3), "{report:?}");
    let rooms = f.count("SELECT count(*) FROM rooms WHERE name = 'Physics Lab' AND capacity = 20");
    assert_eq!(rooms, 1, "the good change behind the bad ones applied; the bad value did not");
    assert!(f.desk.sync_cursors().unwrap().contains(&(scope.clone(), 4)), "the cursor moved on");
    let listed = f.desk.refused_changes().unwrap();
    let why: Vec<String> = listed.iter().map(|r| format!("{} {}: {}", r.kind, r.entity, r.reason)).collect();
    assert_eq!(listed.len(), 3, "{why:?}");
    assert!(why.iter().any(|w| w.starts_with("received update rooms") && w.contains("CHECK")), "{why:?}");
    assert!(why.iter().any(|w| w.contains("receipts") && w.contains("never changed")), "{why:?}");
    assert!(why.iter().any(|w| w.contains("exam_halls")), "{why:?}");
    assert_eq!(f.desk.sync_state().unwrap().refused_changes, 3);
    // The same page again (a retry) sets nothing aside twice.
    f.desk.apply_pulled(&page, &cursors, &Default::default()).unwrap();
    assert_eq!(f.desk.refused_changes().unwrap().len(), 3);
}
