//! Setting quizzes: the quiz (its questions or its draw, time, attempts
//! and rules), publishing it to a batch with its window, and releasing the
//! results.

use super::draw::{self, Candidate};
use super::store::{self, PublicationRow, QuizRow};
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::quizzes::*;
use branchdesk_api::ids::{QuestionId, QuizId};
use branchdesk_api::marks::{self, Entry};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use rusqlite::Connection;
use std::collections::HashSet;
use uuid::Uuid;

/// The most questions an attempt has.
const MAX_QUESTIONS: usize = 300;

pub(crate) fn quiz(conn: &Connection, id: QuizId, field: &str) -> Result<QuizRow> {
    Ok(store::quiz_by_id(conn, id)?
        .filter(|q| !q.removed)
        .ok_or_else(|| ApiError::not_found("quiz").on(field))?)
}

/// A whole number typed into a field, within bounds.
fn whole(field: &str, label: &str, typed: &str, min: u32, max: u32) -> Result<u32, ApiError> {
    match typed.trim().parse::<u32>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(ApiError::invalid(field, format!("Enter {label} as a whole number from {min} to {max}."))),
    }
}

/// A percentage typed (`40`, `33.5`; empty is `empty`) as hundredths of a
/// percent.
fn percent(field: &str, typed: &str, empty: Option<u32>) -> Result<u32, ApiError> {
    let typed = typed.trim().trim_end_matches('%').trim();
    match (marks::parse(typed), empty) {
        (Some(Entry::Blank), Some(v)) => Ok(v),
        (Some(Entry::Marks(v)), _) if v <= 10_000 => Ok(v as u32),
        _ => Err(ApiError::invalid(field, "Enter a percentage from 0 to 100, like 40 or 33.5.")),
    }
}

/// A local day and time typed (`17/03/2027`, `09:30`) as an instant.
fn moment(field: &str, day: NaiveDate, typed: &str, default: NaiveTime) -> Result<DateTime<Utc>, ApiError> {
    let time = match typed.trim() {
        "" => default,
        t => {
            NaiveTime::parse_from_str(t, "%H:%M").or_else(|_| NaiveTime::parse_from_str(t, "%H.%M")).map_err(
                |_| ApiError::invalid(field, "Enter the time as HH:MM on the 24-hour clock, like 09:30."),
            )?
        }
    };
    chrono::Local
        .from_local_datetime(&day.and_time(time))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| ApiError::invalid(field, "That time does not exist on that day here."))
}

pub(crate) fn candidates(conn: &Connection, course: branchdesk_api::ids::CourseId) -> Result<Vec<Candidate>> {
    Ok(crate::assessment::bank::of_course(conn, course)?
        .into_iter()
        .map(|q| Candidate {
            id: q.id,
            topic: q.topic.clone(),
            difficulty: q.difficulty,
            options: q.choices().len(),
        })
        .collect())
}

/// How many questions an attempt at `q` has, by the bank held here.
pub(crate) fn size(q: &QuizRow, bank: &[Candidate]) -> u32 {
    let rules = q.draw();
    if rules.is_empty() {
        let ids = q.question_ids();
        ids.iter().filter(|id| bank.iter().any(|c| c.id == **id)).count() as u32
    } else {
        draw::available(&rules, bank).iter().zip(&rules).map(|(a, r)| (*a).min(r.count)).sum()
    }
}

pub(crate) fn view(conn: &Connection, actor: &Actor, q: &QuizRow, now: DateTime<Utc>) -> Result<Quiz> {
    let course = crate::academics::courses::by_id(conn, q.course_id)?;
    let bank = candidates(conn, q.course_id)?;
    let visible = actor.branches();
    let mut publications = Vec::new();
    for p in store::publications_of(conn, q.id)? {
        if !visible.contains(p.branch_id) {
            continue;
        }
        let students = crate::students::store::enrolments_of_batch(conn, p.batch_id)?
            .into_iter()
            .filter(|e| e.status.holds_seat())
            .count() as u32;
        let submitted = store::attempts_of(conn, q.id, Some(p.batch_id))?
            .iter()
            .filter(|a| a.submitted_at.is_some() || now >= p.closes_at)
            .map(|a| a.student_id)
            .collect::<HashSet<_>>()
            .len() as u32;
        publications.push(Publication {
            batch_id: p.batch_id,
            batch_name: crate::timetable::store::batch_by_id(conn, p.batch_id)?
                .map(|b| b.name)
                .unwrap_or_default(),
            branch_id: p.branch_id,
            opens_at: p.opens_at.to_rfc3339(),
            closes_at: p.closes_at.to_rfc3339(),
            released: p.released_at.is_some(),
            submitted,
            students,
        });
    }
    Ok(Quiz {
        id: q.id,
        name: q.name.clone(),
        course_id: q.course_id,
        course_name: course.map(|c| c.name).unwrap_or_default(),
        question_ids: q.question_ids(),
        draw: q.draw(),
        questions: size(q, &bank),
        duration_minutes: q.duration_minutes as u32,
        attempts_allowed: q.attempts_allowed as u32,
        pass_bp: q.pass_bp as u32,
        wrong_choice_penalty_bp: q.wrong_choice_penalty_bp as u32,
        floor_at_zero: q.floor_at_zero,
        shuffle: q.shuffle,
        publications,
        editable: crate::assessment::may_edit_authored(actor, q.created_by),
    })
}

