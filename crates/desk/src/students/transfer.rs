//! A student's transfers between branches: the row that keeps their record
//! at each branch they left, and who may see what of it. Making a transfer
//! is the `transfers` service's (it carries enrolments and answers with
//! attendance and fees).

use super::store::StudentRow;
use crate::write::branch_record;
use crate::{org, Actor, Result};
use branchdesk_api::commands::students::*;
use branchdesk_api::ids::{BranchId, StudentId, UserId};
use branchdesk_api::Permission;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

pub const REASON_MAX: usize = 300;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct TransferRow {
    pub id: Uuid,
    /// The receiving branch.
    pub branch_id: BranchId,
    pub from_branch_id: BranchId,
    pub student_id: StudentId,
    pub reason: String,
    /// JSON: `Vec<BranchHistory>`, oldest branch first, this one last.
    pub history: String,
    pub transferred_by: Option<UserId>,
    pub transferred_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(TransferRow, "student_transfers");

/// The newest transfer of a student (into `into`, when given).
fn latest(conn: &Connection, student: StudentId, into: Option<BranchId>) -> Result<Option<TransferRow>> {
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
pub(crate) fn branches_left(conn: &Connection, student: StudentId) -> Result<Vec<BranchId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT from_branch_id FROM student_transfers WHERE student_id = ?1 ORDER BY transferred_at DESC",
    )?;
    let rows = stmt.query_map([student.to_string()], crate::db::read::row::<BranchId>)?;
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
) -> Result<Vec<BranchId>> {
    let places: Vec<BranchId> = std::iter::once(s.branch_id)
        .chain(branches_left(conn, s.id)?)
        .filter(|b| actor.can(p, Some(*b)))
        .collect();
    if places.is_empty() {
        actor.require(p, Some(s.branch_id))?;
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
    viewer_branches: &[BranchId],
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
