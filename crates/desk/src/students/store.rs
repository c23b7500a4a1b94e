//! Rows and SQL for students, guardians, their links and enrolments.

use crate::db::read::{self, columns, Columns};
use crate::write::branch_record;
use crate::Result;
use branchdesk_api::commands::attendance::NotificationChannel;
use branchdesk_api::commands::students::{ConcessionCategory, DiscountKind, EnrolmentStatus};
use branchdesk_api::ids::{BatchId, BranchId, CourseId, EnrolmentId, GuardianId, LeadId, StudentId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StudentRow {
    pub id: StudentId,
    pub branch_id: BranchId,
    pub code: String,
    pub full_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: String,
    pub school: String,
    pub grade: String,
    pub notes: String,
    pub user_id: Option<UserId>,
    pub photo_b64: Option<String>,
    pub lead_id: Option<LeadId>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(StudentRow, "students");

pub static STUDENT_COLUMNS: Columns = columns!(StudentRow, "s");

pub fn student_from_row(r: &Row<'_>) -> rusqlite::Result<StudentRow> {
    read::row(r)
}

pub fn student_by_id(conn: &Connection, id: StudentId) -> Result<Option<StudentRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {STUDENT_COLUMNS} FROM students s WHERE s.id = ?1"))?
        .query_row([id.to_string()], student_from_row)
        .optional()?)
}

pub fn students_of_branch(
    conn: &Connection,
    branch: BranchId,
    include_archived: bool,
) -> Result<Vec<StudentRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {STUDENT_COLUMNS} FROM students s
         WHERE s.branch_id = ?1 AND (?2 OR s.archived_at IS NULL) ORDER BY s.full_name, s.code"
    ))?;
    let rows = stmt.query_map(rusqlite::params![branch.to_string(), include_archived], student_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Other students with this code (codes are checked when typed; two
/// offline desks can still make a pair, which review lists).
pub fn students_with_code(conn: &Connection, code: &str) -> Result<Vec<StudentRow>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {STUDENT_COLUMNS} FROM students s WHERE s.code = ?1"))?;
    let rows = stmt.query_map([code], student_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The highest number used with `prefix` (e.g. "K2-7QX-").
pub fn last_in_series(conn: &Connection, prefix: &str) -> Result<u32> {
    let mut stmt = conn.prepare_cached("SELECT code FROM students WHERE code LIKE ?1 || '%'")?;
    let codes = stmt.query_map([prefix], crate::db::read::value::<String>)?;
    let mut last = 0;
    for code in codes {
        if let Some(n) = code?.get(prefix.len()..).and_then(|t| t.parse::<u32>().ok()) {
            last = last.max(n);
        }
    }
    Ok(last)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GuardianRow {
    pub id: GuardianId,
    pub branch_id: BranchId,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The channel that reaches them (None: the branch's usual, SMS).
    pub preferred_channel: Option<NotificationChannel>,
    /// What they agreed to receive (`SetGuardianConsent`).
    pub alerts_ok: bool,
    pub fee_reminders_ok: bool,
    pub promotions_ok: bool,
}
branch_record!(GuardianRow, "guardians");

impl GuardianRow {
    /// Whether they agreed to messages of `kind`.
    pub fn agreed(&self, kind: branchdesk_api::commands::students::ConsentKind) -> bool {
        use branchdesk_api::commands::students::ConsentKind;
        match kind {
            ConsentKind::Alerts => self.alerts_ok,
            ConsentKind::FeeReminders => self.fee_reminders_ok,
            ConsentKind::Promotions => self.promotions_ok,
        }
    }
}

static GUARDIAN_COLUMNS: Columns = columns!(GuardianRow, "g");

fn guardian_from_row(r: &Row<'_>) -> rusqlite::Result<GuardianRow> {
    read::row(r)
}

pub fn guardian_by_id(conn: &Connection, id: GuardianId) -> Result<Option<GuardianRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {GUARDIAN_COLUMNS} FROM guardians g WHERE g.id = ?1"))?
        .query_row([id.to_string()], guardian_from_row)
        .optional()?)
}

/// Guardians of `branch` linked to a student whose search entry holds the
/// digits `key` (a phone's last ten, `phone_key`), oldest first: one
/// trigram index look-up, not a scan. The caller compares the phones.
pub fn guardians_by_phone_digits(conn: &Connection, branch: BranchId, key: &str) -> Result<Vec<GuardianRow>> {
    let digits: String = key.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 3 {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT DISTINCT {GUARDIAN_COLUMNS}
         FROM (SELECT rowid AS k FROM student_search WHERE student_search MATCH ?1 LIMIT 400) f
         JOIN student_search_keys k ON k.k = f.k
         JOIN student_guardians l ON l.student_id = k.student_id AND l.removed_at IS NULL
         JOIN guardians g ON g.id = l.guardian_id
         WHERE g.branch_id = ?2 AND g.phone IS NOT NULL
         ORDER BY g.created_at, g.id"
    ))?;
    Ok(read::all(&mut stmt, (format!("\"{digits}\""), branch.to_string()))?)
}

/// The phone of the student's primary (else first) guardian who has one:
/// one indexed read, for lists.
pub fn first_guardian_phone(conn: &Connection, student: StudentId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT g.phone FROM student_guardians l JOIN guardians g ON g.id = l.guardian_id
             WHERE l.student_id = ?1 AND l.removed_at IS NULL AND g.phone IS NOT NULL
             ORDER BY l.is_primary DESC, l.created_at LIMIT 1",
        )?
        .query_row([student.to_string()], crate::db::read::value)
        .optional()?)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LinkRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub student_id: StudentId,
    pub guardian_id: GuardianId,
    pub relation: String,
    pub is_primary: bool,
    pub removed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(LinkRow, "student_guardians");

/// Linking a guardian twice, on any desk, is one row.
pub fn link_id(student: StudentId, guardian: GuardianId) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x3b7e_0c4a_91d2_4f6b_8e15_a7c3_d9f2_0b61);
    Uuid::new_v5(&NAMESPACE, format!("{student}\u{0}{guardian}").as_bytes())
}

