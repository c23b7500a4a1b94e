//! In the real app window at 1366 × 768: the director gives a colleague a
//! reset code; the colleague types it as a tired person would (lower case,
//! spaces for dashes) on the sign-in screen, sets a new password and signs
//! in with it; a change this desk received but could not apply is listed
//! in Settings with its reason; a change made before the update waits for
//! its author, and the status bar says so until he signs in.

use branchdesk_api::commands::org::SaveRoom;
use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::students::SaveStudent;
use branchdesk_api::commands::users::{CreateUser, NewGrant};
use branchdesk_api::sync::{Change, Op, DESK_SCHEMA_VERSION};
use branchdesk_e2e::*;

const RAVI: &str = "ravi@example.com";

/// The organisation, Ravi Kumar (back office in the first branch), and a
/// received change the desk set aside (a room's capacity its schema
/// refuses).
fn seed(dir: &std::path::Path) {
    let (desk, director, branch) = seed_desk(dir);
    let role = desk
        .list_roles(&director, Default::default())
        .expect("roles")
        .into_iter()
        .find(|r| r.name == "BACKOFFICE")
        .expect("a back-office role")
        .id;
    desk.create_user(
        &director,
        CreateUser {
            full_name: "Ravi Kumar".into(),
            email: RAVI.into(),
            phone: String::new(),
            password: "Teak-Window-57".into(),
            grants: vec![NewGrant { role_id: role, branch_id: Some(branch), expires_on: None }],
        },
    )
    .expect("Ravi");
    // Ravi admitted a student on this desk before it was updated: the op
    // carries no signature and waits for his next sign-in here.
    let (token, _) =
        desk.login(Login { email: RAVI.into(), password: "Teak-Window-57".into() }).expect("Ravi signs in");
    let ravi = desk.actor(&token).expect("Ravi");
    let student = SaveStudent {
        branch_id: branch,
        full_name: "Kavya Menon".into(),
        date_of_birth: "2001-02-03".into(),
        ..Default::default()
    };
    desk.save_student(&ravi, student).expect("a student");
    desk.logout(&token).expect("Ravi signs out");
    let raw = branchdesk_desk::db::open_connection(dir, branchdesk_desk::KeyStore::from_env())
        .expect("the desk's file");
    raw.execute("UPDATE outbox SET signature = NULL WHERE author_user_id = ?1", [ravi.user_id.to_string()])
        .expect("unsigned");
    let room = desk
        .save_room(&director, SaveRoom { id: None, branch_id: branch, name: "Lab".into(), capacity: 20 })
        .expect("room");
    let scope = format!("branch:{branch}");
    let device = "0193a0c0-0000-7000-8000-00000000cafe";
    let bad = Change {
        scope: scope.clone(),
        scope_seq: 1,
        device_id: device.into(),
        op: Op {
            seq: 1,
            op_id: uuid::Uuid::now_v7().to_string(),
            author_user_id: Some(director.user_id.to_string()),
            scope: scope.clone(),
            entity: "rooms".into(),
            entity_id: room.id.to_string(),
            kind: "update".into(),
            columns: serde_json::json!({ "capacity": -5 }).as_object().cloned().unwrap_or_default(),
            hlc: format!("{:012x}0000-{device}", 4_000_000_000_000u64),
            schema_version: DESK_SCHEMA_VERSION,
            signature: None,
        },
    };
    let report = desk.apply_pulled(&[bad], &[(scope, 1)].into(), &Default::default()).expect("the page");
    assert_eq!(report.set_aside, 1, "{report:?}");
}

#[tokio::test]
async fn a_reset_code_typed_loosely_sets_a_new_password_and_a_set_aside_change_is_listed() {
    if !ui_tests_enabled("a_reset_code_typed_loosely_sets_a_new_password_and_a_set_aside_change_is_listed") {
        return;
    }
    let app = App::launch(seed).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    let waiting = app.wait_text("#held-for", "Ravi Kumar").await;
    assert!(waiting.contains("sign in here"), "{waiting}");
    app.screenshot("status-bar-waits-for-a-sign-in").await;

    // Settings lists the change that could not be applied, and why.
    app.click_centred("[data-area='Settings']").await;
    let listed = app.wait_text("#refused-changes", "received update rooms").await;
    assert!(listed.contains("CHECK") || listed.contains("capacity"), "{listed}");
    app.screenshot("settings-set-aside-change").await;

    // Users → Reset code for Ravi.
    app.click_centred("[data-area='Users']").await;
    app.find("#users-table").await;
    let row = app.wait_text("#users-table", "Ravi Kumar").await;
    assert!(row.contains(RAVI), "{row}");
    app.click_button("tr", "Ravi Kumar", "Reset code").await;
    let panel = app.wait_text("#reset-code", "Reset code for Ravi Kumar").await;
    let code = app.text("#reset-code .code").await;
    assert_eq!(code.len(), 19, "XXXX-XXXX-XXXX-XXXX: {code} in {panel}");
    app.screenshot("users-reset-code").await;
    app.click("#sign-out").await;

    // Ravi types it loosely: lower case, spaces where the dashes were.
    app.find("#login-form").await;
    app.click_button("form", "Sign in", "I have a reset code").await;
    app.type_into("#field-email", RAVI).await;
    app.type_into("#field-code", &code.to_lowercase().replace('-', " ")).await;
    app.type_into("#field-new_password", "Copper-Lantern-38").await;
    app.screenshot("login-reset-code").await;
    app.click("#login-submit").await;
    app.wait_text("#login-notice", "Password set").await;
    app.sign_in(RAVI, "Copper-Lantern-38").await;
    // His sign-in signed the change that waited.
    app.wait_gone("#held-for").await;
    app.screenshot("signed-in-after-reset").await;
    app.close().await;
}
