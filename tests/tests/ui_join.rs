//! In the real app window: a new desk joins an organisation from a real
//! sync server (in this process, over loopback HTTP), then its director signs
//! in there and finds the other desk's rooms.

use branchdesk_api::commands::org::SaveRoom;
use branchdesk_api::commands::session::Login;
use branchdesk_e2e::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_desk_joins_from_the_server_and_the_director_signs_in() {
    if !ui_tests_enabled("a_new_desk_joins_from_the_server_and_the_director_signs_in") {
        return;
    }
    // The server, and a first desk that created the organisation and a room.
    let server_dir = tempfile::tempdir().unwrap();
    let store =
        branchdesk_server::store::sqlite::SqliteStore::open(&server_dir.path().join("s.sqlite")).unwrap();
    let bootstrap = branchdesk_server::store::Store::bootstrap_code(&store).await.unwrap().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(branchdesk_server::serve(listener, store));
    let first_dir = tempfile::tempdir().unwrap();
    seed_organisation(first_dir.path());
    let first = branchdesk_desk::Desk::open(branchdesk_desk::DeskConfig::new(first_dir.path())).unwrap();
    let (token, me) =
        first.login(Login { email: DIRECTOR_EMAIL.into(), password: DIRECTOR_PASSWORD.into() }).unwrap();
    let actor = first.actor(&token).unwrap();
    first
        .save_room(
            &actor,
            SaveRoom { id: None, branch_id: me.branches[0].id, name: "Physics Lab".into(), capacity: 24 },
        )
        .unwrap();
    let client = branchdesk_sync::Client::new();
    client.link(&first, &url, &bootstrap).await.unwrap();
    client.sync(&first).await.unwrap();
    let code = client.issue_code(&first, first.signed_in_here().first().copied(), None).await.unwrap().code;

    // The new desk, in the real window.
    let app = App::launch(|_| {}).await;
    app.find("#setup-form").await;
    app.click("#join-instead").await;
    app.type_into("#field-server_url", "not a url").await;
    app.find("#field-server_url").await.send_keys(ENTER).await.unwrap();
    app.wait_text(".has-error .field-error", "server's address").await;
    app.type_into("#field-server_url", &url).await;
    app.type_into("#field-code", "WRONG-CODE").await;
    app.find("#field-code").await.send_keys(ENTER).await.unwrap();
    app.wait_text(".has-error .field-error", "code is wrong").await;
    app.type_into("#field-code", &code.to_lowercase()).await;
    app.find("#field-code").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#login-notice", "Kiran Coaching").await;

    app.type_into("#field-email", DIRECTOR_EMAIL).await;
    app.type_into("#field-password", DIRECTOR_PASSWORD).await;
    app.find("#field-password").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#signed-in-as", "Meera Iyer").await;
    app.click_centred("[data-area='Rooms']").await;
    app.wait_text("#rooms-table", "Physics Lab").await;
    app.wait_text("#sync-status", "Online").await;

    // A room added here reaches the server without anyone pressing Sync:
    // the worker pushes shortly after each change.
    app.type_into("#field-name", "Annexe").await;
    app.type_into("#field-capacity", "12").await;
    app.find("#field-capacity").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#rooms-table", "Annexe").await;
    app.wait_text("#sync-status", "no changes waiting").await;
    client.sync(&first).await.unwrap();
    let rooms = first
        .list_rooms(
            &actor,
            branchdesk_api::commands::org::ListRooms {
                branch_id: me.branches[0].id,
                include_inactive: false,
            },
        )
        .unwrap();
    assert!(rooms.iter().any(|r| r.name == "Annexe"), "the first desk got the room through the server");
    app.screenshot("join-rooms").await;

    // Settings lists both desks; revoking the first one stops it syncing.
    app.click_centred("[data-area='Settings']").await;
    let desks = app.wait_text("#linked-desks", "D2 (this desk)").await;
    assert!(desks.contains("D1"), "{desks}");
    // A linked desk keeps no mail settings: the server sends.
    app.wait_text("#server-sends", "the server sends the organisation's messages").await;
    assert_eq!(app.count("#save-email-channel").await, 0, "no mail form on a linked desk");
    app.screenshot("join-settings").await;
    app.click("#linked-desks button.revoke").await;
    app.client.accept_alert().await.unwrap();
    app.wait_text("#linked-desks", "revoked").await;
    let e = client.sync(&first).await.unwrap_err();
    assert!(e.to_string().contains("unlinked"), "{e}");
    app.screenshot("linked-desks").await;
    app.close().await;
}
