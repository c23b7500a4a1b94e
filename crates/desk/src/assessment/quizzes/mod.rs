//! Quizzes taken on a desk. A quiz is the organisation's (fixed questions
//! from a course's bank, or a draw by topic and difficulty); it is
//! published to a batch with an opening and a closing time
//! (`quiz_publications`); a student's attempt is one row per (quiz,
//! student, number) whichever desk it is taken on, and each answer one row
//! per (attempt, question), so two desks holding one attempt merge per
//! question.
//!
//! Scores are never stored: an attempt's score follows from its answers,
//! the keys in the bank and a teacher's marks for short answers
//! (`score`), so a corrected key re-scores every attempt at once, and a
//! student (who writes only answers and time) can set no score. Time is
//! measured by the desk's monotonic clock (`taking.rs`).

mod analysis;
pub mod draw;
pub(crate) mod record;
mod results;
mod setup;
pub mod store;
mod taking;

pub use taking::AttemptClocks;

use super::bank::QuestionRow;
use super::scoring::{self, Response, Rules};
use branchdesk_api::commands::assessment::QuestionKind;
use branchdesk_api::commands::quizzes::AttemptScore;
use branchdesk_api::ids::QuestionId;
use std::collections::HashMap;
use store::{AttemptRow, QuizRow, ResponseRow};

pub(crate) fn rules(quiz: &QuizRow) -> Rules {
    Rules {
        wrong_choice_penalty_bp: quiz.wrong_choice_penalty_bp as i32,
        total_floor_at_zero: quiz.floor_at_zero,
    }
}

/// One question of an attempt as scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scored {
    pub question: QuestionId,
    pub score: i64,
    pub points: i64,
    /// A short answer no accepted answer matched, not yet marked.
    pub waiting: bool,
    /// Answered at all.
    pub answered: bool,
}

/// An attempt's score from its answers and the keys held here. A question
/// no longer in the bank counts for nothing either way.
pub(crate) fn score(
    quiz: &QuizRow,
    attempt: &AttemptRow,
    questions: &HashMap<QuestionId, QuestionRow>,
    responses: &[ResponseRow],
) -> (AttemptScore, Vec<Scored>) {
    let rules = rules(quiz);
    // Only the attempt's own student answers in it (the server refuses
    // anything else; a row that got here regardless counts for nothing).
    let by_question: HashMap<QuestionId, &ResponseRow> = responses
        .iter()
        .filter(|r| r.student_id == attempt.student_id && r.attempt_id == attempt.id)
        .map(|r| (r.question_id, r))
        .collect();
    let mut scored = Vec::new();
    for d in attempt.drawn() {
        let Some(q) = questions.get(&d.q) else { continue };
        let r = by_question.get(&d.q);
        let response = match r {
            Some(r) if q.kind == QuestionKind::ShortAnswer && !r.typed.trim().is_empty() => {
                Response::Text(r.typed.clone())
            }
            Some(r) if q.kind != QuestionKind::ShortAnswer && !r.chosen().is_empty() => {
                Response::Choices(r.chosen().into_iter().map(|i| i as usize).collect())
            }
            _ => Response::Blank,
        };
        let answered = response != Response::Blank;
        let auto = scoring::question(q.kind, &q.choices(), q.points_hundredths, &response, rules);
        let graded = r.and_then(|r| r.graded_hundredths).map(|g| g.min(q.points_hundredths));
        let waiting = q.kind == QuestionKind::ShortAnswer && answered && auto <= 0 && graded.is_none();
        scored.push(Scored {
            question: d.q,
            score: graded.unwrap_or(auto),
            points: q.points_hundredths,
            waiting,
            answered,
        });
    }
    let max: i64 = scored.iter().map(|s| s.points).sum();
    let total = scoring::total(&scored.iter().map(|s| s.score).collect::<Vec<_>>(), max, rules);
    let percent_bp = if max > 0 { (total.max(0) * 10_000 / max) as u32 } else { 0 };
    (
        AttemptScore {
            score_hundredths: total,
            max_hundredths: max,
            percent_bp,
            passed: max > 0 && percent_bp as i64 >= quiz.pass_bp,
            ungraded: scored.iter().filter(|s| s.waiting).count() as u32,
        },
        scored,
    )
}

/// Whether an attempt counts in the results: submitted, or left open when
/// its window closed (the student never came back: its answers stand as
/// saved). `closes`: its batch's closing time, if published there.
pub(crate) fn finished(
    a: &AttemptRow,
    closes: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    a.submitted_at.is_some() || closes.is_some_and(|c| now >= c)
}

/// When each batch's window of a quiz closes.
pub(crate) fn closing(
    conn: &rusqlite::Connection,
    quiz: branchdesk_api::ids::QuizId,
) -> crate::Result<HashMap<branchdesk_api::ids::BatchId, chrono::DateTime<chrono::Utc>>> {
    Ok(store::publications_of(conn, quiz)?.into_iter().map(|p| (p.batch_id, p.closes_at)).collect())
}

/// The bank questions an attempt (or several) needs, by id.
pub(crate) fn questions_of(
    conn: &rusqlite::Connection,
    ids: impl IntoIterator<Item = QuestionId>,
) -> crate::Result<HashMap<QuestionId, QuestionRow>> {
    let mut out = HashMap::new();
    for id in ids {
        if out.contains_key(&id) {
            continue;
        }
        if let Some(q) = super::bank::by_id(conn, id)? {
            out.insert(id, q);
        }
    }
    Ok(out)
}
