//! Transferring a student to another branch, with their history. Above
//! students, enrolments, attendance and money, whose rows it carries.
//!
//! One write on the sending desk: open enrolments here are closed (DROPPED,
//! "Transferred to …"), the student row and the guardians only they use
//! move to the new branch, a guardian a sibling here still shares is copied,
//! and a `student_transfers` row keeps the student's record at this branch
//! (enrolments with logs, attendance, progress, and earlier branches). Every
//! change is published from the sending branch; the server carries the rows
//! that moved into the new branch's scope (sync-design.md), so a desk that
//! follows only the new branch receives the student and their history, and
//! the old branch keeps what happened there, read-only.

use crate::enrolments;
use crate::students::store::{self, EnrolmentRow, GuardianRow, LinkRow, StudentRow};
use crate::students::transfer::{earlier_branches, TransferRow, REASON_MAX};
use crate::write::Scope;
use crate::{org, validate, Actor, Desk, Result};
use branchdesk_api::commands::students::*;
use branchdesk_api::ids::GuardianId;
use branchdesk_api::{ApiError, Permission};
use rusqlite::Connection;
use uuid::Uuid;

fn check_reason(reason: &str) -> Result<String, ApiError> {
    validate::required("reason", "reason for the transfer", reason, REASON_MAX)
}

impl Desk {
    pub fn transfer_student(&self, actor: &Actor, input: TransferStudent) -> Result<StudentDetail> {
        // The sending branch's enrolment manager, or a role over both, may move them.
        let student = self.student_for(actor, "student_id", input.student_id, Permission::ManageEnrolment)?;
        let reason = check_reason(&input.reason)?;
        if student.archived_at.is_some() {
            return Err(
                ApiError::invalid("student_id", "This student is archived; restore them first.").into()
            );
        }
        let to = input.to_branch_id;
        if to == student.branch_id {
            return Err(ApiError::invalid("to_branch_id", "The student is already in this branch.").into());
        }
        let target = org::store::branch_by_id(&self.db().conn, to)?
            .filter(|b| b.active)
            .ok_or_else(|| ApiError::invalid("to_branch_id", "Choose an open branch from the list."))?;
        let from = Scope::Branch(student.branch_id);
        let now = self.clock().now();
        self.write(Some(actor.user_id), |w| {
            let open: Vec<EnrolmentRow> = store::enrolments_of_student(w.tx(), student.id)?
                .into_iter()
                .filter(|e| e.status.holds_seat())
                .collect();
            let closing = format!("Transferred to {}", target.name);
            for e in open {
                let closed = EnrolmentRow {
                    status: EnrolmentStatus::Dropped,
                    status_since: now,
                    updated_at: now,
                    ..e.clone()
                };
                enrolments::write_enrolment(
                    w,
                    &enrolments::EnrolPlan { row: closed, old: Some(e) },
                    &closing,
                )?;
            }
            // The record here as it stands now, enrolments closed.
            let conn: &Connection = w.tx();
            let here = org::store::branch_by_id(conn, student.branch_id)?.map(|b| b.name).unwrap_or_default();
            let by =
                crate::users::store::by_id(conn, actor.user_id)?.map(|u| u.full_name).unwrap_or_default();
            let mut history = earlier_branches(conn, &student)?;
            history.push(BranchHistory {
                branch_id: student.branch_id,
                branch_name: here,
                to_branch_name: target.name.clone(),
                left_at: now.to_rfc3339(),
                reason: reason.clone(),
                transferred_by: by,
                enrolments: crate::students::roster::of_student(conn, student.id)?,
                attendance: crate::attendance::report::student_attendance(conn, student.id)?,
                fees: Some(crate::money::account(conn, student.id, now.date_naive())?),
            });
            let mut guardians = Vec::new();
            for link in store::links_of_student(conn, student.id)? {
                let shared = store::links_of_guardian(conn, link.guardian_id)?
                    .iter()
                    .any(|l| l.student_id != student.id);
                let g = store::guardian_by_id(conn, link.guardian_id)?
                    .ok_or_else(|| ApiError::internal("a guardian link names no guardian"))?;
                guardians.push((link, g, shared));
            }
            // The lead stays at this branch (it keeps its link to the student).
            let moved = StudentRow { branch_id: to, lead_id: None, updated_at: now, ..student.clone() };
            w.update(&student, &moved)?;
            for (link, g, shared) in guardians {
                if shared {
                    // A sibling here keeps this guardian: the new branch gets a copy.
                    let copy = GuardianRow {
                        id: GuardianId(Uuid::now_v7()),
                        branch_id: to,
                        created_at: now,
                        updated_at: now,
                        ..g
                    };
                    w.insert_in(from, &copy)?;
                    let gone = LinkRow { removed_at: Some(now), updated_at: now, ..link.clone() };
                    w.update(&link, &gone)?;
                    let new_link = LinkRow {
                        id: store::link_id(student.id, copy.id),
                        branch_id: to,
                        guardian_id: copy.id,
                        removed_at: None,
                        created_at: now,
                        updated_at: now,
                        ..link
                    };
                    w.insert_in(from, &new_link)?;
                } else {
                    w.update(&g, &GuardianRow { branch_id: to, updated_at: now, ..g.clone() })?;
                    w.update(&link, &LinkRow { branch_id: to, updated_at: now, ..link.clone() })?;
                }
            }
            let row = TransferRow {
                id: Uuid::now_v7(),
                branch_id: to,
                from_branch_id: student.branch_id,
                student_id: student.id,
                reason: reason.clone(),
                history: serde_json::to_string(&history)?,
                transferred_by: Some(actor.user_id),
                transferred_at: now,
                created_at: now,
                updated_at: now,
            };
            w.insert_in(from, &row)
        })?;
        self.get_student(actor, GetStudent { id: input.student_id })
    }
}

#[cfg(test)]
mod tests {
    use super::check_reason;

    #[test]
    fn a_transfer_needs_a_reason_of_sensible_length() {
        assert_eq!(check_reason("").unwrap_err().field.as_deref(), Some("reason"));
        assert!(check_reason(&"x".repeat(301)).is_err());
        assert_eq!(check_reason("  Family moved  ").unwrap(), "Family moved");
    }
}
