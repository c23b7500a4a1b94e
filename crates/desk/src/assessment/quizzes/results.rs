//! A quiz's results for its teachers (every attempt scored from the keys
//! held here, the summary, the distribution and the item analysis), the
//! review of one attempt, and the short answers waiting for a teacher.

use super::analysis;
use super::setup::{quiz, released, view};
use super::store::{self, AttemptRow, QuizRow, ResponseRow};
use super::Scored;
use crate::assessment::bank::QuestionRow;
use crate::assessment::ranks;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::assessment::QuestionKind;
use branchdesk_api::commands::quizzes::*;
use branchdesk_api::ids::{QuestionId, QuizAttemptId, StudentId};
use branchdesk_api::marks::{self, Entry};
use branchdesk_api::{ApiError, Permission};
use rusqlite::Connection;
use std::collections::HashMap;

/// Every attempt at a quiz in the branches where the actor marks
/// attendance (one batch when given), with the answers and the questions.
struct Held {
    attempts: Vec<AttemptRow>,
    responses: HashMap<QuizAttemptId, Vec<ResponseRow>>,
    questions: HashMap<QuestionId, QuestionRow>,
}

fn held(
    conn: &Connection,
    actor: &Actor,
    q: &QuizRow,
    batch: Option<branchdesk_api::ids::BatchId>,
) -> Result<Held> {
    let teaches = actor.branches_with(Permission::MarkAttendance);
    let attempts: Vec<AttemptRow> = store::attempts_of(conn, q.id, batch)?
        .into_iter()
        .filter(|a| teaches.contains(a.branch_id))
        .collect();
    let mut responses: HashMap<QuizAttemptId, Vec<ResponseRow>> = HashMap::new();
    for r in store::responses_of_quiz(conn, q.id)? {
        responses.entry(r.attempt_id).or_default().push(r);
    }
    let questions =
        super::questions_of(conn, attempts.iter().flat_map(|a| a.drawn().into_iter().map(|d| d.q)))?;
    Ok(Held { attempts, responses, questions })
}

impl Held {
    fn answers(&self, a: &AttemptRow) -> &[ResponseRow] {
        self.responses.get(&a.id).map_or(&[], Vec::as_slice)
    }
}

/// Answers given on another desk than the one the attempt began on.
fn several_desks(a: &AttemptRow, responses: &[ResponseRow]) -> bool {
    responses.iter().any(|r| r.device != a.started_device)
}

fn teacher_of(actor: &Actor, a: &AttemptRow) -> Result<()> {
    actor.require(Permission::MarkAttendance, Some(a.branch_id))?;
    Ok(())
}

impl Desk {
    pub fn get_quiz_results(&self, actor: &Actor, input: GetQuizResults) -> Result<QuizResults> {
        actor.require_somewhere(Permission::MarkAttendance)?;
        let db = self.db();
        let q = quiz(&db.conn, input.quiz_id, "quiz_id")?;
        let h = held(&db.conn, actor, &q, input.batch_id)?;
        let (closes, now) = (super::closing(&db.conn, q.id)?, self.clock().now());
        let mut students: HashMap<StudentId, crate::students::store::StudentRow> = HashMap::new();
        let mut batches: HashMap<branchdesk_api::ids::BatchId, String> = HashMap::new();
        let mut lines = Vec::new();
        let mut best: HashMap<StudentId, i64> = HashMap::new();
        let mut analysed: Vec<(i64, Vec<Scored>)> = Vec::new();
        let mut max = 0;
        for a in &h.attempts {
            let (score, scored) = super::score(&q, a, &h.questions, h.answers(a));
            let submitted = super::finished(a, closes.get(&a.batch_id).copied(), now);
            if submitted {
                let b = best.entry(a.student_id).or_insert(i64::MIN);
                *b = (*b).max(score.score_hundredths);
                analysed.push((score.score_hundredths, scored));
                max = max.max(score.max_hundredths);
            }
            if !students.contains_key(&a.student_id) {
                if let Some(s) = crate::students::store::student_by_id(&db.conn, a.student_id)? {
                    students.insert(s.id, s);
                }
            }
            if let std::collections::hash_map::Entry::Vacant(e) = batches.entry(a.batch_id) {
                e.insert(
                    crate::timetable::store::batch_by_id(&db.conn, a.batch_id)?
                        .map(|b| b.name)
                        .unwrap_or_default(),
                );
            }
            let st = students.get(&a.student_id);
            lines.push(AttemptLine {
                attempt_id: a.id,
                student_id: a.student_id,
                student_code: st.map(|s| s.code.clone()).unwrap_or_default(),
                student_name: st.map(|s| s.full_name.clone()).unwrap_or_default(),
                batch_name: batches.get(&a.batch_id).cloned().unwrap_or_default(),
                number: a.number as u32,
                submitted,
                score,
                time_used_ms: a.time_used_ms.max(0) as u64,
                several_desks: several_desks(a, h.answers(a)),
            });
        }
        lines.sort_by(|x, y| {
            y.submitted
                .cmp(&x.submitted)
                .then(y.score.score_hundredths.cmp(&x.score.score_hundredths))
                .then(x.student_name.to_lowercase().cmp(&y.student_name.to_lowercase()))
                .then(x.number.cmp(&y.number))
        });
        let totals: Vec<i64> = best.values().copied().collect();
        let (mean, median, highest) = ranks::summary(&totals);
        let items = analysis::items(&analysed)
            .into_iter()
            .map(|i| ItemLine {
                question_id: i.question,
                text: h.questions.get(&i.question).map(|q| q.text.clone()).unwrap_or_default(),
                answered: i.met,
                right_bp: i.right_bp,
                discrimination_bp: i.discrimination_bp,
                review: i.review.map(str::to_owned),
            })
            .collect();
        let to_grade = analysed.iter().flat_map(|(_, s)| s.iter()).filter(|s| s.waiting).count() as u32;
        Ok(QuizResults {
            quiz: view(&db.conn, actor, &q, now)?,
            attempts: lines,
            mean_hundredths: mean,
            median_hundredths: median,
            highest_hundredths: highest,
            max_hundredths: max,
            bands: ranks::bands(&totals, max),
            items,
            to_grade,
        })
    }

