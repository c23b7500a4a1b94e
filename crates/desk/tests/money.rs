//! Fees: dues from an enrolment, a partial payment with its receipt (number,
//! tax, PDF), voids, refunds and bounced cheques as reversals, bad input.

mod common;

use branchdesk_api::commands::money::*;
use branchdesk_api::commands::students::*;
use branchdesk_api::commands::timetable::FeeFrequency;
use branchdesk_api::commands::timetable::SaveBatch as SaveBatchInput;
use branchdesk_api::ErrorCode;
use common::{admit, api, enrolled, fixture, parent, pay};

#[test]
fn enrolment_makes_monthly_dues_and_a_partial_payment_goes_to_the_oldest_first() {
    let f = fixture();
    let s = enrolled(&f);
    let account = f.desk.get_student_account(&f.director, GetStudentAccount { student_id: s }).unwrap();
    assert_eq!(
        account.dues.iter().map(|d| d.due_on.as_str()).collect::<Vec<_>>(),
        ["2026-06-01", "2026-07-01", "2026-08-01"]
    );
    assert_eq!(account.pending_minor, 900_000);

    let r = pay(&f, s, "4,500").unwrap();
    assert_eq!(r.number, "K2/1/260001", "branch, desk, financial year, serial");
    assert_eq!((r.amount_minor, r.tax_minor), (450_000, 68_644), "18 % GST inside ₹4,500");
    assert_eq!(r.allocations.iter().map(|a| a.amount_minor).collect::<Vec<_>>(), [300_000, 150_000]);
    let account = f.desk.get_student_account(&f.director, GetStudentAccount { student_id: s }).unwrap();
    assert_eq!(account.pending_minor, 450_000);
    assert_eq!(account.next_due.as_ref().unwrap().due_on, "2026-07-01", "July is half paid");
    assert_eq!(pay(&f, s, "100").unwrap().number, "K2/1/260002", "gap-free on this desk");

    // The receipt PDF holds the exact number, amount, tax and pending amount.
    let path = f.desk.save_receipt_pdf(&f.director, SaveReceiptPdf { receipt_id: r.id }).unwrap();
    let out = std::process::Command::new("pdftotext").args([&path, "-"]).output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "Receipt K2/1/260001",
        "4,500.00",
        "686.44",
        "Pending amount 4,400.00",
        "Asha Rao",
        "Four Thousand Five Hundred",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
}

/// Issue 25: the branch code starts every number, for every code a branch
/// can be given — KOTA2 is five characters, the longest — where the old
/// format (`D1/26-27/0001`) dropped codes longer than two characters.
#[test]
fn receipt_and_invoice_numbers_carry_the_whole_branch_code() {
    use branchdesk_api::commands::org::{SaveBranch, BRANCH_CODE_MAX};
    let f = fixture();
    let rename = |code: &str| {
        f.desk
            .save_branch(
                &f.director,
                SaveBranch {
                    id: Some(f.branch),
                    code: code.into(),
                    name: "Kota".into(),
                    ..Default::default()
                },
            )
            .map_err(api)
    };
    let longer = "KOTA22";
    assert_eq!(longer.len(), BRANCH_CODE_MAX + 1);
    let refused = rename(longer).unwrap_err();
    assert!(
        refused.is_for("code") && refused.message.contains("at the start of every receipt number"),
        "{refused:?}"
    );
    assert_eq!(rename("kota2").unwrap().code, "KOTA2");
    let s = enrolled(&f);
    let r = pay(&f, s, "3000").unwrap();
    assert_eq!(r.number, "KOTA2/1/260001", "code, desk, year 2026-27, serial");
    assert_eq!(pay(&f, s, "100").unwrap().number, "KOTA2/1/260002");
    let inv = f
        .desk
        .issue_invoice(
            &f.director,
            IssueInvoice { student_id: s, from: "2026-07-01".into(), to: "2026-07-31".into() },
        )
        .unwrap();
    assert_eq!(inv.number, "KOTA2/1/I260001");
    // A receipt already printed keeps its number when the code changes.
    rename("K2").unwrap();
    let account = f.desk.get_student_account(&f.director, GetStudentAccount { student_id: s }).unwrap();
    assert!(account.receipts.iter().all(|r| r.number.starts_with("KOTA2/1/")), "{:?}", account.receipts);
    assert_eq!(pay(&f, s, "100").unwrap().number, "K2/1/260003");
}

