//! Batches, their class sessions, events and the week timetable.
//!
//! Dates travel as `YYYY-MM-DD` and times of day as `HH:MM` (24-hour,
//! `24:00` allowed as an end); inputs take them as text so that a bad value
//! comes back as an error naming the field, not a decoding failure.

use super::command;
use crate::ids::{
    BatchId, BranchId, CommissionRateId, CourseId, CurriculumId, EventId, RoomId, SessionId, UserId,
};
use serde::{Deserialize, Serialize};

/// One weekly slot: `weekday` 1 = Monday … 7 = Sunday.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Slot {
    pub weekday: u32,
    pub start: String,
    pub end: String,
}

crate::wire::wire_enum! {
    pub enum FeeFrequency {
        OneTime = "ONE_TIME" => "once",
        #[default]
        Monthly = "MONTHLY" => "a month",
        Quarterly = "QUARTERLY" => "a quarter",
        Instalments = "INSTALMENTS" => "in instalments",
    }
}

/// One instalment of a fee plan: the date it falls due and how much.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Instalment {
    /// YYYY-MM-DD
    pub due_on: String,
    pub amount_minor: i64,
}

crate::wire::wire_enum! {
    /// How the batch's teacher is paid for it.
    pub enum CompensationModel {
        #[default]
        FixedMonthly = "FIXED_MONTHLY" => "fixed a month",
        PerSession = "PER_SESSION" => "per session taught",
        PerStudent = "PER_STUDENT" => "commission per enrolled student",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    pub id: BatchId,
    pub branch_id: BranchId,
    pub course_id: CourseId,
    pub course_name: String,
    pub curriculum_id: Option<CurriculumId>,
    /// e.g. "v3 (official)"; None when the course has no approved version yet.
    pub curriculum_label: Option<String>,
    pub name: String,
    pub teacher_id: UserId,
    pub teacher_name: String,
    pub assistant_id: Option<UserId>,
    pub room_id: RoomId,
    pub room_name: String,
    pub capacity: u32,
    pub start_date: String,
    pub end_date: String,
    pub slots: Vec<Slot>,
    pub fee_minor: i64,
    pub fee_frequency: FeeFrequency,
    /// The plan's instalments when `fee_frequency` is `Instalments`
    /// (`fee_minor` is then their total).
    pub instalments: Vec<Instalment>,
    pub comp_model: CompensationModel,
    pub comp_amount_minor: i64,
    /// The organisation's rate the teacher is paid by (its model and
    /// amount are then the ones above), if any.
    pub commission_rate_id: Option<CommissionRateId>,
    pub overheads_minor: i64,
    pub active: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListBatches {
    pub branch_id: BranchId,
    pub include_inactive: bool,
}
command!(ListBatches => "list_batches", Permission -> Vec<Batch>);

/// Creates a batch when `id` is None, else changes it. Saving (re)generates
/// the batch's sessions from today on; every one is checked for clashes.
/// Without `curriculum_id` the batch pins the teacher's approved version of
/// the course when there is one, else the official one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveBatch {
    pub id: Option<BatchId>,
    pub branch_id: BranchId,
    pub course_id: CourseId,
    pub curriculum_id: Option<CurriculumId>,
    pub name: String,
    pub teacher_id: UserId,
    pub assistant_id: Option<UserId>,
    pub room_id: RoomId,
    pub capacity: u32,
    pub start_date: String,
    pub end_date: String,
    pub slots: Vec<Slot>,
    pub fee_minor: i64,
    pub fee_frequency: FeeFrequency,
    /// With `Instalments`: each date (within the batch's dates) and amount;
    /// `fee_minor` is ignored and becomes their total.
    pub instalments: Vec<Instalment>,
    pub comp_model: CompensationModel,
    pub comp_amount_minor: i64,
    /// Pay the teacher by one of the organisation's rates instead (the
    /// model and amount above are then ignored).
    pub commission_rate_id: Option<CommissionRateId>,
    pub overheads_minor: i64,
}
command!(SaveBatch => "save_batch", Permission -> Batch);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetBatchActive {
    pub id: BatchId,
    pub active: bool,
}
command!(SetBatchActive => "set_batch_active", Permission -> Batch);

crate::wire::wire_enum! {
    /// A class session's state: the values of `class_sessions.status`.
    pub enum SessionStatus {
        #[default]
        Scheduled = "SCHEDULED" => "Scheduled",
        Cancelled = "CANCELLED" => "Cancelled",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassSession {
    pub id: SessionId,
    pub batch_id: BatchId,
    pub batch_name: String,
    pub date: String,
    pub start: String,
    pub end: String,
    pub room_id: RoomId,
    pub room_name: String,
    pub teacher_id: UserId,
    pub teacher_name: String,
    pub substitute_id: Option<UserId>,
    pub substitute_name: Option<String>,
    pub status: SessionStatus,
    /// Moved from its weekly slot (`slot_date` then differs or the time does).
    pub moved: bool,
    pub slot_date: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchDetail {
    pub batch: Batch,
    pub sessions: Vec<ClassSession>,
    pub sessions_scheduled: u32,
    pub sessions_cancelled: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetBatch {
    pub id: BatchId,
}
command!(GetBatch => "get_batch", Permission -> BatchDetail);

/// Moves one session (date, times, room); clash-checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RescheduleSession {
    pub id: SessionId,
    pub date: String,
    pub start: String,
    pub end: String,
    pub room_id: Option<RoomId>,
    pub note: String,
}
command!(RescheduleSession => "reschedule_session", Permission -> ClassSession);

/// Another teacher takes one session (None: back to the batch's teacher).
/// Teacher pay credits whoever taught it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetSubstitute {
    pub id: SessionId,
    pub substitute_id: Option<UserId>,
    pub note: String,
}
command!(SetSubstitute => "set_substitute", Permission -> ClassSession);

/// Cancels (or, with `cancelled: false`, restores) one session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetSessionCancelled {
    pub id: SessionId,
    pub cancelled: bool,
    pub note: String,
}
command!(SetSessionCancelled => "set_session_cancelled", Permission -> ClassSession);

crate::wire::wire_enum! {
    pub enum EventKind {
        #[default]
        Holiday = "HOLIDAY" => "Holiday",
        Exam = "EXAM" => "Exam",
        Closure = "CLOSURE" => "Branch closure",
        Other = "OTHER" => "Other",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    pub branch_id: BranchId,
    pub kind: EventKind,
    pub title: String,
    pub start_date: String,
    pub end_date: String,
    pub start: String,
    pub end: String,
    pub room_id: Option<RoomId>,
    pub room_name: Option<String>,
    pub batch_id: Option<BatchId>,
    pub cancels: bool,
    /// Sessions this event cancelled or moved.
    pub cancelled_sessions: u32,
}

/// Adds an event. Empty times mean all day. With `cancels`, the sessions of
/// the branch (or of `batch_id`) in its dates and times are cancelled, or,
/// with `move_to` (a one-day event), moved to that date at the same times
/// (clash-checked); with a room, the room is booked and clash-checked like
/// a session. Removing the event brings the sessions back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveEvent {
    /// None adds an event; an id changes that event: the classes it no
    /// longer covers come back, those it now covers are taken off.
    pub id: Option<EventId>,
    pub branch_id: BranchId,
    pub kind: EventKind,
    pub title: String,
    pub start_date: String,
    pub end_date: String,
    pub start: String,
    pub end: String,
    pub room_id: Option<RoomId>,
    pub batch_id: Option<BatchId>,
    pub cancels: bool,
    /// YYYY-MM-DD, or empty to cancel instead of moving.
    pub move_to: String,
}
command!(SaveEvent => "save_event", Permission -> Event);

/// Removes an event and restores the sessions it cancelled.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RemoveEvent {
    pub id: EventId,
}
command!(RemoveEvent => "remove_event", Permission -> Event);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListEvents {
    pub branch_id: BranchId,
    /// YYYY-MM-DD; empty: from today.
    pub from: String,
}
command!(ListEvents => "list_events", Permission -> Vec<Event>);

/// A person who can teach in a branch (holds "mark attendance" there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Teacher {
    pub id: UserId,
    pub full_name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListTeachers {
    pub branch_id: BranchId,
}
command!(ListTeachers => "list_teachers", Permission -> Vec<Teacher>);

/// One booking on the timetable: a session or an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimetableEntry {
    /// The session's or event's id.
    pub id: uuid::Uuid,
    pub session: Option<ClassSession>,
    pub event: Option<Event>,
    pub date: String,
    pub start: String,
    pub end: String,
    pub title: String,
    pub room_name: Option<String>,
    pub teacher_name: Option<String>,
    pub cancelled: bool,
    /// Other bookings of the same room or teacher overlapping this one
    /// (created offline on two desks): a task for the branch manager.
    pub clashes_with: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Week {
    /// The Monday, YYYY-MM-DD.
    pub week_start: String,
    pub days: Vec<String>,
    pub entries: Vec<TimetableEntry>,
    pub clash_count: u32,
}

/// The week containing `date` (empty: this week) for a branch, optionally
/// only one room's or one teacher's bookings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetTimetable {
    pub branch_id: BranchId,
    pub date: String,
    pub room_id: Option<RoomId>,
    pub teacher_id: Option<UserId>,
}
command!(GetTimetable => "get_timetable", Permission -> Week);

