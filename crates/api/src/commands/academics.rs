//! Courses, roadmaps and versioned curricula (modules, lessons, resources,
//! assignments) with their approval workflow.

use super::command;
use crate::ids::{AssignmentId, CourseId, CurriculumId, LessonId, ModuleId, ResourceId, RoadmapId, UserId};
use serde::{Deserialize, Serialize};

/// A lesson's share of a curriculum in basis points; a version's lessons sum
/// to this (100 %).
pub const FULL_WEIGHTAGE_BP: u32 = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    pub id: CourseId,
    pub code: String,
    pub name: String,
    pub description: String,
    pub duration_hours: u32,
    /// Minor units of the organisation's currency.
    pub default_fee_minor: i64,
    pub active: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListCourses {
    pub include_inactive: bool,
}
command!(ListCourses => "list_courses", Permission -> Vec<Course>);

/// Creates a course when `id` is None, else changes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveCourse {
    pub id: Option<CourseId>,
    pub code: String,
    pub name: String,
    pub description: String,
    pub duration_hours: u32,
    pub default_fee_minor: i64,
    pub active: bool,
}
command!(SaveCourse => "save_course", Permission -> Course);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roadmap {
    pub id: RoadmapId,
    pub name: String,
    pub description: String,
    /// In the order a student takes them.
    pub course_ids: Vec<CourseId>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListRoadmaps {}
command!(ListRoadmaps => "list_roadmaps", Permission -> Vec<Roadmap>);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveRoadmap {
    pub id: Option<RoadmapId>,
    pub name: String,
    pub description: String,
    pub course_ids: Vec<CourseId>,
}
command!(SaveRoadmap => "save_roadmap", Permission -> Roadmap);

crate::wire::wire_enum! {
    pub enum CurriculumStatus {
        #[default]
        Draft = "DRAFT" => "Draft",
        PendingApproval = "PENDING_APPROVAL" => "Awaiting approval",
        Approved = "APPROVED" => "Approved",
        Rejected = "REJECTED" => "Rejected",
    }
}

impl CurriculumStatus {
    /// Only drafts and rejected versions change; an approved one is copied.
    pub fn editable(self) -> bool {
        matches!(self, CurriculumStatus::Draft | CurriculumStatus::Rejected)
    }
}

/// One version of a course's curriculum, without its contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurriculumSummary {
    pub id: CurriculumId,
    pub course_id: CourseId,
    pub version: u32,
    pub label: String,
    /// None: the official version.
    pub teacher_id: Option<UserId>,
    pub teacher_name: Option<String>,
    pub status: CurriculumStatus,
    pub created_by: Option<UserId>,
    pub reviewer_name: Option<String>,
    pub review_comment: String,
    pub weightage_total_bp: u32,
    pub lesson_count: u32,
}

/// The largest file a lesson resource attaches.
pub const MAX_ATTACHMENT_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonResource {
    pub id: ResourceId,
    pub title: String,
    /// Empty for an attached file.
    pub url: String,
    /// The attached file's name, if it is one.
    pub file_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lesson {
    pub id: LessonId,
    pub module_id: ModuleId,
    pub title: String,
    pub notes: String,
    pub video_url: String,
    pub weightage_bp: u32,
    pub resources: Vec<LessonResource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Module {
    pub id: ModuleId,
    pub title: String,
    pub lessons: Vec<Lesson>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: AssignmentId,
    pub lesson_id: Option<LessonId>,
    pub title: String,
    pub instructions: String,
    /// YYYY-MM-DD
    pub due_date: Option<String>,
    pub max_marks: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Curriculum {
    pub summary: CurriculumSummary,
    pub modules: Vec<Module>,
    pub assignments: Vec<Assignment>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListCurricula {
    pub course_id: CourseId,
}
command!(ListCurricula => "list_curricula", Permission -> Vec<CurriculumSummary>);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetCurriculum {
    pub id: CurriculumId,
}
command!(GetCurriculum => "get_curriculum", Permission -> Curriculum);

/// A new draft version: empty, or a copy of `copy_from` (any status). With
/// `teacher_id` it is that teacher's own version; a teacher may only draft
/// their own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreateCurriculum {
    pub course_id: CourseId,
    pub teacher_id: Option<UserId>,
    pub label: String,
    pub copy_from: Option<CurriculumId>,
}
command!(CreateCurriculum => "create_curriculum", Permission -> CurriculumSummary);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveModule {
    pub id: Option<ModuleId>,
    pub curriculum_id: CurriculumId,
    pub title: String,
}
command!(SaveModule => "save_module", Permission -> Curriculum);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveLesson {
    pub id: Option<LessonId>,
    pub module_id: ModuleId,
    pub title: String,
    pub notes: String,
    pub video_url: String,
    pub weightage_bp: u32,
}
command!(SaveLesson => "save_lesson", Permission -> Curriculum);

/// A link (`url`), or a file (`file_name` and its bytes as base64, at most
/// 2 MB) that travels with the curriculum to every desk.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveLessonResource {
    pub id: Option<ResourceId>,
    pub lesson_id: LessonId,
    pub title: String,
    pub url: String,
    pub file_name: String,
    pub content_b64: String,
}
command!(SaveLessonResource => "save_lesson_resource", Permission -> Curriculum);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveAssignment {
    pub id: Option<AssignmentId>,
    pub curriculum_id: CurriculumId,
    pub lesson_id: Option<LessonId>,
    pub title: String,
    pub instructions: String,
    /// YYYY-MM-DD, or empty for none.
    pub due_date: String,
    pub max_marks: u32,
}
command!(SaveAssignment => "save_assignment", Permission -> Curriculum);

/// Which part of a curriculum an action concerns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CurriculumPart {
    #[default]
    Module,
    Lesson,
    Resource,
    Assignment,
}

/// Moves a module or lesson one place up (`up`) or down among its siblings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MoveCurriculumPart {
    pub part: CurriculumPart,
    pub id: uuid::Uuid,
    pub up: bool,
}
command!(MoveCurriculumPart => "move_curriculum_part", Permission -> Curriculum);

