//! A batch's instalment plan: the dates and amounts its fee falls due on,
//! as the batch stores them. Money turns a plan into each student's dues.

use branchdesk_api::commands::timetable::Instalment;
use branchdesk_api::ApiError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The most instalments one plan may have.
pub const MAX_INSTALMENTS: usize = 24;

/// One instalment of a batch's plan, as stored on the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedInstalment {
    pub due_on: NaiveDate,
    pub amount_minor: i64,
}

impl PlannedInstalment {
    pub fn view(&self) -> Instalment {
        Instalment { due_on: self.due_on.to_string(), amount_minor: self.amount_minor }
    }
}

/// Checks a typed instalment plan: 1 to 24 instalments, each on its own
/// date within the batch's dates and for more than nothing; answers them
/// in date order. Errors name the instalment's field.
pub fn parse_plan(
    input: &[Instalment],
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<PlannedInstalment>, ApiError> {
    if input.is_empty() {
        return Err(ApiError::invalid(
            "instalments",
            "Add at least one instalment with its date and amount.",
        ));
    }
    if input.len() > MAX_INSTALMENTS {
        return Err(ApiError::invalid("instalments", "A plan has at most 24 instalments."));
    }
    let mut plan: Vec<PlannedInstalment> = Vec::with_capacity(input.len());
    for (i, it) in input.iter().enumerate() {
        let field = |f: &str| format!("instalments[{i}].{f}");
        let due_on = branchdesk_api::dates::parse(&it.due_on)
            .map_err(|e| ApiError::invalid(&field("due_on"), e.message()))?;
        if due_on < start || due_on > end {
            return Err(ApiError::invalid(
                &field("due_on"),
                format!(
                    "An instalment falls due while the batch runs ({} to {}).",
                    branchdesk_api::dates::show(start),
                    branchdesk_api::dates::show(end)
                ),
            ));
        }
        if plan.iter().any(|p| p.due_on == due_on) {
            return Err(ApiError::invalid(
                &field("due_on"),
                "Two instalments fall due that day; merge them.",
            ));
        }
        if !(1..=crate::timetable::batches::MAX_AMOUNT_MINOR).contains(&it.amount_minor) {
            return Err(ApiError::invalid(&field("amount_minor"), "Enter an amount above 0, e.g. 10,000."));
        }
        plan.push(PlannedInstalment { due_on, amount_minor: it.amount_minor });
    }
    plan.sort_by_key(|p| p.due_on);
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn plan(items: &[(&str, i64)]) -> Vec<Instalment> {
        items.iter().map(|(d, a)| Instalment { due_on: (*d).into(), amount_minor: *a }).collect()
    }

    #[test]
    fn an_instalment_plan_is_checked_field_by_field() {
        let (start, end) = (d(2026, 6, 1), d(2027, 3, 31));
        let ok =
            parse_plan(&plan(&[("2026-09-01", 2_000_000), ("2026-06-01", 3_000_000)]), start, end).unwrap();
        assert_eq!(ok[0].due_on, start, "sorted by date");
        let field = |items: &[(&str, i64)]| parse_plan(&plan(items), start, end).unwrap_err().field;
        assert_eq!(field(&[]).as_deref(), Some("instalments"));
        assert_eq!(field(&[("2026-06-01", 1), ("1 July", 5)]).as_deref(), Some("instalments[1].due_on"));
        assert_eq!(field(&[("2027-04-01", 5)]).as_deref(), Some("instalments[0].due_on"), "after the batch");
        assert_eq!(field(&[("2026-07-01", 5), ("2026-07-01", 5)]).as_deref(), Some("instalments[1].due_on"));
        assert_eq!(field(&[("2026-07-01", 0)]).as_deref(), Some("instalments[0].amount_minor"));
        assert_eq!(field(&[("2026-07-01", -5)]).as_deref(), Some("instalments[0].amount_minor"));
        let many: Vec<(&str, i64)> = vec![("2026-07-01", 1); 25];
        assert_eq!(field(&many).as_deref(), Some("instalments"));
    }

    #[test]
    fn a_plan_may_use_its_whole_allowance_and_the_batchs_last_day() {
        let (start, end) = (d(2026, 6, 1), d(2028, 5, 31));
        let dates: Vec<String> =
            (0..24u32).map(|k| (start + chrono::Months::new(k)).format("%Y-%m-%d").to_string()).collect();
        let full: Vec<(&str, i64)> = dates.iter().map(|d| (d.as_str(), 100)).collect();
        assert_eq!(parse_plan(&plan(&full), start, end).unwrap().len(), 24, "24 instalments are allowed");
        let last = parse_plan(&plan(&[("2026-06-01", 100), ("2028-05-31", 100)]), start, end).unwrap();
        assert_eq!(last[1].due_on, end, "an instalment on the batch's last day is inside it");
    }
}
