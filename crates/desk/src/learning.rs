//! What students do with a curriculum and see of themselves: assignment
//! submissions (recorded and graded by the teacher), lesson bookmarks and
//! highlights, and a signed-in student's own record (profile, enrolments,
//! attendance, fees). Above academics, timetable, students, attendance and
//! money, which it reads.

use crate::academics::curricula;
use crate::attachments;
use crate::db::read::{self, columns, Columns};
use crate::students::own_student;
use crate::students::store::{self as students, StudentRow};
use crate::timetable::store::{batch_by_id, BatchRow};
use crate::validate::parse_date;
use crate::write::branch_record;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::academics::*;
use branchdesk_api::commands::attachments::AttachmentOwner;
use branchdesk_api::commands::students::{EnrolmentStatus, GetMyRecord, MyRecord};
use branchdesk_api::ids::{AssignmentId, BatchId, BranchId, CurriculumId, LessonId, StudentId, UserId};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SubmissionRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub assignment_id: AssignmentId,
    pub student_id: StudentId,
    pub batch_id: BatchId,
    pub submitted_on: NaiveDate,
    pub late: bool,
    pub marks: Option<u32>,
    pub feedback: String,
    pub graded_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub text: String,
}
branch_record!(SubmissionRow, "submissions");

static SUBMISSION_COLUMNS: Columns = columns!(SubmissionRow, "");

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct BookmarkRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub student_id: StudentId,
    pub lesson_id: LessonId,
    pub removed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(BookmarkRow, "lesson_bookmarks");

static BOOKMARK_COLUMNS: Columns = columns!(BookmarkRow, "");

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct HighlightRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub student_id: StudentId,
    pub lesson_id: LessonId,
    pub text: String,
    pub note: String,
    pub removed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(HighlightRow, "lesson_highlights");

fn derived(namespace: u128, a: Uuid, b: Uuid) -> Uuid {
    Uuid::new_v5(&Uuid::from_u128(namespace), format!("{a}\u{0}{b}").as_bytes())
}

pub fn submission_id(assignment: AssignmentId, student: StudentId) -> Uuid {
    derived(0x7d3b_19e4_a2c6_4f08_b5e1_38d4_c9a2_6f17, assignment.into(), student.into())
}

pub fn bookmark_id(student: StudentId, lesson: LessonId) -> Uuid {
    derived(0x2e6f_84a1_d09b_4c37_9f2a_61c8_e4b5_03d9, student.into(), lesson.into())
}

pub(crate) fn submission_by_id(conn: &Connection, id: Uuid) -> Result<Option<SubmissionRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = ?1"))?
        .query_row([id.to_string()], read::row)
        .optional()?)
}

/// What grading needs of an assignment.
#[derive(Deserialize)]
struct AssignmentTerms {
    curriculum_id: CurriculumId,
    due_date: Option<NaiveDate>,
    max_marks: u32,
}

/// The assignment, checked to belong to the batch's curriculum: (due date, max marks).
fn assignment_of_batch(
    conn: &Connection,
    assignment: AssignmentId,
    batch: &BatchRow,
) -> Result<(Option<NaiveDate>, u32)> {
    let terms: Option<AssignmentTerms> = conn
        .prepare_cached(
            "SELECT curriculum_id, due_date, max_marks FROM assignments WHERE id = ?1 AND deleted_at IS NULL",
        )?
        .query_row([assignment.to_string()], read::row)
        .optional()?;
    match terms {
        Some(t) if batch.curriculum_id == Some(t.curriculum_id) => Ok((t.due_date, t.max_marks)),
        _ => {
            Err(ApiError::invalid("assignment_id", "Choose an assignment of this batch's curriculum.").into())
        }
    }
}

fn view(conn: &Connection, s: &StudentRow, sub: Option<&SubmissionRow>) -> Result<Submission> {
    let files = match sub {
        Some(x) => attachments::store::of_owner(conn, x.id)?,
        None => Vec::new(),
    };
    Ok(Submission {
        student_id: s.id,
        student_name: s.full_name.clone(),
        student_code: s.code.clone(),
        submitted_on: sub.map(|x| x.submitted_on.to_string()),
        late: sub.is_some_and(|x| x.late),
        marks: sub.and_then(|x| x.marks),
        feedback: sub.map(|x| x.feedback.clone()).unwrap_or_default(),
        text: sub.map(|x| x.text.clone()).unwrap_or_default(),
        files,
    })
}

