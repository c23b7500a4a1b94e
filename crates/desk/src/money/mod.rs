//! Fees: dues from enrolments, collecting payments with receipts numbered
//! per desk, voids, refunds and bounced cheques as reversing rows, the
//! receipt PDF, and the dues lists. Every amount is integer minor units.

pub mod daybook;
pub mod documents;
pub mod dues;
pub mod expenses;
pub mod invoices;
pub mod numbers;
pub mod pay;
pub mod payroll;
pub mod report;
pub mod reviews;
pub mod salary_payments;
pub mod salary_structure;
pub mod settle;
pub mod store;

use crate::students::store::{student_by_id, EnrolmentRow, StudentRow};
use crate::timetable::store::BatchRow;
use crate::write::Write;
use crate::{settings, validate, Actor, Desk, Result};
use branchdesk_api::amount;
use branchdesk_api::commands::money::*;
use branchdesk_api::commands::students::{DiscountKind, EnrolmentStatus};
use branchdesk_api::commands::timetable::FeeFrequency;
use branchdesk_api::ids::{BranchId, DueId, InvoiceId, ReceiptId, SalaryLineId, StudentId, UserId};
use branchdesk_api::settings as keys;
use branchdesk_api::{ApiError, Permission};
use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use std::collections::BTreeMap;
use store::{AllocationRow, DueRow, ReceiptRow, ReversalRow};
use uuid::Uuid;

pub const REFERENCE_MAX: usize = 60;
pub const REASON_MAX: usize = 300;

/// An amount typed by the clerk: more than zero, at most two decimals.
fn amount_field(field: &str, text: &str) -> Result<i64, ApiError> {
    match amount::parse(text) {
        Some(0) => Err(ApiError::invalid(field, "Enter an amount more than zero.")),
        Some(v) if v > 0 => validate::bounded_amount(field, v),
        _ => Err(ApiError::invalid(
            field,
            "Enter the amount in rupees with at most two decimals, e.g. 1500.50.",
        )),
    }
}

/// One FEE due an enrolment's plan keys: the date that keys its id, when it
/// falls due, its amount less the concession in force (with GST when fees
/// are quoted without it; 0 when the concession covers it), its words.
struct PlannedDue {
    key: NaiveDate,
    due_on: NaiveDate,
    amount: i64,
    description: String,
}

/// Every FEE due the batch's plan keys for enrolment `e`, from its start.
fn planned_dues(conn: &Connection, e: &EnrolmentRow, batch: &BatchRow) -> Result<Vec<PlannedDue>> {
    let branch = Some(e.branch_id);
    let rate = settings::effective_int(conn, keys::GST_RATE_BP, branch)?;
    let inclusive = settings::effective_flag(conn, keys::FEES_INCLUDE_TAX, branch)?;
    let (percent, fixed) = concession(e);
    let taxed = |fee: i64| if inclusive { fee } else { dues::with_tax(fee, rate) };
    let course = crate::academics::courses::by_id(conn, batch.course_id)?.map(|c| c.name).unwrap_or_default();
    let plan = batch.instalments();
    Ok(if plan.is_empty() {
        let every = match batch.fee_frequency {
            FeeFrequency::OneTime => dues::Every::Once,
            FeeFrequency::Quarterly => dues::Every::Months(3),
            // A batch's plan is never stored as INSTALMENTS (it is ONE_TIME
            // with its instalments), so that reads as monthly, as before.
            FeeFrequency::Monthly | FeeFrequency::Instalments => dues::Every::Months(1),
        };
        let amount = taxed(dues::after_concession(batch.fee_minor, percent, fixed));
        dues::schedule(every, e.start_date, batch.end_date, &course)
            .into_iter()
            .map(|(on, description)| PlannedDue { key: on, due_on: on, amount, description })
            .collect()
    } else {
        let n = plan.len();
        let charged = dues::instalment_dues(&plan, e.start_date, percent, fixed);
        plan.iter()
            .enumerate()
            .map(|(k, p)| {
                let (due_on, amount) = charged
                    .iter()
                    .find(|c| c.0 == p.due_on)
                    .map(|c| (c.1, taxed(c.2)))
                    .unwrap_or((p.due_on.max(e.start_date), 0));
                PlannedDue {
                    key: p.due_on,
                    due_on,
                    amount,
                    description: format!("{course} fee, instalment {} of {n}", k + 1),
                }
            })
            .collect()
    })
}

