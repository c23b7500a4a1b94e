//! Expenses: recorded with category, vendor, method and the bill; above
//! the branch's limit they wait for another manager's approval; a wrong
//! one is voided with a reason, never deleted.

use crate::validate::parse_date;
use crate::write::branch_record;
use crate::{attachments, settings, validate, Actor, Desk, Result};
use branchdesk_api::amount;
use branchdesk_api::commands::attachments::{AttachmentOwner, FileUpload};
use branchdesk_api::commands::imports::SavedFile;
use branchdesk_api::commands::money::*;
use branchdesk_api::ids::{BranchId, ExpenseId, UserId};
use branchdesk_api::settings::EXPENSE_APPROVAL_ABOVE;
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ExpenseRow {
    pub id: ExpenseId,
    pub branch_id: BranchId,
    pub day: NaiveDate,
    pub category: ExpenseCategory,
    pub vendor: String,
    pub description: String,
    pub amount_minor: i64,
    pub method: PaymentMethod,
    pub reference: String,
    pub bill_name: String,
    pub bill_b64: Option<String>,
    pub status: ExpenseStatus,
    pub recorded_by: Option<UserId>,
    pub decided_by: Option<UserId>,
    pub decision_note: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(ExpenseRow, "expenses");

const COLUMNS: &str = "id, branch_id, day, category, vendor, description, amount_minor, method, reference,
    bill_name, bill_b64, status, recorded_by, decided_by, decision_note, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<ExpenseRow> {
    crate::db::read::row(r)
}

fn by_id(conn: &Connection, id: ExpenseId) -> Result<Option<ExpenseRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM expenses WHERE id = ?1"))?
        .query_row([id.to_string()], from_row)
        .optional()?)
}

/// Approved expenses of a branch dated in [from, to).
pub fn approved_total(conn: &Connection, branch: BranchId, from: NaiveDate, to: NaiveDate) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(amount_minor), 0) FROM expenses
             WHERE branch_id = ?1 AND status = 'APPROVED' AND day >= ?2 AND day < ?3",
        )?
        .query_row((branch.to_string(), from.to_string(), to.to_string()), crate::db::read::value)?)
}

fn view(conn: &Connection, e: &ExpenseRow) -> Result<Expense> {
    let name = |id: Option<UserId>| -> Result<Option<String>> {
        Ok(match id {
            Some(u) => crate::users::store::by_id(conn, u)?.map(|u| u.full_name),
            None => None,
        })
    };
    Ok(Expense {
        id: e.id,
        branch_id: e.branch_id,
        day: e.day.to_string(),
        category: e.category,
        vendor: e.vendor.clone(),
        description: e.description.clone(),
        amount_minor: e.amount_minor,
        method: e.method,
        reference: e.reference.clone(),
        bill_name: e.bill_name.clone(),
        bill: crate::attachments::store::of_owner(conn, e.id.into())?.pop(),
        status: e.status,
        recorded_by_id: e.recorded_by,
        recorded_by: name(e.recorded_by)?.unwrap_or_default(),
        decided_by: name(e.decided_by)?,
        decision_note: e.decision_note.clone(),
    })
}

