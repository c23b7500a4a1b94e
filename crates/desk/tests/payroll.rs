//! Payroll for a month: pay from the sessions actually taught (a
//! substitute credited, a cancelled session not), fixed batches and
//! commission per student, fixed salaries, adjustments, payment (a paid
//! line never changes), the slip, and the profit and loss.

mod common;

use branchdesk_api::commands::money::*;
use branchdesk_api::commands::settings::SaveSetting;
use branchdesk_api::commands::students::{Enrol, SaveStudent};
use branchdesk_api::commands::timetable::{CompensationModel, GetBatch, SetSessionCancelled, SetSubstitute};
use branchdesk_api::settings::{self as keys, SettingValue};
use branchdesk_api::ErrorCode;
use common::{api, fixture, Fixture};

#[test]
fn a_month_of_pay_from_sessions_taught_batches_and_salaries() {
    let f = fixture();
    // A small branch, below the head counts for PF and ESI (tested below).
    for key in [keys::PF_APPLIES, keys::ESI_APPLIES] {
        let off =
            SaveSetting { key: key.into(), branch_id: Some(f.branch), value: SettingValue::Flag(false) };
        f.desk.save_setting(&f.director, off).unwrap();
    }
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

fn set(f: &Fixture, key: &str, value: SettingValue) {
    f.desk
        .save_setting(&f.director, SaveSetting { key: key.into(), branch_id: Some(f.branch), value })
        .unwrap();
}

fn component(
    f: &Fixture,
    user: branchdesk_api::ids::UserId,
    kind: ComponentKind,
    name: &str,
    amount: &str,
    from: &str,
) -> Result<SalaryStructure, branchdesk_api::ApiError> {
    f.desk
        .save_salary_component(
            &f.director,
            SaveSalaryComponent {
                branch_id: f.branch,
                user_id: user,
                kind,
                name: name.into(),
                amount: amount.into(),
                effective_from: from.into(),
            },
        )
        .map_err(api)
}

/// A clerk's structure in Maharashtra: basic and HRA with PF, ESI and
/// professional tax, TDS, a raise from July that leaves June alone, unpaid
/// leave, an advance recovered over months, the register and the slip
/// with its year to date.
#[test]
fn a_salary_structure_with_statutory_deductions_advances_and_leave() {
    use branchdesk_api::commands::users::SaveStaffProfile;
    let f = fixture();
    set(&f, keys::PT_STATE, SettingValue::Text("mh".into()));
    let (_, clerk) = f.staff("clerk@example.com", "BACKOFFICE", Some(f.branch));
    let who = clerk.user_id;
    let profile = SaveStaffProfile { user_id: who, joined_on: "15/04/2026".into(), ..Default::default() };
    f.desk.save_staff_profile(&f.director, profile).unwrap();

    // Bad input first: before joining, no amount, a name kept for another kind.
    let e = component(&f, who, ComponentKind::Basic, "Basic", "12000", "01/04/2026").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("effective_from"), "{}", e.message);
    assert!(e.message.contains("15/04/2026"), "{}", e.message);
    assert_eq!(
        component(&f, who, ComponentKind::Basic, "Basic", "", "").unwrap_err().field.as_deref(),
        Some("amount")
    );
    assert_eq!(
        component(&f, who, ComponentKind::Basic, " ", "100", "").unwrap_err().field.as_deref(),
        Some("name")
    );

    component(&f, who, ComponentKind::Basic, "Basic", "12,000", "01/05/2026").unwrap();
    component(&f, who, ComponentKind::Allowance, "HRA", "6000", "1-5-2026").unwrap();
    let e = component(&f, who, ComponentKind::Tds, "hra", "100", "01/06/2026").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("kind"), "{}", e.message);
    component(&f, who, ComponentKind::Tds, "TDS", "500", "01/05/2026").unwrap();
    // A raise from July.
    let s = component(&f, who, ComponentKind::Basic, "Basic", "14000", "01/07/2026").unwrap();
    assert_eq!(s.monthly_fixed_minor, 1_800_000, "today (June) the old basic is in force");
    assert_eq!(s.components.len(), 4);
    // An advance of ₹5,000 given in June, ₹2,000 a month from July.
    let advance = |amount: &str, monthly: &str, on: &str| {
        f.desk
            .record_advance(
                &f.director,
                RecordAdvance {
                    branch_id: f.branch,
                    user_id: who,
                    given_on: on.into(),
                    amount: amount.into(),
                    monthly_recovery: monthly.into(),
                    note: "Medical".into(),
                },
            )
            .map_err(api)
    };
    assert_eq!(advance("5000", "6000", "").unwrap_err().field.as_deref(), Some("monthly_recovery"));
    assert_eq!(
        advance("5000", "2000", "02/07/2026").unwrap_err().field.as_deref(),
        Some("given_on"),
        "a day to come"
    );
    assert_eq!(advance("5000", "2000", "").unwrap().advance_outstanding_minor, 500_000);

    // June: ₹18,000 gross; PF 12 % of ₹12,000; ESI 0.75 % of ₹18,000; PT ₹200; TDS ₹500; no recovery yet.
    f.clock.advance(chrono::Duration::days(30)); // 1 July
    let run = |month: &str| {
        f.desk.run_payroll(&f.director, RunPayroll { branch_id: f.branch, month: month.into() }).map_err(api)
    };
    let june = run("2026-06").unwrap().into_iter().find(|l| l.user_id == who).unwrap();
    assert_eq!((june.basic_minor, june.allowances_minor, june.gross_minor), (1_200_000, 600_000, 1_800_000));
    assert_eq!((june.pf_employee_minor, june.pf_employer_minor), (144_000, 144_000));
    assert_eq!((june.esi_employee_minor, june.esi_employer_minor), (13_500, 58_500));
    assert_eq!((june.pt_minor, june.tds_minor, june.advance_recovery_minor), (20_000, 50_000, 0));
    assert_eq!(june.total_minor, 1_800_000 - 144_000 - 13_500 - 20_000 - 50_000);
    assert_eq!(june.total_minor, june.gross_minor - june.deductions_minor);

    // Three days of unpaid leave in June (30 days): a tenth of fixed pay.
    let days =
        |id, d: &str| f.desk.set_unpaid_days(&f.director, SetUnpaidDays { id, days: d.into() }).map_err(api);
    assert_eq!(days(june.id, "31").unwrap_err().field.as_deref(), Some("days"));
    assert_eq!(days(june.id, "three").unwrap_err().field.as_deref(), Some("days"));
    let june = days(june.id, "3").unwrap();
    assert_eq!((june.leave_deduction_minor, june.gross_minor), (180_000, 1_620_000));
    assert_eq!(june.pf_employee_minor, 129_600, "PF on the basic earned");
    assert_eq!(
        run("2026-06").unwrap().iter().find(|l| l.id == june.id).unwrap().unpaid_days,
        3,
        "a rerun keeps them"
    );
    f.desk
        .pay_salary(
            &f.director,
            PaySalary { id: june.id, method: PaymentMethod::BankTransfer, reference: "NEFT-1".into() },
        )
        .unwrap();
    // A change inside a paid month is refused; June stays as paid.
    let e = component(&f, who, ComponentKind::Allowance, "HRA", "9000", "01/06/2026").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("effective_from"), "{}", e.message);

    // July: the raise and the first ₹2,000 of the advance.
    f.clock.advance(chrono::Duration::days(31)); // 1 August
    let july = run("2026-07").unwrap().into_iter().find(|l| l.user_id == who).unwrap();
    assert_eq!((july.basic_minor, july.gross_minor), (1_400_000, 2_000_000));
    assert_eq!(july.pf_employee_minor, 168_000);
    assert_eq!(july.esi_employee_minor, 15_000, "₹20,000 is within the ESI limit");
    assert_eq!(july.advance_recovery_minor, 200_000);
    let june_again = run("2026-06").unwrap().into_iter().find(|l| l.user_id == who).unwrap();
    assert_eq!(june_again.gross_minor, 1_620_000, "the raise did not reach June");
    // Year to date (from April): June and July.
    assert_eq!(july.ytd_gross_minor, 1_620_000 + 2_000_000);
    assert_eq!(july.ytd_net_minor, june_again.total_minor + july.total_minor);
    assert_eq!(july.ytd_deductions_minor, june_again.deductions_minor + july.deductions_minor);

    // Deductions larger than earnings: refused naming the person, nothing written.
    component(&f, who, ComponentKind::Tds, "TDS", "30000", "01/07/2026").unwrap();
    let before = f.count("SELECT count(*) FROM outbox");
    let e = run("2026-07").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("user_id"));
    assert!(
        e.message.contains("Staff clerk@example.com") && e.message.contains("gross pay"),
        "{}",
        e.message
    );
    assert_eq!(f.count("SELECT count(*) FROM outbox"), before, "nothing half written");
    component(&f, who, ComponentKind::Tds, "TDS", "500", "01/07/2026").unwrap();

    // The slip: earnings, deductions, net and the year to date.
    let july = run("2026-07").unwrap().into_iter().find(|l| l.user_id == who).unwrap();
    let path = f.desk.save_salary_slip(&f.director, SaveSalarySlip { id: july.id }).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", &path, "-"])
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "Basic pay",
        "14,000.00",
        "Allowances",
        "Gross pay",
        "Provident fund (employee)",
        "1,680.00",
        "ESI (employee)",
        "Professional tax",
        "TDS (income tax)",
        "Advance recovered",
        "2,000.00",
        "Net pay",
        "Year to date",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
    // Someone without payroll rights sees no structure.
    let e = api(f
        .desk
        .get_salary_structure(&clerk, GetSalaryStructure { branch_id: f.branch, user_id: who })
        .unwrap_err());
    assert_eq!(e.code, ErrorCode::PermissionDenied);
}

