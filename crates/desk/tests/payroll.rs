//! Payroll for a month: pay from the sessions actually taught (a
//! substitute credited, a cancelled session not), fixed batches and
//! commission per student, fixed salaries, adjustments, payment (a paid
//! line never changes), the slip, and the profit and loss.

mod common;

use branchdesk_api::commands::money::*;
use branchdesk_api::commands::students::{Enrol, SaveStudent};
use branchdesk_api::commands::timetable::{CompensationModel, GetBatch, SetSessionCancelled, SetSubstitute};
use branchdesk_api::ErrorCode;
use common::{api, fixture};

#[test]
fn a_month_of_pay_from_sessions_taught_batches_and_salaries() {
    let f = fixture();
    let (_, ravi) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let (_, sita) = f.staff("sita@example.com", "TEACHER", Some(f.branch));
    let (_, clerk) = f.staff("clerk@example.com", "BACKOFFICE", Some(f.branch));
    // Ravi: ₹500 a session on Mondays in June (five: 1, 8, 15, 22, 29).
    let batch = f.physics_batch(ravi.user_id, |b| {
        b.comp_model = CompensationModel::PerSession;
        b.comp_amount_minor = 50_000;
        b.end_date = "2026-06-30".into();
    });
    let sessions = f.desk.get_batch(&f.director, GetBatch { id: batch }).unwrap().sessions;
    assert_eq!(sessions.len(), 5);
    f.desk
        .set_session_cancelled(
            &f.director,
            SetSessionCancelled { id: sessions[1].id, cancelled: true, note: "Rain".into() },
        )
        .unwrap();
    f.desk
        .set_substitute(
            &f.director,
            SetSubstitute { id: sessions[2].id, substitute_id: Some(sita.user_id), note: "Ravi away".into() },
        )
        .unwrap();
    // And ₹300 a student of a Tuesday batch with two students.
    let commission = f.physics_batch(ravi.user_id, |b| {
        b.name = "Physics XI-B".into();
        b.slots[0].weekday = 2;
        b.comp_model = CompensationModel::PerStudent;
        b.comp_amount_minor = 30_000;
    });
    for name in ["Asha Rao", "Vikram Menon"] {
        let s = f
            .desk
            .save_student(
                &f.director,
                SaveStudent {
                    branch_id: f.branch,
                    full_name: name.into(),
                    date_of_birth: "2008-01-01".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .student
            .id;
        f.desk
            .enrol(&f.director, Enrol { student_id: s, batch_id: commission, ..Default::default() })
            .unwrap();
    }
    f.desk
        .set_salary(
            &f.director,
            SetSalary { branch_id: f.branch, user_id: clerk.user_id, fixed_monthly: "15000".into() },
        )
        .unwrap();

    // On 1 July, June's payroll.
    f.clock.advance(chrono::Duration::days(30));
    let run = || {
        f.desk.run_payroll(&f.director, RunPayroll { branch_id: f.branch, month: "2026-06".into() }).unwrap()
    };
    let lines = run();
    let line = |name: &str| {
        lines.iter().find(|l| l.name == name).unwrap_or_else(|| panic!("{name}: {lines:?}")).clone()
    };
    let r = line("Staff ravi@example.com");
    assert_eq!(
        (r.sessions_taught, r.session_minor),
        (3, 150_000),
        "five Mondays, one cancelled, one substituted"
    );
    assert_eq!((r.students, r.commission_minor, r.total_minor), (2, 60_000, 210_000));
    let s = line("Staff sita@example.com");
    assert_eq!((s.sessions_taught, s.total_minor), (1, 50_000), "the substitute is credited");
    assert_eq!(line("Staff clerk@example.com").total_minor, 1_500_000);

    // Adjustments: bad input, a bonus, a deduction below zero refused.
    let adjust = |amount: &str, note: &str| {
        f.desk
            .adjust_salary(&f.director, AdjustSalary { id: r.id, amount: amount.into(), note: note.into() })
            .map_err(api)
    };
    assert_eq!(adjust("abc", "x").unwrap_err().field.as_deref(), Some("amount"));
    assert_eq!(adjust("500", "").unwrap_err().field.as_deref(), Some("note"));
    assert_eq!(adjust("-5000", "Advance taken").unwrap_err().field.as_deref(), Some("amount"), "below zero");
    let bonus = adjust("250", "Extra revision class").unwrap();
    assert_eq!(bonus.total_minor, 235_000);
    assert_eq!(
        run().iter().find(|l| l.id == r.id).unwrap().total_minor,
        235_000,
        "a rerun keeps adjustments"
    );

    // Paying: a cheque needs its number; once paid, the line never changes.
    let pay = |method, reference: &str| {
        f.desk
            .pay_salary(&f.director, PaySalary { id: r.id, method, reference: reference.into() })
            .map_err(api)
    };
    assert_eq!(pay(PaymentMethod::Cheque, "").unwrap_err().field.as_deref(), Some("reference"));
    let paid = pay(PaymentMethod::BankTransfer, "NEFT-9911").unwrap();
    assert!(paid.paid_at.is_some());
    assert_eq!(paid.payment_numbers, ["K2/1/S260001"], "a payment of its own, numbered");
    assert_eq!(
        f.desk.list_money_reviews(&f.director, ListMoneyReviews { branch_id: f.branch }).unwrap(),
        [],
        "paid once: nothing to review"
    );
    assert_eq!(pay(PaymentMethod::Cash, "").unwrap_err().code, ErrorCode::Conflict);
    assert_eq!(adjust("100", "late").unwrap_err().code, ErrorCode::Conflict);
    f.desk
        .set_session_cancelled(
            &f.director,
            SetSessionCancelled { id: sessions[0].id, cancelled: true, note: "Late fix".into() },
        )
        .unwrap();
    assert_eq!(run().iter().find(|l| l.id == r.id).unwrap().total_minor, 235_000, "paid: not recomputed");

    // The slip.
    let path = f.desk.save_salary_slip(&f.director, SaveSalarySlip { id: r.id }).unwrap();
    let out = std::process::Command::new("pdftotext").args([&path, "-"]).output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "Salary slip 2026-06",
        "3 sessions taught",
        "1,500.00",
        "Commission on 2 students",
        "2,350.00",
        "Extra revision class",
        "NEFT-9911",
        "K2/1/S260001",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }

    // The profit and loss counts salaries paid.
    let pl = f
        .desk
        .get_profit_and_loss(
            &f.director,
            GetProfitAndLoss { branch_id: Some(f.branch), month: "2026-06".into() },
        )
        .unwrap();
    assert_eq!(pl.total.salaries_minor, 235_000);

    // Who may, and bad months.
    assert_eq!(
        api(f
            .desk
            .run_payroll(&clerk, RunPayroll { branch_id: f.branch, month: "2026-06".into() })
            .unwrap_err())
        .code,
        ErrorCode::PermissionDenied
    );
    let future = f.desk.run_payroll(&f.director, RunPayroll { branch_id: f.branch, month: "2026-08".into() });
    assert_eq!(api(future.unwrap_err()).field.as_deref(), Some("month"));
    let bad = f.desk.set_salary(
        &f.director,
        SetSalary { branch_id: f.branch, user_id: clerk.user_id, fixed_monthly: "-1".into() },
    );
    assert_eq!(api(bad.unwrap_err()).field.as_deref(), Some("fixed_monthly"));
}
