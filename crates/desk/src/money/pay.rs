//! A month's pay, pure: which salary components are in force for a month,
//! and from them, the month's variable pay, unpaid leave and the statutory
//! rules, the slip's earnings, deductions and net pay. Amounts in paise.
//!
//! - Fixed pay (basic and allowances) is cut for days of unpaid leave in
//!   proportion to the days of the month.
//! - Provident fund: its rate of the basic earned, up to the wage ceiling,
//!   from the employee and again from the employer; rounded to the rupee.
//! - ESI: while gross pay is at most the threshold, the employee's and the
//!   employer's rates of gross, rounded up to the rupee.
//! - Professional tax by the branch's state (`api::payroll`), TDS as
//!   entered per person.
//! - Advances are recovered by their monthly instalment from what is left
//!   after the statutory deductions, never more than is outstanding and
//!   never taking pay below zero (the rest waits for next month).
//!
//! Statutory deductions larger than gross pay are refused, not clipped:
//! someone must look at that person's structure.

use branchdesk_api::payroll::PtState;
use chrono::NaiveDate;

/// Today's statutory rules, read from the settings (`api::settings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// None: the branch does not deduct provident fund.
    pub pf_rate_bp: Option<i64>,
    pub pf_wage_ceiling: i64,
    /// None: the branch does not deduct ESI.
    pub esi: Option<Esi>,
    pub pt: Option<&'static PtState>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Esi {
    pub employee_bp: i64,
    pub employer_bp: i64,
    /// Gross pay at most this is covered.
    pub threshold: i64,
}

/// What a month's pay is made from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Month {
    pub basic: i64,
    pub allowances: i64,
    /// Batch pay, per-session pay and commission, earned in the month.
    pub variable: i64,
    /// Bonuses (positive) and deductions (negative) entered by hand.
    pub adjustments: i64,
    pub tds: i64,
    pub unpaid_days: u32,
    pub days_in_month: u32,
    pub february: bool,
    /// Advances not yet recovered, and the instalments due this month.
    pub advance_outstanding: i64,
    pub advance_instalment: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Slip {
    pub leave_deduction: i64,
    pub gross: i64,
    pub pf_employee: i64,
    pub pf_employer: i64,
    pub esi_employee: i64,
    pub esi_employer: i64,
    pub pt: i64,
    pub tds: i64,
    pub advance_recovery: i64,
    pub net: i64,
}

impl Slip {
    /// Everything taken from gross pay.
    pub fn deductions(&self) -> i64 {
        self.pf_employee + self.esi_employee + self.pt + self.tds + self.advance_recovery
    }
}

/// Why a month's pay cannot be computed as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayError {
    /// Unpaid days beyond the month.
    TooManyUnpaidDays,
    /// PF, ESI, professional tax and TDS take more than gross pay.
    DeductionsExceedGross { gross: i64, statutory: i64 },
}

fn share(amount: i64, bp: i64) -> i64 {
    amount * bp / 10_000
}

/// To the nearest rupee.
fn rupee(paise: i64) -> i64 {
    (paise + 50).div_euclid(100) * 100
}

/// Up to the next rupee.
fn rupee_up(paise: i64) -> i64 {
    (paise + 99).div_euclid(100) * 100
}

pub fn slip(rules: &Rules, m: &Month) -> Result<Slip, PayError> {
    if m.unpaid_days > m.days_in_month {
        return Err(PayError::TooManyUnpaidDays);
    }
    let days = i64::from(m.days_in_month.max(1));
    let worked = days - i64::from(m.unpaid_days);
    let basic_earned = m.basic * worked / days;
    let allowances_earned = m.allowances * worked / days;
    let leave_deduction = (m.basic - basic_earned) + (m.allowances - allowances_earned);
    let gross = (basic_earned + allowances_earned + m.variable + m.adjustments).max(0);
    let pf = rules.pf_rate_bp.map_or(0, |bp| rupee(share(basic_earned.min(rules.pf_wage_ceiling), bp)));
    let (esi_employee, esi_employer) = match rules.esi {
        Some(e) if gross > 0 && gross <= e.threshold => {
            (rupee_up(share(gross, e.employee_bp)), rupee_up(share(gross, e.employer_bp)))
        }
        _ => (0, 0),
    };
    let pt = rules.pt.map_or(0, |s| if gross > 0 { s.tax(gross, m.february) } else { 0 });
    let statutory = pf + esi_employee + pt + m.tds;
    if statutory > gross {
        return Err(PayError::DeductionsExceedGross { gross, statutory });
    }
    let advance_recovery = m.advance_instalment.min(m.advance_outstanding).min(gross - statutory).max(0);
    Ok(Slip {
        leave_deduction,
        gross,
        pf_employee: pf,
        pf_employer: pf,
        esi_employee,
        esi_employer,
        pt,
        tds: m.tds,
        advance_recovery,
        net: gross - statutory - advance_recovery,
    })
}

/// A component as entered: its kind and name, and its amount from a day on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entered<K> {
    pub kind: K,
    pub name: String,
    pub amount: i64,
    pub effective_from: NaiveDate,
}

