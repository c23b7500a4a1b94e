//! Tests and marks: paper tests the organisation sets (sections with their
//! maximum marks), the batches that sit them, marks entered cell by cell or
//! imported from an OMR export, grace marks, and rank lists per batch, per
//! branch and across branches. Marks travel as hundredths (`crate::marks`).

use super::command;
use super::imports::ImportReport;
use crate::ids::{BatchId, BranchId, CourseId, EventId, PaperTestId, StudentId, TestSectionId};
use serde::{Deserialize, Serialize};

/// One part of a paper with its own maximum (Physics, Section A, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSection {
    pub id: TestSectionId,
    pub name: String,
    pub max_hundredths: i64,
    /// Grace marks given to everyone who sat the section.
    pub grace_hundredths: i64,
    pub grace_reason: String,
}

/// A batch sitting a test, in its branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sitting {
    pub batch_id: BatchId,
    pub batch_name: String,
    pub branch_id: BranchId,
    pub branch_name: String,
    /// ISO date.
    pub held_on: String,
    /// The exam event of the timetable it is tied to, and its title.
    pub event_id: Option<EventId>,
    pub event_title: String,
    /// Students on the batch's roster (holding a seat).
    pub students: u32,
    /// Students with every section entered (marks or absent).
    pub entered: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperTest {
    pub id: PaperTestId,
    pub name: String,
    pub course_id: Option<CourseId>,
    pub course_name: String,
    /// ISO date the paper is set for.
    pub held_on: String,
    pub sections: Vec<TestSection>,
    /// The sum of the sections' maxima.
    pub max_hundredths: i64,
    /// Sittings in branches the reader may see.
    pub sittings: Vec<Sitting>,
    /// Whether the reader may change the paper (its author, or a course
    /// manager over every branch).
    pub editable: bool,
}

/// Tests newest first; those with a sitting in `branch_id` only when given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListPaperTests {
    pub branch_id: Option<BranchId>,
}
command!(ListPaperTests => "list_paper_tests", Permission -> Vec<PaperTest>);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SectionInput {
    /// None: a new section.
    pub id: Option<TestSectionId>,
    pub name: String,
    /// As typed: "25", "12.5".
    pub max_marks: String,
}

/// Creates a paper (`id` None) or changes it. A section with marks
/// entered cannot be removed or given a maximum below a mark entered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavePaperTest {
    pub id: Option<PaperTestId>,
    pub name: String,
    pub course_id: Option<CourseId>,
    /// Day first as typed ("14/05/2026") or ISO.
    pub held_on: String,
    pub sections: Vec<SectionInput>,
}
command!(SavePaperTest => "save_paper_test", Permission -> PaperTest);

/// Sets a test for a batch (its roster sits it) on a day, tied to an exam
/// event of the timetable: the one given, else the batch's (or the
/// branch's) exam on that day, if there is one. Setting it again changes
/// the day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetTestSitting {
    pub test_id: PaperTestId,
    pub batch_id: BatchId,
    /// Empty: the paper's own day.
    pub held_on: String,
    pub event_id: Option<EventId>,
}
command!(SetTestSitting => "set_test_sitting", Permission -> PaperTest);

/// One cell of the marks grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkCell {
    pub section_id: TestSectionId,
    /// None: not entered yet.
    pub marks_hundredths: Option<i64>,
    pub absent: bool,
}

/// One student's line of the grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarksLine {
    pub student_id: StudentId,
    pub student_code: String,
    pub student_name: String,
    /// One per section, in the paper's order.
    pub cells: Vec<MarkCell>,
    /// With grace, each section capped at its maximum; None while nothing
    /// is entered or the student was absent throughout.
    pub total_hundredths: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarksSheet {
    pub test: PaperTest,
    pub batch_id: BatchId,
    pub batch_name: String,
    pub lines: Vec<MarksLine>,
}

/// The grid of a batch's sitting: its roster (seat holders, by name) with
/// what is entered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetMarksSheet {
    pub test_id: PaperTestId,
    pub batch_id: BatchId,
}
command!(GetMarksSheet => "get_marks_sheet", Permission -> MarksSheet);

/// Saves one cell as typed: marks ("18", "17.5"), "A" for absent, or
/// nothing to clear it. Answers the student's line as it now stands.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EnterMark {
    pub test_id: PaperTestId,
    pub batch_id: BatchId,
    pub section_id: TestSectionId,
    pub student_id: StudentId,
    pub marks: String,
}
command!(EnterMark => "enter_mark", Permission -> MarksLine);