/// Receipts printed in the old format keep their numbers, and this desk's
/// series for the year goes on after them instead of starting again; a
/// change of the month years start in (26-27 and 2026 both print as 26)
/// does not start it again either.
#[test]
fn the_series_goes_on_after_numbers_printed_in_the_old_format() {
    use branchdesk_api::commands::settings::SaveSetting;
    use branchdesk_api::settings::SettingValue;
    use branchdesk_api::sync::{Change, Op, DESK_SCHEMA_VERSION};
    let f = fixture();
    let s = enrolled(&f);
    // Receipt 41 of this desk, printed before (as a restored desk holds it).
    let scope = format!("branch:{}", f.branch);
    let device = "0193a0c0-0000-7000-8000-00000000beef";
    let columns = serde_json::json!({
        "branch_id": f.branch.to_string(), "student_id": s.to_string(), "number": "K2/D1/26-27/0041",
        "desk_no": 1, "fiscal_year": "26-27", "serial": 41, "amount_minor": 100_000, "tax_minor": 15_254,
        "tax_rate_bp": 1800, "method": "CASH", "reference": "", "cheque_date": null, "collected_by": null,
        "collected_at": "2026-05-30T09:00:00Z", "created_at": "2026-05-30T09:00:00Z",
        "updated_at": "2026-05-30T09:00:00Z",
    });
    let change = Change {
        scope: scope.clone(),
        scope_seq: 1,
        device_id: device.into(),
        op: Op {
            seq: 1,
            op_id: uuid::Uuid::now_v7().to_string(),
            author_user_id: None,
            scope: scope.clone(),
            entity: "receipts".into(),
            entity_id: uuid::Uuid::now_v7().to_string(),
            kind: "insert".into(),
            columns: columns.as_object().unwrap().clone(),
            hlc: format!("{:012x}0000-{device}", 1_780_131_600_000u64),
            schema_version: DESK_SCHEMA_VERSION,
            signature: None,
        },
    };
    f.desk.apply_pulled(&[change], &[(scope, 1)].into(), &Default::default()).unwrap();
    assert_eq!(pay(&f, s, "100").unwrap().number, "K2/1/260042", "serial 42, not 1");
    // Years from January now: "2026" prints as 26 too, so the serial runs on.
    f.desk
        .save_setting(
            &f.director,
            SaveSetting {
                key: "finance.year_start_month".into(),
                branch_id: None,
                value: SettingValue::Integer(1),
            },
        )
        .unwrap();
    assert_eq!(pay(&f, s, "100").unwrap().number, "K2/1/260043");
    let mut numbers: Vec<String> = f
        .desk
        .get_student_account(&f.director, GetStudentAccount { student_id: s })
        .unwrap()
        .receipts
        .into_iter()
        .map(|r| r.number)
        .collect();
    numbers.sort();
    assert_eq!(numbers, ["K2/1/260042", "K2/1/260043", "K2/D1/26-27/0041"], "the old one unchanged");
}

#[test]
fn a_void_opens_the_dues_again_once_and_refunds_are_bounded() {
    let f = fixture();
    let s = enrolled(&f);
    let r = pay(&f, s, "3000").unwrap();
    let reverse = |kind, amount: &str, reason: &str| {
        f.desk
            .reverse_receipt(
                &f.director,
                ReverseReceipt { receipt_id: r.id, kind, amount: amount.into(), reason: reason.into() },
            )
            .map_err(api)
    };
    assert_eq!(reverse(ReversalKind::Void, "", "").unwrap_err().field.as_deref(), Some("reason"));
    assert_eq!(
        reverse(ReversalKind::Refund, "3000.01", "Overpaid").unwrap_err().field.as_deref(),
        Some("amount")
    );
    assert_eq!(
        reverse(ReversalKind::Bounce, "", "Returned").unwrap_err().field.as_deref(),
        Some("kind"),
        "cash cannot bounce"
    );
    let refunded = reverse(ReversalKind::Refund, "500", "Fee revised").unwrap();
    assert_eq!(refunded.net_minor, 250_000);
    let voided = reverse(ReversalKind::Void, "", "Entered for the wrong student").unwrap();
    assert_eq!(voided.net_minor, 0);
    assert_eq!(
        reverse(ReversalKind::Void, "", "Again").unwrap_err().code,
        ErrorCode::Conflict,
        "reversed once"
    );
    let account = f.desk.get_student_account(&f.director, GetStudentAccount { student_id: s }).unwrap();
    assert_eq!(account.pending_minor, 900_000, "June is open again");
    assert_eq!(account.next_due.unwrap().due_on, "2026-06-01");
    assert_eq!(
        f.count("SELECT count(*) FROM receipts"),
        1,
        "the receipt stays; reversals are rows of their own"
    );
}

