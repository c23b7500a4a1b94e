//! The rows of quizzes and their SQL: the quiz (organisation), its
//! publication to a batch, the attempts and the answers (their branch).

use crate::db::read;
use crate::write::{branch_record, org_record};
use crate::Result;
use branchdesk_api::ids::{
    BatchId, BranchId, CourseId, QuestionId, QuizAttemptId, QuizId, StudentId, UserId,
};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizRow {
    pub id: QuizId,
    pub name: String,
    pub course_id: CourseId,
    /// `[QuestionId]` as JSON.
    pub question_ids: String,
    /// `[DrawRule]` as JSON.
    pub draw: String,
    pub duration_minutes: i64,
    pub attempts_allowed: i64,
    pub pass_bp: i64,
    pub wrong_choice_penalty_bp: i64,
    pub floor_at_zero: bool,
    pub shuffle: bool,
    pub created_by: UserId,
    pub removed: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
org_record!(QuizRow, "quizzes");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicationRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub quiz_id: QuizId,
    pub batch_id: BatchId,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub released_at: Option<DateTime<Utc>>,
    pub published_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(PublicationRow, "quiz_publications");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptRow {
    pub id: QuizAttemptId,
    pub branch_id: BranchId,
    pub quiz_id: QuizId,
    pub batch_id: BatchId,
    pub student_id: StudentId,
    pub number: i64,
    pub seed: i64,
    /// `[Drawn]` as JSON: the questions and their choices' order.
    pub drawn: String,
    pub time_used_ms: i64,
    pub position: i64,
    pub started_device: String,
    pub started_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(AttemptRow, "quiz_attempts");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub attempt_id: QuizAttemptId,
    pub question_id: QuestionId,
    pub student_id: StudentId,
    /// `[u32]` as JSON: the choices given, as indexes into the question's
    /// own (bank) order.
    pub chosen: String,
    pub typed: String,
    pub flagged: bool,
    /// The desk the answer was last given on.
    pub device: String,
    pub graded_hundredths: Option<i64>,
    pub comment: String,
    pub graded_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(ResponseRow, "quiz_responses");

/// A question of an attempt: which, and the order its choices are shown
/// in (indexes into the bank's order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    pub q: QuestionId,
    pub o: Vec<u32>,
}

impl AttemptRow {
    /// The questions drawn; a row that does not read has none.
    pub fn drawn(&self) -> Vec<Drawn> {
        serde_json::from_str(&self.drawn).unwrap_or_default()
    }
}

impl ResponseRow {
    pub fn chosen(&self) -> Vec<u32> {
        serde_json::from_str(&self.chosen).unwrap_or_default()
    }
}

impl QuizRow {
    pub fn question_ids(&self) -> Vec<QuestionId> {
        serde_json::from_str(&self.question_ids).unwrap_or_default()
    }
    pub fn draw(&self) -> Vec<branchdesk_api::commands::quizzes::DrawRule> {
        serde_json::from_str(&self.draw).unwrap_or_default()
    }
}

static QUIZ_COLUMNS: read::Columns = read::columns!(QuizRow, "");
static PUBLICATION_COLUMNS: read::Columns = read::columns!(PublicationRow, "");
static ATTEMPT_COLUMNS: read::Columns = read::columns!(AttemptRow, "");
static RESPONSE_COLUMNS: read::Columns = read::columns!(ResponseRow, "");

const NAMESPACE: Uuid = Uuid::from_u128(0x7b2e_51c9_0a64_4d1f_b388_e6c2_19f4_a05d);

/// One publication per (quiz, batch).
pub fn publication_id(quiz: QuizId, batch: BatchId) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("publication\u{0}{quiz}\u{0}{batch}").as_bytes())
}

/// One attempt per (quiz, student, number), whichever desk starts it.
pub fn attempt_id(quiz: QuizId, student: StudentId, number: i64) -> QuizAttemptId {
    QuizAttemptId(Uuid::new_v5(
        &NAMESPACE,
        format!("attempt\u{0}{quiz}\u{0}{student}\u{0}{number}").as_bytes(),
    ))
}

