//! A student's enrolments and a batch's roster, as the api shows them
//! (with names, the concession and the status log). Changing an
//! enrolment is the `enrolments` service's.

use super::store::{self, EnrolmentRow};
use crate::timetable::store::batch_by_id;
use crate::{academics, Actor, Desk, Result};
use branchdesk_api::commands::students::*;
use branchdesk_api::ids::StudentId;
use branchdesk_api::{ApiError, Permission};
use rusqlite::Connection;

pub(crate) fn view(conn: &Connection, e: &EnrolmentRow) -> Result<Enrolment> {
    let student = store::student_by_id(conn, e.student_id)?;
    let batch = batch_by_id(conn, e.batch_id)?;
    let course = academics::courses::by_id(conn, e.course_id)?;
    let mut log = Vec::new();
    for l in store::enrolment_log(conn, e.id)? {
        log.push(EnrolmentLogEntry {
            from_status: l.from_status,
            to_status: l.to_status,
            reason: l.reason,
            changed_by: match l.changed_by {
                Some(u) => crate::users::store::by_id(conn, u)?.map(|u| u.full_name),
                None => None,
            },
            changed_at: l.changed_at.to_rfc3339(),
        });
    }
    Ok(Enrolment {
        id: e.id,
        branch_id: e.branch_id,
        student_id: e.student_id,
        student_code: student.as_ref().map(|s| s.code.clone()).unwrap_or_default(),
        student_name: student.map(|s| s.full_name).unwrap_or_default(),
        batch_id: e.batch_id,
        batch_name: batch.map(|b| b.name).unwrap_or_default(),
        course_id: e.course_id,
        course_name: course.map(|c| c.name).unwrap_or_default(),
        start_date: e.start_date.to_string(),
        discount_kind: e.discount_kind,
        discount_value: e.discount_value,
        discount_reason: e.discount_reason.clone(),
        discount_category: e.discount_category,
        status: e.status,
        status_since: e.status_since.to_rfc3339(),
        certificate_no: e.certificate_no.clone(),
        log,
    })
}

pub(crate) fn of_student(conn: &Connection, student: StudentId) -> Result<Vec<Enrolment>> {
    store::enrolments_of_student(conn, student)?.iter().map(|e| view(conn, e)).collect()
}

impl Desk {
    pub fn list_roster(&self, actor: &Actor, input: ListRoster) -> Result<Vec<Enrolment>> {
        actor.require_somewhere(Permission::ViewBatch)?;
        let db = self.db();
        let batch = batch_by_id(&db.conn, input.batch_id)?
            .ok_or_else(|| ApiError::not_found("batch").on("batch_id"))?;
        actor.require(Permission::ViewBatch, Some(batch.branch_id))?;
        let mut list: Vec<Enrolment> = store::enrolments_of_batch(&db.conn, batch.id)?
            .iter()
            .map(|e| view(&db.conn, e))
            .collect::<Result<_>>()?;
        list.sort_by(|a, b| {
            (!a.status.holds_seat(), &a.student_name).cmp(&(!b.status.holds_seat(), &b.student_name))
        });
        Ok(list)
    }
}
