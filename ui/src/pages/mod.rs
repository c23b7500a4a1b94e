//! One module per page of the sidebar, plus the screens before it.
//!
//! Where a page's name differs from the sidebar's words or the api's
//! command area (`branchdesk_api::commands::<area>`), it is said here once:
//!
//! | module | sidebar | api area |
//! |---|---|---|
//! | `home` | Today | `timetable` (today's classes) |
//! | `leads` | Enquiries | `leads` |
//! | `students`, `student`, `student_marks` (its Marks tab, and a student's own tests) | Students (a student's page) | `students`, `assessment` |
//! | `timetable`, `batches`, `batch_sessions` (a batch's students and classes), `submissions` (its hand-ins) | Timetable, Batches | `timetable`, `academics` |
//! | `courses`, `curriculum` (one version, inside Courses), `curriculum_edit` (a module or lesson changed in place) | Courses | `academics` |
//! | `learning` (a student's own lessons, on Today), `take_quiz` (a student's quizzes, on Today) | — | `academics`, `quizzes` |
//! | `reports`, `sheet` (one class's sheet) | Attendance | `attendance` |
//! | `tests`, `question_bank` (a course's bank, inside Tests), `quizzes` (inside Tests) | Tests | `assessment`, `quizzes` |
//! | `messages` | Messages | `attendance` (absence alerts) |
//! | `fees`, `money_review` (on Fees due) | Fees due, a student's Fees tab | `money` |
//! | `accounts` | Expenses, Payroll, Profit and loss | `money` |
//! | `dashboard` | Branches compared | `dashboard` |
//! | `organisation`, `rooms` | Organisation, Rooms | `org` |
//! | `settings`, `desks` (Settings → Sync server) | Settings | `settings`, `system` |
//! | `account` | My account | `session` |
//! | `users`, `roles`, `backups`, `audit` | same | same |
//! | `login`, `setup`, `recovery` | (before the sidebar) | `session`, `system`, `recovery` |
//!
//! Helpers more than one page uses live outside `pages/`: text in
//! `crate::format`; keys, saved files, the branch chooser and a form's
//! state (`components::form::use_form`) in `crate::components`. A page may
//! show another page's component (a student's Fees tab is `fees::Fees`),
//! never borrow its helpers.

pub mod account;
pub mod accounts;
pub mod audit;
pub mod backups;
pub mod batch_sessions;
pub mod batches;
pub mod channels;
pub mod courses;
pub mod curriculum;
pub mod curriculum_edit;
pub mod dashboard;
pub mod desks;
pub mod fees;
pub mod home;
pub mod leads;
pub mod learning;
pub mod login;
pub mod messages;
pub mod money_review;
pub mod organisation;
pub mod payroll;
pub mod question_bank;
pub mod quizzes;
pub mod recovery;
pub mod reports;
pub mod roles;
pub mod rooms;
pub mod settings;
pub mod setup;
pub mod sheet;
pub mod student;
pub mod student_marks;
pub mod students;
pub mod submissions;
pub mod take_quiz;
pub mod tests;
pub mod timetable;
pub mod users;

use crate::nav::Page;
use yew::prelude::*;

pub fn render(page: Page) -> Html {
    match page {
        Page::Home => html! { <home::HomePage /> },
        Page::Enquiries => html! { <leads::EnquiriesPage /> },
        Page::Students => html! { <students::StudentsPage /> },
        Page::Student(id) => html! { <student::StudentPage {id} /> },
        Page::Sheet(session_id) => html! { <sheet::SheetPage {session_id} /> },
        Page::Attendance => html! { <reports::ReportsPage /> },
        Page::Tests => html! { <tests::TestsPage /> },
        Page::Messages => html! { <messages::MessagesPage /> },
        Page::Dues => html! { <fees::DuesPage /> },
        Page::DuesOf(id) => html! { <fees::DuesPage key={id.to_string()} branch={Some(id)} /> },
        Page::Expenses => html! { <accounts::ExpensesPage /> },
        Page::Payroll => html! { <payroll::PayrollPage /> },
        Page::ProfitLoss => html! { <accounts::ProfitLossPage /> },
        Page::Dashboard => html! { <dashboard::DashboardPage /> },
        Page::Timetable => html! { <timetable::TimetablePage /> },
        Page::Batches => html! { <batches::BatchesPage /> },
        Page::Courses => html! { <courses::CoursesPage /> },
        Page::Users => html! { <users::UsersPage /> },
        Page::Roles => html! { <roles::RolesPage /> },
        Page::Organisation => html! { <organisation::OrganisationPage /> },
        Page::Rooms => html! { <rooms::RoomsPage /> },
        Page::Settings => html! { <settings::SettingsPage /> },
        Page::Backups => html! { <backups::BackupsPage /> },
        Page::Audit => html! { <audit::AuditPage /> },
        Page::Account => html! { <account::AccountPage /> },
    }
}