/// A publication the actor may change: they mark attendance in its branch.
fn publication(
    conn: &Connection,
    actor: &Actor,
    q: &QuizRow,
    batch: branchdesk_api::ids::BatchId,
) -> Result<PublicationRow> {
    let p = store::publication_by_id(conn, store::publication_id(q.id, batch))?.ok_or_else(|| {
        ApiError::invalid("batch_id", "This quiz is not published to that batch.").on("batch_id")
    })?;
    actor.require(Permission::MarkAttendance, Some(p.branch_id))?;
    Ok(p)
}

impl Desk {
    pub fn list_quizzes(&self, actor: &Actor, _input: ListQuizzes) -> Result<Vec<Quiz>> {
        actor.require_somewhere(Permission::MarkAttendance)?;
        let db = self.db();
        let now = self.clock().now();
        store::quizzes(&db.conn)?.iter().map(|q| view(&db.conn, actor, q, now)).collect()
    }

    /// A quiz in one action. Teachers set quizzes; its author or a course
    /// manager over every branch changes one.
    pub fn save_quiz(&self, actor: &Actor, input: SaveQuiz) -> Result<Quiz> {
        if !actor.can(Permission::ManageCourse, None) {
            actor.require_somewhere(Permission::MarkAttendance)?;
        }
        let name = validate::required("name", "quiz's name", &input.name, 120)?;
        let duration =
            whole("duration_minutes", "the time allowed in minutes", &input.duration_minutes, 1, 600)?;
        let attempts = match input.attempts_allowed.trim() {
            "" => 1,
            t => whole("attempts_allowed", "the attempts allowed", t, 1, 100)?,
        };
        let pass_bp = percent("pass_percent", &input.pass_percent, Some(4_000))?;
        let penalty_bp = percent("penalty_percent", &input.penalty_percent, Some(0))?;
        let mut seen = HashSet::new();
        let fixed: Vec<QuestionId> = input.question_ids.iter().copied().filter(|q| seen.insert(*q)).collect();
        if let Some(i) = input.draw.iter().position(|r| r.topic.trim().chars().count() > 100) {
            return Err(
                ApiError::invalid(&format!("draw.{i}.count"), "A topic is at most 100 characters.").into()
            );
        }
        let rules: Vec<DrawRule> = input
            .draw
            .iter()
            .filter(|r| r.count > 0)
            .map(|r| DrawRule { topic: r.topic.trim().to_owned(), ..r.clone() })
            .collect();
        if fixed.is_empty() && rules.is_empty() {
            return Err(ApiError::invalid(
                "question_ids",
                "Choose the questions, or say how many to draw from which topic.",
            )
            .into());
        }
        if !fixed.is_empty() && !rules.is_empty() {
            return Err(
                ApiError::invalid("draw", "A quiz has either chosen questions or a draw, not both.").into()
            );
        }
        let total: u64 = fixed.len() as u64 + rules.iter().map(|r| r.count as u64).sum::<u64>();
        if total as usize > MAX_QUESTIONS {
            return Err(ApiError::invalid(
                "question_ids",
                format!("A quiz has at most {MAX_QUESTIONS} questions."),
            )
            .into());
        }
        let db = self.db();
        crate::academics::courses::by_id(&db.conn, input.course_id)?
            .ok_or_else(|| ApiError::not_found("course").on("course_id"))?;
        let bank = candidates(&db.conn, input.course_id)?;
        for id in &fixed {
            if !bank.iter().any(|c| c.id == *id) {
                return Err(ApiError::invalid(
                    "question_ids",
                    "A chosen question is not in this course's bank.",
                )
                .into());
            }
        }
        for (i, (have, rule)) in draw::available(&rules, &bank).into_iter().zip(&rules).enumerate() {
            if have < rule.count {
                let topic = if rule.topic.is_empty() { "any topic".to_owned() } else { rule.topic.clone() };
                return Err(ApiError::invalid(
                    &format!("draw.{i}.count"),
                    format!(
                        "The bank holds {have} {} question{} in {topic}; draw at most that.",
                        rule.difficulty.label().to_lowercase(),
                        if have == 1 { "" } else { "s" }
                    ),
                )
                .into());
            }
        }
        let old = match input.id {
            Some(id) => {
                let q = quiz(&db.conn, id, "id")?;
                actor.may_act()?;
                if !crate::assessment::may_edit_authored(actor, q.created_by) {
                    return Err(ApiError::denied(
                        "Only the teacher who set this quiz, or a course manager over every branch, may change it.",
                    )
                    .into());
                }
                if q.course_id != input.course_id {
                    return Err(ApiError::invalid(
                        "course_id",
                        "A quiz stays with the course it was set for.",
                    )
                    .into());
                }
                Some(q)
            }
            None => None,
        };
        drop(db);
        let now = self.clock().now();
        let row = QuizRow {
            id: old.as_ref().map_or_else(|| QuizId(Uuid::now_v7()), |o| o.id),
            name,
            course_id: input.course_id,
            question_ids: serde_json::to_string(&fixed).unwrap_or_else(|_| "[]".into()),
            draw: serde_json::to_string(&rules).unwrap_or_else(|_| "[]".into()),
            duration_minutes: duration as i64,
            attempts_allowed: attempts as i64,
            pass_bp: pass_bp as i64,
            wrong_choice_penalty_bp: penalty_bp as i64,
            floor_at_zero: input.floor_at_zero,
            shuffle: input.shuffle,
            created_by: old.as_ref().map_or(actor.user_id, |o| o.created_by),
            removed: false,
            created_at: old.as_ref().map_or(now, |o| o.created_at),
            updated_at: now,
        };
        self.write(Some(actor.user_id), |w| w.upsert(old.as_ref(), &row))?;
        view(&self.db().conn, actor, &row, self.clock().now())
    }

