//! Concessions: given at admission, changed on an enrolment by a manager,
//! and the dues always the plan less the concession in force (property).

mod common;

use branchdesk_api::commands::money::*;
use branchdesk_api::commands::students::*;
use branchdesk_api::commands::timetable::FeeFrequency;
use branchdesk_api::commands::timetable::SaveBatch as SaveBatchInput;
use branchdesk_api::ids::StudentId;
use branchdesk_api::{ApiError, ErrorCode};
use common::{admit, api, enrolled, fixture, monthly_batch, parent, pay, Fixture};

/// Sibling 10 % off, as the admit and enrol forms send it.
fn sibling_10() -> (DiscountKind, i64, String, ConcessionCategory) {
    (DiscountKind::Percent, 1_000, "Sister Asha in XI-A".into(), ConcessionCategory::Sibling)
}

fn fee_dues(f: &Fixture, student: StudentId) -> Vec<Due> {
    f.desk.get_student_account(&f.director, GetStudentAccount { student_id: student }).unwrap().dues
}

#[test]
fn admitting_from_an_enquiry_with_a_sibling_concession_charges_every_due_less_it() {
    use branchdesk_api::commands::leads::{ConvertLead, SaveLead};
    let f = fixture();
    let batch = monthly_batch(&f);
    let lead = f
        .desk
        .save_lead(
            &f.director,
            SaveLead {
                branch_id: f.branch,
                full_name: "Ravi Rao".into(),
                guardian_name: "Lata Rao".into(),
                guardian_phone: "9876543210".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let (kind, value, reason, category) = sibling_10();
    let admitted = f
        .desk
        .convert_lead(
            &f.director,
            ConvertLead {
                lead_id: lead.id,
                batch_id: batch,
                date_of_birth: "2010-01-05".into(),
                guardian_relation: "Mother".into(),
                discount_kind: kind,
                discount_value: value,
                discount_reason: reason,
                discount_category: category,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(admitted.enrolments[0].discount_category, ConcessionCategory::Sibling);
    let dues = fee_dues(&f, admitted.student.id);
    assert_eq!(dues.len(), 3, "June to August");
    assert!(dues.iter().all(|d| !d.cancelled && d.amount_minor == 270_000), "90 % of ₹3,000: {dues:?}");
}

#[test]
fn enrolling_again_after_a_drop_charges_the_new_concession_on_the_restored_dues() {
    let f = fixture();
    let s = enrolled(&f);
    let e = f.desk.get_student(&f.director, GetStudent { id: s }).unwrap().enrolments[0].clone();
    f.desk
        .set_enrolment_status(
            &f.director,
            SetEnrolmentStatus { id: e.id, status: EnrolmentStatus::Dropped, reason: "Wrong fee".into() },
        )
        .unwrap();
    let live = |f: &Fixture| fee_dues(f, s).into_iter().filter(|d| !d.cancelled).count();
    assert_eq!(live(&f), 1, "June (due today) stays; the later months are cancelled");
    let (kind, value, reason, category) = sibling_10();
    let again = f
        .desk
        .enrol(
            &f.director,
            Enrol {
                student_id: s,
                batch_id: e.batch_id,
                discount_kind: kind,
                discount_value: value,
                discount_reason: reason,
                discount_category: category,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((again.discount_kind, again.discount_value), (DiscountKind::Percent, 1_000));
    let dues = fee_dues(&f, s);
    assert_eq!(dues.len(), 3);
    assert_eq!(
        dues.iter().map(|d| (d.due_on.as_str(), d.amount_minor, d.cancelled)).collect::<Vec<_>>(),
        [("2026-06-01", 270_000, false), ("2026-07-01", 270_000, false), ("2026-08-01", 270_000, false)],
        "the concession shown is the concession charged"
    );
}

fn change(
    f: &Fixture,
    who: &branchdesk_desk::Actor,
    id: branchdesk_api::ids::EnrolmentId,
    (kind, value, reason, category): (DiscountKind, i64, &str, ConcessionCategory),
) -> Result<Enrolment, ApiError> {
    f.desk
        .set_enrolment_concession(
            who,
            SetEnrolmentConcession {
                id,
                discount_kind: kind,
                discount_value: value,
                discount_reason: reason.into(),
                discount_category: category,
            },
        )
        .map_err(api)
}

const SIBLING: (DiscountKind, i64, &str, ConcessionCategory) =
    (DiscountKind::Percent, 1_000, "Sister Asha in XI-A", ConcessionCategory::Sibling);

#[test]
fn changing_a_concession_re_prices_the_open_dues_and_leaves_the_paid_ones() {
    let f = fixture();
    let s = enrolled(&f);
    let e = f.desk.get_student(&f.director, GetStudent { id: s }).unwrap().enrolments[0].clone();
    pay(&f, s, "3000").unwrap();
    let audit = |entity: &str| f.count(&format!("SELECT count(*) FROM audit_log WHERE entity = '{entity}'"));
    let before = (audit("enrolments"), audit("enrolment_log"), audit("dues"));

    let changed = change(&f, &f.director, e.id, SIBLING).unwrap();
    assert_eq!((changed.discount_kind, changed.discount_value), (DiscountKind::Percent, 1_000));
    assert_eq!(changed.status, EnrolmentStatus::Active, "the status stays");
    let amounts =
        |f: &Fixture| fee_dues(f, s).iter().map(|d| (d.amount_minor, d.cancelled)).collect::<Vec<_>>();
    assert_eq!(amounts(&f), [(300_000, false), (270_000, false), (270_000, false)], "June was paid in full");
    let logged = changed.log.last().unwrap();
    assert_eq!(logged.reason, "Concession changed: none → Sibling 10 % (Sister Asha in XI-A)");
    assert_eq!(
        (logged.from_status, logged.to_status),
        (Some(EnrolmentStatus::Active), EnrolmentStatus::Active)
    );
    assert_eq!(logged.changed_by.as_deref(), Some("Meera Iyer"));
    assert_eq!(
        (audit("enrolments"), audit("enrolment_log"), audit("dues")),
        (before.0 + 1, before.1 + 1, before.2 + 2),
        "one audited action: the enrolment, its log entry and the two open dues"
    );

    // Part of July paid: July keeps its price, August follows the next change.
    pay(&f, s, "1000").unwrap();
    let fixed =
        change(&f, &f.director, e.id, (DiscountKind::Fixed, 50_000, "Hardship", ConcessionCategory::Other))
            .unwrap();
    assert_eq!(
        fixed.log.last().unwrap().reason,
        "Concession changed: Sibling 10 % (Sister Asha in XI-A) → Other 500.00 off (Hardship)"
    );
    assert_eq!(amounts(&f), [(300_000, false), (270_000, false), (250_000, false)]);
    let none = change(&f, &f.director, e.id, (DiscountKind::None, 0, "", ConcessionCategory::None)).unwrap();
    assert_eq!(none.log.last().unwrap().reason, "Concession changed: Other 500.00 off (Hardship) → none");
    assert_eq!(amounts(&f), [(300_000, false), (270_000, false), (300_000, false)]);
}

/// ₹30,000 in June, ₹20,000 in September, ₹10,000 in December.
fn instalment_batch(f: &Fixture, tweak: impl FnOnce(&mut SaveBatchInput)) -> branchdesk_api::ids::BatchId {
    use branchdesk_api::commands::timetable::Instalment;
    f.physics_batch(f.director.user_id, |b| {
        b.name = "Physics XI-I".into();
        b.slots[0].weekday = 3;
        b.end_date = "2027-03-31".into();
        b.fee_frequency = FeeFrequency::Instalments;
        b.instalments = [("2026-06-01", 3_000_000), ("2026-09-01", 2_000_000), ("2026-12-01", 1_000_000)]
            .iter()
            .map(|(d, a)| Instalment { due_on: (*d).into(), amount_minor: *a })
            .collect();
        tweak(b);
    })
}

#[test]
fn a_fixed_concession_that_covers_an_instalment_cancels_it_and_taking_it_off_brings_it_back() {
    let f = fixture();
    let batch = instalment_batch(&f, |_| {});
    let s = admit(&f, "Asha Rao", "9876543210", Some(parent("Lata Rao", "9876543210"))).unwrap().student.id;
    let e =
        f.desk.enrol(&f.director, Enrol { student_id: s, batch_id: batch, ..Default::default() }).unwrap();
    let dues = |f: &Fixture| {
        fee_dues(f, s).iter().map(|d| (d.due_on.clone(), d.amount_minor, d.cancelled)).collect::<Vec<_>>()
    };
    let d = |on: &str, amount, cancelled| (on.to_owned(), amount, cancelled);
    change(
        &f,
        &f.director,
        e.id,
        (DiscountKind::Fixed, 1_500_000, "Topper", ConcessionCategory::Scholarship),
    )
    .unwrap();
    assert_eq!(
        dues(&f),
        [
            d("2026-06-01", 3_000_000, false),
            d("2026-09-01", 1_500_000, false),
            d("2026-12-01", 1_000_000, true)
        ]
    );
    change(&f, &f.director, e.id, (DiscountKind::None, 0, "", ConcessionCategory::None)).unwrap();
    assert_eq!(
        dues(&f),
        [
            d("2026-06-01", 3_000_000, false),
            d("2026-09-01", 2_000_000, false),
            d("2026-12-01", 1_000_000, false)
        ]
    );
}

#[test]
fn a_concession_change_is_refused_naming_the_field_or_permission_and_writes_nothing() {
    let f = fixture();
    let s = enrolled(&f);
    let e = f.desk.get_student(&f.director, GetStudent { id: s }).unwrap().enrolments[0].clone();
    let written = || (f.count("SELECT count(*) FROM outbox"), f.count("SELECT count(*) FROM audit_log"));
    let before = written();
    let invalid = |c, field: &str| {
        let err = change(&f, &f.director, e.id, c).unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (ErrorCode::Invalid, Some(field)), "{c:?}: {err:?}");
    };
    let long = "x".repeat(201);
    invalid((DiscountKind::Percent, 0, "Sibling", ConcessionCategory::Sibling), "discount_value");
    invalid((DiscountKind::Percent, 10_001, "Sibling", ConcessionCategory::Sibling), "discount_value");
    invalid((DiscountKind::Fixed, -5, "Sibling", ConcessionCategory::Sibling), "discount_value");
    invalid((DiscountKind::Fixed, 300_001, "Sibling", ConcessionCategory::Sibling), "discount_value");
    invalid((DiscountKind::Percent, 1_000, "Sibling", ConcessionCategory::None), "discount_category");
    invalid((DiscountKind::Percent, 1_000, "  ", ConcessionCategory::Sibling), "discount_reason");
    invalid((DiscountKind::Percent, 1_000, &long, ConcessionCategory::Sibling), "discount_reason");
    invalid((DiscountKind::None, 0, "", ConcessionCategory::None), "discount_kind");
    assert_eq!(written(), before, "a refusal writes nothing");

    // BACKOFFICE manages enrolments but may not void: refused, naming the permission.
    let (_, clerk) = f.staff("clerk@example.com", "BACKOFFICE", Some(f.branch));
    let (_, teacher) = f.staff("t@example.com", "TEACHER", Some(f.branch));
    let staffed = written();
    let denied = change(&f, &clerk, e.id, SIBLING).unwrap_err();
    assert_eq!(denied.code, ErrorCode::PermissionDenied);
    assert!(denied.message.contains("void:payment"), "{}", denied.message);
    assert_eq!(change(&f, &teacher, e.id, SIBLING).unwrap_err().code, ErrorCode::PermissionDenied);
    let unknown = change(&f, &f.director, branchdesk_api::ids::EnrolmentId(uuid::Uuid::now_v7()), SIBLING);
    let unknown = unknown.unwrap_err();
    assert_eq!((unknown.code, unknown.field.as_deref()), (ErrorCode::NotFound, Some("id")));
    assert_eq!(written(), staffed, "a refusal writes nothing");

    f.desk
        .set_enrolment_status(
            &f.director,
            SetEnrolmentStatus { id: e.id, status: EnrolmentStatus::Dropped, reason: "Moved city".into() },
        )
        .unwrap();
    let dropped_at = written();
    let dropped = change(&f, &f.director, e.id, SIBLING).unwrap_err();
    assert_eq!((dropped.code, dropped.field.as_deref()), (ErrorCode::Conflict, Some("id")), "{dropped:?}");
    assert_eq!(written(), dropped_at, "a refusal writes nothing");
    assert_eq!(
        f.count("SELECT count(*) FROM enrolment_log WHERE reason LIKE 'Concession%'"),
        0,
        "no change was logged"
    );
    assert_eq!(fee_dues(&f, s).iter().filter(|d| d.amount_minor != 300_000).count(), 0);
}

mod dues_follow_the_concession {
    //! Property: over any sequence of concession changes, payments, drops
    //! and re-activations, on a monthly and an instalment batch, every
    //! unpaid live fee due is the plan less the concession in force, a due
    //! with money on it never changes, and no money is lost.

    use super::*;
    use branchdesk_api::commands::org::SaveRoom;
    use branchdesk_api::ids::{BatchId, DueId, EnrolmentId};
    use branchdesk_desk::money::dues;
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    use std::collections::BTreeMap;

    const MONTHLY_FEE: i64 = 300_000;
    const INSTALMENTS: [(&str, i64); 3] =
        [("2026-06-01", 3_000_000), ("2026-09-01", 2_000_000), ("2026-12-01", 1_000_000)];

    #[derive(Debug, Clone)]
    enum Step {
        /// 0: none, 1: percent, 2: fixed; the value in basis points (of the fee, for fixed).
        Concession(u8, i64),
        Pay(i64),
        Drop,
        Reactivate,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => (0u8..3, prop_oneof![Just(10_000i64), Just(1_000), Just(5_000), 1i64..=10_000])
                .prop_map(|(k, v)| Step::Concession(k, v)),
            3 => prop_oneof![1i64..=500_000, 1i64..=4_000_000].prop_map(Step::Pay),
            1 => Just(Step::Drop),
            1 => Just(Step::Reactivate),
        ]
    }

    struct Batches {
        monthly: BatchId,
        instalments: BatchId,
    }

    fn batches(f: &Fixture) -> Batches {
        // One big room, so the cases' enrolments never fill a batch.
        f.desk
            .save_room(
                &f.director,
                SaveRoom { id: None, branch_id: f.branch, name: "Room 1".into(), capacity: 1_000 },
            )
            .unwrap();
        let monthly = f.physics_batch(f.director.user_id, |b| {
            b.capacity = 1_000;
            b.end_date = "2026-11-30".into();
            b.fee_minor = MONTHLY_FEE;
            b.fee_frequency = FeeFrequency::Monthly;
        });
        let instalments = instalment_batch(f, |b| b.capacity = 1_000);
        Batches { monthly, instalments }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// What the plan charges each due of `enrolment` (by id), from the pure
    /// plan functions; dues the concession covers are absent.
    fn expected(
        enrolment: EnrolmentId,
        instalments: bool,
        start: NaiveDate,
        percent: Option<i64>,
        fixed: Option<i64>,
    ) -> BTreeMap<DueId, i64> {
        if instalments {
            let plan: Vec<branchdesk_desk::timetable::plan::PlannedInstalment> = INSTALMENTS
                .iter()
                .map(|(d, a)| branchdesk_desk::timetable::plan::PlannedInstalment {
                    due_on: day(d),
                    amount_minor: *a,
                })
                .collect();
            dues::instalment_dues(&plan, start, percent, fixed)
                .into_iter()
                .map(|(key, _, amount)| (dues::due_id(enrolment, key), amount))
                .collect()
        } else {
            let amount = dues::after_concession(MONTHLY_FEE, percent, fixed);
            dues::schedule(dues::Every::Months(1), start, day("2026-11-30"), "")
                .into_iter()
                .filter(|_| amount > 0)
                .map(|(on, _)| (dues::due_id(enrolment, on), amount))
                .collect()
        }
    }

    fn run(
        f: &Fixture,
        b: &Batches,
        n: u32,
        instalments: bool,
        late: bool,
        steps: &[Step],
    ) -> Result<(), TestCaseError> {
        let start = if late { "2026-07-10" } else { "2026-06-01" };
        let fee = if instalments { 6_000_000 } else { MONTHLY_FEE };
        let student = f
            .desk
            .save_student(
                &f.director,
                SaveStudent {
                    branch_id: f.branch,
                    full_name: format!("Case {n}"),
                    date_of_birth: "2008-03-14".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .student
            .id;
        let batch_id = if instalments { b.instalments } else { b.monthly };
        let e = f
            .desk
            .enrol(
                &f.director,
                Enrol { student_id: student, batch_id, start_date: start.into(), ..Default::default() },
            )
            .unwrap();
        let mut active = true;
        let mut concession: (DiscountKind, i64, ConcessionCategory) =
            (DiscountKind::None, 0, ConcessionCategory::None);
        let mut received = 0i64;
        let mut paid_amounts: BTreeMap<DueId, i64> = BTreeMap::new();
        for (i, s) in steps.iter().enumerate() {
            match s {
                Step::Concession(k, v) => {
                    let c = match k {
                        0 => (DiscountKind::None, 0, ConcessionCategory::None),
                        1 => (DiscountKind::Percent, *v, ConcessionCategory::Sibling),
                        _ => {
                            (DiscountKind::Fixed, (fee * v / 10_000).max(1), ConcessionCategory::Scholarship)
                        }
                    };
                    let reason = if c.0 == DiscountKind::None { "" } else { "Case note" };
                    let r = change(f, &f.director, e.id, (c.0, c.1, reason, c.2));
                    if !active {
                        prop_assert_eq!(
                            r.map(|_| ()).map_err(|e| (e.code, e.field)),
                            Err((ErrorCode::Conflict, Some("id".into())))
                        );
                    } else if c == concession {
                        prop_assert_eq!(
                            r.map(|_| ()).map_err(|e| (e.code, e.field)),
                            Err((ErrorCode::Invalid, Some("discount_kind".into())))
                        );
                    } else {
                        r.map_err(|e| TestCaseError::fail(format!("step {i}: {e:?}")))?;
                        concession = c;
                    }
                }
                Step::Pay(amount) => {
                    f.desk
                        .collect_payment(
                            &f.director,
                            CollectPayment {
                                student_id: student,
                                amount: format!("{}.{:02}", amount / 100, amount % 100),
                                confirm_advance: true,
                                ..Default::default()
                            },
                        )
                        .map_err(|e| TestCaseError::fail(format!("step {i}: {e:?}")))?;
                    received += amount;
                }
                Step::Drop | Step::Reactivate => {
                    let to = if matches!(s, Step::Drop) {
                        EnrolmentStatus::Dropped
                    } else {
                        EnrolmentStatus::Active
                    };
                    let r = f.desk.set_enrolment_status(
                        &f.director,
                        SetEnrolmentStatus { id: e.id, status: to, reason: "Case".into() },
                    );
                    if active == (to == EnrolmentStatus::Active) {
                        prop_assert!(api(r.unwrap_err()).is_for("status"), "step {i}: already so");
                    } else {
                        r.map_err(|e| TestCaseError::fail(format!("step {i}: {e:?}")))?;
                        active = !active;
                    }
                }
            }

            let account =
                f.desk.get_student_account(&f.director, GetStudentAccount { student_id: student }).unwrap();
            let (percent, fixed) = match concession.0 {
                DiscountKind::Percent => (Some(concession.1), None),
                DiscountKind::Fixed => (None, Some(concession.1)),
                DiscountKind::None => (None, None),
            };
            let plan = expected(e.id, instalments, day(start), percent, fixed);
            let today = "2026-06-01";
            for d in &account.dues {
                if d.paid_minor > 0 {
                    prop_assert!(!d.cancelled, "step {i}: a due with money on it is never cancelled: {d:?}");
                    let first = *paid_amounts.entry(d.id).or_insert(d.amount_minor);
                    prop_assert_eq!(d.amount_minor, first, "step {}: a paid due never changes: {:?}", i, d);
                } else if !d.cancelled {
                    prop_assert_eq!(
                        Some(d.amount_minor),
                        plan.get(&d.id).copied(),
                        "step {}: {:?} after {:?}",
                        i,
                        d,
                        &steps[..=i]
                    );
                    if !active {
                        prop_assert!(d.due_on.as_str() <= today, "step {i}: dropped, yet {d:?} is open");
                    }
                }
            }
            for (id, _) in paid_amounts.iter() {
                prop_assert!(account.dues.iter().any(|d| d.id == *id), "a paid due stays");
            }
            if active {
                for id in plan.keys() {
                    prop_assert!(
                        account.dues.iter().any(|d| d.id == *id && !d.cancelled),
                        "step {i}: the plan charges {id}, missing"
                    );
                }
            }
            let live: i64 = account.dues.iter().filter(|d| !d.cancelled).map(|d| d.amount_minor).sum();
            let paid: i64 = account.dues.iter().map(|d| d.paid_minor).sum();
            prop_assert!(live >= paid, "step {i}: the dues ({live}) are below what was paid ({paid})");
            prop_assert_eq!(paid + account.advance_minor, received, "step {}: money is kept", i);
        }
        Ok(())
    }

    #[test]
    fn the_dues_are_always_the_plan_less_the_concession_in_force() {
        let f = fixture();
        let b = batches(&f);
        let n = std::cell::Cell::new(0);
        let mut runner = TestRunner::new(Config {
            cases: 32,
            max_shrink_iters: 200,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(
                &(any::<bool>(), any::<bool>(), proptest::collection::vec(step(), 1..12)),
                |(instalments, late, steps)| {
                    n.set(n.get() + 1);
                    run(&f, &b, n.get(), instalments, late, &steps)
                },
            )
            .unwrap();
    }
}