/// Marks from a CSV as OMR software exports them: a roll-number column
/// (`code`, `roll no`, `student code` …) and one column per section, named
/// as the section is. Dry run first; a commit writes every row or none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportMarks {
    pub test_id: PaperTestId,
    pub batch_id: BatchId,
    pub content: String,
    pub commit: bool,
}
command!(ImportMarks => "import_marks", Permission -> ImportReport);

/// Grace marks for everyone who sat a section (0 takes them back); the
/// reason is kept with them and the change is in the audit log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModerateSection {
    pub test_id: PaperTestId,
    pub section_id: TestSectionId,
    pub grace: String,
    pub reason: String,
}
command!(ModerateSection => "moderate_section", Permission -> PaperTest);

/// Whom a rank list ranks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum RankScope {
    /// Every branch this desk holds that the reader may see.
    #[default]
    All,
    Branch(BranchId),
    Batch(BatchId),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankLine {
    /// Equal totals share a rank; the next rank skips (1, 2, 2, 4).
    pub rank: u32,
    /// The share of ranked students with this total or less, in
    /// hundredths of a percent (10000 is the top).
    pub percentile_hundredths: u32,
    pub student_id: StudentId,
    pub student_code: String,
    pub student_name: String,
    pub branch_name: String,
    pub batch_name: String,
    pub total_hundredths: i64,
    /// Per section with grace and the cap, in the paper's order; None absent.
    pub sections: Vec<Option<i64>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankList {
    pub test: PaperTest,
    pub lines: Vec<RankLine>,
    /// Students of the sittings absent throughout or with nothing entered.
    pub not_ranked: Vec<String>,
    pub mean_hundredths: i64,
    pub median_hundredths: i64,
    pub highest_hundredths: i64,
    /// How many ranked students scored in each tenth of the maximum:
    /// [0 %, 10 %), [10 %, 20 %) … [90 %, 100 %] (the top band holds full
    /// marks).
    pub bands: Vec<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetRankList {
    pub test_id: PaperTestId,
    pub scope: RankScope,
}
command!(GetRankList => "get_rank_list", Permission -> RankList);

crate::wire::wire_enum! {
    /// What a question asks for (seed 003's Question types).
    pub enum QuestionKind {
        #[default]
        MultipleChoice = "MULTIPLE_CHOICE" => "One right answer",
        MultipleSelect = "MULTIPLE_SELECT" => "Several right answers",
        TrueFalse = "TRUE_FALSE" => "True or false",
        ShortAnswer = "SHORT_ANSWER" => "Short answer",
    }
}

crate::wire::wire_enum! {
    pub enum Difficulty {
        #[default]
        Medium = "MEDIUM" => "Medium",
        Easy = "EASY" => "Easy",
        Hard = "HARD" => "Hard",
    }
}

/// A choice of a question, or an accepted short answer. `weight_bp` is the
/// share of the question's points it is worth, in hundredths of a percent:
/// 10000 the right answer, 5000 half of a two-part answer, 0 or below a
/// wrong one (a negative weight takes marks off in a multiple-answer
/// question).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuestionOption {
    pub text: String,
    pub weight_bp: i32,
    /// Shown beside this choice after release.
    pub feedback: String,
}

/// A question as a bank file gives it, before it is saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuestionDraft {
    /// The file's line the question starts on (1-based).
    pub line: u32,
    /// GIFT's `::name::`, else empty.
    pub name: String,
    /// The topic: GIFT's `$CATEGORY` (its last part), a CSV's topic column.
    pub topic: String,
    pub kind: QuestionKind,
    pub text: String,
    /// Choices (multiple choice, multiple answers), True then False, or the
    /// accepted short answers.
    pub options: Vec<QuestionOption>,
    /// Shown after release: GIFT's `####` general feedback.
    pub explanation: String,
}

crate::wire::wire_enum! {
    /// The text formats a question bank comes in.
    pub enum BankFormat {
        #[default]
        Gift = "GIFT" => "GIFT (Moodle)",
        Aiken = "AIKEN" => "Aiken",
        Csv = "CSV" => "CSV",
    }
}

