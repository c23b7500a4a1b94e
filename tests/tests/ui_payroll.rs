//! In the real app window, a teacher's salary structure in Maharashtra:
//! basic, HRA and TDS set from this month (a component before the day they
//! joined is refused), an advance given, the month's register with PF,
//! ESI, professional tax and TDS itemised and the employer's share below,
//! unpaid leave entered in the register with Enter, and a pay rate for
//! batches added to the organisation's table.

use branchdesk_api::commands::settings::SaveSetting;
use branchdesk_api::commands::users::SaveStaffProfile;
use branchdesk_api::settings::{SettingValue, PT_STATE};
use branchdesk_e2e::*;
use std::path::Path;

fn joined() -> chrono::NaiveDate {
    use chrono::Datelike;
    let today = chrono::Local::now().date_naive();
    today.with_day(1).unwrap() - chrono::Duration::days(40)
}

fn seed(dir: &Path) {
    let (desk, director, branch) = seed_desk(dir);
    let ravi = seed_teacher(&desk, &director, branch, ("Ravi Kumar", "ravi@example.com"));
    let profile = SaveStaffProfile {
        user_id: ravi,
        joined_on: joined().format("%d/%m/%Y").to_string(),
        ..Default::default()
    };
    desk.save_staff_profile(&director, profile).expect("profile");
    let pt =
        SaveSetting { key: PT_STATE.into(), branch_id: Some(branch), value: SettingValue::Text("MH".into()) };
    desk.save_setting(&director, pt).expect("setting");
}

#[tokio::test]
async fn a_salary_structure_and_the_months_register() {
    if !ui_tests_enabled("a_salary_structure_and_the_months_register") {
        return;
    }
    let app = App::launch(seed).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click_centred("[data-area='Payroll']").await;
    app.choose("#structure-person", "Ravi Kumar").await;
    app.wait_text("#salary-structure", "No components yet").await;

    // Before the day he joined: refused, naming the day.
    app.type_into("#component-name", "Basic").await;
    app.type_into("#component-amount", "12,000").await;
    let early = joined() - chrono::Duration::days(10);
    app.type_into("#component-from", &early.format("%d/%m/%Y").to_string()).await;
    app.click_centred("#component-save").await;
    app.wait_text("#salary-structure", "They joined on").await;
    // From the first of this month, typed day first.
    let first = chrono::Local::now().date_naive().format("01/%m/%Y").to_string();
    app.type_into("#component-from", &first).await;
    app.click_centred("#component-save").await;
    app.wait_text("#components", "Basic").await;
    app.choose("#salary-structure select[name='kind']", "Allowance").await;
    app.type_into("#component-name", "HRA").await;
    app.type_into("#component-amount", "6000").await;
    app.click_centred("#component-save").await;
    app.wait_text("#components", "HRA").await;
    app.choose("#salary-structure select[name='kind']", "TDS (income tax deducted)").await;
    app.type_into("#component-name", "TDS").await;
    app.type_into("#component-amount", "500").await;
    app.click_centred("#component-save").await;
    app.wait_text("#components", "TDS").await;
    app.wait_text("#salary-structure", "18,000.00 a month in force today").await;

    // An advance: recovering more a month than was given is refused.
    app.type_into("#advance-amount", "5000").await;
    app.type_into("#advance-monthly", "6000").await;
    app.click_centred("#advance-save").await;
    app.wait_text("#salary-structure", "Recover at most the amount advanced").await;
    app.type_into("#advance-monthly", "2000").await;
    app.type_into("#advance-note", "Medical").await;
    app.click_centred("#advance-save").await;
    app.wait_text("#advances", "5,000.00 advanced").await;
    app.wait_text("#salary-structure", "advance outstanding").await;

    // The register: gross ₹18,000; PF 12 % of ₹12,000, ESI 0.75 %, PT ₹200 (₹300 in February), TDS ₹500.
    app.click_centred("#run-payroll").await;
    let row = app.wait_text("#salary-lines", "Ravi Kumar").await;
    assert!(row.contains("18,000.00"), "{row}");
    assert!(row.contains("PF 1,440.00") && row.contains("ESI 135.00") && row.contains("TDS 500.00"), "{row}");
    let february = chrono::Datelike::month(&chrono::Local::now().date_naive()) == 2;
    let net = if february { "15,625.00" } else { "15,725.00" };
    assert!(row.contains(net), "{row}");
    app.wait_text("#employer-share", "Employer's PF 1,440.00").await;
    app.screenshot("payroll-register").await;

    // Three days of unpaid leave, typed in the row; Enter saves.
    let days = app.find("#salary-lines input[aria-label='Unpaid days']").await;
    days.send_keys("3").await.unwrap();
    days.send_keys(ENTER).await.unwrap();
    app.wait_text("#payroll-notice", "3 unpaid days").await;
    app.wait_text("#salary-lines", "3 unpaid days").await;
    app.screenshot("payroll-structure").await;

    // The organisation's pay rates: a rate without an amount refused, then kept.
    app.wait_text("#pay-rates", "No rates yet").await;
    app.type_into("#rate-name", "Senior per session").await;
    app.choose("#rate-model", "per session taught").await;
    app.type_into("#rate-amount", "six hundred").await;
    app.click_centred("#rate-save").await;
    app.wait_text("#pay-rates", "Enter the rate in rupees").await;
    app.type_into("#rate-amount", "600").await;
    app.click_centred("#rate-save").await;
    let rates = app.wait_text("#rates", "Senior per session").await;
    assert!(rates.contains("600.00") && rates.contains("per session taught"), "{rates}");
    app.close().await;
}