/// An enrolment's concession as the plan functions take it: (percent in
/// basis points, fixed amount).
pub(crate) fn concession(e: &EnrolmentRow) -> (Option<i64>, Option<i64>) {
    match e.discount_kind {
        DiscountKind::Percent => (Some(e.discount_value), None),
        DiscountKind::Fixed => (None, Some(e.discount_value)),
        DiscountKind::None => (None, None),
    }
}

/// Makes an enrolment's FEE dues follow its status and its plan less the
/// concession in force. Ids are derived, so a second desk's enrolment adds
/// nothing. A due any receipt put money on is never touched.
///
/// - ACTIVE: every due the plan charges exists at its amount — written if
///   missing, an unpaid one brought back (if cancelled) and re-priced.
/// - ON_HOLD: the unpaid live dues are re-priced; nothing is added or
///   brought back.
/// - both: an unpaid live due the plan keys but no longer charges (the
///   concession covers it) is cancelled.
/// - DROPPED, COMPLETED: the unpaid dues after that day are cancelled.
///
/// Dues the plan does not key (those of an earlier period before the
/// enrolment started again) and late fees (`LATE_FEE`, their own ids) are
/// left as they are.
pub(crate) fn write_enrolment_dues(w: &mut Write<'_>, e: &EnrolmentRow, batch: &BatchRow) -> Result<()> {
    let now = w.now();
    let existing: Vec<DueRow> =
        store::dues_of_enrolment(w.tx(), e.id)?.into_iter().filter(|d| d.kind == DueKind::Fee).collect();
    let paid = store::allocated_dues_of_enrolment(w.tx(), e.id)?;
    let cancel = |d: &DueRow| DueRow { cancelled_at: Some(now), updated_at: now, ..d.clone() };
    let restore = match e.status {
        EnrolmentStatus::Active => true,
        EnrolmentStatus::OnHold => false,
        EnrolmentStatus::Dropped | EnrolmentStatus::Completed => {
            let after = e.status_since.date_naive();
            for d in existing.iter().filter(|d| d.cancelled_at.is_none() && d.due_on > after) {
                if !paid.contains(&d.id) {
                    w.update(d, &cancel(d))?;
                }
            }
            return Ok(());
        }
    };
    for p in planned_dues(w.tx(), e, batch)? {
        let id = dues::due_id(e.id, p.key);
        let Some(d) = existing.iter().find(|d| d.id == id) else {
            if restore && p.amount > 0 {
                w.insert(&DueRow {
                    id,
                    branch_id: e.branch_id,
                    student_id: e.student_id,
                    enrolment_id: Some(e.id),
                    kind: DueKind::Fee,
                    description: p.description,
                    due_on: p.due_on,
                    amount_minor: p.amount,
                    cancelled_at: None,
                    created_at: now,
                    updated_at: now,
                })?;
            }
            continue;
        };
        if paid.contains(&d.id) {
            continue;
        }
        let live = d.cancelled_at.is_none();
        if p.amount == 0 {
            if live {
                w.update(d, &cancel(d))?;
            }
        } else if live || restore {
            let new = DueRow { amount_minor: p.amount, cancelled_at: None, updated_at: now, ..d.clone() };
            if new.amount_minor != d.amount_minor || new.cancelled_at != d.cancelled_at {
                w.update(d, &new)?;
            }
        }
    }
    Ok(())
}

fn due_view(d: &DueRow, paid: i64) -> Due {
    Due {
        id: d.id,
        enrolment_id: d.enrolment_id,
        description: d.description.clone(),
        due_on: d.due_on.to_string(),
        amount_minor: d.amount_minor,
        paid_minor: paid,
        cancelled: d.cancelled_at.is_some(),
    }
}

fn user_name(conn: &Connection, id: Option<UserId>) -> Result<String> {
    Ok(match id {
        Some(u) => crate::users::store::by_id(conn, u)?.map(|u| u.full_name).unwrap_or_default(),
        None => String::new(),
    })
}

