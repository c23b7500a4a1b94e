//! Payroll: a month's pay per person at a branch — their fixed salary, the
//! fixed pay of the batches they teach, per-session pay for the sessions
//! they actually taught (a substitute is credited, a cancelled session is
//! not), commission per enrolled student — with adjustments, payment and
//! the slip. Lines have derived ids; a paid line never changes.

use super::salary_payments;
use crate::write::branch_record;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::amount;
use branchdesk_api::commands::money::*;
use branchdesk_api::commands::timetable::CompensationModel;
use branchdesk_api::ids::{BatchId, BranchId, SalaryLineId, UserId};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// How a batch pays its teacher (the batch's compensation model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terms {
    FixedMonthly(i64),
    PerSession(i64),
    PerStudent(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchTerms {
    pub id: BatchId,
    pub teacher: UserId,
    pub terms: Terms,
    /// Students holding a seat.
    pub students: u32,
}

/// One session taught in the month, by whoever taught it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taught {
    pub batch: BatchId,
    pub by: UserId,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Earnings {
    pub batch_fixed: i64,
    pub sessions: u32,
    pub per_session: i64,
    pub students: u32,
    pub commission: i64,
}

impl Earnings {
    pub fn total(&self) -> i64 {
        self.batch_fixed + self.per_session + self.commission
    }
}

/// What `user` earned from `batches` in a month in which `taught` happened.
/// A fixed-monthly batch pays its teacher when it met at all that month.
pub fn earnings(user: UserId, batches: &[BatchTerms], taught: &[Taught]) -> Earnings {
    let mut e = Earnings::default();
    for b in batches {
        match b.terms {
            Terms::FixedMonthly(a) if b.teacher == user && taught.iter().any(|t| t.batch == b.id) => {
                e.batch_fixed += a
            }
            Terms::PerSession(a) => {
                let n = taught.iter().filter(|t| t.batch == b.id && t.by == user).count() as u32;
                e.sessions += n;
                e.per_session += a * i64::from(n);
            }
            Terms::PerStudent(a) if b.teacher == user => {
                e.students += b.students;
                e.commission += a * i64::from(b.students);
            }
            _ => {}
        }
    }
    e
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SalaryConfigRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub user_id: UserId,
    pub fixed_monthly_minor: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(SalaryConfigRow, "salary_configs");

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SalaryLineRow {
    pub id: SalaryLineId,
    pub branch_id: BranchId,
    pub month: String,
    pub user_id: UserId,
    pub fixed_minor: i64,
    pub batch_fixed_minor: i64,
    pub sessions_taught: u32,
    pub session_minor: i64,
    pub students: u32,
    pub commission_minor: i64,
    pub adjustments_minor: i64,
    pub adjustment_note: String,
    pub total_minor: i64,
    pub paid_at: Option<DateTime<Utc>>,
    pub paid_method: Option<PaymentMethod>,
    pub paid_reference: String,
    pub paid_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub basic_minor: i64,
    pub allowances_minor: i64,
    pub unpaid_days: u32,
    pub leave_deduction_minor: i64,
    pub gross_minor: i64,
    pub pf_employee_minor: i64,
    pub pf_employer_minor: i64,
    pub esi_employee_minor: i64,
    pub esi_employer_minor: i64,
    pub pt_minor: i64,
    pub tds_minor: i64,
    pub advance_recovery_minor: i64,
}
branch_record!(SalaryLineRow, "salary_lines");

impl SalaryLineRow {
    /// Gross pay (a line from before itemised slips: its total).
    pub fn gross(&self) -> i64 {
        if self.gross_minor == 0 && self.basic_minor == 0 {
            self.total_minor
        } else {
            self.gross_minor
        }
    }

    pub fn deductions(&self) -> i64 {
        self.pf_employee_minor
            + self.esi_employee_minor
            + self.pt_minor
            + self.tds_minor
            + self.advance_recovery_minor
    }
}

fn derived(parts: &str) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x93c1_7e2a_5d48_4f0b_b6e3_0a9d_28f1_c574);
    Uuid::new_v5(&NAMESPACE, parts.as_bytes())
}

pub fn config_id(branch: BranchId, user: UserId) -> Uuid {
    derived(&format!("config\u{0}{branch}\u{0}{user}"))
}

pub fn line_id(branch: BranchId, month: &str, user: UserId) -> SalaryLineId {
    SalaryLineId(derived(&format!("line\u{0}{branch}\u{0}{month}\u{0}{user}")))
}

