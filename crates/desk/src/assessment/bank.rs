//! A course's question bank: imported from GIFT, Aiken or CSV (checked
//! first, every problem by line; then every question in one action),
//! listed by topic, exported as GIFT. Teachers keep it; a student's
//! session never reads it (the commands need attendance marking, which
//! the STUDENT role does not hold), so answer keys stay with teachers.

use super::gift::Problem;
use crate::db::read;
use crate::write::org_record;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::assessment::*;
use branchdesk_api::commands::imports::{ImportReport, RowProblem, SavedFile, MAX_IMPORT_BYTES};
use branchdesk_api::ids::{CourseId, QuestionId, UserId};
use branchdesk_api::marks::{self, Entry};
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionRow {
    pub id: QuestionId,
    pub course_id: CourseId,
    pub kind: QuestionKind,
    pub name: String,
    pub topic: String,
    pub difficulty: Difficulty,
    pub text: String,
    /// `[QuestionOption]` as JSON: a question's choices change together.
    pub options: String,
    pub points_hundredths: i64,
    pub explanation: String,
    pub created_by: UserId,
    pub removed: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// A JPEG or PNG, base64 (`validate::picture`).
    pub image_b64: Option<String>,
}
org_record!(QuestionRow, "questions");

impl QuestionRow {
    /// The choices; a row another desk wrote that does not read as choices
    /// shows none (it cannot be graded until corrected there).
    pub fn choices(&self) -> Vec<QuestionOption> {
        serde_json::from_str(&self.options).unwrap_or_default()
    }
}

static COLUMNS: read::Columns = read::columns!(QuestionRow, "");

/// The most questions one file brings.
const MAX_QUESTIONS: usize = 20_000;

/// One question per course and text: a file imported again updates it.
pub fn question_id(course: CourseId, text: &str) -> QuestionId {
    const NAMESPACE: Uuid = Uuid::from_u128(0x9a41_0c6e_2b7d_4f53_8e19_c3a5_77d0_1b42);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    QuestionId(Uuid::new_v5(&NAMESPACE, format!("{course}\u{0}{text}").as_bytes()))
}

pub(crate) fn by_id(conn: &Connection, id: QuestionId) -> Result<Option<QuestionRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM questions WHERE id = ?1"))?
        .query_row([id.to_string()], read::row)
        .optional()?)
}

pub(crate) fn of_course(conn: &Connection, course: CourseId) -> Result<Vec<QuestionRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM questions WHERE course_id = ?1 AND removed = 0 ORDER BY topic, lower(text), id"
    ))?;
    Ok(read::all(&mut stmt, [course.to_string()])?)
}

/// A question read from a file, with the points and difficulty the file
/// gives it (only a CSV does).
type Read = (QuestionDraft, Option<i64>, Difficulty);

