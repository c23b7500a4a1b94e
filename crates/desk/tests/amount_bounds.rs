//! Every amount a person types is at most ₹10 crore, so that no sum of
//! amounts (a day book, a student's balance, a month's profit and loss)
//! can leave the range of a 64-bit count of paise. Larger is refused,
//! naming the field.

mod common;

use branchdesk_api::amount::MAX_MINOR;
use branchdesk_api::commands::imports::{ImportCsv, ImportKind};
use branchdesk_api::commands::money::{CloseCash, CollectPayment, RecordExpense, SetSalary};
use branchdesk_api::{ApiError, ErrorCode};
use common::*;

/// ₹10 crore and one paisa, as a clerk would type it.
const JUST_OVER: &str = "10,00,00,000.01";

fn over(e: ApiError, field: &str) {
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Invalid, Some(field)), "{e:?}");
    assert!(e.message.contains("10,00,00,000.00"), "{}", e.message);
}

#[test]
fn amounts_above_ten_crore_are_refused_naming_the_field() {
    let f = fixture();
    let student = enrolled(&f);
    let collect = |amount: &str| {
        f.desk.collect_payment(
            &f.director,
            CollectPayment {
                student_id: student,
                amount: amount.into(),
                confirm_advance: true,
                ..Default::default()
            },
        )
    };
    over(api(collect(JUST_OVER).unwrap_err()), "amount");
    let receipt = collect("10,00,00,000").expect("ten crore itself is taken");
    assert_eq!(receipt.amount_minor, MAX_MINOR);

    let expense = RecordExpense {
        branch_id: f.branch,
        vendor: "Printer".into(),
        amount: JUST_OVER.into(),
        ..Default::default()
    };
    over(api(f.desk.record_expense(&f.director, expense).unwrap_err()), "amount");
    let salary =
        SetSalary { branch_id: f.branch, user_id: f.director.user_id, fixed_monthly: JUST_OVER.into() };
    over(api(f.desk.set_salary(&f.director, salary).unwrap_err()), "fixed_monthly");
    let count = CloseCash {
        branch_id: f.branch,
        date: String::new(),
        counted: JUST_OVER.into(),
        note: String::new(),
    };
    over(api(f.desk.close_cash(&f.director, count).unwrap_err()), "counted");
}

#[test]
fn an_opening_balance_above_ten_crore_is_a_row_problem_in_its_column() {
    let f = fixture();
    enrolled(&f);
    let code: String = f.conn().query_row("SELECT code FROM students", [], |r| r.get(0)).unwrap();
    let content =
        format!("student_code,kind,date,description,amount\n{code},DUE,2026-05-01,Old fee,\"{JUST_OVER}\"\n");
    let report = f
        .desk
        .import_csv(
            &f.director,
            ImportCsv { kind: ImportKind::OpeningBalances, branch_id: f.branch, content, commit: false },
        )
        .unwrap();
    assert_eq!(report.errors.len(), 1, "{report:?}");
    assert_eq!((report.errors[0].row, report.errors[0].column.as_str()), (2, "amount"));
}