pub(crate) fn receipt_view(conn: &Connection, r: &ReceiptRow) -> Result<Receipt> {
    let money = store::receipt_money(conn, r)?;
    let settled = settle::settle(&money);
    let mut allocations = Vec::new();
    for (due, amount) in &money.allocations {
        let description = store::due_by_id(conn, *due)?.map(|d| d.description).unwrap_or_default();
        allocations.push(Allocation { due_id: *due, description, amount_minor: *amount });
    }
    let mut reversals = Vec::new();
    for v in store::reversals_of(conn, r.id)? {
        reversals.push(Reversal {
            kind: v.kind,
            amount_minor: v.amount_minor,
            reason: v.reason.clone(),
            by: user_name(conn, v.reversed_by)?,
            at: v.reversed_at.to_rfc3339(),
        });
    }
    Ok(Receipt {
        id: r.id,
        branch_id: r.branch_id,
        student_id: r.student_id,
        student_name: student_by_id(conn, r.student_id)?.map(|s| s.full_name).unwrap_or_default(),
        number: r.number.clone(),
        amount_minor: r.amount_minor,
        tax_minor: r.tax_minor,
        tax_rate_bp: r.tax_rate_bp,
        method: r.method,
        reference: r.reference.clone(),
        cheque_date: r.cheque_date.map(|d| d.to_string()),
        collected_by: user_name(conn, r.collected_by)?,
        collected_at: r.collected_at.to_rfc3339(),
        allocations,
        advance_minor: (r.amount_minor - money.allocations.iter().map(|(_, a)| a).sum::<i64>()).max(0),
        reversals,
        net_minor: settled.net,
    })
}

/// A student's dues, receipts, pending amount, advance and next due.
pub(crate) fn account(conn: &Connection, student: StudentId, today: NaiveDate) -> Result<StudentAccount> {
    let dues = store::dues_of_student(conn, student)?;
    let receipts = store::receipts_of_student(conn, student)?;
    let mut money = Vec::new();
    for r in &receipts {
        money.push(store::receipt_money(conn, r)?);
    }
    let live: Vec<(DueId, i64)> =
        dues.iter().filter(|d| d.cancelled_at.is_none()).map(|d| (d.id, d.amount_minor)).collect();
    let (paid, advance) = settle::account(&live, &money);
    let views: Vec<Due> = dues.iter().map(|d| due_view(d, paid.get(&d.id).copied().unwrap_or(0))).collect();
    let pending = views.iter().filter(|d| !d.cancelled).map(|d| d.amount_minor - d.paid_minor).sum();
    let next_due = views
        .iter()
        .filter(|d| !d.cancelled && d.paid_minor < d.amount_minor)
        .find(|d| d.due_on >= today.to_string())
        .or_else(|| views.iter().find(|d| !d.cancelled && d.paid_minor < d.amount_minor))
        .cloned();
    Ok(StudentAccount {
        student_id: student,
        receipts: receipts.iter().map(|r| receipt_view(conn, r)).collect::<Result<_>>()?,
        dues: views,
        pending_minor: pending,
        advance_minor: advance,
        next_due,
    })
}

/// Where a payment goes: the clerk's split, or the oldest open dues first.
fn allocate(
    account: &StudentAccount,
    amount: i64,
    chosen: Option<&[(DueId, i64)]>,
) -> Result<Vec<(DueId, i64)>, ApiError> {
    let mut open: BTreeMap<DueId, (i64, &Due)> = account
        .dues
        .iter()
        .filter(|d| !d.cancelled && d.paid_minor < d.amount_minor)
        .map(|d| (d.id, (d.amount_minor - d.paid_minor, d)))
        .collect();
    let Some(chosen) = chosen else {
        let mut left = amount;
        let mut out = Vec::new();
        for d in account.dues.iter().filter(|d| open.contains_key(&d.id)) {
            let take = left.min(open[&d.id].0);
            if take > 0 {
                out.push((d.id, take));
                left -= take;
            }
        }
        return Ok(out);
    };

    let mut total = 0;
    for (i, (due, part)) in chosen.iter().enumerate() {
        let field = format!("allocations[{i}]");
        let Some((left, d)) = open.get_mut(due) else {
            return Err(ApiError::invalid(&field, "That due is paid, cancelled or not this student's."));
        };
        if *part <= 0 || *part > *left {
            return Err(ApiError::invalid(
                &field,
                format!("Put between 0.01 and {} on {}.", amount::format(*left), d.description),
            ));
        }
        // A due named twice has what the first part left.
        *left -= part;
        total += part;
    }
    if total > amount {
        return Err(ApiError::invalid("allocations", "The split adds up to more than the amount paid."));
    }
    Ok(chosen.to_vec())
}

