//! Rows and SQL for dues, receipts, allocations and reversals.

use super::settle::ReceiptMoney;
use crate::write::branch_record;
use crate::Result;
use branchdesk_api::commands::money::{DueKind, PaymentMethod, ReversalKind};
use branchdesk_api::ids::{BranchId, DueId, EnrolmentId, ReceiptId, StudentId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct DueRow {
    pub id: DueId,
    pub branch_id: BranchId,
    pub student_id: StudentId,
    pub enrolment_id: Option<EnrolmentId>,
    pub kind: DueKind,
    pub description: String,
    pub due_on: NaiveDate,
    pub amount_minor: i64,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(DueRow, "dues");

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ReceiptRow {
    pub id: ReceiptId,
    pub branch_id: BranchId,
    pub student_id: StudentId,
    pub number: String,
    pub desk_no: u32,
    pub fiscal_year: String,
    pub serial: u32,
    pub amount_minor: i64,
    pub tax_minor: i64,
    pub tax_rate_bp: u32,
    pub method: PaymentMethod,
    pub reference: String,
    pub cheque_date: Option<NaiveDate>,
    pub collected_by: Option<UserId>,
    pub collected_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(ReceiptRow, "receipts");

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct AllocationRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub receipt_id: ReceiptId,
    pub due_id: DueId,
    pub amount_minor: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(AllocationRow, "receipt_allocations");

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ReversalRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub receipt_id: ReceiptId,
    pub kind: ReversalKind,
    pub amount_minor: i64,
    pub reason: String,
    pub reversed_by: Option<UserId>,
    pub reversed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(ReversalRow, "receipt_reversals");

/// A void or bounce of `receipt`: one id, however many desks record it.
pub fn whole_reversal_id(receipt: ReceiptId) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x6a0d_53e8_2c47_4b19_9f3e_c81a_74d5_02b6);
    Uuid::new_v5(&NAMESPACE, receipt.0.as_bytes())
}

const DUE_COLUMNS: &str =
    "d.id, d.branch_id, d.student_id, d.enrolment_id, d.description, d.due_on, d.amount_minor,
    d.cancelled_at, d.created_at, d.updated_at, d.kind";

fn due_from_row(r: &Row<'_>) -> rusqlite::Result<DueRow> {
    crate::db::read::row(r)
}

pub fn due_by_id(conn: &Connection, id: DueId) -> Result<Option<DueRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {DUE_COLUMNS} FROM dues d WHERE d.id = ?1"))?
        .query_row([id.to_string()], due_from_row)
        .optional()?)
}