static LINK_COLUMNS: Columns = columns!(LinkRow, "l");

fn link_from_row(r: &Row<'_>) -> rusqlite::Result<LinkRow> {
    read::row(r)
}

pub fn link_by_id(conn: &Connection, id: Uuid) -> Result<Option<LinkRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {LINK_COLUMNS} FROM student_guardians l WHERE l.id = ?1"))?
        .query_row([id.to_string()], link_from_row)
        .optional()?)
}

/// Live links of a student.
pub fn links_of_student(conn: &Connection, student: StudentId) -> Result<Vec<LinkRow>> {
    links(conn, student.0, false)
}

/// Live links of a guardian.
pub fn links_of_guardian(conn: &Connection, guardian: GuardianId) -> Result<Vec<LinkRow>> {
    links(conn, guardian.0, true)
}

fn links(conn: &Connection, id: Uuid, by_guardian: bool) -> Result<Vec<LinkRow>> {
    let column = if by_guardian { "guardian_id" } else { "student_id" };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LINK_COLUMNS} FROM student_guardians l WHERE l.{column} = ?1 AND l.removed_at IS NULL
         ORDER BY l.is_primary DESC, l.created_at"
    ))?;
    let rows = stmt.query_map([id.to_string()], link_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolmentRow {
    pub id: EnrolmentId,
    pub branch_id: BranchId,
    pub student_id: StudentId,
    pub batch_id: BatchId,
    pub course_id: CourseId,
    pub start_date: NaiveDate,
    pub discount_kind: DiscountKind,
    pub discount_value: i64,
    pub discount_reason: String,
    pub discount_category: ConcessionCategory,
    pub status: EnrolmentStatus,
    pub status_since: DateTime<Utc>,
    pub certificate_no: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(EnrolmentRow, "enrolments");

/// One enrolment per (student, batch), however many desks enrol them.
pub fn enrolment_id(student: StudentId, batch: BatchId) -> EnrolmentId {
    const NAMESPACE: Uuid = Uuid::from_u128(0x5d2a_7e19_c3b8_4a06_b1f4_62e8_0d9c_a3f5);
    EnrolmentId(Uuid::new_v5(&NAMESPACE, format!("{student}\u{0}{batch}").as_bytes()))
}

static ENROLMENT_COLUMNS: Columns = columns!(EnrolmentRow, "e");

fn enrolment_from_row(r: &Row<'_>) -> rusqlite::Result<EnrolmentRow> {
    read::row(r)
}

pub fn enrolment_by_id(conn: &Connection, id: EnrolmentId) -> Result<Option<EnrolmentRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {ENROLMENT_COLUMNS} FROM enrolments e WHERE e.id = ?1"))?
        .query_row([id.to_string()], enrolment_from_row)
        .optional()?)
}

/// A student's enrolments, newest first.
pub fn enrolments_of_student(conn: &Connection, student: StudentId) -> Result<Vec<EnrolmentRow>> {
    enrolments(conn, student.into(), false)
}

/// A batch's enrolments, newest first.
pub fn enrolments_of_batch(conn: &Connection, batch: BatchId) -> Result<Vec<EnrolmentRow>> {
    enrolments(conn, batch.into(), true)
}

fn enrolments(conn: &Connection, id: Uuid, by_batch: bool) -> Result<Vec<EnrolmentRow>> {
    let column = if by_batch { "batch_id" } else { "student_id" };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENROLMENT_COLUMNS} FROM enrolments e WHERE e.{column} = ?1 ORDER BY e.start_date DESC, e.id"
    ))?;
    let rows = stmt.query_map([id.to_string()], enrolment_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolmentLogRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub enrolment_id: EnrolmentId,
    pub from_status: Option<EnrolmentStatus>,
    pub to_status: EnrolmentStatus,
    pub reason: String,
    pub changed_by: Option<UserId>,
    pub changed_at: DateTime<Utc>,
}
branch_record!(EnrolmentLogRow, "enrolment_log");

static LOG_COLUMNS: Columns = columns!(EnrolmentLogRow, "");

pub fn enrolment_log(conn: &Connection, enrolment: EnrolmentId) -> Result<Vec<EnrolmentLogRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LOG_COLUMNS} FROM enrolment_log WHERE enrolment_id = ?1 ORDER BY changed_at, id"
    ))?;
    Ok(read::all(&mut stmt, [enrolment.to_string()])?)
}
