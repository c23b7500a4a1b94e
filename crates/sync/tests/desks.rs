//! The desks linked to a server: a desk following one branch follows
//! another after linking again with a code for both (keeping its number);
//! the desk list shows every desk; a revoked desk is refused and says so;
//! a branch desk cannot revoke a desk holding branches it does not.

mod support;

use branchdesk_api::commands::org::{SaveBranch, SaveRoom};
use branchdesk_api::ids::BranchId;
use branchdesk_sync::SyncError;
use support::{node, sign_in, Node};

fn url(n: &Node) -> String {
    n.desk.sync_config().unwrap().server_url.unwrap()
}

fn room(n: &Node, branch: BranchId, name: &str) {
    n.desk
        .save_room(n.actor(), SaveRoom { id: None, branch_id: branch, name: name.into(), capacity: 10 })
        .unwrap();
}

fn rooms_in(n: &Node, branch: BranchId) -> i64 {
    let c = branchdesk_desk::db::open_connection(n.desk.data_dir(), branchdesk_desk::KeyStore::File).unwrap();
    c.query_row("SELECT count(*) FROM rooms WHERE branch_id = ?1", [branch.to_string()], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_desk_of_one_branch_follows_another_after_linking_with_a_code_for_both() {
    let rt = support::runtime();
    let (_server, client, mut nodes, a) = support::network(&rt, &[0]);
    let b = nodes[0]
        .desk
        .save_branch(
            nodes[0].actor(),
            SaveBranch { id: None, code: "HSR".into(), name: "HSR Layout".into(), ..Default::default() },
        )
        .unwrap()
        .id;
    room(&nodes[0], a, "Room A");
    room(&nodes[0], b, "Room B");
    rt.block_on(client.sync(&nodes[0].desk)).unwrap();

    let mut desk = node(5);
    let code = rt
        .block_on(client.issue_code(
            &nodes[0].desk,
            nodes[0].desk.signed_in_here().first().copied(),
            Some(vec![format!("branch:{a}")]),
        ))
        .unwrap()
        .code;
    rt.block_on(client.link(&desk.desk, &url(&nodes[0]), &code)).unwrap();
    rt.block_on(client.sync(&desk.desk)).unwrap();
    sign_in(&mut desk);
    assert_eq!((rooms_in(&desk, a), rooms_in(&desk, b)), (1, 0), "branch A only");
    let number = desk.desk.desk_no().unwrap();

    let both = Some(vec![format!("branch:{a}"), format!("branch:{b}")]);
    let code = rt
        .block_on(client.issue_code(&nodes[0].desk, nodes[0].desk.signed_in_here().first().copied(), both))
        .unwrap()
        .code;
    rt.block_on(client.link(&desk.desk, &url(&nodes[0]), &code)).unwrap();
    rt.block_on(client.sync(&desk.desk)).unwrap();
    assert_eq!((rooms_in(&desk, a), rooms_in(&desk, b)), (1, 1), "branch B arrives too");
    assert_eq!(desk.desk.desk_no().unwrap(), number, "it keeps its desk number (and receipt series)");
    nodes.push(desk);
    let listed = rt.block_on(client.linked_desks(&nodes[0].desk)).unwrap();
    assert_eq!(listed.len(), 2, "one entry per desk, not per linking: {listed:?}");
}

#[test]
fn a_revoked_desk_is_refused_and_listed_as_revoked() {
    let rt = support::runtime();
    let (_server, client, mut nodes, a) = support::network(&rt, &[0, 5]);
    rt.block_on(client.sync(&nodes[0].desk)).unwrap();
    rt.block_on(client.sync(&nodes[1].desk)).unwrap();
    sign_in(&mut nodes[1]);
    let listed = rt.block_on(client.linked_desks(&nodes[0].desk)).unwrap();
    assert_eq!(listed.iter().map(|d| d.desk_no).collect::<Vec<_>>(), [1, 2]);
    assert!(listed.iter().all(|d| d.revoked_at.is_none()));
    assert!(listed[0].last_push_at.is_some(), "desk 1 uploaded the organisation");

    // A desk of branch A alone may not revoke the all-branch desks.
    let mut small = node(9);
    let code = rt
        .block_on(client.issue_code(
            &nodes[0].desk,
            nodes[0].desk.signed_in_here().first().copied(),
            Some(vec![format!("branch:{a}")]),
        ))
        .unwrap()
        .code;
    rt.block_on(client.link(&small.desk, &url(&nodes[0]), &code)).unwrap();
    rt.block_on(client.sync(&small.desk)).unwrap();
    sign_in(&mut small);
    let e = rt
        .block_on(client.revoke_desk(&small.desk, small.desk.signed_in_here()[0], nodes[1].desk.device_id()))
        .unwrap_err();
    assert!(matches!(&e, SyncError::Refused { status: 403, .. }), "{e}");

    let e = rt
        .block_on(client.revoke_desk(
            &nodes[0].desk,
            nodes[0].desk.signed_in_here()[0],
            "0193a0c0-0000-7000-8000-000000000bad",
        ))
        .unwrap_err();
    assert!(
        matches!(&e, SyncError::Refused { status: 422, body } if body.field.as_deref() == Some("device_id")),
        "an unknown desk is named as the bad field: {e}"
    );
    let after = rt
        .block_on(client.revoke_desk(
            &nodes[0].desk,
            nodes[0].desk.signed_in_here()[0],
            nodes[1].desk.device_id(),
        ))
        .unwrap();
    assert!(after.iter().find(|d| d.device_id == nodes[1].desk.device_id()).unwrap().revoked_at.is_some());
    room(&nodes[1], a, "Made after the revocation");
    let e = rt.block_on(client.sync(&nodes[1].desk)).unwrap_err();
    assert!(e.to_string().contains("unlinked"), "{e}");
    let state = nodes[1].desk.sync_state().unwrap();
    assert!(state.last_error.unwrap_or_default().contains("unlinked"), "the desk says why");
    assert_eq!(state.pending_changes, 1, "its change stays on it");
}
