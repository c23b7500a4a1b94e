//! Every service that takes a date reads it day first, as a clerk in India
//! types it (`14/05/2012` is 14 May), whatever the computer's locale; an
//! impossible date is refused naming its field, and nothing is written.

mod common;

use branchdesk_api::commands::leads::{GetLead, SaveLead};
use branchdesk_api::commands::money::{IssueInvoice, RecordExpense};
use branchdesk_api::commands::students::{Enrol, GetStudent, SaveStudent};
use branchdesk_api::commands::timetable::{FeeFrequency, GetBatch, Instalment};
use branchdesk_api::ErrorCode;
use common::*;

#[test]
fn a_date_of_birth_is_read_day_first_and_an_impossible_one_is_refused() {
    let f = fixture();
    let save = |dob: &str| {
        f.desk.save_student(
            &f.director,
            SaveStudent {
                branch_id: f.branch,
                full_name: "Kabir Rao".into(),
                date_of_birth: dob.into(),
                guardians: vec![parent("Sunita Rao", "98290 12345")],
                ..Default::default()
            },
        )
    };
    for (typed, why) in [
        ("31/02/2012", "February 2012 has 29 days"),
        ("29/02/2025", "February 2025 has 28 days"),
        ("14/13/2012", "no month 13"),
        ("14/05/12", "year in full"),
        ("May 14 2012", "day first"),
    ] {
        let e = api(save(typed).unwrap_err());
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Invalid, Some("date_of_birth")), "{typed}");
        assert!(e.message.contains(why), "{typed}: {}", e.message);
    }
    assert_eq!(f.count("SELECT count(*) FROM students"), 0, "a refused student writes nothing");

    let saved = save("14/05/2012").unwrap().student;
    assert_eq!(saved.date_of_birth.as_deref(), Some("2012-05-14"), "14 May, not 5 December");
    let other = save(" 5.12.2012 ").unwrap().student;
    assert_eq!(other.date_of_birth.as_deref(), Some("2012-12-05"));
    let got = f.desk.get_student(&f.director, GetStudent { id: saved.id }).unwrap();
    assert_eq!(got.student.date_of_birth.as_deref(), Some("2012-05-14"));
}

#[test]
fn batches_enrolments_enquiries_expenses_and_invoices_read_dates_day_first() {
    let f = fixture();
    let batch = f.physics_batch(f.director.user_id, |b| {
        b.start_date = "01/06/2026".into();
        b.end_date = "31/07/2026".into();
        b.fee_minor = 600_000;
        b.fee_frequency = FeeFrequency::Instalments;
        b.instalments = vec![
            Instalment { due_on: "01/06/2026".into(), amount_minor: 300_000 },
            Instalment { due_on: "1/7/2026".into(), amount_minor: 300_000 },
        ];
    });
    let detail = f.desk.get_batch(&f.director, GetBatch { id: batch }).unwrap();
    assert_eq!(
        (detail.batch.start_date.as_str(), detail.batch.end_date.as_str()),
        ("2026-06-01", "2026-07-31")
    );
    assert_eq!(detail.batch.instalments[1].due_on, "2026-07-01");

    let student = admit(&f, "Asha Rao", "98450 11111", Some(parent("Sunita Rao", "98290 12345"))).unwrap();
    let bad = f.desk.enrol(
        &f.director,
        Enrol {
            student_id: student.student.id,
            batch_id: batch,
            start_date: "31/06/2026".into(),
            ..Default::default()
        },
    );
    let e = api(bad.unwrap_err());
    assert_eq!(e.field.as_deref(), Some("start_date"));
    assert!(e.message.contains("June 2026 has 30 days"), "{}", e.message);
    let enrolment = f
        .desk
        .enrol(
            &f.director,
            Enrol {
                student_id: student.student.id,
                batch_id: batch,
                start_date: "05/06/2026".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(enrolment.start_date, "2026-06-05");

    let lead = f
        .desk
        .save_lead(
            &f.director,
            SaveLead {
                branch_id: f.branch,
                full_name: "Rohan Shetty".into(),
                phone: "98860 12345".into(),
                next_follow_up: "03/06/2026".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let lead = f.desk.get_lead(&f.director, GetLead { id: lead.id }).unwrap();
    assert_eq!(lead.next_follow_up.as_deref(), Some("2026-06-03"));

    let expense = f
        .desk
        .record_expense(
            &f.director,
            RecordExpense {
                branch_id: f.branch,
                day: "1/6/2026".into(),
                vendor: "Stationery Mart".into(),
                description: "Whiteboard markers".into(),
                amount: "450".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(expense.day, "2026-06-01", "1 June, not 6 January");

    let e = api(f
        .desk
        .issue_invoice(
            &f.director,
            IssueInvoice {
                student_id: student.student.id,
                from: "01/06/2026".into(),
                to: "30/02/2027".into(),
            },
        )
        .unwrap_err());
    assert_eq!(e.field.as_deref(), Some("to"));
    let invoice = f
        .desk
        .issue_invoice(
            &f.director,
            IssueInvoice {
                student_id: student.student.id,
                from: "01/06/2026".into(),
                to: "10/07/2026".into(),
            },
        )
        .unwrap();
    assert_eq!((invoice.period_from.as_str(), invoice.period_to.as_str()), ("2026-06-01", "2026-07-10"));
}
