//! Taking a quiz: a student's list, starting or resuming an attempt, each
//! answer saved as it is given, the time saved with it and every few
//! seconds, and submitting (by the student, or by the desk when the time
//! or the window runs out).
//!
//! Time is measured by the desk's monotonic clock from the moment the
//! attempt is shown here: changing the wall clock gains nothing. Time with
//! the app closed does not count: a desk cannot tell a power cut from a
//! student who switched off, and a power cut must not cost a student the
//! quiz; a resumed attempt goes on with the duration less the time saved.

use super::setup::{candidates, released};
use super::store::{self, AttemptRow, PublicationRow, QuizRow, ResponseRow};
use crate::students::store::StudentRow;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::assessment::QuestionKind;
use branchdesk_api::commands::quizzes::*;
use branchdesk_api::ids::{QuestionId, QuizAttemptId};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// The monotonic reading at which each attempt open here last saved its
/// time. An attempt missing from it (the app restarted) counts from its
/// next save.
#[derive(Default)]
pub struct AttemptClocks(Mutex<HashMap<QuizAttemptId, Duration>>);

impl AttemptClocks {
    /// The time elapsed since the attempt's last save here, and marks now.
    fn lap(&self, attempt: QuizAttemptId, now: Duration) -> i64 {
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let last = m.insert(attempt, now);
        last.map_or(0, |l| now.saturating_sub(l).as_millis() as i64)
    }

    fn forget(&self, attempt: QuizAttemptId) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(&attempt);
    }
}

fn duration_ms(q: &QuizRow) -> i64 {
    q.duration_minutes * 60_000
}

/// The student's attempt, with its quiz and publication.
struct Taking {
    attempt: AttemptRow,
    quiz: QuizRow,
    publication: Option<PublicationRow>,
}

fn own_attempt(conn: &Connection, actor: &Actor, id: QuizAttemptId) -> Result<(StudentRow, Taking)> {
    actor.require_somewhere(Permission::ViewOwnRecord)?;
    let student = crate::students::own_student(conn, actor)?;
    let attempt = store::attempt_by_id(conn, id)?
        .filter(|a| a.student_id == student.id)
        .ok_or_else(|| ApiError::not_found("attempt").on("attempt_id"))?;
    let quiz = store::quiz_by_id(conn, attempt.quiz_id)?.ok_or_else(|| ApiError::not_found("quiz"))?;
    let publication = store::publication_by_id(conn, store::publication_id(quiz.id, attempt.batch_id))?;
    Ok((student, Taking { attempt, quiz, publication }))
}

/// The attempt as the student sees it: no keys, no feedback.
fn attempt_view(conn: &Connection, t: &Taking, remaining_ms: i64) -> Result<Attempt> {
    let drawn = t.attempt.drawn();
    let questions = super::questions_of(conn, drawn.iter().map(|d| d.q))?;
    let responses: HashMap<QuestionId, ResponseRow> =
        store::responses_of(conn, t.attempt.id)?.into_iter().map(|r| (r.question_id, r)).collect();
    let mut out = Vec::new();
    for d in &drawn {
        let Some(q) = questions.get(&d.q) else { continue };
        let choices = q.choices();
        let r = responses.get(&d.q);
        let chosen_bank = r.map(|r| r.chosen()).unwrap_or_default();
        out.push(AttemptQuestion {
            question_id: q.id,
            kind: q.kind,
            text: q.text.clone(),
            image: q.image_b64.as_deref().map(crate::validate::picture_url),
            options: if q.kind == QuestionKind::ShortAnswer {
                Vec::new()
            } else {
                d.o.iter().filter_map(|&i| choices.get(i as usize)).map(|o| o.text.clone()).collect()
            },
            points_hundredths: q.points_hundredths,
            chosen: d
                .o
                .iter()
                .enumerate()
                .filter(|(_, bank)| chosen_bank.contains(bank))
                .map(|(shown, _)| shown as u32)
                .collect(),
            typed: r.map(|r| r.typed.clone()).unwrap_or_default(),
            flagged: r.is_some_and(|r| r.flagged),
            seen: r.is_some(),
        });
    }
    Ok(Attempt {
        id: t.attempt.id,
        quiz_name: t.quiz.name.clone(),
        number: t.attempt.number as u32,
        position: (t.attempt.position as u32).min(out.len().saturating_sub(1) as u32),
        questions: out,
        remaining_ms: remaining_ms.max(0) as u64,
        submitted: t.attempt.submitted_at.is_some(),
    })
}

