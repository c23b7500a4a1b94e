//! Attendance figures: a month per student and batch (with the longest run
//! of absences), a student's own history and lesson progress.

use crate::db::read;
use crate::students::store as students;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::academics::FULL_WEIGHTAGE_BP;
use branchdesk_api::commands::attendance::*;
use branchdesk_api::ids::StudentId;
use branchdesk_api::{ApiError, Permission};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Attended of marked, in basis points (0 when nothing is marked).
pub fn percent_bp(attended: u32, marked: u32) -> u32 {
    if marked == 0 {
        return 0;
    }
    ((u64::from(attended) * u64::from(FULL_WEIGHTAGE_BP) + u64::from(marked) / 2) / u64::from(marked)) as u32
}

impl Desk {
    pub fn get_attendance_report(
        &self,
        actor: &Actor,
        input: GetAttendanceReport,
    ) -> Result<AttendanceReport> {
        actor.require(Permission::ViewAttendance, Some(input.branch_id))?;
        let (from, to) = crate::validate::month("month", &input.month, self.today())?;
        let month = from.format("%Y-%m").to_string();
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(
            "SELECT a.student_id, a.batch_id, a.status, s.code, s.full_name, b.name AS batch_name
             FROM attendance a JOIN students s ON s.id = a.student_id JOIN batches b ON b.id = a.batch_id
             WHERE a.branch_id = ?1 AND a.date >= ?2 AND a.date < ?3 AND (?4 IS NULL OR a.batch_id = ?4)
             ORDER BY a.student_id, a.batch_id, a.date",
        )?;
        let batch = input.batch_id.map(|b| b.to_string());
        let marks: Vec<MonthMark> =
            read::all(&mut stmt, (input.branch_id.to_string(), from.to_string(), to.to_string(), batch))?;
        let mut rows: BTreeMap<(StudentId, Uuid), (StudentMonth, u32)> = BTreeMap::new();
        for r in marks {
            let key = (r.student_id, r.batch_id);
            let status = r.status;
            let entry = match rows.get_mut(&key) {
                Some(e) => e,
                None => {
                    let m = StudentMonth {
                        student_id: r.student_id,
                        code: r.code,
                        full_name: r.full_name,
                        batch_name: r.batch_name,
                        present: 0,
                        late: 0,
                        absent: 0,
                        excused: 0,
                        marked: 0,
                        percent_bp: 0,
                        longest_absence_run: 0,
                    };
                    rows.entry(key).or_insert((m, 0))
                }
            };
            let (m, run) = entry;
            m.marked += 1;
            match status {
                AttendanceStatus::Present => m.present += 1,
                AttendanceStatus::Late => m.late += 1,
                AttendanceStatus::Absent => m.absent += 1,
                AttendanceStatus::Excused => m.excused += 1,
            }
            *run = if status == AttendanceStatus::Absent { *run + 1 } else { 0 };
            m.longest_absence_run = m.longest_absence_run.max(*run);
        }
        let (mut marks, mut attended) = (0, 0);
        let mut list: Vec<StudentMonth> = rows
            .into_values()
            .map(|(mut m, _)| {
                m.percent_bp = percent_bp(m.present + m.late, m.marked);
                marks += m.marked;
                attended += m.present + m.late;
                m
            })
            .filter(|m| input.below_bp == 0 || m.percent_bp < input.below_bp)
            .filter(|m| m.longest_absence_run >= input.min_absence_run)
            .collect();
        list.sort_by(|a, b| {
            (&a.batch_name, a.full_name.to_lowercase()).cmp(&(&b.batch_name, b.full_name.to_lowercase()))
        });
        Ok(AttendanceReport { month, rows: list, marks, percent_bp: percent_bp(attended, marks) })
    }

    pub fn get_student_attendance(
        &self,
        actor: &Actor,
        input: GetStudentAttendance,
    ) -> Result<StudentAttendance> {
        actor.require_somewhere(Permission::ViewAttendance)?;
        let db = self.db();
        let conn = &db.conn;
        let student = students::student_by_id(conn, input.student_id)?
            .ok_or_else(|| ApiError::not_found("student").on("student_id"))?;
        crate::students::transfer::viewable_in(conn, actor, Permission::ViewAttendance, &student)?;
        student_attendance(conn, student.id)
    }
}

/// One mark of the month, with the names the report shows.
#[derive(Deserialize)]
struct MonthMark {
    student_id: StudentId,
    batch_id: Uuid,
    status: AttendanceStatus,
    code: String,
    full_name: String,
    batch_name: String,
}

/// A student's attendance lines, percentage and lesson progress.
pub(crate) fn student_attendance(conn: &rusqlite::Connection, id: StudentId) -> Result<StudentAttendance> {
    let student = students::student_by_id(conn, id)?.ok_or_else(|| ApiError::not_found("student"))?;
    let names = crate::names::Names::load(conn, None)?; // the batches of earlier branches too
    let records = super::store::of_student(conn, student.id)?;
    let attended = records.iter().filter(|r| r.status.attended()).count() as u32;
    // Lesson progress: weightage of lessons covered in attended sessions, per batch.
    let mut stmt = conn.prepare_cached(
        "SELECT b.name, coalesce(sum(l.weightage_bp), 0) AS covered_bp
             FROM batches b
             JOIN (SELECT DISTINCT a.batch_id, sl.lesson_id FROM attendance a
                   JOIN session_lessons sl ON sl.session_id = a.session_id AND sl.removed_at IS NULL
                   WHERE a.student_id = ?1 AND a.status IN ('PRESENT', 'LATE')) x ON x.batch_id = b.id
             JOIN curriculum_lessons l ON l.id = x.lesson_id AND l.curriculum_id = b.curriculum_id
             GROUP BY b.id ORDER BY b.name",
    )?;
    let progress = stmt
        .query_map([student.id.to_string()], |r| {
            Ok((r.get::<_, String>("name")?, r.get::<_, u32>("covered_bp")?.min(FULL_WEIGHTAGE_BP)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(StudentAttendance {
        percent_bp: percent_bp(attended, records.len() as u32),
        lines: records
            .into_iter()
            .map(|r| StudentAttendanceLine {
                date: r.date.to_string(),
                batch_name: names.batch(r.batch_id),
                status: r.status,
                note: r.note,
            })
            .collect(),
        progress,
    })
}

#[cfg(test)]
mod tests {
    use super::percent_bp;

    #[test]
    fn percentages_round_to_the_nearest_basis_point() {
        assert_eq!(percent_bp(0, 0), 0);
        assert_eq!(percent_bp(2, 3), 6667);
        assert_eq!(percent_bp(1, 3), 3333);
        assert_eq!(percent_bp(5, 5), 10_000);
    }
}
