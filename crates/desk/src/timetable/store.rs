//! Rows and SQL for batches, class sessions and events.

use super::slots::WeeklySlot;
use crate::db::read;
use crate::write::branch_record;
use crate::Result;
use branchdesk_api::commands::timetable::{CompensationModel, EventKind, FeeFrequency, SessionStatus};
use branchdesk_api::ids::{BatchId, BranchId, CourseId, CurriculumId, EventId, RoomId, SessionId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct BatchRow {
    pub id: BatchId,
    pub branch_id: BranchId,
    pub course_id: CourseId,
    pub curriculum_id: Option<CurriculumId>,
    pub name: String,
    pub teacher_id: UserId,
    pub assistant_id: Option<UserId>,
    pub room_id: RoomId,
    pub capacity: u32,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// JSON of `Vec<WeeklySlot>`.
    pub schedule: String,
    pub fee_minor: i64,
    /// Never `INSTALMENTS`: a plan is stored as `ONE_TIME` with `fee_instalments`.
    pub fee_frequency: FeeFrequency,
    /// JSON of `Vec<plan::PlannedInstalment>`; `[]` unless the fee
    /// is paid in instalments.
    pub fee_instalments: String,
    pub comp_model: CompensationModel,
    pub comp_amount_minor: i64,
    pub overheads_minor: i64,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub commission_rate_id: Option<branchdesk_api::ids::CommissionRateId>,
}

branch_record!(BatchRow, "batches");

impl BatchRow {
    pub fn slots(&self) -> Vec<WeeklySlot> {
        // Written by this code from validated slots; an unreadable value
        // (a newer desk's format) shows as no weekly times.
        serde_json::from_str(&self.schedule).unwrap_or_default()
    }

    /// The instalment plan, empty when the fee follows `fee_frequency`.
    pub fn instalments(&self) -> Vec<super::plan::PlannedInstalment> {
        serde_json::from_str(&self.fee_instalments).unwrap_or_default()
    }
}

const BATCH_COLUMNS: &str =
    "id, branch_id, course_id, curriculum_id, name, teacher_id, assistant_id, room_id,
    capacity, start_date, end_date, schedule, fee_minor, fee_frequency, comp_model, comp_amount_minor,
    overheads_minor, active, created_at, updated_at, fee_instalments, commission_rate_id";

fn batch_from_row(r: &Row<'_>) -> rusqlite::Result<BatchRow> {
    crate::db::read::row(r)
}

pub fn batch_by_id(conn: &Connection, id: BatchId) -> Result<Option<BatchRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {BATCH_COLUMNS} FROM batches WHERE id = ?1"))?
        .query_row([id.to_string()], batch_from_row)
        .optional()?)
}

pub fn batches_of_branch(
    conn: &Connection,
    branch: BranchId,
    include_inactive: bool,
) -> Result<Vec<BatchRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {BATCH_COLUMNS} FROM batches WHERE branch_id = ?1 AND (?2 OR active) ORDER BY name"
    ))?;
    let rows = stmt.query_map(rusqlite::params![branch.to_string(), include_inactive], batch_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The note on a session whose weekly slot a schedule change removed; a
/// later change that brings the slot back brings the session back too.
pub const DROPPED_FROM_SCHEDULE: &str = "Not in the weekly schedule any more.";

/// The note on a class cancelled by closing its batch (moved ones too);
/// reopening the batch brings each back, a moved one at its new time.
pub const BATCH_CLOSED: &str = "The batch is closed.";

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SessionRow {
    pub id: SessionId,
    pub branch_id: BranchId,
    pub batch_id: BatchId,
    pub slot_date: NaiveDate,
    pub slot_start: u16,
    pub date: NaiveDate,
    pub start_min: u16,
    pub end_min: u16,
    pub room_id: RoomId,
    pub teacher_id: UserId,
    pub substitute_teacher_id: Option<UserId>,
    pub status: SessionStatus,
    pub moved: bool,
    pub cancelled_by_event_id: Option<EventId>,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

branch_record!(SessionRow, "class_sessions");

impl SessionRow {
    pub fn scheduled(&self) -> bool {
        self.status == SessionStatus::Scheduled
    }
    /// Who teaches it: the substitute when there is one.
    pub fn taught_by(&self) -> UserId {
        self.substitute_teacher_id.unwrap_or(self.teacher_id)
    }
}

/// Two desks generating the same meeting of a batch derive the same id.
pub fn session_id(batch: BatchId, slot_date: NaiveDate, slot_start: u16) -> SessionId {
    const NAMESPACE: Uuid = Uuid::from_u128(0x6c1a_53e2_8f0d_4b7e_9a31_b2d4_c5e6_f708);
    SessionId(Uuid::new_v5(&NAMESPACE, format!("{batch}\u{0}{slot_date}\u{0}{slot_start}").as_bytes()))
}

const SESSION_COLUMNS: &str = "s.id, s.branch_id, s.batch_id, s.slot_date, s.slot_start, s.date, s.start_min,
    s.end_min, s.room_id, s.teacher_id, s.substitute_teacher_id, s.status, s.moved, s.cancelled_by_event_id,
    s.note, s.created_at, s.updated_at";

fn session_from_row(r: &Row<'_>) -> rusqlite::Result<SessionRow> {
    crate::db::read::row(r)
}

pub fn session_by_id(conn: &Connection, id: SessionId) -> Result<Option<SessionRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {SESSION_COLUMNS} FROM class_sessions s WHERE s.id = ?1"))?
        .query_row([id.to_string()], session_from_row)
        .optional()?)
}

