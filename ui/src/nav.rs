//! The capability areas of the sidebar and who sees them. Pure: tested on
//! the host.

use branchdesk_api::Permission;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Home,
    Enquiries,
    Students,
    /// One student's page (opened from search or a list; not an area).
    Student(branchdesk_api::ids::StudentId),
    /// The attendance sheet of a session (from Today or a batch; not an area).
    Sheet(branchdesk_api::ids::SessionId),
    Attendance,
    Tests,
    Messages,
    Dues,
    /// One branch's overdue fees (from Branches compared; not an area).
    DuesOf(branchdesk_api::ids::BranchId),
    Expenses,
    Payroll,
    ProfitLoss,
    Dashboard,
    Timetable,
    Batches,
    Courses,
    Users,
    Roles,
    Organisation,
    Rooms,
    Settings,
    Backups,
    Audit,
    Account,
}

pub struct Area {
    pub page: Page,
    pub label: &'static str,
    /// None: everyone signed in.
    pub needs: Option<Permission>,
}

pub const AREAS: &[Area] = &[
    Area { page: Page::Home, label: "Today", needs: None },
    Area { page: Page::Enquiries, label: "Enquiries", needs: Some(Permission::ManageLead) },
    Area { page: Page::Students, label: "Students", needs: Some(Permission::ViewStudent) },
    Area { page: Page::Timetable, label: "Timetable", needs: Some(Permission::ViewBatch) },
    Area { page: Page::Batches, label: "Batches", needs: Some(Permission::ViewBatch) },
    Area { page: Page::Courses, label: "Courses", needs: Some(Permission::ViewBatch) },
    Area { page: Page::Attendance, label: "Attendance", needs: Some(Permission::ViewAttendance) },
    Area { page: Page::Tests, label: "Tests", needs: Some(Permission::MarkAttendance) },
    Area { page: Page::Messages, label: "Messages", needs: Some(Permission::ReviewNotification) },
    Area { page: Page::Dues, label: "Fees due", needs: Some(Permission::ViewPayment) },
    Area { page: Page::Expenses, label: "Expenses", needs: Some(Permission::ManageExpense) },
    Area { page: Page::Payroll, label: "Payroll", needs: Some(Permission::RunPayroll) },
    Area { page: Page::ProfitLoss, label: "Profit and loss", needs: Some(Permission::ViewReport) },
    Area { page: Page::Dashboard, label: "Branches compared", needs: Some(Permission::ViewReport) },
    Area { page: Page::Users, label: "Users", needs: Some(Permission::ViewUser) },
    Area { page: Page::Roles, label: "Roles", needs: Some(Permission::ViewRole) },
    Area { page: Page::Organisation, label: "Organisation", needs: Some(Permission::ManageOrganisation) },
    Area { page: Page::Rooms, label: "Rooms", needs: Some(Permission::ViewRoom) },
    Area { page: Page::Settings, label: "Settings", needs: Some(Permission::ViewSetting) },
    Area { page: Page::Backups, label: "Backups", needs: Some(Permission::ManageBackup) },
    Area { page: Page::Audit, label: "Audit log", needs: Some(Permission::ViewAudit) },
    Area { page: Page::Account, label: "My account", needs: None },
];

/// The areas a person with `permissions` may open, in sidebar order.
pub fn visible(permissions: &[Permission]) -> Vec<&'static Area> {
    AREAS.iter().filter(|a| a.needs.is_none_or(|p| permissions.contains(&p))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_teacher_sees_the_timetable_batches_courses_tests_rooms_and_account_only() {
        let teacher = [
            Permission::ViewBatch,
            Permission::MarkAttendance,
            Permission::ViewRoom,
            Permission::ViewStudent,
        ];
        let labels: Vec<_> = visible(&teacher).iter().map(|a| a.label).collect();
        assert_eq!(
            labels,
            ["Today", "Students", "Timetable", "Batches", "Courses", "Tests", "Rooms", "My account"]
        );
    }

    #[test]
    fn a_director_sees_everything() {
        assert_eq!(visible(Permission::ALL).len(), AREAS.len());
    }
}