/// The columns of a question bank CSV: `question` and `answer` are needed;
/// `a` … `f` are the choices; `answer` is a letter (`B`), letters for
/// several right answers (`A;C`), TRUE or FALSE, or the accepted short
/// answers (`hertz|Hz`) when there are no choices.
pub const BANK_CSV_COLUMNS: &[&str] = &[
    "name",
    "topic",
    "difficulty",
    "points",
    "question",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "answer",
    "explanation",
];

/// Checks a bank file (dry run: every problem by line, nothing written) or
/// imports it (every question in one action, or none). A question already
/// in the course's bank with the same text is updated, not added twice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportQuestions {
    pub course_id: CourseId,
    pub format: BankFormat,
    pub content: String,
    /// Marks a question is worth when the file does not say (GIFT and
    /// Aiken never do); empty is 1.
    pub points: String,
    pub commit: bool,
}
command!(ImportQuestions => "import_questions", Permission -> ImportReport);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: crate::ids::QuestionId,
    pub course_id: CourseId,
    pub kind: QuestionKind,
    pub name: String,
    pub topic: String,
    pub difficulty: Difficulty,
    pub text: String,
    pub options: Vec<QuestionOption>,
    pub points_hundredths: i64,
    pub explanation: String,
    /// A picture shown with the question (a `data:` URL), if it has one.
    #[serde(default)]
    pub image: Option<String>,
}

/// The largest picture a question carries.
pub const MAX_QUESTION_IMAGE_BYTES: usize = 300 * 1024;

/// Gives a question a picture (JPEG or PNG, base64; at most
/// [`MAX_QUESTION_IMAGE_BYTES`]), or takes it away (empty).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetQuestionImage {
    pub question_id: crate::ids::QuestionId,
    pub image_b64: String,
}
command!(SetQuestionImage => "set_question_image", Permission -> Question);

/// A course's bank: its topics with how many questions each, and the
/// questions of one topic (all when `topic` is empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionBank {
    pub topics: Vec<(String, u32)>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListQuestions {
    pub course_id: CourseId,
    pub topic: String,
}
command!(ListQuestions => "list_questions", Permission -> QuestionBank);

/// Writes the course's bank as GIFT to the exports folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportQuestions {
    pub course_id: CourseId,
}
command!(ExportQuestions => "export_questions", Permission -> super::imports::SavedFile);

/// One test a student sat, as their record and report card show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentMark {
    pub test_id: PaperTestId,
    pub test_name: String,
    /// ISO date of the batch's sitting.
    pub held_on: String,
    pub batch_name: String,
    /// Per section: its name, what counts (None: absent or not entered)
    /// and its maximum.
    pub sections: Vec<(String, Option<i64>, i64)>,
    /// None: absent throughout or nothing entered.
    pub total_hundredths: Option<i64>,
    pub max_hundredths: i64,
    /// Among everyone ranked in the branches this desk holds.
    pub rank: Option<u32>,
    pub ranked: u32,
    pub percentile_hundredths: Option<u32>,
}

/// A student's tests, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListStudentMarks {
    pub student_id: StudentId,
}
command!(ListStudentMarks => "list_student_marks", Permission -> Vec<StudentMark>);

/// A student's report card for a term: the organisation's header, tests
/// with marks, rank and percentile, attendance, assignments, and the
/// teacher's remarks (typed here; left blank, a line to write them by hand).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetReportCard {
    pub student_id: StudentId,
    /// Day first as typed, or ISO; empty `from`: three months before `to`;
    /// empty `to`: today.
    pub from: String,
    pub to: String,
    pub remarks: String,
}
command!(GetReportCard => "get_report_card", Permission -> super::money::Printable);

/// The report card as a PDF in the exports folder; answers its path.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveReportCard {
    pub card: GetReportCard,
}
command!(SaveReportCard => "save_report_card", Permission -> String);

/// Sends the report card to the student's guardian through the messages
/// queue (drafted for review, or approved where the branch sends without
/// review): the whole card by email, its figures in short by SMS or
/// WhatsApp. One message per student and term.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SendReportCard {
    pub card: GetReportCard,
}
command!(SendReportCard => "send_report_card", Permission -> ReportCardSent);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportCardSent {
    pub recipient_name: String,
    pub recipient: String,
    pub channel: super::attendance::NotificationChannel,
    /// Approved to go at once (the branch sends without review); else it
    /// waits on the Messages page.
    pub approved: bool,
}