/// A payment checked field by field, ready to write.
pub(crate) struct Payment {
    pub amount: i64,
    pub method: PaymentMethod,
    pub reference: String,
    pub cheque_date: Option<NaiveDate>,
    pub allocations: Option<Vec<(DueId, i64)>>,
    pub confirm_advance: bool,
    /// When it was collected (now, or the day of an opening balance).
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Writes a receipt and its allocations for `student` in the write's
/// transaction: the dues as they stand in it, the next number of this
/// desk's series for the financial year of `at`, GST inside the amount.
pub(crate) fn write_payment(
    w: &mut Write<'_>,
    student: &StudentRow,
    p: &Payment,
    desk_no: u32,
) -> Result<ReceiptRow> {
    let day = crate::clock::local_date(p.at);
    let now = w.now();
    let conn: &Connection = w.tx();
    let acct = account(conn, student.id, day)?;
    let parts = allocate(&acct, p.amount, p.allocations.as_deref())?;
    let allocated: i64 = parts.iter().map(|(_, a)| a).sum();
    if p.amount > allocated && !p.confirm_advance {
        return Err(ApiError::invalid(
            "confirm_advance",
            format!(
                "{} is more than the {} due; confirm to keep {} as an advance.",
                amount::format(p.amount),
                amount::format(allocated),
                amount::format(p.amount - allocated)
            ),
        )
        .into());
    }
    let branch = student.branch_id;
    let rate = settings::effective_int(conn, keys::GST_RATE_BP, Some(branch))?;
    let start_month = settings::effective_int(conn, keys::YEAR_START_MONTH, None)? as u32;
    let fy = numbers::fiscal_year(day, start_month);
    let serial = store::last_serial(conn, desk_no, &fy)? + 1;
    let code = crate::org::store::branch_by_id(conn, student.branch_id)?.map(|b| b.code).unwrap_or_default();
    let row = ReceiptRow {
        id: ReceiptId(Uuid::now_v7()),
        branch_id: branch,
        student_id: student.id,
        number: numbers::receipt_number(&code, desk_no, &fy, serial),
        desk_no,
        fiscal_year: fy,
        serial,
        amount_minor: p.amount,
        tax_minor: dues::tax_within(p.amount, rate),
        tax_rate_bp: rate as u32,
        method: p.method,
        reference: p.reference.clone(),
        cheque_date: p.cheque_date,
        collected_by: w.author(),
        collected_at: p.at,
        created_at: now,
        updated_at: now,
    };
    w.insert(&row)?;
    for (due, part) in parts {
        w.insert(&AllocationRow {
            id: Uuid::now_v7(),
            branch_id: branch,
            receipt_id: row.id,
            due_id: due,
            amount_minor: part,
            created_at: now,
            updated_at: now,
        })?;
    }
    Ok(row)
}

impl Desk {
    pub fn get_student_account(&self, actor: &Actor, input: GetStudentAccount) -> Result<StudentAccount> {
        let s = self.student_for(actor, "student_id", input.student_id, Permission::ViewPayment)?;
        account(&self.db().conn, s.id, self.today())
    }

