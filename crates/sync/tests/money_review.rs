//! Money the server accepts but a manager must look at (sync-design.md:
//! money is never refused after the fact): a receipt a clerk took offline
//! after their role was revoked elsewhere, and a salary two desks paid
//! offline. Both reach every desk's review list; marking one reviewed on
//! one desk takes it off everywhere.

mod support;

use branchdesk_api::commands::money::*;
use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::students::Enrol;
use branchdesk_api::commands::users::{CreateUser, NewGrant, RevokeGrant};
use branchdesk_api::ids::BranchId;
use support::{quiesce, sign_in, Node};

fn reviews(n: &Node, branch: BranchId) -> Vec<MoneyReview> {
    n.desk.list_money_reviews(n.actor(), ListMoneyReviews { branch_id: branch }).unwrap()
}

/// Asha Rao, enrolled on desk 0 in a monthly batch; the director and her id.
fn asha_enrolled(
    office: &Node,
    branch: BranchId,
) -> (branchdesk_desk::Actor, branchdesk_api::ids::StudentId) {
    let director = office.actor().clone();
    let batch = support::monthly_batch(office, &director, branch);
    let student = support::adult_student(&office.desk, &director, branch, "Asha Rao");
    office
        .desk
        .enrol(&director, Enrol { student_id: student, batch_id: batch, ..Default::default() })
        .unwrap();
    (director, student)
}

#[test]
fn a_receipt_taken_after_a_revoked_role_is_kept_and_flagged_for_review_on_every_desk() {
    let rt = support::runtime();
    let (_server, client, mut nodes, branch) = support::network(&rt, &[0, 20]);
    let (director, student) = asha_enrolled(&nodes[0], branch);
    let front_desk = nodes[0]
        .desk
        .list_roles(&director, Default::default())
        .unwrap()
        .into_iter()
        .find(|r| r.name == "BACKOFFICE")
        .unwrap()
        .id;
    let clerk = nodes[0]
        .desk
        .create_user(
            &director,
            CreateUser {
                full_name: "Ravi Kumar".into(),
                email: "ravi@example.com".into(),
                phone: String::new(),
                password: "Teak-Window-57".into(),
                grants: vec![NewGrant { role_id: front_desk, branch_id: Some(branch), expires_on: None }],
            },
        )
        .unwrap();
    quiesce(&rt, &client, &nodes);
    sign_in(&mut nodes[1]);
    let (t, _) = nodes[1]
        .desk
        .login(Login { email: "ravi@example.com".into(), password: "Teak-Window-57".into() })
        .unwrap();
    let ravi = nodes[1].desk.actor(&t).unwrap();

    // The director revokes Ravi's role; desk 2 is offline and Ravi takes ₹1,500.
    nodes[0].desk.revoke_grant(&director, RevokeGrant { grant_id: clerk.grants[0].id }).unwrap();
    rt.block_on(client.sync(&nodes[0].desk)).unwrap();
    let receipt = nodes[1]
        .desk
        .collect_payment(
            &ravi,
            CollectPayment { student_id: student, amount: "1500".into(), ..Default::default() },
        )
        .unwrap();
    quiesce(&rt, &client, &nodes);

    for n in &nodes {
        let account =
            n.desk.get_student_account(n.actor(), GetStudentAccount { student_id: student }).unwrap();
        assert_eq!(account.receipts.len(), 1, "the money is kept, never refused");
        assert_eq!(n.desk.sync_state().unwrap().refused_changes, 0);
        let list = reviews(n, branch);
        assert_eq!(list.len(), 1, "one review item, not one per allocation or retry: {list:?}");
        assert_eq!(list[0].what, format!("Receipt {} of ₹1,500.00 for Asha Rao", receipt.number));
        assert_eq!(list[0].by, "Ravi Kumar");
        assert!(list[0].reason.contains("collect fees"), "{}", list[0].reason);
    }
    // A clerk cannot see or clear the list; a note is needed.
    let mark = |n: &Node, note: &str| {
        n.desk.mark_money_reviewed(
            n.actor(),
            MarkMoneyReviewed { branch_id: branch, id: reviews(n, branch)[0].id, note: note.into() },
        )
    };
    let e: branchdesk_api::ApiError = mark(&nodes[0], " ").unwrap_err().into();
    assert_eq!(e.field.as_deref(), Some("note"));
    let unknown = MarkMoneyReviewed { branch_id: branch, id: Default::default(), note: "Checked".into() };
    let e: branchdesk_api::ApiError =
        nodes[0].desk.mark_money_reviewed(nodes[0].actor(), unknown).unwrap_err().into();
    assert_eq!((e.code, e.field.as_deref()), (branchdesk_api::ErrorCode::NotFound, Some("id")));
    mark(&nodes[0], "Ravi handed the cash to the manager; receipt stands.").unwrap();
    quiesce(&rt, &client, &nodes);
    for n in &nodes {
        assert_eq!(reviews(n, branch), [], "reviewed on one desk, off the list everywhere");
    }
}

