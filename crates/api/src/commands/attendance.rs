//! Marking attendance for a session, lesson progress, reports, and the
//! notification queue (absence alerts).

use super::command;
use crate::ids::{BatchId, BranchId, LessonId, SessionId, StudentId};
use serde::{Deserialize, Serialize};

pub const NOTE_MAX: usize = 200;

crate::wire::wire_enum! {
    pub enum AttendanceStatus {
        #[default]
        Present = "PRESENT" => "Present",
        Absent = "ABSENT" => "Absent",
        Late = "LATE" => "Late",
        Excused = "EXCUSED" => "Excused",
    }
}

impl AttendanceStatus {
    /// The key that marks it on the sheet.
    pub fn key(self) -> char {
        match self {
            AttendanceStatus::Present => 'P',
            AttendanceStatus::Absent => 'A',
            AttendanceStatus::Late => 'L',
            AttendanceStatus::Excused => 'E',
        }
    }
    /// Counts as attending (for percentages and lesson progress).
    pub fn attended(self) -> bool {
        matches!(self, AttendanceStatus::Present | AttendanceStatus::Late)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkLogEntry {
    pub old_status: Option<AttendanceStatus>,
    pub new_status: AttendanceStatus,
    pub note: String,
    pub reason: String,
    pub marked_by: Option<String>,
    /// RFC 3339
    pub marked_at: String,
}

/// One line of the sheet: a student enrolled on the session's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetRow {
    pub student_id: StudentId,
    pub code: String,
    pub full_name: String,
    /// Order of joining the batch, from 1.
    pub roll: u32,
    pub status: Option<AttendanceStatus>,
    pub note: String,
    pub history: Vec<MarkLogEntry>,
}

/// A mark as the sheet sends it (and as a draft keeps it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Mark {
    pub student_id: StudentId,
    pub status: AttendanceStatus,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonChoice {
    pub id: LessonId,
    pub title: String,
    pub module: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sheet {
    pub session: super::timetable::ClassSession,
    pub rows: Vec<SheetRow>,
    /// Marks saved as a draft and not yet saved for real.
    pub draft: Vec<Mark>,
    /// The batch curriculum's lessons, to record what was covered.
    pub lessons: Vec<LessonChoice>,
    pub covered: Vec<LessonId>,
    /// Why marks cannot be changed by this person (or changed only with a
    /// reason), if so.
    pub locked: Option<String>,
    pub needs_reason: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RosterOrder {
    #[default]
    Name,
    Roll,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetSheet {
    pub session_id: SessionId,
    pub order: RosterOrder,
}
command!(GetSheet => "get_sheet", Permission -> Sheet);

/// Saves marks (only changed ones are written) and the lessons covered, in
/// one transaction; drafts absence alerts for newly absent students; clears
/// the draft. Marks older than the edit window need a reason and the
/// permission to change old marks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveMarks {
    pub session_id: SessionId,
    pub marks: Vec<Mark>,
    pub lesson_ids: Vec<LessonId>,
    pub reason: String,
    pub order: RosterOrder,
}
command!(SaveMarks => "save_marks", Permission -> Sheet);

/// Keeps unsaved marks on this desk (not synced) so a crash loses none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveDraft {
    pub session_id: SessionId,
    pub marks: Vec<Mark>,
}
command!(SaveDraft => "save_draft", Permission -> ());

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentMonth {
    pub student_id: StudentId,
    pub code: String,
    pub full_name: String,
    pub batch_name: String,
    pub present: u32,
    pub late: u32,
    pub absent: u32,
    pub excused: u32,
    /// Sessions marked.
    pub marked: u32,
    /// Attended (present or late) of marked, in basis points.
    pub percent_bp: u32,
    /// The longest run of absences in a row this month.
    pub longest_absence_run: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceReport {
    pub month: String,
    pub rows: Vec<StudentMonth>,
    pub marks: u32,
    pub percent_bp: u32,
}

/// A month (YYYY-MM) of a branch, or of one batch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetAttendanceReport {
    pub branch_id: BranchId,
    pub month: String,
    pub batch_id: Option<BatchId>,
    /// Only students below this (basis points; 0: everyone).
    pub below_bp: u32,
    /// Only students with at least this many absences in a row (0: everyone).
    pub min_absence_run: u32,
}
command!(GetAttendanceReport => "get_attendance_report", Permission -> AttendanceReport);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentAttendanceLine {
    pub date: String,
    pub batch_name: String,
    pub status: AttendanceStatus,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentAttendance {
    pub lines: Vec<StudentAttendanceLine>,
    pub percent_bp: u32,
    /// Lesson progress: weightage of lessons covered in sessions the
    /// student attended, per batch, in basis points.
    pub progress: Vec<(String, u32)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetStudentAttendance {
    pub student_id: StudentId,
}
command!(GetStudentAttendance => "get_student_attendance", Permission -> StudentAttendance);

crate::wire::wire_enum! {
    pub enum NotificationState {
        #[default]
        Draft = "DRAFT" => "Draft",
        /// Reviewed; goes out through its channel (tried again after a
        /// temporary failure).
        Approved = "APPROVED" => "Waiting to send",
        Sent = "SENT" => "Sent",
        Failed = "FAILED" => "Failed",
        Discarded = "DISCARDED" => "Discarded",
    }
}

crate::wire::wire_enum! {
    /// What a queued message is about.
    pub enum NotificationKind {
        #[default]
        Absence = "ABSENCE" => "Absence alert",
        FeeReminder = "FEE_REMINDER" => "Fee reminder",
        Other = "OTHER" => "Other",
    }
}

crate::wire::wire_enum! {
    /// How a queued message goes out.
    pub enum NotificationChannel {
        #[default]
        Sms = "SMS" => "SMS",
        WhatsApp = "WHATSAPP" => "WhatsApp",
        Email = "EMAIL" => "Email",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: uuid::Uuid,
    pub kind: String,
    pub recipient_name: String,
    pub recipient: String,
    pub channel: String,
    pub body: String,
    pub state: NotificationState,
    pub student_name: Option<String>,
    pub created_at: String,
    /// Why it failed (or is being tried again), in the provider's words.
    #[serde(default)]
    pub error: String,
    /// How many times sending was tried.
    #[serde(default)]
    pub attempts: u32,
    /// When it was sent, or is next tried (RFC 3339).
    #[serde(default)]
    pub when: Option<String>,
    /// Where the next page starts after this message (`older_than`).
    #[serde(default)]
    pub cursor: String,
}

/// Messages come a page at a time, newest first.
pub const MESSAGES_PAGE: usize = 50;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListNotifications {
    pub branch_id: BranchId,
    pub state: NotificationState,
    /// The `cursor` of the last message of the page before; empty for the
    /// newest page.
    pub older_than: String,
}
command!(ListNotifications => "list_notifications", Permission -> Vec<Notification>);

/// Reviews drafts in one action: approve them to be sent (when a channel is
/// online), or discard them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewNotifications {
    pub ids: Vec<uuid::Uuid>,
    pub approve: bool,
}
command!(ReviewNotifications => "review_notifications", Permission -> u32);
