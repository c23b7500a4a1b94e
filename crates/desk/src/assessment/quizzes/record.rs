//! A student's quizzes as their report card shows them: the best attempt
//! at each quiz whose results are out, with its rank and percentile among
//! every student's best in the branches the desk holds.

use super::setup::released;
use super::store::{self, AttemptRow};
use crate::assessment::ranks;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::quizzes::{ListStudentQuizzes, StudentQuiz};
use branchdesk_api::ids::{QuizAttemptId, StudentId};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use std::collections::HashMap;

/// One quiz on a student's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QuizMark {
    pub name: String,
    /// The day the best attempt was submitted, at the desk.
    pub on: NaiveDate,
    pub score_hundredths: i64,
    pub max_hundredths: i64,
    pub rank: u32,
    pub ranked: u32,
    pub percentile_hundredths: u32,
}

/// The student's quizzes with results out, oldest first.
pub(crate) fn student_quizzes(
    conn: &Connection,
    student: StudentId,
    now: DateTime<Utc>,
) -> Result<Vec<QuizMark>> {
    let quizzes: Vec<String> = conn
        .prepare_cached("SELECT DISTINCT quiz_id FROM quiz_attempts WHERE student_id = ?1")?
        .query_map([student.to_string()], |r| r.get("quiz_id"))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for id in quizzes {
        let Ok(id) = id.parse().map(branchdesk_api::ids::QuizId) else { continue };
        let Some(quiz) = store::quiz_by_id(conn, id)? else { continue };
        let closes = super::closing(conn, id)?;
        let attempts: Vec<AttemptRow> = store::attempts_of(conn, id, None)?
            .into_iter()
            .filter(|a| super::finished(a, closes.get(&a.batch_id).copied(), now))
            .collect();
        let Some(mine) = attempts.iter().find(|a| a.student_id == student) else { continue };
        let out_yet = store::publication_by_id(conn, store::publication_id(id, mine.batch_id))?
            .is_some_and(|p| released(&p, now));
        if !out_yet {
            continue;
        }
        let mut responses: HashMap<QuizAttemptId, Vec<store::ResponseRow>> = HashMap::new();
        for r in store::responses_of_quiz(conn, id)? {
            responses.entry(r.attempt_id).or_default().push(r);
        }
        let questions =
            super::questions_of(conn, attempts.iter().flat_map(|a| a.drawn().into_iter().map(|d| d.q)))?;
        // Each student's best attempt: (score, max, submitted).
        let mut best: HashMap<StudentId, (i64, i64, DateTime<Utc>)> = HashMap::new();
        for a in &attempts {
            let (s, _) = super::score(&quiz, a, &questions, responses.get(&a.id).map_or(&[], Vec::as_slice));
            let at = a.submitted_at.unwrap_or(a.updated_at);
            let e = best.entry(a.student_id).or_insert((i64::MIN, s.max_hundredths, at));
            if s.score_hundredths > e.0 {
                *e = (s.score_hundredths, s.max_hundredths, at);
            }
        }
        let students: Vec<StudentId> = best.keys().copied().collect();
        let totals: Vec<i64> = students.iter().map(|s| best[s].0).collect();
        let Some(at) = students.iter().position(|s| *s == student) else { continue };
        let Some(r) = ranks::rank(&totals).into_iter().find(|r| r.index == at) else { continue };
        let (score, max, when) = best[&student];
        out.push(QuizMark {
            name: quiz.name.clone(),
            on: crate::clock::local_date(when),
            score_hundredths: score,
            max_hundredths: max,
            rank: r.rank,
            ranked: totals.len() as u32,
            percentile_hundredths: r.percentile_hundredths,
        });
    }
    out.sort_by(|a, b| a.on.cmp(&b.on).then(a.name.cmp(&b.name)));
    Ok(out)
}

impl Desk {
    /// A student's quizzes, for whoever may read their tests.
    pub fn list_student_quizzes(&self, actor: &Actor, input: ListStudentQuizzes) -> Result<Vec<StudentQuiz>> {
        let db = self.db();
        let student = crate::assessment::record::readable_student(&db.conn, actor, input.student_id)?;
        Ok(student_quizzes(&db.conn, student.id, self.clock().now())?
            .into_iter()
            .map(|q| StudentQuiz {
                quiz_name: q.name,
                on: q.on.to_string(),
                score_hundredths: q.score_hundredths,
                max_hundredths: q.max_hundredths,
                rank: q.rank,
                ranked: q.ranked,
                percentile_hundredths: q.percentile_hundredths,
            })
            .collect())
    }
}
