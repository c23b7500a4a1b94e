//! Every command the UI can call, in one table. Each takes one typed input
//! from `branchdesk_api::commands` and answers `Reply<Input>`.
//!
//! A row is `kind name(Input)`: the command calls the desk service of the
//! same name — `actor` as the signed-in person (`desk.name(actor, input)`),
//! `session` with the session's token (`desk.name(token, input)`), `public`
//! with no session (`desk.name(input)`) — and the table writes the function.
//! A command that does more is written out in its area's module and named by
//! its path (`public session::login(Login)`); the table only registers it.
//! At compile time every row's name must equal its input's `NAME`, and its
//! kind must fit the input's `ACCESS` (`public` for `Public`, `session` for
//! `Session`, `actor` for `Session` or `Permission`).

mod imports;
mod messages;
mod session;
mod system;

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

/// Whether a row's kind (`actor`, `session`, `public`) fits the access its
/// api type declares.
const fn fits(kind: &str, access: Access) -> bool {
    match access {
        Access::Public => same_name(kind, "public"),
        Access::Session => same_name(kind, "session") || same_name(kind, "actor"),
        Access::Permission => same_name(kind, "actor"),
    }
}

/// One registered command: its name, who may call it, and a default input
/// (used by the test that calls every command without permissions).
pub struct Registered {
    pub name: &'static str,
    pub access: Access,
    pub default_input: serde_json::Value,
}

/// The function of a table row without a path: the desk service of the same name.
macro_rules! thin_command {
    (actor $name:ident $input:ty) => {
        #[tauri::command(async)]
        pub fn $name(state: tauri::State<'_, crate::AppState>, input: $input) -> Reply<$input> {
            state.actor(|desk, actor| desk.$name(actor, input))
        }
    };
    (session $name:ident $input:ty) => {
        #[tauri::command(async)]
        pub fn $name(state: tauri::State<'_, crate::AppState>, input: $input) -> Reply<$input> {
            state.session(|desk, token| desk.$name(token, input))
        }
    };
    (public $name:ident $input:ty) => {
        #[tauri::command(async)]
        pub fn $name(state: tauri::State<'_, crate::AppState>, input: $input) -> Reply<$input> {
            state.public(|desk, _| desk.$name(input))
        }
    };
}

/// One row: its checks, and its function unless it is written out.
macro_rules! command_row {
    (@check $kind:ident $name:ident $input:ty) => {
        const _: () = assert!(
            same_name(<$input as Command>::NAME, stringify!($name)),
            concat!("the api name of ", stringify!($input), " differs from the command ", stringify!($name))
        );
        const _: () = assert!(
            fits(stringify!($kind), <$input as Command>::ACCESS),
            concat!("the command ", stringify!($name), " is `", stringify!($kind), "` but ", stringify!($input), " declares another access")
        );
    };
    ($kind:ident $name:ident ($input:ty)) => {
        command_row!(@check $kind $name $input);
        thin_command!($kind $name $input);
    };
    ($kind:ident $module:ident :: $name:ident ($input:ty)) => {
        command_row!(@check $kind $name $input);
    };
}

macro_rules! commands {
    ($($kind:ident $($path:ident)::+ ($input:ty)),* $(,)?) => {
        $(command_row!($kind $($path)::+ ($input));)*

        pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(self::$($path)::+),*]
        }

        pub fn registered() -> Vec<Registered> {
            vec![$(Registered {
                name: <$input as Command>::NAME,
                access: <$input as Command>::ACCESS,
                default_input: serde_json::to_value(<$input>::default()).unwrap_or_default(),
            }),*]
        }
    };
}

use branchdesk_api::commands::{
    academics as ac, assessment as ts, attendance as at, audit as a, backups as b, dashboard as d,
    imports as im, leads as l, money as m, org as o, quizzes as qz, recovery as rc, roles as r, session as s,
    settings as st, students as sd, system as sy, timetable as tt, users as u,
};