    pub fn collect_payment(&self, actor: &Actor, input: CollectPayment) -> Result<Receipt> {
        let student = self.student_for(actor, "student_id", input.student_id, Permission::CollectPayment)?;
        if student.archived_at.is_some() {
            return Err(ApiError::invalid(
                "student_id",
                "This student is archived; restore them to take a payment.",
            )
            .into());
        }
        let amount = amount_field("amount", &input.amount)?;
        let reference = validate::optional("reference", &input.reference, REFERENCE_MAX)?;
        let cheque_date = if input.method == PaymentMethod::Cheque {
            if reference.is_empty() {
                return Err(ApiError::invalid("reference", "Enter the cheque number.").into());
            }
            if input.cheque_date.trim().is_empty() {
                return Err(ApiError::invalid("cheque_date", "Enter the date on the cheque.").into());
            }
            Some(crate::validate::parse_date("cheque_date", &input.cheque_date)?)
        } else {
            None
        };
        let payment = Payment {
            amount,
            method: input.method,
            reference,
            cheque_date,
            allocations: input.allocations.clone(),
            confirm_advance: input.confirm_advance,
            at: self.clock().now(),
        };
        let desk_no = self.desk_no()?;
        let receipt = self.write(Some(actor.user_id), |w| write_payment(w, &student, &payment, desk_no))?;
        receipt_view(&self.db().conn, &receipt)
    }

    pub fn apply_late_fees(&self, actor: &Actor, input: ApplyLateFees) -> Result<u32> {
        actor.require(Permission::CollectPayment, Some(input.branch_id))?;
        let branch = Some(input.branch_id);
        let (fee, grace) = {
            let conn = &self.db().conn;
            (
                settings::effective_int(conn, keys::LATE_FEE, branch)?,
                settings::effective_int(conn, keys::LATE_FEE_AFTER_DAYS, branch)?,
            )
        };
        if fee == 0 {
            return Err(ApiError::invalid(
                "branch_id",
                "This branch charges no late fee; set one under Settings (fees.late_fee_minor) first.",
            )
            .into());
        }
        let today = self.today();
        let cutoff = today - Duration::days(grace);
        let overdue =
            self.list_dues(actor, ListDues { branch_id: input.branch_id, window: DueWindow::Overdue })?;
        let now = self.clock().now();
        self.write(Some(actor.user_id), |w| {
            let mut added = 0;
            for line in overdue.iter().filter(|l| l.due.due_on < cutoff.to_string()) {
                let Some(due) = store::due_by_id(w.tx(), line.due.id)? else { continue };
                let id = dues::late_fee_id(due.id);
                if due.kind == DueKind::LateFee || store::due_by_id(w.tx(), id)?.is_some() {
                    continue;
                }
                w.insert(&DueRow {
                    id,
                    branch_id: due.branch_id,
                    student_id: due.student_id,
                    enrolment_id: due.enrolment_id,
                    kind: DueKind::LateFee,
                    description: format!("Late fee: {}", due.description),
                    due_on: today,
                    amount_minor: fee,
                    cancelled_at: None,
                    created_at: now,
                    updated_at: now,
                })?;
                added += 1;
            }
            Ok(added)
        })
    }

    pub fn reverse_receipt(&self, actor: &Actor, input: ReverseReceipt) -> Result<Receipt> {
        actor.require_somewhere(Permission::VoidPayment)?;
        let reason = validate::required("reason", "reason", &input.reason, REASON_MAX)?;
        let receipt = store::receipt_by_id(&self.db().conn, input.receipt_id)?
            .ok_or_else(|| ApiError::not_found("receipt").on("receipt_id"))?;
        actor.require(Permission::VoidPayment, Some(receipt.branch_id))?;
        if input.kind == ReversalKind::Bounce && receipt.method != PaymentMethod::Cheque {
            return Err(
                ApiError::invalid("kind", "Only a cheque can bounce; void the receipt instead.").into()
            );
        }
        let refund = match input.kind {
            ReversalKind::Refund => Some(amount_field("amount", &input.amount)?),
            _ => None,
        };
        let now = self.clock().now();
        self.write(Some(actor.user_id), |w| {
            let money = store::receipt_money(w.tx(), &receipt)?;
            let net = settle::settle(&money).net;
            if money.reversed_whole {
                return Err(ApiError::conflict(format!("Receipt {} is already reversed.", receipt.number))
                    .on("receipt_id")
                    .into());
            }
            let (id, amount) = match refund {
                Some(r) if r > net => {
                    return Err(ApiError::invalid(
                        "amount",
                        format!("At most {} is left on this receipt to refund.", amount::format(net)),
                    )
                    .into())
                }
                Some(r) => (Uuid::now_v7(), r),
                None => (store::whole_reversal_id(receipt.id), net.max(1)),
            };
            w.insert(&ReversalRow {
                id,
                branch_id: receipt.branch_id,
                receipt_id: receipt.id,
                kind: input.kind,
                amount_minor: amount,
                reason: reason.clone(),
                reversed_by: Some(actor.user_id),
                reversed_at: now,
                created_at: now,
                updated_at: now,
            })
        })?;
        receipt_view(&self.db().conn, &receipt)
    }

