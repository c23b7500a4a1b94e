//! Every command the UI can call. Each takes one typed input from
//! `branchdesk_api::commands`, whose `NAME` must equal the function's name
//! (checked at compile time below), and answers `Reply<Input>`.
//!
//! To add one: declare the input in the api crate with `command!`, write the
//! desk service, add a thin function here, and list it in `commands!` below.

/// Thin commands that call the desk service of the same name for the
/// signed-in actor: `actor_commands! { list_courses(ListCourses), ... }`.
macro_rules! actor_commands {
    ($($name:ident($input:ty)),* $(,)?) => {$(
        #[tauri::command(async)]
        pub fn $name(state: tauri::State<'_, crate::AppState>, input: $input) -> super::Reply<$input> {
            state.actor(|desk, actor| desk.$name(actor, input))
        }
    )*};
}

mod academics;
mod attendance;
mod audit;
mod backups;
mod imports;
mod leads;
mod money;
mod org;
mod roles;
mod session;
mod settings;
mod students;
mod system;
mod timetable;
mod users;

use branchdesk_api::commands::{Access, Command};
use branchdesk_api::ApiError;

/// What a command answers.
pub type Reply<C> = Result<<C as Command>::Output, ApiError>;

const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// One registered command: its name, who may call it, and a default input
/// (used by the test that calls every command without permissions).
pub struct Registered {
    pub name: &'static str,
    pub access: Access,
    pub default_input: serde_json::Value,
}

macro_rules! commands {
    ($($module:ident :: $name:ident ($input:ty)),* $(,)?) => {
        $(const _: () = assert!(
            same_name(<$input as Command>::NAME, stringify!($name)),
            concat!("the api name of ", stringify!($input), " differs from the command ", stringify!($name))
        );)*

        pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$name),*]
        }

        pub fn registered() -> Vec<Registered> {
            vec![$(Registered {
                name: stringify!($name),
                access: <$input as Command>::ACCESS,
                default_input: serde_json::to_value(<$input>::default()).unwrap_or_default(),
            }),*]
        }
    };
}

use branchdesk_api::commands::{
    academics as ac, attendance as at, audit as a, backups as b, imports as im, leads as l, money as m,
    org as o, roles as r, session as s, settings as st, students as sd, system as sy, timetable as tt,
    users as u,
};

