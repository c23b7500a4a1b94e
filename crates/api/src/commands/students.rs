//! Students, their guardians, enrolments into batches, and instant search.

use super::command;
use crate::ids::{BatchId, BranchId, CourseId, EnrolmentId, GuardianId, StudentId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guardian {
    pub id: GuardianId,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The channel messages reach them on; None: the branch's usual (SMS).
    pub preferred_channel: Option<crate::commands::attendance::NotificationChannel>,
    /// e.g. Mother, Father, Uncle.
    pub relation: String,
    pub is_primary: bool,
    /// Other students this guardian is linked to (siblings).
    pub other_students: Vec<StudentSummary>,
    /// What they agreed to receive ([`SetGuardianConsent`]).
    #[serde(default = "yes")]
    pub alerts_ok: bool,
    #[serde(default = "yes")]
    pub fee_reminders_ok: bool,
    #[serde(default)]
    pub promotions_ok: bool,
}

fn yes() -> bool {
    true
}

crate::wire::wire_enum! {
    /// The kinds of message a guardian says yes or no to.
    pub enum ConsentKind {
        #[default]
        Alerts = "ALERTS" => "Absence alerts",
        FeeReminders = "FEE_REMINDERS" => "Fee reminders",
        Promotions = "PROMOTIONS" => "Offers and news",
    }
}

/// A guardian says yes or no to one kind of message. A no is honoured at
/// once: the messages of that kind to them not yet sent are withdrawn in
/// the same action (and the change is in the audit trail).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetGuardianConsent {
    pub student_id: StudentId,
    pub guardian_id: GuardianId,
    pub kind: ConsentKind,
    pub ok: bool,
}
command!(SetGuardianConsent => "set_guardian_consent", Permission -> ConsentSet);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentSet {
    pub student: Student,
    /// Messages not yet sent that the no withdrew.
    pub withdrawn: u32,
}

/// A guardian to link: an existing one of the student's branch
/// (`guardian_id`, e.g. a sibling's parent offered by `find_guardians`) or
/// one from the other fields — itself an existing one when a guardian of
/// the branch has the same phone and name, else a new one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GuardianInput {
    #[serde(alias = "existing_id")]
    pub guardian_id: Option<GuardianId>,
    pub full_name: String,
    pub phone: String,
    pub email: String,
    pub relation: String,
    pub is_primary: bool,
    /// Messages go by this channel (it needs the phone or email for it).
    pub preferred_channel: Option<crate::commands::attendance::NotificationChannel>,
}

/// A student as lists and search show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentSummary {
    pub id: StudentId,
    pub branch_id: BranchId,
    pub code: String,
    pub full_name: String,
    pub phone: Option<String>,
    pub guardian_phone: Option<String>,
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Student {
    pub id: StudentId,
    pub branch_id: BranchId,
    pub code: String,
    pub full_name: String,
    /// YYYY-MM-DD
    pub date_of_birth: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: String,
    pub school: String,
    pub grade: String,
    pub notes: String,
    pub archived: bool,
    pub has_login: bool,
    /// The photo as a `data:` URL, if there is one.
    pub photo: Option<String>,
    pub guardians: Vec<Guardian>,
}

/// Creates a student when `id` is None (with `guardians`), else changes
/// the profile (guardians are then linked with `link_guardian`). An empty
/// `code` takes the next of this desk's series.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveStudent {
    pub id: Option<StudentId>,
    pub branch_id: BranchId,
    pub code: String,
    pub full_name: String,
    pub date_of_birth: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub school: String,
    pub grade: String,
    pub notes: String,
    pub guardians: Vec<GuardianInput>,
}

/// What saving a student answers: the student, and others who look like
/// the same person (same phone, or same name and guardian phone) for the
/// clerk to check. Nothing is merged without asking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentSaved {
    pub student: Student,
    pub possible_duplicates: Vec<StudentSummary>,
}
command!(SaveStudent => "save_student", Permission -> StudentSaved);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetStudentArchived {
    pub id: StudentId,
    pub archived: bool,
}
command!(SetStudentArchived => "set_student_archived", Permission -> Student);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkGuardian {
    pub student_id: StudentId,
    pub guardian: GuardianInput,
}
command!(LinkGuardian => "link_guardian", Permission -> Student);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnlinkGuardian {
    pub student_id: StudentId,
    pub guardian_id: GuardianId,
}
command!(UnlinkGuardian => "unlink_guardian", Permission -> Student);

