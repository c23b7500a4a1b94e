//! Rows and SQL for attendance records, the mark log and lessons covered.

use crate::write::branch_record;
use crate::Result;
use branchdesk_api::commands::attendance::AttendanceStatus;
use branchdesk_api::ids::{AttendanceId, BatchId, BranchId, LessonId, SessionId, StudentId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct AttendanceRow {
    pub id: AttendanceId,
    pub branch_id: BranchId,
    pub session_id: SessionId,
    pub batch_id: BatchId,
    pub student_id: StudentId,
    pub date: NaiveDate,
    pub status: AttendanceStatus,
    pub note: String,
    pub marked_by: Option<UserId>,
    pub marked_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(AttendanceRow, "attendance");

/// One record per (student, session), on every desk.
pub fn attendance_id(student: StudentId, session: SessionId) -> AttendanceId {
    const NAMESPACE: Uuid = Uuid::from_u128(0x9a4e_2f61_0c3d_4b58_a7e2_5d19_c0f8_3b6e);
    AttendanceId(Uuid::new_v5(&NAMESPACE, format!("{student}\u{0}{session}").as_bytes()))
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct MarkRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub attendance_id: AttendanceId,
    pub session_id: SessionId,
    pub student_id: StudentId,
    pub old_status: Option<AttendanceStatus>,
    pub new_status: AttendanceStatus,
    pub note: String,
    pub reason: String,
    pub marked_by: Option<UserId>,
    pub marked_at: DateTime<Utc>,
}
branch_record!(MarkRow, "attendance_marks");

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SessionLessonRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub session_id: SessionId,
    pub lesson_id: LessonId,
    pub removed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(SessionLessonRow, "session_lessons");

pub fn session_lesson_id(session: SessionId, lesson: LessonId) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x1f7c_94b2_6d0e_4a3f_8c51_e2a6_07d9_b4c3);
    Uuid::new_v5(&NAMESPACE, format!("{session}\u{0}{lesson}").as_bytes())
}

const COLUMNS: &str =
    "id, branch_id, session_id, batch_id, student_id, date, status, note, marked_by, marked_at,
    created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<AttendanceRow> {
    crate::db::read::row(r)
}

pub fn of_session(conn: &Connection, session: SessionId) -> Result<Vec<AttendanceRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM attendance WHERE session_id = ?1"))?;
    let rows = stmt.query_map([session.to_string()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn of_student(conn: &Connection, student: StudentId) -> Result<Vec<AttendanceRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM attendance WHERE student_id = ?1 ORDER BY date DESC"
    ))?;
    let rows = stmt.query_map([student.to_string()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The mark log of a session's records: (attendance id, entry), oldest first.
pub fn marks_of_session(conn: &Connection, session: SessionId) -> Result<Vec<MarkRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, branch_id, attendance_id, session_id, student_id, old_status, new_status, note, reason,
                marked_by, marked_at
         FROM attendance_marks WHERE session_id = ?1 ORDER BY marked_at, id",
    )?;
    let rows = stmt.query_map([session.to_string()], crate::db::read::row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn lessons_of_session(conn: &Connection, session: SessionId) -> Result<Vec<SessionLessonRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, branch_id, session_id, lesson_id, removed_at, created_at, updated_at
         FROM session_lessons WHERE session_id = ?1",
    )?;
    let rows = stmt.query_map([session.to_string()], crate::db::read::row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The unsaved marks kept for a session (local table).
pub fn draft(conn: &Connection, session: SessionId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT marks FROM attendance_drafts WHERE session_id = ?1")?
        .query_row([session.to_string()], crate::db::read::value)
        .optional()?)
}
