//! Expenses (approval above the branch's limit, by another manager; voids
//! with a reason; bad input) and the month's profit and loss per branch
//! with the organisation roll-up.

mod common;

use branchdesk_api::commands::attachments::OpenAttachment;
use branchdesk_api::commands::money::*;
use branchdesk_api::commands::students::{Enrol, SaveStudent};
use branchdesk_api::ErrorCode;
use common::{api, fixture, Fixture};

fn record(
    f: &Fixture,
    who: &branchdesk_desk::Actor,
    amount: &str,
    vendor: &str,
) -> Result<Expense, branchdesk_api::ApiError> {
    f.desk
        .record_expense(
            who,
            RecordExpense {
                branch_id: f.branch,
                vendor: vendor.into(),
                amount: amount.into(),
                category: ExpenseCategory::Supplies,
                ..Default::default()
            },
        )
        .map_err(api)
}

#[test]
fn expenses_above_the_limit_wait_for_another_manager_and_bad_input_is_refused() {
    let f = fixture();
    let small = record(&f, &f.director, "1,200", "Sai Stationers").unwrap();
    assert_eq!(small.status, ExpenseStatus::Approved, "within Rs 5,000 it counts at once");
    let rent = record(&f, &f.director, "18000", "Landlord").unwrap();
    assert_eq!(rent.status, ExpenseStatus::PendingApproval);
    let decide = |who: &branchdesk_desk::Actor, id, status, note: &str| {
        f.desk.decide_expense(who, DecideExpense { id, status, note: note.into() }).map_err(api)
    };
    assert_eq!(
        decide(&f.director, rent.id, ExpenseStatus::Approved, "").unwrap_err().field.as_deref(),
        Some("status"),
        "not one's own"
    );
    let (_, manager) = f.staff("gm@example.com", "GENERAL_MANAGER", Some(f.branch));
    assert_eq!(
        decide(&manager, rent.id, ExpenseStatus::Rejected, "").unwrap_err().field.as_deref(),
        Some("note")
    );
    let approved = decide(&manager, rent.id, ExpenseStatus::Approved, "").unwrap();
    assert_eq!(
        (approved.status, approved.decided_by.as_deref()),
        (ExpenseStatus::Approved, Some("Staff gm@example.com"))
    );
    assert_eq!(
        decide(&manager, rent.id, ExpenseStatus::Rejected, "late").unwrap_err().field.as_deref(),
        Some("status"),
        "decided already"
    );
    let voided = decide(&manager, small.id, ExpenseStatus::Voided, "Entered twice").unwrap();
    assert_eq!(voided.status, ExpenseStatus::Voided);

    for (amount, vendor, field) in [("0", "X", "amount"), ("1.234", "X", "amount"), ("100", " ", "vendor")] {
        assert_eq!(
            record(&f, &f.director, amount, vendor).unwrap_err().field.as_deref(),
            Some(field),
            "{amount} {vendor}"
        );
    }
    let with =
        |input: RecordExpense| f.desk.record_expense(&f.director, input).map_err(api).unwrap_err().field;
    let base =
        RecordExpense { branch_id: f.branch, vendor: "V".into(), amount: "100".into(), ..Default::default() };
    assert_eq!(
        with(RecordExpense { day: "2026-06-02".into(), ..base.clone() }).as_deref(),
        Some("day"),
        "tomorrow"
    );
    assert_eq!(
        with(RecordExpense { method: PaymentMethod::Cheque, ..base.clone() }).as_deref(),
        Some("reference")
    );
    let big = "A".repeat(14 * 1024 * 1024); // 10.5 MB of bytes
    assert_eq!(
        with(RecordExpense { file_name: "bill.pdf".into(), content_b64: big, ..base.clone() }).as_deref(),
        Some("content_b64")
    );
    assert_eq!(
        with(RecordExpense {
            file_name: "bill.pdf".into(),
            content_b64: "not base64!".into(),
            ..base.clone()
        })
        .as_deref(),
        Some("content_b64")
    );
    // A program renamed as a bill is refused: the kind is told by the content.
    assert_eq!(
        with(RecordExpense {
            file_name: "bill.pdf".into(),
            content_b64: "TVqQAAMAAAAEAAAA".into(),
            ..base.clone()
        })
        .as_deref(),
        Some("content_b64")
    );
    let blobs = f.count("SELECT count(*) FROM attachment_blobs");
    assert_eq!(blobs, 0, "a refused expense keeps no file");
    let bill = f
        .desk
        .record_expense(
            &f.director,
            RecordExpense { file_name: "bill.pdf".into(), content_b64: "JVBERi0x".into(), ..base },
        )
        .unwrap();
    assert_eq!(bill.bill_name, "bill.pdf");
    let attached = bill.bill.clone().expect("the bill is an attachment");
    assert_eq!(
        (attached.media_type.as_str(), attached.size_bytes, attached.on_desk),
        ("application/pdf", 6, true)
    );
    // The approver opens the bill: saved into exports with its own bytes.
    let saved = f.desk.open_attachment(&f.director, OpenAttachment { id: attached.id }).unwrap();
    assert!(saved.path.ends_with("bill.pdf"), "{}", saved.path);
    assert!(std::path::Path::new(&saved.path).starts_with(f.dir.path().join("exports")));
    assert_eq!(std::fs::read(&saved.path).unwrap(), b"%PDF-1");
    let (_, teacher) = f.staff("t@example.com", "TEACHER", Some(f.branch));
    assert_eq!(record(&f, &teacher, "100", "V").unwrap_err().code, ErrorCode::PermissionDenied);
    let e = api(f.desk.open_attachment(&teacher, OpenAttachment { id: attached.id }).unwrap_err());
    assert_eq!(e.code, ErrorCode::PermissionDenied, "a teacher may not read the branch's bills");
    let without =
        f.desk.list_expenses(&f.director, ListExpenses { branch_id: f.branch, month: String::new() });
    let without = without.unwrap().into_iter().find(|e| e.bill_name.is_empty()).unwrap();
    assert!(without.bill.is_none());
    let e = api(f.desk.save_expense_bill(&f.director, SaveExpenseBill { id: without.id }).unwrap_err());
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Invalid, Some("id")), "{}", e.message);
    let unknown = branchdesk_api::ids::ExpenseId(uuid::Uuid::now_v7());
    let e = api(f.desk.save_expense_bill(&f.director, SaveExpenseBill { id: unknown }).unwrap_err());
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("id")));
    let listed = f
        .desk
        .list_expenses(&f.director, ListExpenses { branch_id: f.branch, month: String::new() })
        .unwrap();
    assert_eq!(listed.len(), 3);
}

