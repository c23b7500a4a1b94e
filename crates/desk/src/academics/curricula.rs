//! Curriculum versions and their contents, and the approval workflow:
//! DRAFT → PENDING_APPROVAL → APPROVED or REJECTED (rejected ones are
//! edited and submitted again). An approved version never changes; it is
//! copied into a new draft.

use crate::db::cols;
use crate::timetable::slots::parse_date;
use crate::timetable::store::Names;
use crate::write::{org_record, Write};
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::academics::{
    Assignment, CreateCurriculum, Curriculum, CurriculumPart, CurriculumStatus, CurriculumSummary,
    GetCurriculum, Lesson, LessonResource, ListCurricula, Module, MoveCurriculumPart, RemoveCurriculumPart,
    ReviewCurriculum, SaveAssignment, SaveLesson, SaveLessonResource, SaveModule, SaveResourceFile,
    SubmitCurriculum, FULL_WEIGHTAGE_BP, MAX_ATTACHMENT_BYTES,
};
use branchdesk_api::ids::{AssignmentId, CourseId, CurriculumId, LessonId, ModuleId, ResourceId, UserId};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct CurriculumRow {
    pub id: Uuid,
    pub course_id: Uuid,
    pub teacher_id: Option<Uuid>,
    pub version: u32,
    pub label: String,
    pub status: String,
    pub created_by: Option<Uuid>,
    pub copied_from: Option<Uuid>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewer_id: Option<Uuid>,
    pub review_comment: String,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
org_record!(CurriculumRow, "curricula");

impl CurriculumRow {
    pub fn status(&self) -> CurriculumStatus {
        CurriculumStatus::parse(&self.status).unwrap_or_default()
    }

    /// "v3 official" or "v4 (Ravi Kumar)".
    pub fn short_label(&self, names: &Names) -> String {
        match self.teacher_id {
            None => format!("v{} official", self.version),
            Some(t) => format!("v{} ({})", self.version, names.user(t)),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ModuleRow {
    pub id: Uuid,
    pub curriculum_id: Uuid,
    pub position: i64,
    pub title: String,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
org_record!(ModuleRow, "curriculum_modules");

#[derive(Debug, Clone, Serialize)]
pub struct LessonRow {
    pub id: Uuid,
    pub curriculum_id: Uuid,
    pub module_id: Uuid,
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

#[derive(Debug, Clone, Serialize)]
pub struct ResourceRow {
    pub id: Uuid,
    pub lesson_id: Uuid,
    pub title: String,
    pub url: String,
    pub file_name: String,
    pub content_b64: Option<String>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
org_record!(ResourceRow, "lesson_resources");

#[derive(Debug, Clone, Serialize)]
pub struct AssignmentRow {
    pub id: Uuid,
    pub curriculum_id: Uuid,
    pub lesson_id: Option<Uuid>,
    pub title: String,
    pub instructions: String,
    pub due_date: Option<NaiveDate>,
    pub max_marks: u32,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
org_record!(AssignmentRow, "assignments");

// ------------------------------------------------------------------ SQL

const CURRICULUM_COLUMNS: &str = "id, course_id, teacher_id, version, label, status, created_by, copied_from,
    submitted_at, reviewer_id, review_comment, reviewed_at, created_at, updated_at";

fn curriculum_from_row(r: &Row<'_>) -> rusqlite::Result<CurriculumRow> {
    Ok(CurriculumRow {
        id: cols::uuid(r, 0)?,
        course_id: cols::uuid(r, 1)?,
        teacher_id: cols::opt_uuid(r, 2)?,
        version: r.get(3)?,
        label: r.get(4)?,
        status: r.get(5)?,
        created_by: cols::opt_uuid(r, 6)?,
        copied_from: cols::opt_uuid(r, 7)?,
        submitted_at: cols::opt_time(r, 8)?,
        reviewer_id: cols::opt_uuid(r, 9)?,
        review_comment: r.get(10)?,
        reviewed_at: cols::opt_time(r, 11)?,
        created_at: cols::time(r, 12)?,
        updated_at: cols::time(r, 13)?,
    })
}

pub fn by_id(conn: &Connection, id: Uuid) -> Result<Option<CurriculumRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {CURRICULUM_COLUMNS} FROM curricula WHERE id = ?1"))?
        .query_row([id.to_string()], curriculum_from_row)
        .optional()?)
}

fn of_course(conn: &Connection, course: Uuid) -> Result<Vec<CurriculumRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CURRICULUM_COLUMNS} FROM curricula WHERE course_id = ?1 ORDER BY version DESC, id"
    ))?;
    let rows = stmt.query_map([course.to_string()], curriculum_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The version a new batch of `teacher` follows: their newest approved
/// version of the course, else the newest approved official one.
pub fn default_for(conn: &Connection, course: Uuid, teacher: Uuid) -> Result<Option<CurriculumRow>> {
    let approved: Vec<CurriculumRow> =
        of_course(conn, course)?.into_iter().filter(|c| c.status() == CurriculumStatus::Approved).collect();
    let own = approved.iter().find(|c| c.teacher_id == Some(teacher));
    Ok(own.or_else(|| approved.iter().find(|c| c.teacher_id.is_none())).cloned())
}

const MODULE_COLUMNS: &str = "id, curriculum_id, position, title, deleted_at, created_at, updated_at";

fn module_from_row(r: &Row<'_>) -> rusqlite::Result<ModuleRow> {
    Ok(ModuleRow {
        id: cols::uuid(r, 0)?,
        curriculum_id: cols::uuid(r, 1)?,
        position: r.get(2)?,
        title: r.get(3)?,
        deleted_at: cols::opt_time(r, 4)?,
        created_at: cols::time(r, 5)?,
        updated_at: cols::time(r, 6)?,
    })
}

fn module_by_id(conn: &Connection, id: Uuid) -> Result<Option<ModuleRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {MODULE_COLUMNS} FROM curriculum_modules WHERE id = ?1 AND deleted_at IS NULL"
        ))?
        .query_row([id.to_string()], module_from_row)
        .optional()?)
}