crate::wire::wire_enum! {
    pub enum EnrolmentStatus {
        #[default]
        Active = "ACTIVE" => "Active",
        OnHold = "ON_HOLD" => "On hold",
        Completed = "COMPLETED" => "Completed",
        Dropped = "DROPPED" => "Dropped",
    }
}

impl EnrolmentStatus {
    /// Takes a seat in the batch.
    pub fn holds_seat(self) -> bool {
        matches!(self, EnrolmentStatus::Active | EnrolmentStatus::OnHold)
    }
}

crate::wire::wire_enum! {
    pub enum DiscountKind {
        #[default]
        None = "NONE" => "No discount",
        /// `discount_value` in basis points (1000 = 10 %).
        Percent = "PERCENT" => "Percent off",
        /// `discount_value` in minor units off each fee.
        Fixed = "FIXED" => "Amount off each fee",
    }
}

crate::wire::wire_enum! {
    /// Why a student pays less, for the fee reports (with a reason).
    pub enum ConcessionCategory {
        #[default]
        None = "NONE" => "No concession",
        Sibling = "SIBLING" => "Sibling",
        StaffChild = "STAFF_CHILD" => "Staff child",
        Scholarship = "SCHOLARSHIP" => "Scholarship",
        Other = "OTHER" => "Other",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentLogEntry {
    pub from_status: Option<EnrolmentStatus>,
    pub to_status: EnrolmentStatus,
    pub reason: String,
    pub changed_by: Option<String>,
    /// RFC 3339
    pub changed_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    pub id: EnrolmentId,
    pub branch_id: BranchId,
    pub student_id: StudentId,
    pub student_code: String,
    pub student_name: String,
    pub batch_id: BatchId,
    pub batch_name: String,
    pub course_id: CourseId,
    pub course_name: String,
    pub start_date: String,
    pub discount_kind: DiscountKind,
    pub discount_value: i64,
    pub discount_reason: String,
    pub discount_category: ConcessionCategory,
    pub status: EnrolmentStatus,
    pub status_since: String,
    pub certificate_no: Option<String>,
    pub log: Vec<EnrolmentLogEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentDetail {
    pub student: Student,
    pub enrolments: Vec<Enrolment>,
    pub possible_duplicates: Vec<StudentSummary>,
    /// What happened at the branches the student was transferred from,
    /// oldest first.
    pub earlier_branches: Vec<BranchHistory>,
    /// Set when the student left this desk's branch: the record is kept
    /// here read-only, and this says where they went.
    pub moved_away: Option<String>,
}

/// A student's time at one branch, as it stood when they were transferred
/// out: kept with the transfer so the new branch sees the whole history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchHistory {
    pub branch_id: BranchId,
    pub branch_name: String,
    pub to_branch_name: String,
    /// RFC 3339
    pub left_at: String,
    pub reason: String,
    pub transferred_by: String,
    pub enrolments: Vec<Enrolment>,
    pub attendance: super::attendance::StudentAttendance,
    /// Dues and receipts there (money rows stay in the branch that took them).
    #[serde(default)]
    pub fees: Option<super::money::StudentAccount>,
}

/// Moves a student to another branch with their history: open enrolments
/// here are closed, guardians go with them (a guardian a sibling still here
/// shares is copied), and the new branch receives the record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TransferStudent {
    pub student_id: StudentId,
    pub to_branch_id: BranchId,
    pub reason: String,
}
command!(TransferStudent => "transfer_student", Permission -> StudentDetail);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetStudent {
    pub id: StudentId,
}
command!(GetStudent => "get_student", Permission -> StudentDetail);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListStudents {
    pub branch_id: BranchId,
    pub include_archived: bool,
}
command!(ListStudents => "list_students", Permission -> Vec<StudentSummary>);

/// Students whose name, code, phone or guardian's phone contain `query`
/// (three characters or more; fewer match the start of a name or code),
/// in the branches the user may see students of.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchStudents {
    pub query: String,
    pub limit: u32,
}
command!(SearchStudents => "search_students", Permission -> Vec<StudentSummary>);