pub fn sessions_of_batch(conn: &Connection, batch: BatchId) -> Result<Vec<SessionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SESSION_COLUMNS} FROM class_sessions s WHERE s.batch_id = ?1 ORDER BY s.date, s.start_min"
    ))?;
    let rows = stmt.query_map([batch.to_string()], session_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A branch's sessions between two dates (inclusive), in time order.
pub fn sessions_of_branch(
    conn: &Connection,
    branch: BranchId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<SessionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SESSION_COLUMNS} FROM class_sessions s
         WHERE s.branch_id = ?1 AND s.date BETWEEN ?2 AND ?3 ORDER BY s.date, s.start_min"
    ))?;
    let rows = stmt.query_map((branch.to_string(), from.to_string(), to.to_string()), session_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sessions an event cancelled or moved.
pub fn sessions_of_event(conn: &Connection, event: EventId) -> Result<Vec<SessionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SESSION_COLUMNS} FROM class_sessions s WHERE s.cancelled_by_event_id = ?1 ORDER BY s.date, s.start_min"
    ))?;
    let rows = stmt.query_map([event.to_string()], session_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Scheduled sessions in `room`, or taught by `teacher`, between two dates.
pub fn sessions_booking(
    conn: &Connection,
    room: Option<RoomId>,
    teacher: Option<UserId>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<SessionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SESSION_COLUMNS} FROM class_sessions s
         WHERE s.status = 'SCHEDULED' AND s.date BETWEEN ?3 AND ?4
           AND (s.room_id = ?1 OR s.teacher_id = ?2 OR s.substitute_teacher_id = ?2)"
    ))?;
    let rows = stmt.query_map(
        (room.map(|r| r.to_string()), teacher.map(|t| t.to_string()), from.to_string(), to.to_string()),
        session_from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The sessions a person teaches (or substitutes) on one day.
pub fn sessions_taught_on(conn: &Connection, teacher: UserId, date: NaiveDate) -> Result<Vec<SessionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SESSION_COLUMNS} FROM class_sessions s
         WHERE s.date = ?2 AND (s.substitute_teacher_id = ?1
               OR (s.teacher_id = ?1 AND s.substitute_teacher_id IS NULL))
         ORDER BY s.start_min"
    ))?;
    let rows = stmt.query_map((teacher.to_string(), date.to_string()), session_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct EventRow {
    pub id: EventId,
    pub branch_id: BranchId,
    pub kind: EventKind,
    pub title: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub start_min: u16,
    pub end_min: u16,
    pub room_id: Option<RoomId>,
    pub batch_id: Option<BatchId>,
    pub cancels: bool,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

branch_record!(EventRow, "events");

impl EventRow {
    /// Does this (cancelling) event cover a session of `batch` on `date` at these times?
    pub fn covers(&self, batch: BatchId, date: NaiveDate, start: u16, end: u16) -> bool {
        self.deleted_at.is_none()
            && self.cancels
            && self.batch_id.is_none_or(|b| b == batch)
            && date >= self.start_date
            && date <= self.end_date
            && start < self.end_min
            && self.start_min < end
    }
}

const EVENT_COLUMNS: &str = "id, branch_id, kind, title, start_date, end_date, start_min, end_min, room_id,
    batch_id, cancels, deleted_at, created_at, updated_at";

fn event_from_row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
    crate::db::read::row(r)
}

pub fn event_by_id(conn: &Connection, id: EventId) -> Result<Option<EventRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"))?
        .query_row([id.to_string()], event_from_row)
        .optional()?)
}

/// Live events of a branch that touch the dates `from..=to`.
pub fn events_of_branch(
    conn: &Connection,
    branch: BranchId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<EventRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM events
         WHERE branch_id = ?1 AND deleted_at IS NULL AND start_date <= ?3 AND end_date >= ?2
         ORDER BY start_date, start_min"
    ))?;
    let rows = stmt.query_map((branch.to_string(), from.to_string(), to.to_string()), event_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Live events booking `room` that touch the dates `from..=to`.
pub fn events_booking_room(
    conn: &Connection,
    room: RoomId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<EventRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM events
         WHERE room_id = ?1 AND deleted_at IS NULL AND start_date <= ?3 AND end_date >= ?2"
    ))?;
    let rows = stmt.query_map((room.to_string(), from.to_string(), to.to_string()), event_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Seats taken in a batch: its active and on-hold enrolments (the batch's
/// capacity is the timetable's; who holds the seats is the students' area).
pub fn seats_taken(conn: &Connection, batch: BatchId) -> Result<u32> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM enrolments WHERE batch_id = ?1 AND status IN ('ACTIVE', 'ON_HOLD')",
        )?
        .query_row([batch.to_string()], read::value)?)
}
