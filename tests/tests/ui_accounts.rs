//! In the real app window, the branch's accounts: a small expense counts at
//! once, a large one waits for another manager (the person who recorded it
//! is not offered Approve), a wrong one is voided with a reason, and the
//! month's profit and loss shows what counts.

use branchdesk_e2e::*;

#[tokio::test]
async fn expenses_and_the_months_profit_and_loss() {
    if !ui_tests_enabled("expenses_and_the_months_profit_and_loss") {
        return;
    }
    let app = App::launch(|dir| {
        seed_desk(dir);
    })
    .await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click("[data-area='Expenses']").await;
    app.wait_text("#expenses", "No expenses recorded this month").await;

    // Bad input first: no vendor.
    app.type_into("#field-amount", "1200").await;
    app.click("#expense-save").await;
    app.wait_text("#expense-form", "Enter the vendor").await;
    app.type_into("#field-vendor", "Sai Stationers").await;
    app.click("#expense-save").await;
    app.wait_text("#expense-saved", "1,200.00 to Sai Stationers: approved").await;

    app.type_into("#field-vendor", "Landlord").await;
    app.type_into("#field-amount", "18000").await;
    app.choose("#field-category", "Rent").await;
    app.click("#expense-save").await;
    app.wait_text("#expense-saved", "waiting for approval").await;
    app.wait_text("#expense-list", "Landlord").await;
    let actions = app.text("#expense-list tbody tr:first-child td:last-child").await;
    assert_eq!(actions.trim(), "Void", "the person who recorded it is not offered Approve");

    // Void the stationery: a reason is needed.
    app.click("#expense-list tr:last-child button").await;
    app.wait_text("#expenses", "Say why").await;
    app.type_into("#field-note", "Entered twice").await;
    app.click("#expense-list tr:last-child button").await;
    app.wait_text("#expense-list", "Voided").await;
    app.screenshot("expenses").await;

    // Nothing approved is left this month: the month's net is zero, and
    // the rent waiting for approval does not count.
    app.click("[data-area='Profit and loss']").await;
    let pl = app.wait_text("#pl-table", "Koramangala").await;
    assert!(pl.contains("0.00"), "{pl}");
    assert!(!pl.contains("18,000.00"), "the rent waits for approval: {pl}");
    app.screenshot("profit-and-loss").await;
    app.close().await;
}
