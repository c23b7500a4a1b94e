//! In the real app window at 1366 × 768: the director invites a teacher
//! (no password told across the desk), the teacher chooses his own with
//! the invitation code typed loosely on the sign-in screen; the director
//! shows the desk's recovery key on Backups after typing her password, and
//! makes the front desk's role do without two-factor sign-in.

use branchdesk_e2e::*;

#[tokio::test]
async fn an_invited_teacher_sets_his_own_password_and_the_director_shows_the_recovery_key() {
    if !ui_tests_enabled("an_invited_teacher_sets_his_own_password_and_the_director_shows_the_recovery_key") {
        return;
    }
    let app = App::launch(seed_organisation).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;

    // Users → New user: an invitation is the default way in.
    app.click_centred("[data-area='Users']").await;
    app.click("#new-user").await;
    app.type_into("#field-full_name", "Ravi Kumar").await;
    app.type_into("#field-email", "Ravi@Example.com").await;
    assert!(app.find("#invite-code").await.is_selected().await.unwrap_or(false), "invitation chosen");
    app.wait_text("#field-role_id", "TEACHER").await;
    app.choose("#field-role_id", "TEACHER — Course delivery, attendance").await;
    app.screenshot("users-invite").await;
    app.click("#user-save").await;
    let panel = app.wait_text("#reset-code", "Invitation code for Ravi Kumar").await;
    let code = app.text("#reset-code .code").await;
    assert_eq!(code.len(), 19, "{code} in {panel}");
    app.wait_text("#users-table", "ravi@example.com").await;
    app.screenshot("users-invitation-code").await;

    // Backups → Recovery key: the password first, then the key.
    app.click_centred("[data-area='Backups']").await;
    app.click("#recovery-key-form button[type=submit]").await;
    app.wait_text("#recovery-key", "Enter your password").await;
    app.type_into("#recovery-key-form #field-password", "Wrong-Password-1").await;
    app.click("#recovery-key-form button[type=submit]").await;
    app.wait_text("#recovery-key", "not your password").await;
    app.type_into("#recovery-key-form #field-password", DIRECTOR_PASSWORD).await;
    app.click("#recovery-key-form button[type=submit]").await;
    let key = app.text("#recovery-key-text").await;
    assert_eq!(key.len(), 64, "52 characters in groups of four: {key}");
    app.screenshot("backups-recovery-key").await;

    // Roles → BACKOFFICE: two-factor by the usual rule (required), chosen off.
    app.click_centred("[data-area='Roles']").await;
    app.click_button("tr", "BACKOFFICE", "Edit").await;
    app.wait_text("#field-two_factor", "required (handles money or accounts)").await;
    app.choose("#field-two_factor", "Not required").await;
    app.screenshot("roles-two-factor-choice").await;
    app.click_button("form", "Two-factor", "Save role").await;
    app.wait_gone("#field-two_factor").await;

    // Ravi redeems the invitation: lower case, spaces for the dashes.
    app.click("#sign-out").await;
    app.find("#login-form").await;
    app.click_button("form", "Sign in", "I have a reset code").await;
    app.type_into("#field-email", "ravi@example.com").await;
    app.type_into("#field-code", &code.to_lowercase().replace('-', " ")).await;
    app.type_into("#field-new_password", "Copper-Lantern-38").await;
    app.screenshot("login-invitation-code").await;
    app.click("#login-submit").await;
    app.wait_text("#login-notice", "Password set").await;
    app.sign_in("ravi@example.com", "Copper-Lantern-38").await;
    app.wait_text("#signed-in-as", "Ravi Kumar").await;
    app.close().await;
}
