//! In the real app window at 1366 × 768: the director's role handles
//! money, so Today says two-factor sign-in is due and by when; she sets it
//! up on My account (QR code on screen, the key beside it) with the code
//! her app shows and her password, keeps the recovery codes, signs out,
//! and signs in again: the password alone asks for the code, and the code
//! typed with a space lets her in.

use branchdesk_desk::auth::two_factor::{code_at, from_base32, step_of};
use branchdesk_e2e::*;

/// The code an authenticator app shows `ahead` steps from now.
fn app_code(secret: &[u8], ahead: u64) -> String {
    format!("{:06}", code_at(secret, step_of(chrono::Utc::now()) as u64 + ahead))
}

#[tokio::test]
async fn the_director_sets_up_two_factor_sign_in_and_signs_in_with_a_code() {
    if !ui_tests_enabled("the_director_sets_up_two_factor_sign_in_and_signs_in_with_a_code") {
        return;
    }
    let app = App::launch(seed_organisation).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    let due = app.wait_text("#two-factor-due", "two-factor sign-in").await;
    assert!(due.contains("Set it up by"), "{due}");
    app.screenshot("two-factor-due-on-today").await;
    app.click("#two-factor-due button").await;

    app.click("#two-factor-start").await;
    app.find("#two-factor-qr").await;
    let key = app.text("#two-factor-secret").await;
    let secret = from_base32(&key).expect("the key is base32");
    assert_eq!(secret.len(), 20, "{key}");
    app.type_into("#field-password", DIRECTOR_PASSWORD).await;
    app.type_into("#field-code", &app_code(&secret, 0)).await;
    app.screenshot("two-factor-set-up").await;
    app.click("#two-factor-form button[type=submit]").await;
    app.wait_text("#two-factor", "Two-factor sign-in is on").await;
    // Ten codes of 80 bits, XXXX-XXXX-XXXX-XXXX (laid out in a grid).
    let codes: String = app.text("#recovery-codes").await.split_whitespace().collect();
    assert_eq!((codes.len(), codes.matches('-').count()), (190, 30), "{codes}");
    app.screenshot("two-factor-recovery-codes").await;

    app.click("#sign-out").await;
    app.find("#login-form").await;
    app.type_into("#field-email", DIRECTOR_EMAIL).await;
    app.type_into("#field-password", DIRECTOR_PASSWORD).await;
    app.click("#login-submit").await;
    app.find("#field-code").await;
    app.screenshot("login-asks-for-the-code").await;
    // The code of the next step (the one used to set up signs in once).
    let code = app_code(&secret, 1);
    app.type_into("#field-code", &format!("{} {}", &code[..3], &code[3..])).await;
    app.click("#login-submit").await;
    app.find("#areas").await;
    app.wait_gone("#two-factor-due").await;
    app.screenshot("signed-in-with-two-factor").await;
    app.close().await;
}
