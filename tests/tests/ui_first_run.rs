//! In the real app window: first run → sign in → create a TEACHER → sign
//! out → sign in as the teacher and see only the teacher's areas.

use branchdesk_e2e::*;

#[tokio::test]
async fn first_run_login_create_teacher_and_see_only_teacher_areas() {
    if !ui_tests_enabled("first_run_login_create_teacher_and_see_only_teacher_areas") {
        return;
    }
    let app = App::launch(|_| {}).await;

    // First run: the wizard, with a mistake first.
    app.find("#setup-form").await;
    app.wait_focus("field-organisation_name", "the wizard starts in its first field").await;
    app.wait_text("#field-branch_code-msg", "printed at the start of every receipt number").await;
    app.type_into("#field-organisation_name", "Kiran Coaching").await;
    app.type_into("#field-branch_name", "Koramangala").await;
    app.type_into("#field-branch_code", "K-2").await;
    app.type_into("#field-director_name", "Meera Iyer").await;
    app.type_into("#field-director_email", DIRECTOR_EMAIL).await;
    app.type_into("#field-director_password", DIRECTOR_PASSWORD).await;
    app.type_into("#field-confirm_password", DIRECTOR_PASSWORD).await;
    app.click("#setup-submit").await;
    app.wait_text(".has-error .field-error", "letters or digits").await;
    app.type_into("#field-branch_code", "K2").await;
    let stale = app.client.find_all(branchdesk_e2e::fantoccini::Locator::Css(".has-error")).await.unwrap();
    assert!(stale.is_empty(), "the code's error clears once the code is changed");
    app.find("#field-branch_code").await.send_keys(ENTER).await.unwrap();

    // Sign in: the email is filled in already; Enter submits.
    app.wait_text("#login-notice", "organisation is ready").await;
    assert_eq!(app.find("#field-email").await.prop("value").await.unwrap().as_deref(), Some(DIRECTOR_EMAIL));
    app.wait_focus("field-password", "the cursor waits in the password").await;
    app.type_into("#field-password", DIRECTOR_PASSWORD).await;
    app.find("#field-password").await.send_keys(ENTER).await.unwrap();
    let director_areas = app.areas().await;
    for area in
        ["Today", "Users", "Roles", "Organisation", "Rooms", "Settings", "Backups", "Audit log", "My account"]
    {
        assert!(director_areas.iter().any(|a| a == area), "director lacks {area}: {director_areas:?}");
    }
    app.wait_text("#sync-status", "changes waiting to sync").await;

    // Create a teacher.
    app.click_centred("[data-area='Users']").await;
    app.click("#new-user").await;
    app.type_into("#field-full_name", "Ravi Kumar").await;
    app.type_into("#field-email", "ravi@example.com").await;
    // He is beside her: a first password rather than an invitation code.
    app.click("#invite-password").await;
    app.type_into("#field-password", "Teak-Window-57").await;
    // The roles arrive after the form opens: wait for the one to choose.
    app.wait_text("#field-role_id", "TEACHER").await;
    app.find("#field-role_id").await.select_by_label("TEACHER — Course delivery, attendance").await.unwrap();
    app.click("#user-save").await;
    app.wait_text("#users-table", "ravi@example.com").await;
    app.wait_text("#users-table", "TEACHER · Koramangala").await;
    app.screenshot("first-run-users").await;

    // Sign out, sign in as the teacher.
    app.click("#sign-out").await;
    app.wait_text("#login-notice", "signed out").await;
    app.type_into("#field-email", "ravi@example.com").await;
    app.type_into("#field-password", "Teak-Window-57").await;
    app.find("#field-password").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#signed-in-as", "Ravi Kumar").await;
    assert_eq!(
        app.areas().await,
        vec![
            "Today",
            "Students",
            "Timetable",
            "Batches",
            "Courses",
            "Attendance",
            "Tests",
            "Rooms",
            "My account"
        ]
    );
    app.wait_text("#home", "TEACHER").await;
    app.screenshot("first-run-teacher-home").await;
    app.close().await;
}
