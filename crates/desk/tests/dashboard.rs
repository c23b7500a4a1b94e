//! The director's comparison of branches, checked against figures worked
//! out by hand on a small branch.

mod common;

use branchdesk_api::commands::attendance::{AttendanceStatus, SaveMarks};
use branchdesk_api::commands::dashboard::*;
use branchdesk_api::commands::imports::{ExportCsv, ExportList};
use branchdesk_api::commands::money::{ReversalKind, ReverseReceipt};
use branchdesk_api::commands::students::Enrol;
use branchdesk_api::commands::timetable::{FeeFrequency, Slot};
use branchdesk_api::ErrorCode;
use chrono::Duration;
use common::class::{class, mark};
use common::{api, pay};

#[test]
fn each_branch_shows_its_students_seats_attendance_fees_and_overdue_by_age_beside_the_total() {
    let c = class();
    let f = &c.f;
    // Ravi's class (30 seats, 1 June to 31 July) holds all three; Asha
    // also takes a monthly ₹3,000 batch of 20 seats to 31 August: dues
    // on 1 June, 1 July and 1 August.
    let fees = f.physics_batch(f.director.user_id, |b| {
        b.name = "Physics XII".into();
        b.capacity = 20;
        b.end_date = "2026-08-31".into();
        b.fee_minor = 300_000;
        b.fee_frequency = FeeFrequency::Monthly;
        b.slots = vec![Slot { weekday: 2, start: "16:00".into(), end: "17:30".into() }];
    });
    let asha = c.students[0];
    f.desk.enrol(&f.director, Enrol { student_id: asha, batch_id: fees, ..Default::default() }).unwrap();
    pay(f, asha, "1,000").unwrap();
    // ₹500 taken and voided the same day: collected net of it.
    let mistaken = pay(f, asha, "500").unwrap();
    f.desk
        .reverse_receipt(
            &f.director,
            ReverseReceipt {
                receipt_id: mistaken.id,
                kind: ReversalKind::Void,
                amount: String::new(),
                reason: "Typed twice".into(),
            },
        )
        .unwrap();
    // On 1 June the June fee falls due today: not late yet.
    let first_day = f.desk.compare_branches(&f.director, CompareBranches::default()).unwrap();
    assert_eq!(first_day.total.overdue, Ageing::default(), "a fee due today is not overdue");
    assert_eq!(first_day.total.collected_minor, 100_000, "₹1,500 received less the ₹500 voided");
    // Monday 1 June: Asha absent, Vikram late, Zoya excused.
    f.desk
        .save_marks(
            &c.teacher,
            SaveMarks {
                session_id: c.sessions[0],
                marks: vec![
                    mark(c.students[0], AttendanceStatus::Absent, ""),
                    mark(c.students[1], AttendanceStatus::Late, ""),
                    mark(c.students[2], AttendanceStatus::Excused, "Fever"),
                ],
                ..Default::default()
            },
        )
        .unwrap();
    let hsr = f.second_branch();

    // 15 August: June's due is 75 days late (₹2,000 left of it), July's
    // 45, August's 14.
    f.clock.advance(Duration::days(75));
    let june = f.desk.compare_branches(&f.director, CompareBranches { month: "2026-06".into() }).unwrap();
    assert_eq!(june.month, "2026-06");
    let names: Vec<_> = june.branches.iter().map(|b| b.branch_name.as_str()).collect();
    assert_eq!(names, ["HSR Layout", "Koramangala"], "by name");
    let k = &june.branches[1];
    assert_eq!(
        (k.active_students, k.seats_taken, k.seats),
        (3, 1, 20),
        "Ravi's class ended on 31 July; Physics XII runs"
    );
    assert_eq!((k.attended, k.marked), (1, 2), "late counts as attended; excused is not counted");
    assert_eq!(k.attendance_bp(), Some(5_000));
    assert_eq!((k.due_minor, k.collected_minor), (300_000, 100_000));
    assert_eq!(k.collection_bp(), Some(3_333));
    assert_eq!(
        k.overdue,
        Ageing {
            days_1_30_minor: 300_000,
            days_31_60_minor: 300_000,
            days_61_90_minor: 200_000,
            over_90_minor: 0
        }
    );
    assert_eq!(k.fill_bp(), Some(500));
    let h = &june.branches[0];
    assert_eq!(
        (h.branch_id, h.active_students, h.seats, h.marked, h.due_minor, h.overdue.total_minor()),
        (hsr, 0, 0, 0, 0, 0)
    );
    assert_eq!((h.fill_bp(), h.attendance_bp(), h.collection_bp()), (None, None, None));
    assert_eq!(june.total.branch_name, "All branches");
    assert_eq!(june.total.overdue.total_minor(), 800_000);
    assert_eq!((june.total.active_students, june.total.collected_minor), (3, 100_000));

    // Printed and exported as shown.
    let pdf = f.desk.save_comparison_pdf(&f.director, SaveComparisonPdf { month: "2026-06".into() }).unwrap();
    assert!(pdf.ends_with("branches-2026-06.pdf"), "{pdf}");
    // (Laid out as printed: words and their figure on one line.)
    let out =
        std::process::Command::new("pdftotext").args(["-layout", &pdf, "-"]).output().expect("pdftotext");
    let text = String::from_utf8(out.stdout).unwrap().replace('\u{a0}', " ");
    let text: String = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    for needle in [
        "Branches compared, June 2026",
        "HSR Layout",
        "Koramangala",
        "All branches",
        "Attendance in the month 50 % (1 of 2 marks)",
        "Seats filled (batches running today) 5 % (1 of 20 seats)",
        "Overdue 61–90 days ₹2,000.00",
        "Overdue today ₹8,000.00",
    ] {
        assert!(text.contains(needle), "{needle:?} not in the PDF:\n{text}");
    }
    let csv = f
        .desk
        .export_csv(
            &f.director,
            ExportCsv { list: ExportList::BranchComparison, month: "2026-06".into(), ..Default::default() },
        )
        .unwrap();
    let csv = std::fs::read_to_string(&csv.path).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "month,branch,active_students,seats_taken,seats,attended,marked,due,collected,overdue_1_30,overdue_31_60,overdue_61_90,overdue_over_90,overdue",
            "2026-06,HSR Layout,0,0,0,0,0,0.00,0.00,0.00,0.00,0.00,0.00,0.00",
            "2026-06,Koramangala,3,1,20,1,2,3000.00,1000.00,3000.00,3000.00,2000.00,0.00,8000.00",
            "2026-06,All branches,3,1,20,1,2,3000.00,1000.00,3000.00,3000.00,2000.00,0.00,8000.00",
        ]
    );
    let e = api(f.desk.save_comparison_pdf(&c.teacher, SaveComparisonPdf::default()).unwrap_err());
    assert_eq!(e.code, ErrorCode::PermissionDenied);

    // August: its own due, nothing collected or marked in it.
    let august = f.desk.compare_branches(&f.director, CompareBranches { month: String::new() }).unwrap();
    assert_eq!(august.month, "2026-08");
    let k = &august.branches[1];
    assert_eq!((k.due_minor, k.collected_minor, k.marked), (300_000, 0, 0));
    assert_eq!(k.overdue, june.branches[1].overdue, "overdue is as of today, whatever the month");

    // Someone who sees reports of HSR only sees HSR only; a teacher none.
    let (_, analyst) = f.staff("neha@example.com", "BUSINESS_ANALYST", Some(hsr));
    let theirs = f.desk.compare_branches(&analyst, CompareBranches::default()).unwrap();
    assert_eq!(theirs.branches.iter().map(|b| b.branch_id).collect::<Vec<_>>(), [hsr]);
    assert_eq!(theirs.total.overdue.total_minor(), 0);
    // One branch prints without a total.
    let theirs_pdf = f.desk.save_comparison_pdf(&analyst, SaveComparisonPdf::default()).unwrap();
    let out = std::process::Command::new("pdftotext").args([&theirs_pdf, "-"]).output().expect("pdftotext");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("HSR Layout") && !text.contains("All branches"), "{text}");
    let refused = api(f.desk.compare_branches(&c.teacher, CompareBranches::default()).unwrap_err());
    assert_eq!(refused.code, ErrorCode::PermissionDenied);
    let bad =
        api(f.desk.compare_branches(&f.director, CompareBranches { month: "Aug 2026".into() }).unwrap_err());
    assert!(bad.is_for("month"), "{bad:?}");
}

