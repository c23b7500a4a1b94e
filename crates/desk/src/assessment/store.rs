//! The rows of paper tests and their SQL: the paper and its sections
//! (organisation), the batches sitting it and the marks (their branch).

use crate::db::read;
use crate::write::{branch_record, org_record};
use crate::Result;
use branchdesk_api::ids::{
    BatchId, BranchId, CourseId, EventId, PaperTestId, StudentId, TestSectionId, UserId,
};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaperTestRow {
    pub id: PaperTestId,
    pub name: String,
    pub course_id: Option<CourseId>,
    pub held_on: NaiveDate,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
org_record!(PaperTestRow, "paper_tests");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionRow {
    pub id: TestSectionId,
    pub test_id: PaperTestId,
    pub name: String,
    pub position: i64,
    pub max_hundredths: i64,
    pub grace_hundredths: i64,
    pub grace_reason: String,
    pub removed: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
org_record!(SectionRow, "paper_test_sections");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SittingRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub test_id: PaperTestId,
    pub batch_id: BatchId,
    pub held_on: NaiveDate,
    pub event_id: Option<EventId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(SittingRow, "test_sittings");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub test_id: PaperTestId,
    pub section_id: TestSectionId,
    pub student_id: StudentId,
    pub batch_id: BatchId,
    pub marks_hundredths: Option<i64>,
    pub absent: bool,
    pub entered_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(MarkRow, "test_marks");

static TEST_COLUMNS: read::Columns = read::columns!(PaperTestRow, "");
static SECTION_COLUMNS: read::Columns = read::columns!(SectionRow, "");
static SITTING_COLUMNS: read::Columns = read::columns!(SittingRow, "");
static MARK_COLUMNS: read::Columns = read::columns!(MarkRow, "");

const NAMESPACE: Uuid = Uuid::from_u128(0x5c1e_7a40_93d2_4b8f_a6e3_2f91_d04c_7b85);

/// One sitting per (test, batch): two desks setting it converge.
pub fn sitting_id(test: PaperTestId, batch: BatchId) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("sitting\u{0}{test}\u{0}{batch}").as_bytes())
}

/// One cell per (section, student): two desks entering it converge.
pub fn mark_id(section: TestSectionId, student: StudentId) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("mark\u{0}{section}\u{0}{student}").as_bytes())
}

pub fn test_by_id(conn: &Connection, id: PaperTestId) -> Result<Option<PaperTestRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {TEST_COLUMNS} FROM paper_tests WHERE id = ?1"))?
        .query_row([id.to_string()], read::row)
        .optional()?)
}

/// Newest first.
pub fn tests(conn: &Connection) -> Result<Vec<PaperTestRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TEST_COLUMNS} FROM paper_tests ORDER BY held_on DESC, created_at DESC"
    ))?;
    Ok(read::all(&mut stmt, [])?)
}

/// A paper's sections in order, the removed ones included.
pub fn sections_of(conn: &Connection, test: PaperTestId) -> Result<Vec<SectionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SECTION_COLUMNS} FROM paper_test_sections WHERE test_id = ?1 ORDER BY position, created_at"
    ))?;
    Ok(read::all(&mut stmt, [test.to_string()])?)
}

pub fn sittings_of(conn: &Connection, test: PaperTestId) -> Result<Vec<SittingRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SITTING_COLUMNS} FROM test_sittings WHERE test_id = ?1 ORDER BY held_on, id"
    ))?;
    Ok(read::all(&mut stmt, [test.to_string()])?)
}

pub fn sitting(conn: &Connection, test: PaperTestId, batch: BatchId) -> Result<Option<SittingRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {SITTING_COLUMNS} FROM test_sittings WHERE id = ?1"))?
        .query_row([sitting_id(test, batch).to_string()], read::row)
        .optional()?)
}

pub fn mark_by_id(conn: &Connection, id: Uuid) -> Result<Option<MarkRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {MARK_COLUMNS} FROM test_marks WHERE id = ?1"))?
        .query_row([id.to_string()], read::row)
        .optional()?)
}

/// Every mark of a test, or of one batch's sitting of it.
pub fn marks_of(conn: &Connection, test: PaperTestId, batch: Option<BatchId>) -> Result<Vec<MarkRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MARK_COLUMNS} FROM test_marks WHERE test_id = ?1 AND (?2 IS NULL OR batch_id = ?2)"
    ))?;
    Ok(read::all(&mut stmt, (test.to_string(), batch.map(|b| b.to_string())))?)
}