/// Is `student` (still) in `batch`?
fn in_batch(conn: &Connection, student: StudentId, batch: BatchId) -> Result<bool> {
    Ok(students::enrolment_by_id(conn, students::enrolment_id(student, batch))?
        .is_some_and(|e| e.status != EnrolmentStatus::Dropped))
}

/// The lesson, checked to be in a curriculum one of the student's batches follows.
fn lesson_of_student(conn: &Connection, student: &StudentRow, lesson: LessonId) -> Result<()> {
    let ok: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM curriculum_lessons l
                            JOIN batches b ON b.curriculum_id = l.curriculum_id
                            JOIN enrolments e ON e.batch_id = b.id AND e.student_id = ?2 AND e.status != 'DROPPED'
                            WHERE l.id = ?1 AND l.deleted_at IS NULL)",
        )?
        .query_row((lesson.to_string(), student.id.to_string()), read::value)?;
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid("lesson_id", "That lesson is not in any of your batches.").into())
    }
}

impl Desk {
    pub fn list_submissions(&self, actor: &Actor, input: ListSubmissions) -> Result<Vec<Submission>> {
        actor.require_somewhere(Permission::ViewBatch)?;
        let db = self.db();
        let conn = &db.conn;
        let batch =
            batch_by_id(conn, input.batch_id)?.ok_or_else(|| ApiError::not_found("batch").on("batch_id"))?;
        actor.require(Permission::ViewBatch, Some(batch.branch_id))?;
        assignment_of_batch(conn, input.assignment_id, &batch)?;
        let mut out = Vec::new();
        for e in students::enrolments_of_batch(conn, batch.id)? {
            if e.status == EnrolmentStatus::Dropped {
                continue;
            }
            let Some(s) = students::student_by_id(conn, e.student_id)? else { continue };
            let sub = submission_by_id(conn, submission_id(input.assignment_id, s.id))?;
            out.push(view(conn, &s, sub.as_ref())?);
        }
        out.sort_by_key(|s| s.student_name.to_lowercase());
        Ok(out)
    }

    pub fn record_submission(&self, actor: &Actor, input: RecordSubmission) -> Result<Submission> {
        actor.require_somewhere(Permission::MarkAttendance)?;
        let feedback = validate::optional("feedback", &input.feedback, 1000)?;
        // Pasted work keeps its lines and tabs (as spaces).
        let pasted = input.text.replace("\r\n", "\n").replace('\t', "    ");
        let text = validate::optional("text", &pasted, SUBMISSION_TEXT_MAX)?;
        let now = self.clock().now();
        let (old, row, student) = {
            let db = self.db();
            let conn = &db.conn;
            let batch = batch_by_id(conn, input.batch_id)?
                .ok_or_else(|| ApiError::not_found("batch").on("batch_id"))?;
            let branch = Some(batch.branch_id);
            actor.require(Permission::MarkAttendance, branch)?;
            if batch.teacher_id != actor.user_id
                && batch.assistant_id != Some(actor.user_id)
                && !actor.can(Permission::ManageBatch, branch)
            {
                return Err(
                    ApiError::denied("Only this batch's teachers or a manager grade its work.").into()
                );
            }
            let (due, max) = assignment_of_batch(conn, input.assignment_id, &batch)?;
            if !in_batch(conn, input.student_id, batch.id)? {
                return Err(ApiError::invalid("student_id", "That student is not in this batch.").into());
            }
            let student = students::student_by_id(conn, input.student_id)?
                .ok_or_else(|| ApiError::not_found("student"))?;
            let today = self.today();
            let on = if input.submitted_on.trim().is_empty() {
                today
            } else {
                parse_date("submitted_on", &input.submitted_on)?
            };
            if on > today {
                return Err(
                    ApiError::invalid("submitted_on", "A submission cannot come in the future.").into()
                );
            }
            if input.marks.is_some_and(|m| m > max) {
                return Err(ApiError::invalid("marks", format!("Marks are out of {max}.")).into());
            }
            let id = submission_id(input.assignment_id, student.id);
            let old = submission_by_id(conn, id)?;
            let row = SubmissionRow {
                id,
                branch_id: batch.branch_id,
                assignment_id: input.assignment_id,
                student_id: student.id,
                batch_id: batch.id,
                submitted_on: on,
                late: due.is_some_and(|d| on > d),
                marks: input.marks,
                feedback,
                graded_by: input.marks.map(|_| actor.user_id),
                created_at: old.as_ref().map(|o| o.created_at).unwrap_or(now),
                updated_at: now,
                // Grading keeps what was handed in unless new text comes.
                text: if text.is_empty() {
                    old.as_ref().map(|o| o.text.clone()).unwrap_or_default()
                } else {
                    text
                },
            };
            (old, row, student)
        };
        self.write(Some(actor.user_id), |w| w.upsert(old.as_ref(), &row))?;
        view(&self.db().conn, &student, Some(&row))
    }