/// Removes a part from a draft (a module takes its lessons with it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RemoveCurriculumPart {
    pub part: CurriculumPart,
    pub id: uuid::Uuid,
}
command!(RemoveCurriculumPart => "remove_curriculum_part", Permission -> Curriculum);

/// DRAFT or REJECTED → PENDING_APPROVAL; the weightage must sum to 100 %.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubmitCurriculum {
    pub id: CurriculumId,
}
command!(SubmitCurriculum => "submit_curriculum", Permission -> CurriculumSummary);

/// PENDING_APPROVAL → APPROVED or REJECTED (a comment is required to
/// reject). Nobody reviews a version they drafted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReviewCurriculum {
    pub id: CurriculumId,
    pub approve: bool,
    pub comment: String,
}
command!(ReviewCurriculum => "review_curriculum", Permission -> CurriculumSummary);

/// One student's submission of an assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub student_id: crate::ids::StudentId,
    pub student_name: String,
    pub student_code: String,
    /// None: not submitted yet.
    pub submitted_on: Option<String>,
    pub late: bool,
    pub marks: Option<u32>,
    pub feedback: String,
    /// What was handed in, as text ("" when handed in on paper).
    pub text: String,
    /// Files handed in with it, oldest first.
    pub files: Vec<super::attachments::Attachment>,
}

/// The roster of a batch against one assignment of its curriculum.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListSubmissions {
    pub assignment_id: AssignmentId,
    pub batch_id: crate::ids::BatchId,
}
command!(ListSubmissions => "list_submissions", Permission -> Vec<Submission>);

/// Records (or corrects) a student's submission: the day it came in (late
/// when after the due date), marks out of the assignment's maximum, feedback.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordSubmission {
    pub assignment_id: AssignmentId,
    pub batch_id: crate::ids::BatchId,
    pub student_id: crate::ids::StudentId,
    /// YYYY-MM-DD; empty: today.
    pub submitted_on: String,
    pub marks: Option<u32>,
    pub feedback: String,
    /// What was handed in, as text; at most `SUBMISSION_TEXT_MAX`
    /// characters. Empty keeps the text already handed in.
    pub text: String,
}
/// The longest hand-in text, in characters (about ten typed pages).
pub const SUBMISSION_TEXT_MAX: usize = 20_000;
command!(RecordSubmission => "record_submission", Permission -> Submission);

/// A signed-in student hands in their own work for an assignment of one of
/// their batches: text, a file, or both. After the due date it is taken and
/// marked late; once graded it can no longer be changed. Handing in again
/// before grading replaces the text, and a new file is added beside the
/// ones handed in before.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandIn {
    pub assignment_id: AssignmentId,
    pub batch_id: crate::ids::BatchId,
    pub text: String,
    pub file: super::attachments::FileUpload,
}
command!(HandIn => "hand_in", Permission -> Submission);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Highlight {
    pub id: uuid::Uuid,
    pub lesson_id: LessonId,
    pub text: String,
    pub note: String,
}

/// A batch's curriculum as its student sees it, with their bookmarks and
/// highlights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyCurriculum {
    pub batch_name: String,
    pub curriculum: Option<Curriculum>,
    pub bookmarks: Vec<LessonId>,
    pub highlights: Vec<Highlight>,
    pub submissions: Vec<(AssignmentId, Submission)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetMyCurriculum {
    pub batch_id: crate::ids::BatchId,
}
command!(GetMyCurriculum => "get_my_curriculum", Permission -> MyCurriculum);

/// A student bookmarks a lesson, or takes the bookmark away.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetBookmark {
    pub lesson_id: LessonId,
    pub on: bool,
}
command!(SetBookmark => "set_bookmark", Permission -> bool);

/// A student keeps a passage of a lesson, with a note.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveHighlight {
    pub lesson_id: LessonId,
    pub text: String,
    pub note: String,
}
command!(SaveHighlight => "save_highlight", Permission -> Highlight);

/// Writes an attached file to the desk's exports folder to open it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveResourceFile {
    pub id: ResourceId,
}
command!(SaveResourceFile => "save_resource_file", Permission -> super::imports::SavedFile);

/// Opens a linked resource in the computer's browser, after checking the
/// link again (it came from a synced row). Answers the link opened.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpenResourceLink {
    pub id: ResourceId,
}
command!(OpenResourceLink => "open_resource_link", Permission -> String);

/// Opens a lesson's video (`url` empty) or a link in its notes in the
/// computer's browser. The desk opens only the lesson's own video link or a
/// link its notes hold, checked again. Answers the link opened.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpenLessonLink {
    pub lesson_id: LessonId,
    pub url: String,
}
command!(OpenLessonLink => "open_lesson_link", Permission -> String);