fn configs(conn: &Connection, branch: BranchId) -> Result<Vec<SalaryConfigRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, branch_id, user_id, fixed_monthly_minor, created_at, updated_at FROM salary_configs WHERE branch_id = ?1",
    )?;
    let rows = stmt.query_map([branch.to_string()], crate::db::read::row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

static LINE_COLUMNS: crate::db::read::Columns = crate::db::read::columns!(SalaryLineRow, "");

fn line_from_row(r: &Row<'_>) -> rusqlite::Result<SalaryLineRow> {
    crate::db::read::row(r)
}

pub(crate) fn line_by_id(conn: &Connection, id: SalaryLineId) -> Result<Option<SalaryLineRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {LINE_COLUMNS} FROM salary_lines WHERE id = ?1"))?
        .query_row([id.to_string()], line_from_row)
        .optional()?)
}

fn lines_of_month(conn: &Connection, branch: BranchId, month: &str) -> Result<Vec<SalaryLineRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LINE_COLUMNS} FROM salary_lines WHERE branch_id = ?1 AND month = ?2"
    ))?;
    let rows = stmt.query_map((branch.to_string(), month), line_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Salaries paid for a month at a branch (the profit and loss): every
/// payment (a line paid twice counts twice until the money is recovered),
/// and lines marked paid before payments were rows of their own.
pub fn paid_total(conn: &Connection, branch: BranchId, month: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce((SELECT sum(p.amount_minor) FROM salary_payments p
                              JOIN salary_lines l ON l.id = p.salary_line_id
                              WHERE l.branch_id = ?1 AND l.month = ?2), 0)
                  + coalesce((SELECT sum(total_minor) FROM salary_lines l
                              WHERE l.branch_id = ?1 AND l.month = ?2 AND l.paid_at IS NOT NULL
                                AND NOT EXISTS (SELECT 1 FROM salary_payments p WHERE p.salary_line_id = l.id)), 0)",
        )?
        .query_row((branch.to_string(), month), crate::db::read::value)?)
}

/// Whether a line is paid: it has a payment (or was marked paid before
/// payments were rows of their own).
fn is_paid(conn: &Connection, l: &SalaryLineRow) -> Result<bool> {
    Ok(l.paid_at.is_some() || !salary_payments::of_line(conn, l.id)?.is_empty())
}

/// The first day of the financial year `month` (YYYY-MM) falls in, as YYYY-MM.
fn year_start(conn: &Connection, month: &str) -> Result<String> {
    let start =
        crate::settings::effective_int(conn, branchdesk_api::settings::YEAR_START_MONTH, None)? as u32;
    let (y, m) = month
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
        .unwrap_or((0, 1));
    let year = if m >= start { y } else { y - 1 };
    Ok(format!("{year:04}-{start:02}"))
}

/// Gross, deductions and net of a person's lines at a branch from the
/// start of the financial year to `l`'s month, this month included.
fn year_to_date(conn: &Connection, l: &SalaryLineRow) -> Result<(i64, i64, i64)> {
    let from = year_start(conn, &l.month)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LINE_COLUMNS} FROM salary_lines WHERE branch_id = ?1 AND user_id = ?2 AND month >= ?3 AND month <= ?4"
    ))?;
    let lines: Vec<SalaryLineRow> = crate::db::read::all(
        &mut stmt,
        (l.branch_id.to_string(), l.user_id.to_string(), from, l.month.clone()),
    )?;
    Ok(lines.iter().fold((0, 0, 0), |(g, d, n), x| (g + x.gross(), d + x.deductions(), n + x.total_minor)))
}

/// The first day of the month after `day`'s.
pub(crate) fn next_month_start(day: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let first = day.with_day(1).unwrap_or(day);
    first.checked_add_months(chrono::Months::new(1)).unwrap_or(first)
}