/// The organisation's pay rates: a batch on a rate pays by it, a change of
/// the rate reaches every batch on it for months not yet paid, a retired
/// rate is offered to no new batch, and only payroll over every branch
/// keeps the table.
#[test]
fn batches_on_an_organisation_rate_pay_by_it() {
    use branchdesk_api::commands::timetable::{ListCommissionRates, SaveCommissionRate};
    let f = fixture();
    for key in [keys::PF_APPLIES, keys::ESI_APPLIES] {
        set(&f, key, SettingValue::Flag(false));
    }
    let save = |who: &branchdesk_desk::Actor, input: SaveCommissionRate| {
        f.desk.save_commission_rate(who, input).map_err(api)
    };
    let rate = |name: &str, amount: &str| SaveCommissionRate {
        name: name.into(),
        model: CompensationModel::PerSession,
        amount: amount.into(),
        ..Default::default()
    };
    assert_eq!(save(&f.director, rate(" ", "600")).unwrap_err().field.as_deref(), Some("name"));
    assert_eq!(
        save(&f.director, rate("Senior", "six hundred")).unwrap_err().field.as_deref(),
        Some("amount")
    );
    let (_, branch_payroll) = f.staff("pay@example.com", "PAYROLL_MANAGER", Some(f.branch));
    assert_eq!(save(&branch_payroll, rate("Senior", "600")).unwrap_err().code, ErrorCode::PermissionDenied);
    let senior = save(&f.director, rate("Senior per session", "600")).unwrap();
    let e = save(&f.director, rate("senior PER session", "500")).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Duplicate, Some("name")));

    let (_, ravi) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let batch = f.physics_batch(ravi.user_id, |b| {
        b.end_date = "2026-06-30".into();
        b.commission_rate_id = Some(senior.id);
    });
    let shown = f.desk.get_batch(&f.director, GetBatch { id: batch }).unwrap().batch;
    assert_eq!((shown.comp_model, shown.comp_amount_minor), (CompensationModel::PerSession, 60_000));
    f.clock.advance(chrono::Duration::days(30)); // 1 July: June's five Mondays taught
    let pay = || {
        f.desk
            .run_payroll(&f.director, RunPayroll { branch_id: f.branch, month: "2026-06".into() })
            .unwrap()
            .into_iter()
            .find(|l| l.user_id == ravi.user_id)
            .unwrap()
    };
    assert_eq!((pay().sessions_taught, pay().session_minor), (5, 300_000));
    // The rate goes up: June, not yet paid, follows.
    save(&f.director, SaveCommissionRate { id: Some(senior.id), ..rate("Senior per session", "700") })
        .unwrap();
    assert_eq!(pay().session_minor, 350_000);
    // Retired: kept by the batch on it, offered to no new one.
    save(
        &f.director,
        SaveCommissionRate { id: Some(senior.id), active: false, ..rate("Senior per session", "700") },
    )
    .unwrap();
    let listed =
        f.desk.list_commission_rates(&f.director, ListCommissionRates { include_inactive: true }).unwrap();
    assert_eq!((listed.len(), listed[0].batches, listed[0].active), (1, 1, false));
    assert!(f.desk.list_commission_rates(&f.director, ListCommissionRates::default()).unwrap().is_empty());
    let again = f.desk.get_batch(&f.director, GetBatch { id: batch }).unwrap().batch;
    assert_eq!(pay().session_minor, 350_000);
    let e = f
        .desk
        .save_batch(
            &f.director,
            branchdesk_api::commands::timetable::SaveBatch {
                branch_id: f.branch,
                course_id: again.course_id,
                name: "Physics XI-B".into(),
                teacher_id: ravi.user_id,
                room_id: again.room_id,
                capacity: 20,
                start_date: "2026-07-01".into(),
                end_date: "2026-07-31".into(),
                slots: vec![branchdesk_api::commands::timetable::Slot {
                    weekday: 4,
                    start: "10:00".into(),
                    end: "11:00".into(),
                }],
                commission_rate_id: Some(senior.id),
                ..Default::default()
            },
        )
        .map_err(api)
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("commission_rate_id"), "{}", e.message);
}

