//! Marking a session: the roster on its date, marks with their log, the
//! lessons covered, drafts that survive a crash, absence alerts.

pub mod report;
pub mod store;

use crate::names::Names;
use crate::notifications;
use crate::students::store::{self as students, EnrolmentRow};
use crate::timetable::store::{self as timetable, SessionRow};
use crate::{settings, validate, Actor, Desk, Result};
use branchdesk_api::commands::attendance::*;
use branchdesk_api::commands::students::EnrolmentStatus;
use branchdesk_api::ids::{CurriculumId, LessonId, SessionId, StudentId};
use branchdesk_api::settings::ATTENDANCE_EDIT_DAYS;
use branchdesk_api::{ApiError, Permission};
use chrono::NaiveDate;
use rusqlite::Connection;
use std::collections::{HashMap, HashSet};
use store::{AttendanceRow, MarkRow, SessionLessonRow};
use uuid::Uuid;

/// Was the enrolment in force on `date` (started, and not dropped, on hold
/// or completed before it)?
fn enrolled_on(e: &EnrolmentRow, date: NaiveDate) -> bool {
    if e.start_date > date {
        return false;
    }
    e.status == EnrolmentStatus::Active || crate::clock::local_date(e.status_since) > date
}

/// (roll number, enrolment) of the students on a session's roster.
fn roster(conn: &Connection, s: &SessionRow) -> Result<Vec<(u32, EnrolmentRow)>> {
    let mut all = students::enrolments_of_batch(conn, s.batch_id)?;
    all.sort_by_key(|e| (e.created_at, e.id));
    Ok(all
        .into_iter()
        .enumerate()
        .filter(|(_, e)| enrolled_on(e, s.date))
        .map(|(i, e)| (i as u32 + 1, e))
        .collect())
}

impl Desk {
    /// The session, after checking `actor` may mark it: their own class (or
    /// one they cover), or any in a branch where they plan batches.
    fn session_to_mark(&self, actor: &Actor, id: SessionId) -> Result<SessionRow> {
        actor.require_somewhere(Permission::MarkAttendance)?;
        let s = timetable::session_by_id(&self.db().conn, id)?
            .ok_or_else(|| ApiError::not_found("session").on("session_id"))?;
        let branch = Some(s.branch_id);
        actor.require(Permission::MarkAttendance, branch)?;
        let own = s.taught_by() == actor.user_id || s.teacher_id == actor.user_id;
        if !own && !actor.can(Permission::ManageBatch, branch) {
            return Err(ApiError::denied(
                "This is another teacher's class; only its teacher, a substitute or a manager marks it.",
            )
            .into());
        }
        Ok(s)
    }

    fn sheet(&self, actor: &Actor, s: &SessionRow, order: RosterOrder) -> Result<Sheet> {
        let db = self.db();
        let conn = &db.conn;
        let names = Names::load(conn, Some(s.branch_id))?;
        let records: HashMap<StudentId, AttendanceRow> =
            store::of_session(conn, s.id)?.into_iter().map(|a| (a.student_id, a)).collect();
        let mut log: HashMap<StudentId, Vec<MarkLogEntry>> = HashMap::new();
        for m in store::marks_of_session(conn, s.id)? {
            log.entry(m.student_id).or_default().push(MarkLogEntry {
                old_status: m.old_status,
                new_status: m.new_status,
                note: m.note,
                reason: m.reason,
                marked_by: m.marked_by.map(|u| names.user(u)),
                marked_at: m.marked_at.to_rfc3339(),
            });
        }
        let mut rows = Vec::new();
        for (roll, e) in roster(conn, s)? {
            let Some(student) = students::student_by_id(conn, e.student_id)? else { continue };
            let record = records.get(&e.student_id);
            rows.push(SheetRow {
                student_id: e.student_id,
                code: student.code,
                full_name: student.full_name,
                roll,
                status: record.map(|r| r.status),
                note: record.map(|r| r.note.clone()).unwrap_or_default(),
                history: log.remove(&e.student_id).unwrap_or_default(),
            });
        }
        match order {
            RosterOrder::Name => rows.sort_by_key(|a| a.full_name.to_lowercase()),
            RosterOrder::Roll => rows.sort_by_key(|r| r.roll),
        }
        let draft: Vec<Mark> =
            store::draft(conn, s.id)?.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
        let batch = timetable::batch_by_id(conn, s.batch_id)?;
        let lessons = match batch.as_ref().and_then(|b| b.curriculum_id) {
            Some(c) => lesson_choices(conn, c)?,
            None => Vec::new(),
        };
        let covered = store::lessons_of_session(conn, s.id)?
            .into_iter()
            .filter(|l| l.removed_at.is_none())
            .map(|l| l.lesson_id)
            .collect();
        let (locked, needs_reason) = self.lock_of(conn, actor, s)?;
        Ok(Sheet {
            session: crate::timetable::sessions::view(s, &names),
            rows,
            draft,
            lessons,
            covered,
            locked,
            needs_reason,
        })
    }

