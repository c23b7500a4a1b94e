//! Quizzes taken on a desk: a teacher sets one from the course's question
//! bank (fixed questions, or a draw by topic and difficulty), publishes it
//! to batches with an opening and a closing time, and releases the
//! results; a student takes it on any desk they sign in at, keyboard
//! first, with every answer saved as it is given. Marks are hundredths
//! (`crate::marks`); shares are hundredths of a percent (`_bp`).

use super::command;
use crate::ids::{BatchId, BranchId, CourseId, QuestionId, QuizAttemptId, QuizId, StudentId};
use serde::{Deserialize, Serialize};

use super::assessment::{Difficulty, QuestionKind};

/// So many questions of a topic and difficulty, drawn afresh for each
/// attempt (empty topic: any topic).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DrawRule {
    pub topic: String,
    pub difficulty: Difficulty,
    pub count: u32,
}

/// A batch a quiz is published to, in its branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    pub batch_id: BatchId,
    pub batch_name: String,
    pub branch_id: BranchId,
    /// RFC 3339 times.
    pub opens_at: String,
    pub closes_at: String,
    pub released: bool,
    /// Attempts submitted in the batch.
    pub submitted: u32,
    pub students: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quiz {
    pub id: QuizId,
    pub name: String,
    pub course_id: CourseId,
    pub course_name: String,
    /// Fixed questions, in order (empty when the quiz draws).
    pub question_ids: Vec<QuestionId>,
    pub draw: Vec<DrawRule>,
    /// How many questions an attempt has.
    pub questions: u32,
    pub duration_minutes: u32,
    pub attempts_allowed: u32,
    /// The share of the maximum that passes.
    pub pass_bp: u32,
    /// A wrong single choice costs this share of the question's marks.
    pub wrong_choice_penalty_bp: u32,
    /// Whether a total stops at zero.
    pub floor_at_zero: bool,
    pub shuffle: bool,
    pub publications: Vec<Publication>,
    /// Whether the reader may change it (its author, or a course manager
    /// over every branch).
    pub editable: bool,
}

/// Sets a new quiz (`id` None) or changes one. Percentages are typed
/// (`"40"`, `"33.5"`); an empty penalty is none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveQuiz {
    pub id: Option<QuizId>,
    pub name: String,
    pub course_id: CourseId,
    pub question_ids: Vec<QuestionId>,
    pub draw: Vec<DrawRule>,
    pub duration_minutes: String,
    pub attempts_allowed: String,
    pub pass_percent: String,
    pub penalty_percent: String,
    pub floor_at_zero: bool,
    pub shuffle: bool,
}
command!(SaveQuiz => "save_quiz", Permission -> Quiz);

/// Quizzes newest first, with their publications in branches the reader
/// may see.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListQuizzes {}
command!(ListQuizzes => "list_quizzes", Permission -> Vec<Quiz>);

/// Publishes a quiz to a batch (or changes its window). Days are typed
/// day first; times `HH:MM`, empty for the start and the end of the day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PublishQuiz {
    pub quiz_id: QuizId,
    pub batch_id: BatchId,
    pub opens_on: String,
    pub opens_time: String,
    pub closes_on: String,
    pub closes_time: String,
}
command!(PublishQuiz => "publish_quiz", Permission -> Quiz);

/// Shows a batch its scores, answers and explanations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReleaseQuizResults {
    pub quiz_id: QuizId,
    pub batch_id: BatchId,
}
command!(ReleaseQuizResults => "release_quiz_results", Permission -> Quiz);

/// Where a student stands with a quiz.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuizState {
    Upcoming,
    Open,
    InProgress,
    /// Every attempt used, or submitted and waiting for the close.
    Done,
    Closed,
}

/// A quiz on a student's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyQuiz {
    pub quiz_id: QuizId,
    pub name: String,
    pub course_name: String,
    pub batch_name: String,
    pub opens_at: String,
    pub closes_at: String,
    pub duration_minutes: u32,
    pub questions: u32,
    pub attempts_allowed: u32,
    pub attempts_used: u32,
    pub state: QuizState,
    /// The attempt to resume.
    pub in_progress: Option<QuizAttemptId>,
    /// After release: the best submitted attempt's score and share.
    pub best: Option<AttemptScore>,
    /// After release: the submitted attempts to review.
    pub reviewable: Vec<QuizAttemptId>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListMyQuizzes {}
command!(ListMyQuizzes => "list_my_quizzes", Permission -> Vec<MyQuiz>);

/// A question as the student taking it sees it: no keys, no feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptQuestion {
    pub question_id: QuestionId,
    pub kind: QuestionKind,
    pub text: String,
    /// The question's picture (a `data:` URL), if it has one.
    pub image: Option<String>,
    /// Choices in this attempt's order (empty for a short answer).
    pub options: Vec<String>,
    pub points_hundredths: i64,
    /// Positions in `options` chosen so far.
    pub chosen: Vec<u32>,
    pub typed: String,
    pub flagged: bool,
    /// Shown (the palette tells answered, flagged and unseen apart).
    pub seen: bool,
}

/// An attempt being taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub id: QuizAttemptId,
    pub quiz_name: String,
    pub number: u32,
    pub questions: Vec<AttemptQuestion>,
    /// The question reached (0-based).
    pub position: u32,
    pub remaining_ms: u64,
    pub submitted: bool,
}