/// A person's line for the month starting `first`: fixed pay from the
/// structure in force on its first day, `e` earned from teaching, the
/// adjustments and unpaid days the old line holds (or the ones given),
/// the statutory deductions and the advance recovered. A month whose
/// deductions exceed its gross pay is refused, naming the person.
#[allow(clippy::too_many_arguments)]
fn compute_line(
    conn: &Connection,
    branch: BranchId,
    first: NaiveDate,
    user: UserId,
    e: &Earnings,
    old: Option<&SalaryLineRow>,
    (adjustments, unpaid_days): (i64, u32),
    rules: &super::pay::Rules,
    now: DateTime<Utc>,
) -> Result<SalaryLineRow> {
    use super::{pay, salary_structure as structure};
    use chrono::Datelike;
    let month = first.format("%Y-%m").to_string();
    let (basic, allowances, tds) = structure::fixed_on(conn, branch, user, first)?;
    let (outstanding, instalment) = structure::advance_due(conn, branch, user, first)?;
    let days = (next_month_start(first) - first).num_days() as u32;
    let input = pay::Month {
        basic,
        allowances,
        variable: e.total(),
        adjustments,
        tds,
        unpaid_days,
        days_in_month: days,
        february: first.month() == 2,
        advance_outstanding: outstanding,
        advance_instalment: instalment,
    };
    let name = || -> Result<String> {
        Ok(crate::users::store::by_id(conn, user)?.map(|u| u.full_name).unwrap_or_default())
    };
    let slip = match pay::slip(rules, &input) {
        Ok(s) => s,
        Err(pay::PayError::TooManyUnpaidDays) => {
            return Err(ApiError::invalid("days", format!("{month} has {days} days.")).into())
        }
        Err(pay::PayError::DeductionsExceedGross { gross, statutory }) => {
            let currency = crate::org::store::organisation(conn)?.map(|o| o.currency).unwrap_or_default();
            return Err(ApiError::invalid(
                "user_id",
                format!(
                    "{}: PF, ESI, professional tax and TDS come to {} against gross pay of {} in {month}. Check their salary structure; nothing was saved.",
                    name()?,
                    amount::format_in(&currency, statutory),
                    amount::format_in(&currency, gross)
                ),
            )
            .into());
        }
    };
    Ok(SalaryLineRow {
        id: line_id(branch, &month, user),
        branch_id: branch,
        month,
        user_id: user,
        fixed_minor: basic + allowances,
        batch_fixed_minor: e.batch_fixed,
        sessions_taught: e.sessions,
        session_minor: e.per_session,
        students: e.students,
        commission_minor: e.commission,
        adjustments_minor: adjustments,
        adjustment_note: old.map(|o| o.adjustment_note.clone()).unwrap_or_default(),
        total_minor: slip.net,
        paid_at: None,
        paid_method: None,
        paid_reference: String::new(),
        paid_by: None,
        created_at: old.map_or(now, |o| o.created_at),
        updated_at: now,
        basic_minor: basic,
        allowances_minor: allowances,
        unpaid_days,
        leave_deduction_minor: slip.leave_deduction,
        gross_minor: slip.gross,
        pf_employee_minor: slip.pf_employee,
        pf_employer_minor: slip.pf_employer,
        esi_employee_minor: slip.esi_employee,
        esi_employer_minor: slip.esi_employer,
        pt_minor: slip.pt,
        tds_minor: slip.tds,
        advance_recovery_minor: slip.advance_recovery,
    })
}

/// What the line's person earned from teaching, as the line records it.
fn earned(l: &SalaryLineRow) -> Earnings {
    Earnings {
        batch_fixed: l.batch_fixed_minor,
        sessions: l.sessions_taught,
        per_session: l.session_minor,
        students: l.students,
        commission: l.commission_minor,
    }
}

pub(crate) fn line_view(conn: &Connection, l: &SalaryLineRow) -> Result<SalaryLine> {
    let ytd = year_to_date(conn, l)?;
    let payments = salary_payments::of_line(conn, l.id)?;
    let first = payments.first();
    Ok(SalaryLine {
        id: l.id,
        user_id: l.user_id,
        name: crate::users::store::by_id(conn, l.user_id)?.map(|u| u.full_name).unwrap_or_default(),
        month: l.month.clone(),
        fixed_minor: l.fixed_minor,
        batch_fixed_minor: l.batch_fixed_minor,
        sessions_taught: l.sessions_taught,
        session_minor: l.session_minor,
        students: l.students,
        commission_minor: l.commission_minor,
        adjustments_minor: l.adjustments_minor,
        adjustment_note: l.adjustment_note.clone(),
        basic_minor: l.basic_minor,
        allowances_minor: l.allowances_minor,
        unpaid_days: l.unpaid_days,
        leave_deduction_minor: l.leave_deduction_minor,
        gross_minor: l.gross(),
        pf_employee_minor: l.pf_employee_minor,
        pf_employer_minor: l.pf_employer_minor,
        esi_employee_minor: l.esi_employee_minor,
        esi_employer_minor: l.esi_employer_minor,
        pt_minor: l.pt_minor,
        tds_minor: l.tds_minor,
        advance_recovery_minor: l.advance_recovery_minor,
        deductions_minor: l.deductions(),
        total_minor: l.total_minor,
        ytd_gross_minor: ytd.0,
        ytd_deductions_minor: ytd.1,
        ytd_net_minor: ytd.2,
        paid_at: first.map(|p| p.paid_at).or(l.paid_at).map(|t| t.to_rfc3339()),
        paid_method: first.map(|p| p.method).or(l.paid_method),
        paid_reference: first.map_or_else(|| l.paid_reference.clone(), |p| p.reference.clone()),
        payment_numbers: payments.iter().map(|p| p.number.clone()).collect(),
    })
}