    /// Why `actor` may not mark this session now, and whether a reason is needed.
    fn lock_of(&self, conn: &Connection, actor: &Actor, s: &SessionRow) -> Result<(Option<String>, bool)> {
        let today = self.today();
        if !s.scheduled() {
            return Ok((Some("This session was cancelled; there is nothing to mark.".into()), false));
        }
        if s.date > today {
            return Ok((
                Some(format!("This session is on {}; mark it on the day.", s.date.format("%a %-d %b"))),
                false,
            ));
        }
        let window = settings::effective_int(conn, ATTENDANCE_EDIT_DAYS, Some(s.branch_id))?;
        if (today - s.date).num_days() > window {
            if !actor.can(Permission::EditOldAttendance, Some(s.branch_id)) {
                return Ok((
                    Some(format!("Marks older than {window} days are changed by a manager, with a reason.")),
                    false,
                ));
            }
            return Ok((None, true));
        }
        Ok((None, false))
    }

    pub fn get_sheet(&self, actor: &Actor, input: GetSheet) -> Result<Sheet> {
        let s = self.session_to_mark(actor, input.session_id)?;
        self.sheet(actor, &s, input.order)
    }

    pub fn save_draft(&self, actor: &Actor, input: SaveDraft) -> Result<()> {
        let s = self.session_to_mark(actor, input.session_id)?;
        if input.marks.len() > 1000 {
            return Err(ApiError::invalid("marks", "Too many marks for one session.").into());
        }
        let db = self.db();
        if input.marks.is_empty() {
            db.conn.execute("DELETE FROM attendance_drafts WHERE session_id = ?1", [s.id.to_string()])?;
        } else {
            db.conn.execute(
                "INSERT INTO attendance_drafts (session_id, marks, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (session_id) DO UPDATE SET marks = ?2, updated_at = ?3",
                (s.id.to_string(), serde_json::to_string(&input.marks)?, self.clock().now().to_rfc3339()),
            )?;
        }
        Ok(())
    }

    pub fn save_marks(&self, actor: &Actor, input: SaveMarks) -> Result<Sheet> {
        let s = self.session_to_mark(actor, input.session_id)?;
        let reason = validate::optional("reason", &input.reason, 300)?;
        let now = self.clock().now();
        let (records, logs, alerts, lesson_changes) = {
            let db = self.db();
            let conn = &db.conn;
            let (locked, needs_reason) = self.lock_of(conn, actor, &s)?;
            if let Some(why) = locked {
                return Err(ApiError::conflict(why).on("session_id").into());
            }
            if needs_reason && reason.is_empty() {
                return Err(ApiError::invalid(
                    "reason",
                    "Say why these old marks change; the mark log keeps it.",
                )
                .into());
            }
            let on_roster: HashSet<StudentId> =
                roster(conn, &s)?.into_iter().map(|(_, e)| e.student_id).collect();
            let existing: HashMap<StudentId, AttendanceRow> =
                store::of_session(conn, s.id)?.into_iter().map(|a| (a.student_id, a)).collect();
            let mut seen = HashSet::new();
            let mut records: Vec<(Option<AttendanceRow>, AttendanceRow)> = Vec::new();
            let mut logs = Vec::new();
            for (i, m) in input.marks.iter().enumerate() {
                if !on_roster.contains(&m.student_id) {
                    return Err(ApiError::invalid(
                        &format!("marks[{i}].student_id"),
                        "That student is not enrolled in this batch on this date.",
                    )
                    .into());
                }
                if !seen.insert(m.student_id) {
                    return Err(ApiError::invalid(
                        &format!("marks[{i}].student_id"),
                        "A student is marked twice.",
                    )
                    .into());
                }
                let note = validate::optional(&format!("marks[{i}].note"), &m.note, NOTE_MAX)?;
                let old = existing.get(&m.student_id);
                if old.is_some_and(|o| o.status == m.status && o.note == note) {
                    continue;
                }
                let row = AttendanceRow {
                    id: store::attendance_id(m.student_id, s.id),
                    branch_id: s.branch_id,
                    session_id: s.id,
                    batch_id: s.batch_id,
                    student_id: m.student_id,
                    date: s.date,
                    status: m.status,
                    note: note.clone(),
                    marked_by: Some(actor.user_id),
                    marked_at: now,
                    created_at: old.map(|o| o.created_at).unwrap_or(now),
                    updated_at: now,
                };
                logs.push(MarkRow {
                    id: Uuid::now_v7(),
                    branch_id: s.branch_id,
                    attendance_id: row.id,
                    session_id: s.id,
                    student_id: row.student_id,
                    old_status: old.map(|o| o.status),
                    new_status: row.status,
                    note,
                    reason: reason.clone(),
                    marked_by: Some(actor.user_id),
                    marked_at: now,
                });
                records.push((old.cloned(), row));
            }
            let newly_absent: Vec<notifications::Absence> = records
                .iter()
                .filter(|(old, new)| {
                    new.status == AttendanceStatus::Absent
                        && old.as_ref().is_none_or(|o| o.status != new.status)
                })
                .map(|(_, new)| notifications::Absence { attendance_id: new.id, student_id: new.student_id })
                .collect();
            let alerts = notifications::absence_alerts(conn, &s, &newly_absent, now)?;
            let lesson_changes = self.plan_lessons(conn, &s, &input.lesson_ids, now)?;
            (records, logs, alerts, lesson_changes)
        };
        self.write(Some(actor.user_id), |w| {
            for (old, new) in &records {
                w.upsert(old.as_ref(), new)?;
            }
            for l in &logs {
                w.insert(l)?;
            }
            for a in &alerts {
                w.insert(a)?;
            }
            for (old, new) in &lesson_changes {
                w.upsert(old.as_ref(), new)?;
            }
            w.tx().execute("DELETE FROM attendance_drafts WHERE session_id = ?1", [s.id.to_string()])?;
            Ok(())
        })?;
        self.sheet(actor, &s, input.order)
    }

