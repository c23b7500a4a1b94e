//! The money review list: what the server accepted but flagged (money is
//! never refused after the fact; see sync-design.md), salaries two desks
//! paid offline, and fees collected beyond their amount (two desks taking
//! the same fee offline: the excess is the student's advance). A manager
//! marks each item reviewed with a note; the mark replicates like any row.

use super::salary_payments;
use crate::write::branch_record;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::amount;
use branchdesk_api::commands::money::{ListMoneyReviews, MarkMoneyReviewed, MoneyReview};
use branchdesk_api::ids::{BranchId, DueId, ReceiptId, SalaryLineId, UserId};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct MoneyReviewRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub entity: String,
    pub entity_id: String,
    pub reason: String,
    pub author_user_id: Option<String>,
    pub flagged_at: DateTime<Utc>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<UserId>,
    pub review_note: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(MoneyReviewRow, "money_reviews");

const COLUMNS: &str = "id, branch_id, entity, entity_id, reason, author_user_id, flagged_at, reviewed_at,
    reviewed_by, review_note, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<MoneyReviewRow> {
    crate::db::read::row(r)
}

fn by_id(conn: &Connection, id: Uuid) -> Result<Option<MoneyReviewRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM money_reviews WHERE id = ?1"))?
        .query_row([id.to_string()], from_row)
        .optional()?)
}

/// The review item for a salary line paid more than once.
pub fn paid_twice_id(line: SalaryLineId) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x5e2d_90a7_13c4_4b6f_8d21_c7f0_4a9e_36b2);
    Uuid::new_v5(&NAMESPACE, line.0.as_bytes())
}

/// The review item for a fee collected beyond its amount.
pub fn over_collected_id(due: DueId) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x7b31_e4c8_02d9_4a5f_9e16_5c8a_f3d2_0b47);
    Uuid::new_v5(&NAMESPACE, due.0.as_bytes())
}

/// A fee whose receipts (not voided or bounced, less their refunds) come to
/// more than it: two desks collected it offline, or a clerk split a
/// payment onto it twice. The excess is the student's advance, never lost.
#[derive(serde::Deserialize)]
struct OverCollected {
    due: DueId,
    student: String,
    description: String,
    amount: i64,
    collected: i64,
    receipts: String,
    last_at: String,
}

fn over_collected(conn: &Connection, branch: BranchId) -> Result<Vec<OverCollected>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id AS due, s.full_name AS student, d.description, d.amount_minor AS amount,
                sum(a.amount_minor) - coalesce(sum((SELECT sum(v.amount_minor) FROM receipt_reversals v
                                                    WHERE v.receipt_id = r.id AND v.kind = 'REFUND')), 0)
                  AS collected,
                group_concat(r.number, ', ') AS receipts, max(r.collected_at) AS last_at
         FROM dues d
         JOIN students s ON s.id = d.student_id
         JOIN receipt_allocations a ON a.due_id = d.id
         JOIN receipts r ON r.id = a.receipt_id
         WHERE d.branch_id = ?1
           AND NOT EXISTS (SELECT 1 FROM receipt_reversals v WHERE v.receipt_id = r.id AND v.kind <> 'REFUND')
         GROUP BY d.id
         HAVING count(DISTINCT r.id) > 1 AND sum(a.amount_minor) > d.amount_minor",
    )?;
    let all: Vec<OverCollected> = crate::db::read::all(&mut stmt, [branch.to_string()])?;
    Ok(all.into_iter().filter(|o| o.collected > o.amount).collect())
}

fn user_name(conn: &Connection, id: Option<&str>) -> Result<String> {
    let Some(id) = id.and_then(|i| i.parse::<Uuid>().ok()) else { return Ok(String::new()) };
    Ok(crate::users::store::by_id(conn, UserId(id))?.map(|u| u.full_name).unwrap_or_default())
}

