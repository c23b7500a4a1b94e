//! In the real app window: importing a CSV with two bad rows reports each
//! by row and column and writes nothing; the fixed file imports every row.

use branchdesk_e2e::*;

const BAD: &str = "full_name,date_of_birth,phone,guardian_name,guardian_phone
Asha Rao,2010-03-14,98450 10001,Lakshmi Rao,98450 20001
,2011-01-01,98450 10002,Parent,98450 20002
Vikram Rao,2012-07-01,,Lakshmi Rao,98450 20001
Ravi Kumar,2030-01-01,98450 10004,Parent,98450 20004
";

#[tokio::test]
async fn a_csv_with_two_bad_rows_is_reported_by_row_and_nothing_is_written() {
    if !ui_tests_enabled("a_csv_with_two_bad_rows_is_reported_by_row_and_nothing_is_written") {
        return;
    }
    let app = App::launch(seed_organisation).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click_centred("[data-area='Students']").await;
    app.click("#import-students").await;

    let file = app.data_dir.path().join("students.csv");
    std::fs::write(&file, BAD).unwrap();
    app.find("#csv-file").await.send_keys(&file.display().to_string()).await.unwrap();
    app.wait_text("#csv-import", "students.csv").await;
    app.click("#csv-check").await;
    let summary = app.wait_text("#import-report", "2 of 4 rows have problems").await;
    assert!(summary.contains("nothing was written"), "{summary}");
    let mut rows = Vec::new();
    for tr in app.client.find_all(fantoccini::Locator::Css("#import-errors tbody tr")).await.unwrap() {
        let mut cells = Vec::new();
        for td in tr.find_all(fantoccini::Locator::Css("td")).await.unwrap() {
            cells.push(td.text().await.unwrap());
        }
        rows.push(cells[..2].join(" "));
    }
    assert_eq!(rows, ["3 full_name", "5 date_of_birth"]);
    app.screenshot("csv-import-errors").await;
    assert!(
        app.client.find(fantoccini::Locator::Css("#csv-commit")).await.is_err(),
        "import offered despite errors"
    );

    // Fix the two rows, check again, import.
    let fixed = BAD.replace(",2011-01-01", "Meena Iyer,2011-01-01").replace("2030-01-01", "2009-01-01");
    std::fs::write(&file, fixed).unwrap();
    app.find("#csv-file").await.send_keys(&file.display().to_string()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.click("#csv-check").await;
    app.wait_text("#import-report", "All 4 rows are fine").await;
    app.click("#csv-commit").await;
    app.wait_text("#import-report", "Imported 4 rows").await;
    app.wait_text("#students-table", "Vikram Rao").await;
    app.close().await;
}
