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
}
branch_record!(SalaryLineRow, "salary_lines");

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

const LINE_COLUMNS: &str = "id, branch_id, month, user_id, fixed_minor, batch_fixed_minor, sessions_taught, session_minor,
    students, commission_minor, adjustments_minor, adjustment_note, total_minor, paid_at, paid_method, paid_reference,
    paid_by, created_at, updated_at";

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

pub(crate) fn line_view(conn: &Connection, l: &SalaryLineRow) -> Result<SalaryLine> {
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
        total_minor: l.total_minor,
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
        let terms = match b.comp_model {
            CompensationModel::PerSession => Terms::PerSession(b.comp_amount_minor),
            CompensationModel::PerStudent => Terms::PerStudent(b.comp_amount_minor),
            CompensationModel::FixedMonthly => Terms::FixedMonthly(b.comp_amount_minor),
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
        let fixed = match amount::parse(&input.fixed_monthly) {
            Some(v) if v >= 0 && !input.fixed_monthly.trim().is_empty() => {
                validate::bounded_amount("fixed_monthly", v)?
            }
            _ => {
                return Err(ApiError::invalid(
                    "fixed_monthly",
                    "Enter the monthly salary in rupees (0 for none).",
                )
                .into())
            }
        };
        let person = crate::users::store::by_id(&self.db().conn, input.user_id)?;
        if person.is_none() {
            return Err(ApiError::invalid("user_id", "Choose a person from the list.").into());
        }
        let now = self.clock().now();
        let id = config_id(input.branch_id, input.user_id);
        self.write(Some(actor.user_id), |w| {
            let row = SalaryConfigRow {
                id,
                branch_id: input.branch_id,
                user_id: input.user_id,
                fixed_monthly_minor: fixed,
                created_at: now,
                updated_at: now,
            };
            let old = configs(w.tx(), input.branch_id)?.into_iter().find(|c| c.id == id);
            match old {
                Some(old) => {
                    w.update(&old, &SalaryConfigRow { created_at: old.created_at, ..row }).map(|_| ())
                }
                None => w.insert(&row),
            }
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
            let fixed: BTreeMap<UserId, i64> =
                configs(w.tx(), branch)?.into_iter().map(|c| (c.user_id, c.fixed_monthly_minor)).collect();
            let existing: BTreeMap<UserId, SalaryLineRow> =
                lines_of_month(w.tx(), branch, &month)?.into_iter().map(|l| (l.user_id, l)).collect();
            let people: BTreeSet<UserId> = fixed
                .keys()
                .copied()
                .chain(batches.iter().map(|b| b.teacher))
                .chain(taught.iter().map(|t| t.by))
                .chain(existing.keys().copied())
                .collect();
            for user in people {
                let e = earnings(user, &batches, &taught);
                let base = fixed.get(&user).copied().unwrap_or(0);
                let old = existing.get(&user);
                if let Some(o) = old {
                    if is_paid(w.tx(), o)? {
                        continue;
                    }
                }
                let adjustments = old.map_or(0, |o| o.adjustments_minor);
                let row = SalaryLineRow {
                    id: line_id(branch, &month, user),
                    branch_id: branch,
                    month: month.clone(),
                    user_id: user,
                    fixed_minor: base,
                    batch_fixed_minor: e.batch_fixed,
                    sessions_taught: e.sessions,
                    session_minor: e.per_session,
                    students: e.students,
                    commission_minor: e.commission,
                    adjustments_minor: adjustments,
                    adjustment_note: old.map(|o| o.adjustment_note.clone()).unwrap_or_default(),
                    total_minor: base + e.total() + adjustments,
                    paid_at: None,
                    paid_method: None,
                    paid_reference: String::new(),
                    paid_by: None,
                    created_at: old.map_or(now, |o| o.created_at),
                    updated_at: now,
                };
                match old {
                    // Nothing earned and nothing recorded: no line.
                    None if row.total_minor == 0 => {}
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
        let total = old.total_minor + value;
        if total < 0 {
            return Err(ApiError::invalid("amount", "A deduction cannot take the salary below zero.").into());
        }
        let joined =
            if old.adjustment_note.is_empty() { note } else { format!("{}; {note}", old.adjustment_note) };
        let new = SalaryLineRow {
            adjustments_minor: adjustments,
            adjustment_note: joined,
            total_minor: total,
            updated_at: self.clock().now(),
            ..old.clone()
        };
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