/// Where a student stands with a publication.
fn state(p: &PublicationRow, q: &QuizRow, attempts: &[AttemptRow], now: DateTime<Utc>) -> QuizState {
    if attempts.iter().any(|a| a.submitted_at.is_none()) && now < p.closes_at {
        QuizState::InProgress
    } else if now < p.opens_at {
        QuizState::Upcoming
    } else if now >= p.closes_at {
        QuizState::Closed
    } else if attempts.len() as i64 >= q.attempts_allowed {
        QuizState::Done
    } else {
        QuizState::Open
    }
}

impl Desk {
    /// Saves the time used on `attempt` up to now (by the monotonic
    /// clock), the question shown and, with it, an answer; submits the
    /// attempt when its time or its window has run out. One action.
    fn save_progress(
        &self,
        actor: &Actor,
        t: &Taking,
        position: Option<u32>,
        answer: Option<ResponseRow>,
        submit: bool,
    ) -> Result<AttemptProgress> {
        let lap = self.attempt_clocks.lap(t.attempt.id, self.clock().monotonic());
        let now = self.clock().now();
        let limit = duration_ms(&t.quiz);
        let used = (t.attempt.time_used_ms + lap).min(limit);
        let closed = t.publication.as_ref().is_some_and(|p| now >= p.closes_at);
        let over = submit || used >= limit || closed;
        let row = AttemptRow {
            time_used_ms: used,
            position: position.map_or(t.attempt.position, i64::from),
            submitted_at: if over { Some(now) } else { None },
            updated_at: now,
            ..t.attempt.clone()
        };
        // After the window closes an answer is not taken; the attempt is
        // submitted as it stood.
        let answer = answer.filter(|_| !closed);
        let held = match &answer {
            Some(a) => store::response_by_id(&self.db().conn, a.id)?,
            None => None,
        };
        self.write(Some(actor.user_id), |w| {
            if let Some(a) = &answer {
                match &held {
                    Some(h) => {
                        w.update(h, &ResponseRow { created_at: h.created_at, ..a.clone() })?;
                    }
                    None => w.insert(a)?,
                }
            }
            w.update(&t.attempt, &row).map(|_| ())
        })?;
        if over {
            self.attempt_clocks.forget(t.attempt.id);
        }
        Ok(AttemptProgress { remaining_ms: (limit - used).max(0) as u64, submitted: over })
    }

    /// The quizzes published to the student's batches.
    pub fn list_my_quizzes(&self, actor: &Actor, _input: ListMyQuizzes) -> Result<Vec<MyQuiz>> {
        actor.require_somewhere(Permission::ViewOwnRecord)?;
        let db = self.db();
        let student = crate::students::own_student(&db.conn, actor)?;
        let now = self.clock().now();
        let mut out: Vec<MyQuiz> = Vec::new();
        for p in store::publications_for_student(&db.conn, student.id)? {
            if out.iter().any(|m| m.quiz_id == p.quiz_id) {
                continue;
            }
            let Some(q) = store::quiz_by_id(&db.conn, p.quiz_id)?.filter(|q| !q.removed) else { continue };
            let attempts = store::attempts_of_student(&db.conn, q.id, student.id)?;
            let submitted: Vec<&AttemptRow> =
                attempts.iter().filter(|a| super::finished(a, Some(p.closes_at), now)).collect();
            let shown = released(&p, now);
            let best = if shown && !submitted.is_empty() {
                let mut best: Option<AttemptScore> = None;
                for a in &submitted {
                    let questions = super::questions_of(&db.conn, a.drawn().iter().map(|d| d.q))?;
                    let (s, _) = super::score(&q, a, &questions, &store::responses_of(&db.conn, a.id)?);
                    if best.is_none_or(|b| s.score_hundredths > b.score_hundredths) {
                        best = Some(s);
                    }
                }
                best
            } else {
                None
            };
            out.push(MyQuiz {
                quiz_id: q.id,
                name: q.name.clone(),
                course_name: crate::academics::courses::by_id(&db.conn, q.course_id)?
                    .map(|c| c.name)
                    .unwrap_or_default(),
                batch_name: crate::timetable::store::batch_by_id(&db.conn, p.batch_id)?
                    .map(|b| b.name)
                    .unwrap_or_default(),
                opens_at: p.opens_at.to_rfc3339(),
                closes_at: p.closes_at.to_rfc3339(),
                duration_minutes: q.duration_minutes as u32,
                questions: super::setup::size(&q, &candidates(&db.conn, q.course_id)?),
                attempts_allowed: q.attempts_allowed as u32,
                attempts_used: attempts.len() as u32,
                state: state(&p, &q, &attempts, now),
                in_progress: attempts
                    .iter()
                    .find(|a| a.submitted_at.is_none())
                    .map(|a| a.id)
                    .filter(|_| now < p.closes_at),
                best,
                reviewable: if shown { submitted.iter().map(|a| a.id).collect() } else { Vec::new() },
            });
        }
        Ok(out)
    }