/// The batches of a branch with their pay terms and seats taken, and the
/// sessions taught in [from, to] up to `today`, in three reads.
fn month_facts(
    conn: &Connection,
    branch: BranchId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Vec<BatchTerms>, Vec<Taught>)> {
    let mut batches = Vec::new();
    for b in crate::timetable::store::batches_of_branch(conn, branch, true)? {
        // A batch on one of the organisation's rates pays by the rate.
        let rate = match b.commission_rate_id {
            Some(id) => crate::timetable::rates::by_id(conn, id)?,
            None => None,
        };
        let (model, amount) = rate.map_or((b.comp_model, b.comp_amount_minor), |r| (r.model, r.amount_minor));
        let terms = match model {
            CompensationModel::PerSession => Terms::PerSession(amount),
            CompensationModel::PerStudent => Terms::PerStudent(amount),
            CompensationModel::FixedMonthly => Terms::FixedMonthly(amount),
        };
        let students = crate::timetable::store::seats_taken(conn, b.id)?;
        batches.push(BatchTerms { id: b.id, teacher: b.teacher_id, terms, students });
    }
    let taught = crate::timetable::store::sessions_of_branch(conn, branch, from, to)?
        .into_iter()
        .filter(|s| s.scheduled())
        .map(|s| Taught { batch: s.batch_id, by: s.taught_by() })
        .collect();
    Ok((batches, taught))
}

impl Desk {
    pub fn set_salary(&self, actor: &Actor, input: SetSalary) -> Result<SalaryLine> {
        actor.require(Permission::RunPayroll, Some(input.branch_id))?;
        let typed = input.fixed_monthly.trim();
        if typed.is_empty() || amount::parse(typed).is_none_or(|v| v < 0) {
            return Err(ApiError::invalid(
                "fixed_monthly",
                "Enter the monthly salary in rupees (0 for none).",
            )
            .into());
        }
        // The basic pay component from this month on.
        let component = SaveSalaryComponent {
            branch_id: input.branch_id,
            user_id: input.user_id,
            kind: ComponentKind::Basic,
            name: "Basic".into(),
            amount: input.fixed_monthly.clone(),
            effective_from: String::new(),
        };
        self.save_salary_component(actor, component).map_err(|e| {
            let mut e = ApiError::from(e);
            if matches!(e.field.as_deref(), Some("amount")) {
                e.field = Some("fixed_monthly".into());
            }
            crate::Error::from(e)
        })?;
        let lines =
            self.run_payroll(actor, RunPayroll { branch_id: input.branch_id, month: String::new() })?;
        lines
            .into_iter()
            .find(|l| l.user_id == input.user_id)
            .ok_or_else(|| ApiError::internal("the salary line was not computed").into())
    }

