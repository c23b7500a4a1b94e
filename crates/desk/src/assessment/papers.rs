//! Setting papers: the paper and its sections, the batches that sit it,
//! and grace marks given to a section.

use super::store::{self, PaperTestRow, SectionRow, SittingRow};
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::assessment::*;
use branchdesk_api::ids::{PaperTestId, TestSectionId};
use branchdesk_api::marks::{self, Entry};
use branchdesk_api::{ApiError, Permission};
use rusqlite::Connection;
use std::collections::HashSet;
use uuid::Uuid;

/// The most sections a paper has (a JEE paper has three, a board mock a
/// dozen at most).
const MAX_SECTIONS: usize = 30;

pub(crate) fn paper(conn: &Connection, id: PaperTestId, field: &str) -> Result<PaperTestRow> {
    Ok(store::test_by_id(conn, id)?.ok_or_else(|| ApiError::not_found("test").on(field))?)
}

fn must_edit(actor: &Actor, t: &PaperTestRow) -> Result<()> {
    actor.may_act()?;
    if super::may_edit(actor, t) {
        return Ok(());
    }
    Err(ApiError::denied(
        "Only the teacher who set this paper, or a course manager over every branch, may change it.",
    )
    .into())
}

/// A section's maximum as typed: more than zero.
fn max_marks(field: &str, typed: &str) -> Result<i64, ApiError> {
    match marks::parse(typed) {
        Some(Entry::Marks(v)) if v > 0 => Ok(v),
        Some(Entry::Blank) => Err(ApiError::invalid(field, "Enter the section's maximum marks.")),
        _ => Err(ApiError::invalid(
            field,
            "Enter the maximum as a number above zero, like 30 or 37.5 (at most two decimals).",
        )),
    }
}

impl Desk {
    pub fn list_paper_tests(&self, actor: &Actor, input: ListPaperTests) -> Result<Vec<PaperTest>> {
        if actor.require_somewhere(Permission::MarkAttendance).is_err() {
            actor.require_somewhere(Permission::ViewStudent)?;
        }
        let db = self.db();
        let mut out = Vec::new();
        for t in store::tests(&db.conn)? {
            let v = super::view(&db.conn, actor, &t)?;
            if input.branch_id.is_some_and(|b| !v.sittings.iter().any(|s| s.branch_id == b)) {
                continue;
            }
            out.push(v);
        }
        Ok(out)
    }

    /// A paper and its sections in one action. Teachers set papers; the
    /// author or a course manager over every branch changes one.
    pub fn save_paper_test(&self, actor: &Actor, input: SavePaperTest) -> Result<PaperTest> {
        if !actor.can(Permission::ManageCourse, None) {
            actor.require_somewhere(Permission::MarkAttendance)?;
        }
        let name = validate::required("name", "test's name", &input.name, 120)?;
        let held_on = validate::parse_date("held_on", &input.held_on)?;
        if input.sections.is_empty() {
            return Err(
                ApiError::invalid("sections", "Add at least one section with its maximum marks.").into()
            );
        }
        if input.sections.len() > MAX_SECTIONS {
            return Err(ApiError::invalid(
                "sections",
                format!("A paper has at most {MAX_SECTIONS} sections."),
            )
            .into());
        }
        let mut typed = Vec::new();
        let mut names = HashSet::new();
        for (i, s) in input.sections.iter().enumerate() {
            let section_name =
                validate::required(&format!("sections.{i}.name"), "section's name", &s.name, 60)?;
            if !names.insert(section_name.to_lowercase()) {
                return Err(ApiError::duplicate(
                    &format!("sections.{i}.name"),
                    format!("Two sections are named {section_name}."),
                )
                .into());
            }
            typed.push((s.id, section_name, max_marks(&format!("sections.{i}.max_marks"), &s.max_marks)?));
        }
        let db = self.db();
        if let Some(c) = input.course_id {
            crate::academics::courses::by_id(&db.conn, c)?
                .ok_or_else(|| ApiError::not_found("course").on("course_id"))?;
        }
        let old = match input.id {
            Some(id) => {
                let t = paper(&db.conn, id, "id")?;
                must_edit(actor, &t)?;
                Some(t)
            }
            None => None,
        };
        let old_sections = match &old {
            Some(t) => store::sections_of(&db.conn, t.id)?,
            None => Vec::new(),
        };
        let marks = match &old {
            Some(t) => store::marks_of(&db.conn, t.id, None)?,
            None => Vec::new(),
        };
        let now = self.clock().now();
        let mut sections: Vec<(Option<SectionRow>, SectionRow)> = Vec::new();
        for (i, (id, section_name, max)) in typed.into_iter().enumerate() {
            let before =
                match id {
                    Some(id) => {
                        Some(old_sections.iter().find(|s| s.id == id).cloned().ok_or_else(|| {
                            ApiError::not_found("section").on(&format!("sections.{i}.name"))
                        })?)
                    }
                    None => None,
                };
            if let Some(highest) = marks
                .iter()
                .filter(|m| Some(m.section_id) == id)
                .filter_map(|m| m.marks_hundredths)
                .max()
                .filter(|h| *h > max)
            {
                return Err(ApiError::invalid(
                    &format!("sections.{i}.max_marks"),
                    format!(
                        "A student already has {} in {section_name}; the maximum cannot be below that.",
                        marks::format(highest)
                    ),
                )
                .into());
            }
            let row = SectionRow {
                id: id.unwrap_or_else(|| TestSectionId(Uuid::now_v7())),
                test_id: PaperTestId::default(),
                name: section_name,
                position: i as i64,
                max_hundredths: max,
                grace_hundredths: before.as_ref().map_or(0, |b| b.grace_hundredths),
                grace_reason: before.as_ref().map(|b| b.grace_reason.clone()).unwrap_or_default(),
                removed: false,
                created_at: before.as_ref().map_or(now, |b| b.created_at),
                updated_at: now,
            };
            sections.push((before, row));
        }
        // Sections left out of the form are taken off the paper, unless
        // marks are entered in them.
        let kept: HashSet<TestSectionId> = sections.iter().map(|(_, s)| s.id).collect();
        for gone in old_sections.iter().filter(|o| !o.removed && !kept.contains(&o.id)) {
            if marks.iter().any(|m| m.section_id == gone.id && (m.absent || m.marks_hundredths.is_some())) {
                return Err(ApiError::invalid(
                    "sections",
                    format!("{} has marks entered; it cannot be taken off the paper.", gone.name),
                )
                .into());
            }
            sections
                .push((Some(gone.clone()), SectionRow { removed: true, updated_at: now, ..gone.clone() }));
        }
        drop(db);
        let row = PaperTestRow {
            id: old.as_ref().map_or_else(|| PaperTestId(Uuid::now_v7()), |o| o.id),
            name,
            course_id: input.course_id,
            held_on,
            created_by: old.as_ref().map_or(actor.user_id, |o| o.created_by),
            created_at: old.as_ref().map_or(now, |o| o.created_at),
            updated_at: now,
        };
        self.write(Some(actor.user_id), |w| {
            w.upsert(old.as_ref(), &row)?;
            for (before, s) in &sections {
                let s = SectionRow { test_id: row.id, ..s.clone() };
                match before {
                    Some(b) if *b != s => {
                        w.update(b, &s)?;
                    }
                    Some(_) => {}
                    None => w.insert(&s)?,
                }
            }
            Ok(())
        })?;
        super::view(&self.db().conn, actor, &row)
    }