/// A bank CSV (`BANK_CSV_COLUMNS`): questions and problems by line.
fn parse_csv(content: &str) -> std::result::Result<(Vec<Read>, Vec<Problem>), ApiError> {
    let mut reader =
        csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(content.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|_| ApiError::invalid("content", "This is not a CSV file with a header row."))?
        .iter()
        .map(|h| h.to_lowercase().replace("option ", "").replace("option_", ""))
        .collect();
    let at = |name: &str| header.iter().position(|h| h == name);
    let (Some(q_at), Some(answer_at)) = (at("question"), at("answer")) else {
        return Err(ApiError::invalid(
            "content",
            "A question bank CSV needs a question and an answer column.",
        ));
    };
    let choice_at: Vec<usize> = ["a", "b", "c", "d", "e", "f"].iter().filter_map(|c| at(c)).collect();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u32 + 2;
        let Ok(r) = record else {
            problems.push(Problem { line, message: "This row cannot be read.".into() });
            continue;
        };
        let cell = |at: Option<usize>| at.and_then(|a| r.get(a)).unwrap_or("").to_owned();
        if r.iter().all(str::is_empty) {
            continue;
        }
        let text = cell(Some(q_at));
        let answer = cell(Some(answer_at));
        let choices: Vec<String> =
            choice_at.iter().map(|a| cell(Some(*a))).filter(|c| !c.is_empty()).collect();
        let mut problem = |m: String| problems.push(Problem { line, message: m });
        if text.is_empty() {
            problem("The question is empty.".into());
            continue;
        }
        let points = match cell(at("points")).as_str() {
            "" => None,
            p => match marks::parse(p) {
                Some(Entry::Marks(v)) if v > 0 => Some(v),
                _ => {
                    problem(format!("Points \"{p}\" must be a number above zero."));
                    continue;
                }
            },
        };
        let difficulty = match cell(at("difficulty")).to_uppercase().as_str() {
            "" => Difficulty::Medium,
            d => match Difficulty::parse(d) {
                Some(d) => d,
                None => {
                    problem(format!("Difficulty \"{d}\" is not EASY, MEDIUM or HARD."));
                    continue;
                }
            },
        };
        let upper = answer.to_uppercase();
        let option = |text: &str, weight_bp: i32| QuestionOption {
            text: text.to_owned(),
            weight_bp,
            feedback: String::new(),
        };
        let (kind, options) = if choices.is_empty() && (upper == "TRUE" || upper == "FALSE") {
            let right = upper == "TRUE";
            (
                QuestionKind::TrueFalse,
                vec![
                    option("True", if right { 10_000 } else { 0 }),
                    option("False", if right { 0 } else { 10_000 }),
                ],
            )
        } else if choices.is_empty() {
            let accepted: Vec<QuestionOption> = answer
                .split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| option(a, 10_000))
                .collect();
            if accepted.is_empty() {
                problem("The answer is empty.".into());
                continue;
            }
            (QuestionKind::ShortAnswer, accepted)
        } else {
            let letters: Vec<&str> = upper.split([';', ',', ' ']).filter(|l| !l.is_empty()).collect();
            let places: Vec<Option<usize>> = letters
                .iter()
                .map(|l| {
                    (l.len() == 1)
                        .then(|| (l.as_bytes()[0].wrapping_sub(b'A')) as usize)
                        .filter(|p| *p < choices.len())
                })
                .collect();
            if places.is_empty() || places.iter().any(Option::is_none) {
                problem(format!(
                    "The answer \"{answer}\" must name choices by letter, A to {}.",
                    (b'A' + choices.len() as u8 - 1) as char
                ));
                continue;
            }
            let right: Vec<usize> = places.into_iter().flatten().collect();
            let share = 10_000 / right.len() as i32;
            let kind =
                if right.len() == 1 { QuestionKind::MultipleChoice } else { QuestionKind::MultipleSelect };
            let options = choices
                .iter()
                .enumerate()
                .map(|(k, c)| {
                    // The last right choice takes what rounding left over.
                    let w = match right.iter().position(|r| *r == k) {
                        Some(p) if p + 1 == right.len() => 10_000 - share * (right.len() as i32 - 1),
                        Some(_) => share,
                        None => 0,
                    };
                    option(c, w)
                })
                .collect();
            (kind, options)
        };
        let draft = QuestionDraft {
            line,
            name: cell(at("name")),
            topic: cell(at("topic")),
            kind,
            text,
            options,
            explanation: cell(at("explanation")),
        };
        out.push((draft, points, difficulty));
    }
    Ok((out, problems))
}

fn view(r: &QuestionRow) -> Question {
    Question {
        id: r.id,
        course_id: r.course_id,
        kind: r.kind,
        name: r.name.clone(),
        topic: r.topic.clone(),
        difficulty: r.difficulty,
        text: r.text.clone(),
        options: r.choices(),
        points_hundredths: r.points_hundredths,
        explanation: r.explanation.clone(),
        image: r.image_b64.as_deref().map(crate::validate::picture_url),
    }
}

