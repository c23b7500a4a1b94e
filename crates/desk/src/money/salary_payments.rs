//! Salaries paid, as money of their own: each payment is an append-only
//! row numbered from the desk's payment series (`K2/1/S260001`), never
//! changed. A salary line is paid once it has a payment; a line paid on two
//! desks offline keeps both payments and shows in the review list.

use super::numbers;
use crate::write::{branch_record, Write};
use crate::Result;
use branchdesk_api::commands::money::PaymentMethod;
use branchdesk_api::ids::{BranchId, SalaryLineId, UserId};
use branchdesk_api::settings as keys;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SalaryPaymentRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub salary_line_id: SalaryLineId,
    pub user_id: UserId,
    pub number: String,
    pub desk_no: u32,
    pub fiscal_year: String,
    pub serial: u32,
    pub amount_minor: i64,
    pub method: PaymentMethod,
    pub reference: String,
    pub paid_by: Option<UserId>,
    pub paid_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(SalaryPaymentRow, "salary_payments");

const COLUMNS: &str =
    "id, branch_id, salary_line_id, user_id, number, desk_no, fiscal_year, serial, amount_minor,
    method, reference, paid_by, paid_at, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<SalaryPaymentRow> {
    crate::db::read::row(r)
}

/// A line's payments, oldest first.
pub fn of_line(conn: &Connection, line: SalaryLineId) -> Result<Vec<SalaryPaymentRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM salary_payments WHERE salary_line_id = ?1 ORDER BY paid_at, number"
    ))?;
    let rows = stmt.query_map([line.to_string()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Salary lines of a branch paid more than once (two desks offline), with
/// the payments' numbers.
pub fn paid_twice(conn: &Connection, branch: BranchId) -> Result<Vec<(SalaryLineId, Vec<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT salary_line_id, group_concat(number, ', ') AS numbers FROM salary_payments
         WHERE branch_id = ?1 GROUP BY salary_line_id HAVING count(*) > 1",
    )?;
    #[derive(serde::Deserialize)]
    struct PaidTwice {
        salary_line_id: SalaryLineId,
        numbers: String,
    }
    let rows: Vec<PaidTwice> = crate::db::read::all(&mut stmt, [branch.to_string()])?;
    Ok(rows
        .into_iter()
        .map(|p| (p.salary_line_id, p.numbers.split(", ").map(str::to_owned).collect()))
        .collect())
}

/// Records a payment of `amount` on a line under the desk's next number.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record(
    w: &mut Write<'_>,
    line: &super::payroll::SalaryLineRow,
    desk_no: u32,
    today: NaiveDate,
    method: PaymentMethod,
    reference: String,
    paid_by: UserId,
) -> Result<SalaryPaymentRow> {
    let now = w.now();
    let conn: &Connection = w.tx();
    let start_month = crate::settings::effective_int(conn, keys::YEAR_START_MONTH, None)? as u32;
    let fy = numbers::fiscal_year(today, start_month);
    let serial = super::store::last_in_series(conn, "salary_payments", desk_no, &fy)?;
    let code = crate::org::store::branch_by_id(conn, line.branch_id)?.map(|b| b.code).unwrap_or_default();
    let row = SalaryPaymentRow {
        id: Uuid::now_v7(),
        branch_id: line.branch_id,
        salary_line_id: line.id,
        user_id: line.user_id,
        number: numbers::series_number(&code, desk_no, 'S', &fy, serial + 1),
        desk_no,
        fiscal_year: fy,
        serial: serial + 1,
        amount_minor: line.total_minor,
        method,
        reference,
        paid_by: Some(paid_by),
        paid_at: now,
        created_at: now,
        updated_at: now,
    };
    w.insert(&row)?;
    Ok(row)
}