    pub fn run_payroll(&self, actor: &Actor, input: RunPayroll) -> Result<Vec<SalaryLine>> {
        actor.require(Permission::RunPayroll, Some(input.branch_id))?;
        let today = self.today();
        let (from, next) = validate::month("month", &input.month, today)?;
        if from > today {
            return Err(ApiError::invalid("month", "That month has not begun.").into());
        }
        let month = from.format("%Y-%m").to_string();
        let last = (next - chrono::Duration::days(1)).min(today);
        let branch = input.branch_id;
        let now = self.clock().now();
        self.write(Some(actor.user_id), |w| {
            let (batches, taught) = month_facts(w.tx(), branch, from, last)?;
            let rules = super::salary_structure::rules(w.tx(), branch)?;
            let mut with_pay: BTreeSet<UserId> = configs(w.tx(), branch)?
                .into_iter()
                .filter(|c| c.fixed_monthly_minor > 0)
                .map(|c| c.user_id)
                .collect();
            with_pay.extend(super::salary_structure::people(w.tx(), branch)?);
            let existing: BTreeMap<UserId, SalaryLineRow> =
                lines_of_month(w.tx(), branch, &month)?.into_iter().map(|l| (l.user_id, l)).collect();
            let people: BTreeSet<UserId> = with_pay
                .iter()
                .copied()
                .chain(batches.iter().map(|b| b.teacher))
                .chain(taught.iter().map(|t| t.by))
                .chain(existing.keys().copied())
                .collect();
            for user in people {
                let e = earnings(user, &batches, &taught);
                let old = existing.get(&user);
                if let Some(o) = old {
                    if is_paid(w.tx(), o)? {
                        continue;
                    }
                }
                let kept = old.map_or((0, 0), |o| (o.adjustments_minor, o.unpaid_days));
                let row = compute_line(w.tx(), branch, from, user, &e, old, kept, &rules, now)?;
                match old {
                    // Nothing earned and nothing recorded: no line.
                    None if row.gross_minor == 0 && row.total_minor == 0 => {}
                    None => w.insert(&row)?,
                    Some(o) => {
                        w.update(o, &SalaryLineRow { updated_at: o.updated_at, ..row.clone() })?;
                    }
                }
            }
            Ok(())
        })?;
        let db = self.db();
        let mut out: Vec<SalaryLine> = lines_of_month(&db.conn, branch, &month)?
            .iter()
            .map(|l| line_view(&db.conn, l))
            .collect::<Result<_>>()?;
        out.sort_by_key(|l| l.name.to_lowercase());
        Ok(out)
    }

    fn unpaid_line(&self, actor: &Actor, id: SalaryLineId) -> Result<SalaryLineRow> {
        actor.require_somewhere(Permission::RunPayroll)?;
        let line =
            line_by_id(&self.db().conn, id)?.ok_or_else(|| ApiError::not_found("salary line").on("id"))?;
        actor.require(Permission::RunPayroll, Some(line.branch_id))?;
        if is_paid(&self.db().conn, &line)? {
            return Err(ApiError::conflict("This salary is paid; a paid line does not change.")
                .on("id")
                .into());
        }
        Ok(line)
    }

    pub fn adjust_salary(&self, actor: &Actor, input: AdjustSalary) -> Result<SalaryLine> {
        let old = self.unpaid_line(actor, input.id)?;
        let text = input.amount.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let value = match amount::parse(digits) {
            Some(v) if v > 0 => {
                validate::bounded_amount("amount", v)?;
                if negative {
                    -v
                } else {
                    v
                }
            }
            _ => {
                return Err(ApiError::invalid(
                    "amount",
                    "Enter rupees, e.g. 500 for a bonus or -250 for a deduction.",
                )
                .into())
            }
        };
        let note = validate::required("note", "reason for the adjustment", &input.note, 200)?;
        let adjustments = old.adjustments_minor + value;
        let joined =
            if old.adjustment_note.is_empty() { note } else { format!("{}; {note}", old.adjustment_note) };
        let new = self.recomputed(&old, adjustments, old.unpaid_days)?;
        if new.gross_minor == 0 && old.gross() + value < 0 {
            return Err(ApiError::invalid("amount", "A deduction cannot take the salary below zero.").into());
        }
        let new = SalaryLineRow { adjustment_note: joined, ..new };
        self.write(Some(actor.user_id), |w| w.update(&old, &new).map(|_| ()))?;
        line_view(&self.db().conn, &new)
    }

    /// An unpaid line computed again with other adjustments or unpaid days.
    fn recomputed(&self, old: &SalaryLineRow, adjustments: i64, unpaid_days: u32) -> Result<SalaryLineRow> {
        let first = NaiveDate::parse_from_str(&format!("{}-01", old.month), "%Y-%m-%d")
            .map_err(|_| ApiError::invalid("id", "This line's month is not a month."))?;
        let db = self.db();
        let rules = super::salary_structure::rules(&db.conn, old.branch_id)?;
        compute_line(
            &db.conn,
            old.branch_id,
            first,
            old.user_id,
            &earned(old),
            Some(old),
            (adjustments, unpaid_days),
            &rules,
            self.clock().now(),
        )
    }

    pub fn set_unpaid_days(&self, actor: &Actor, input: SetUnpaidDays) -> Result<SalaryLine> {
        let old = self.unpaid_line(actor, input.id)?;
        let days: u32 = match input.days.trim() {
            "" => 0,
            t => t
                .parse()
                .map_err(|_| ApiError::invalid("days", "Enter whole days of unpaid leave (0 for none)."))?,
        };
        let new = self.recomputed(&old, old.adjustments_minor, days)?;
        self.write(Some(actor.user_id), |w| w.update(&old, &new).map(|_| ()))?;
        line_view(&self.db().conn, &new)
    }