impl Desk {
    pub fn import_questions(&self, actor: &Actor, input: ImportQuestions) -> Result<ImportReport> {
        if !actor.can(Permission::ManageCourse, None) {
            actor.require_somewhere(Permission::MarkAttendance)?;
        }
        if input.content.len() > MAX_IMPORT_BYTES {
            return Err(ApiError::invalid("content", "This file is too large for a question bank.").into());
        }
        let points = match marks::parse(&input.points) {
            Some(Entry::Blank) => 100,
            Some(Entry::Marks(v)) if v > 0 => v,
            _ => {
                return Err(
                    ApiError::invalid("points", "Enter the marks a question is worth, like 1 or 4.").into()
                )
            }
        };
        let course = crate::academics::courses::by_id(&self.db().conn, input.course_id)?
            .ok_or_else(|| ApiError::not_found("course").on("course_id"))?;
        let content = input.content.trim_start_matches('\u{feff}');
        let (questions, problems): (Vec<Read>, Vec<Problem>) = match input.format {
            BankFormat::Gift => {
                let (q, p) = super::gift::parse(content);
                (q.into_iter().map(|q| (q, None, Difficulty::Medium)).collect(), p)
            }
            BankFormat::Aiken => {
                let (q, p) = super::aiken::parse(content);
                (q.into_iter().map(|q| (q, None, Difficulty::Medium)).collect(), p)
            }
            BankFormat::Csv => parse_csv(content)?,
        };
        let mut report = ImportReport {
            rows: (questions.len() + problems.len()) as u32,
            errors: problems
                .into_iter()
                .map(|p| RowProblem { row: p.line, column: String::new(), message: p.message })
                .collect(),
            possible_duplicates: Vec::new(),
            written: 0,
        };
        if questions.is_empty() && report.errors.is_empty() {
            return Err(ApiError::invalid(
                "content",
                format!("No questions found in this {} file.", input.format.label()),
            )
            .into());
        }
        if questions.len() > MAX_QUESTIONS {
            return Err(ApiError::invalid(
                "content",
                format!("A file brings at most {MAX_QUESTIONS} questions."),
            )
            .into());
        }
        // Long texts and the same question twice in one file.
        let mut seen = std::collections::HashMap::new();
        for (q, _, _) in &questions {
            let long = [
                (&q.text, 5_000, "question"),
                (&q.explanation, 5_000, "explanation"),
                (&q.name, 200, "name"),
                (&q.topic, 100, "topic"),
            ]
            .into_iter()
            .find(|(t, max, _)| t.chars().count() > *max);
            if let Some((_, max, what)) = long {
                report.errors.push(RowProblem {
                    row: q.line,
                    column: String::new(),
                    message: format!("The {what} is longer than {max} characters."),
                });
            }
            if let Some(first) = seen.insert(question_id(course.id, &q.text), q.line) {
                report.possible_duplicates.push(RowProblem {
                    row: q.line,
                    column: String::new(),
                    message: format!("The same question as on line {first}; the later one is kept."),
                });
            }
        }
        report.errors.sort_by_key(|e| e.row);
        if !report.errors.is_empty() || !input.commit {
            return Ok(report);
        }
        let now = self.clock().now();
        let mut rows = Vec::new();
        {
            let db = self.db();
            for (q, own_points, difficulty) in questions {
                let id = question_id(course.id, &q.text);
                let held = by_id(&db.conn, id)?;
                let row = QuestionRow {
                    id,
                    course_id: course.id,
                    kind: q.kind,
                    name: q.name,
                    topic: q.topic,
                    difficulty,
                    text: q.text,
                    options: serde_json::to_string(&q.options)?,
                    points_hundredths: own_points.unwrap_or(points),
                    explanation: q.explanation,
                    created_by: held.as_ref().map_or(actor.user_id, |h| h.created_by),
                    removed: false,
                    created_at: held.as_ref().map_or(now, |h| h.created_at),
                    updated_at: now,
                    // A file never carries pictures: a question keeps its own.
                    image_b64: held.as_ref().and_then(|h| h.image_b64.clone()),
                };
                rows.retain(|(_, r): &(Option<QuestionRow>, QuestionRow)| r.id != id);
                rows.push((held, row));
            }
        }
        self.write(Some(actor.user_id), |w| {
            for (held, row) in &rows {
                match held {
                    Some(h) if h != row => {
                        w.update(h, row)?;
                    }
                    Some(_) => {}
                    None => w.insert(row)?,
                }
            }
            Ok(())
        })?;
        report.written = rows.len() as u32;
        Ok(report)
    }