    /// A signed-in student hands in their own work (`HandIn`).
    pub fn hand_in(&self, actor: &Actor, input: HandIn) -> Result<Submission> {
        actor.require_somewhere(Permission::ViewOwnRecord)?;
        let pasted = input.text.replace("\r\n", "\n").replace('\t', "    ");
        let text = validate::optional("text", &pasted, SUBMISSION_TEXT_MAX)?;
        let file = attachments::checked("file", &input.file)?;
        if text.is_empty() && file.is_none() {
            return Err(ApiError::invalid("text", "Type your work here or attach a file.").into());
        }
        let now = self.clock().now();
        let today = self.today();
        let (old, row, student) = {
            let db = self.db();
            let conn = &db.conn;
            let student = own_student(conn, actor)?;
            let batch = batch_by_id(conn, input.batch_id)?
                .filter(|b| {
                    b.branch_id == student.branch_id && in_batch(conn, student.id, b.id).unwrap_or(false)
                })
                .ok_or_else(|| ApiError::invalid("batch_id", "You are not in that batch."))?;
            actor.require(Permission::ViewOwnRecord, Some(batch.branch_id))?;
            if !batch.active || batch.end_date < today {
                return Err(ApiError::invalid(
                    "batch_id",
                    format!(
                        "{} ended on {}; work can no longer be handed in there.",
                        batch.name,
                        branchdesk_api::dates::long(&batch.end_date.to_string())
                    ),
                )
                .into());
            }
            let (due, _) = assignment_of_batch(conn, input.assignment_id, &batch)?;
            let id = submission_id(input.assignment_id, student.id);
            let old = submission_by_id(conn, id)?;
            if old.as_ref().is_some_and(|o| o.marks.is_some()) {
                return Err(ApiError::conflict(
                    "Your teacher has graded this already; ask them before handing in again.",
                )
                .into());
            }
            let row = SubmissionRow {
                id,
                branch_id: batch.branch_id,
                assignment_id: input.assignment_id,
                student_id: student.id,
                batch_id: batch.id,
                submitted_on: today,
                late: due.is_some_and(|d| today > d),
                marks: None,
                feedback: old.as_ref().map(|o| o.feedback.clone()).unwrap_or_default(),
                graded_by: None,
                created_at: old.as_ref().map(|o| o.created_at).unwrap_or(now),
                updated_at: now,
                // A file alone keeps the text handed in before.
                text: if text.is_empty() {
                    old.as_ref().map(|o| o.text.clone()).unwrap_or_default()
                } else {
                    text
                },
            };
            (old, row, student)
        };
        self.write(Some(actor.user_id), |w| {
            w.upsert(old.as_ref(), &row)?;
            match &file {
                Some(f) => {
                    attachments::attach(w, f, row.branch_id, AttachmentOwner::Submissions, row.id).map(|_| ())
                }
                None => Ok(()),
            }
        })?;
        view(&self.db().conn, &student, Some(&row))
    }

