//! The catalogue of synced tables: one declaration per table, its name,
//! the scope its rows replicate in, and its columns (type, NULL allowed,
//! default, longest text, allowed values, integer range, the table a
//! foreign key points at).
//!
//! Data only: the server checks every op it stores against it (it does not
//! depend on the desk), and the desk's tests check it equals the migrated
//! schema and the row structs. [`crate::sync::SYNCED_ENTITIES`] and
//! [`Entity`] are made from the same list, so a synced table is named once.
//!
//! Adding a table: one entry here (the desk's test then asks for its
//! migration and row struct, and the server's authorisation for a rule of
//! its own). Adding a column: one line in its table.

use crate::commands::academics::{CurriculumStatus, MAX_ATTACHMENT_BYTES};
use crate::commands::assessment::{Difficulty, QuestionKind};
use crate::commands::attachments::{AttachmentOwner, MAX_FILE_BYTES};
use crate::commands::attendance::{
    AttendanceStatus, NotificationChannel, NotificationKind, NotificationState,
};
use crate::commands::leads::{ActivityKind, LeadStatus};
use crate::commands::money::{
    ComponentKind, DueKind, ExpenseCategory, ExpenseStatus, PaymentMethod, ReversalKind,
};
use crate::commands::students::{ConcessionCategory, DiscountKind, EnrolmentStatus, MAX_PHOTO_BYTES};
use crate::commands::timetable::{CompensationModel, EventKind, SessionStatus};
use crate::commands::users::ProfileKind;
use crate::marks::MAX_HUNDREDTHS;

/// Where a table's rows replicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    /// The organisation's scope (`org`).
    Organisation,
    /// Their branch's scope (`branch:<id>`).
    Branch,
    /// A branch's when the row names one, else the organisation's (settings).
    BranchOrOrganisation,
}

/// How a column's value travels in an op (JSON) and rests on a desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// A hyphenated UUID, as text.
    Uuid,
    Text,
    /// A whole number (SQLite INTEGER).
    Integer,
    /// `true`/`false` (or 0/1); SQLite INTEGER.
    Bool,
    /// `YYYY-MM-DD`.
    Date,
    /// An RFC 3339 moment, e.g. `2026-06-01T09:30:00Z`.
    Time,
    /// A JSON document: as text holding JSON, or the array or object itself.
    Json,
}

/// One column of a synced table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub ty: Type,
    /// NULL allowed.
    pub null: bool,
    /// The schema gives it a DEFAULT: an insert may leave it out.
    pub default: bool,
    /// Text and JSON: at most this many characters.
    pub max_len: Option<usize>,
    /// Text: one of these (a CHECK (… IN …) or a `wire_enum`).
    pub values: Option<&'static [&'static str]>,
    /// Integer: within these bounds, both included (a CHECK).
    pub range: Option<(i64, i64)>,
    /// The table a foreign key points at (its `id`).
    pub references: Option<&'static str>,
}

impl Column {
    const fn new(name: &'static str, ty: Type, max_len: Option<usize>) -> Column {
        Column { name, ty, null: false, default: false, max_len, values: None, range: None, references: None }
    }

    /// NULL allowed.
    pub const fn null(self) -> Column {
        Column { null: true, ..self }
    }

    /// Has a DEFAULT in the schema.
    pub const fn defaulted(self) -> Column {
        Column { default: true, ..self }
    }

    pub const fn refs(self, table: &'static str) -> Column {
        Column { references: Some(table), ..self }
    }

    pub const fn one_of(self, values: &'static [&'static str]) -> Column {
        Column { values: Some(values), ..self }
    }

    pub const fn range(self, min: i64, max: i64) -> Column {
        Column { range: Some((min, max)), ..self }
    }

    /// An insert must carry it: NOT NULL and no DEFAULT.
    pub const fn required(&self) -> bool {
        !self.null && !self.default
    }
}

