//! In the real app window, the branch's accounts: a small expense counts at
//! once, a large one waits for another manager (the person who recorded it
//! is not offered Approve), a wrong one is voided with a reason; a salary
//! is set, run, adjusted, paid and its slip saved; and the month's profit
//! and loss shows what counts.

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
    app.click_centred("[data-area='Expenses']").await;
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
    // The rent bill, attached as a clerk picks a file.
    let bill = tempfile::tempdir().unwrap();
    let bill_file = bill.path().join("rent-june.pdf");
    std::fs::write(&bill_file, b"%PDF-1.4 rent").unwrap();
    app.find("#expense-bill").await.send_keys(bill_file.to_str().unwrap()).await.unwrap();
    app.click("#expense-save").await;
    app.wait_text("#expense-saved", "waiting for approval").await;
    app.wait_text("#expense-list", "Landlord").await;
    let actions = app.text("#expense-list tbody tr:first-child td:last-child").await;
    assert_eq!(actions.trim(), "BillVoid", "the person who recorded it is not offered Approve");
    // Whoever approves opens the bill first; this machine has no PDF viewer,
    // so the answer says where the copy was saved.
    app.click_centred("#expense-list tbody tr:first-child .open-bill").await;
    let mut said = String::new();
    for _ in 0..100 {
        said = app.text("#expenses").await;
        if said.contains("Bill opened") || said.contains("is saved at") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(said.contains("Bill opened") || said.contains("is saved at"), "{said}");
    let saved = app.data_dir.path().join("exports").join("rent-june.pdf");
    assert_eq!(std::fs::read(saved).unwrap(), b"%PDF-1.4 rent", "the bill's own bytes");

    // Void the stationery: a reason is needed.
    app.click("#expense-list tr:last-child button").await;
    app.wait_text("#expenses", "Say why").await;
    app.type_into("#field-note", "Entered twice").await;
    app.click("#expense-list tr:last-child button").await;
    app.wait_text("#expense-list", "Voided").await;
    let chosen = app.find("#expense-bill").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(chosen, "", "the next expense starts without the last bill");
    app.screenshot("expenses").await;

    // Payroll: a fixed salary, this month's run, a bonus, paid by bank
    // transfer, and the slip.
    app.click_centred("[data-area='Payroll']").await;
    app.choose("#field-user_id", "Meera Iyer").await;
    app.type_into("#field-fixed_monthly", "20000").await;
    app.click("#salary-save").await;
    app.wait_text("#payroll-notice", "salary is 20,000.00 a month").await;
    app.wait_text("#salary-lines", "Meera Iyer").await;
    app.type_into("#salary-lines input[aria-label='Adjustment']", "500").await;
    app.type_into("#salary-lines input[aria-label='Why']", "Exam duty").await;
    app.click("#salary-lines button.adjust").await;
    // ₹20,500 gross less PF on the ₹15,000 ceiling (₹1,800) and ESI (₹154).
    app.wait_text("#payroll-notice", "now 18,546.00").await;
    app.type_into("#salary-lines input[aria-label='Reference']", "NEFT-1").await;
    app.click("#salary-lines button.pay").await;
    app.wait_text("#salary-lines", "K2/1/S260001").await;
    app.click("#salary-lines .save-pdf").await; // the slip
    app.wait_text("#payroll-notice", "Salary slip saved as").await;
    app.screenshot("payroll").await;

    // No expense approved is left this month; the salary paid counts, the
    // rent waiting for approval does not.
    app.click_centred("[data-area='Profit and loss']").await;
    let pl = app.wait_text("#pl-table", "Koramangala").await;
    assert!(pl.contains("18,546.00"), "the salary paid counts: {pl}");
    assert!(pl.contains("-18,546.00"), "nothing else: {pl}");
    assert!(!pl.contains("18,000.00"), "the rent waits for approval: {pl}");
    app.screenshot("profit-and-loss").await;
    app.close().await;
}