    /// One attempt with keys, marks and explanations: the student's own
    /// once the results are released, any in their branches for a teacher.
    pub fn get_attempt_review(&self, actor: &Actor, input: GetAttemptReview) -> Result<AttemptReview> {
        let db = self.db();
        let a = store::attempt_by_id(&db.conn, input.attempt_id)?;
        let own = crate::students::own_student(&db.conn, actor).ok();
        let a = match (a, own) {
            (Some(a), Some(s)) if a.student_id == s.id => {
                actor.require_somewhere(Permission::ViewOwnRecord)?;
                let p = store::publication_by_id(&db.conn, store::publication_id(a.quiz_id, a.batch_id))?;
                let now = self.clock().now();
                let done = super::finished(&a, p.as_ref().map(|p| p.closes_at), now);
                if !done || !p.is_some_and(|p| released(&p, now)) {
                    return Err(ApiError::invalid(
                        "attempt_id",
                        "Your answers and marks show here once your teacher releases the results.",
                    )
                    .into());
                }
                a
            }
            (Some(a), _) => {
                teacher_of(actor, &a)?;
                a
            }
            (None, _) => {
                actor.require_somewhere(Permission::MarkAttendance)?;
                return Err(ApiError::not_found("attempt").on("attempt_id").into());
            }
        };
        let q = store::quiz_by_id(&db.conn, a.quiz_id)?.ok_or_else(|| ApiError::not_found("quiz"))?;
        let responses = store::responses_of(&db.conn, a.id)?;
        let drawn = a.drawn();
        let questions = super::questions_of(&db.conn, drawn.iter().map(|d| d.q))?;
        let (score, scored) = super::score(&q, &a, &questions, &responses);
        let by_q: HashMap<QuestionId, &ResponseRow> = responses.iter().map(|r| (r.question_id, r)).collect();
        let mut out = Vec::new();
        for d in &drawn {
            let Some(qr) = questions.get(&d.q) else { continue };
            let choices = qr.choices();
            let r = by_q.get(&d.q);
            let chosen_bank = r.map(|r| r.chosen()).unwrap_or_default();
            out.push(ReviewedQuestion {
                kind: qr.kind,
                text: qr.text.clone(),
                image: qr.image_b64.as_deref().map(crate::validate::picture_url),
                options: if qr.kind == QuestionKind::ShortAnswer {
                    choices.clone()
                } else {
                    d.o.iter().filter_map(|&i| choices.get(i as usize).cloned()).collect()
                },
                chosen: d
                    .o
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| chosen_bank.contains(b))
                    .map(|(s, _)| s as u32)
                    .collect(),
                typed: r.map(|r| r.typed.clone()).unwrap_or_default(),
                score_hundredths: scored.iter().find(|s| s.question == d.q).map_or(0, |s| s.score),
                points_hundredths: qr.points_hundredths,
                explanation: qr.explanation.clone(),
                comment: r.map(|r| r.comment.clone()).unwrap_or_default(),
            });
        }
        Ok(AttemptReview {
            id: a.id,
            quiz_name: q.name.clone(),
            student_name: crate::students::store::student_by_id(&db.conn, a.student_id)?
                .map(|s| s.full_name)
                .unwrap_or_default(),
            number: a.number as u32,
            score,
            time_used_ms: a.time_used_ms.max(0) as u64,
            questions: out,
        })
    }

    /// Short answers no accepted answer matched, in submitted attempts of
    /// the batches the teacher marks, oldest first.
    pub fn list_answers_to_grade(
        &self,
        actor: &Actor,
        input: ListAnswersToGrade,
    ) -> Result<Vec<AnswerToGrade>> {
        actor.require_somewhere(Permission::MarkAttendance)?;
        let db = self.db();
        let q = quiz(&db.conn, input.quiz_id, "quiz_id")?;
        let h = held(&db.conn, actor, &q, None)?;
        let mut out = Vec::new();
        let (closes, now) = (super::closing(&db.conn, q.id)?, self.clock().now());
        let mut attempts: Vec<&AttemptRow> =
            h.attempts.iter().filter(|a| super::finished(a, closes.get(&a.batch_id).copied(), now)).collect();
        attempts.sort_by_key(|a| a.submitted_at.unwrap_or(a.updated_at));
        for a in attempts {
            let (_, scored) = super::score(&q, a, &h.questions, h.answers(a));
            for s in scored.iter().filter(|s| s.waiting) {
                let Some(qr) = h.questions.get(&s.question) else { continue };
                let typed =
                    h.answers(a).iter().find(|r| r.question_id == s.question).map(|r| r.typed.clone());
                out.push(AnswerToGrade {
                    attempt_id: a.id,
                    question_id: s.question,
                    student_name: crate::students::store::student_by_id(&db.conn, a.student_id)?
                        .map(|s| s.full_name)
                        .unwrap_or_default(),
                    question: qr.text.clone(),
                    typed: typed.unwrap_or_default(),
                    points_hundredths: qr.points_hundredths,
                    accepted: qr.choices().into_iter().filter(|o| o.weight_bp > 0).map(|o| o.text).collect(),
                });
            }
        }
        Ok(out)
    }

    /// A teacher's marks for a short answer (at most the question's).
    pub fn grade_answer(&self, actor: &Actor, input: GradeAnswer) -> Result<AttemptScore> {
        actor.require_somewhere(Permission::MarkAttendance)?;
        let comment = crate::validate::optional("comment", &input.comment, 1000)?;
        let db = self.db();
        let a = store::attempt_by_id(&db.conn, input.attempt_id)?
            .ok_or_else(|| ApiError::not_found("attempt").on("attempt_id"))?;
        teacher_of(actor, &a)?;
        let closes = super::closing(&db.conn, a.quiz_id)?.get(&a.batch_id).copied();
        if !super::finished(&a, closes, self.clock().now()) {
            return Err(ApiError::invalid("attempt_id", "This attempt is still being taken.").into());
        }
        if !a.drawn().iter().any(|d| d.q == input.question_id) {
            return Err(ApiError::invalid("question_id", "That question is not in this attempt.").into());
        }
        let qr = crate::assessment::bank::by_id(&db.conn, input.question_id)?
            .ok_or_else(|| ApiError::not_found("question").on("question_id"))?;
        let given = match marks::parse(&input.marks) {
            Some(Entry::Marks(v)) if v <= qr.points_hundredths => v,
            Some(Entry::Marks(_)) => {
                return Err(ApiError::invalid(
                    "marks",
                    format!(
                        "This question is worth {}; give at most that.",
                        marks::format(qr.points_hundredths)
                    ),
                )
                .into())
            }
            _ => return Err(ApiError::invalid("marks", "Enter the marks as a number, like 1 or 0.5.").into()),
        };
        let old = store::response_by_id(&db.conn, store::response_id(a.id, qr.id))?
            .ok_or_else(|| ApiError::invalid("question_id", "That question was not answered."))?;
        let q = store::quiz_by_id(&db.conn, a.quiz_id)?.ok_or_else(|| ApiError::not_found("quiz"))?;
        drop(db);
        let now = self.clock().now();
        let row = ResponseRow {
            graded_hundredths: Some(given),
            comment,
            graded_by: Some(actor.user_id),
            updated_at: now,
            ..old.clone()
        };
        self.write(Some(actor.user_id), |w| w.update(&old, &row).map(|_| ()))?;
        let db = self.db();
        let questions = super::questions_of(&db.conn, a.drawn().into_iter().map(|d| d.q))?;
        Ok(super::score(&q, &a, &questions, &store::responses_of(&db.conn, a.id)?).0)
    }
}
