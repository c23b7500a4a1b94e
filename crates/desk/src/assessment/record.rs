//! A student's tests as their record and report card show them: marks per
//! section, the total, and the rank and percentile among everyone ranked in
//! the branches this desk holds (from the totals alone: no other student is
//! named).

use super::store;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::assessment::{ListStudentMarks, StudentMark};
use branchdesk_api::ids::StudentId;
use branchdesk_api::{ApiError, Permission};
use rusqlite::Connection;

pub(crate) fn student_marks(conn: &Connection, student: StudentId) -> Result<Vec<StudentMark>> {
    let names = crate::names::Names::load(conn, None)?;
    let mut out = Vec::new();
    for sitting in store::sittings_of_student(conn, student)? {
        let Some(test) = store::test_by_id(conn, sitting.test_id)? else { continue };
        let sections = super::live_sections(conn, &test)?;
        let marks = store::marks_of_student(conn, test.id, student)?;
        // Marks entered in another batch's sitting of the same test count
        // there, not here.
        if marks.iter().any(|m| m.batch_id != sitting.batch_id) {
            continue;
        }
        let grouped = super::by_student(&marks);
        let mine = grouped.get(&student);
        let total = mine.and_then(|m| super::total(&sections, m));
        let totals = store::totals_of(conn, test.id)?;
        let (rank, percentile) = match total {
            Some(t) => {
                let above = totals.iter().filter(|(_, x)| *x > t).count() as u32;
                let at_or_below = totals.iter().filter(|(_, x)| *x <= t).count() as u64;
                (Some(above + 1), Some((at_or_below * 10_000 / totals.len().max(1) as u64) as u32))
            }
            None => (None, None),
        };
        out.push(StudentMark {
            test_id: test.id,
            test_name: test.name.clone(),
            held_on: sitting.held_on.to_string(),
            batch_name: names.batch(sitting.batch_id),
            sections: sections
                .iter()
                .map(|s| {
                    (
                        s.name.clone(),
                        super::counted(s, mine.and_then(|m| m.get(&s.id).copied())),
                        s.max_hundredths,
                    )
                })
                .collect(),
            total_hundredths: total,
            max_hundredths: sections.iter().map(|s| s.max_hundredths).sum(),
            rank,
            ranked: totals.len() as u32,
            percentile_hundredths: percentile,
        });
    }
    Ok(out)
}

/// A student whose tests, quizzes and report card `actor` may read: a
/// teacher of their branch, or someone who sees the student's records.
pub(crate) fn readable_student(
    conn: &rusqlite::Connection,
    actor: &Actor,
    id: branchdesk_api::ids::StudentId,
) -> Result<crate::students::store::StudentRow> {
    if actor.require_somewhere(Permission::ViewStudent).is_err() {
        actor.require_somewhere(Permission::MarkAttendance)?;
    }
    let student = crate::students::store::student_by_id(conn, id)?
        .ok_or_else(|| ApiError::not_found("student").on("student_id"))?;
    if !actor.can(Permission::MarkAttendance, Some(student.branch_id)) {
        crate::students::transfer::viewable_in(conn, actor, Permission::ViewStudent, &student)?;
    }
    Ok(student)
}

impl Desk {
    pub fn list_student_marks(&self, actor: &Actor, input: ListStudentMarks) -> Result<Vec<StudentMark>> {
        let db = self.db();
        let student = readable_student(&db.conn, actor, input.student_id)?;
        student_marks(&db.conn, student.id)
    }
}