    /// Starts the student's next attempt, or resumes the one in progress
    /// with the time it has left.
    pub fn start_quiz_attempt(&self, actor: &Actor, input: StartQuizAttempt) -> Result<Attempt> {
        actor.require_somewhere(Permission::ViewOwnRecord)?;
        let (student, quiz, publication, attempts) = {
            let db = self.db();
            let student = crate::students::own_student(&db.conn, actor)?;
            let publication = store::publications_for_student(&db.conn, student.id)?
                .into_iter()
                .find(|p| p.quiz_id == input.quiz_id)
                .ok_or_else(|| ApiError::not_found("quiz").on("quiz_id"))?;
            let quiz = super::setup::quiz(&db.conn, input.quiz_id, "quiz_id")?;
            let attempts = store::attempts_of_student(&db.conn, quiz.id, student.id)?;
            (student, quiz, publication, attempts)
        };
        let now = self.clock().now();
        if let Some(open) = attempts.iter().find(|a| a.submitted_at.is_none()) {
            let t = Taking { attempt: open.clone(), quiz, publication: Some(publication) };
            let progress = self.save_progress(actor, &t, None, None, false)?;
            let db = self.db();
            let attempt = store::attempt_by_id(&db.conn, open.id)?.unwrap_or_else(|| open.clone());
            return attempt_view(&db.conn, &Taking { attempt, ..t }, progress.remaining_ms as i64);
        }
        if now < publication.opens_at {
            return Err(ApiError::invalid("quiz_id", "This quiz has not opened yet.").into());
        }
        if now >= publication.closes_at {
            return Err(ApiError::invalid("quiz_id", "This quiz has closed.").into());
        }
        if attempts.len() as i64 >= quiz.attempts_allowed {
            return Err(ApiError::invalid("quiz_id", "You have used every attempt this quiz allows.").into());
        }
        let number = attempts.iter().map(|a| a.number).max().unwrap_or(0) + 1;
        // The seed comes from the attempt's id: two desks starting the
        // same attempt offline draw the same questions in the same order.
        let id = store::attempt_id(quiz.id, student.id, number);
        let seed = id.0.as_u64_pair().0 as i64;
        let drawn = {
            let db = self.db();
            let bank = candidates(&db.conn, quiz.course_id)?;
            super::draw::draw(seed, &quiz.question_ids(), &quiz.draw(), &bank, quiz.shuffle)
        };
        if drawn.is_empty() {
            return Err(ApiError::invalid("quiz_id", "This quiz has no questions on this desk yet.").into());
        }
        let row = AttemptRow {
            id,
            branch_id: publication.branch_id,
            quiz_id: quiz.id,
            batch_id: publication.batch_id,
            student_id: student.id,
            number,
            seed,
            drawn: serde_json::to_string(&drawn).unwrap_or_else(|_| "[]".into()),
            time_used_ms: 0,
            position: 0,
            started_device: self.device_id().to_owned(),
            started_at: now,
            submitted_at: None,
            created_at: now,
            updated_at: now,
        };
        self.write(Some(actor.user_id), |w| w.insert(&row))?;
        self.attempt_clocks.lap(row.id, self.clock().monotonic());
        let remaining = duration_ms(&quiz);
        attempt_view(
            &self.db().conn,
            &Taking { attempt: row, quiz, publication: Some(publication) },
            remaining,
        )
    }

