//! Dues from an enrolment's fee plan (the batch's fee and how often it
//! falls due), less the enrolment's concession, with GST added when fees
//! are quoted without it. Each due's id is derived from the enrolment and
//! its date, so two desks enrolling the same student offline make the
//! same dues once.

use crate::timetable::plan::PlannedInstalment;
use branchdesk_api::ids::{DueId, EnrolmentId};
use chrono::{Months, NaiveDate};
use uuid::Uuid;

/// An instalment plan's dues for a student starting on `start`: each
/// instalment with its amount after the concession — a percent off each,
/// a fixed amount off the plan as a whole, taken from the last instalment
/// backwards — and those dated before the student joined due on joining.
/// Instalments a fixed concession covers entirely are left out. Each is
/// keyed by its planned date, so the due's id does not move.
pub fn instalment_dues(
    plan: &[PlannedInstalment],
    start: NaiveDate,
    percent_bp: Option<i64>,
    fixed: Option<i64>,
) -> Vec<(NaiveDate, NaiveDate, i64)> {
    let mut amounts: Vec<i64> =
        plan.iter().map(|p| after_concession(p.amount_minor, percent_bp, None)).collect();
    if percent_bp.is_none() {
        let mut off = fixed.unwrap_or(0).max(0);
        for a in amounts.iter_mut().rev() {
            let take = off.min(*a);
            *a -= take;
            off -= take;
        }
    }
    plan.iter()
        .zip(amounts)
        .filter(|(_, a)| *a > 0)
        .map(|(p, a)| (p.due_on, p.due_on.max(start), a))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    Once,
    Months(u32),
}

pub fn due_id(enrolment: EnrolmentId, due_on: NaiveDate) -> DueId {
    const NAMESPACE: Uuid = Uuid::from_u128(0x1f6c_94d2_7a35_4e80_b9c1_3d52_e07a_6f18);
    DueId(Uuid::new_v5(&NAMESPACE, format!("{enrolment}\u{0}{due_on}").as_bytes()))
}

/// The late fee on a due: one, however many desks apply the rule.
pub fn late_fee_id(due: DueId) -> DueId {
    const NAMESPACE: Uuid = Uuid::from_u128(0x0b7e_c3d1_46a9_4f82_9c15_e8d2_7a40_b3f6);
    DueId(Uuid::new_v5(&NAMESPACE, due.0.as_bytes()))
}

/// The dates fees fall due from `start` up to `end`, each with its words.
pub fn schedule(every: Every, start: NaiveDate, end: NaiveDate, course: &str) -> Vec<(NaiveDate, String)> {
    match every {
        Every::Once => vec![(start, format!("{course} fee"))],
        Every::Months(n) => {
            let mut out = Vec::new();
            let mut k = 0;
            while let Some(d) = start.checked_add_months(Months::new(k * n)) {
                if d > end || out.len() >= 120 {
                    break;
                }
                let words = if n == 1 {
                    format!("{course} fee, {}", d.format("%b %Y"))
                } else {
                    let last = d.checked_add_months(Months::new(n - 1)).unwrap_or(d);
                    format!("{course} fee, {}–{}", d.format("%b"), last.format("%b %Y"))
                };
                out.push((d, words));
                k += 1;
            }
            out
        }
    }
}

/// The fee after a concession: percent in basis points, or a fixed amount
/// off each fee. Never below zero; halves round up.
pub fn after_concession(fee: i64, percent_bp: Option<i64>, fixed: Option<i64>) -> i64 {
    let off = match (percent_bp, fixed) {
        (Some(bp), _) => (fee * bp.clamp(0, 10_000) + 5_000) / 10_000,
        (None, Some(f)) => f,
        (None, None) => 0,
    };
    (fee - off).max(0)
}

/// GST inside an amount that includes it, rounded to the paisa.
pub fn tax_within(amount: i64, rate_bp: i64) -> i64 {
    (amount * rate_bp + (10_000 + rate_bp) / 2) / (10_000 + rate_bp)
}