#[test]
fn the_month_adds_fees_less_reversals_and_expenses_per_branch_and_for_the_organisation() {
    let f = fixture();
    let hsr = f.second_branch();
    let batch = f.physics_batch(f.director.user_id, |b| b.fee_minor = 300_000);
    let s = f
        .desk
        .save_student(
            &f.director,
            SaveStudent {
                branch_id: f.branch,
                full_name: "Asha Rao".into(),
                date_of_birth: "2008-01-01".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .student
        .id;
    f.desk.enrol(&f.director, Enrol { student_id: s, batch_id: batch, ..Default::default() }).unwrap();
    let r = f
        .desk
        .collect_payment(
            &f.director,
            CollectPayment { student_id: s, amount: "3000".into(), ..Default::default() },
        )
        .unwrap();
    f.desk
        .reverse_receipt(
            &f.director,
            ReverseReceipt {
                receipt_id: r.id,
                kind: ReversalKind::Refund,
                amount: "500".into(),
                reason: "Fee revised".into(),
            },
        )
        .unwrap();
    record(&f, &f.director, "1200", "Sai Stationers").unwrap();
    let pending = record(&f, &f.director, "9000", "Landlord").unwrap();
    assert_eq!(pending.status, ExpenseStatus::PendingApproval, "not counted until approved");
    f.desk
        .record_expense(
            &f.director,
            RecordExpense {
                branch_id: hsr,
                vendor: "Painter".into(),
                amount: "800".into(),
                ..Default::default()
            },
        )
        .unwrap();

    let all = f
        .desk
        .get_profit_and_loss(&f.director, GetProfitAndLoss { branch_id: None, month: "2026-06".into() })
        .unwrap();
    let k2 = all.branches.iter().find(|b| b.branch_id == f.branch).unwrap();
    assert_eq!(
        (k2.fees_minor, k2.reversals_minor, k2.expenses_minor, k2.net_minor),
        (300_000, 50_000, 120_000, 130_000)
    );
    assert_eq!(all.total.net_minor, 130_000 - 80_000, "HSR spent 800 and took nothing");
    let july = f
        .desk
        .get_profit_and_loss(&f.director, GetProfitAndLoss { branch_id: None, month: "2026-07".into() })
        .unwrap();
    assert_eq!(july.total.fees_minor, 0);
    // A branch's analyst sees their branch only; a teacher no report.
    let (_, analyst) = f.staff("ba@example.com", "BUSINESS_ANALYST", Some(hsr));
    let theirs = f
        .desk
        .get_profit_and_loss(&analyst, GetProfitAndLoss { branch_id: None, month: "2026-06".into() })
        .unwrap();
    assert_eq!(theirs.branches.len(), 1);
    assert_eq!(theirs.total.net_minor, -80_000);
    let bad =
        f.desk.get_profit_and_loss(&f.director, GetProfitAndLoss { branch_id: None, month: "June".into() });
    assert_eq!(api(bad.unwrap_err()).field.as_deref(), Some("month"));
    let (_, teacher) = f.staff("t@example.com", "TEACHER", Some(f.branch));
    let refused = f.desk.get_profit_and_loss(&teacher, GetProfitAndLoss::default()).map_err(api).unwrap_err();
    assert_eq!(refused.code, ErrorCode::PermissionDenied);
}