/// One line a person types or a desk makes: a name, code, phone, email,
/// title, reference, hash (the desk's own limits are 12 to 300).
pub const LINE: usize = 1_000;
/// Free text: notes, descriptions, reasons, comments, messages, links
/// (the desk's own limits are at most 5,000).
pub const PROSE: usize = 10_000;
/// An Ed25519 public key in hex.
pub const KEY: usize = 64;
/// A sealed private key in hex: nonce, key and tag.
pub const SEALED_KEY: usize = 120;
/// A sealed TOTP secret: nonce, 20 bytes and tag, in hex.
pub const TOTP_SEALED: usize = 96;
/// Ten recovery-code digests of 64 hex digits, comma-separated.
pub const TOTP_RECOVERY: usize = 649;
/// A small JSON document: a schedule, an instalment plan, a role's
/// permissions, a setting's value, an invoice's lines.
pub const DOCUMENT: usize = 200_000;
/// A student's record carried by a transfer (enrolments, attendance, progress).
pub const HISTORY: usize = 8_000_000;
/// A student's photo, base64.
pub const PHOTO: usize = MAX_PHOTO_BYTES.div_ceil(3) * 4 + 64;
/// An attached file (a lesson's resource, an expense's bill), base64.
/// A question's picture, base64.
pub const QUESTION_IMAGE: usize = crate::commands::assessment::MAX_QUESTION_IMAGE_BYTES.div_ceil(3) * 4 + 64;
pub const ATTACHMENT: usize = MAX_ATTACHMENT_BYTES.div_ceil(3) * 4 + 64;
/// What a student handed in (the desk's own limit).
pub const SUBMISSION: usize = crate::commands::academics::SUBMISSION_TEXT_MAX;

/// The `id` primary key.
pub const fn id() -> Column {
    Column::new("id", Type::Uuid, None)
}
pub const fn uuid(name: &'static str) -> Column {
    Column::new(name, Type::Uuid, None)
}
pub const fn text(name: &'static str, max: usize) -> Column {
    Column::new(name, Type::Text, Some(max))
}
pub const fn int(name: &'static str) -> Column {
    Column::new(name, Type::Integer, None)
}
pub const fn flag(name: &'static str) -> Column {
    Column::new(name, Type::Bool, None)
}
pub const fn date(name: &'static str) -> Column {
    Column::new(name, Type::Date, None)
}
pub const fn time(name: &'static str) -> Column {
    Column::new(name, Type::Time, None)
}
pub const fn json(name: &'static str, max: usize) -> Column {
    Column::new(name, Type::Json, Some(max))
}

/// An amount of money in minor units, at least `min`.
const fn minor(name: &'static str, min: i64) -> Column {
    int(name).range(min, i64::MAX)
}

/// A synced table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub entity: Entity,
    pub name: &'static str,
    pub scope: ScopeKind,
    pub columns: &'static [Column],
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Declares [`Entity`] and [`TABLES`] from one list.
macro_rules! tables {
    ($( $variant:ident = $name:literal, $scope:ident, [ $($col:expr),* $(,)? ]; )*) => {
        /// A synced table, by name ([`Entity::name`]); its declaration is
        /// [`Entity::table`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Entity { $($variant,)* }

        impl Entity {
            /// In [`TABLES`] order (parents before the rows that refer to them).
            pub const ALL: [Entity; [$($name),*].len()] = [$(Entity::$variant),*];

            pub const fn name(self) -> &'static str {
                match self { $(Entity::$variant => $name,)* }
            }

            pub fn parse(s: &str) -> Option<Entity> {
                match s { $($name => Some(Entity::$variant),)* _ => None }
            }

            pub const fn table(self) -> &'static Table {
                &TABLES[self as usize]
            }
        }

        /// Every synced table, in replication order.
        pub const TABLES: &[Table] = &[
            $( Table { entity: Entity::$variant, name: $name, scope: ScopeKind::$scope, columns: &[$($col),*] }, )*
        ];
    };
}

/// The names of [`TABLES`], in order (`sync::SYNCED_ENTITIES`).
pub const fn names() -> [&'static str; Entity::ALL.len()] {
    let mut out = [""; Entity::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = TABLES[i].name;
        i += 1;
    }
    out
}

/// The CHECK keeps ONE_TIME for an instalment plan (`FeeFrequency::Instalments`
/// lives in `fee_instalments`), so this column's values are the CHECK's.
const FEE_FREQUENCY: &[&str] = &["ONE_TIME", "MONTHLY", "QUARTERLY"];

