//! Rows and SQL for curriculum versions, modules, lessons, resources and
//! assignments.

use crate::names::Names;
use crate::write::org_record;
use crate::Result;
use branchdesk_api::commands::academics::CurriculumStatus;
use branchdesk_api::ids::{AssignmentId, CourseId, CurriculumId, LessonId, ModuleId, ResourceId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CurriculumRow {
    pub id: CurriculumId,
    pub course_id: CourseId,
    pub teacher_id: Option<UserId>,
    pub version: u32,
    pub label: String,
    pub status: CurriculumStatus,
    pub created_by: Option<UserId>,
    pub copied_from: Option<CurriculumId>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewer_id: Option<UserId>,
    pub review_comment: String,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
org_record!(CurriculumRow, "curricula");

impl CurriculumRow {
    /// "v3 official" or "v4 (Ravi Kumar)".
    pub fn short_label(&self, names: &Names) -> String {
        match self.teacher_id {
            None => format!("v{} official", self.version),
            Some(t) => format!("v{} ({})", self.version, names.user(t)),
        }
    }
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ModuleRow {
    pub id: ModuleId,
    pub curriculum_id: CurriculumId,
    pub position: i64,
    pub title: String,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
org_record!(ModuleRow, "curriculum_modules");

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct LessonRow {
    pub id: LessonId,
    pub curriculum_id: CurriculumId,
    pub module_id: ModuleId,
    pub position: i64,
    pub title: String,
    pub notes: String,
    pub video_url: String,
    pub weightage_bp: u32,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
org_record!(LessonRow, "curriculum_lessons");

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ResourceRow {
    pub id: ResourceId,
    pub lesson_id: LessonId,
    pub title: String,
    pub url: String,
    pub file_name: String,
    pub content_b64: Option<String>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
org_record!(ResourceRow, "lesson_resources");

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct AssignmentRow {
    pub id: AssignmentId,
    pub curriculum_id: CurriculumId,
    pub lesson_id: Option<LessonId>,
    pub title: String,
    pub instructions: String,
    pub due_date: Option<NaiveDate>,
    pub max_marks: u32,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
org_record!(AssignmentRow, "assignments");

const CURRICULUM_COLUMNS: &str = "id, course_id, teacher_id, version, label, status, created_by, copied_from,
    submitted_at, reviewer_id, review_comment, reviewed_at, created_at, updated_at";

pub(crate) fn curriculum_from_row(r: &Row<'_>) -> rusqlite::Result<CurriculumRow> {
    crate::db::read::row(r)
}

pub fn by_id(conn: &Connection, id: CurriculumId) -> Result<Option<CurriculumRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {CURRICULUM_COLUMNS} FROM curricula WHERE id = ?1"))?
        .query_row([id.to_string()], curriculum_from_row)
        .optional()?)
}

pub(crate) fn of_course(conn: &Connection, course: CourseId) -> Result<Vec<CurriculumRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CURRICULUM_COLUMNS} FROM curricula WHERE course_id = ?1 ORDER BY version DESC, id"
    ))?;
    let rows = stmt.query_map([course.to_string()], curriculum_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The version a new batch of `teacher` follows: their newest approved
/// version of the course, else the newest approved official one.
pub fn default_for(conn: &Connection, course: CourseId, teacher: UserId) -> Result<Option<CurriculumRow>> {
    let approved: Vec<CurriculumRow> =
        of_course(conn, course)?.into_iter().filter(|c| c.status == CurriculumStatus::Approved).collect();
    let own = approved.iter().find(|c| c.teacher_id == Some(teacher));
    Ok(own.or_else(|| approved.iter().find(|c| c.teacher_id.is_none())).cloned())
}

const MODULE_COLUMNS: &str = "id, curriculum_id, position, title, deleted_at, created_at, updated_at";

pub(crate) fn module_from_row(r: &Row<'_>) -> rusqlite::Result<ModuleRow> {
    crate::db::read::row(r)
}

pub(crate) fn module_by_id(conn: &Connection, id: ModuleId) -> Result<Option<ModuleRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {MODULE_COLUMNS} FROM curriculum_modules WHERE id = ?1 AND deleted_at IS NULL"
        ))?
        .query_row([id.to_string()], module_from_row)
        .optional()?)
}

pub(crate) fn modules_of(conn: &Connection, curriculum: CurriculumId) -> Result<Vec<ModuleRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MODULE_COLUMNS} FROM curriculum_modules
         WHERE curriculum_id = ?1 AND deleted_at IS NULL ORDER BY position, id"
    ))?;
    let rows = stmt.query_map([curriculum.to_string()], module_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn lessons_of(conn: &Connection, curriculum: CurriculumId) -> Result<Vec<LessonRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.curriculum_id, l.module_id, l.position, l.title, l.notes, l.video_url, l.weightage_bp,
                l.deleted_at, l.created_at, l.updated_at
         FROM curriculum_lessons l JOIN curriculum_modules m ON m.id = l.module_id AND m.deleted_at IS NULL
         WHERE l.curriculum_id = ?1 AND l.deleted_at IS NULL ORDER BY l.position, l.id",
    )?;
    let rows = stmt.query_map([curriculum.to_string()], crate::db::read::row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn resources_of(conn: &Connection, curriculum: CurriculumId) -> Result<Vec<ResourceRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.lesson_id, r.title, r.url, r.file_name, r.content_b64, r.deleted_at, r.created_at, r.updated_at
         FROM lesson_resources r JOIN curriculum_lessons l ON l.id = r.lesson_id
         WHERE l.curriculum_id = ?1 AND r.deleted_at IS NULL ORDER BY r.created_at, r.id",
    )?;
    let rows = stmt.query_map([curriculum.to_string()], crate::db::read::row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn assignments_of(conn: &Connection, curriculum: CurriculumId) -> Result<Vec<AssignmentRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, curriculum_id, lesson_id, title, instructions, due_date, max_marks, deleted_at, created_at,
                updated_at
         FROM assignments WHERE curriculum_id = ?1 AND deleted_at IS NULL ORDER BY due_date, created_at, id",
    )?;
    let rows = stmt.query_map([curriculum.to_string()], crate::db::read::row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
