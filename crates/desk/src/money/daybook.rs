//! The day book: a branch's receipts of one day per collector, totals per
//! method, the cash each drawer should hold, and the collector's closing
//! count (expected vs counted, with a note when they differ).

use super::store::{self, ReceiptRow};
use super::{receipt_view, settle};
use crate::validate::parse_date;
use crate::write::branch_record;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::amount;
use branchdesk_api::commands::money::*;
use branchdesk_api::ids::{BranchId, UserId};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CashClosingRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub collector_id: UserId,
    pub day: NaiveDate,
    pub expected_minor: i64,
    pub counted_minor: i64,
    pub note: String,
    pub closed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(CashClosingRow, "cash_closings");

pub fn closing_id(branch: BranchId, day: NaiveDate, collector: UserId) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x7d3e_a1c9_40f2_4b86_a5d0_e2b9_13f7_6c48);
    Uuid::new_v5(&NAMESPACE, format!("{branch}\u{0}{day}\u{0}{collector}").as_bytes())
}

fn closing(conn: &Connection, id: Uuid) -> Result<Option<CashClosingRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, branch_id, collector_id, day, expected_minor, counted_minor, note, closed_at, created_at, updated_at
             FROM cash_closings WHERE id = ?1",
        )?
        .query_row([id.to_string()], crate::db::read::row)
        .optional()?)
}

/// The branch's receipts collected on `day` at the desk's wall clock.
fn receipts_of_day(conn: &Connection, branch: BranchId, day: NaiveDate) -> Result<Vec<ReceiptRow>> {
    // A day's instants lie within a day either side in UTC, whatever the zone.
    let from = (day - Duration::days(1)).to_string();
    let to = (day + Duration::days(2)).to_string();
    Ok(store::receipts_of_branch_between(conn, branch, &from, &to)?
        .into_iter()
        .filter(|r| crate::clock::local_date(r.collected_at) == day)
        .collect())
}

fn day_book(conn: &Connection, branch: BranchId, day: NaiveDate) -> Result<DayBook> {
    let receipts = receipts_of_day(conn, branch, day)?;
    let mut collectors: Vec<UserId> = receipts.iter().filter_map(|r| r.collected_by).collect();
    collectors.sort();
    collectors.dedup();
    let mut out = Vec::new();
    let mut total = 0;
    for who in collectors {
        let theirs: Vec<&ReceiptRow> = receipts.iter().filter(|r| r.collected_by == Some(who)).collect();
        let mut views = Vec::new();
        let mut by_method = Vec::new();
        let mut cash = 0;
        for method in PaymentMethod::ALL {
            let mut sum = 0;
            for r in theirs.iter().filter(|r| r.method == method) {
                let net = settle::settle(&store::receipt_money(conn, r)?).net;
                sum += net;
                if method == PaymentMethod::Cash {
                    cash += net;
                }
            }
            if sum != 0 {
                by_method.push((method, sum));
            }
            total += sum;
        }
        for r in &theirs {
            views.push(receipt_view(conn, r)?);
        }
        let closing = closing(conn, closing_id(branch, day, who))?.map(|c| CashClosing {
            expected_minor: c.expected_minor,
            counted_minor: c.counted_minor,
            difference_minor: c.counted_minor - c.expected_minor,
            note: c.note,
            closed_at: c.closed_at.to_rfc3339(),
        });
        out.push(CollectorDay {
            collector_id: who,
            collector: crate::users::store::by_id(conn, who)?.map(|u| u.full_name).unwrap_or_default(),
            receipts: views,
            by_method,
            expected_cash_minor: cash,
            closing,
        });
    }
    Ok(DayBook { date: day.to_string(), collectors: out, total_minor: total })
}

impl Desk {
    fn book_day(&self, text: &str) -> Result<NaiveDate> {
        if text.trim().is_empty() {
            return Ok(self.today());
        }
        let day = parse_date("date", text)?;
        if day > self.today() {
            return Err(ApiError::invalid("date", "That day has not come yet.").into());
        }
        Ok(day)
    }

    pub fn get_day_book(&self, actor: &Actor, input: GetDayBook) -> Result<DayBook> {
        actor.require(Permission::ViewPayment, Some(input.branch_id))?;
        let day = self.book_day(&input.date)?;
        day_book(&self.db().conn, input.branch_id, day)
    }

    pub fn close_cash(&self, actor: &Actor, input: CloseCash) -> Result<DayBook> {
        actor.require(Permission::CollectPayment, Some(input.branch_id))?;
        let day = self.book_day(&input.date)?;
        if input.counted.trim().is_empty() {
            return Err(
                ApiError::invalid("counted", "Enter the cash counted in the drawer (0 if none).").into()
            );
        }
        let counted = amount::parse(&input.counted).filter(|c| *c >= 0).ok_or_else(|| {
            ApiError::invalid("counted", "Enter rupees with at most two decimals, e.g. 12500.")
        })?;
        let counted = crate::validate::bounded_amount("counted", counted)?;
        let note = validate::optional("note", &input.note, 300)?;
        let now = self.clock().now();
        let branch = input.branch_id;
        self.write(Some(actor.user_id), |w| {
            let book = day_book(w.tx(), branch, day)?;
            let expected = book
                .collectors
                .iter()
                .find(|c| c.collector_id == actor.user_id)
                .map_or(0, |c| c.expected_cash_minor);
            if counted != expected && note.is_empty() {
                return Err(ApiError::invalid(
                    "note",
                    format!(
                        "The drawer is {} {} the receipts; say why.",
                        amount::format((counted - expected).abs()),
                        if counted < expected { "short of" } else { "over" }
                    ),
                )
                .into());
            }
            let id = closing_id(branch, day, actor.user_id);
            let row = CashClosingRow {
                id,
                branch_id: branch,
                collector_id: actor.user_id,
                day,
                expected_minor: expected,
                counted_minor: counted,
                note: note.clone(),
                closed_at: now,
                created_at: now,
                updated_at: now,
            };
            match closing(w.tx(), id)? {
                Some(old) => {
                    w.update(&old, &CashClosingRow { created_at: old.created_at, ..row }).map(|_| ())
                }
                None => w.insert(&row),
            }
        })?;
        day_book(&self.db().conn, branch, day)
    }
}

#[cfg(test)]
mod tests {
    use super::closing_id;
    use branchdesk_api::ids::{BranchId, UserId};

    #[test]
    fn one_closing_per_collector_and_day() {
        let (b, c) = (BranchId(uuid::Uuid::from_u128(1)), UserId(uuid::Uuid::from_u128(2)));
        let d = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        assert_eq!(closing_id(b, d, c), closing_id(b, d, c));
        assert_ne!(closing_id(b, d, c), closing_id(b, d.succ_opt().unwrap(), c));
    }
}
