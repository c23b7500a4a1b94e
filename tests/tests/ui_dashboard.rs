//! In the real app window at 1366 × 768, the director's morning view:
//! two branches side by side with the total, fees overdue by age, the
//! charts, the view saved as PDF and CSV, a branch's overdue figure
//! opening its list, and an earlier month chosen.

use branchdesk_api::commands::money::CollectPayment;
use branchdesk_api::commands::org::SaveBranch;
use branchdesk_api::commands::students::{Enrol, SaveStudent};
use branchdesk_api::commands::timetable::FeeFrequency;
use branchdesk_e2e::*;
use chrono::{Datelike, Duration};

#[tokio::test]
async fn the_director_compares_two_branches_and_their_overdue_fees() {
    if !ui_tests_enabled("the_director_compares_two_branches_and_their_overdue_fees") {
        return;
    }
    let today = chrono::Local::now().date_naive();
    let start = today - Duration::days(75);
    let app = App::launch(|dir| {
        let (desk, director, koramangala) = seed_desk(dir);
        let hsr = desk
            .save_branch(
                &director,
                SaveBranch { id: None, code: "HSR".into(), name: "HSR Layout".into(), ..Default::default() },
            )
            .expect("second branch")
            .id;
        let (room, course) =
            seed_room_and_course(&desk, &director, koramangala, ("Room 1", 30), ("PHY", "Physics"));
        let hsr_room = desk
            .save_room(
                &director,
                branchdesk_api::commands::org::SaveRoom {
                    id: None,
                    branch_id: hsr,
                    name: "Hall".into(),
                    capacity: 30,
                },
            )
            .expect("room")
            .id;
        // A monthly ₹2,500 batch in each branch that began 75 days ago:
        // three students at Koramangala, two at HSR, enrolled from its start.
        // (The director teaches both, an hour apart.)
        for (branch, room, hours, names) in [
            (koramangala, room, ("16:00", "17:00"), &["Aarav Sharma", "Diya Patel", "Kabir Rao"][..]),
            (hsr, hsr_room, ("18:00", "19:00"), &["Meera Nair", "Rohan Das"][..]),
        ] {
            let mut batch = batch_from_today(branch, course, room, director.user_id, hours, 60);
            batch.name = "Physics XI".into();
            batch.capacity = 20;
            batch.start_date = start.to_string();
            batch.fee_minor = 250_000;
            batch.fee_frequency = FeeFrequency::Monthly;
            let batch = desk.save_batch(&director, batch).expect("batch").id;
            for name in names {
                let student = desk
                    .save_student(
                        &director,
                        SaveStudent {
                            branch_id: branch,
                            full_name: (*name).into(),
                            date_of_birth: "2000-01-01".into(),
                            ..Default::default()
                        },
                    )
                    .expect("student")
                    .student
                    .id;
                desk.enrol(
                    &director,
                    Enrol {
                        student_id: student,
                        batch_id: batch,
                        start_date: start.to_string(),
                        ..Default::default()
                    },
                )
                .expect("enrol");
                if *name == "Aarav Sharma" {
                    desk.collect_payment(
                        &director,
                        CollectPayment { student_id: student, amount: "2,500".into(), ..Default::default() },
                    )
                    .expect("payment");
                }
            }
        }
    })
    .await;
    app.client.set_window_size(1366, 768).await.expect("resize");
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click_centred("[data-area='Branches compared']").await;
    let this_month = format!("{:04}-{:02}", today.year(), today.month());
    app.wait_text("#dashboard-table tbody", "All branches").await;
    // (Headings show in capitals.)
    let head = app.text("#dashboard-table thead").await.to_lowercase();
    assert!(head.contains(&format!("branch · {this_month}")), "{head}");

    let rows = app.count("#dashboard-table tbody tr").await;
    assert_eq!(rows, 3, "two branches and the total");
    // Rows by branch name, then the total; columns: branch, students,
    // seats filled, attendance, fees due, collected, collection, overdue
    // 1–30, 31–60, 61–90, 90+, all.
    let (hsr, koramangala, total) = (cells(&app, 1).await, cells(&app, 2).await, cells(&app, 3).await);
    assert_eq!(hsr[..4], ["HSR Layout", "2", "10 %", "—"], "no attendance marked: a dash, not 0 %");
    assert_eq!(koramangala[..3], ["Koramangala", "3", "15 %"]);
    assert_eq!(total[..3], ["All branches", "5", "12.5 %"]);
    // Overdue: Aarav's first month is paid; every other month's fee is late.
    let amount =
        |text: &str| branchdesk_api::amount::parse(text).unwrap_or_else(|| panic!("an amount: {text}"));
    let (h, k, t) = (amount(&hsr[11]), amount(&koramangala[11]), amount(&total[11]));
    assert!(h > 0 && k > h, "HSR {h}, Koramangala {k}");
    assert_eq!(k + h, t, "the total is the sum");
    assert_eq!(k % 250_000, 0, "whole fees: {k}");
    assert_eq!(k / 250_000 * 2, h / 250_000 * 3 - 2, "Koramangala lacks Aarav's paid month");
    assert_eq!(amount(&koramangala[5]), 250_000, "Aarav paid today");
    app.find("#collection-chart svg rect.due").await;
    app.find("#overdue-chart svg rect.age1").await;
    app.screenshot("dashboard-1366x768").await;

    // Below: money month by month, newest first in the table.
    let newest = app.wait_text("#trend-table tbody tr:first-child", "2,500").await;
    assert!(newest.contains(&today.format("%b %Y").to_string()), "{newest}");
    assert_eq!(app.count("#trend-table tbody tr").await, 12);
    app.client
        .execute("document.querySelector('#trend-chart').scrollIntoView()", vec![])
        .await
        .expect("scroll to the trend");
    app.screenshot("dashboard-trend").await;

    // Saved as a PDF (its text read back) and as CSV.
    app.click("#dashboard-pdf").await;
    let said = app.wait_text("#dashboard-saved", ".pdf").await;
    let path = said.trim().trim_start_matches("Saved to ").to_owned();
    // (Laid out as printed: words and their figure on one line.)
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", &path, "-"])
        .output()
        .expect("pdftotext runs");
    let pdf: String = String::from_utf8_lossy(&out.stdout)
        .replace('\u{a0}', " ")
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(pdf.contains("Branches compared") && pdf.contains("HSR Layout"), "{pdf}");
    assert!(pdf.contains(&format!("Overdue today ₹{}.00", koramangala[11])), "{pdf}");
    app.click("#dashboard-csv").await;
    let said = app.wait_text("#dashboard-saved", ".csv").await;
    let csv = std::fs::read_to_string(said.trim().trim_start_matches("Saved to ")).expect("the CSV");
    assert!(csv.lines().any(|l| l.contains(",Koramangala,3,3,20,")), "{csv}");

    // Koramangala's overdue figure opens that branch's overdue fees.
    app.click_centred("#dashboard-table tbody tr:nth-child(2) .overdue-list").await;
    app.wait_text("#dues-list", "Kabir Rao").await;
    let listed = app.text("#dues-list").await;
    assert!(!listed.contains("Meera Nair"), "HSR's students are not Koramangala's: {listed}");
    app.click_centred("[data-area='Branches compared']").await;
    app.wait_text("#dashboard-table tbody", "All branches").await;

    // An earlier month: its own dues and collections; overdue stays today's.
    let earlier = today.with_day(1).unwrap() - Duration::days(1);
    let earlier_month = format!("{:04}-{:02}", earlier.year(), earlier.month());
    app.set_value("#field-month", &earlier_month).await;
    app.wait_text("#dashboard-table thead", &earlier_month).await;
    let then = cells(&app, 3).await;
    assert_eq!(amount(&then[5]), 0, "nothing was collected then");
    assert_eq!(amount(&then[11]), t, "overdue is as of today");
    app.screenshot("dashboard-earlier-month").await;
    app.close().await;
}

/// The cells of row `row` of the comparison (1: the first branch).
async fn cells(app: &App, row: usize) -> Vec<String> {
    let mut out = Vec::new();
    for col in 1..=12 {
        let text = app.text(&format!("#dashboard-table tbody tr:nth-child({row}) td:nth-child({col})")).await;
        // (A per cent sign is kept beside its number by a no-break space.)
        out.push(text.replace('\u{a0}', " "));
    }
    out
}