commands! {
    public system::get_app_status(sy::GetAppStatus),
    public system::get_recovery(rc::GetRecovery),
    public system::recover_from_backup(rc::RecoverFromBackup),
    public system::unlock_with_recovery_key(rc::UnlockWithRecoveryKey),
    public setup_organisation(sy::SetupOrganisation),
    actor system::get_sync_state(sy::GetSyncState),
    actor system::sync_now(sy::SyncNow),
    actor system::link_server(sy::LinkServer),
    public system::join_organisation(sy::JoinOrganisation),
    actor system::issue_desk_code(sy::IssueDeskCode),
    public system::get_sync_progress(sy::GetSyncProgress),
    actor system::list_linked_desks(sy::ListLinkedDesks),
    actor system::revoke_desk(sy::RevokeDesk),
    actor list_refused_changes(sy::ListRefusedChanges),
    actor list_conflicts(sy::ListConflicts),
    actor resolve_conflict(sy::ResolveConflict),
    public session::login(s::Login),
    public session::login_with_code(s::LoginWithCode),
    session start_two_factor(s::StartTwoFactor),
    session confirm_two_factor(s::ConfirmTwoFactor),
    public session::logout(s::Logout),
    session session::get_me(s::GetMe),
    session change_password(s::ChangePassword),
    public redeem_reset_code(s::RedeemResetCode),
    actor list_users(u::ListUsers),
    actor create_user(u::CreateUser),
    actor invite_user(u::InviteUser),
    actor update_user(u::UpdateUser),
    actor set_user_active(u::SetUserActive),
    actor reset_user_password(u::ResetUserPassword),
    actor issue_reset_code(u::IssueResetCode),
    actor grant_role(u::GrantRole),
    actor revoke_grant(u::RevokeGrant),
    actor get_staff_profile(u::GetStaffProfile),
    actor save_staff_profile(u::SaveStaffProfile),
    actor list_roles(r::ListRoles),
    actor save_role(r::SaveRole),
    actor delete_role(r::DeleteRole),
    actor get_organisation(o::GetOrganisation),
    actor update_organisation(o::UpdateOrganisation),
    actor list_branches(o::ListBranches),
    actor save_branch(o::SaveBranch),
    actor list_rooms(o::ListRooms),
    actor save_room(o::SaveRoom),
    actor set_room_active(o::SetRoomActive),
    actor list_settings(st::ListSettings),
    actor save_setting(st::SaveSetting),
    actor list_backups(b::ListBackups),
    actor take_backup(b::TakeBackup),
    actor restore_backup(b::RestoreBackup),
    actor get_recovery_key(b::GetRecoveryKey),
    actor list_audit(a::ListAudit),
    actor list_courses(ac::ListCourses),
    actor save_course(ac::SaveCourse),
    actor list_roadmaps(ac::ListRoadmaps),
    actor save_roadmap(ac::SaveRoadmap),
    actor list_curricula(ac::ListCurricula),
    actor get_curriculum(ac::GetCurriculum),
    actor create_curriculum(ac::CreateCurriculum),
    actor save_module(ac::SaveModule),
    actor save_lesson(ac::SaveLesson),
    actor save_lesson_resource(ac::SaveLessonResource),
    actor save_assignment(ac::SaveAssignment),
    actor move_curriculum_part(ac::MoveCurriculumPart),
    actor remove_curriculum_part(ac::RemoveCurriculumPart),
    actor submit_curriculum(ac::SubmitCurriculum),
    actor review_curriculum(ac::ReviewCurriculum),
    actor list_submissions(ac::ListSubmissions),
    actor list_paper_tests(ts::ListPaperTests),
    actor save_paper_test(ts::SavePaperTest),
    actor set_test_sitting(ts::SetTestSitting),
    actor moderate_section(ts::ModerateSection),
    actor get_marks_sheet(ts::GetMarksSheet),
    actor enter_mark(ts::EnterMark),
    actor import_marks(ts::ImportMarks),
    actor get_rank_list(ts::GetRankList),
    actor import_questions(ts::ImportQuestions),
    actor list_questions(ts::ListQuestions),
    actor set_question_image(ts::SetQuestionImage),
    actor export_questions(ts::ExportQuestions),
    actor list_student_marks(ts::ListStudentMarks),
    actor get_report_card(ts::GetReportCard),
    actor save_report_card(ts::SaveReportCard),
    actor send_report_card(ts::SendReportCard),
    actor save_quiz(qz::SaveQuiz),
    actor list_quizzes(qz::ListQuizzes),
    actor publish_quiz(qz::PublishQuiz),
    actor release_quiz_results(qz::ReleaseQuizResults),
    actor list_my_quizzes(qz::ListMyQuizzes),
    actor start_quiz_attempt(qz::StartQuizAttempt),
    actor answer_question(qz::AnswerQuestion),
    actor save_attempt_time(qz::SaveAttemptTime),
    actor submit_quiz_attempt(qz::SubmitQuizAttempt),
    actor get_attempt_review(qz::GetAttemptReview),
    actor get_quiz_results(qz::GetQuizResults),
    actor list_answers_to_grade(qz::ListAnswersToGrade),
    actor grade_answer(qz::GradeAnswer),
    actor list_student_quizzes(qz::ListStudentQuizzes),
    actor record_submission(ac::RecordSubmission),
    actor hand_in(ac::HandIn),
    actor imports::open_attachment(branchdesk_api::commands::attachments::OpenAttachment),
    actor get_my_curriculum(ac::GetMyCurriculum),
    actor set_bookmark(ac::SetBookmark),
    actor save_highlight(ac::SaveHighlight),
    actor save_resource_file(ac::SaveResourceFile),
    actor imports::open_resource_link(ac::OpenResourceLink),
    actor imports::open_lesson_link(ac::OpenLessonLink),
    actor list_commission_rates(tt::ListCommissionRates),
    actor save_commission_rate(tt::SaveCommissionRate),
    actor list_batches(tt::ListBatches),
    actor save_batch(tt::SaveBatch),
    actor set_batch_active(tt::SetBatchActive),
    actor get_batch(tt::GetBatch),
    actor list_teachers(tt::ListTeachers),
    actor reschedule_session(tt::RescheduleSession),
    actor set_substitute(tt::SetSubstitute),
    actor set_session_cancelled(tt::SetSessionCancelled),
    actor save_event(tt::SaveEvent),
    actor remove_event(tt::RemoveEvent),
    actor list_events(tt::ListEvents),
    actor get_timetable(tt::GetTimetable),
    actor list_my_sessions_today(tt::ListMySessionsToday),
    actor list_clashes(tt::ListClashes),
    actor save_student(sd::SaveStudent),
    actor set_student_archived(sd::SetStudentArchived),
    actor link_guardian(sd::LinkGuardian),
    actor unlink_guardian(sd::UnlinkGuardian),
    actor set_guardian_consent(sd::SetGuardianConsent),
    actor get_student(sd::GetStudent),
    actor list_students(sd::ListStudents),
    actor search_students(sd::SearchStudents),
    actor find_duplicates(sd::FindDuplicates),
    actor find_guardians(sd::FindGuardians),
    actor merge_students(sd::MergeStudents),
    actor enrol(sd::Enrol),
    actor set_enrolment_status(sd::SetEnrolmentStatus),
    actor set_enrolment_concession(sd::SetEnrolmentConcession),
    actor list_roster(sd::ListRoster),
    actor give_student_login(sd::GiveStudentLogin),
    actor get_my_record(sd::GetMyRecord),
    actor set_student_photo(sd::SetStudentPhoto),
    actor transfer_student(sd::TransferStudent),
    actor get_student_account(m::GetStudentAccount),
    actor collect_payment(m::CollectPayment),
    actor reverse_receipt(m::ReverseReceipt),
    actor save_receipt_pdf(m::SaveReceiptPdf),
    actor get_printable(m::GetPrintable),
    actor list_dues(m::ListDues),
    actor draft_fee_reminders(m::DraftFeeReminders),
    actor get_day_book(m::GetDayBook),
    actor close_cash(m::CloseCash),
    actor record_expense(m::RecordExpense),
    actor decide_expense(m::DecideExpense),
    actor list_expenses(m::ListExpenses),
    actor save_expense_bill(m::SaveExpenseBill),
    actor get_profit_and_loss(m::GetProfitAndLoss),
    actor compare_branches(d::CompareBranches),
    actor save_comparison_pdf(d::SaveComparisonPdf),
    actor get_money_trend(d::GetMoneyTrend),
    actor set_salary(m::SetSalary),
    actor run_payroll(m::RunPayroll),
    actor adjust_salary(m::AdjustSalary),
    actor pay_salary(m::PaySalary),
    actor save_salary_component(m::SaveSalaryComponent),
    actor get_salary_structure(m::GetSalaryStructure),
    actor record_advance(m::RecordAdvance),
    actor set_unpaid_days(m::SetUnpaidDays),
    actor save_salary_slip(m::SaveSalarySlip),
    actor apply_late_fees(m::ApplyLateFees),
    actor issue_invoice(m::IssueInvoice),
    actor list_invoices(m::ListInvoices),
    actor save_invoice_pdf(m::SaveInvoicePdf),
    actor list_money_reviews(m::ListMoneyReviews),
    actor mark_money_reviewed(m::MarkMoneyReviewed),
    actor save_lead(l::SaveLead),
    actor list_leads(l::ListLeads),
    actor get_lead(l::GetLead),
    actor log_lead_activity(l::LogLeadActivity),
    actor convert_lead(l::ConvertLead),
    actor import_csv(im::ImportCsv),
    actor save_csv_template(im::SaveCsvTemplate),
    actor export_csv(im::ExportCsv),
    session imports::open_saved_file(im::OpenSavedFile),
    session imports::get_import_progress(im::GetImportProgress),
    actor get_sheet(at::GetSheet),
    actor save_marks(at::SaveMarks),
    actor save_draft(at::SaveDraft),
    actor get_attendance_report(at::GetAttendanceReport),
    actor get_student_attendance(at::GetStudentAttendance),
    actor list_notifications(at::ListNotifications),
    actor messages::review_notifications(at::ReviewNotifications),
    actor messages::resend_notification(branchdesk_api::commands::channels::ResendNotification),
    actor get_channels(branchdesk_api::commands::channels::GetChannels),
    actor save_email_channel(branchdesk_api::commands::channels::SaveEmailChannel),
    actor messages::test_email_channel(branchdesk_api::commands::channels::TestEmailChannel),
}