    /// Publishes a quiz to a batch, or moves its window.
    pub fn publish_quiz(&self, actor: &Actor, input: PublishQuiz) -> Result<Quiz> {
        actor.require_somewhere(Permission::MarkAttendance)?;
        let opens_on = validate::parse_date("opens_on", &input.opens_on)?;
        let closes_on = validate::parse_date("closes_on", &input.closes_on)?;
        let opens_at = moment("opens_time", opens_on, &input.opens_time, NaiveTime::MIN)?;
        let end_of_day = NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN);
        let closes_at = moment("closes_time", closes_on, &input.closes_time, end_of_day)?;
        if closes_at <= opens_at {
            return Err(ApiError::invalid("closes_on", "The quiz must close after it opens.").into());
        }
        let db = self.db();
        let q = quiz(&db.conn, input.quiz_id, "quiz_id")?;
        let batch = crate::timetable::store::batch_by_id(&db.conn, input.batch_id)?
            .ok_or_else(|| ApiError::not_found("batch").on("batch_id"))?;
        actor.require(Permission::MarkAttendance, Some(batch.branch_id))?;
        if size(&q, &candidates(&db.conn, q.course_id)?) == 0 {
            return Err(
                ApiError::invalid("quiz_id", "This quiz has no questions in the bank held here.").into()
            );
        }
        let id = store::publication_id(q.id, batch.id);
        let old = store::publication_by_id(&db.conn, id)?;
        drop(db);
        let now = self.clock().now();
        let row = PublicationRow {
            id,
            branch_id: batch.branch_id,
            quiz_id: q.id,
            batch_id: batch.id,
            opens_at,
            closes_at,
            released_at: old.as_ref().and_then(|o| o.released_at),
            published_by: actor.user_id,
            created_at: old.as_ref().map_or(now, |o| o.created_at),
            updated_at: now,
        };
        self.write(Some(actor.user_id), |w| w.upsert(old.as_ref(), &row))?;
        view(&self.db().conn, actor, &q, self.clock().now())
    }

    /// Shows the batch its scores, keys and explanations.
    pub fn release_quiz_results(&self, actor: &Actor, input: ReleaseQuizResults) -> Result<Quiz> {
        actor.require_somewhere(Permission::MarkAttendance)?;
        let db = self.db();
        let q = quiz(&db.conn, input.quiz_id, "quiz_id")?;
        let old = publication(&db.conn, actor, &q, input.batch_id)?;
        drop(db);
        if old.released_at.is_none() {
            let now = self.clock().now();
            let row = PublicationRow { released_at: Some(now), updated_at: now, ..old.clone() };
            self.write(Some(actor.user_id), |w| w.update(&old, &row).map(|_| ()))?;
        }
        view(&self.db().conn, actor, &q, self.clock().now())
    }
}

/// Whether a batch may see its results: released by a teacher, or closed.
pub(crate) fn released(p: &PublicationRow, now: DateTime<Utc>) -> bool {
    p.released_at.is_some() || now >= p.closes_at
}
