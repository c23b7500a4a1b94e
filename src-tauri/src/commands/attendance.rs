//! Marking attendance, reports and the notification queue.

use branchdesk_api::commands::attendance::*;

actor_commands! {
    get_sheet(GetSheet),
    save_marks(SaveMarks),
    save_draft(SaveDraft),
    get_attendance_report(GetAttendanceReport),
    get_student_attendance(GetStudentAttendance),
    list_notifications(ListNotifications),
    review_notifications(ReviewNotifications),
}