commands! {
    system::get_app_status(sy::GetAppStatus),
    system::setup_organisation(sy::SetupOrganisation),
    system::get_sync_state(sy::GetSyncState),
    system::sync_now(sy::SyncNow),
    system::link_server(sy::LinkServer),
    system::join_organisation(sy::JoinOrganisation),
    system::issue_desk_code(sy::IssueDeskCode),
    system::get_sync_progress(sy::GetSyncProgress),
    system::list_linked_desks(sy::ListLinkedDesks),
    system::revoke_desk(sy::RevokeDesk),
    system::list_refused_changes(sy::ListRefusedChanges),
    system::list_conflicts(sy::ListConflicts),
    system::resolve_conflict(sy::ResolveConflict),
    session::login(s::Login),
    session::logout(s::Logout),
    session::get_me(s::GetMe),
    session::change_password(s::ChangePassword),
    session::redeem_reset_code(s::RedeemResetCode),
    users::list_users(u::ListUsers),
    users::create_user(u::CreateUser),
    users::update_user(u::UpdateUser),
    users::set_user_active(u::SetUserActive),
    users::reset_user_password(u::ResetUserPassword),
    users::issue_reset_code(u::IssueResetCode),
    users::grant_role(u::GrantRole),
    users::revoke_grant(u::RevokeGrant),
    users::get_staff_profile(u::GetStaffProfile),
    users::save_staff_profile(u::SaveStaffProfile),
    roles::list_roles(r::ListRoles),
    roles::save_role(r::SaveRole),
    roles::delete_role(r::DeleteRole),
    org::get_organisation(o::GetOrganisation),
    org::update_organisation(o::UpdateOrganisation),
    org::list_branches(o::ListBranches),
    org::save_branch(o::SaveBranch),
    org::list_rooms(o::ListRooms),
    org::save_room(o::SaveRoom),
    org::set_room_active(o::SetRoomActive),
    settings::list_settings(st::ListSettings),
    settings::save_setting(st::SaveSetting),
    backups::list_backups(b::ListBackups),
    backups::take_backup(b::TakeBackup),
    backups::restore_backup(b::RestoreBackup),
    audit::list_audit(a::ListAudit),
    academics::list_courses(ac::ListCourses),
    academics::save_course(ac::SaveCourse),
    academics::list_roadmaps(ac::ListRoadmaps),
    academics::save_roadmap(ac::SaveRoadmap),
    academics::list_curricula(ac::ListCurricula),
    academics::get_curriculum(ac::GetCurriculum),
    academics::create_curriculum(ac::CreateCurriculum),
    academics::save_module(ac::SaveModule),
    academics::save_lesson(ac::SaveLesson),
    academics::save_lesson_resource(ac::SaveLessonResource),
    academics::save_assignment(ac::SaveAssignment),
    academics::move_curriculum_part(ac::MoveCurriculumPart),
    academics::remove_curriculum_part(ac::RemoveCurriculumPart),
    academics::submit_curriculum(ac::SubmitCurriculum),
    academics::review_curriculum(ac::ReviewCurriculum),
    academics::list_submissions(ac::ListSubmissions),
    academics::record_submission(ac::RecordSubmission),
    academics::get_my_curriculum(ac::GetMyCurriculum),
    academics::set_bookmark(ac::SetBookmark),
    academics::save_highlight(ac::SaveHighlight),
    academics::save_resource_file(ac::SaveResourceFile),
    timetable::list_batches(tt::ListBatches),
    timetable::save_batch(tt::SaveBatch),
    timetable::set_batch_active(tt::SetBatchActive),
    timetable::get_batch(tt::GetBatch),
    timetable::list_teachers(tt::ListTeachers),
    timetable::reschedule_session(tt::RescheduleSession),
    timetable::set_substitute(tt::SetSubstitute),
    timetable::set_session_cancelled(tt::SetSessionCancelled),
    timetable::save_event(tt::SaveEvent),
    timetable::remove_event(tt::RemoveEvent),
    timetable::list_events(tt::ListEvents),
    timetable::get_timetable(tt::GetTimetable),
    timetable::list_my_sessions_today(tt::ListMySessionsToday),
    timetable::list_clashes(tt::ListClashes),
    students::save_student(sd::SaveStudent),
    students::set_student_archived(sd::SetStudentArchived),
    students::link_guardian(sd::LinkGuardian),
    students::unlink_guardian(sd::UnlinkGuardian),
    students::get_student(sd::GetStudent),
    students::list_students(sd::ListStudents),
    students::search_students(sd::SearchStudents),
    students::find_duplicates(sd::FindDuplicates),
    students::find_guardians(sd::FindGuardians),
    students::merge_students(sd::MergeStudents),
    students::enrol(sd::Enrol),
    students::set_enrolment_status(sd::SetEnrolmentStatus),
    students::set_enrolment_concession(sd::SetEnrolmentConcession),
    students::list_roster(sd::ListRoster),
    students::give_student_login(sd::GiveStudentLogin),
    students::get_my_record(sd::GetMyRecord),
    students::set_student_photo(sd::SetStudentPhoto),
    students::transfer_student(sd::TransferStudent),
    money::get_student_account(m::GetStudentAccount),
    money::collect_payment(m::CollectPayment),
    money::reverse_receipt(m::ReverseReceipt),
    money::save_receipt_pdf(m::SaveReceiptPdf),
    money::get_printable(m::GetPrintable),
    money::list_dues(m::ListDues),
    money::draft_fee_reminders(m::DraftFeeReminders),
    money::get_day_book(m::GetDayBook),
    money::close_cash(m::CloseCash),
    money::record_expense(m::RecordExpense),
    money::decide_expense(m::DecideExpense),
    money::list_expenses(m::ListExpenses),
    money::get_profit_and_loss(m::GetProfitAndLoss),
    money::set_salary(m::SetSalary),
    money::run_payroll(m::RunPayroll),
    money::adjust_salary(m::AdjustSalary),
    money::pay_salary(m::PaySalary),
    money::save_salary_slip(m::SaveSalarySlip),
    money::apply_late_fees(m::ApplyLateFees),
    money::issue_invoice(m::IssueInvoice),
    money::list_invoices(m::ListInvoices),
    money::save_invoice_pdf(m::SaveInvoicePdf),
    money::list_money_reviews(m::ListMoneyReviews),
    money::mark_money_reviewed(m::MarkMoneyReviewed),
    leads::save_lead(l::SaveLead),
    leads::list_leads(l::ListLeads),
    leads::get_lead(l::GetLead),
    leads::log_lead_activity(l::LogLeadActivity),
    leads::convert_lead(l::ConvertLead),
    imports::import_csv(im::ImportCsv),
    imports::save_csv_template(im::SaveCsvTemplate),
    imports::export_csv(im::ExportCsv),
    imports::open_saved_file(im::OpenSavedFile),
    imports::get_import_progress(im::GetImportProgress),
    attendance::get_sheet(at::GetSheet),
    attendance::save_marks(at::SaveMarks),
    attendance::save_draft(at::SaveDraft),
    attendance::get_attendance_report(at::GetAttendanceReport),
    attendance::get_student_attendance(at::GetStudentAttendance),
    attendance::list_notifications(at::ListNotifications),
    attendance::review_notifications(at::ReviewNotifications),
}