#[test]
fn money_month_by_month_adds_fees_less_refunds_salaries_and_expenses_oldest_first() {
    use branchdesk_api::commands::money::{ExpenseCategory, RecordExpense};
    let f = common::fixture();
    let asha = common::enrolled(&f);
    // June: ₹1,000 paid and ₹1,200 of stationery; July: ₹2,500 paid.
    pay(&f, asha, "1,000").unwrap();
    f.desk
        .record_expense(
            &f.director,
            RecordExpense {
                branch_id: f.branch,
                vendor: "Sai Stationers".into(),
                amount: "1,200".into(),
                category: ExpenseCategory::Supplies,
                ..Default::default()
            },
        )
        .unwrap();
    f.clock.advance(Duration::days(34));
    pay(&f, asha, "2,500").unwrap();

    let trend = f
        .desk
        .get_money_trend(&f.director, GetMoneyTrend { until: String::new(), months: 3, ..Default::default() })
        .unwrap();
    let months: Vec<_> = trend
        .months
        .iter()
        .map(|m| (m.month.as_str(), m.fees_minor, m.expenses_minor, m.net_minor))
        .collect();
    assert_eq!(
        months,
        [("2026-05", 0, 0, 0), ("2026-06", 100_000, 120_000, -20_000), ("2026-07", 250_000, 0, 250_000)]
    );
    let year = f.desk.get_money_trend(&f.director, GetMoneyTrend::default()).unwrap();
    assert_eq!(year.months.len(), 12, "twelve months unless asked");
    assert_eq!(year.months.first().map(|m| m.month.as_str()), Some("2025-08"));
    let june = f
        .desk
        .get_money_trend(
            &f.director,
            GetMoneyTrend { branch_id: Some(f.branch), until: "2026-06".into(), months: 1 },
        )
        .unwrap();
    assert_eq!(june.months.iter().map(|m| m.net_minor).collect::<Vec<_>>(), [-20_000]);

    for (input, field) in [
        (GetMoneyTrend { months: MAX_TREND_MONTHS + 1, ..Default::default() }, "months"),
        (GetMoneyTrend { until: "July".into(), ..Default::default() }, "until"),
    ] {
        let e = api(f.desk.get_money_trend(&f.director, input).unwrap_err());
        assert!(e.is_for(field), "{e:?}");
    }
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let e = api(f.desk.get_money_trend(&teacher, GetMoneyTrend::default()).unwrap_err());
    assert_eq!(e.code, ErrorCode::PermissionDenied);
}
