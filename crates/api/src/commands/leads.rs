//! Enquiries (leads), their follow-ups, and admission in one step.

use super::command;
use super::students::{DiscountKind, StudentDetail};
use crate::ids::{BatchId, BranchId, CourseId, LeadId, UserId};
use serde::{Deserialize, Serialize};

crate::wire::wire_enum! {
    pub enum LeadStatus {
        #[default]
        New = "NEW" => "New",
        Contacted = "CONTACTED" => "Contacted",
        Qualified = "QUALIFIED" => "Qualified",
        Negotiation = "NEGOTIATION" => "Negotiation",
        Converted = "CONVERTED" => "Converted",
        Lost = "LOST" => "Lost",
    }
}

impl LeadStatus {
    /// Still being worked on.
    pub fn open(self) -> bool {
        !matches!(self, LeadStatus::Converted | LeadStatus::Lost)
    }
}

crate::wire::wire_enum! {
    pub enum ActivityKind {
        #[default]
        Call = "CALL" => "Call",
        Visit = "VISIT" => "Visit",
        Message = "MESSAGE" => "Message",
        Note = "NOTE" => "Note",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadActivity {
    pub kind: ActivityKind,
    pub outcome: String,
    pub done_by: Option<String>,
    /// RFC 3339
    pub done_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub id: LeadId,
    pub branch_id: BranchId,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub guardian_name: String,
    pub guardian_phone: Option<String>,
    pub source: String,
    pub course_id: Option<CourseId>,
    pub course_name: Option<String>,
    pub owner_id: Option<UserId>,
    pub owner_name: Option<String>,
    pub status: LeadStatus,
    pub lost_reason: String,
    /// YYYY-MM-DD
    pub next_follow_up: Option<String>,
    pub student_id: Option<crate::ids::StudentId>,
    pub notes: String,
    pub activities: Vec<LeadActivity>,
    /// Students or other leads that look like the same person.
    pub possible_duplicates: Vec<String>,
}

/// Creates a lead when `id` is None, else changes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveLead {
    pub id: Option<LeadId>,
    pub branch_id: BranchId,
    pub full_name: String,
    pub phone: String,
    pub email: String,
    pub guardian_name: String,
    pub guardian_phone: String,
    pub source: String,
    pub course_id: Option<CourseId>,
    pub owner_id: Option<UserId>,
    /// YYYY-MM-DD or empty.
    pub next_follow_up: String,
    pub notes: String,
}
command!(SaveLead => "save_lead", Permission -> Lead);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadView {
    /// Every open lead.
    #[default]
    Open,
    /// Follow-ups due today.
    DueToday,
    /// Follow-ups whose date has passed.
    Overdue,
    /// Converted and lost ones too.
    All,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListLeads {
    pub branch_id: BranchId,
    pub view: LeadView,
}
command!(ListLeads => "list_leads", Permission -> Vec<Lead>);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetLead {
    pub id: LeadId,
}
command!(GetLead => "get_lead", Permission -> Lead);

/// Records a call, visit, message or note; optionally moves the lead on
/// and sets the next follow-up (empty keeps it; "none" clears it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogLeadActivity {
    pub lead_id: LeadId,
    pub kind: ActivityKind,
    pub outcome: String,
    pub status: Option<LeadStatus>,
    pub lost_reason: String,
    pub next_follow_up: String,
}
command!(LogLeadActivity => "log_lead_activity", Permission -> Lead);

/// Admits a lead in one step: the student (and guardian) from the lead,
/// enrolled into `batch_id`, the lead marked CONVERTED and linked. The
/// guardian is `guardian_id`, else one of the branch with the lead's
/// parent phone and name, else a new one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConvertLead {
    pub lead_id: LeadId,
    pub batch_id: BatchId,
    pub date_of_birth: String,
    pub guardian_relation: String,
    /// A guardian of the branch to link (e.g. a sibling's parent offered
    /// by `find_guardians` for the enquiry's parent phone) instead of one
    /// made from the enquiry's parent name and phone.
    pub guardian_id: Option<crate::ids::GuardianId>,
    /// YYYY-MM-DD; empty: today.
    pub start_date: String,
    pub discount_kind: DiscountKind,
    pub discount_value: i64,
    pub discount_reason: String,
    pub discount_category: super::students::ConcessionCategory,
}
command!(ConvertLead => "convert_lead", Permission -> StudentDetail);
