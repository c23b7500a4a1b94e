//! In the real app window: a desk whose data file was cut short (a copy
//! interrupted, a failing disk) opens a recovery screen instead of closing,
//! offers the newest good backup, puts it in place with the damaged file
//! kept aside, and the director signs in to the data of that backup.

use branchdesk_api::commands::backups::TakeBackup;
use branchdesk_api::commands::org::SaveRoom;
use branchdesk_e2e::*;

/// A desk with the room "Physics Lab" in its newest backup, then its data
/// file cut to a third.
fn seed(dir: &std::path::Path) {
    let (desk, director, branch) = seed_desk(dir);
    desk.save_room(
        &director,
        SaveRoom { id: None, branch_id: branch, name: "Physics Lab".into(), capacity: 30 },
    )
    .expect("room");
    desk.take_backup(&director, TakeBackup {}).expect("backup");
    drop(desk);
    let live = dir.join(branchdesk_desk::db::DB_FILE);
    let len = std::fs::metadata(&live).expect("the data file").len();
    std::fs::OpenOptions::new().write(true).open(&live).expect("open").set_len(len / 3).expect("cut short");
}

#[tokio::test]
async fn a_damaged_data_file_opens_the_recovery_screen_and_the_newest_backup_brings_the_desk_back() {
    if !ui_tests_enabled(
        "a_damaged_data_file_opens_the_recovery_screen_and_the_newest_backup_brings_the_desk_back",
    ) {
        return;
    }
    let app = App::launch(seed).await;
    let screen = app.wait_text("#recovery", "could not be opened").await;
    assert!(screen.contains("manual"), "the manual backup is offered: {screen}");
    assert!(screen.contains("(newest)"), "{screen}");
    app.screenshot("recovery-screen").await;
    // Enter on the form restores the chosen (newest) backup.
    app.click("#recovery-restore").await;
    let notice = app.wait_text("#login-notice", "back in place").await;
    assert!(notice.contains("damaged"), "where the damaged file went: {notice}");
    app.screenshot("recovery-restored").await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click_centred("[data-area='Rooms']").await;
    app.wait_text("main", "Physics Lab").await;
    app.screenshot("recovery-rooms-back").await;
    app.close().await;
}

/// In the real app window: the key store lost the desk's key. The desk
/// says its data is locked (not damaged), offers no backup over it, and
/// the recovery key — typed in lower case with spaces — opens it again.
#[tokio::test]
async fn a_lost_key_opens_the_locked_screen_and_the_recovery_key_opens_the_data() {
    if !ui_tests_enabled("a_lost_key_opens_the_locked_screen_and_the_recovery_key_opens_the_data") {
        return;
    }
    let recovery_key = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let kept = recovery_key.clone();
    let app = App::launch(move |dir: &std::path::Path| {
        let (desk, director, branch) = seed_desk(dir);
        desk.save_room(
            &director,
            SaveRoom { id: None, branch_id: branch, name: "Kept Room".into(), capacity: 12 },
        )
        .expect("room");
        let key = desk
            .get_recovery_key(
                &director,
                branchdesk_api::commands::backups::GetRecoveryKey { password: DIRECTOR_PASSWORD.into() },
            )
            .expect("the recovery key");
        *kept.lock().expect("key") = key.key;
        drop(desk);
        // This machine has no key store: the key is in the fallback file.
        std::fs::remove_file(dir.join(branchdesk_desk::db::key::KEY_FILE)).expect("the key file");
    })
    .await;
    let screen = app.wait_text("#recovery", "locked").await;
    assert!(!screen.contains("Restore"), "no backup is offered over locked data: {screen}");
    app.type_into("#field-recovery_key", "ABCD EFGH").await;
    app.click("#unlock").await;
    app.wait_text("#recovery .field-error", "52 letters").await;
    app.screenshot("locked-screen-wrong-key").await;
    let typed = recovery_key.lock().expect("key").to_lowercase().replace('-', " ");
    app.type_into("#field-recovery_key", &typed).await;
    app.screenshot("locked-screen").await;
    app.click("#unlock").await;
    app.wait_text("#login-notice", "open again").await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click_centred("[data-area='Rooms']").await;
    app.wait_text("main", "Kept Room").await;
    app.close().await;
}