/// A fixed salary set before salary structures (an older desk's
/// `salary_configs` row) becomes the person's basic the first time a
/// component is added, from when it was set: adding an allowance in June
/// leaves May's pay as it was, and the structure shows the basic.
#[test]
fn a_fixed_salary_from_before_structures_becomes_the_basic_and_past_months_keep_it() {
    let f = fixture();
    let (_, clerk) = f.staff("clerk@example.com", "BACKOFFICE", Some(f.branch));
    let who = clerk.user_id;
    // Set on a desk of the version before structures, and synced here.
    let mut legacy = common::pulled_update(
        "salary_configs",
        "0193a0c1-0000-7000-8000-00000000f1ed",
        &format!("branch:{}", f.branch),
        serde_json::json!({
            "branch_id": f.branch.to_string(), "user_id": who.to_string(), "fixed_monthly_minor": 1_000_000,
            "created_at": "2026-03-10T09:00:00Z", "updated_at": "2026-03-10T09:00:00Z",
        }),
        1_773_133_200_000,
    );
    legacy.op.kind = "insert".into();
    common::apply(&f, legacy);
    // On screen before anything changes: the old salary as the basic.
    let before = f
        .desk
        .get_salary_structure(&f.director, GetSalaryStructure { branch_id: f.branch, user_id: who })
        .unwrap();
    let shown: Vec<_> =
        before.components.iter().map(|c| (c.name.as_str(), c.amount_minor, c.in_force)).collect();
    assert_eq!(shown, vec![("Basic", 1_000_000, true)]);
    assert_eq!(before.monthly_fixed_minor, 1_000_000);
    let s = component(&f, who, ComponentKind::Allowance, "HRA", "2000", "01/06/2026").unwrap();
    let basic = s.components.iter().find(|c| c.name == "Basic").expect("the old salary as basic");
    assert_eq!((basic.amount_minor, basic.effective_from.as_str()), (1_000_000, "2026-03-01"));
    assert_eq!(s.monthly_fixed_minor, 1_200_000);
    let may = f
        .desk
        .run_payroll(&f.director, RunPayroll { branch_id: f.branch, month: "2026-05".into() })
        .map_err(api)
        .unwrap()
        .into_iter()
        .find(|l| l.user_id == who)
        .unwrap();
    assert_eq!((may.basic_minor, may.allowances_minor), (1_000_000, 0), "May keeps the old salary");
    // A second component adds no second basic.
    let s = component(&f, who, ComponentKind::Tds, "TDS", "300", "01/06/2026").unwrap();
    assert_eq!(s.components.iter().filter(|c| c.name == "Basic").count(), 1);
}