/// A student's marks in one test.
pub fn marks_of_student(conn: &Connection, test: PaperTestId, student: StudentId) -> Result<Vec<MarkRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MARK_COLUMNS} FROM test_marks WHERE test_id = ?1 AND student_id = ?2"
    ))?;
    Ok(read::all(&mut stmt, (test.to_string(), student.to_string()))?)
}

/// A student as a rank list names them.
#[derive(Debug, Clone, Deserialize)]
pub struct Entrant {
    pub id: StudentId,
    pub code: String,
    pub full_name: String,
}

/// Everyone a test's rank list may name: the students of its sittings'
/// batches and anyone with marks in it, in one read.
pub fn entrants(conn: &Connection, test: PaperTestId) -> Result<Vec<Entrant>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, code, full_name FROM students WHERE id IN (
             SELECT e.student_id FROM enrolments e JOIN test_sittings t ON t.batch_id = e.batch_id
             WHERE t.test_id = ?1
             UNION SELECT student_id FROM test_marks WHERE test_id = ?1)",
    )?;
    Ok(read::all(&mut stmt, [test.to_string()])?)
}

/// Whether a student sits a batch's sitting: holds a seat in the batch, or
/// has marks entered there already.
pub fn sits(conn: &Connection, test: PaperTestId, batch: BatchId, student: StudentId) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM enrolments WHERE batch_id = ?2 AND student_id = ?3
                              AND status IN ('ACTIVE', 'ON_HOLD'))
                 OR EXISTS (SELECT 1 FROM test_marks WHERE test_id = ?1 AND batch_id = ?2 AND student_id = ?3)",
        )?
        .query_row((test.to_string(), batch.to_string(), student.to_string()), read::value)?)
}

/// Every ranked student's total in a test (each live section with its
/// grace, capped at its maximum; absent and blank cells count nothing; a
/// student with nothing that counts is not here), in one read.
pub fn totals_of(conn: &Connection, test: PaperTestId) -> Result<Vec<(StudentId, i64)>> {
    #[derive(Deserialize)]
    struct Total {
        student_id: StudentId,
        total: i64,
    }
    let mut stmt = conn.prepare_cached(
        "SELECT m.student_id, sum(min(s.max_hundredths, m.marks_hundredths + s.grace_hundredths)) AS total
         FROM test_marks m JOIN paper_test_sections s ON s.id = m.section_id AND s.removed = 0
         WHERE m.test_id = ?1 AND m.absent = 0 AND m.marks_hundredths IS NOT NULL
         GROUP BY m.student_id",
    )?;
    let rows: Vec<Total> = read::all(&mut stmt, [test.to_string()])?;
    Ok(rows.into_iter().map(|t| (t.student_id, t.total)).collect())
}

/// The sittings a student sat: those of batches they were enrolled in and
/// any they have marks in, newest first.
pub fn sittings_of_student(conn: &Connection, student: StudentId) -> Result<Vec<SittingRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SITTING_COLUMNS} FROM test_sittings t
         WHERE t.batch_id IN (SELECT batch_id FROM enrolments WHERE student_id = ?1)
            OR EXISTS (SELECT 1 FROM test_marks m WHERE m.test_id = t.test_id AND m.batch_id = t.batch_id
                       AND m.student_id = ?1)
         ORDER BY t.held_on DESC, t.id"
    ))?;
    Ok(read::all(&mut stmt, [student.to_string()])?)
}

/// The exam event of the timetable on `day` for `batch` (or for its whole
/// branch when the batch has none of its own), if any.
pub fn exam_on(
    conn: &Connection,
    branch: BranchId,
    batch: BatchId,
    day: NaiveDate,
) -> Result<Option<EventId>> {
    #[derive(Deserialize)]
    struct Exam {
        id: EventId,
    }
    let exam: Option<Exam> = conn
        .prepare_cached(
            "SELECT id FROM events
             WHERE branch_id = ?1 AND kind = 'EXAM' AND deleted_at IS NULL
               AND (batch_id = ?2 OR batch_id IS NULL) AND start_date <= ?3 AND end_date >= ?3
             ORDER BY batch_id IS NULL, start_date, id LIMIT 1",
        )?
        .query_row((branch.to_string(), batch.to_string(), day.to_string()), read::row)
        .optional()?;
    Ok(exam.map(|e| e.id))
}