    /// One answer as given, with the time used.
    pub fn answer_question(&self, actor: &Actor, input: AnswerQuestion) -> Result<AttemptProgress> {
        let (student, t) = own_attempt(&self.db().conn, actor, input.attempt_id)?;
        if t.attempt.submitted_at.is_some() {
            return Err(ApiError::invalid("attempt_id", "This attempt has been submitted.").into());
        }
        let drawn = t.attempt.drawn();
        let d = drawn
            .get(input.question as usize)
            .ok_or_else(|| ApiError::invalid("question", "That question is not in this attempt."))?;
        let q = crate::assessment::bank::by_id(&self.db().conn, d.q)?
            .ok_or_else(|| ApiError::invalid("question", "That question is not on this desk."))?;
        let typed = input.typed.trim().to_owned();
        if typed.chars().count() > 500 {
            return Err(ApiError::invalid("typed", "An answer here is at most 500 characters.").into());
        }
        let mut chosen = Vec::new();
        for &shown in &input.chosen {
            let bank =
                *d.o.get(shown as usize)
                    .ok_or_else(|| ApiError::invalid("chosen", "That choice is not in this question."))?;
            if !chosen.contains(&bank) {
                chosen.push(bank);
            }
        }
        match q.kind {
            QuestionKind::ShortAnswer if !chosen.is_empty() => {
                return Err(ApiError::invalid("chosen", "This question is answered in words.").into())
            }
            QuestionKind::MultipleChoice | QuestionKind::TrueFalse if chosen.len() > 1 => {
                return Err(ApiError::invalid("chosen", "This question has one answer.").into())
            }
            QuestionKind::ShortAnswer => {}
            _ if !typed.is_empty() => {
                return Err(ApiError::invalid("typed", "This question is answered by choosing.").into())
            }
            _ => {}
        }
        chosen.sort_unstable();
        let now = self.clock().now();
        let held = store::response_by_id(&self.db().conn, store::response_id(t.attempt.id, q.id))?;
        let answer = ResponseRow {
            id: store::response_id(t.attempt.id, q.id),
            branch_id: t.attempt.branch_id,
            attempt_id: t.attempt.id,
            question_id: q.id,
            student_id: student.id,
            chosen: serde_json::to_string(&chosen).unwrap_or_else(|_| "[]".into()),
            typed,
            flagged: input.flagged,
            device: self.device_id().to_owned(),
            graded_hundredths: held.as_ref().and_then(|h| h.graded_hundredths),
            comment: held.as_ref().map(|h| h.comment.clone()).unwrap_or_default(),
            graded_by: held.as_ref().and_then(|h| h.graded_by),
            created_at: now,
            updated_at: now,
        };
        let position = input.position.min(drawn.len().saturating_sub(1) as u32);
        self.save_progress(actor, &t, Some(position), Some(answer), false)
    }

    /// The time used and the question shown; a question shown for the
    /// first time is marked seen.
    pub fn save_attempt_time(&self, actor: &Actor, input: SaveAttemptTime) -> Result<AttemptProgress> {
        let (student, t) = own_attempt(&self.db().conn, actor, input.attempt_id)?;
        if t.attempt.submitted_at.is_some() {
            return Ok(AttemptProgress { remaining_ms: 0, submitted: true });
        }
        let drawn = t.attempt.drawn();
        let position = input.position.min(drawn.len().saturating_sub(1) as u32);
        let seen = match drawn.get(position as usize) {
            Some(d)
                if store::response_by_id(&self.db().conn, store::response_id(t.attempt.id, d.q))?
                    .is_none() =>
            {
                let now = self.clock().now();
                Some(ResponseRow {
                    id: store::response_id(t.attempt.id, d.q),
                    branch_id: t.attempt.branch_id,
                    attempt_id: t.attempt.id,
                    question_id: d.q,
                    student_id: student.id,
                    chosen: "[]".into(),
                    typed: String::new(),
                    flagged: false,
                    device: self.device_id().to_owned(),
                    graded_hundredths: None,
                    comment: String::new(),
                    graded_by: None,
                    created_at: now,
                    updated_at: now,
                })
            }
            _ => None,
        };
        self.save_progress(actor, &t, Some(position), seen, false)
    }

    pub fn submit_quiz_attempt(&self, actor: &Actor, input: SubmitQuizAttempt) -> Result<AttemptProgress> {
        let (_, t) = own_attempt(&self.db().conn, actor, input.attempt_id)?;
        if t.attempt.submitted_at.is_some() {
            return Ok(AttemptProgress { remaining_ms: 0, submitted: true });
        }
        self.save_progress(actor, &t, None, None, true)
    }
}
