//! Permissions are `action:subject` pairs checked by every desk service (and
//! again by the server). Roles are data: an admin combines these freely. The
//! catalogue itself is code, because code is what enforces each permission.

use serde::{Deserialize, Serialize};

macro_rules! permissions {
    ($($variant:ident = $wire:literal, $label:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Permission {
            $(#[serde(rename = $wire)] $variant,)*
        }

        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$variant,)*];

            /// The `action:subject` form stored in roles and sent on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $(Permission::$variant => $wire,)* }
            }

            /// What the permission lets a person do, in their words.
            pub fn label(self) -> &'static str {
                match self { $(Permission::$variant => $label,)* }
            }

            pub fn parse(s: &str) -> Option<Permission> {
                match s { $($wire => Some(Permission::$variant),)* _ => None }
            }
        }
    };
}

permissions! {
    ViewUser = "view:user", "See user accounts";
    ManageUser = "manage:user", "Create, edit, deactivate users and reset passwords";
    ViewRole = "view:role", "See roles and their permissions";
    ManageRole = "manage:role", "Create and change roles, grant and revoke them";
    ManageOrganisation = "manage:organisation", "Change the organisation and its branches";
    ViewRoom = "view:room", "See rooms";
    ManageRoom = "manage:room", "Add and change rooms";
    ViewSetting = "view:setting", "See settings";
    ManageSetting = "manage:setting", "Change settings";
    ManageBackup = "manage:backup", "Take and restore backups";
    ViewAudit = "view:audit", "Read the audit log";
    ViewStudent = "view:student", "See students and guardians";
    ManageStudent = "manage:student", "Admit and edit students";
    ManageLead = "manage:lead", "Take and follow up enquiries";
    ManageEnrolment = "manage:enrolment", "Enrol, hold, drop and transfer students";
    ViewBatch = "view:batch", "See courses, batches and the timetable";
    ManageBatch = "manage:batch", "Plan batches and the timetable";
    ManageCourse = "manage:course", "Create courses, roadmaps and official curricula";
    DraftCurriculum = "draft:curriculum", "Draft one's own curriculum versions";
    ApproveCurriculum = "approve:curriculum", "Approve or reject curriculum versions";
    MarkAttendance = "mark:attendance", "Mark attendance and lesson progress";
    EditOldAttendance = "edit:old-attendance", "Change attendance older than the edit window";
    ReviewNotification = "review:notification", "Review and send messages to parents";
    ViewAttendance = "view:attendance", "See attendance reports";
    CollectPayment = "collect:payment", "Collect fees and print receipts";
    ViewPayment = "view:payment", "See receipts, dues and the day book";
    VoidPayment = "void:payment", "Void and refund receipts";
    ManageExpense = "manage:expense", "Record expenses";
    RunPayroll = "run:payroll", "Run salaries and see bank details";
    ManageLeave = "manage:leave", "Approve leave requests";
    ManageCampaign = "manage:campaign", "Run campaigns and lead sources";
    ViewReport = "view:report", "See reports and branch comparisons";
    ManageAnnouncement = "manage:announcement", "Publish announcements";
    ViewOwnRecord = "view:own-record", "See one's own attendance, progress and dues";
}

impl Permission {
    /// Whether a role of these permissions needs two-factor sign-in when
    /// nobody chose otherwise for it: one that collects or voids money,
    /// runs payroll or manages people's accounts.
    pub fn need_two_factor(permissions: &[Permission]) -> bool {
        use Permission::*;
        permissions.iter().any(|p| matches!(p, CollectPayment | VoidPayment | RunPayroll | ManageUser))
    }
}

/// The ten roles every organisation starts with (seed 003). They are system
/// roles: their names are fixed and they cannot be deleted.
pub fn default_roles() -> Vec<(&'static str, &'static str, Vec<Permission>)> {
    use Permission::*;
    let all = Permission::ALL.to_vec();
    let manager: Vec<Permission> = all.iter().copied().filter(|p| !matches!(p, ViewOwnRecord)).collect();
    vec![
        ("DIRECTOR", "Strategic oversight, all permissions", all.clone()),
        ("GENERAL_MANAGER", "Operational management", manager.clone()),
        (
            "ADMIN",
            "System administration",
            vec![
                ViewUser,
                ManageUser,
                ViewRole,
                ManageRole,
                ManageOrganisation,
                ViewRoom,
                ManageRoom,
                ViewSetting,
                ManageSetting,
                ManageBackup,
                ViewAudit,
                ViewStudent,
                ViewBatch,
                ManageBatch,
                ManageCourse,
                ApproveCurriculum,
            ],
        ),
        ("HR_MANAGER", "Staff management, leaves", vec![ViewUser, ManageLeave, ViewReport]),
        (
            "PAYROLL_MANAGER",
            "Salary, payments",
            vec![ViewUser, RunPayroll, ManageExpense, ViewPayment, ViewReport],
        ),
        (
            "BUSINESS_ANALYST",
            "Reports, analytics",
            vec![ViewReport, ViewAttendance, ViewPayment, ViewStudent, ViewBatch],
        ),
        ("DIGITAL_MARKETING", "Leads, campaigns", vec![ManageLead, ManageCampaign, ViewReport]),
        (
            "TEACHER",
            "Course delivery, attendance",
            vec![ViewBatch, DraftCurriculum, MarkAttendance, ViewAttendance, ViewStudent, ViewRoom],
        ),
        (
            "BACKOFFICE",
            "Daily operations",
            vec![
                ViewStudent,
                ManageStudent,
                ManageLead,
                ManageEnrolment,
                ViewBatch,
                CollectPayment,
                ViewPayment,
                ViewRoom,
                ViewAttendance,
                ReviewNotification,
            ],
        ),
        ("STUDENT", "Learning access only", vec![ViewOwnRecord]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_form_round_trips_for_every_permission() {
        for &p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Some(p));
            let json = format!("\"{}\"", p.as_str());
            assert_eq!(serde_json::from_str::<Permission>(&json).unwrap(), p);
            assert!(p.as_str().contains(':'), "{p:?} is not action:subject");
        }
    }

    #[test]
    fn ten_default_roles_and_director_holds_everything() {
        let roles = default_roles();
        assert_eq!(roles.len(), 10);
        let director = &roles[0];
        assert_eq!(director.0, "DIRECTOR");
        assert_eq!(director.2.len(), Permission::ALL.len());
    }
}
