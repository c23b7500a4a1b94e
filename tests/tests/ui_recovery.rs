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
    app.click("[data-area='Rooms']").await;
    app.wait_text("main", "Physics Lab").await;
    app.screenshot("recovery-rooms-back").await;
    app.close().await;
}