/// Possible duplicates of a person about to be added (same phone, or same
/// name and guardian phone), checked while the clerk types.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FindDuplicates {
    pub branch_id: BranchId,
    pub full_name: String,
    pub phone: String,
    pub guardian_phone: String,
}
command!(FindDuplicates => "find_duplicates", Permission -> Vec<StudentSummary>);

/// Guardians of the branch with this phone, compared by its last ten
/// digits ("+91 98290 12345" finds "9829012345"), each with the students
/// they are linked to: offered while a sibling is admitted, so that
/// siblings share one guardian. Fewer than seven digits find none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FindGuardians {
    pub branch_id: BranchId,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardianMatch {
    pub id: GuardianId,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub children: Vec<GuardianChild>,
}

/// A student a guardian is linked to, and how (e.g. Mother).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardianChild {
    pub student_id: StudentId,
    pub full_name: String,
    pub relation: String,
}
command!(FindGuardians => "find_guardians", Permission -> Vec<GuardianMatch>);

/// Folds `duplicate` into `keep`: its guardians, enrolments and leads move
/// to `keep`, and it is archived with a note. Only on the clerk's word.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MergeStudents {
    pub keep: StudentId,
    pub duplicate: StudentId,
}
command!(MergeStudents => "merge_students", Permission -> StudentDetail);

/// Enrols a student into a batch of their branch; the batch's capacity is
/// checked. `discount_value` is basis points for PERCENT, minor units for FIXED.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Enrol {
    pub student_id: StudentId,
    pub batch_id: BatchId,
    /// YYYY-MM-DD; empty: today.
    pub start_date: String,
    pub discount_kind: DiscountKind,
    pub discount_value: i64,
    pub discount_reason: String,
    /// Needed with a discount: sibling, staff child, scholarship…
    pub discount_category: ConcessionCategory,
}
command!(Enrol => "enrol", Permission -> Enrolment);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetEnrolmentStatus {
    pub id: EnrolmentId,
    pub status: EnrolmentStatus,
    pub reason: String,
}
command!(SetEnrolmentStatus => "set_enrolment_status", Permission -> Enrolment);

/// Changes the concession of an enrolment that is active or on hold: its
/// unpaid fee dues are charged again at the plan less the new concession
/// (dues with money on them stay as they are), and the change is logged.
/// Needs `manage:enrolment` and `void:payment` in the enrolment's branch.
/// `discount_value` as in [`Enrol`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetEnrolmentConcession {
    pub id: EnrolmentId,
    pub discount_kind: DiscountKind,
    pub discount_value: i64,
    pub discount_reason: String,
    pub discount_category: ConcessionCategory,
}
command!(SetEnrolmentConcession => "set_enrolment_concession", Permission -> Enrolment);

/// Students enrolled in a batch, with their status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListRoster {
    pub batch_id: BatchId,
}
command!(ListRoster => "list_roster", Permission -> Vec<Enrolment>);

/// Gives a student their own sign-in (the STUDENT role in their branch),
/// tied to their profile: they see only their own records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GiveStudentLogin {
    pub student_id: StudentId,
    pub email: String,
    pub password: String,
}
command!(GiveStudentLogin => "give_student_login", Permission -> Student);

/// What a signed-in student sees of themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyRecord {
    pub student: Student,
    pub enrolments: Vec<Enrolment>,
    pub attendance: super::attendance::StudentAttendance,
    /// Their dues, receipts and what is pending.
    #[serde(default)]
    pub fees: Option<super::money::StudentAccount>,
    /// Their tests with marks, rank and percentile, newest first.
    #[serde(default)]
    pub marks: Vec<super::assessment::StudentMark>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetMyRecord {}
command!(GetMyRecord => "get_my_record", Permission -> MyRecord);

/// The largest student photo.
pub const MAX_PHOTO_BYTES: usize = 1024 * 1024;

/// Sets (JPEG or PNG, base64, at most 1 MB) or, with an empty
/// `photo_b64`, removes a student's photo.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetStudentPhoto {
    pub student_id: StudentId,
    pub photo_b64: String,
}
command!(SetStudentPhoto => "set_student_photo", Permission -> Student);
