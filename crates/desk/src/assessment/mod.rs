//! Tests and marks. A paper test is the organisation's (its sections and
//! their maximum marks, grace given to a section); batches in any branch
//! sit it (`test_sittings`); marks are one row per (section, student) with
//! a derived id, so the same cell entered on two desks is one row whose
//! newest value wins. Rank lists rank totals per batch, per branch or
//! across the branches a desk holds (`ranks.rs`, pure).
//!
//! Above `students` and `timetable`, whose rosters and batches it reads.

pub mod aiken;
pub mod bank;
pub mod gift;
mod marks;
mod papers;
pub mod quizzes;
mod rank_list;
pub mod ranks;
pub(crate) mod record;
pub mod scoring;
pub mod store;

use crate::{Actor, Result};
use branchdesk_api::commands::assessment::{MarkCell, PaperTest, Sitting, TestSection};
use branchdesk_api::ids::{StudentId, TestSectionId};
use branchdesk_api::Permission;
use rusqlite::Connection;
use std::collections::HashMap;
use store::{MarkRow, PaperTestRow, SectionRow};

/// A section's marks as they count: with its grace, never above its
/// maximum. None when absent or not entered.
pub(crate) fn counted(section: &SectionRow, mark: Option<&MarkRow>) -> Option<i64> {
    let m = mark?;
    if m.absent {
        return None;
    }
    m.marks_hundredths.map(|v| (v + section.grace_hundredths).min(section.max_hundredths))
}

/// A student's total over the live sections; None while nothing counts
/// (nothing entered, or absent throughout).
pub(crate) fn total(sections: &[SectionRow], marks: &HashMap<TestSectionId, &MarkRow>) -> Option<i64> {
    let counted: Vec<i64> = sections.iter().filter_map(|s| counted(s, marks.get(&s.id).copied())).collect();
    (!counted.is_empty()).then(|| counted.iter().sum())
}

/// The marks of a test grouped by student and section.
pub(crate) fn by_student(marks: &[MarkRow]) -> HashMap<StudentId, HashMap<TestSectionId, &MarkRow>> {
    let mut out: HashMap<StudentId, HashMap<TestSectionId, &MarkRow>> = HashMap::new();
    for m in marks {
        out.entry(m.student_id).or_default().insert(m.section_id, m);
    }
    out
}

pub(crate) fn cells(
    sections: &[SectionRow],
    marks: Option<&HashMap<TestSectionId, &MarkRow>>,
) -> Vec<MarkCell> {
    sections
        .iter()
        .map(|s| {
            let m = marks.and_then(|m| m.get(&s.id));
            MarkCell {
                section_id: s.id,
                marks_hundredths: m.and_then(|m| m.marks_hundredths),
                absent: m.is_some_and(|m| m.absent),
            }
        })
        .collect()
}

/// The sections still on the paper.
pub(crate) fn live_sections(conn: &Connection, test: &PaperTestRow) -> Result<Vec<SectionRow>> {
    Ok(store::sections_of(conn, test.id)?.into_iter().filter(|s| !s.removed).collect())
}

/// Whether `actor` may change the paper: its author, or a course manager
/// over every branch.
pub(crate) fn may_edit(actor: &Actor, test: &PaperTestRow) -> bool {
    may_edit_authored(actor, test.created_by)
}

/// The rule for anything a teacher sets for the organisation (a paper, a
/// quiz): its author while a teacher, or a course manager over every branch.
pub(crate) fn may_edit_authored(actor: &Actor, created_by: branchdesk_api::ids::UserId) -> bool {
    actor.can(Permission::ManageCourse, None)
        || (created_by == actor.user_id && actor.require_somewhere(Permission::MarkAttendance).is_ok())
}

/// A paper as the api shows it, with the sittings in branches the reader
/// has any grant in.
pub(crate) fn view(conn: &Connection, actor: &Actor, t: &PaperTestRow) -> Result<PaperTest> {
    let sections = live_sections(conn, t)?;
    let course_name = match t.course_id {
        Some(c) => crate::academics::courses::by_id(conn, c)?.map(|c| c.name).unwrap_or_default(),
        None => String::new(),
    };
    let visible = actor.branches();
    let mut sittings = Vec::new();
    for s in store::sittings_of(conn, t.id)? {
        if !visible.contains(s.branch_id) {
            continue;
        }
        let roster: Vec<StudentId> = crate::students::store::enrolments_of_batch(conn, s.batch_id)?
            .into_iter()
            .filter(|e| e.status.holds_seat())
            .map(|e| e.student_id)
            .collect();
        let marks = store::marks_of(conn, t.id, Some(s.batch_id))?;
        let grouped = by_student(&marks);
        let entered = roster
            .iter()
            .filter(|st| {
                grouped.get(st).is_some_and(|m| {
                    sections
                        .iter()
                        .all(|sec| m.get(&sec.id).is_some_and(|c| c.absent || c.marks_hundredths.is_some()))
                })
            })
            .count();
        sittings.push(Sitting {
            batch_id: s.batch_id,
            batch_name: crate::timetable::store::batch_by_id(conn, s.batch_id)?
                .map(|b| b.name)
                .unwrap_or_default(),
            branch_id: s.branch_id,
            branch_name: crate::org::store::branch_by_id(conn, s.branch_id)?
                .map(|b| b.name)
                .unwrap_or_default(),
            held_on: s.held_on.to_string(),
            event_id: s.event_id,
            event_title: match s.event_id {
                Some(e) => {
                    crate::timetable::store::event_by_id(conn, e)?.map(|e| e.title).unwrap_or_default()
                }
                None => String::new(),
            },
            students: roster.len() as u32,
            entered: entered as u32,
        });
    }
    Ok(PaperTest {
        id: t.id,
        name: t.name.clone(),
        course_id: t.course_id,
        course_name,
        held_on: t.held_on.to_string(),
        max_hundredths: sections.iter().map(|s| s.max_hundredths).sum(),
        sections: sections
            .iter()
            .map(|s| TestSection {
                id: s.id,
                name: s.name.clone(),
                max_hundredths: s.max_hundredths,
                grace_hundredths: s.grace_hundredths,
                grace_reason: s.grace_reason.clone(),
            })
            .collect(),
        sittings,
        editable: may_edit(actor, t),
    })
}