#[test]
fn a_salary_paid_on_two_offline_desks_is_two_payments_and_one_review_item() {
    let rt = support::runtime();
    let (_server, client, mut nodes, branch) = support::network(&rt, &[0, 20]);
    let director = nodes[0].actor().clone();
    nodes[0]
        .desk
        .set_salary(
            &director,
            SetSalary { branch_id: branch, user_id: director.user_id, fixed_monthly: "20000".into() },
        )
        .unwrap();
    for n in &nodes {
        n.clock.advance(chrono::Duration::days(30));
    }
    let line = nodes[0]
        .desk
        .run_payroll(&director, RunPayroll { branch_id: branch, month: "2026-06".into() })
        .unwrap()[0]
        .clone();
    quiesce(&rt, &client, &nodes);
    sign_in(&mut nodes[1]);
    for n in &nodes {
        n.desk
            .pay_salary(
                n.actor(),
                PaySalary { id: line.id, method: PaymentMethod::Cash, reference: String::new() },
            )
            .unwrap();
    }
    quiesce(&rt, &client, &nodes);
    for n in &nodes {
        let lines =
            n.desk.run_payroll(n.actor(), RunPayroll { branch_id: branch, month: "2026-06".into() }).unwrap();
        assert_eq!(lines[0].payment_numbers, ["K2/1/S260001", "K2/2/S260001"], "both kept, numbers distinct");
        let pl = n
            .desk
            .get_profit_and_loss(
                n.actor(),
                GetProfitAndLoss { branch_id: Some(branch), month: "2026-06".into() },
            )
            .unwrap();
        // ₹20,000 less PF (₹1,800) and ESI (₹150), paid twice.
        assert_eq!(pl.total.salaries_minor, 2 * 1_805_000, "money paid out twice is counted twice");
        let list = reviews(n, branch);
        assert_eq!(list.len(), 1, "{list:?}");
        assert!(list[0].what.contains("paid 2 times"), "{}", list[0].what);
    }
    let id = reviews(&nodes[1], branch)[0].id;
    nodes[1]
        .desk
        .mark_money_reviewed(
            nodes[1].actor(),
            MarkMoneyReviewed {
                branch_id: branch, id, note: "₹20,000 recovered from July's salary".into()
            },
        )
        .unwrap();
    quiesce(&rt, &client, &nodes);
    for n in &nodes {
        assert_eq!(reviews(n, branch), []);
    }
}

#[test]
fn a_fee_collected_on_two_offline_desks_is_kept_as_advance_and_listed_for_review() {
    let rt = support::runtime();
    let (_server, client, mut nodes, branch) = support::network(&rt, &[0, 20]);
    let (_, student) = asha_enrolled(&nodes[0], branch);
    quiesce(&rt, &client, &nodes);
    sign_in(&mut nodes[1]);
    // The father pays June's ₹3,000 at one desk, the mother at the other.
    for n in &nodes {
        let input = CollectPayment { student_id: student, amount: "3000".into(), ..Default::default() };
        n.desk.collect_payment(n.actor(), input).unwrap();
    }
    quiesce(&rt, &client, &nodes);
    for n in &nodes {
        let account =
            n.desk.get_student_account(n.actor(), GetStudentAccount { student_id: student }).unwrap();
        assert_eq!(account.receipts.len(), 2, "both receipts kept");
        assert_eq!(account.advance_minor, 300_000, "the second ₹3,000 is the student's advance");
        let list = reviews(n, branch);
        assert_eq!(list.len(), 1, "{list:?}");
        assert!(list[0].what.contains("collected twice: ₹6,000.00 against ₹3,000.00"), "{}", list[0].what);
    }
    // Refunding the second payment takes it off the list.
    let second = nodes[1]
        .desk
        .get_student_account(nodes[1].actor(), GetStudentAccount { student_id: student })
        .unwrap()
        .receipts
        .into_iter()
        .find(|r| r.number.starts_with("K2/2/"))
        .unwrap();
    nodes[1]
        .desk
        .reverse_receipt(
            nodes[1].actor(),
            ReverseReceipt {
                receipt_id: second.id,
                kind: ReversalKind::Refund,
                amount: "3000".into(),
                reason: "Paid twice; returned to the mother".into(),
            },
        )
        .unwrap();
    quiesce(&rt, &client, &nodes);
    for n in &nodes {
        assert_eq!(reviews(n, branch), [], "refunded: nothing left to review");
    }
}
