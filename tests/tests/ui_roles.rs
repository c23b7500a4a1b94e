//! In the real app window, a role made from permissions: a name with
//! punctuation refused (spaces become underscores), the permissions ticked by their codes, two-factor
//! sign-in required by the usual rule for a role that collects money, and
//! the role deleted again; system roles offer no Delete.

use branchdesk_e2e::fantoccini::Locator;
use branchdesk_e2e::*;

#[tokio::test]
async fn a_role_is_made_from_permissions_and_deleted() {
    if !ui_tests_enabled("a_role_is_made_from_permissions_and_deleted") {
        return;
    }
    let app = App::launch(|dir| {
        seed_desk(dir);
    })
    .await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click_centred("[data-area='Roles']").await;
    app.wait_text("#roles table", "DIRECTOR").await;
    let director_row = app.text("#roles table tbody tr:first-child").await;
    assert!(!director_row.contains("Delete"), "a system role offers no Delete: {director_row}");

    app.click_button("header", "Roles", "New role").await;
    app.type_into("#field-name", "front-desk lead!").await;
    app.type_into("#field-description", "Front desk with fee collection").await;
    for code in ["view:student", "collect:payment"] {
        let tick = format!(
            "//div[contains(@class,'perm-grid')]//label[.//code[normalize-space(.)='{code}']]//input"
        );
        app.client
            .find(Locator::XPath(&tick))
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"))
            .click()
            .await
            .unwrap();
    }
    let rule = app.text("#field-two_factor").await;
    assert!(rule.contains("required (handles money or accounts)"), "{rule}");
    app.click_button("form", "New role", "Save role").await;
    app.wait_text("#roles form", "Use letters, digits and underscores only").await;
    // Typed as people type it: spaces become underscores, letters capitals.
    app.type_into("#field-name", "front desk lead").await;
    app.click_button("form", "New role", "Save role").await;
    app.wait_gone("#roles form").await;
    let row = app.wait_text("#roles table", "FRONT_DESK_LEAD").await;
    assert!(row.contains("Front desk with fee collection"), "{row}");
    app.screenshot("roles").await;

    app.click_button("tr", "FRONT_DESK_LEAD", "Delete").await;
    for _ in 0..100 {
        if !app.text("#roles table").await.contains("FRONT_DESK_LEAD") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!app.text("#roles table").await.contains("FRONT_DESK_LEAD"), "deleted");
    app.close().await;
}