#[test]
fn bad_payments_are_refused_naming_the_field_and_nothing_is_written() {
    let f = fixture();
    let s = enrolled(&f);
    for (amount, field) in [
        ("0", "amount"),
        ("-10", "amount"),
        ("12.345", "amount"),
        ("abc", "amount"),
        ("9001", "confirm_advance"),
    ] {
        assert_eq!(pay(&f, s, amount).unwrap_err().field.as_deref(), Some(field), "{amount}");
    }
    let cheque = |reference: &str, date: &str| {
        f.desk
            .collect_payment(
                &f.director,
                CollectPayment {
                    student_id: s,
                    amount: "1000".into(),
                    method: PaymentMethod::Cheque,
                    reference: reference.into(),
                    cheque_date: date.into(),
                    ..Default::default()
                },
            )
            .map_err(api)
    };
    assert_eq!(cheque("", "2026-06-01").unwrap_err().field.as_deref(), Some("reference"));
    assert_eq!(cheque("004512", "").unwrap_err().field.as_deref(), Some("cheque_date"));
    // The clerk's own split: each part within what is open on a due of this student.
    let june =
        f.desk.get_student_account(&f.director, GetStudentAccount { student_id: s }).unwrap().dues[0].id;
    let split = |allocations: Vec<(branchdesk_api::ids::DueId, i64)>| {
        f.desk
            .collect_payment(
                &f.director,
                CollectPayment {
                    student_id: s,
                    amount: "1000".into(),
                    allocations: Some(allocations),
                    ..Default::default()
                },
            )
            .map_err(api)
    };
    assert_eq!(
        split(vec![(june, 300_001)]).unwrap_err().field.as_deref(),
        Some("allocations[0]"),
        "beyond the due"
    );
    assert_eq!(split(vec![(june, 0)]).unwrap_err().field.as_deref(), Some("allocations[0]"));
    let stranger = branchdesk_api::ids::DueId(uuid::Uuid::new_v4());
    assert_eq!(split(vec![(stranger, 100)]).unwrap_err().field.as_deref(), Some("allocations[0]"));
    assert_eq!(
        split(vec![(june, 100_000), (june, 100_000)]).unwrap_err().field.as_deref(),
        Some("allocations"),
        "more than paid"
    );
    assert_eq!(
        split(vec![(june, 200_000), (june, 200_000)]).unwrap_err().field.as_deref(),
        Some("allocations[1]"),
        "June twice, beyond its fee"
    );
    assert_eq!(f.count("SELECT count(*) FROM receipts"), 0, "nothing half written");
    // An advance needs the clerk's word; then it is kept, not lost.
    let r = f
        .desk
        .collect_payment(
            &f.director,
            CollectPayment {
                student_id: s,
                amount: "9100".into(),
                confirm_advance: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(r.advance_minor, 10_000);
    let account = f.desk.get_student_account(&f.director, GetStudentAccount { student_id: s }).unwrap();
    assert_eq!((account.pending_minor, account.advance_minor), (0, 10_000));
    // With nothing left due, a cheque would all be advance: it needs the word too.
    let c = cheque("004512", "2026-06-01");
    assert_eq!(c.unwrap_err().field.as_deref(), Some("confirm_advance"), "nothing is due any more");
    // Archived students take no payments.
    f.desk.set_student_archived(&f.director, SetStudentArchived { id: s, archived: true }).unwrap();
    assert_eq!(pay(&f, s, "100").unwrap_err().field.as_deref(), Some("student_id"));
}

#[test]
fn reminders_are_drafted_from_the_template_once_a_day_for_review() {
    use branchdesk_api::commands::attendance::{ListNotifications, NotificationState};
    let f = fixture();
    let s = enrolled(&f);
    let mother = GuardianInput {
        full_name: "Lakshmi Rao".into(),
        phone: "98450 22222".into(),
        relation: "Mother".into(),
        is_primary: true,
        ..Default::default()
    };
    f.desk.link_guardian(&f.director, LinkGuardian { student_id: s, guardian: mother }).unwrap();
    let draft = || {
        f.desk
            .draft_fee_reminders(
                &f.director,
                DraftFeeReminders { branch_id: f.branch, window: DueWindow::Today },
            )
            .unwrap()
    };
    assert_eq!(draft(), 1, "June's fee is due today");
    assert_eq!(draft(), 0, "not twice the same day");
    let drafts = f
        .desk
        .list_notifications(
            &f.director,
            ListNotifications { branch_id: f.branch, state: NotificationState::Draft, ..Default::default() },
        )
        .unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].recipient, "98450 22222");
    assert!(
        drafts[0].body.starts_with(
            "Dear Lakshmi Rao, Asha Rao's fee of Rs 3,000.00 (Physics fee, Jun 2026) was due on 2026-06-01."
        ),
        "{}",
        drafts[0].body
    );
    // Paid dues are not reminded; a teacher may not draft.
    f.clock.advance(chrono::Duration::days(1));
    pay(&f, s, "3000").unwrap();
    let overdue = f.desk.draft_fee_reminders(
        &f.director,
        DraftFeeReminders { branch_id: f.branch, window: DueWindow::Overdue },
    );
    assert_eq!(overdue.unwrap(), 0);
    let (_, teacher) = f.staff("t@example.com", "TEACHER", Some(f.branch));
    let refused = f
        .desk
        .draft_fee_reminders(&teacher, DraftFeeReminders { branch_id: f.branch, window: DueWindow::Today })
        .map_err(api)
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::PermissionDenied);
}

