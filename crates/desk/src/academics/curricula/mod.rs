//! Curriculum versions and their contents, and the approval workflow:
//! DRAFT → PENDING_APPROVAL → APPROVED or REJECTED (rejected ones are
//! edited and submitted again). An approved version never changes; it is
//! copied into a new draft.

use crate::names::Names;
use crate::write::Write;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::academics::{
    Assignment, CreateCurriculum, Curriculum, CurriculumStatus, CurriculumSummary, GetCurriculum, Lesson,
    LessonResource, ListCurricula, Module, ReviewCurriculum, SubmitCurriculum, FULL_WEIGHTAGE_BP,
};
use branchdesk_api::ids::{AssignmentId, CurriculumId, LessonId, ModuleId, ResourceId};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use uuid::Uuid;

mod parts;
pub mod store;

use store::{assignments_of, lessons_of, modules_of, of_course, resources_of};
pub use store::{by_id, default_for, AssignmentRow, CurriculumRow, LessonRow, ModuleRow, ResourceRow};

/// Everything of a version, read once.
struct Contents {
    modules: Vec<ModuleRow>,
    lessons: Vec<LessonRow>,
    resources: Vec<ResourceRow>,
    assignments: Vec<AssignmentRow>,
}

impl Contents {
    fn load(conn: &Connection, curriculum: CurriculumId) -> Result<Contents> {
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
        id: c.id,
        course_id: c.course_id,
        version: c.version,
        label: c.label.clone(),
        teacher_id: c.teacher_id,
        teacher_name: c.teacher_id.map(|t| names.user(t)),
        status: c.status,
        created_by: c.created_by,
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
            id: m.id,
            title: m.title.clone(),
            lessons: contents
                .lessons
                .iter()
                .filter(|l| l.module_id == m.id)
                .map(|l| Lesson {
                    id: l.id,
                    module_id: m.id,
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
                            id: r.id,
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
            id: a.id,
            lesson_id: a.lesson_id,
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
    if c.teacher_id == Some(actor.user_id) && actor.require_somewhere(Permission::DraftCurriculum).is_ok() {
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
    if c.status.editable() {
        return Ok(());
    }
    let why = match c.status {
        CurriculumStatus::Approved => {
            "This version is approved and can no longer change; copy it into a new draft."
        }
        _ => "This version is waiting for approval; it can change again if it is rejected.",
    };
    Err(ApiError::conflict(why).on("curriculum_id"))
}

impl Desk {
    /// Loads a version for a change of its contents by `actor`.
    fn curriculum_for_edit(&self, actor: &Actor, id: CurriculumId) -> Result<CurriculumRow> {
        let c = by_id(&self.db().conn, id)?
            .ok_or_else(|| ApiError::not_found("curriculum").on("curriculum_id"))?;
        require_author(actor, &c)?;
        require_editable(&c)?;
        Ok(c)
    }

    fn curriculum_view(&self, id: CurriculumId) -> Result<Curriculum> {
        let db = self.db();
        let c = by_id(&db.conn, id)?.ok_or_else(|| ApiError::not_found("curriculum"))?;
        full_view(&db.conn, &c)
    }

    pub fn list_curricula(&self, actor: &Actor, input: ListCurricula) -> Result<Vec<CurriculumSummary>> {
        actor.require_somewhere(Permission::ViewBatch)?;
        let db = self.db();
        let names = Names::load(&db.conn, None)?;
        of_course(&db.conn, input.course_id)?
            .iter()
            .map(|c| Ok(summary(c, &Contents::load(&db.conn, c.id)?, &names)))
            .collect()
    }

    pub fn get_curriculum(&self, actor: &Actor, input: GetCurriculum) -> Result<Curriculum> {
        actor.require_somewhere(Permission::ViewBatch)?;
        let db = self.db();
        let c = by_id(&db.conn, input.id)?.ok_or_else(|| ApiError::not_found("curriculum").on("id"))?;
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
            let course = crate::academics::courses::by_id(&db.conn, input.course_id)?
                .ok_or_else(|| ApiError::invalid("course_id", "Choose a course from the list."))?;
            if let Some(t) = input.teacher_id {
                crate::users::store::by_id(&db.conn, t)?
                    .filter(|u| u.active)
                    .ok_or_else(|| ApiError::invalid("teacher_id", "Choose a teacher from the list."))?;
            }
            let source = match input.copy_from {
                Some(id) => {
                    let c = by_id(&db.conn, id)?.filter(|c| c.course_id == course.id).ok_or_else(|| {
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
                id: CurriculumId(Uuid::now_v7()),
                course_id: input.course_id,
                teacher_id: input.teacher_id,
                version,
                label,
                status: CurriculumStatus::Draft,
                created_by: Some(actor.user_id),
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

    pub fn submit_curriculum(&self, actor: &Actor, input: SubmitCurriculum) -> Result<CurriculumSummary> {
        require_drafter(actor)?;
        let c = self.curriculum_for_edit(actor, input.id)?;
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
            row.status = CurriculumStatus::PendingApproval;
            row.submitted_at = Some(now);
        })
    }

    pub fn review_curriculum(&self, actor: &Actor, input: ReviewCurriculum) -> Result<CurriculumSummary> {
        actor.require(Permission::ApproveCurriculum, None)?;
        let comment = validate::optional("comment", &input.comment, 1000)?;
        let c =
            by_id(&self.db().conn, input.id)?.ok_or_else(|| ApiError::not_found("curriculum").on("id"))?;
        if c.status != CurriculumStatus::PendingApproval {
            return Err(ApiError::conflict("Only a version awaiting approval can be approved or rejected.")
                .on("id")
                .into());
        }
        if c.created_by == Some(actor.user_id) || c.teacher_id == Some(actor.user_id) {
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
            row.status = if input.approve { CurriculumStatus::Approved } else { CurriculumStatus::Rejected };
            row.reviewer_id = Some(actor.user_id);
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

/// New ids for every part of a version, written as a new draft's contents.
fn copy_contents(w: &mut Write<'_>, from: &Contents, to: CurriculumId) -> Result<()> {
    let now = w.now();
    let mut lesson_ids = std::collections::HashMap::new();
    for m in &from.modules {
        let module_id = ModuleId(Uuid::now_v7());
        w.insert(&ModuleRow {
            id: module_id,
            curriculum_id: to,
            created_at: now,
            updated_at: now,
            ..m.clone()
        })?;
        for l in from.lessons.iter().filter(|l| l.module_id == m.id) {
            let id = LessonId(Uuid::now_v7());
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
                id: ResourceId(Uuid::now_v7()),
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
            id: AssignmentId(Uuid::now_v7()),
            curriculum_id: to,
            lesson_id,
            created_at: now,
            updated_at: now,
            ..a.clone()
        })?;
    }
    Ok(())
}