/// Starts the student's next attempt, or resumes the one in progress at
/// the question reached, with the time left.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StartQuizAttempt {
    pub quiz_id: QuizId,
}
command!(StartQuizAttempt => "start_quiz_attempt", Permission -> Attempt);

/// What the desk says after each save: the time left by its own clock,
/// and whether the attempt is over (time ran out: submitted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptProgress {
    pub remaining_ms: u64,
    pub submitted: bool,
}

/// One answer, saved as given: choices by their position on screen, or
/// the typed text; `position` is the question now shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnswerQuestion {
    pub attempt_id: QuizAttemptId,
    pub question: u32,
    pub chosen: Vec<u32>,
    pub typed: String,
    pub flagged: bool,
    pub position: u32,
}
command!(AnswerQuestion => "answer_question", Permission -> AttemptProgress);

/// Saves the time used and the question shown (every few seconds, and on
/// moving to another question).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveAttemptTime {
    pub attempt_id: QuizAttemptId,
    pub position: u32,
}
command!(SaveAttemptTime => "save_attempt_time", Permission -> AttemptProgress);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubmitQuizAttempt {
    pub attempt_id: QuizAttemptId,
}
command!(SubmitQuizAttempt => "submit_quiz_attempt", Permission -> AttemptProgress);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptScore {
    pub score_hundredths: i64,
    pub max_hundredths: i64,
    /// The score's share of the maximum (never below 0).
    pub percent_bp: u32,
    pub passed: bool,
    /// Short answers still waiting for a teacher (scored 0 until then).
    pub ungraded: u32,
}

/// One question of a reviewed attempt: the keys, what was given, the
/// marks and the explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewedQuestion {
    pub kind: QuestionKind,
    pub text: String,
    pub image: Option<String>,
    /// Choices in the attempt's order with their weights and feedback.
    pub options: Vec<super::assessment::QuestionOption>,
    pub chosen: Vec<u32>,
    pub typed: String,
    pub score_hundredths: i64,
    pub points_hundredths: i64,
    pub explanation: String,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptReview {
    pub id: QuizAttemptId,
    pub quiz_name: String,
    pub student_name: String,
    pub number: u32,
    pub score: AttemptScore,
    pub time_used_ms: u64,
    pub questions: Vec<ReviewedQuestion>,
}

/// An attempt with its keys and marks: a student's own after release, any
/// attempt in their branches for a teacher.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetAttemptReview {
    pub attempt_id: QuizAttemptId,
}
command!(GetAttemptReview => "get_attempt_review", Permission -> AttemptReview);

/// One attempt on the results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptLine {
    pub attempt_id: QuizAttemptId,
    pub student_id: StudentId,
    pub student_code: String,
    pub student_name: String,
    pub batch_name: String,
    pub number: u32,
    pub submitted: bool,
    pub score: AttemptScore,
    pub time_used_ms: u64,
    /// Answers were given on more than one desk: worth a look.
    pub several_desks: bool,
}

/// How one question did: the share answering it right (difficulty) and
/// how much more often the top students did than the bottom ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemLine {
    pub question_id: QuestionId,
    pub text: String,
    pub answered: u32,
    /// Share of those who met it answering right, in hundredths of a percent.
    pub right_bp: u32,
    /// Share right in the top group less the share in the bottom group
    /// (−10000…10000).
    pub discrimination_bp: i32,
    /// Too hard, too easy or not telling the able from the rest: review it.
    pub review: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizResults {
    pub quiz: Quiz,
    pub attempts: Vec<AttemptLine>,
    pub mean_hundredths: i64,
    pub median_hundredths: i64,
    pub highest_hundredths: i64,
    pub max_hundredths: i64,
    /// Submitted attempts per tenth of the maximum (as a rank list's bands).
    pub bands: Vec<u32>,
    pub items: Vec<ItemLine>,
    /// Short answers waiting for a teacher.
    pub to_grade: u32,
}

/// A quiz's results over the batches the reader teaches (one when given).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetQuizResults {
    pub quiz_id: QuizId,
    pub batch_id: Option<BatchId>,
}
command!(GetQuizResults => "get_quiz_results", Permission -> QuizResults);

/// A short answer no accepted answer matched, waiting for a teacher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerToGrade {
    pub attempt_id: QuizAttemptId,
    pub question_id: QuestionId,
    pub student_name: String,
    pub question: String,
    pub typed: String,
    pub points_hundredths: i64,
    /// The accepted answers, for comparison.
    pub accepted: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListAnswersToGrade {
    pub quiz_id: QuizId,
}
command!(ListAnswersToGrade => "list_answers_to_grade", Permission -> Vec<AnswerToGrade>);

/// A teacher's marks for a short answer (typed, `"1.5"`), with a comment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GradeAnswer {
    pub attempt_id: QuizAttemptId,
    pub question_id: QuestionId,
    pub marks: String,
    pub comment: String,
}
command!(GradeAnswer => "grade_answer", Permission -> AttemptScore);

/// A quiz on a student's record: the best attempt, once results are out,
/// with its rank and percentile among every student's best.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentQuiz {
    pub quiz_name: String,
    /// ISO day the best attempt was submitted.
    pub on: String,
    pub score_hundredths: i64,
    pub max_hundredths: i64,
    pub rank: u32,
    pub ranked: u32,
    pub percentile_hundredths: u32,
}

/// A student's quizzes with results out, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListStudentQuizzes {
    pub student_id: StudentId,
}
command!(ListStudentQuizzes => "list_student_quizzes", Permission -> Vec<StudentQuiz>);