    /// The lessons a session covered, as changes to `session_lessons`.
    fn plan_lessons(
        &self,
        conn: &Connection,
        s: &SessionRow,
        wanted: &[LessonId],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<(Option<SessionLessonRow>, SessionLessonRow)>> {
        let curriculum = timetable::batch_by_id(conn, s.batch_id)?.and_then(|b| b.curriculum_id);
        let allowed: HashSet<LessonId> = match curriculum {
            Some(c) => lesson_choices(conn, c)?.into_iter().map(|l| l.id).collect(),
            None => HashSet::new(),
        };
        for (i, l) in wanted.iter().enumerate() {
            if !allowed.contains(l) {
                return Err(ApiError::invalid(
                    &format!("lesson_ids[{i}]"),
                    "Choose a lesson of the batch's curriculum.",
                )
                .into());
            }
        }
        let wanted: HashSet<LessonId> = wanted.iter().copied().collect();
        let existing: HashMap<LessonId, SessionLessonRow> =
            store::lessons_of_session(conn, s.id)?.into_iter().map(|l| (l.lesson_id, l)).collect();
        let mut changes = Vec::new();
        for lesson in &wanted {
            match existing.get(lesson) {
                Some(old) if old.removed_at.is_none() => {}
                Some(old) => changes.push((
                    Some(old.clone()),
                    SessionLessonRow { removed_at: None, updated_at: now, ..old.clone() },
                )),
                None => changes.push((
                    None,
                    SessionLessonRow {
                        id: store::session_lesson_id(s.id, *lesson),
                        branch_id: s.branch_id,
                        session_id: s.id,
                        lesson_id: *lesson,
                        removed_at: None,
                        created_at: now,
                        updated_at: now,
                    },
                )),
            }
        }
        for (lesson, old) in &existing {
            if old.removed_at.is_none() && !wanted.contains(lesson) {
                changes.push((
                    Some(old.clone()),
                    SessionLessonRow { removed_at: Some(now), updated_at: now, ..old.clone() },
                ));
            }
        }
        Ok(changes)
    }
}

fn lesson_choices(conn: &Connection, curriculum: CurriculumId) -> Result<Vec<LessonChoice>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.title, m.title AS module FROM curriculum_lessons l
         JOIN curriculum_modules m ON m.id = l.module_id AND m.deleted_at IS NULL
         WHERE l.curriculum_id = ?1 AND l.deleted_at IS NULL ORDER BY m.position, l.position",
    )?;
    Ok(crate::db::read::all(&mut stmt, [curriculum.to_string()])?)
}