/// Words for the money a flag is about.
fn describe(conn: &Connection, entity: &str, entity_id: &str) -> Result<String> {
    let id = entity_id.parse::<Uuid>().unwrap_or_default();
    let receipt = |id: Uuid| -> Result<Option<String>> {
        let Some(r) = super::store::receipt_by_id(conn, ReceiptId(id))? else { return Ok(None) };
        let student = crate::students::store::student_by_id(conn, r.student_id)?
            .map(|s| s.full_name)
            .unwrap_or_default();
        Ok(Some(format!("receipt {} of ₹{} for {student}", r.number, amount::format(r.amount_minor))))
    };
    let text = match entity {
        "receipts" => receipt(id)?.map(|r| capitalise(&r)),
        "receipt_reversals" => {
            let row: Option<(String, i64, String)> = conn
                .prepare_cached("SELECT kind, amount_minor, receipt_id FROM receipt_reversals WHERE id = ?1")?
                .query_row([entity_id], |r| {
                    Ok((r.get("kind")?, r.get("amount_minor")?, r.get("receipt_id")?))
                })
                .optional()?;
            match row {
                Some((kind, value, receipt_id)) => {
                    let of = receipt(receipt_id.parse().unwrap_or_default())?.unwrap_or_default();
                    Some(format!(
                        "{} of ₹{} on {of}",
                        capitalise(&kind.to_lowercase()),
                        amount::format(value)
                    ))
                }
                None => None,
            }
        }
        "salary_payments" => conn
            .prepare_cached("SELECT number, amount_minor FROM salary_payments WHERE id = ?1")?
            .query_row([entity_id], |r| Ok((r.get::<_, String>("number")?, r.get::<_, i64>("amount_minor")?)))
            .optional()?
            .map(|(n, a)| format!("Salary payment {n} of ₹{}", amount::format(a))),
        _ => None,
    };
    Ok(text.unwrap_or_else(|| format!("{entity} {entity_id} (not on this desk yet)")))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

impl Desk {
    pub fn list_money_reviews(&self, actor: &Actor, input: ListMoneyReviews) -> Result<Vec<MoneyReview>> {
        actor.require(Permission::VoidPayment, Some(input.branch_id))?;
        let db = self.db();
        let conn = &db.conn;
        let branch = input.branch_id;
        let mut out = Vec::new();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM money_reviews WHERE branch_id = ?1 AND reviewed_at IS NULL ORDER BY flagged_at"
        ))?;
        let rows: Vec<MoneyReviewRow> =
            stmt.query_map([branch.to_string()], from_row)?.collect::<rusqlite::Result<_>>()?;
        for r in rows {
            out.push(MoneyReview {
                id: r.id,
                what: describe(conn, &r.entity, &r.entity_id)?,
                reason: r.reason.clone(),
                by: user_name(conn, r.author_user_id.as_deref())?,
                flagged_at: r.flagged_at.to_rfc3339(),
            });
        }
        for (line, numbers) in salary_payments::paid_twice(conn, branch)? {
            let id = paid_twice_id(line);
            if by_id(conn, id)?.is_some_and(|r| r.reviewed_at.is_some()) {
                continue;
            }
            let Some(l) = super::payroll::line_by_id(conn, line)? else { continue };
            let payments = salary_payments::of_line(conn, line)?;
            let name = crate::users::store::by_id(conn, l.user_id)?.map(|u| u.full_name).unwrap_or_default();
            out.push(MoneyReview {
                id,
                what: format!(
                    "Salary of {name} for {} paid {} times: {}",
                    l.month,
                    numbers.len(),
                    numbers.join(", ")
                ),
                reason: "Two desks paid the same salary while offline; recover the extra payment.".into(),
                by: user_name(
                    conn,
                    payments.last().and_then(|p| p.paid_by).map(|u| u.to_string()).as_deref(),
                )?,
                flagged_at: payments.last().map(|p| p.paid_at).unwrap_or(l.updated_at).to_rfc3339(),
            });
        }
        for o in over_collected(conn, branch)? {
            let id = over_collected_id(o.due);
            if by_id(conn, id)?.is_some_and(|r| r.reviewed_at.is_some()) {
                continue;
            }
            out.push(MoneyReview {
                id,
                what: format!(
                    "{} of {} collected twice: ₹{} against ₹{} (receipts {})",
                    o.description,
                    o.student,
                    amount::format(o.collected),
                    amount::format(o.amount),
                    o.receipts
                ),
                reason: "More was collected than the fee; the rest is kept as the student's advance. Refund it or keep it for the next fee.".into(),
                by: String::new(),
                flagged_at: o.last_at,
            });
        }
        Ok(out)
    }

    pub fn mark_money_reviewed(&self, actor: &Actor, input: MarkMoneyReviewed) -> Result<()> {
        actor.require(Permission::VoidPayment, Some(input.branch_id))?;
        let note = validate::required("note", "what was done about it", &input.note, 200)?;
        let now = self.clock().now();
        let branch = input.branch_id;
        let old = by_id(&self.db().conn, input.id)?;
        let item = match &old {
            Some(r) if r.branch_id != branch => None,
            Some(r) if r.reviewed_at.is_some() => {
                return Err(ApiError::conflict("This was reviewed already.").on("id").into())
            }
            Some(r) => Some(MoneyReviewRow {
                reviewed_at: Some(now),
                reviewed_by: Some(actor.user_id),
                review_note: note.clone(),
                updated_at: now,
                ..r.clone()
            }),
            // Items found from the money itself have no row until reviewed.
            None => {
                let conn = &self.db().conn;
                let found = salary_payments::paid_twice(conn, branch)?
                    .into_iter()
                    .find(|(line, _)| paid_twice_id(*line) == input.id)
                    .map(|(line, _)| ("salary_lines", line.to_string(), "paid more than once"))
                    .or(over_collected(conn, branch)?
                        .into_iter()
                        .find(|o| over_collected_id(o.due) == input.id)
                        .map(|o| ("dues", o.due.to_string(), "collected beyond the fee")));
                found.map(|(entity, entity_id, reason)| MoneyReviewRow {
                    id: input.id,
                    branch_id: branch,
                    entity: entity.into(),
                    entity_id,
                    reason: reason.into(),
                    author_user_id: None,
                    flagged_at: now,
                    reviewed_at: Some(now),
                    reviewed_by: Some(actor.user_id),
                    review_note: note.clone(),
                    created_at: now,
                    updated_at: now,
                })
            }
        };
        let new = item.ok_or_else(|| ApiError::not_found("review item").on("id"))?;
        self.write(Some(actor.user_id), |w| w.upsert(old.as_ref(), &new))
    }
}
