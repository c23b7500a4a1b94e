//! Transferring a student to another branch, with their history.
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

use super::store::{self, EnrolmentRow, GuardianRow, LinkRow, StudentRow};
use crate::db::cols;
use crate::enrolments;
use crate::write::{branch_record, Scope};
use crate::{org, validate, Actor, Desk, Result};
use branchdesk_api::commands::students::*;
use branchdesk_api::ids::BranchId;
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

pub const REASON_MAX: usize = 300;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct TransferRow {
    pub id: Uuid,
    /// The receiving branch.
    pub branch_id: Uuid,
    pub from_branch_id: Uuid,
    pub student_id: Uuid,
    pub reason: String,
    /// JSON: `Vec<BranchHistory>`, oldest branch first, this one last.
    pub history: String,
    pub transferred_by: Option<Uuid>,
    pub transferred_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(TransferRow, "student_transfers");

/// The newest transfer of a student (into `into`, when given).
fn latest(conn: &Connection, student: Uuid, into: Option<Uuid>) -> Result<Option<TransferRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, branch_id, from_branch_id, student_id, reason, history, transferred_by,
                    transferred_at, created_at, updated_at
             FROM student_transfers
             WHERE student_id = ?1 AND (?2 IS NULL OR branch_id = ?2)
             ORDER BY transferred_at DESC LIMIT 1",
        )?
        .query_row(rusqlite::params![student.to_string(), into.map(|b| b.to_string())], crate::db::read::row)
        .optional()?)
}

/// Branches the student left (newest transfer out of each first).
pub(crate) fn branches_left(conn: &Connection, student: Uuid) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare_cached(
        "SELECT from_branch_id FROM student_transfers WHERE student_id = ?1 ORDER BY transferred_at DESC",
    )?;
    let rows = stmt.query_map([student.to_string()], |r| cols::uuid(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The branches whose `p` lets `actor` see the student: their branch now,
/// or a branch they left (which keeps their record there, read-only).
/// Refused when there is none.
pub(crate) fn viewable_in(
    conn: &Connection,
    actor: &Actor,
    p: Permission,
    s: &StudentRow,
) -> Result<Vec<Uuid>> {
    let places: Vec<Uuid> = std::iter::once(s.branch_id)
        .chain(branches_left(conn, s.id)?)
        .filter(|b| actor.can(p, Some(BranchId(*b))))
        .collect();
    if places.is_empty() {
        actor.require(p, Some(BranchId(s.branch_id)))?;
    }
    Ok(places)
}

/// The student's history at the branches before the one they are in now,
/// as the transfer into it recorded.
pub(crate) fn earlier_branches(conn: &Connection, s: &StudentRow) -> Result<Vec<BranchHistory>> {
    match latest(conn, s.id, Some(s.branch_id))? {
        Some(t) => Ok(serde_json::from_str(&t.history)?),
        None => Ok(vec![]),
    }
}

/// "Transferred to Branch on date…", when the viewer sees the student only
/// through branches the student left (`viewer_branches`, from [`viewable_in`]).
pub(crate) fn moved_away_note(
    conn: &Connection,
    s: &StudentRow,
    viewer_branches: &[Uuid],
) -> Result<Option<String>> {
    if viewer_branches.contains(&s.branch_id) {
        return Ok(None);
    }
    let Some(t) = latest(conn, s.id, None)? else { return Ok(None) };
    let to = org::store::branch_by_id(conn, t.branch_id)?.map(|b| b.name).unwrap_or_default();
    Ok(Some(format!(
        "Transferred to {to} on {}. The record here is kept read-only.",
        t.transferred_at.format("%-d %b %Y")
    )))
}

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
        let to = input.to_branch_id.0;
        if to == student.branch_id {
            return Err(ApiError::invalid("to_branch_id", "The student is already in this branch.").into());
        }
        let target = org::store::branch_by_id(&self.db().conn, to)?
            .filter(|b| b.active)
            .ok_or_else(|| ApiError::invalid("to_branch_id", "Choose an open branch from the list."))?;
        let from = Scope::Branch(BranchId(student.branch_id));
        let now = self.clock().now();
        self.write(Some(actor.user_id), |w| {
            let open: Vec<EnrolmentRow> = store::enrolments(w.tx(), student.id, false)?
                .into_iter()
                .filter(|e| e.status == "ACTIVE" || e.status == "ON_HOLD")
                .collect();
            let closing = format!("Transferred to {}", target.name);
            for e in open {
                let closed = EnrolmentRow {
                    status: "DROPPED".into(),
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
                crate::users::store::by_id(conn, actor.user_id.0)?.map(|u| u.full_name).unwrap_or_default();
            let mut history = earlier_branches(conn, &student)?;
            history.push(BranchHistory {
                branch_id: BranchId(student.branch_id),
                branch_name: here,
                to_branch_name: target.name.clone(),
                left_at: now.to_rfc3339(),
                reason: reason.clone(),
                transferred_by: by,
                enrolments: super::roster::of_student(conn, student.id)?,
                attendance: crate::attendance::report::student_attendance(conn, student.id)?,
                fees: Some(crate::money::account(conn, student.id, now.date_naive())?),
            });
            let mut guardians = Vec::new();
            for link in store::links(conn, student.id, false)? {
                let shared =
                    store::links(conn, link.guardian_id, true)?.iter().any(|l| l.student_id != student.id);
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
                        id: Uuid::now_v7(),
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
                transferred_by: Some(actor.user_id.0),
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
