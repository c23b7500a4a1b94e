//! Enrolling a student in a batch and changing an enrolment (status,
//! concession), with the status log (who, when, why). Every change re-prices
//! the student's dues in the same write, so this service sits above both
//! students and money; the enrolment views are `students::roster`.

use crate::students::roster::view;
use crate::students::store::{self, EnrolmentLogRow, EnrolmentRow, StudentRow};
use crate::timetable::store::{batch_by_id, BatchRow};
use crate::validate::parse_date;
use crate::write::Write;
use crate::{academics, validate, Actor, Desk, Result};
use branchdesk_api::commands::academics::FULL_WEIGHTAGE_BP;
use branchdesk_api::commands::students::*;
use branchdesk_api::{ApiError, Permission};
use chrono::NaiveDate;
use rusqlite::Connection;
use uuid::Uuid;

/// A seat is free in `batch`; else a conflict naming `field`.
fn check_seat(conn: &Connection, batch: &BatchRow, field: &str) -> Result<()> {
    let taken = crate::timetable::store::seats_taken(conn, batch.id)?;
    if taken >= batch.capacity {
        return Err(ApiError::conflict(format!(
            "{} is full ({taken} of {} seats).",
            batch.name, batch.capacity
        ))
        .on(field)
        .into());
    }
    Ok(())
}

/// An enrolment request, checked against the student, the batch and its seats.
pub(crate) struct EnrolPlan {
    pub row: EnrolmentRow,
    /// The enrolment being brought back (dropped or completed before).
    pub old: Option<EnrolmentRow>,
}

pub(crate) struct Discount {
    pub kind: DiscountKind,
    pub value: i64,
    pub reason: String,
    pub category: ConcessionCategory,
}

pub(crate) fn check_discount(
    kind: DiscountKind,
    value: i64,
    reason: &str,
    category: ConcessionCategory,
    batch: &BatchRow,
) -> Result<Discount, ApiError> {
    let reason = validate::optional("discount_reason", reason, 200)?;
    match kind {
        DiscountKind::None => {
            return Ok(Discount { kind, value: 0, reason: String::new(), category: ConcessionCategory::None })
        }
        DiscountKind::Percent if !(1..=i64::from(FULL_WEIGHTAGE_BP)).contains(&value) => {
            return Err(ApiError::invalid("discount_value", "Enter a discount from 0.01 % to 100 %."));
        }
        DiscountKind::Fixed if value <= 0 || value > batch.fee_minor => {
            return Err(ApiError::invalid(
                "discount_value",
                "A fixed discount is more than zero and at most the batch fee.",
            ));
        }
        _ => {}
    }
    if category == ConcessionCategory::None {
        return Err(ApiError::invalid(
            "discount_category",
            "Choose the kind of concession (sibling, staff child, scholarship…); fee reports group by it.",
        ));
    }
    if reason.is_empty() {
        return Err(ApiError::invalid("discount_reason", "Say why; fee reports show it."));
    }
    Ok(Discount { kind, value, reason, category })
}

