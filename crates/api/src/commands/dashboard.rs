//! The director's morning view: one month's figures for every branch side
//! by side, and the organisation's total.

use super::command;
use crate::ids::BranchId;
use serde::{Deserialize, Serialize};

/// Fees past their day and still unpaid, by how long they have waited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ageing {
    pub days_1_30_minor: i64,
    pub days_31_60_minor: i64,
    pub days_61_90_minor: i64,
    pub over_90_minor: i64,
}

impl Ageing {
    pub fn total_minor(&self) -> i64 {
        self.days_1_30_minor + self.days_31_60_minor + self.days_61_90_minor + self.over_90_minor
    }

    /// Adds `amount` overdue by `days` (at least one) to its bucket.
    pub fn add(&mut self, days: i64, amount: i64) {
        match days {
            ..=30 => self.days_1_30_minor += amount,
            31..=60 => self.days_31_60_minor += amount,
            61..=90 => self.days_61_90_minor += amount,
            _ => self.over_90_minor += amount,
        }
    }

    fn plus(self, o: Ageing) -> Ageing {
        Ageing {
            days_1_30_minor: self.days_1_30_minor + o.days_1_30_minor,
            days_31_60_minor: self.days_31_60_minor + o.days_31_60_minor,
            days_61_90_minor: self.days_61_90_minor + o.days_61_90_minor,
            over_90_minor: self.over_90_minor + o.over_90_minor,
        }
    }
}

/// One branch's figures (or, in [`BranchComparison::total`], all of them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchFigures {
    pub branch_id: BranchId,
    pub branch_name: String,
    /// Students with at least one enrolment that is active.
    pub active_students: u32,
    /// Seats filled and offered in the batches running today.
    pub seats_taken: u32,
    pub seats: u32,
    /// Marks of the month: present or late, and every mark but "excused".
    pub attended: u32,
    pub marked: u32,
    /// Fees falling due in the month.
    pub due_minor: i64,
    /// Fees received in the month, less voids and refunds recorded in it.
    pub collected_minor: i64,
    /// Fees past their day and unpaid, as of today.
    pub overdue: Ageing,
}

impl BranchFigures {
    /// Seats filled, in hundredths of a per cent (None: no batch running).
    pub fn fill_bp(&self) -> Option<u32> {
        ratio_bp(self.seats_taken as i64, self.seats as i64)
    }

    /// Attendance, in hundredths of a per cent (None: nothing marked).
    pub fn attendance_bp(&self) -> Option<u32> {
        ratio_bp(self.attended as i64, self.marked as i64)
    }

    /// Collected against what fell due, in hundredths of a per cent (None:
    /// nothing fell due). Over 100 % when earlier dues were paid too.
    pub fn collection_bp(&self) -> Option<u32> {
        ratio_bp(self.collected_minor.max(0), self.due_minor)
    }

    /// The sum of `branches`, named `name`.
    pub fn sum(name: &str, branches: &[BranchFigures]) -> BranchFigures {
        branches.iter().fold(
            BranchFigures { branch_name: name.to_owned(), ..BranchFigures::default() },
            |t, b| BranchFigures {
                active_students: t.active_students + b.active_students,
                seats_taken: t.seats_taken + b.seats_taken,
                seats: t.seats + b.seats,
                attended: t.attended + b.attended,
                marked: t.marked + b.marked,
                due_minor: t.due_minor + b.due_minor,
                collected_minor: t.collected_minor + b.collected_minor,
                overdue: t.overdue.plus(b.overdue),
                ..t
            },
        )
    }
}

/// A share as people read it: "12.5 %" (a no-break space keeps the sign
/// by its number), or a dash when there is nothing to share.
pub fn percent_text(bp: Option<u32>) -> String {
    match bp {
        Some(bp) => {
            let text = format!("{}.{:02}", bp / 100, bp % 100);
            format!("{}\u{a0}%", text.trim_end_matches('0').trim_end_matches('.'))
        }
        None => "—".into(),
    }
}

/// `part / whole` in hundredths of a per cent, rounded half up.
fn ratio_bp(part: i64, whole: i64) -> Option<u32> {
    (whole > 0).then(|| {
        ((part as i128 * 10_000 + whole as i128 / 2) / whole as i128).clamp(0, u32::MAX as i128) as u32
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchComparison {
    /// YYYY-MM
    pub month: String,
    /// The branches the person may see reports of, by name.
    pub branches: Vec<BranchFigures>,
    /// Their sum.
    pub total: BranchFigures,
}

/// Every branch the person may see reports of, side by side, for a month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompareBranches {
    /// YYYY-MM; empty: this month.
    pub month: String,
}
command!(CompareBranches => "compare_branches", Permission -> BranchComparison);

/// One month of the organisation's (or a branch's) money, as the profit
/// and loss counts it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthMoney {
    /// YYYY-MM
    pub month: String,
    pub fees_minor: i64,
    pub reversals_minor: i64,
    pub salaries_minor: i64,
    pub expenses_minor: i64,
    pub net_minor: i64,
}

/// The months up to `until`, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyTrend {
    pub months: Vec<MonthMoney>,
}

/// Most months one trend shows.
pub const MAX_TREND_MONTHS: u32 = 24;

/// Fees, refunds, salaries, expenses and profit month by month: for every
/// branch the person may see reports of together, or for one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetMoneyTrend {
    pub branch_id: Option<BranchId>,
    /// The last month, YYYY-MM; empty: this month.
    pub until: String,
    /// How many months, 1 to [`MAX_TREND_MONTHS`]; 0: twelve.
    pub months: u32,
}
command!(GetMoneyTrend => "get_money_trend", Permission -> MoneyTrend);

/// The comparison of a month printed as a PDF in the exports folder:
/// answers where it was saved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveComparisonPdf {
    /// YYYY-MM; empty: this month.
    pub month: String,
}
command!(SaveComparisonPdf => "save_comparison_pdf", Permission -> String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_fees_fall_in_the_bucket_of_their_age() {
        let mut a = Ageing::default();
        for (days, amount) in [(1, 1), (30, 2), (31, 4), (60, 8), (61, 16), (90, 32), (91, 64), (400, 128)] {
            a.add(days, amount);
        }
        assert_eq!(
            a,
            Ageing { days_1_30_minor: 3, days_31_60_minor: 12, days_61_90_minor: 48, over_90_minor: 192 }
        );
        assert_eq!(a.total_minor(), 255);
    }

    #[test]
    fn a_share_reads_without_trailing_zeros_and_nothing_reads_as_a_dash() {
        assert_eq!(percent_text(Some(1_250)), "12.5\u{a0}%");
        assert_eq!(percent_text(Some(1_000)), "10\u{a0}%");
        assert_eq!(percent_text(Some(3_333)), "33.33\u{a0}%");
        assert_eq!(percent_text(Some(0)), "0\u{a0}%");
        assert_eq!(percent_text(None), "—");
    }

    #[test]
    fn ratios_round_half_up_and_say_nothing_of_an_empty_whole() {
        let b = BranchFigures { seats_taken: 2, seats: 3, attended: 0, marked: 0, ..Default::default() };
        assert_eq!(b.fill_bp(), Some(6_667));
        assert_eq!(b.attendance_bp(), None);
        let paid_ahead = BranchFigures { due_minor: 1_000, collected_minor: 1_500, ..Default::default() };
        assert_eq!(paid_ahead.collection_bp(), Some(15_000));
        let refunds = BranchFigures { due_minor: 1_000, collected_minor: -200, ..Default::default() };
        assert_eq!(refunds.collection_bp(), Some(0));
    }
}