    pub fn pay_salary(&self, actor: &Actor, input: PaySalary) -> Result<SalaryLine> {
        let old = self.unpaid_line(actor, input.id)?;
        if old.total_minor <= 0 {
            return Err(ApiError::invalid("id", "Nothing is owed on this line.").into());
        }
        let reference = validate::optional("reference", &input.reference, 60)?;
        if input.method == PaymentMethod::Cheque && reference.is_empty() {
            return Err(ApiError::invalid("reference", "Enter the cheque number.").into());
        }
        let desk_no = self.desk_no()?;
        let today = self.today();
        self.write(Some(actor.user_id), |w| {
            salary_payments::record(w, &old, desk_no, today, input.method, reference, actor.user_id)
                .map(|_| ())
        })?;
        line_view(&self.db().conn, &old)
    }

    /// The slip laid out for printing, and the name its PDF is saved under.
    pub(crate) fn slip_printable(&self, actor: &Actor, id: SalaryLineId) -> Result<(Printable, String)> {
        actor.require_somewhere(Permission::RunPayroll)?;
        let db = self.db();
        let line = line_by_id(&db.conn, id)?.ok_or_else(|| ApiError::not_found("salary line").on("id"))?;
        actor.require(Permission::RunPayroll, Some(line.branch_id))?;
        let view = line_view(&db.conn, &line)?;
        let name = format!("salary-{}-{}.pdf", line.month, view.name.replace(' ', "-"));
        Ok((super::documents::salary_slip(&db.conn, &line, &view)?, name))
    }

    pub fn save_salary_slip(&self, actor: &Actor, input: SaveSalarySlip) -> Result<String> {
        let (doc, name) = self.slip_printable(actor, input.id)?;
        self.save_pdf(&name, &doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn substitutes_are_credited_and_fixed_batches_pay_once_a_month() {
        let (a, b) = (UserId(Uuid::from_u128(1)), UserId(Uuid::from_u128(2)));
        let (x, y, z) =
            (BatchId(Uuid::from_u128(10)), BatchId(Uuid::from_u128(11)), BatchId(Uuid::from_u128(12)));
        let batches = vec![
            BatchTerms { id: x, teacher: a, terms: Terms::PerSession(50_000), students: 20 },
            BatchTerms { id: y, teacher: a, terms: Terms::FixedMonthly(1_000_000), students: 10 },
            BatchTerms { id: z, teacher: a, terms: Terms::PerStudent(30_000), students: 2 },
        ];
        let taught = vec![
            Taught { batch: x, by: a },
            Taught { batch: x, by: a },
            Taught { batch: x, by: b },
            Taught { batch: y, by: b },
        ];
        let ea = earnings(a, &batches, &taught);
        assert_eq!(
            (ea.sessions, ea.per_session, ea.batch_fixed, ea.commission),
            (2, 100_000, 1_000_000, 60_000)
        );
        let eb = earnings(b, &batches, &taught);
        assert_eq!(
            (eb.sessions, eb.per_session, eb.batch_fixed),
            (1, 50_000, 0),
            "the substitute: per session only"
        );
        assert_eq!(earnings(a, &batches, &[]).batch_fixed, 0, "a batch that never met pays no fixed amount");
    }

    proptest! {
        /// Every per-session payment goes to exactly one person: the sum
        /// over everyone equals the sessions taught times their rates.
        #[test]
        fn each_session_taught_is_paid_once(by in proptest::collection::vec((0u128..4, 0usize..3), 0..40)) {
            let people: Vec<UserId> = (0..4u128).map(|i| UserId(Uuid::from_u128(i))).collect();
            let batches: Vec<BatchTerms> = (0..3u128)
                .map(|i| BatchTerms { id: BatchId(Uuid::from_u128(100 + i)), teacher: people[i as usize], terms: Terms::PerSession(1_000 * (i as i64 + 1)), students: 0 })
                .collect();
            let taught: Vec<Taught> = by.iter().map(|(p, b)| Taught { batch: batches[*b].id, by: people[*p as usize] }).collect();
            let paid: i64 = people.iter().map(|p| earnings(*p, &batches, &taught).per_session).sum();
            let owed: i64 = by.iter().map(|(_, b)| 1_000 * (*b as i64 + 1)).sum();
            prop_assert_eq!(paid, owed);
        }
    }
}