impl Desk {
    pub fn record_expense(&self, actor: &Actor, input: RecordExpense) -> Result<Expense> {
        actor.require(Permission::ManageExpense, Some(input.branch_id))?;
        let today = self.today();
        let day = if input.day.trim().is_empty() { today } else { parse_date("day", &input.day)? };
        if day > today {
            return Err(ApiError::invalid("day", "Record an expense on or after the day it was paid.").into());
        }
        let vendor = validate::required("vendor", "vendor (who was paid)", &input.vendor, 100)?;
        let description = validate::optional("description", &input.description, 300)?;
        let amount_minor = match amount::parse(&input.amount) {
            Some(v) if v > 0 => validate::bounded_amount("amount", v)?,
            _ => {
                return Err(ApiError::invalid(
                    "amount",
                    "Enter an amount more than zero, with at most two decimals.",
                )
                .into())
            }
        };
        let reference = validate::optional("reference", &input.reference, 60)?;
        if input.method == PaymentMethod::Cheque && reference.is_empty() {
            return Err(ApiError::invalid("reference", "Enter the cheque number.").into());
        }
        let upload =
            FileUpload { file_name: input.file_name.clone(), content_b64: input.content_b64.clone() };
        let bill = attachments::checked("content_b64", &upload)?;
        let db = self.db();
        let limit = settings::effective_int(&db.conn, EXPENSE_APPROVAL_ABOVE, Some(input.branch_id))?;
        drop(db);
        let status =
            if amount_minor > limit { ExpenseStatus::PendingApproval } else { ExpenseStatus::Approved };
        let now = self.clock().now();
        let row = ExpenseRow {
            id: ExpenseId(Uuid::now_v7()),
            branch_id: input.branch_id,
            day,
            category: input.category,
            vendor,
            description,
            amount_minor,
            method: input.method,
            reference,
            bill_name: bill.as_ref().map(|b| b.name.clone()).unwrap_or_default(),
            bill_b64: None,
            status,
            recorded_by: Some(actor.user_id),
            decided_by: None,
            decision_note: String::new(),
            created_at: now,
            updated_at: now,
        };
        self.write(Some(actor.user_id), |w| {
            w.insert(&row)?;
            match &bill {
                Some(b) => attachments::attach(w, b, row.branch_id, AttachmentOwner::Expenses, row.id.into())
                    .map(|_| ()),
                None => Ok(()),
            }
        })?;
        view(&self.db().conn, &row)
    }

    pub fn decide_expense(&self, actor: &Actor, input: DecideExpense) -> Result<Expense> {
        actor.require_somewhere(Permission::ManageExpense)?;
        let old = by_id(&self.db().conn, input.id)?.ok_or_else(|| ApiError::not_found("expense").on("id"))?;
        actor.require(Permission::ManageExpense, Some(old.branch_id))?;
        let note = validate::optional("note", &input.note, 300)?;
        match (old.status, input.status) {
            (ExpenseStatus::PendingApproval, ExpenseStatus::Approved | ExpenseStatus::Rejected) => {
                if old.recorded_by == Some(actor.user_id) {
                    return Err(
                        ApiError::invalid("status", "Another manager approves what you recorded.").into()
                    );
                }
            }
            (ExpenseStatus::PendingApproval | ExpenseStatus::Approved, ExpenseStatus::Voided) => {}
            (from, to) => {
                return Err(ApiError::invalid(
                    "status",
                    format!(
                        "An expense that is {} cannot be made {}.",
                        from.label().to_lowercase(),
                        to.label().to_lowercase()
                    ),
                )
                .into())
            }
        }
        if input.status != ExpenseStatus::Approved && note.is_empty() {
            return Err(ApiError::invalid("note", "Say why; the expense keeps it.").into());
        }
        let now = self.clock().now();
        let new = ExpenseRow {
            status: input.status,
            decided_by: Some(actor.user_id),
            decision_note: note,
            updated_at: now,
            ..old.clone()
        };
        self.write(Some(actor.user_id), |w| w.update(&old, &new).map(|_| ()))?;
        view(&self.db().conn, &new)
    }

    /// Writes the bill of an expense recorded before attachments (carried
    /// in its row) to `exports/`, under the name it was attached with, made
    /// safe: it came from a synced row. Newer bills open as attachments.
    pub fn save_expense_bill(&self, actor: &Actor, input: SaveExpenseBill) -> Result<SavedFile> {
        actor.require_somewhere(Permission::ManageExpense)?;
        let e = by_id(&self.db().conn, input.id)?.ok_or_else(|| ApiError::not_found("expense").on("id"))?;
        actor.require(Permission::ManageExpense, Some(e.branch_id))?;
        self.save_attached(&e.bill_name, e.bill_b64.as_deref(), "id", "No bill is attached to this expense.")
    }

    pub fn list_expenses(&self, actor: &Actor, input: ListExpenses) -> Result<Vec<Expense>> {
        actor.require(Permission::ManageExpense, Some(input.branch_id))?;
        let (from, to) = validate::month("month", &input.month, self.today())?;
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM expenses WHERE branch_id = ?1 AND day >= ?2 AND day < ?3 ORDER BY day DESC, created_at DESC"
        ))?;
        let rows: Vec<ExpenseRow> = stmt
            .query_map((input.branch_id.to_string(), from.to_string(), to.to_string()), from_row)?
            .collect::<rusqlite::Result<_>>()?;
        rows.iter().map(|e| view(&db.conn, e)).collect()
    }
}