/// One teacher on a fixed basic and also paid by the session: June's line
/// adds both, and the slip's net is the sum less the deductions.
#[test]
fn a_fixed_basic_and_pay_by_the_session_are_added_for_one_teacher() {
    let f = fixture();
    for key in [keys::PF_APPLIES, keys::ESI_APPLIES] {
        let off =
            SaveSetting { key: key.into(), branch_id: Some(f.branch), value: SettingValue::Flag(false) };
        f.desk.save_setting(&f.director, off).unwrap();
    }
    let (_, ravi) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    // ₹500 a session on the five Mondays of June, and ₹8,000 basic from June.
    f.physics_batch(ravi.user_id, |b| {
        b.comp_model = CompensationModel::PerSession;
        b.comp_amount_minor = 50_000;
        b.end_date = "2026-06-30".into();
    });
    component(&f, ravi.user_id, ComponentKind::Basic, "Basic", "8000", "01/06/2026").unwrap();
    f.clock.advance(chrono::Duration::days(30));
    let june = f
        .desk
        .run_payroll(&f.director, RunPayroll { branch_id: f.branch, month: "2026-06".into() })
        .map_err(api)
        .unwrap()
        .into_iter()
        .find(|l| l.user_id == ravi.user_id)
        .unwrap();
    assert_eq!((june.basic_minor, june.sessions_taught, june.session_minor), (800_000, 5, 250_000));
    assert_eq!(june.gross_minor, 1_050_000, "the basic and the sessions together");
    assert_eq!(june.total_minor, june.gross_minor - june.deductions_minor);
}