fn modules_of(conn: &Connection, curriculum: Uuid) -> Result<Vec<ModuleRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MODULE_COLUMNS} FROM curriculum_modules
         WHERE curriculum_id = ?1 AND deleted_at IS NULL ORDER BY position, id"
    ))?;
    let rows = stmt.query_map([curriculum.to_string()], module_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn lessons_of(conn: &Connection, curriculum: Uuid) -> Result<Vec<LessonRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.curriculum_id, l.module_id, l.position, l.title, l.notes, l.video_url, l.weightage_bp,
                l.deleted_at, l.created_at, l.updated_at
         FROM curriculum_lessons l JOIN curriculum_modules m ON m.id = l.module_id AND m.deleted_at IS NULL
         WHERE l.curriculum_id = ?1 AND l.deleted_at IS NULL ORDER BY l.position, l.id",
    )?;
    let rows = stmt.query_map([curriculum.to_string()], |r| {
        Ok(LessonRow {
            id: cols::uuid(r, 0)?,
            curriculum_id: cols::uuid(r, 1)?,
            module_id: cols::uuid(r, 2)?,
            position: r.get(3)?,
            title: r.get(4)?,
            notes: r.get(5)?,
            video_url: r.get(6)?,
            weightage_bp: r.get(7)?,
            deleted_at: cols::opt_time(r, 8)?,
            created_at: cols::time(r, 9)?,
            updated_at: cols::time(r, 10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn resources_of(conn: &Connection, curriculum: Uuid) -> Result<Vec<ResourceRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.lesson_id, r.title, r.url, r.file_name, r.content_b64, r.deleted_at, r.created_at, r.updated_at
         FROM lesson_resources r JOIN curriculum_lessons l ON l.id = r.lesson_id
         WHERE l.curriculum_id = ?1 AND r.deleted_at IS NULL ORDER BY r.created_at, r.id",
    )?;
    let rows = stmt.query_map([curriculum.to_string()], |r| {
        Ok(ResourceRow {
            id: cols::uuid(r, 0)?,
            lesson_id: cols::uuid(r, 1)?,
            title: r.get(2)?,
            url: r.get(3)?,
            file_name: r.get(4)?,
            content_b64: r.get(5)?,
            deleted_at: cols::opt_time(r, 6)?,
            created_at: cols::time(r, 7)?,
            updated_at: cols::time(r, 8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn assignments_of(conn: &Connection, curriculum: Uuid) -> Result<Vec<AssignmentRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, curriculum_id, lesson_id, title, instructions, due_date, max_marks, deleted_at, created_at,
                updated_at
         FROM assignments WHERE curriculum_id = ?1 AND deleted_at IS NULL ORDER BY due_date, created_at, id",
    )?;
    let rows = stmt.query_map([curriculum.to_string()], |r| {
        Ok(AssignmentRow {
            id: cols::uuid(r, 0)?,
            curriculum_id: cols::uuid(r, 1)?,
            lesson_id: cols::opt_uuid(r, 2)?,
            title: r.get(3)?,
            instructions: r.get(4)?,
            due_date: cols::opt_date(r, 5)?,
            max_marks: r.get(6)?,
            deleted_at: cols::opt_time(r, 7)?,
            created_at: cols::time(r, 8)?,
            updated_at: cols::time(r, 9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Everything of a version, read once.
struct Contents {
    modules: Vec<ModuleRow>,
    lessons: Vec<LessonRow>,
    resources: Vec<ResourceRow>,
    assignments: Vec<AssignmentRow>,
}

impl Contents {
    fn load(conn: &Connection, curriculum: Uuid) -> Result<Contents> {
        Ok(Contents {
            modules: modules_of(conn, curriculum)?,
            lessons: lessons_of(conn, curriculum)?,
            resources: resources_of(conn, curriculum)?,
            assignments: assignments_of(conn, curriculum)?,
        })
    }

    fn weightage_total(&self) -> u32 {
        self.lessons.iter().map(|l| l.weightage_bp).sum()
    }
}

fn summary(c: &CurriculumRow, contents: &Contents, names: &Names) -> CurriculumSummary {
    CurriculumSummary {
        id: CurriculumId(c.id),
        course_id: CourseId(c.course_id),
        version: c.version,
        label: c.label.clone(),
        teacher_id: c.teacher_id.map(UserId),
        teacher_name: c.teacher_id.map(|t| names.user(t)),
        status: c.status(),
        created_by: c.created_by.map(UserId),
        reviewer_name: c.reviewer_id.map(|t| names.user(t)),
        review_comment: c.review_comment.clone(),
        weightage_total_bp: contents.weightage_total(),
        lesson_count: contents.lessons.len() as u32,
    }
}

/// A version with its modules, lessons, resources and assignments.
pub(crate) fn full_view(conn: &Connection, c: &CurriculumRow) -> Result<Curriculum> {
    let names = Names::load(conn, None)?;
    let contents = Contents::load(conn, c.id)?;
    let modules = contents
        .modules
        .iter()
        .map(|m| Module {
            id: ModuleId(m.id),
            title: m.title.clone(),
            lessons: contents
                .lessons
                .iter()
                .filter(|l| l.module_id == m.id)
                .map(|l| Lesson {
                    id: LessonId(l.id),
                    module_id: ModuleId(m.id),
                    title: l.title.clone(),
                    notes: l.notes.clone(),
                    video_url: l.video_url.clone(),
                    weightage_bp: l.weightage_bp,
                    resources: contents
                        .resources
                        .iter()
                        .filter(|r| r.lesson_id == l.id)
                        .map(|r| LessonResource {
                            file_name: r.content_b64.as_ref().map(|_| r.file_name.clone()),
                            id: ResourceId(r.id),
                            title: r.title.clone(),
                            url: r.url.clone(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let assignments = contents
        .assignments
        .iter()
        .map(|a| Assignment {
            id: AssignmentId(a.id),
            lesson_id: a.lesson_id.map(LessonId),
            title: a.title.clone(),
            instructions: a.instructions.clone(),
            due_date: a.due_date.map(|d| d.to_string()),
            max_marks: a.max_marks,
        })
        .collect();
    Ok(Curriculum { summary: summary(c, &contents, &names), modules, assignments })
}

// ------------------------------------------------------------ services

/// May `actor` change this version's contents or submit it? The official
/// version needs "manage courses" over the organisation; a teacher's own
/// version its teacher (with "draft curriculum") too.
fn require_author(actor: &Actor, c: &CurriculumRow) -> Result<(), ApiError> {
    if actor.can(Permission::ManageCourse, None) {
        return Ok(());
    }
    if c.teacher_id == Some(actor.user_id.0) && actor.require_somewhere(Permission::DraftCurriculum).is_ok() {
        return Ok(());
    }
    Err(ApiError::denied("Only the course managers, or the teacher whose version this is, may change it."))
}

/// Before any lookup: may `actor` draft curriculum contents anywhere?
fn require_drafter(actor: &Actor) -> Result<(), ApiError> {
    if actor.can(Permission::ManageCourse, None) {
        return Ok(());
    }
    actor.require_somewhere(Permission::DraftCurriculum)
}

fn require_editable(c: &CurriculumRow) -> Result<(), ApiError> {
    if c.status().editable() {
        return Ok(());
    }
    let why = match c.status() {
        CurriculumStatus::Approved => {
            "This version is approved and can no longer change; copy it into a new draft."
        }
        _ => "This version is waiting for approval; it can change again if it is rejected.",
    };
    Err(ApiError::conflict(why).on("curriculum_id"))
}

impl Desk {
    /// Loads a version for a change of its contents by `actor`.
    fn curriculum_for_edit(&self, actor: &Actor, id: Uuid) -> Result<CurriculumRow> {
        let c = by_id(&self.db().conn, id)?
            .ok_or_else(|| ApiError::not_found("curriculum").on("curriculum_id"))?;
        require_author(actor, &c)?;
        require_editable(&c)?;
        Ok(c)
    }

    fn curriculum_view(&self, id: Uuid) -> Result<Curriculum> {
        let db = self.db();
        let c = by_id(&db.conn, id)?.ok_or_else(|| ApiError::not_found("curriculum"))?;
        full_view(&db.conn, &c)
    }

    pub fn list_curricula(&self, actor: &Actor, input: ListCurricula) -> Result<Vec<CurriculumSummary>> {
        actor.require_somewhere(Permission::ViewBatch)?;
        let db = self.db();
        let names = Names::load(&db.conn, None)?;
        of_course(&db.conn, input.course_id.0)?
            .iter()
            .map(|c| Ok(summary(c, &Contents::load(&db.conn, c.id)?, &names)))
            .collect()
    }

    pub fn get_curriculum(&self, actor: &Actor, input: GetCurriculum) -> Result<Curriculum> {
        actor.require_somewhere(Permission::ViewBatch)?;
        let db = self.db();
        let c = by_id(&db.conn, input.id.0)?.ok_or_else(|| ApiError::not_found("curriculum").on("id"))?;
        full_view(&db.conn, &c)
    }

    pub fn create_curriculum(&self, actor: &Actor, input: CreateCurriculum) -> Result<CurriculumSummary> {
        let label = validate::optional("label", &input.label, 60)?;
        match input.teacher_id {
            Some(t) if t == actor.user_id && !actor.can(Permission::ManageCourse, None) => {
                actor.require_somewhere(Permission::DraftCurriculum)?
            }
            _ => actor.require(Permission::ManageCourse, None)?,
        }
        let (source, version) = {
            let db = self.db();
            let course = crate::academics::courses::by_id(&db.conn, input.course_id.0)?
                .ok_or_else(|| ApiError::invalid("course_id", "Choose a course from the list."))?;
            if let Some(t) = input.teacher_id {
                crate::users::store::by_id(&db.conn, t.0)?
                    .filter(|u| u.active)
                    .ok_or_else(|| ApiError::invalid("teacher_id", "Choose a teacher from the list."))?;
            }
            let source = match input.copy_from {
                Some(id) => {
                    let c = by_id(&db.conn, id.0)?.filter(|c| c.course_id == course.id).ok_or_else(|| {
                        ApiError::invalid("copy_from", "Choose a version of this course to copy.")
                    })?;
                    Some((c.id, Contents::load(&db.conn, c.id)?))
                }
                None => None,
            };
            let version = of_course(&db.conn, course.id)?.iter().map(|c| c.version).max().unwrap_or(0) + 1;
            (source, version)
        };
        let row = self.write(Some(actor.user_id), |w| {
            let now = w.now();
            let row = CurriculumRow {
                id: Uuid::now_v7(),
                course_id: input.course_id.0,
                teacher_id: input.teacher_id.map(|t| t.0),
                version,
                label,
                status: CurriculumStatus::Draft.as_str().into(),
                created_by: Some(actor.user_id.0),
                copied_from: source.as_ref().map(|(id, _)| *id),
                submitted_at: None,
                reviewer_id: None,
                review_comment: String::new(),
                reviewed_at: None,
                created_at: now,
                updated_at: now,
            };
            w.insert(&row)?;
            if let Some((_, contents)) = &source {
                copy_contents(w, contents, row.id)?;
            }
            Ok(row)
        })?;
        let db = self.db();
        Ok(summary(&row, &Contents::load(&db.conn, row.id)?, &Names::load(&db.conn, None)?))
    }

    pub fn save_module(&self, actor: &Actor, input: SaveModule) -> Result<Curriculum> {
        require_drafter(actor)?;
        let title = validate::required("title", "module title", &input.title, 120)?;
        let c = self.curriculum_for_edit(actor, input.curriculum_id.0)?;
        let (old, next_position) = {
            let db = self.db();
            let modules = modules_of(&db.conn, c.id)?;
            let old = match input.id {
                Some(id) => Some(
                    modules
                        .iter()
                        .find(|m| m.id == id.0)
                        .cloned()
                        .ok_or_else(|| ApiError::not_found("module").on("id"))?,
                ),
                None => None,
            };
            (old, modules.iter().map(|m| m.position).max().unwrap_or(0) + 1)
        };
        self.write(Some(actor.user_id), |w| {
            let now = w.now();
            match old {
                Some(old) => {
                    let new = ModuleRow { title, updated_at: now, ..old.clone() };
                    w.update(&old, &new)?;
                }
                None => w.insert(&ModuleRow {
                    id: Uuid::now_v7(),
                    curriculum_id: c.id,
                    position: next_position,
                    title,
                    deleted_at: None,
                    created_at: now,
                    updated_at: now,
                })?,
            }
            Ok(())
        })?;
        self.curriculum_view(c.id)
    }

    pub fn save_lesson(&self, actor: &Actor, input: SaveLesson) -> Result<Curriculum> {
        require_drafter(actor)?;
        let title = validate::required("title", "lesson title", &input.title, 120)?;
        let notes = validate::optional("notes", &input.notes, 5000)?;
        let video_url = validate::url("video_url", &input.video_url)?;
        if input.weightage_bp > FULL_WEIGHTAGE_BP {
            return Err(ApiError::invalid("weightage_bp", "A lesson's weightage is at most 100 %.").into());
        }
        let (module, lessons) = {
            let db = self.db();
            let module = module_by_id(&db.conn, input.module_id.0)?
                .ok_or_else(|| ApiError::invalid("module_id", "Choose a module of this curriculum."))?;
            let lessons = lessons_of(&db.conn, module.curriculum_id)?;
            (module, lessons)
        };
        let c = self.curriculum_for_edit(actor, module.curriculum_id)?;
        let old = match input.id {
            Some(id) => Some(
                lessons
                    .iter()
                    .find(|l| l.id == id.0)
                    .cloned()
                    .ok_or_else(|| ApiError::not_found("lesson").on("id"))?,
            ),
            None => None,
        };
        let next_position =
            lessons.iter().filter(|l| l.module_id == module.id).map(|l| l.position).max().unwrap_or(0) + 1;
        self.write(Some(actor.user_id), |w| {
            let now = w.now();
            match old {
                Some(old) => {
                    let moved = old.module_id != module.id;
                    let new = LessonRow {
                        module_id: module.id,
                        position: if moved { next_position } else { old.position },
                        title,
                        notes,
                        video_url,
                        weightage_bp: input.weightage_bp,
                        updated_at: now,
                        ..old.clone()
                    };
                    w.update(&old, &new)?;
                }
                None => w.insert(&LessonRow {
                    id: Uuid::now_v7(),
                    curriculum_id: c.id,
                    module_id: module.id,
                    position: next_position,
                    title,
                    notes,
                    video_url,
                    weightage_bp: input.weightage_bp,
                    deleted_at: None,
                    created_at: now,
                    updated_at: now,
                })?,
            }
            Ok(())
        })?;
        self.curriculum_view(c.id)
    }

    pub fn save_lesson_resource(&self, actor: &Actor, input: SaveLessonResource) -> Result<Curriculum> {
        require_drafter(actor)?;
        let title = validate::required("title", "resource title", &input.title, 120)?;
        let url = validate::url("url", &input.url)?;
        let (file_name, content_b64) = attachment(&input)?;
        if url.is_empty() == content_b64.is_none() {
            return Err(ApiError::invalid("url", "Give either a link or a file.").into());
        }
        let curriculum = self.lesson_curriculum(input.lesson_id)?;
        let c = self.curriculum_for_edit(actor, curriculum)?;
        let old = match input.id {
            Some(id) => Some(
                resources_of(&self.db().conn, c.id)?
                    .into_iter()
                    .find(|r| r.id == id.0)
                    .ok_or_else(|| ApiError::not_found("resource").on("id"))?,
            ),
            None => None,
        };
        self.write(Some(actor.user_id), |w| {
            let now = w.now();
            match old {
                Some(old) => {
                    let new = ResourceRow {
                        lesson_id: input.lesson_id.0,
                        title,
                        url,
                        file_name,
                        content_b64,
                        updated_at: now,
                        ..old.clone()
                    };
                    w.update(&old, &new)?;
                }
                None => w.insert(&ResourceRow {
                    id: Uuid::now_v7(),
                    lesson_id: input.lesson_id.0,
                    title,
                    url,
                    file_name,
                    content_b64,
                    deleted_at: None,
                    created_at: now,
                    updated_at: now,
                })?,
            }
            Ok(())
        })?;
        self.curriculum_view(c.id)
    }

    /// The curriculum a live lesson belongs to.
    fn lesson_curriculum(&self, lesson: LessonId) -> Result<Uuid> {
        Ok(self
            .db()
            .conn
            .query_row(
                "SELECT curriculum_id FROM curriculum_lessons WHERE id = ?1 AND deleted_at IS NULL",
                [lesson.to_string()],
                |r| cols::uuid(r, 0),
            )
            .optional()?
            .ok_or_else(|| ApiError::invalid("lesson_id", "Choose a lesson of this curriculum."))?)
    }

    pub fn save_assignment(&self, actor: &Actor, input: SaveAssignment) -> Result<Curriculum> {
        require_drafter(actor)?;
        let title = validate::required("title", "assignment title", &input.title, 120)?;
        let instructions = validate::optional("instructions", &input.instructions, 5000)?;
        let due_date = if input.due_date.trim().is_empty() {
            None
        } else {
            Some(parse_date("due_date", &input.due_date)?)
        };
        if input.max_marks == 0 || input.max_marks > 1000 {
            return Err(ApiError::invalid("max_marks", "Enter the maximum marks, from 1 to 1,000.").into());
        }
        let c = self.curriculum_for_edit(actor, input.curriculum_id.0)?;
        if let Some(l) = input.lesson_id {
            if self.lesson_curriculum(l).ok() != Some(c.id) {
                return Err(ApiError::invalid("lesson_id", "Choose a lesson of this curriculum.").into());
            }
        }
        let old = match input.id {
            Some(id) => Some(
                assignments_of(&self.db().conn, c.id)?
                    .into_iter()
                    .find(|a| a.id == id.0)
                    .ok_or_else(|| ApiError::not_found("assignment").on("id"))?,
            ),
            None => None,
        };
        self.write(Some(actor.user_id), |w| {
            let now = w.now();
            let row = AssignmentRow {
                id: old.as_ref().map(|o| o.id).unwrap_or_else(Uuid::now_v7),
                curriculum_id: c.id,
                lesson_id: input.lesson_id.map(|l| l.0),
                title,
                instructions,
                due_date,
                max_marks: input.max_marks,
                deleted_at: None,
                created_at: old.as_ref().map(|o| o.created_at).unwrap_or(now),
                updated_at: now,
            };
            match &old {
                Some(old) => {
                    w.update(old, &row)?;
                }
                None => w.insert(&row)?,
            }
            Ok(())
        })?;
        self.curriculum_view(c.id)
    }

    /// Swaps a module or lesson with its neighbour (Alt+↑ / Alt+↓ in the editor).
    pub fn move_curriculum_part(&self, actor: &Actor, input: MoveCurriculumPart) -> Result<Curriculum> {
        require_drafter(actor)?;
        let curriculum = self.part_curriculum(input.part, input.id)?;
        let c = self.curriculum_for_edit(actor, curriculum)?;
        let contents = Contents::load(&self.db().conn, c.id)?;
        self.write(Some(actor.user_id), |w| {
            let now = w.now();
            match input.part {
                CurriculumPart::Module => {
                    let list = &contents.modules;
                    if let Some((a, b)) = neighbours(list.iter().map(|m| m.id).collect(), input.id, input.up)
                    {
                        let (ma, mb) = (&list[a], &list[b]);
                        let (pa, pb) = distinct_positions(ma.position, mb.position, a < b);
                        w.update(ma, &ModuleRow { position: pb, updated_at: now, ..ma.clone() })?;
                        w.update(mb, &ModuleRow { position: pa, updated_at: now, ..mb.clone() })?;
                    }
                }
                CurriculumPart::Lesson => {
                    let module = contents.lessons.iter().find(|l| l.id == input.id).map(|l| l.module_id);
                    let list: Vec<&LessonRow> =
                        contents.lessons.iter().filter(|l| Some(l.module_id) == module).collect();
                    if let Some((a, b)) = neighbours(list.iter().map(|l| l.id).collect(), input.id, input.up)
                    {
                        let (la, lb) = (list[a], list[b]);
                        let (pa, pb) = distinct_positions(la.position, lb.position, a < b);
                        w.update(la, &LessonRow { position: pb, updated_at: now, ..la.clone() })?;
                        w.update(lb, &LessonRow { position: pa, updated_at: now, ..lb.clone() })?;
                    }
                }
                _ => return Err(ApiError::invalid("part", "Only modules and lessons have an order.").into()),
            }
            Ok(())
        })?;
        self.curriculum_view(c.id)
    }

    pub fn remove_curriculum_part(&self, actor: &Actor, input: RemoveCurriculumPart) -> Result<Curriculum> {
        require_drafter(actor)?;
        let curriculum = self.part_curriculum(input.part, input.id)?;
        let c = self.curriculum_for_edit(actor, curriculum)?;
        let contents = Contents::load(&self.db().conn, c.id)?;
        self.write(Some(actor.user_id), |w| {
            let now = Some(w.now());
            match input.part {
                CurriculumPart::Module => {
                    for m in contents.modules.iter().filter(|m| m.id == input.id) {
                        w.update(m, &ModuleRow { deleted_at: now, ..m.clone() })?;
                    }
                    for l in contents.lessons.iter().filter(|l| l.module_id == input.id) {
                        w.update(l, &LessonRow { deleted_at: now, ..l.clone() })?;
                    }
                }
                CurriculumPart::Lesson => {
                    for l in contents.lessons.iter().filter(|l| l.id == input.id) {
                        w.update(l, &LessonRow { deleted_at: now, ..l.clone() })?;
                    }
                }
                CurriculumPart::Resource => {
                    for r in contents.resources.iter().filter(|r| r.id == input.id) {
                        w.update(r, &ResourceRow { deleted_at: now, ..r.clone() })?;
                    }
                }
                CurriculumPart::Assignment => {
                    for a in contents.assignments.iter().filter(|a| a.id == input.id) {
                        w.update(a, &AssignmentRow { deleted_at: now, ..a.clone() })?;
                    }
                }
            }
            Ok(())
        })?;
        self.curriculum_view(c.id)
    }

    /// The curriculum a live part belongs to.
    fn part_curriculum(&self, part: CurriculumPart, id: Uuid) -> Result<Uuid> {
        let sql = match part {
            CurriculumPart::Module => "SELECT curriculum_id FROM curriculum_modules WHERE id = ?1 AND deleted_at IS NULL",
            CurriculumPart::Lesson => "SELECT curriculum_id FROM curriculum_lessons WHERE id = ?1 AND deleted_at IS NULL",
            CurriculumPart::Resource => {
                "SELECT l.curriculum_id FROM lesson_resources r JOIN curriculum_lessons l ON l.id = r.lesson_id
                 WHERE r.id = ?1 AND r.deleted_at IS NULL"
            }
            CurriculumPart::Assignment => "SELECT curriculum_id FROM assignments WHERE id = ?1 AND deleted_at IS NULL",
        };
        Ok(self
            .db()
            .conn
            .query_row(sql, [id.to_string()], |r| cols::uuid(r, 0))
            .optional()?
            .ok_or_else(|| ApiError::not_found("part of the curriculum").on("id"))?)
    }

    pub fn submit_curriculum(&self, actor: &Actor, input: SubmitCurriculum) -> Result<CurriculumSummary> {
        require_drafter(actor)?;
        let c = self.curriculum_for_edit(actor, input.id.0)?;
        let contents = Contents::load(&self.db().conn, c.id)?;
        if contents.lessons.is_empty() {
            return Err(ApiError::invalid(
                "id",
                "Add at least one lesson before sending this version for approval.",
            )
            .into());
        }
        let total = contents.weightage_total();
        if total != FULL_WEIGHTAGE_BP {
            return Err(ApiError::invalid(
                "weightage_bp",
                format!(
                    "The lessons' weightage adds up to {} %; it must be exactly 100 % before approval.",
                    crate::academics::percent(total)
                ),
            )
            .into());
        }
        self.set_status(actor, &c, |row, now| {
            row.status = CurriculumStatus::PendingApproval.as_str().into();
            row.submitted_at = Some(now);
        })
    }

    pub fn review_curriculum(&self, actor: &Actor, input: ReviewCurriculum) -> Result<CurriculumSummary> {
        actor.require(Permission::ApproveCurriculum, None)?;
        let comment = validate::optional("comment", &input.comment, 1000)?;
        let c =
            by_id(&self.db().conn, input.id.0)?.ok_or_else(|| ApiError::not_found("curriculum").on("id"))?;
        if c.status() != CurriculumStatus::PendingApproval {
            return Err(ApiError::conflict("Only a version awaiting approval can be approved or rejected.")
                .on("id")
                .into());
        }
        if c.created_by == Some(actor.user_id.0) || c.teacher_id == Some(actor.user_id.0) {
            return Err(ApiError::denied("Someone other than its author must review this version.")
                .on("id")
                .into());
        }
        if !input.approve && comment.is_empty() {
            return Err(
                ApiError::invalid("comment", "Say what needs to change, so the author can fix it.").into()
            );
        }
        self.set_status(actor, &c, |row, now| {
            row.status = if input.approve { CurriculumStatus::Approved } else { CurriculumStatus::Rejected }
                .as_str()
                .into();
            row.reviewer_id = Some(actor.user_id.0);
            row.review_comment = comment.clone();
            row.reviewed_at = Some(now);
        })
    }

    fn set_status(
        &self,
        actor: &Actor,
        old: &CurriculumRow,
        change: impl FnOnce(&mut CurriculumRow, DateTime<Utc>),
    ) -> Result<CurriculumSummary> {
        let new = self.write(Some(actor.user_id), |w| {
            let mut new = CurriculumRow { updated_at: w.now(), ..old.clone() };
            change(&mut new, w.now());
            w.update(old, &new)?;
            Ok(new)
        })?;
        let db = self.db();
        Ok(summary(&new, &Contents::load(&db.conn, new.id)?, &Names::load(&db.conn, None)?))
    }
}

/// The attached file of a resource input, checked: (name, base64 content).
fn attachment(input: &SaveLessonResource) -> Result<(String, Option<String>), ApiError> {
    use base64::Engine;
    if input.content_b64.is_empty() {
        return Ok((String::new(), None));
    }
    let name = validate::required("file_name", "file name", &input.file_name, 120)?;
    if name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(ApiError::invalid("file_name", "Use a plain file name, without folders."));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(input.content_b64.as_bytes())
        .map_err(|_| ApiError::invalid("content_b64", "The file could not be read; choose it again."))?;
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(ApiError::invalid(
            "content_b64",
            format!(
                "The file is {:.1} MB; attach at most 2 MB, or give a link instead.",
                bytes.len() as f64 / 1_048_576.0
            ),
        ));
    }
    if bytes.is_empty() {
        return Err(ApiError::invalid("content_b64", "The file is empty."));
    }
    Ok((name, Some(input.content_b64.clone())))
}

/// Indexes of `id` and the sibling it swaps with, if there is one.
fn neighbours(ids: Vec<Uuid>, id: Uuid, up: bool) -> Option<(usize, usize)> {
    let i = ids.iter().position(|x| *x == id)?;
    let j = if up { i.checked_sub(1)? } else { i + 1 };
    (j < ids.len()).then_some((i, j))
}

/// Positions to swap; two equal positions (written by two desks offline)
/// are split so the swap still changes the order.
fn distinct_positions(a: i64, b: i64, a_first: bool) -> (i64, i64) {
    if a != b {
        return (a, b);
    }
    if a_first {
        (a, a + 1)
    } else {
        (a + 1, a)
    }
}

/// New ids for every part of a version, written as a new draft's contents.
fn copy_contents(w: &mut Write<'_>, from: &Contents, to: Uuid) -> Result<()> {
    let now = w.now();
    let mut lesson_ids = std::collections::HashMap::new();
    for m in &from.modules {
        let module_id = Uuid::now_v7();
        w.insert(&ModuleRow {
            id: module_id,
            curriculum_id: to,
            created_at: now,
            updated_at: now,
            ..m.clone()
        })?;
        for l in from.lessons.iter().filter(|l| l.module_id == m.id) {
            let id = Uuid::now_v7();
            lesson_ids.insert(l.id, id);
            w.insert(&LessonRow {
                id,
                curriculum_id: to,
                module_id,
                created_at: now,
                updated_at: now,
                ..l.clone()
            })?;
        }
    }
    for r in &from.resources {
        if let Some(&lesson_id) = lesson_ids.get(&r.lesson_id) {
            w.insert(&ResourceRow {
                id: Uuid::now_v7(),
                lesson_id,
                created_at: now,
                updated_at: now,
                ..r.clone()
            })?;
        }
    }
    for a in &from.assignments {
        let lesson_id = a.lesson_id.and_then(|l| lesson_ids.get(&l).copied());
        w.insert(&AssignmentRow {
            id: Uuid::now_v7(),
            curriculum_id: to,
            lesson_id,
            created_at: now,
            updated_at: now,
            ..a.clone()
        })?;
    }
    Ok(())
}

impl Desk {
    /// Writes an attached file to `exports/` so it can be opened.
    pub fn save_resource_file(
        &self,
        actor: &Actor,
        input: SaveResourceFile,
    ) -> Result<branchdesk_api::commands::imports::SavedFile> {
        use base64::Engine;
        actor
            .require_somewhere(Permission::ViewBatch)
            .or_else(|_| actor.require_somewhere(Permission::ViewOwnRecord))?;
        let (name, content): (String, Option<String>) = self
            .db()
            .conn
            .query_row(
                "SELECT file_name, content_b64 FROM lesson_resources WHERE id = ?1 AND deleted_at IS NULL",
                [input.id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| ApiError::not_found("resource").on("id"))?;
        let bytes = content
            .and_then(|c| base64::engine::general_purpose::STANDARD.decode(c.as_bytes()).ok())
            .ok_or_else(|| ApiError::invalid("id", "This resource is a link, not a file."))?;
        let dir = self.data_dir().join("exports");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(&name);
        std::fs::write(&path, bytes)?;
        Ok(branchdesk_api::commands::imports::SavedFile { path: path.display().to_string(), rows: 0 })
    }
}