    /// The receipt laid out for printing, and the name its PDF is saved under.
    pub(crate) fn receipt_printable(&self, actor: &Actor, id: ReceiptId) -> Result<(Printable, String)> {
        actor.require_somewhere(Permission::ViewPayment)?;
        let db = self.db();
        let r = store::receipt_by_id(&db.conn, id)?
            .ok_or_else(|| ApiError::not_found("receipt").on("receipt_id"))?;
        actor.require(Permission::ViewPayment, Some(r.branch_id))?;
        let doc = documents::receipt(&db.conn, &r, self.today())?;
        Ok((doc, format!("receipt-{}.pdf", r.number.replace('/', "-"))))
    }

    pub fn save_receipt_pdf(&self, actor: &Actor, input: SaveReceiptPdf) -> Result<String> {
        let (doc, name) = self.receipt_printable(actor, input.receipt_id)?;
        self.save_pdf(&name, &doc)
    }

    /// A receipt, slip or invoice laid out for the print dialog.
    pub fn get_printable(&self, actor: &Actor, input: GetPrintable) -> Result<Printable> {
        let (doc, _) = match input.kind {
            PrintKind::Receipt => self.receipt_printable(actor, ReceiptId(input.id))?,
            PrintKind::SalarySlip => self.slip_printable(actor, SalaryLineId(input.id))?,
            PrintKind::Invoice => self.invoice_printable(actor, InvoiceId(input.id))?,
        };
        Ok(doc)
    }

    pub fn list_dues(&self, actor: &Actor, input: ListDues) -> Result<Vec<DueLine>> {
        actor.require(Permission::ViewPayment, Some(input.branch_id))?;
        let today = self.today();
        let (from, to) = match input.window {
            DueWindow::Today => (today, today),
            DueWindow::Overdue => (NaiveDate::MIN, today - Duration::days(1)),
            DueWindow::Upcoming => (today + Duration::days(1), today + Duration::days(30)),
        };
        let db = self.db();
        Ok(unpaid_dues(&db.conn, input.branch_id, from, to)?
            .into_iter()
            .map(|((d, name, code, phone), paid)| DueLine {
                student_id: d.student_id,
                student_name: name,
                student_code: code,
                guardian_phone: phone,
                due: due_view(&d, paid),
            })
            .collect())
    }
}

/// The dues of `branch` falling due from `from` to `to` (both included)
/// that are not paid in full, each with what is paid of it.
pub(crate) fn unpaid_dues(
    conn: &rusqlite::Connection,
    branch: BranchId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(store::DueListRow, i64)>> {
    let rows = store::branch_dues_between(conn, branch, from, to)?;
    let money = store::branch_receipt_money(conn, branch, from, to)?;
    let dues: Vec<(DueId, i64)> = rows.iter().map(|(d, ..)| (d.id, d.amount_minor)).collect();
    let (paid, _) = settle::account(&dues, &money);
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let p = paid.get(&row.0.id).copied().unwrap_or(0);
            (p < row.0.amount_minor).then_some((row, p))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::amount_field;

    #[test]
    fn amounts_must_be_positive_with_two_decimals_at_most() {
        assert_eq!(amount_field("amount", "1,500.50").unwrap(), 150_050);
        for bad in ["0", "", "-5", "12.345", "ten"] {
            assert_eq!(amount_field("amount", bad).unwrap_err().field.as_deref(), Some("amount"), "{bad}");
        }
    }
}
