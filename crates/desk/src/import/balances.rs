//! Opening balances: a centre switching over in the middle of a year
//! brings each student's outstanding dues and past payments from CSV. A due
//! row becomes a due (its id derived from the row, so the same file twice
//! adds nothing); a payment row becomes a receipt of this desk's series,
//! dated the day it was paid, allocated to the oldest dues first.

use super::{problem, read, Columns, CsvRow};
use crate::money::{self, store::DueRow, Payment};
use crate::students::store::StudentRow;
use crate::validate::parse_date;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::amount;
use branchdesk_api::commands::imports::{ImportCsv, ImportReport, RowProblem};
use branchdesk_api::commands::money::{DueKind, PaymentMethod};
use branchdesk_api::ids::{DueId, StudentId};
use branchdesk_api::ApiError;
use chrono::NaiveDate;
use uuid::Uuid;

pub(crate) const COLUMNS: Columns = Columns {
    all: &["student_code", "kind", "date", "description", "amount", "method", "reference"],
    required: &["student_code", "kind", "date", "amount"],
    example: &["K2-7QX-0042", "DUE", "2026-04-10", "Physics fee, Apr 2026", "3000", "", ""],
};

enum Entry {
    Due(DueRow),
    Paid(Box<(StudentRow, Payment)>),
}

fn opening_due_id(student: StudentId, day: NaiveDate, description: &str, amount: i64) -> DueId {
    const NAMESPACE: Uuid = Uuid::from_u128(0x58f2_0c6d_e913_4a7b_8d24_b1c0_9e63_f5a2);
    DueId(Uuid::new_v5(&NAMESPACE, format!("{student}\u{0}{day}\u{0}{description}\u{0}{amount}").as_bytes()))
}

fn check(desk: &Desk, conn: &rusqlite::Connection, input: &ImportCsv, row: &CsvRow) -> Result<Entry> {
    let code = row.get("student_code").trim().to_uppercase();
    let student = crate::students::store::students_with_code(conn, &code)?
        .into_iter()
        .find(|s| s.branch_id == input.branch_id && s.archived_at.is_none())
        .ok_or_else(|| {
            ApiError::invalid("student_code", format!("No student of this branch has the code {code}."))
        })?;
    let day = parse_date("date", &row.get("date"))?;
    if day > desk.today() {
        return Err(ApiError::invalid("date", "Opening balances are in the past; this date is not.").into());
    }
    let value = match amount::parse(&row.get("amount")) {
        Some(v) if v > 0 => validate::bounded_amount("amount", v)?,
        _ => {
            return Err(
                ApiError::invalid("amount", "Enter rupees more than zero, at most two decimals.").into()
            )
        }
    };
    let now = desk.clock().now();
    match row.get("kind").trim().to_uppercase().as_str() {
        "DUE" => {
            let description =
                validate::required("description", "what the due is for", &row.get("description"), 120)?;
            Ok(Entry::Due(DueRow {
                id: opening_due_id(student.id, day, &description, value),
                branch_id: student.branch_id,
                student_id: student.id,
                enrolment_id: None,
                kind: DueKind::Opening,
                description,
                due_on: day,
                amount_minor: value,
                cancelled_at: None,
                created_at: now,
                updated_at: now,
            }))
        }
        "PAYMENT" => {
            let method_text = row.get("method");
            let method = if method_text.trim().is_empty() {
                PaymentMethod::Cash
            } else {
                PaymentMethod::parse(&method_text.trim().to_uppercase()).ok_or_else(|| {
                    ApiError::invalid("method", "Use CASH, BANK_TRANSFER, UPI, CARD or CHEQUE.")
                })?
            };
            let reference = validate::optional("reference", &row.get("reference"), money::REFERENCE_MAX)?;
            // Noon of that day at the desk, so the receipt falls on that day.
            let at = day
                .and_hms_opt(12, 0, 0)
                .and_then(|t| t.and_local_timezone(chrono::Local).single())
                .map(|t| t.with_timezone(&chrono::Utc))
                .unwrap_or(now);
            let payment = Payment {
                amount: value,
                method,
                reference: format!("Opening balance {reference}").trim().to_owned(),
                cheque_date: None,
                allocations: None,
                confirm_advance: true,
                at,
            };
            Ok(Entry::Paid(Box::new((student, payment))))
        }
        _ => Err(ApiError::invalid("kind", "Use DUE or PAYMENT.").into()),
    }
}

pub(super) fn import(desk: &Desk, actor: &Actor, input: &ImportCsv) -> Result<ImportReport> {
    let rows = read(&input.content, &COLUMNS)?;
    desk.import_progress.start(rows.len());
    let mut errors: Vec<RowProblem> = Vec::new();
    let mut planned = Vec::new();
    {
        let db = desk.db();
        for row in &rows {
            desk.import_progress.step();
            match check(desk, &db.conn, input, row) {
                Ok(entry) => planned.push(entry),
                Err(e) => errors.push(problem(row, e, str::to_owned)),
            }
        }
    }
    let mut report =
        ImportReport { rows: rows.len() as u32, errors, possible_duplicates: vec![], written: 0 };
    if !input.commit {
        return Ok(report);
    }
    if !report.errors.is_empty() {
        return Err(ApiError::invalid(
            "content",
            format!(
                "{} row(s) have problems; fix them and check the file again. Nothing was imported.",
                report.errors.len()
            ),
        )
        .into());
    }
    desk.import_progress.writing();
    let desk_no = desk.desk_no()?;
    // Dues first, then payments in date order, so each payment finds the
    // dues it pays.
    planned.sort_by_key(|e| match e {
        Entry::Due(_) => (0, chrono::DateTime::<chrono::Utc>::MIN_UTC),
        Entry::Paid(paid) => (1, paid.1.at),
    });
    let written = desk.write(Some(actor.user_id), |w| {
        let mut written = 0;
        for entry in &planned {
            desk.import_progress.step();
            match entry {
                Entry::Due(d) => {
                    if money::store::due_by_id(w.tx(), d.id)?.is_none() {
                        w.insert(d)?;
                        written += 1;
                    }
                }
                Entry::Paid(paid) => {
                    money::write_payment(w, &paid.0, &paid.1, desk_no)?;
                    written += 1;
                }
            }
        }
        Ok(written)
    })?;
    report.written = written;
    Ok(report)
}