/// Today's sessions of the signed-in person (as teacher or substitute),
/// across their branches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListMySessionsToday {}
command!(ListMySessionsToday => "list_my_sessions_today", Session -> Vec<ClassSession>);

/// Upcoming double bookings in a branch that sync brought together.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListClashes {
    pub branch_id: BranchId,
}
command!(ListClashes => "list_clashes", Permission -> Vec<TimetableEntry>);

/// One of the organisation's pay rates for teachers, which batches refer to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommissionRate {
    pub id: CommissionRateId,
    pub name: String,
    pub model: CompensationModel,
    pub amount_minor: i64,
    pub active: bool,
    /// Batches paying by it, in every branch.
    pub batches: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListCommissionRates {
    pub include_inactive: bool,
}
command!(ListCommissionRates => "list_commission_rates", Permission -> Vec<CommissionRate>);

/// Creates a rate when `id` is None, else changes it (the pay of months
/// not yet paid follows); `active` false keeps it off new batches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveCommissionRate {
    pub id: Option<CommissionRateId>,
    pub name: String,
    pub model: CompensationModel,
    /// Rupees as typed.
    pub amount: String,
    pub active: bool,
}

impl Default for SaveCommissionRate {
    fn default() -> Self {
        Self {
            id: None,
            name: String::new(),
            model: CompensationModel::default(),
            amount: String::new(),
            active: true,
        }
    }
}
command!(SaveCommissionRate => "save_commission_rate", Permission -> CommissionRate);