pub fn dues_of_student(conn: &Connection, student: StudentId) -> Result<Vec<DueRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DUE_COLUMNS} FROM dues d WHERE d.student_id = ?1 ORDER BY d.due_on, d.id"
    ))?;
    let rows = stmt.query_map([student.to_string()], due_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn dues_of_enrolment(conn: &Connection, enrolment: EnrolmentId) -> Result<Vec<DueRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DUE_COLUMNS} FROM dues d WHERE d.enrolment_id = ?1 ORDER BY d.due_on"
    ))?;
    let rows = stmt.query_map([enrolment.to_string()], due_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The dues of an enrolment that any receipt put money on (even one voided
/// since): what was charged and paid is never re-priced.
pub fn allocated_dues_of_enrolment(conn: &Connection, enrolment: EnrolmentId) -> Result<HashSet<DueId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT a.due_id FROM receipt_allocations a JOIN dues d ON d.id = a.due_id
         WHERE d.enrolment_id = ?1",
    )?;
    let rows = stmt.query_map([enrolment.to_string()], crate::db::read::row::<DueId>)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A due line of a list: the due, the student's name and code, and the
/// phone of their primary (else first) guardian who has one.
pub type DueListRow = (DueRow, String, String, Option<String>);

/// Open dues of a branch falling due in [from, to], in one read.
pub fn branch_dues_between(
    conn: &Connection,
    branch: BranchId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DueListRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DUE_COLUMNS}, s.full_name AS student_name, s.code AS student_code,
                (SELECT g.phone FROM student_guardians l JOIN guardians g ON g.id = l.guardian_id
                 WHERE l.student_id = s.id AND l.removed_at IS NULL AND g.phone IS NOT NULL
                 ORDER BY l.is_primary DESC, l.created_at LIMIT 1) AS guardian_phone
         FROM dues d JOIN students s ON s.id = d.student_id
         WHERE d.branch_id = ?1 AND d.cancelled_at IS NULL AND d.due_on BETWEEN ?2 AND ?3
         ORDER BY d.due_on, s.full_name COLLATE NOCASE"
    ))?;
    let rows = stmt.query_map((branch.to_string(), from.to_string(), to.to_string()), |r| {
        Ok((due_from_row(r)?, r.get("student_name")?, r.get("student_code")?, r.get("guardian_phone")?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const RECEIPT_COLUMNS: &str = "id, branch_id, student_id, number, desk_no, fiscal_year, serial, amount_minor,
    tax_minor, tax_rate_bp, method, reference, cheque_date, collected_by, collected_at, created_at, updated_at";

fn receipt_from_row(r: &Row<'_>) -> rusqlite::Result<ReceiptRow> {
    crate::db::read::row(r)
}

pub fn receipt_by_id(conn: &Connection, id: ReceiptId) -> Result<Option<ReceiptRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {RECEIPT_COLUMNS} FROM receipts WHERE id = ?1"))?
        .query_row([id.to_string()], receipt_from_row)
        .optional()?)
}

pub fn receipts_of_student(conn: &Connection, student: StudentId) -> Result<Vec<ReceiptRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RECEIPT_COLUMNS} FROM receipts WHERE student_id = ?1 ORDER BY collected_at, number"
    ))?;
    let rows = stmt.query_map([student.to_string()], receipt_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A branch's receipts collected between two UTC dates (`from` inclusive).
pub fn receipts_of_branch_between(
    conn: &Connection,
    branch: BranchId,
    from: &str,
    to: &str,
) -> Result<Vec<ReceiptRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RECEIPT_COLUMNS} FROM receipts WHERE branch_id = ?1 AND collected_at >= ?2 AND collected_at < ?3
         ORDER BY collected_at, number"
    ))?;
    let rows = stmt.query_map((branch.to_string(), from, to), receipt_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The last serial this desk gave in a financial year (0: none yet).
pub fn last_serial(conn: &Connection, desk_no: u32, fiscal_year: &str) -> Result<u32> {
    last_in_series(conn, "receipts", desk_no, fiscal_year)
}

/// The highest serial of desk `desk_no` in `table`'s series for the
/// financial year, counted over both stored forms that print alike
/// (`numbers::year_keys`), so a printed number never repeats.
pub fn last_in_series(conn: &Connection, table: &str, desk_no: u32, fiscal_year: &str) -> Result<u32> {
    let [year, twin] = super::numbers::year_keys(fiscal_year);
    Ok(conn
        .prepare_cached(&format!(
            "SELECT coalesce(max(serial), 0) FROM {table} WHERE desk_no = ?1 AND fiscal_year IN (?2, ?3)"
        ))?
        .query_row((desk_no, year, twin), crate::db::read::value)?)
}

pub fn allocations_of(conn: &Connection, receipt: ReceiptId) -> Result<Vec<AllocationRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, branch_id, receipt_id, due_id, amount_minor, created_at, updated_at
         FROM receipt_allocations WHERE receipt_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([receipt.to_string()], crate::db::read::row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn reversals_of(conn: &Connection, receipt: ReceiptId) -> Result<Vec<ReversalRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, branch_id, receipt_id, kind, amount_minor, reason, reversed_by, reversed_at, created_at, updated_at
         FROM receipt_reversals WHERE receipt_id = ?1 ORDER BY reversed_at, id",
    )?;
    let rows = stmt.query_map([receipt.to_string()], crate::db::read::row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The money of a receipt, for settling.
pub fn receipt_money(conn: &Connection, r: &ReceiptRow) -> Result<ReceiptMoney> {
    let reversals = reversals_of(conn, r.id)?;
    Ok(ReceiptMoney {
        amount: r.amount_minor,
        allocations: allocations_of(conn, r.id)?.iter().map(|a| (a.due_id, a.amount_minor)).collect(),
        reversed_whole: reversals.iter().any(|v| v.kind != ReversalKind::Refund),
        refunded: reversals.iter().filter(|v| v.kind == ReversalKind::Refund).map(|v| v.amount_minor).sum(),
    })
}

/// Every receipt of a branch that allocated to a due in [from, to], as money
/// to settle: three set reads instead of one per receipt (the dues list).
pub fn branch_receipt_money(
    conn: &Connection,
    branch: BranchId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ReceiptMoney>> {
    #[derive(serde::Deserialize)]
    struct Allocated {
        due_id: DueId,
        amount_minor: i64,
    }
    let mut money: HashMap<String, ReceiptMoney> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.amount_minor AS receipt_amount, a.due_id, a.amount_minor FROM receipts r
         JOIN receipt_allocations a ON a.receipt_id = r.id
         WHERE r.id IN (SELECT a2.receipt_id FROM receipt_allocations a2 JOIN dues d ON d.id = a2.due_id
                        WHERE d.branch_id = ?1 AND d.due_on BETWEEN ?2 AND ?3)
         ORDER BY r.id, a.created_at, a.id",
    )?;
    let mut rows = stmt.query((branch.to_string(), from.to_string(), to.to_string()))?;
    while let Some(r) = rows.next()? {
        let id: String = r.get("id")?;
        let entry = money.entry(id).or_insert_with(|| ReceiptMoney {
            amount: r.get("receipt_amount").unwrap_or(0),
            allocations: vec![],
            reversed_whole: false,
            refunded: 0,
        });
        let a: Allocated = crate::db::read::row(r)?;
        entry.allocations.push((a.due_id, a.amount_minor));
    }
    #[derive(serde::Deserialize)]
    struct Reversed {
        kind: ReversalKind,
    }
    let mut stmt = conn.prepare_cached(
        "SELECT v.receipt_id, v.kind, v.amount_minor FROM receipt_reversals v WHERE v.branch_id = ?1",
    )?;
    let mut rows = stmt.query([branch.to_string()])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get("receipt_id")?;
        if let Some(m) = money.get_mut(&id) {
            let kind: ReversalKind = crate::db::read::row::<Reversed>(r)?.kind;
            if kind == ReversalKind::Refund {
                m.refunded += r.get::<_, i64>("amount_minor")?;
            } else {
                m.reversed_whole = true;
            }
        }
    }
    Ok(money.into_values().collect())
}