    /// A question's picture, set or taken away, by whoever may change the
    /// question (its author, or a course manager over every branch).
    pub fn set_question_image(&self, actor: &Actor, input: SetQuestionImage) -> Result<Question> {
        if !actor.can(Permission::ManageCourse, None) {
            actor.require_somewhere(Permission::MarkAttendance)?;
        }
        let image = crate::validate::picture("image_b64", &input.image_b64, MAX_QUESTION_IMAGE_BYTES)?;
        let old = by_id(&self.db().conn, input.question_id)?
            .filter(|q| !q.removed)
            .ok_or_else(|| ApiError::not_found("question").on("question_id"))?;
        actor.may_act()?;
        if !crate::assessment::may_edit_authored(actor, old.created_by) {
            return Err(ApiError::denied(
                "Only the teacher who added this question, or a course manager over every branch, may change it.",
            )
            .into());
        }
        let new = QuestionRow { image_b64: image, updated_at: self.clock().now(), ..old.clone() };
        self.write(Some(actor.user_id), |w| w.update(&old, &new).map(|_| ()))?;
        Ok(view(&new))
    }

    pub fn list_questions(&self, actor: &Actor, input: ListQuestions) -> Result<QuestionBank> {
        if !actor.can(Permission::ManageCourse, None) {
            actor.require_somewhere(Permission::MarkAttendance)?;
        }
        let db = self.db();
        crate::academics::courses::by_id(&db.conn, input.course_id)?
            .ok_or_else(|| ApiError::not_found("course").on("course_id"))?;
        let all = of_course(&db.conn, input.course_id)?;
        let mut topics: Vec<(String, u32)> = Vec::new();
        for q in &all {
            match topics.iter_mut().find(|(t, _)| *t == q.topic) {
                Some((_, n)) => *n += 1,
                None => topics.push((q.topic.clone(), 1)),
            }
        }
        let topic = input.topic.trim();
        let questions = all.iter().filter(|q| topic.is_empty() || q.topic == topic).map(view).collect();
        Ok(QuestionBank { topics, questions })
    }

    pub fn export_questions(&self, actor: &Actor, input: ExportQuestions) -> Result<SavedFile> {
        if !actor.can(Permission::ManageCourse, None) {
            actor.require_somewhere(Permission::MarkAttendance)?;
        }
        let (course, all) = {
            let db = self.db();
            let course = crate::academics::courses::by_id(&db.conn, input.course_id)?
                .ok_or_else(|| ApiError::not_found("course").on("course_id"))?;
            (course, of_course(&db.conn, input.course_id)?)
        };
        let drafts: Vec<QuestionDraft> = all
            .iter()
            .map(|q| QuestionDraft {
                line: 0,
                name: q.name.clone(),
                topic: q.topic.clone(),
                kind: q.kind,
                text: q.text.clone(),
                options: q.choices(),
                explanation: q.explanation.clone(),
            })
            .collect();
        let text = super::gift::write(&drafts);
        let path = self.save_file(&format!("{}-questions.gift.txt", course.code), text.as_bytes())?;
        Ok(SavedFile { path: path.display().to_string(), rows: drafts.len() as u32 })
    }
}