#[test]
fn the_dues_lists_show_what_is_open_and_a_teacher_may_not_collect() {
    let f = fixture();
    let s = enrolled(&f);
    let list = |window| f.desk.list_dues(&f.director, ListDues { branch_id: f.branch, window }).unwrap();
    // The fixture's today is 1 June 2026.
    assert_eq!(list(DueWindow::Today).len(), 1);
    assert_eq!(list(DueWindow::Upcoming).len(), 1, "1 July is within 30 days");
    pay(&f, s, "3000").unwrap();
    assert!(list(DueWindow::Today).is_empty(), "paid");
    let (_, teacher) = f.staff("t@example.com", "TEACHER", Some(f.branch));
    let refused = f
        .desk
        .collect_payment(
            &teacher,
            CollectPayment { student_id: s, amount: "100".into(), ..Default::default() },
        )
        .map_err(api)
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::PermissionDenied);
}

#[test]
fn merging_duplicates_keeps_fees_with_the_record_that_holds_the_payments() {
    let f = fixture();
    let paid = enrolled(&f);
    pay(&f, paid, "1000").unwrap();
    let twin = f
        .desk
        .save_student(
            &f.director,
            SaveStudent {
                branch_id: f.branch,
                full_name: "Asha R.".into(),
                date_of_birth: "2008-03-14".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .student
        .id;
    // Merging the paid record away would strand its receipts: refused.
    let refused =
        f.desk.merge_students(&f.director, MergeStudents { keep: twin, duplicate: paid }).map_err(api);
    let refused = refused.unwrap_err();
    assert_eq!(refused.field.as_deref(), Some("duplicate"));
    assert!(refused.message.contains("K2/1/260001"), "{}", refused.message);
    // The other way round keeps everything, and the dues of a merged record follow it.
    let batch2 = f.physics_batch(f.director.user_id, |b| {
        b.name = "Physics XI-B".into();
        b.slots[0].weekday = 2;
        b.end_date = "2026-08-31".into();
        b.fee_minor = 100_000;
        b.fee_frequency = FeeFrequency::OneTime;
    });
    f.desk.enrol(&f.director, Enrol { student_id: twin, batch_id: batch2, ..Default::default() }).unwrap();
    f.desk.merge_students(&f.director, MergeStudents { keep: paid, duplicate: twin }).unwrap();
    let account = f.desk.get_student_account(&f.director, GetStudentAccount { student_id: paid }).unwrap();
    assert_eq!(account.dues.len(), 4, "three months of XI plus XI-B's one fee");
    assert_eq!(account.pending_minor, 900_000 + 100_000 - 100_000);
}

#[test]
fn the_day_book_adds_up_each_collector_and_closing_cash_needs_a_reason_for_a_difference() {
    let f = fixture();
    let s = enrolled(&f);
    let (_, clerk) = f.staff("clerk@example.com", "BACKOFFICE", Some(f.branch));
    let collect = |who: &branchdesk_desk::Actor, amount: &str, method| {
        let reference = if method == PaymentMethod::Upi { "UPI-77".into() } else { String::new() };
        f.desk
            .collect_payment(
                who,
                CollectPayment {
                    student_id: s,
                    amount: amount.into(),
                    method,
                    reference,
                    ..Default::default()
                },
            )
            .unwrap()
    };
    collect(&clerk, "1000", PaymentMethod::Cash);
    let voided = collect(&clerk, "500", PaymentMethod::Cash);
    collect(&clerk, "2000", PaymentMethod::Upi);
    collect(&f.director, "700", PaymentMethod::Cash);
    f.desk
        .reverse_receipt(
            &f.director,
            ReverseReceipt {
                receipt_id: voided.id,
                kind: ReversalKind::Void,
                reason: "Typed twice".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let book = f.desk.get_day_book(&clerk, GetDayBook { branch_id: f.branch, date: String::new() }).unwrap();
    assert_eq!(book.total_minor, 370_000, "1,000 + 2,000 + 700; the voided 500 counts for nothing");
    let theirs = book.collectors.iter().find(|c| c.collector == "Staff clerk@example.com").unwrap();
    assert_eq!(theirs.expected_cash_minor, 100_000);
    assert_eq!(theirs.by_method, vec![(PaymentMethod::Cash, 100_000), (PaymentMethod::Upi, 200_000)]);
    assert_eq!(theirs.receipts.len(), 3);

    let close = |counted: &str, note: &str| {
        f.desk
            .close_cash(
                &clerk,
                CloseCash {
                    branch_id: f.branch,
                    date: String::new(),
                    counted: counted.into(),
                    note: note.into(),
                },
            )
            .map_err(api)
    };
    assert_eq!(close("", "").unwrap_err().field.as_deref(), Some("counted"));
    assert_eq!(close("-5", "").unwrap_err().field.as_deref(), Some("counted"));
    let short = close("950", "").unwrap_err();
    assert_eq!(short.field.as_deref(), Some("note"));
    assert!(short.message.contains("50.00 short"), "{}", short.message);
    let future = f.desk.close_cash(
        &clerk,
        CloseCash {
            branch_id: f.branch,
            date: "2026-06-02".into(),
            counted: "1000".into(),
            note: String::new(),
        },
    );
    assert_eq!(api(future.unwrap_err()).field.as_deref(), Some("date"));
    let closed = close("950", "Gave change from the drawer").unwrap();
    let theirs = closed.collectors.iter().find(|c| c.collector == "Staff clerk@example.com").unwrap();
    let c = theirs.closing.as_ref().unwrap();
    assert_eq!((c.expected_minor, c.counted_minor, c.difference_minor), (100_000, 95_000, -5_000));
    // Counting again replaces the count (one closing per collector and day).
    close("1000", "").unwrap();
    assert_eq!(f.count("SELECT count(*) FROM cash_closings"), 1);
}

#[test]
fn opening_balances_bring_dues_and_past_payments_with_row_errors_first() {
    use branchdesk_api::commands::imports::{ImportCsv, ImportKind};
    let f = fixture();
    let s = f
        .desk
        .save_student(
            &f.director,
            SaveStudent {
                branch_id: f.branch,
                full_name: "Asha Rao".into(),
                date_of_birth: "2008-03-14".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .student;
    let code = s.code.clone();
    let file = format!(
        "student_code,kind,date,description,amount,method,reference\n\
         {code},DUE,2026-04-10,Physics fee Apr 2026,3000,,\n\
         {code},DUE,2026-05-10,Physics fee May 2026,3000,,\n\
         {code},PAYMENT,2026-04-12,,4000,UPI,UTR-881\n\
         NOPE-1,DUE,2026-04-10,Fee,100,,\n\
         {code},PAYMENT,2026-07-01,,100,,\n\
         {code},REFUND,2026-04-10,,100,,\n\
         {code},PAYMENT,2026-04-12,,12.345,CASH,\n"
    );
    let run = |content: &str, commit| {
        f.desk
            .import_csv(
                &f.director,
                ImportCsv {
                    kind: ImportKind::OpeningBalances,
                    branch_id: f.branch,
                    content: content.into(),
                    commit,
                },
            )
            .map_err(api)
    };
    let dry = run(&file, false).unwrap();
    let problems: Vec<(u32, &str)> = dry.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(problems, [(5, "student_code"), (6, "date"), (7, "kind"), (8, "amount")]);
    assert_eq!(run(&file, true).unwrap_err().field.as_deref(), Some("content"), "all or nothing");
    assert_eq!(f.count("SELECT count(*) FROM dues"), 0);

    let good: String = file.lines().take(4).map(|l| format!("{l}\n")).collect();
    assert_eq!(run(&good, true).unwrap().written, 3);
    let account = f.desk.get_student_account(&f.director, GetStudentAccount { student_id: s.id }).unwrap();
    assert_eq!(
        (account.pending_minor, account.advance_minor),
        (200_000, 0),
        "4,000 paid April and part of May"
    );
    let r = &account.receipts[0];
    assert_eq!(
        (r.number.as_str(), r.collected_at.get(..10)),
        ("K2/1/260001", Some("2026-04-12")),
        "dated the day it was paid"
    );
    assert!(r.reference.contains("UTR-881"));
    // The same file again adds the dues nothing (derived ids).
    run(&good.lines().take(3).map(|l| format!("{l}\n")).collect::<String>(), true).unwrap();
    assert_eq!(f.count("SELECT count(*) FROM dues"), 2);
}

#[test]
fn a_late_fee_is_added_once_to_fees_overdue_past_the_grace_days() {
    use branchdesk_api::commands::settings::SaveSetting;
    use branchdesk_api::settings::SettingValue;
    let f = fixture();
    let s = enrolled(&f);
    let late = || f.desk.apply_late_fees(&f.director, ApplyLateFees { branch_id: f.branch }).map_err(api);
    assert_eq!(late().unwrap_err().field.as_deref(), Some("branch_id"), "no late fee set");
    f.desk
        .save_setting(
            &f.director,
            SaveSetting {
                key: "fees.late_fee_minor".into(),
                branch_id: None,
                value: SettingValue::Integer(10_000),
            },
        )
        .unwrap();
    assert_eq!(late().unwrap(), 0, "June's fee is due today, not late");
    f.clock.advance(chrono::Duration::days(8));
    assert_eq!(late().unwrap(), 1, "eight days overdue, past the seven days' grace");
    assert_eq!(late().unwrap(), 0, "once");
    let account = f.desk.get_student_account(&f.director, GetStudentAccount { student_id: s }).unwrap();
    let fee = account.dues.iter().find(|d| d.description.starts_with("Late fee")).unwrap();
    assert_eq!((fee.amount_minor, fee.due_on.as_str()), (10_000, "2026-06-09"));
    // Paying the June fee late still leaves the late fee to pay; a late fee earns none of its own.
    f.clock.advance(chrono::Duration::days(30));
    pay(&f, s, "3000").unwrap();
    assert_eq!(late().unwrap(), 1, "July's fee, now late too; not the late fee itself");
}

#[test]
fn an_invoice_for_a_period_lists_its_fees_with_the_gst_and_is_numbered_from_the_desks_series() {
    let f = fixture();
    let s = enrolled(&f);
    let issue = |from: &str, to: &str| {
        f.desk
            .issue_invoice(&f.director, IssueInvoice { student_id: s, from: from.into(), to: to.into() })
            .map_err(api)
    };
    assert_eq!(
        issue("2026-07-01", "2026-06-01").unwrap_err().field.as_deref(),
        Some("to"),
        "ends before it begins"
    );
    assert_eq!(issue("2026-09-01", "2026-12-31").unwrap_err().field.as_deref(), Some("to"), "no fees then");
    assert_eq!(issue("June", "2026-07-31").unwrap_err().field.as_deref(), Some("from"));
    let inv = issue("2026-06-01", "2026-07-31").unwrap();
    assert_eq!(inv.number, "K2/1/I260001");
    assert_eq!(inv.lines.len(), 2, "June and July");
    assert_eq!((inv.total_minor, inv.tax_minor), (600_000, 91_525));
    assert_eq!(issue("2026-08-01", "2026-08-31").unwrap().number, "K2/1/I260002", "gap-free");
    let listed = f.desk.list_invoices(&f.director, ListInvoices { student_id: s }).unwrap();
    assert_eq!(listed.len(), 2);
    let path = f.desk.save_invoice_pdf(&f.director, SaveInvoicePdf { id: inv.id }).unwrap();
    let out = std::process::Command::new("pdftotext").args([&path, "-"]).output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in ["Invoice K2/1/I260001", "Physics fee, Jul 2026", "6,000.00", "915.25", "Six Thousand"] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
}

#[test]
fn a_fee_in_instalments_falls_due_on_its_dates_with_a_fixed_concession_off_the_last() {
    use branchdesk_api::commands::timetable::{GetBatch, Instalment};
    let f = fixture();
    let plan = |items: &[(&str, i64)]| -> Vec<Instalment> {
        items.iter().map(|(d, a)| Instalment { due_on: (*d).into(), amount_minor: *a }).collect()
    };
    // ₹30,000 now, ₹20,000 in September, ₹10,000 in December (typed out of order).
    let mut input = None;
    let id = f.physics_batch(f.director.user_id, |b| {
        b.end_date = "2027-03-31".into();
        b.fee_frequency = FeeFrequency::Instalments;
        b.instalments =
            plan(&[("2026-12-01", 1_000_000), ("2026-06-01", 3_000_000), ("2026-09-01", 2_000_000)]);
        input = Some(b.clone());
    });
    let input = input.unwrap();
    let saved = f.desk.get_batch(&f.director, GetBatch { id }).unwrap().batch;
    assert_eq!((saved.fee_frequency, saved.fee_minor), (FeeFrequency::Instalments, 6_000_000));
    assert_eq!(saved.instalments[0].due_on, "2026-06-01", "in date order");

    // Bad plans are refused naming the instalment's field; the plan stays.
    for (items, field) in [
        (vec![], "instalments"),
        (vec![("2026-06-01", 3_000_000), ("2027-05-01", 100)], "instalments[1].due_on"),
        (vec![("2026-06-01", 0)], "instalments[0].amount_minor"),
        (vec![("31/06/2026", 100)], "instalments[0].due_on"),
        (vec![("2026-07-01", 100), ("2026-07-01", 100)], "instalments[1].due_on"),
    ] {
        let bad = SaveBatchInput { id: Some(id), instalments: plan(&items), ..input.clone() };
        let e = api(f.desk.save_batch(&f.director, bad).unwrap_err());
        assert_eq!(e.field.as_deref(), Some(field), "{items:?}");
    }
    assert_eq!(f.desk.get_batch(&f.director, GetBatch { id }).unwrap().batch.fee_minor, 6_000_000);

    let student =
        admit(&f, "Asha Rao", "9876543210", Some(parent("Lata Rao", "9876543210"))).unwrap().student.id;
    f.desk
        .enrol(
            &f.director,
            Enrol {
                student_id: student,
                batch_id: id,
                discount_kind: DiscountKind::Fixed,
                discount_value: 1_500_000,
                discount_reason: "Topper of the entrance test".into(),
                discount_category: ConcessionCategory::Scholarship,
                ..Default::default()
            },
        )
        .unwrap();
    let account = f.desk.get_student_account(&f.director, GetStudentAccount { student_id: student }).unwrap();
    let dues: Vec<(&str, i64, &str)> =
        account.dues.iter().map(|d| (d.due_on.as_str(), d.amount_minor, d.description.as_str())).collect();
    assert_eq!(
        dues,
        [
            ("2026-06-01", 3_000_000, "Physics fee, instalment 1 of 3"),
            ("2026-09-01", 1_500_000, "Physics fee, instalment 2 of 3"),
        ],
        "₹15,000 off: all of December's and half of September's"
    );
    assert_eq!(account.pending_minor, 4_500_000);
}