/// One answer per (attempt, question).
pub fn response_id(attempt: QuizAttemptId, question: QuestionId) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("response\u{0}{attempt}\u{0}{question}").as_bytes())
}

pub fn quiz_by_id(conn: &Connection, id: QuizId) -> Result<Option<QuizRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {QUIZ_COLUMNS} FROM quizzes WHERE id = ?1"))?
        .query_row([id.to_string()], read::row)
        .optional()?)
}

/// Newest first, the removed left out.
pub fn quizzes(conn: &Connection) -> Result<Vec<QuizRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {QUIZ_COLUMNS} FROM quizzes WHERE removed = 0 ORDER BY created_at DESC, id"
    ))?;
    Ok(read::all(&mut stmt, [])?)
}

pub fn publications_of(conn: &Connection, quiz: QuizId) -> Result<Vec<PublicationRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PUBLICATION_COLUMNS} FROM quiz_publications WHERE quiz_id = ?1 ORDER BY opens_at, id"
    ))?;
    Ok(read::all(&mut stmt, [quiz.to_string()])?)
}

pub fn publication_by_id(conn: &Connection, id: Uuid) -> Result<Option<PublicationRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {PUBLICATION_COLUMNS} FROM quiz_publications WHERE id = ?1"))?
        .query_row([id.to_string()], read::row)
        .optional()?)
}

/// The publications to the batches a student holds a seat in.
pub fn publications_for_student(conn: &Connection, student: StudentId) -> Result<Vec<PublicationRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PUBLICATION_COLUMNS} FROM quiz_publications
         WHERE batch_id IN (SELECT batch_id FROM enrolments WHERE student_id = ?1 AND status IN ('ACTIVE', 'ON_HOLD'))
         ORDER BY opens_at DESC, id"
    ))?;
    Ok(read::all(&mut stmt, [student.to_string()])?)
}

pub fn attempt_by_id(conn: &Connection, id: QuizAttemptId) -> Result<Option<AttemptRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {ATTEMPT_COLUMNS} FROM quiz_attempts WHERE id = ?1"))?
        .query_row([id.to_string()], read::row)
        .optional()?)
}

/// A student's attempts at a quiz, first first.
pub fn attempts_of_student(conn: &Connection, quiz: QuizId, student: StudentId) -> Result<Vec<AttemptRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM quiz_attempts WHERE quiz_id = ?1 AND student_id = ?2 ORDER BY number"
    ))?;
    Ok(read::all(&mut stmt, [quiz.to_string(), student.to_string()])?)
}

/// Every attempt at a quiz (in one batch when given).
pub fn attempts_of(conn: &Connection, quiz: QuizId, batch: Option<BatchId>) -> Result<Vec<AttemptRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM quiz_attempts
         WHERE quiz_id = ?1 AND (?2 IS NULL OR batch_id = ?2) ORDER BY student_id, number"
    ))?;
    Ok(read::all(&mut stmt, rusqlite::params![quiz.to_string(), batch.map(|b| b.to_string())])?)
}

pub fn responses_of(conn: &Connection, attempt: QuizAttemptId) -> Result<Vec<ResponseRow>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {RESPONSE_COLUMNS} FROM quiz_responses WHERE attempt_id = ?1"))?;
    Ok(read::all(&mut stmt, [attempt.to_string()])?)
}

/// The answers of every attempt at a quiz, in one read.
pub fn responses_of_quiz(conn: &Connection, quiz: QuizId) -> Result<Vec<ResponseRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RESPONSE_COLUMNS} FROM quiz_responses
         WHERE attempt_id IN (SELECT id FROM quiz_attempts WHERE quiz_id = ?1)"
    ))?;
    Ok(read::all(&mut stmt, [quiz.to_string()])?)
}

pub fn response_by_id(conn: &Connection, id: Uuid) -> Result<Option<ResponseRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {RESPONSE_COLUMNS} FROM quiz_responses WHERE id = ?1"))?
        .query_row([id.to_string()], read::row)
        .optional()?)
}