    pub fn get_my_curriculum(&self, actor: &Actor, input: GetMyCurriculum) -> Result<MyCurriculum> {
        actor.require_somewhere(Permission::ViewOwnRecord)?;
        let db = self.db();
        let conn = &db.conn;
        let student = own_student(conn, actor)?;
        let batch = batch_by_id(conn, input.batch_id)?.filter(|b| b.branch_id == student.branch_id);
        let Some(batch) = batch.filter(|b| in_batch(conn, student.id, b.id).unwrap_or(false)) else {
            return Err(ApiError::invalid("batch_id", "You are not in that batch.").into());
        };
        let curriculum = match batch.curriculum_id {
            Some(c) => curricula::by_id(conn, c)?.map(|row| curricula::full_view(conn, &row)).transpose()?,
            None => None,
        };
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {BOOKMARK_COLUMNS} FROM lesson_bookmarks WHERE student_id = ?1 AND removed_at IS NULL"
        ))?;
        let bookmarks: Vec<BookmarkRow> = read::all(&mut stmt, [student.id.to_string()])?;
        let bookmarks = bookmarks.into_iter().map(|b| b.lesson_id).collect();
        let mut stmt = conn.prepare_cached(
            "SELECT id, lesson_id, text, note FROM lesson_highlights WHERE student_id = ?1 AND removed_at IS NULL ORDER BY created_at",
        )?;
        let highlights: Vec<Highlight> = read::all(&mut stmt, [student.id.to_string()])?;
        let mut submissions = Vec::new();
        for a in curriculum.iter().flat_map(|c| c.assignments.iter()) {
            let sub = submission_by_id(conn, submission_id(a.id, student.id))?;
            submissions.push((a.id, view(conn, &student, sub.as_ref())?));
        }
        Ok(MyCurriculum { batch_name: batch.name, curriculum, bookmarks, highlights, submissions })
    }

    pub fn set_bookmark(&self, actor: &Actor, input: SetBookmark) -> Result<bool> {
        actor.require_somewhere(Permission::ViewOwnRecord)?;
        let now = self.clock().now();
        let (student, old) = {
            let db = self.db();
            let student = own_student(&db.conn, actor)?;
            lesson_of_student(&db.conn, &student, input.lesson_id)?;
            let old: Option<BookmarkRow> = db
                .conn
                .prepare_cached(&format!("SELECT {BOOKMARK_COLUMNS} FROM lesson_bookmarks WHERE id = ?1"))?
                .query_row([bookmark_id(student.id, input.lesson_id).to_string()], read::row)
                .optional()?
                // As always: the bookmark goes with the student's branch of
                // now, and its last change counts from when it was made.
                .map(|old: BookmarkRow| BookmarkRow {
                    branch_id: student.branch_id,
                    updated_at: old.created_at,
                    ..old
                });
            (student, old)
        };
        let row = BookmarkRow {
            id: bookmark_id(student.id, input.lesson_id),
            branch_id: student.branch_id,
            student_id: student.id,
            lesson_id: input.lesson_id,
            removed_at: (!input.on).then_some(now),
            created_at: old.as_ref().map(|o| o.created_at).unwrap_or(now),
            updated_at: now,
        };
        self.write(Some(actor.user_id), |w| w.upsert(old.as_ref(), &row))?;
        Ok(input.on)
    }

    pub fn save_highlight(&self, actor: &Actor, input: SaveHighlight) -> Result<Highlight> {
        actor.require_somewhere(Permission::ViewOwnRecord)?;
        let text = validate::required("text", "passage", &input.text, 1000)?;
        let note = validate::optional("note", &input.note, 500)?;
        let student = {
            let db = self.db();
            let student = own_student(&db.conn, actor)?;
            lesson_of_student(&db.conn, &student, input.lesson_id)?;
            student
        };
        let now = self.clock().now();
        let row = HighlightRow {
            id: Uuid::now_v7(),
            branch_id: student.branch_id,
            student_id: student.id,
            lesson_id: input.lesson_id,
            text,
            note,
            removed_at: None,
            created_at: now,
            updated_at: now,
        };
        self.write(Some(actor.user_id), |w| w.insert(&row))?;
        Ok(Highlight { id: row.id, lesson_id: input.lesson_id, text: row.text, note: row.note })
    }
}

impl Desk {
    /// A signed-in student's own profile, enrolments and attendance.
    pub fn get_my_record(&self, actor: &Actor, _input: GetMyRecord) -> Result<MyRecord> {
        actor.require_somewhere(Permission::ViewOwnRecord)?;
        let row = own_student(&self.db().conn, actor)?;
        let db = self.db();
        let student = crate::students::view(&db.conn, &row)?;
        let enrolments = crate::students::roster::of_student(&db.conn, row.id)?;
        let attendance = crate::attendance::report::student_attendance(&db.conn, row.id)?;
        let fees = Some(crate::money::account(&db.conn, row.id, self.today())?);
        let marks = crate::assessment::record::student_marks(&db.conn, row.id)?;
        Ok(MyRecord { student, enrolments, attendance, fees, marks })
    }
}
