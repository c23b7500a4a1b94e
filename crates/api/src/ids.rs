//! Typed ids. Every synced row has a client-generated UUID (v7, or v5 when two
//! desks must derive the same id from the same inputs).

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    )*};
}

id_type!(
    OrgId,
    BranchId,
    UserId,
    RoleId,
    GrantId,
    RoomId,
    SettingId,
    CourseId,
    RoadmapId,
    CurriculumId,
    ModuleId,
    LessonId,
    ResourceId,
    AssignmentId,
    BatchId,
    SessionId,
    AttendanceId,
    EventId,
    StudentId,
    GuardianId,
    EnrolmentId,
    LeadId,
    DueId,
    ReceiptId,
    ExpenseId,
    SalaryLineId,
    InvoiceId,
    CommissionRateId,
    PaperTestId,
    TestSectionId,
    QuestionId,
    QuizId,
    QuizAttemptId,
);
