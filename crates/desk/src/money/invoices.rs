//! Invoices for a period: the student's fees falling due in it, with the
//! GST inside them, numbered from this desk's invoice series, never changed
//! once issued, printable as PDF.

use super::{dues, numbers, store};
use crate::validate::parse_date;
use crate::write::branch_record;
use crate::{settings, Actor, Desk, Result};
use branchdesk_api::commands::money::*;
use branchdesk_api::ids::{BranchId, InvoiceId, StudentId, UserId};
use branchdesk_api::settings as keys;
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct InvoiceRow {
    pub id: InvoiceId,
    pub branch_id: BranchId,
    pub student_id: StudentId,
    pub number: String,
    pub desk_no: u32,
    pub fiscal_year: String,
    pub serial: u32,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// JSON of `Vec<InvoiceLine>`.
    pub lines: String,
    pub total_minor: i64,
    pub tax_minor: i64,
    pub tax_rate_bp: u32,
    pub issued_by: Option<UserId>,
    pub issued_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(InvoiceRow, "invoices");

const COLUMNS: &str =
    "id, branch_id, student_id, number, desk_no, fiscal_year, serial, period_from, period_to, lines,
    total_minor, tax_minor, tax_rate_bp, issued_by, issued_at, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<InvoiceRow> {
    crate::db::read::row(r)
}

pub(crate) fn by_id(conn: &Connection, id: InvoiceId) -> Result<Option<InvoiceRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM invoices WHERE id = ?1"))?
        .query_row([id.to_string()], from_row)
        .optional()?)
}

pub(crate) fn view(r: &InvoiceRow) -> Result<Invoice> {
    Ok(Invoice {
        id: r.id,
        student_id: r.student_id,
        number: r.number.clone(),
        period_from: r.period_from.to_string(),
        period_to: r.period_to.to_string(),
        lines: serde_json::from_str(&r.lines)?,
        total_minor: r.total_minor,
        tax_minor: r.tax_minor,
        tax_rate_bp: r.tax_rate_bp,
        issued_at: r.issued_at.to_rfc3339(),
    })
}

impl Desk {
    pub fn issue_invoice(&self, actor: &Actor, input: IssueInvoice) -> Result<Invoice> {
        let student = self.student_for(actor, "student_id", input.student_id, Permission::CollectPayment)?;
        let from = parse_date("from", &input.from)?;
        let to = parse_date("to", &input.to)?;
        if to < from {
            return Err(ApiError::invalid("to", "The period ends before it begins.").into());
        }
        let now = self.clock().now();
        let today = self.today();
        let desk_no = self.desk_no()?;
        let row = self.write(Some(actor.user_id), |w| {
            let conn: &Connection = w.tx();
            let lines: Vec<InvoiceLine> = store::dues_of_student(conn, student.id)?
                .into_iter()
                .filter(|d| d.cancelled_at.is_none() && d.due_on >= from && d.due_on <= to)
                .map(|d| InvoiceLine {
                    description: d.description,
                    due_on: d.due_on.to_string(),
                    amount_minor: d.amount_minor,
                })
                .collect();
            let total: i64 = lines.iter().map(|l| l.amount_minor).sum();
            if total == 0 {
                return Err(
                    ApiError::invalid("to", "No fees of this student fall due in that period.").into()
                );
            }
            let branch = student.branch_id;
            let rate = settings::effective_int(conn, keys::GST_RATE_BP, Some(branch))?;
            let start_month = settings::effective_int(conn, keys::YEAR_START_MONTH, None)? as u32;
            let fy = numbers::fiscal_year(today, start_month);
            let serial = super::store::last_in_series(conn, "invoices", desk_no, &fy)?;
            let code =
                crate::org::store::branch_by_id(conn, student.branch_id)?.map(|b| b.code).unwrap_or_default();
            let row = InvoiceRow {
                id: InvoiceId(Uuid::now_v7()),
                branch_id: branch,
                student_id: student.id,
                number: numbers::invoice_number(&code, desk_no, &fy, serial + 1),
                desk_no,
                fiscal_year: fy,
                serial: serial + 1,
                period_from: from,
                period_to: to,
                lines: serde_json::to_string(&lines)?,
                total_minor: total,
                tax_minor: dues::tax_within(total, rate),
                tax_rate_bp: rate as u32,
                issued_by: Some(actor.user_id),
                issued_at: now,
                created_at: now,
                updated_at: now,
            };
            w.insert(&row)?;
            Ok(row)
        })?;
        view(&row)
    }

    pub fn list_invoices(&self, actor: &Actor, input: ListInvoices) -> Result<Vec<Invoice>> {
        let student = self.student_for(actor, "student_id", input.student_id, Permission::ViewPayment)?;
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM invoices WHERE student_id = ?1 ORDER BY issued_at DESC"
        ))?;
        let rows: Vec<InvoiceRow> =
            stmt.query_map([student.id.to_string()], from_row)?.collect::<rusqlite::Result<_>>()?;
        rows.iter().map(view).collect()
    }

    /// The invoice laid out for printing, and the name its PDF is saved under.
    pub(crate) fn invoice_printable(&self, actor: &Actor, id: InvoiceId) -> Result<(Printable, String)> {
        actor.require_somewhere(Permission::ViewPayment)?;
        let db = self.db();
        let r = by_id(&db.conn, id)?.ok_or_else(|| ApiError::not_found("invoice").on("id"))?;
        actor.require(Permission::ViewPayment, Some(r.branch_id))?;
        let doc = super::documents::invoice(&db.conn, &r, &view(&r)?)?;
        Ok((doc, format!("invoice-{}.pdf", r.number.replace('/', "-"))))
    }

    pub fn save_invoice_pdf(&self, actor: &Actor, input: SaveInvoicePdf) -> Result<String> {
        let (doc, name) = self.invoice_printable(actor, input.id)?;
        self.save_pdf(&name, &doc)
    }
}