tables! {
    Organisations = "organisations", Organisation, [
        id(),
        text("name", LINE),
        text("currency", LINE),
        int("fy_start_month").range(1, 12),
        time("created_at"),
        time("updated_at"),
    ];
    Branches = "branches", Organisation, [
        id(),
        uuid("org_id").refs("organisations"),
        text("code", LINE),
        text("name", LINE),
        text("address", PROSE).defaulted(),
        text("phone", LINE).defaulted(),
        flag("active").defaulted(),
        time("created_at"),
        time("updated_at"),
    ];
    Users = "users", Organisation, [
        id(),
        uuid("org_id").refs("organisations"),
        text("full_name", LINE),
        text("email", LINE),
        text("phone", LINE).null(),
        text("password_hash", LINE),
        flag("active").defaulted(),
        flag("must_change_password").defaulted(),
        time("created_at"),
        time("updated_at"),
        text("public_key", KEY).null(),
        text("sealed_key", SEALED_KEY).null(),
        text("reset_key", KEY).null(),
        time("reset_expires_at").null(),
        text("totp_sealed", TOTP_SEALED).null(),
        text("totp_recovery", TOTP_RECOVERY).null(),
    ];
    Roles = "roles", Organisation, [
        id(),
        uuid("org_id").refs("organisations"),
        text("name", LINE),
        text("description", PROSE).defaulted(),
        flag("is_system").defaulted(),
        json("permissions", DOCUMENT),
        time("created_at"),
        time("updated_at"),
        time("deleted_at").null(),
        flag("two_factor").null(),
    ];
    RoleGrants = "role_grants", Organisation, [
        id(),
        uuid("user_id").refs("users"),
        uuid("role_id").refs("roles"),
        uuid("branch_id").null().refs("branches"),
        date("expires_on").null(),
        uuid("granted_by").null().refs("users"),
        time("created_at"),
        time("revoked_at").null(),
    ];
    Rooms = "rooms", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        text("name", LINE),
        int("capacity").range(1, i64::MAX),
        flag("active").defaulted(),
        time("created_at"),
        time("updated_at"),
    ];
    Settings = "settings", BranchOrOrganisation, [
        id(),
        text("key", LINE),
        uuid("branch_id").null().refs("branches"),
        json("value", DOCUMENT),
        time("updated_at"),
    ];
    Courses = "courses", Organisation, [
        id(),
        text("code", LINE),
        text("name", LINE),
        text("description", PROSE).defaulted(),
        int("duration_hours").defaulted(),
        minor("default_fee_minor", 0).defaulted(),
        flag("active").defaulted(),
        time("created_at"),
        time("updated_at"),
    ];
    Roadmaps = "roadmaps", Organisation, [
        id(),
        text("name", LINE),
        text("description", PROSE).defaulted(),
        json("course_ids", DOCUMENT).defaulted(),
        flag("active").defaulted(),
        time("created_at"),
        time("updated_at"),
    ];
    Curricula = "curricula", Organisation, [
        id(),
        uuid("course_id").refs("courses"),
        uuid("teacher_id").null().refs("users"),
        int("version").range(1, i64::MAX),
        text("label", LINE).defaulted(),
        text("status", LINE).one_of(&CurriculumStatus::VALUES),
        uuid("created_by").null().refs("users"),
        uuid("copied_from").null().refs("curricula"),
        time("submitted_at").null(),
        uuid("reviewer_id").null().refs("users"),
        text("review_comment", PROSE).defaulted(),
        time("reviewed_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    CurriculumModules = "curriculum_modules", Organisation, [
        id(),
        uuid("curriculum_id").refs("curricula"),
        int("position"),
        text("title", LINE),
        time("deleted_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    CurriculumLessons = "curriculum_lessons", Organisation, [
        id(),
        uuid("curriculum_id").refs("curricula"),
        uuid("module_id").refs("curriculum_modules"),
        int("position"),
        text("title", LINE),
        text("notes", PROSE).defaulted(),
        text("video_url", PROSE).defaulted(),
        int("weightage_bp").defaulted().range(0, 10_000),
        time("deleted_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    LessonResources = "lesson_resources", Organisation, [
        id(),
        uuid("lesson_id").refs("curriculum_lessons"),
        text("title", LINE),
        text("url", PROSE),
        text("file_name", LINE).defaulted(),
        text("content_b64", ATTACHMENT).null(),
        time("deleted_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    Assignments = "assignments", Organisation, [
        id(),
        uuid("curriculum_id").refs("curricula"),
        uuid("lesson_id").null().refs("curriculum_lessons"),
        text("title", LINE),
        text("instructions", PROSE).defaulted(),
        date("due_date").null(),
        int("max_marks").range(1, i64::MAX),
        time("deleted_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    CommissionRates = "commission_rates", Organisation, [
        id(),
        text("name", LINE),
        text("model", LINE).one_of(&CompensationModel::VALUES),
        minor("amount_minor", 0),
        flag("active").defaulted(),
        time("created_at"),
        time("updated_at"),
    ];
    Batches = "batches", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("course_id").refs("courses"),
        uuid("curriculum_id").null().refs("curricula"),
        text("name", LINE),
        uuid("teacher_id").refs("users"),
        uuid("assistant_id").null().refs("users"),
        uuid("room_id").refs("rooms"),
        int("capacity").range(1, i64::MAX),
        date("start_date"),
        date("end_date"),
        json("schedule", DOCUMENT),
        minor("fee_minor", 0).defaulted(),
        text("fee_frequency", LINE).one_of(FEE_FREQUENCY),
        text("comp_model", LINE).one_of(&CompensationModel::VALUES),
        minor("comp_amount_minor", 0).defaulted(),
        minor("overheads_minor", 0).defaulted(),
        flag("active").defaulted(),
        time("created_at"),
        time("updated_at"),
        json("fee_instalments", DOCUMENT).defaulted(),
        uuid("commission_rate_id").null().refs("commission_rates"),
    ];
    ClassSessions = "class_sessions", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("batch_id").refs("batches"),
        date("slot_date"),
        int("slot_start"),
        date("date"),
        int("start_min").range(0, 1439),
        int("end_min").range(1, 1440),
        uuid("room_id").refs("rooms"),
        uuid("teacher_id").refs("users"),
        uuid("substitute_teacher_id").null().refs("users"),
        text("status", LINE).one_of(&SessionStatus::VALUES),
        flag("moved").defaulted(),
        uuid("cancelled_by_event_id").null(),
        text("note", PROSE).defaulted(),
        time("created_at"),
        time("updated_at"),
    ];
    Events = "events", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        text("kind", LINE).one_of(&EventKind::VALUES),
        text("title", LINE),
        date("start_date"),
        date("end_date"),
        int("start_min").defaulted(),
        int("end_min").defaulted().range(i64::MIN, 1440),
        uuid("room_id").null().refs("rooms"),
        uuid("batch_id").null().refs("batches"),
        flag("cancels").defaulted(),
        time("deleted_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    Students = "students", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        text("code", LINE),
        text("full_name", LINE),
        date("date_of_birth").null(),
        text("phone", LINE).null(),
        text("email", LINE).null(),
        text("address", PROSE).defaulted(),
        text("school", LINE).defaulted(),
        text("grade", LINE).defaulted(),
        text("notes", PROSE).defaulted(),
        uuid("user_id").null().refs("users"),
        text("photo_b64", PHOTO).null(),
        uuid("lead_id").null(),
        time("archived_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    Guardians = "guardians", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        text("full_name", LINE),
        text("phone", LINE).null(),
        text("email", LINE).null(),
        time("created_at"),
        time("updated_at"),
        text("preferred_channel", LINE).null().one_of(&["SMS", "WHATSAPP", "EMAIL"]),
        flag("alerts_ok").defaulted(),
        flag("fee_reminders_ok").defaulted(),
        flag("promotions_ok").defaulted(),
    ];
    StudentGuardians = "student_guardians", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("student_id").refs("students"),
        uuid("guardian_id").refs("guardians"),
        text("relation", LINE),
        flag("is_primary").defaulted(),
        time("removed_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    Enrolments = "enrolments", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("student_id").refs("students"),
        uuid("batch_id").refs("batches"),
        uuid("course_id").refs("courses"),
        date("start_date"),
        text("discount_kind", LINE).defaulted().one_of(&DiscountKind::VALUES),
        int("discount_value").defaulted().range(0, i64::MAX),
        text("discount_reason", PROSE).defaulted(),
        text("status", LINE).one_of(&EnrolmentStatus::VALUES),
        time("status_since"),
        text("certificate_no", LINE).null(),
        time("created_at"),
        time("updated_at"),
        text("discount_category", LINE).defaulted().one_of(&ConcessionCategory::VALUES),
    ];
    EnrolmentLog = "enrolment_log", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("enrolment_id").refs("enrolments"),
        text("from_status", LINE).null().one_of(&EnrolmentStatus::VALUES),
        text("to_status", LINE).one_of(&EnrolmentStatus::VALUES),
        text("reason", PROSE).defaulted(),
        uuid("changed_by").null().refs("users"),
        time("changed_at"),
    ];
    Leads = "leads", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        text("full_name", LINE),
        text("phone", LINE).null(),
        text("email", LINE).null(),
        text("guardian_name", LINE).defaulted(),
        text("guardian_phone", LINE).null(),
        text("source", LINE).defaulted(),
        uuid("course_id").null().refs("courses"),
        uuid("owner_id").null().refs("users"),
        text("status", LINE).one_of(&LeadStatus::VALUES),
        text("lost_reason", PROSE).defaulted(),
        date("next_follow_up").null(),
        uuid("student_id").null().refs("students"),
        text("notes", PROSE).defaulted(),
        time("created_at"),
        time("updated_at"),
    ];
    LeadActivities = "lead_activities", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("lead_id").refs("leads"),
        text("kind", LINE).one_of(&ActivityKind::VALUES),
        text("outcome", PROSE).defaulted(),
        uuid("done_by").null().refs("users"),
        time("done_at"),
    ];
    Attendance = "attendance", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("session_id").refs("class_sessions"),
        uuid("batch_id").refs("batches"),
        uuid("student_id").refs("students"),
        date("date"),
        text("status", LINE).one_of(&AttendanceStatus::VALUES),
        text("note", PROSE).defaulted(),
        uuid("marked_by").null().refs("users"),
        time("marked_at"),
        time("created_at"),
        time("updated_at"),
    ];
    AttendanceMarks = "attendance_marks", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("attendance_id"),
        uuid("session_id"),
        uuid("student_id"),
        text("old_status", LINE).null().one_of(&AttendanceStatus::VALUES),
        text("new_status", LINE).one_of(&AttendanceStatus::VALUES),
        text("note", PROSE).defaulted(),
        text("reason", PROSE).defaulted(),
        uuid("marked_by").null().refs("users"),
        time("marked_at"),
    ];
    SessionLessons = "session_lessons", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("session_id").refs("class_sessions"),
        uuid("lesson_id").refs("curriculum_lessons"),
        time("removed_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    Notifications = "notifications", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        text("kind", LINE).one_of(&NotificationKind::VALUES),
        text("recipient_name", LINE),
        text("recipient", LINE),
        text("channel", LINE).one_of(&NotificationChannel::VALUES),
        text("body", PROSE),
        text("state", LINE).one_of(&NotificationState::VALUES),
        text("source_id", LINE).null(),
        uuid("student_id").null().refs("students"),
        uuid("reviewed_by").null().refs("users"),
        time("sent_at").null(),
        text("error", PROSE).defaulted(),
        time("created_at"),
        time("updated_at"),
    ];
    Submissions = "submissions", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("assignment_id").refs("assignments"),
        uuid("student_id").refs("students"),
        uuid("batch_id").refs("batches"),
        date("submitted_on"),
        flag("late").defaulted(),
        int("marks").null(),
        text("feedback", PROSE).defaulted(),
        uuid("graded_by").null().refs("users"),
        time("created_at"),
        time("updated_at"),
        text("text", SUBMISSION).defaulted(),
    ];
    LessonBookmarks = "lesson_bookmarks", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("student_id").refs("students"),
        uuid("lesson_id").refs("curriculum_lessons"),
        time("removed_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    LessonHighlights = "lesson_highlights", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("student_id").refs("students"),
        uuid("lesson_id").refs("curriculum_lessons"),
        text("text", PROSE),
        text("note", PROSE).defaulted(),
        time("removed_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    StaffProfiles = "staff_profiles", Organisation, [
        id().refs("users"),
        text("kind", LINE).one_of(&ProfileKind::VALUES),
        text("specialties", PROSE).defaulted(),
        text("qualifications", PROSE).defaulted(),
        text("bio", PROSE).defaulted(),
        text("department", LINE).defaulted(),
        text("designation", LINE).defaulted(),
        uuid("reporting_manager_id").null().refs("users"),
        text("bank_account_name", LINE).defaulted(),
        text("bank_account_number", LINE).defaulted(),
        text("bank_ifsc", LINE).defaulted(),
        time("created_at"),
        time("updated_at"),
        date("joined_on").null(),
    ];
    StudentTransfers = "student_transfers", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("from_branch_id").refs("branches"),
        uuid("student_id").refs("students"),
        text("reason", PROSE),
        json("history", HISTORY),
        uuid("transferred_by").null().refs("users"),
        time("transferred_at"),
        time("created_at"),
        time("updated_at"),
    ];
    Dues = "dues", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("student_id").refs("students"),
        uuid("enrolment_id").null().refs("enrolments"),
        text("kind", LINE).defaulted().one_of(&DueKind::VALUES),
        text("description", PROSE),
        date("due_on"),
        minor("amount_minor", 0),
        time("cancelled_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    Receipts = "receipts", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("student_id").refs("students"),
        text("number", LINE),
        int("desk_no"),
        text("fiscal_year", LINE),
        int("serial"),
        minor("amount_minor", 1),
        minor("tax_minor", 0),
        int("tax_rate_bp"),
        text("method", LINE).one_of(&PaymentMethod::VALUES),
        text("reference", LINE).defaulted(),
        date("cheque_date").null(),
        uuid("collected_by").null().refs("users"),
        time("collected_at"),
        time("created_at"),
        time("updated_at"),
    ];
    ReceiptAllocations = "receipt_allocations", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("receipt_id").refs("receipts"),
        uuid("due_id").refs("dues"),
        minor("amount_minor", 1),
        time("created_at"),
        time("updated_at"),
    ];
    ReceiptReversals = "receipt_reversals", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("receipt_id").refs("receipts"),
        text("kind", LINE).one_of(&ReversalKind::VALUES),
        minor("amount_minor", 1),
        text("reason", PROSE),
        uuid("reversed_by").null().refs("users"),
        time("reversed_at"),
        time("created_at"),
        time("updated_at"),
    ];
    CashClosings = "cash_closings", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("collector_id").refs("users"),
        date("day"),
        int("expected_minor"),
        minor("counted_minor", 0),
        text("note", PROSE).defaulted(),
        time("closed_at"),
        time("created_at"),
        time("updated_at"),
    ];
    Expenses = "expenses", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        date("day"),
        text("category", LINE).one_of(&ExpenseCategory::VALUES),
        text("vendor", LINE),
        text("description", PROSE).defaulted(),
        minor("amount_minor", 1),
        text("method", LINE).one_of(&PaymentMethod::VALUES),
        text("reference", LINE).defaulted(),
        text("bill_name", LINE).defaulted(),
        text("bill_b64", ATTACHMENT).null(),
        text("status", LINE).one_of(&ExpenseStatus::VALUES),
        uuid("recorded_by").null().refs("users"),
        uuid("decided_by").null().refs("users"),
        text("decision_note", PROSE).defaulted(),
        time("created_at"),
        time("updated_at"),
    ];
    SalaryConfigs = "salary_configs", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("user_id").refs("users"),
        minor("fixed_monthly_minor", 0),
        time("created_at"),
        time("updated_at"),
    ];
    SalaryLines = "salary_lines", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        text("month", LINE),
        uuid("user_id").refs("users"),
        int("fixed_minor"),
        int("batch_fixed_minor"),
        int("sessions_taught"),
        int("session_minor"),
        int("students"),
        int("commission_minor"),
        int("adjustments_minor").defaulted(),
        text("adjustment_note", PROSE).defaulted(),
        int("total_minor"),
        time("paid_at").null(),
        text("paid_method", LINE).null().one_of(&PaymentMethod::VALUES),
        text("paid_reference", LINE).defaulted(),
        uuid("paid_by").null().refs("users"),
        time("created_at"),
        time("updated_at"),
        int("basic_minor").defaulted(),
        int("allowances_minor").defaulted(),
        int("unpaid_days").defaulted(),
        int("leave_deduction_minor").defaulted(),
        int("gross_minor").defaulted(),
        int("pf_employee_minor").defaulted(),
        int("pf_employer_minor").defaulted(),
        int("esi_employee_minor").defaulted(),
        int("esi_employer_minor").defaulted(),
        int("pt_minor").defaulted(),
        int("tds_minor").defaulted(),
        int("advance_recovery_minor").defaulted(),
    ];
    Invoices = "invoices", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("student_id").refs("students"),
        text("number", LINE),
        int("desk_no"),
        text("fiscal_year", LINE),
        int("serial"),
        date("period_from"),
        date("period_to"),
        json("lines", DOCUMENT),
        minor("total_minor", 1),
        minor("tax_minor", 0),
        int("tax_rate_bp"),
        uuid("issued_by").null().refs("users"),
        time("issued_at"),
        time("created_at"),
        time("updated_at"),
    ];
    SalaryPayments = "salary_payments", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("salary_line_id").refs("salary_lines"),
        uuid("user_id").refs("users"),
        text("number", LINE),
        int("desk_no"),
        text("fiscal_year", LINE),
        int("serial"),
        minor("amount_minor", 1),
        text("method", LINE).one_of(&PaymentMethod::VALUES),
        text("reference", LINE).defaulted(),
        uuid("paid_by").null().refs("users"),
        time("paid_at"),
        time("created_at"),
        time("updated_at"),
    ];
    MoneyReviews = "money_reviews", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        text("entity", LINE),
        uuid("entity_id"),
        text("reason", PROSE),
        uuid("author_user_id").null(),
        time("flagged_at"),
        time("reviewed_at").null(),
        uuid("reviewed_by").null(),
        text("review_note", PROSE).defaulted(),
        time("created_at"),
        time("updated_at"),
    ];
    Attachments = "attachments", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        text("owner_table", LINE).one_of(&AttachmentOwner::VALUES),
        uuid("owner_id"),
        text("file_name", LINE),
        text("media_type", LINE),
        int("size_bytes").range(1, MAX_FILE_BYTES as i64),
        text("sha256", LINE),
        uuid("added_by").null().refs("users"),
        time("removed_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    SalaryComponents = "salary_components", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("user_id").refs("users"),
        text("kind", LINE).one_of(&ComponentKind::VALUES),
        text("name", LINE),
        minor("amount_minor", 0),
        date("effective_from"),
        time("created_at"),
        time("updated_at"),
    ];
    SalaryAdvances = "salary_advances", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("user_id").refs("users"),
        date("given_on"),
        minor("amount_minor", 1),
        minor("monthly_recovery_minor", 1),
        text("note", PROSE).defaulted(),
        uuid("given_by").null().refs("users"),
        time("created_at"),
        time("updated_at"),
    ];
    PaperTests = "paper_tests", Organisation, [
        id(),
        text("name", LINE),
        uuid("course_id").null().refs("courses"),
        date("held_on"),
        uuid("created_by").refs("users"),
        time("created_at"),
        time("updated_at"),
    ];
    PaperTestSections = "paper_test_sections", Organisation, [
        id(),
        uuid("test_id").refs("paper_tests"),
        text("name", LINE),
        int("position").range(0, 1_000),
        int("max_hundredths").range(1, MAX_HUNDREDTHS),
        int("grace_hundredths").range(0, MAX_HUNDREDTHS).defaulted(),
        text("grace_reason", PROSE).defaulted(),
        flag("removed").defaulted(),
        time("created_at"),
        time("updated_at"),
    ];
    Questions = "questions", Organisation, [
        id(),
        uuid("course_id").refs("courses"),
        text("kind", LINE).one_of(&QuestionKind::VALUES),
        text("name", LINE).defaulted(),
        text("topic", LINE).defaulted(),
        text("difficulty", LINE).one_of(&Difficulty::VALUES).defaulted(),
        text("text", PROSE),
        json("options", DOCUMENT),
        int("points_hundredths").range(1, MAX_HUNDREDTHS),
        text("explanation", PROSE).defaulted(),
        uuid("created_by").refs("users"),
        flag("removed").defaulted(),
        time("created_at"),
        time("updated_at"),
        text("image_b64", QUESTION_IMAGE).null(),
    ];
    TestSittings = "test_sittings", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("test_id").refs("paper_tests"),
        uuid("batch_id").refs("batches"),
        date("held_on"),
        uuid("event_id").null().refs("events"),
        time("created_at"),
        time("updated_at"),
    ];
    TestMarks = "test_marks", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("test_id").refs("paper_tests"),
        uuid("section_id").refs("paper_test_sections"),
        uuid("student_id").refs("students"),
        uuid("batch_id").refs("batches"),
        int("marks_hundredths").null().range(0, MAX_HUNDREDTHS),
        flag("absent").defaulted(),
        uuid("entered_by").null().refs("users"),
        time("created_at"),
        time("updated_at"),
    ];
    Quizzes = "quizzes", Organisation, [
        id(),
        text("name", LINE),
        uuid("course_id").refs("courses"),
        json("question_ids", DOCUMENT).defaulted(),
        json("draw", DOCUMENT).defaulted(),
        int("duration_minutes").range(1, 600),
        int("attempts_allowed").range(1, 100),
        int("pass_bp").range(0, 10_000),
        int("wrong_choice_penalty_bp").range(0, 10_000).defaulted(),
        flag("floor_at_zero").defaulted(),
        flag("shuffle").defaulted(),
        uuid("created_by").refs("users"),
        flag("removed").defaulted(),
        time("created_at"),
        time("updated_at"),
    ];
    QuizPublications = "quiz_publications", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("quiz_id").refs("quizzes"),
        uuid("batch_id").refs("batches"),
        time("opens_at"),
        time("closes_at"),
        time("released_at").null(),
        uuid("published_by").refs("users"),
        time("created_at"),
        time("updated_at"),
    ];
    QuizAttempts = "quiz_attempts", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("quiz_id").refs("quizzes"),
        uuid("batch_id").refs("batches"),
        uuid("student_id").refs("students"),
        int("number").range(1, 100),
        int("seed"),
        json("drawn", DOCUMENT),
        int("time_used_ms").range(0, 100_000_000),
        int("position").range(0, 10_000).defaulted(),
        text("started_device", KEY),
        time("started_at"),
        time("submitted_at").null(),
        time("created_at"),
        time("updated_at"),
    ];
    QuizResponses = "quiz_responses", Branch, [
        id(),
        uuid("branch_id").refs("branches"),
        uuid("attempt_id").refs("quiz_attempts"),
        uuid("question_id").refs("questions"),
        uuid("student_id").refs("students"),
        json("chosen", LINE).defaulted(),
        text("typed", LINE).defaulted(),
        flag("flagged").defaulted(),
        text("device", KEY),
        int("graded_hundredths").null().range(0, MAX_HUNDREDTHS),
        text("comment", PROSE).defaulted(),
        uuid("graded_by").null().refs("users"),
        time("created_at"),
        time("updated_at"),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_each_entity_finds_its_table() {
        let mut seen = std::collections::BTreeSet::new();
        for (i, t) in TABLES.iter().enumerate() {
            assert!(seen.insert(t.name), "{} declared twice", t.name);
            assert_eq!(t.entity as usize, i);
            assert_eq!(Entity::parse(t.name), Some(t.entity));
            assert_eq!(t.entity.table().name, t.entity.name());
            assert_eq!(t.columns[0].name, "id", "{}: id comes first", t.name);
            let mut cols = std::collections::BTreeSet::new();
            for c in t.columns {
                assert!(cols.insert(c.name), "{}.{} declared twice", t.name, c.name);
                assert_eq!(
                    c.max_len.is_some(),
                    matches!(c.ty, Type::Text | Type::Json),
                    "{}.{}",
                    t.name,
                    c.name
                );
                assert!(c.values.is_none() || c.ty == Type::Text, "{}.{}", t.name, c.name);
                assert!(c.range.is_none() || c.ty == Type::Integer, "{}.{}", t.name, c.name);
                if let Some(r) = c.references {
                    assert!(
                        Entity::parse(r).is_some(),
                        "{}.{} refers to {r}, not a synced table",
                        t.name,
                        c.name
                    );
                }
            }
            // Rows in a branch's scope name their branch.
            if t.scope != ScopeKind::Organisation {
                assert!(t.column("branch_id").is_some(), "{}", t.name);
            }
        }
        assert_eq!(Entity::parse("sqlite_master"), None);
        assert_eq!(names().len(), TABLES.len());
        assert_eq!(crate::sync::SYNCED_ENTITIES, &names()[..]);
    }
}