    /// A batch sits the paper: its teachers (attendance markers of its
    /// branch) set it, on a day and optionally for an exam event.
    pub fn set_test_sitting(&self, actor: &Actor, input: SetTestSitting) -> Result<PaperTest> {
        actor.require_somewhere(Permission::MarkAttendance)?;
        let db = self.db();
        let test = paper(&db.conn, input.test_id, "test_id")?;
        let batch = crate::timetable::store::batch_by_id(&db.conn, input.batch_id)?
            .ok_or_else(|| ApiError::not_found("batch").on("batch_id"))?;
        actor.require(Permission::MarkAttendance, Some(batch.branch_id))?;
        let held_on = match input.held_on.trim() {
            "" => test.held_on,
            typed => validate::parse_date("held_on", typed)?,
        };
        if let Some(e) = input.event_id {
            let event = crate::timetable::store::event_by_id(&db.conn, e)?
                .ok_or_else(|| ApiError::not_found("event").on("event_id"))?;
            if event.branch_id != batch.branch_id {
                return Err(ApiError::invalid("event_id", "That event is in another branch.").into());
            }
        }
        let event_id = match input.event_id {
            Some(e) => Some(e),
            None => store::exam_on(&db.conn, batch.branch_id, batch.id, held_on)?,
        };
        let old = store::sitting(&db.conn, test.id, batch.id)?;
        drop(db);
        let now = self.clock().now();
        let row = SittingRow {
            id: store::sitting_id(test.id, batch.id),
            branch_id: batch.branch_id,
            test_id: test.id,
            batch_id: batch.id,
            held_on,
            event_id,
            created_at: old.as_ref().map_or(now, |o| o.created_at),
            updated_at: now,
        };
        self.write(Some(actor.user_id), |w| w.upsert(old.as_ref(), &row))?;
        super::view(&self.db().conn, actor, &test)
    }

    /// Grace marks for a section, for everyone who sat it; each student's
    /// section still counts at most its maximum. The audit log keeps who
    /// gave what and when; the reason stays with the section.
    pub fn moderate_section(&self, actor: &Actor, input: ModerateSection) -> Result<PaperTest> {
        if !actor.can(Permission::ManageCourse, None) {
            actor.require_somewhere(Permission::MarkAttendance)?;
        }
        let db = self.db();
        let test = paper(&db.conn, input.test_id, "test_id")?;
        must_edit(actor, &test)?;
        let section = store::sections_of(&db.conn, test.id)?
            .into_iter()
            .find(|s| s.id == input.section_id && !s.removed)
            .ok_or_else(|| ApiError::not_found("section").on("section_id"))?;
        let grace = match marks::parse(&input.grace) {
            Some(Entry::Blank) => 0,
            Some(Entry::Marks(v)) if v <= section.max_hundredths => v,
            Some(Entry::Marks(_)) => {
                return Err(ApiError::invalid(
                    "grace",
                    format!(
                        "Grace cannot be more than the section's maximum of {}.",
                        marks::format(section.max_hundredths)
                    ),
                )
                .into())
            }
            _ => {
                return Err(
                    ApiError::invalid("grace", "Enter the grace marks as a number, like 2 or 1.5.").into()
                )
            }
        };
        let reason = validate::optional("reason", &input.reason, 300)?;
        if grace > 0 && reason.is_empty() {
            return Err(ApiError::invalid(
                "reason",
                "Say why grace marks are given (a wrong question, a misprint).",
            )
            .into());
        }
        drop(db);
        let row = SectionRow {
            grace_hundredths: grace,
            grace_reason: if grace == 0 { String::new() } else { reason },
            updated_at: self.clock().now(),
            ..section.clone()
        };
        self.write(Some(actor.user_id), |w| w.update(&section, &row).map(|_| ()))?;
        super::view(&self.db().conn, actor, &test)
    }
}
