//! The parts of a version: modules, lessons, resources (links or attached
//! files) and assignments; adding, changing, ordering and removing them.

use super::store::{assignments_of, lessons_of, module_by_id, modules_of, resources_of};
use super::store::{AssignmentRow, LessonRow, ModuleRow, ResourceRow};
use super::{require_drafter, Contents};
use crate::db::read;
use crate::validate::parse_date;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::academics::{
    Curriculum, CurriculumPart, MoveCurriculumPart, RemoveCurriculumPart, SaveAssignment, SaveLesson,
    SaveLessonResource, SaveModule, SaveResourceFile, FULL_WEIGHTAGE_BP,
};
use branchdesk_api::ids::{AssignmentId, CurriculumId, LessonId, ModuleId, ResourceId};
use branchdesk_api::{ApiError, Permission};
use rusqlite::OptionalExtension;
use serde::Deserialize;
use uuid::Uuid;

impl Desk {
    pub fn save_module(&self, actor: &Actor, input: SaveModule) -> Result<Curriculum> {
        require_drafter(actor)?;
        let title = validate::required("title", "module title", &input.title, 120)?;
        let c = self.curriculum_for_edit(actor, input.curriculum_id)?;
        let (old, next_position) = {
            let db = self.db();
            let modules = modules_of(&db.conn, c.id)?;
            let old = match input.id {
                Some(id) => Some(
                    modules
                        .iter()
                        .find(|m| m.id == id)
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
                    id: ModuleId(Uuid::now_v7()),
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
        let notes = validate::optional("notes", &input.notes, branchdesk_api::markdown::NOTES_MAX)?;
        let video_url = validate::url("video_url", &input.video_url)?;
        if input.weightage_bp > FULL_WEIGHTAGE_BP {
            return Err(ApiError::invalid("weightage_bp", "A lesson's weightage is at most 100 %.").into());
        }
        let (module, lessons) = {
            let db = self.db();
            let module = module_by_id(&db.conn, input.module_id)?
                .ok_or_else(|| ApiError::invalid("module_id", "Choose a module of this curriculum."))?;
            let lessons = lessons_of(&db.conn, module.curriculum_id)?;
            (module, lessons)
        };
        let c = self.curriculum_for_edit(actor, module.curriculum_id)?;
        let old = match input.id {
            Some(id) => Some(
                lessons
                    .iter()
                    .find(|l| l.id == id)
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
                    id: LessonId(Uuid::now_v7()),
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
        let (file_name, content_b64) = validate::attached_file(&input.file_name, &input.content_b64)?;
        if url.is_empty() == content_b64.is_none() {
            return Err(ApiError::invalid("url", "Give either a link or a file.").into());
        }
        let curriculum = self.lesson_curriculum(input.lesson_id)?;
        let c = self.curriculum_for_edit(actor, curriculum)?;
        let old = match input.id {
            Some(id) => Some(
                resources_of(&self.db().conn, c.id)?
                    .into_iter()
                    .find(|r| r.id == id)
                    .ok_or_else(|| ApiError::not_found("resource").on("id"))?,
            ),
            None => None,
        };
        self.write(Some(actor.user_id), |w| {
            let now = w.now();
            match old {
                Some(old) => {
                    let new = ResourceRow {
                        lesson_id: input.lesson_id,
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
                    id: ResourceId(Uuid::now_v7()),
                    lesson_id: input.lesson_id,
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
    fn lesson_curriculum(&self, lesson: LessonId) -> Result<CurriculumId> {
        Ok(self
            .db()
            .conn
            .query_row(
                "SELECT curriculum_id FROM curriculum_lessons WHERE id = ?1 AND deleted_at IS NULL",
                [lesson.to_string()],
                read::row,
            )
            .optional()?
            .map(|p: PartOf| p.curriculum_id)
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
        let c = self.curriculum_for_edit(actor, input.curriculum_id)?;
        if let Some(l) = input.lesson_id {
            if self.lesson_curriculum(l).ok() != Some(c.id) {
                return Err(ApiError::invalid("lesson_id", "Choose a lesson of this curriculum.").into());
            }
        }
        let old = match input.id {
            Some(id) => Some(
                assignments_of(&self.db().conn, c.id)?
                    .into_iter()
                    .find(|a| a.id == id)
                    .ok_or_else(|| ApiError::not_found("assignment").on("id"))?,
            ),
            None => None,
        };
        self.write(Some(actor.user_id), |w| {
            let now = w.now();
            let row = AssignmentRow {
                id: old.as_ref().map(|o| o.id).unwrap_or_else(|| AssignmentId(Uuid::now_v7())),
                curriculum_id: c.id,
                lesson_id: input.lesson_id,
                title,
                instructions,
                due_date,
                max_marks: input.max_marks,
                deleted_at: None,
                created_at: old.as_ref().map(|o| o.created_at).unwrap_or(now),
                updated_at: now,
            };
            w.upsert(old.as_ref(), &row)?;
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
                    if let Some((a, b)) =
                        neighbours(list.iter().map(|m| m.id).collect(), ModuleId(input.id), input.up)
                    {
                        let (ma, mb) = (&list[a], &list[b]);
                        let (pa, pb) = distinct_positions(ma.position, mb.position, a < b);
                        w.update(ma, &ModuleRow { position: pb, updated_at: now, ..ma.clone() })?;
                        w.update(mb, &ModuleRow { position: pa, updated_at: now, ..mb.clone() })?;
                    }
                }
                CurriculumPart::Lesson => {
                    let lesson = LessonId(input.id);
                    let module = contents.lessons.iter().find(|l| l.id == lesson).map(|l| l.module_id);
                    let list: Vec<&LessonRow> =
                        contents.lessons.iter().filter(|l| Some(l.module_id) == module).collect();
                    if let Some((a, b)) = neighbours(list.iter().map(|l| l.id).collect(), lesson, input.up) {
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
                    let module = ModuleId(input.id);
                    for m in contents.modules.iter().filter(|m| m.id == module) {
                        w.update(m, &ModuleRow { deleted_at: now, ..m.clone() })?;
                    }
                    for l in contents.lessons.iter().filter(|l| l.module_id == module) {
                        w.update(l, &LessonRow { deleted_at: now, ..l.clone() })?;
                    }
                }
                CurriculumPart::Lesson => {
                    for l in contents.lessons.iter().filter(|l| l.id == LessonId(input.id)) {
                        w.update(l, &LessonRow { deleted_at: now, ..l.clone() })?;
                    }
                }
                CurriculumPart::Resource => {
                    for r in contents.resources.iter().filter(|r| r.id == ResourceId(input.id)) {
                        w.update(r, &ResourceRow { deleted_at: now, ..r.clone() })?;
                    }
                }
                CurriculumPart::Assignment => {
                    for a in contents.assignments.iter().filter(|a| a.id == AssignmentId(input.id)) {
                        w.update(a, &AssignmentRow { deleted_at: now, ..a.clone() })?;
                    }
                }
            }
            Ok(())
        })?;
        self.curriculum_view(c.id)
    }

    /// The curriculum a live part belongs to.
    fn part_curriculum(&self, part: CurriculumPart, id: Uuid) -> Result<CurriculumId> {
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
            .query_row(sql, [id.to_string()], read::row)
            .optional()?
            .map(|p: PartOf| p.curriculum_id)
            .ok_or_else(|| ApiError::not_found("part of the curriculum").on("id"))?)
    }
}

/// The curriculum a part of one belongs to.
#[derive(Deserialize)]
struct PartOf {
    curriculum_id: CurriculumId,
}

/// Indexes of `id` and the sibling it swaps with, if there is one.
fn neighbours<T: PartialEq>(ids: Vec<T>, id: T, up: bool) -> Option<(usize, usize)> {
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

impl Desk {
    /// Writes an attached file to `exports/` so it can be opened.
    pub fn save_resource_file(
        &self,
        actor: &Actor,
        input: SaveResourceFile,
    ) -> Result<branchdesk_api::commands::imports::SavedFile> {
        actor
            .require_somewhere(Permission::ViewBatch)
            .or_else(|_| actor.require_somewhere(Permission::ViewOwnRecord))?;
        let (name, content): (String, Option<String>) = self
            .db()
            .conn
            .query_row(
                "SELECT file_name, content_b64 FROM lesson_resources WHERE id = ?1 AND deleted_at IS NULL",
                [input.id.to_string()],
                |r| Ok((r.get("file_name")?, r.get("content_b64")?)),
            )
            .optional()?
            .ok_or_else(|| ApiError::not_found("resource").on("id"))?;
        self.save_attached(&name, content.as_deref(), "id", "This resource is a link, not a file.")
    }

    /// A linked resource's address, read from the desk (not taken from the
    /// screen) and checked again: a synced row may hold anything.
    pub fn open_resource_link(
        &self,
        actor: &Actor,
        input: branchdesk_api::commands::academics::OpenResourceLink,
    ) -> Result<String> {
        actor
            .require_somewhere(Permission::ViewBatch)
            .or_else(|_| actor.require_somewhere(Permission::ViewOwnRecord))?;
        let url: String = self
            .db()
            .conn
            .query_row(
                "SELECT url FROM lesson_resources WHERE id = ?1 AND deleted_at IS NULL",
                [input.id.to_string()],
                |r| r.get("url"),
            )
            .optional()?
            .ok_or_else(|| ApiError::not_found("resource").on("id"))?;
        Ok(crate::validate::link_to_open("id", &url)?)
    }

    /// A lesson's video link, or a link its notes hold, checked again: the
    /// notes came from a synced row, and the screen may ask for anything.
    pub fn open_lesson_link(
        &self,
        actor: &Actor,
        input: branchdesk_api::commands::academics::OpenLessonLink,
    ) -> Result<String> {
        actor
            .require_somewhere(Permission::ViewBatch)
            .or_else(|_| actor.require_somewhere(Permission::ViewOwnRecord))?;
        let (notes, video): (String, String) = self
            .db()
            .conn
            .query_row(
                "SELECT notes, video_url FROM curriculum_lessons WHERE id = ?1 AND deleted_at IS NULL",
                [input.lesson_id.to_string()],
                |r| Ok((r.get("notes")?, r.get("video_url")?)),
            )
            .optional()?
            .ok_or_else(|| ApiError::not_found("lesson").on("lesson_id"))?;
        let url = if input.url.trim().is_empty() {
            if video.trim().is_empty() {
                return Err(ApiError::invalid("url", "This lesson has no video link.").into());
            }
            video
        } else if branchdesk_api::markdown::links(&notes).iter().any(|l| l == input.url.trim()) {
            input.url.trim().to_owned()
        } else {
            return Err(
                ApiError::invalid("url", "Only the links in this lesson's notes open from here.").into()
            );
        };
        Ok(crate::validate::link_to_open("url", &url)?)
    }
}
