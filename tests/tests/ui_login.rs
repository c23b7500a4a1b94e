//! In the real app window: a wrong password shows the error beside the
//! field; five wrong passwords lock the account and say until when.

use branchdesk_e2e::*;

#[tokio::test]
async fn wrong_passwords_show_the_error_and_five_lock_the_account() {
    if !ui_tests_enabled("wrong_passwords_show_the_error_and_five_lock_the_account") {
        return;
    }
    let app = App::launch(seed_organisation).await;
    app.find("#login-form").await;
    app.type_into("#field-email", DIRECTOR_EMAIL).await;

    app.type_into("#field-password", "Not-My-Password-1").await;
    app.find("#field-password").await.send_keys(ENTER).await.unwrap();
    let msg = app.wait_text(".has-error .field-error", "Wrong email or password").await;
    assert!(msg.contains("4 tries left"), "{msg}");
    app.screenshot("login-wrong-password").await;

    for left in (1..4).rev() {
        app.type_into("#field-password", "Not-My-Password-1").await;
        app.click("#login-submit").await;
        let word = if left == 1 { "try" } else { "tries" };
        app.wait_text(".has-error .field-error", &format!("{left} {word} left")).await;
    }
    app.type_into("#field-password", "Not-My-Password-1").await;
    app.click("#login-submit").await;
    let locked = app.wait_text(".form-error", "locked until").await;
    assert!(locked.contains("Too many wrong passwords"), "{locked}");

    // The right password is refused while the lock lasts.
    app.type_into("#field-password", DIRECTOR_PASSWORD).await;
    app.click("#login-submit").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    app.wait_text(".form-error", "locked until").await;
    assert!(app.client.find(fantoccini::Locator::Css("#areas")).await.is_err(), "signed in despite the lock");
    app.screenshot("login-locked").await;
    app.close().await;
}