/// The components in force on `day`: for each name, the one entered with
/// the latest `effective_from` on or before it (an amount of 0 ends it).
/// A raise entered from a later day leaves earlier months as they were.
pub fn in_force<K: Clone>(entered: &[Entered<K>], day: NaiveDate) -> Vec<Entered<K>> {
    let mut latest: std::collections::BTreeMap<String, &Entered<K>> = Default::default();
    for e in entered.iter().filter(|e| e.effective_from <= day) {
        let key = e.name.trim().to_lowercase();
        if latest.get(&key).is_none_or(|l| l.effective_from <= e.effective_from) {
            latest.insert(key, e);
        }
    }
    latest.into_values().filter(|e| e.amount > 0).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rules() -> Rules {
        Rules {
            pf_rate_bp: Some(1200),
            pf_wage_ceiling: 1_500_000,
            esi: Some(Esi { employee_bp: 75, employer_bp: 325, threshold: 2_100_000 }),
            pt: branchdesk_api::payroll::pt_state("MH"),
        }
    }

    fn month(basic: i64, allowances: i64) -> Month {
        Month { basic, allowances, days_in_month: 30, ..Default::default() }
    }

    #[test]
    fn a_teachers_month_in_maharashtra() {
        // ₹12,000 basic and ₹6,000 allowances: PF on ₹12,000, ESI on ₹18,000.
        let s = slip(&rules(), &month(1_200_000, 600_000)).unwrap();
        assert_eq!(s.gross, 1_800_000);
        assert_eq!((s.pf_employee, s.pf_employer), (144_000, 144_000));
        assert_eq!((s.esi_employee, s.esi_employer), (13_500, 58_500));
        assert_eq!(s.pt, 20_000);
        assert_eq!(s.net, 1_800_000 - 144_000 - 13_500 - 20_000);
        // ₹30,000 basic: PF stops at the ₹15,000 ceiling, no ESI above ₹21,000.
        let s = slip(&rules(), &month(3_000_000, 0)).unwrap();
        assert_eq!((s.pf_employee, s.esi_employee), (180_000, 0));
        // Three days of unpaid leave in a 30-day month cut fixed pay by a tenth.
        let s = slip(&rules(), &Month { unpaid_days: 3, ..month(3_000_000, 1_000_000) }).unwrap();
        assert_eq!((s.leave_deduction, s.gross), (400_000, 3_600_000));
        assert_eq!(
            slip(&rules(), &Month { unpaid_days: 31, ..month(1, 0) }),
            Err(PayError::TooManyUnpaidDays)
        );
    }

    #[test]
    fn advances_come_back_in_instalments_and_never_below_zero() {
        let m = Month { advance_outstanding: 500_000, advance_instalment: 200_000, ..month(3_000_000, 0) };
        assert_eq!(slip(&rules(), &m).unwrap().advance_recovery, 200_000);
        let last = Month { advance_outstanding: 100_000, ..m };
        assert_eq!(slip(&rules(), &last).unwrap().advance_recovery, 100_000, "only what is left");
        let none = Rules { pf_rate_bp: None, esi: None, pt: None, ..rules() };
        let thin = Month { advance_outstanding: 900_000, advance_instalment: 900_000, ..month(50_000, 0) };
        let s = slip(&none, &thin).unwrap();
        assert_eq!((s.advance_recovery, s.net), (50_000, 0), "what is there, the rest next month");
    }

    #[test]
    fn deductions_larger_than_earnings_are_refused() {
        let m = Month { tds: 2_000_000, ..month(1_000_000, 0) };
        assert!(matches!(slip(&rules(), &m), Err(PayError::DeductionsExceedGross { .. })));
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(i64::from(d))
    }

    proptest! {
        /// A month's pay is its components less its deductions, never
        /// negative, and within gross.
        #[test]
        fn net_is_gross_less_deductions_and_never_negative(
            basic in 0i64..10_000_000, allowances in 0i64..5_000_000, variable in 0i64..5_000_000,
            adjustments in -2_000_000i64..2_000_000, tds in 0i64..1_000_000, unpaid in 0u32..=31,
            days in 28u32..=31, outstanding in 0i64..5_000_000, instalment in 0i64..2_000_000,
            february: bool, pf: bool, esi: bool, state in 0usize..4,
        ) {
            let r = Rules {
                pf_rate_bp: pf.then_some(1200),
                esi: if esi { rules().esi } else { None },
                pt: branchdesk_api::payroll::PT_STATES.get(state),
                ..rules()
            };
            let m = Month { basic, allowances, variable, adjustments, tds, unpaid_days: unpaid, days_in_month: days,
                            february, advance_outstanding: outstanding, advance_instalment: instalment };
            match slip(&r, &m) {
                Ok(s) => {
                    prop_assert!(s.net >= 0);
                    prop_assert_eq!(s.net, s.gross - s.deductions());
                    let fixed = basic + allowances - s.leave_deduction;
                    prop_assert_eq!(s.gross, (fixed + variable + adjustments).max(0));
                    prop_assert!(s.advance_recovery <= outstanding.min(instalment));
                    prop_assert!(s.leave_deduction >= 0 && s.leave_deduction <= basic + allowances);
                }
                Err(PayError::TooManyUnpaidDays) => prop_assert!(unpaid > days),
                Err(PayError::DeductionsExceedGross { gross, statutory }) => prop_assert!(statutory > gross),
            }
        }

        /// A raise (or any component) entered from a later day leaves the
        /// components in force on an earlier day as they were.
        #[test]
        fn a_later_raise_leaves_earlier_months_unchanged(
            entered in proptest::collection::vec((0usize..3, 0i64..100_000, 0u32..365), 0..12),
            on in 0u32..365, later in 1u32..200, name in 0usize..3, amount in 0i64..100_000,
        ) {
            let names = ["Basic", "HRA", "Conveyance"];
            let rows: Vec<Entered<()>> = entered.iter().map(|(n, a, d)| Entered {
                kind: (), name: names[*n].into(), amount: *a, effective_from: day(*d) }).collect();
            let before = in_force(&rows, day(on));
            let mut raised = rows.clone();
            raised.push(Entered { kind: (), name: names[name].into(), amount, effective_from: day(on + later) });
            prop_assert_eq!(in_force(&raised, day(on)), before);
        }
    }
}