/// An amount quoted without GST, with it added.
pub fn with_tax(amount: i64, rate_bp: i64) -> i64 {
    amount + (amount * rate_bp + 5_000) / 10_000
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn monthly_and_quarterly_fees_fall_due_until_the_batch_ends() {
        let monthly = schedule(Every::Months(1), d(2026, 6, 1), d(2026, 8, 31), "Physics");
        assert_eq!(
            monthly.iter().map(|m| m.0).collect::<Vec<_>>(),
            [d(2026, 6, 1), d(2026, 7, 1), d(2026, 8, 1)]
        );
        assert_eq!(monthly[0].1, "Physics fee, Jun 2026");
        let quarterly = schedule(Every::Months(3), d(2026, 1, 31), d(2026, 12, 31), "Maths");
        assert_eq!(quarterly.len(), 4);
        assert_eq!(quarterly[1].0, d(2026, 4, 30), "month ends clamp");
        assert_eq!(schedule(Every::Once, d(2026, 6, 1), d(2026, 6, 1), "X").len(), 1);
    }

    #[test]
    fn a_late_joiner_owes_past_instalments_on_joining_and_fixed_concessions_come_off_the_end() {
        let p = [
            PlannedInstalment { due_on: d(2026, 6, 1), amount_minor: 3_000_000 },
            PlannedInstalment { due_on: d(2026, 9, 1), amount_minor: 2_000_000 },
            PlannedInstalment { due_on: d(2026, 12, 1), amount_minor: 1_000_000 },
        ];
        let joined = d(2026, 7, 15);
        let dues = instalment_dues(&p, joined, None, None);
        assert_eq!(dues[0], (d(2026, 6, 1), joined, 3_000_000));
        assert_eq!(dues[1], (d(2026, 9, 1), d(2026, 9, 1), 2_000_000));
        let fixed = instalment_dues(&p, d(2026, 6, 1), None, Some(1_500_000));
        assert_eq!(fixed.iter().map(|x| x.2).collect::<Vec<_>>(), [3_000_000, 1_500_000], "last one covered");
        let pct = instalment_dues(&p, d(2026, 6, 1), Some(1_000), None);
        assert_eq!(pct.iter().map(|x| x.2).sum::<i64>(), 5_400_000);
    }

    #[test]
    fn concessions_and_tax_are_exact_in_paise() {
        assert_eq!(after_concession(300_000, Some(1_000), None), 270_000);
        assert_eq!(after_concession(300_000, None, Some(50_000)), 250_000);
        assert_eq!(after_concession(300_000, None, Some(900_000)), 0);
        assert_eq!(tax_within(118_000, 1_800), 18_000);
        assert_eq!(with_tax(100_000, 1_800), 118_000);
        assert_eq!(tax_within(100, 0), 0);
    }

    #[test]
    fn gst_inside_an_amount_rounds_to_the_nearest_paisa() {
        // ₹1,000 at 18 %: 15,254.237… paise → 15,254; ₹1,500: 22,881.35… → 22,881;
        // ₹10 at 18 %: 152.54… → 153 (rounds up past the half).
        assert_eq!(tax_within(100_000, 1_800), 15_254);
        assert_eq!(tax_within(150_000, 1_800), 22_881);
        assert_eq!(tax_within(1_000, 1_800), 153);
        assert_eq!(tax_within(105, 500), 5, "₹1.05 at 5 % holds exactly 5 paise");
        assert_eq!(tax_within(1, 1_800), 0);
    }

    #[test]
    fn a_fee_falling_due_on_the_batchs_last_day_is_billed_and_quarters_are_named() {
        let monthly = schedule(Every::Months(1), d(2026, 6, 30), d(2026, 8, 30), "Physics");
        assert_eq!(monthly.last().unwrap().0, d(2026, 8, 30), "the last day still owes its fee");
        assert_eq!(monthly.len(), 3);
        let quarterly = schedule(Every::Months(3), d(2026, 1, 1), d(2026, 6, 30), "Maths");
        assert_eq!(
            quarterly.iter().map(|q| q.1.as_str()).collect::<Vec<_>>(),
            ["Maths fee, Jan–Mar 2026", "Maths fee, Apr–Jun 2026"]
        );
    }
}