pub(crate) fn plan_enrolment(
    conn: &Connection,
    student: &StudentRow,
    batch: &BatchRow,
    start_date: NaiveDate,
    discount: Discount,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<EnrolPlan> {
    if student.archived_at.is_some() {
        return Err(ApiError::invalid("student_id", "This student is archived; restore them first.").into());
    }
    if batch.branch_id != student.branch_id {
        return Err(ApiError::invalid("batch_id", "Choose a batch of the student's branch.").into());
    }
    if !batch.active {
        return Err(ApiError::invalid("batch_id", "That batch is archived.").into());
    }
    if start_date > batch.end_date {
        return Err(ApiError::invalid(
            "start_date",
            format!("{} ends on {}.", batch.name, branchdesk_api::dates::show(batch.end_date)),
        )
        .into());
    }
    let id = store::enrolment_id(student.id, batch.id);
    let old = store::enrolment_by_id(conn, id)?;
    if let Some(o) = &old {
        if o.status.holds_seat() {
            return Err(ApiError::duplicate(
                "batch_id",
                format!("{} is already enrolled in {}.", student.full_name, batch.name),
            )
            .into());
        }
    }
    check_seat(conn, batch, "batch_id")?;
    let row = EnrolmentRow {
        id,
        branch_id: batch.branch_id,
        student_id: student.id,
        batch_id: batch.id,
        course_id: batch.course_id,
        start_date,
        discount_kind: discount.kind,
        discount_value: discount.value,
        discount_reason: discount.reason,
        discount_category: discount.category,
        status: EnrolmentStatus::Active,
        status_since: now,
        certificate_no: None,
        created_at: old.as_ref().map(|o| o.created_at).unwrap_or(now),
        updated_at: now,
    };
    Ok(EnrolPlan { row, old })
}

pub(crate) fn write_enrolment(w: &mut Write<'_>, plan: &EnrolPlan, reason: &str) -> Result<()> {
    w.upsert(plan.old.as_ref(), &plan.row)?;
    log(w, &plan.row, plan.old.as_ref().map(|e| e.status), reason)?;
    fees(w, &plan.row)
}

/// The enrolment's dues follow its status (money/mod.rs).
fn fees(w: &mut Write<'_>, e: &EnrolmentRow) -> Result<()> {
    let batch = batch_by_id(w.tx(), e.batch_id)?.ok_or_else(|| ApiError::not_found("batch"))?;
    crate::money::write_enrolment_dues(w, e, &batch)
}

fn log(w: &mut Write<'_>, e: &EnrolmentRow, from: Option<EnrolmentStatus>, reason: &str) -> Result<()> {
    w.insert(&EnrolmentLogRow {
        id: Uuid::now_v7(),
        branch_id: e.branch_id,
        enrolment_id: e.id,
        from_status: from,
        to_status: e.status,
        reason: reason.to_owned(),
        changed_by: w.author(),
        changed_at: w.now(),
    })
}

/// A concession as the enrolment log reads it: "Sibling 10 % (sister in
/// XI-A)", "Scholarship 1,500.00 off (topper)" or "none".
fn describe_concession(e: &EnrolmentRow) -> String {
    let category = e.discount_category.label();
    let amount = match e.discount_kind {
        DiscountKind::None => return "none".into(),
        DiscountKind::Percent => {
            let p = branchdesk_api::amount::format(e.discount_value);
            format!("{} %", p.trim_end_matches('0').trim_end_matches('.'))
        }
        DiscountKind::Fixed => format!("{} off", branchdesk_api::amount::format(e.discount_value)),
    };
    if e.discount_reason.is_empty() {
        format!("{category} {amount}")
    } else {
        format!("{category} {amount} ({})", e.discount_reason)
    }
}

impl Desk {
    pub fn enrol(&self, actor: &Actor, input: Enrol) -> Result<Enrolment> {
        actor.require_somewhere(Permission::ManageEnrolment)?;
        let now = self.clock().now();
        let plan = {
            let db = self.db();
            let student = store::student_by_id(&db.conn, input.student_id)?
                .ok_or_else(|| ApiError::invalid("student_id", "Choose a student from the list."))?;
            actor.require(Permission::ManageEnrolment, Some(student.branch_id))?;
            let batch = batch_by_id(&db.conn, input.batch_id)?
                .ok_or_else(|| ApiError::invalid("batch_id", "Choose a batch from the list."))?;
            let start = if input.start_date.trim().is_empty() {
                self.today()
            } else {
                parse_date("start_date", &input.start_date)?
            };
            let discount = check_discount(
                input.discount_kind,
                input.discount_value,
                &input.discount_reason,
                input.discount_category,
                &batch,
            )?;
            plan_enrolment(&db.conn, &student, &batch, start, discount, now)?
        };
        self.write(Some(actor.user_id), |w| write_enrolment(w, &plan, "Enrolled"))?;
        view(&self.db().conn, &plan.row)
    }

    pub fn set_enrolment_status(&self, actor: &Actor, input: SetEnrolmentStatus) -> Result<Enrolment> {
        actor.require_somewhere(Permission::ManageEnrolment)?;
        let reason = validate::optional("reason", &input.reason, 300)?;
        let db = self.db();
        let old = store::enrolment_by_id(&db.conn, input.id)?
            .ok_or_else(|| ApiError::not_found("enrolment").on("id"))?;
        actor.require(Permission::ManageEnrolment, Some(old.branch_id))?;
        let from = old.status;
        if from == input.status {
            return Err(ApiError::invalid(
                "status",
                format!("The enrolment is already {}.", from.label().to_lowercase()),
            )
            .into());
        }
        if matches!(input.status, EnrolmentStatus::Dropped | EnrolmentStatus::OnHold) && reason.is_empty() {
            return Err(ApiError::invalid("reason", "Say why; the student's history shows it.").into());
        }
        if input.status.holds_seat() && !from.holds_seat() {
            let student = store::student_by_id(&db.conn, old.student_id)?;
            if student.is_some_and(|s| s.branch_id != old.branch_id) {
                return Err(ApiError::invalid(
                    "status",
                    "The student has moved to another branch; enrol them in a batch there.",
                )
                .into());
            }
            let batch = batch_by_id(&db.conn, old.batch_id)?.ok_or_else(|| ApiError::not_found("batch"))?;
            check_seat(&db.conn, &batch, "status")?;
        }
        let certificate_no = match (input.status, &old.certificate_no) {
            (EnrolmentStatus::Completed, None) => {
                let student =
                    store::student_by_id(&db.conn, old.student_id)?.map(|s| s.code).unwrap_or_default();
                let course =
                    academics::courses::by_id(&db.conn, old.course_id)?.map(|c| c.code).unwrap_or_default();
                Some(format!("{student}/{course}"))
            }
            (_, existing) => existing.clone(),
        };
        drop(db);
        let now = self.clock().now();
        let new = EnrolmentRow {
            status: input.status,
            status_since: now,
            certificate_no,
            updated_at: now,
            ..old.clone()
        };
        self.write(Some(actor.user_id), |w| {
            w.update(&old, &new)?;
            log(w, &new, Some(from), &reason)?;
            fees(w, &new)
        })?;
        view(&self.db().conn, &new)
    }

    /// Changes the concession of an active or held enrolment in one
    /// transaction: the enrolment, a log entry (its status stays; the log
    /// says what the concession was and is) and its unpaid dues re-priced.
    /// It changes what is charged, so it needs `void:payment` in the
    /// enrolment's branch besides `manage:enrolment`.
    pub fn set_enrolment_concession(
        &self,
        actor: &Actor,
        input: SetEnrolmentConcession,
    ) -> Result<Enrolment> {
        actor.require_somewhere(Permission::ManageEnrolment)?;
        let (old, new, reason) = {
            let db = self.db();
            let old = store::enrolment_by_id(&db.conn, input.id)?
                .ok_or_else(|| ApiError::not_found("enrolment").on("id"))?;
            let branch = Some(old.branch_id);
            actor.require(Permission::ManageEnrolment, branch)?;
            if !actor.can(Permission::VoidPayment, branch) {
                return Err(ApiError::denied(format!(
                    "Changing a concession changes what is charged, so it needs \"{}\" ({}) in this branch as well as \"{}\". Ask a manager.",
                    Permission::VoidPayment.as_str(),
                    Permission::VoidPayment.label().to_lowercase(),
                    Permission::ManageEnrolment.as_str(),
                ))
                .into());
            }
            let status = old.status;
            if !status.holds_seat() {
                return Err(ApiError::conflict(format!(
                    "This enrolment is {}; mark it active again before changing its concession.",
                    status.label().to_lowercase()
                ))
                .on("id")
                .into());
            }
            let batch = batch_by_id(&db.conn, old.batch_id)?.ok_or_else(|| ApiError::not_found("batch"))?;
            let d = check_discount(
                input.discount_kind,
                input.discount_value,
                &input.discount_reason,
                input.discount_category,
                &batch,
            )?;
            if (d.kind, d.value, d.reason.as_str(), d.category)
                == (
                    old.discount_kind,
                    old.discount_value,
                    old.discount_reason.as_str(),
                    old.discount_category,
                )
            {
                return Err(ApiError::invalid(
                    "discount_kind",
                    "That is the concession in force already; change its kind, value, category or reason.",
                )
                .into());
            }
            let now = self.clock().now();
            let new = EnrolmentRow {
                discount_kind: d.kind,
                discount_value: d.value,
                discount_reason: d.reason,
                discount_category: d.category,
                updated_at: now,
                ..old.clone()
            };
            let reason =
                format!("Concession changed: {} → {}", describe_concession(&old), describe_concession(&new));
            (old, new, reason)
        };
        self.write(Some(actor.user_id), |w| {
            w.update(&old, &new)?;
            log(w, &new, Some(old.status), &reason)?;
            fees(w, &new)
        })?;
        view(&self.db().conn, &new)
    }
}
