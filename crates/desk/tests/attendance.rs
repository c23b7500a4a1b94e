//! Marking attendance: the roster on the date, one record per student and
//! session with a mark log, drafts, the edit window, absence alerts,
//! reports.

mod common;

use branchdesk_api::commands::attendance::*;
use branchdesk_api::commands::students::*;
use branchdesk_api::commands::timetable::SetSessionCancelled;
use branchdesk_api::ErrorCode;
use branchdesk_desk::Actor;
use common::api;
use common::class::{class, mark};

#[test]
fn marks_are_one_record_per_student_and_session_with_every_change_logged() {
    let c = class();
    let s0 = c.sessions[0];
    let sheet =
        c.f.desk.get_sheet(&c.teacher, GetSheet { session_id: s0, order: RosterOrder::Name }).unwrap();
    assert_eq!(
        sheet.rows.iter().map(|r| r.full_name.as_str()).collect::<Vec<_>>(),
        ["Asha Rao", "Vikram Menon", "Zoya Khan"]
    );
    assert!(sheet.locked.is_none());
    let saved =
        c.f.desk
            .save_marks(
                &c.teacher,
                SaveMarks {
                    session_id: s0,
                    marks: vec![
                        mark(c.students[0], AttendanceStatus::Absent, ""),
                        mark(c.students[1], AttendanceStatus::Late, "Bus late"),
                        mark(c.students[2], AttendanceStatus::Present, ""),
                    ],
                    ..Default::default()
                },
            )
            .unwrap();
    assert_eq!(saved.rows[1].status, Some(AttendanceStatus::Late));
    assert_eq!(saved.rows[1].note, "Bus late");
    let id = branchdesk_desk::attendance::store::attendance_id(c.students[0], s0);
    assert_eq!(
        c.f.count(&format!("SELECT count(*) FROM attendance WHERE id = '{id}'")),
        1,
        "the id is derived from (student, session)"
    );
    // A correction: still one record, two log entries, both visible.
    let fixed =
        c.f.desk
            .save_marks(
                &c.teacher,
                SaveMarks {
                    session_id: s0,
                    marks: vec![mark(c.students[0], AttendanceStatus::Excused, "Fever")],
                    ..Default::default()
                },
            )
            .unwrap();
    let asha = &fixed.rows[0];
    assert_eq!(asha.status, Some(AttendanceStatus::Excused));
    assert_eq!(asha.history.len(), 2);
    assert_eq!(asha.history[0].new_status, AttendanceStatus::Absent);
    assert_eq!(asha.history[1].old_status, Some(AttendanceStatus::Absent));
    assert_eq!(asha.history[1].marked_by.as_deref(), Some("Staff ravi@example.com"));
    assert_eq!(c.f.count("SELECT count(*) FROM attendance"), 3);
    // Saving the same marks again writes nothing new.
    let ops = c.f.count("SELECT count(*) FROM outbox");
    c.f.desk
        .save_marks(
            &c.teacher,
            SaveMarks {
                session_id: s0,
                marks: vec![mark(c.students[0], AttendanceStatus::Excused, "Fever")],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(c.f.count("SELECT count(*) FROM outbox"), ops);
}

#[test]
fn an_absence_drafts_one_alert_for_the_guardian_reviewed_before_sending() {
    let c = class();
    let s0 = c.sessions[0];
    let absent = SaveMarks {
        session_id: s0,
        marks: vec![
            mark(c.students[0], AttendanceStatus::Absent, ""),
            mark(c.students[1], AttendanceStatus::Absent, ""),
        ],
        ..Default::default()
    };
    c.f.desk.save_marks(&c.teacher, absent.clone()).unwrap();
    let drafts =
        c.f.desk
            .list_notifications(
                &c.f.director,
                ListNotifications {
                    branch_id: c.f.branch,
                    state: NotificationState::Draft,
                    ..Default::default()
                },
            )
            .unwrap();
    // Asha's mother by SMS; Vikram's guardian has no phone: by email.
    let mut drafts = drafts;
    drafts.sort_by(|a, b| b.channel.cmp(&a.channel));
    let to: Vec<(&str, &str)> = drafts.iter().map(|d| (d.channel.as_str(), d.recipient.as_str())).collect();
    assert_eq!(to, [("SMS", "98450 20001"), ("EMAIL", "p1@example.com")]);
    assert!(
        drafts[0].body.contains("Asha Rao was absent from Physics XI-A on 1 Jun 2026"),
        "{}",
        drafts[0].body
    );
    // Marked absent again (present, then absent): still one alert.
    c.f.desk
        .save_marks(
            &c.teacher,
            SaveMarks {
                session_id: s0,
                marks: vec![mark(c.students[0], AttendanceStatus::Present, "")],
                ..Default::default()
            },
        )
        .unwrap();
    c.f.desk.save_marks(&c.teacher, absent).unwrap();
    let drafts =
        c.f.desk
            .list_notifications(
                &c.f.director,
                ListNotifications {
                    branch_id: c.f.branch,
                    state: NotificationState::Draft,
                    ..Default::default()
                },
            )
            .unwrap();
    assert_eq!(drafts.len(), 2);
    // A teacher cannot send; the front desk reviews and sends in one action.
    let e =
        c.f.desk
            .review_notifications(&c.teacher, ReviewNotifications { ids: vec![drafts[0].id], approve: true });
    assert_eq!(api(e.unwrap_err()).code, ErrorCode::PermissionDenied);
    assert_eq!(
        c.f.desk
            .review_notifications(
                &c.f.director,
                ReviewNotifications { ids: vec![drafts[0].id], approve: true }
            )
            .unwrap(),
        1
    );
    let queued =
        c.f.desk
            .list_notifications(
                &c.f.director,
                ListNotifications {
                    branch_id: c.f.branch,
                    state: NotificationState::Approved,
                    ..Default::default()
                },
            )
            .unwrap();
    assert_eq!(queued.len(), 1);
    let again = c
        .f
        .desk
        .review_notifications(&c.f.director, ReviewNotifications { ids: vec![drafts[0].id], approve: true });
    assert_eq!(api(again.unwrap_err()).code, ErrorCode::Conflict);
}

#[test]
fn bad_marks_are_refused_with_the_field_named() {
    let c = class();
    let s0 = c.sessions[0];
    let outsider =
        c.f.desk
            .save_student(
                &c.f.director,
                SaveStudent {
                    branch_id: c.f.branch,
                    full_name: "Not Enrolled".into(),
                    date_of_birth: "1990-01-01".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .student
            .id;
    let save = |actor: &Actor, session, marks: Vec<Mark>| {
        c.f.desk
            .save_marks(actor, SaveMarks { session_id: session, marks, ..Default::default() })
            .map_err(api)
    };
    assert!(save(&c.teacher, s0, vec![mark(outsider, AttendanceStatus::Present, "")])
        .unwrap_err()
        .is_for("marks[0].student_id"));
    assert!(save(&c.teacher, s0, vec![mark(c.students[0], AttendanceStatus::Present, &"x".repeat(201))])
        .unwrap_err()
        .is_for("marks[0].note"));
    assert!(save(
        &c.teacher,
        s0,
        vec![
            mark(c.students[0], AttendanceStatus::Present, ""),
            mark(c.students[0], AttendanceStatus::Late, "")
        ]
    )
    .unwrap_err()
    .is_for("marks[1].student_id"));
    // Next Monday has not happened yet.
    let future = save(&c.teacher, c.sessions[1], vec![mark(c.students[0], AttendanceStatus::Present, "")])
        .unwrap_err();
    assert_eq!(future.code, ErrorCode::Conflict);
    // A cancelled session takes no marks.
    c.f.desk
        .set_session_cancelled(
            &c.f.director,
            SetSessionCancelled { id: s0, cancelled: true, note: "Rain".into() },
        )
        .unwrap();
    assert_eq!(
        save(&c.teacher, s0, vec![mark(c.students[0], AttendanceStatus::Present, "")]).unwrap_err().code,
        ErrorCode::Conflict
    );
    c.f.desk
        .set_session_cancelled(
            &c.f.director,
            SetSessionCancelled { id: s0, cancelled: false, note: String::new() },
        )
        .unwrap();
    // Another teacher may not mark Ravi's class; a status outside the four does not parse.
    let (_, other) = c.f.staff("asha@example.com", "TEACHER", Some(c.f.branch));
    assert_eq!(
        save(&other, s0, vec![mark(c.students[0], AttendanceStatus::Present, "")]).unwrap_err().code,
        ErrorCode::PermissionDenied
    );
    assert!(serde_json::from_str::<Mark>(
        r#"{"student_id":"00000000-0000-0000-0000-000000000000","status":"HALF_DAY"}"#
    )
    .is_err());
    assert_eq!(c.f.count("SELECT count(*) FROM attendance"), 0, "nothing was written");
}

#[test]
fn old_marks_need_a_manager_and_a_reason_and_drafts_survive_until_saved() {
    let c = class();
    let s0 = c.sessions[0];
    c.f.desk
        .save_draft(
            &c.teacher,
            SaveDraft { session_id: s0, marks: vec![mark(c.students[2], AttendanceStatus::Late, "")] },
        )
        .unwrap();
    // The desk is reopened (as after a crash): the draft is still there.
    let reopened = common::open(c.f.dir.path(), c.f.clock.clone());
    let (t, _) = reopened
        .login(branchdesk_api::commands::session::Login {
            email: "ravi@example.com".into(),
            password: common::STAFF_PASSWORD.into(),
        })
        .unwrap();
    let teacher = reopened.actor(&t).unwrap();
    let sheet = reopened.get_sheet(&teacher, GetSheet { session_id: s0, order: RosterOrder::Roll }).unwrap();
    assert_eq!(sheet.draft, vec![mark(c.students[2], AttendanceStatus::Late, "")]);
    let saved = reopened
        .save_marks(&teacher, SaveMarks { session_id: s0, marks: sheet.draft.clone(), ..Default::default() })
        .unwrap();
    assert!(saved.draft.is_empty(), "saving clears the draft");
    drop(reopened);
    // Five days later (window: 3 days; inside the director's week to set up
    // two-factor sign-in) the teacher cannot change it; a manager can, with a reason.
    c.f.clock.advance(chrono::Duration::days(5));
    let (t, _) =
        c.f.desk
            .login(branchdesk_api::commands::session::Login {
                email: "ravi@example.com".into(),
                password: common::STAFF_PASSWORD.into(),
            })
            .unwrap();
    let teacher = c.f.desk.actor(&t).unwrap();
    let locked = c.f.desk.get_sheet(&teacher, GetSheet { session_id: s0, order: RosterOrder::Name }).unwrap();
    assert!(locked.locked.is_some());
    let change = SaveMarks {
        session_id: s0,
        marks: vec![mark(c.students[2], AttendanceStatus::Present, "")],
        ..Default::default()
    };
    assert_eq!(api(c.f.desk.save_marks(&teacher, change.clone()).unwrap_err()).code, ErrorCode::Conflict);
    let (t, _) =
        c.f.desk
            .login(branchdesk_api::commands::session::Login {
                email: common::DIRECTOR_EMAIL.into(),
                password: common::DIRECTOR_PASSWORD.into(),
            })
            .unwrap();
    let director = c.f.desk.actor(&t).unwrap();
    assert!(api(c.f.desk.save_marks(&director, change.clone()).unwrap_err()).is_for("reason"));
    let ok =
        c.f.desk.save_marks(&director, SaveMarks { reason: "Register checked".into(), ..change }).unwrap();
    let zoya = ok.rows.iter().find(|r| r.student_id == c.students[2]).unwrap();
    assert_eq!(zoya.history.last().unwrap().reason, "Register checked");
}

#[test]
fn the_roster_follows_enrolment_on_the_date_and_reports_add_up() {
    let c = class();
    let s0 = c.sessions[0];
    // Vikram is put on hold from today: he is not on today's roster.
    let enrolment =
        c.f.desk.get_student(&c.f.director, GetStudent { id: c.students[1] }).unwrap().enrolments[0].id;
    c.f.desk
        .set_enrolment_status(
            &c.f.director,
            SetEnrolmentStatus { id: enrolment, status: EnrolmentStatus::OnHold, reason: "Exams".into() },
        )
        .unwrap();
    let sheet =
        c.f.desk.get_sheet(&c.teacher, GetSheet { session_id: s0, order: RosterOrder::Roll }).unwrap();
    assert_eq!(sheet.rows.len(), 2);
    assert!(sheet.rows.iter().all(|r| r.student_id != c.students[1]));
    let e = c.f.desk.save_marks(
        &c.teacher,
        SaveMarks {
            session_id: s0,
            marks: vec![mark(c.students[1], AttendanceStatus::Present, "")],
            ..Default::default()
        },
    );
    assert!(api(e.unwrap_err()).is_for("marks[0].student_id"));
    // Three Mondays: Asha absent, absent, present; Zoya present throughout.
    for (week, asha) in [AttendanceStatus::Absent, AttendanceStatus::Absent, AttendanceStatus::Present]
        .into_iter()
        .enumerate()
    {
        if week > 0 {
            c.f.clock.advance(chrono::Duration::days(7));
        }
        c.f.desk
            .save_marks(
                &c.f.director,
                SaveMarks {
                    session_id: c.sessions[week],
                    marks: vec![
                        mark(c.students[0], asha, ""),
                        mark(c.students[2], AttendanceStatus::Present, ""),
                    ],
                    ..Default::default()
                },
            )
            .unwrap();
    }
    let report =
        c.f.desk
            .get_attendance_report(
                &c.f.director,
                GetAttendanceReport { branch_id: c.f.branch, month: "2026-06".into(), ..Default::default() },
            )
            .unwrap();
    assert_eq!(report.marks, 6);
    let asha = report.rows.iter().find(|r| r.full_name == "Asha Rao").unwrap();
    assert_eq!(
        (asha.present, asha.absent, asha.marked, asha.percent_bp, asha.longest_absence_run),
        (1, 2, 3, 3333, 2)
    );
    let below =
        c.f.desk
            .get_attendance_report(
                &c.f.director,
                GetAttendanceReport {
                    branch_id: c.f.branch,
                    month: "2026-06".into(),
                    below_bp: 7500,
                    ..Default::default()
                },
            )
            .unwrap();
    assert_eq!(below.rows.len(), 1);
    let runs =
        c.f.desk
            .get_attendance_report(
                &c.f.director,
                GetAttendanceReport {
                    branch_id: c.f.branch,
                    month: "2026-06".into(),
                    min_absence_run: 2,
                    ..Default::default()
                },
            )
            .unwrap();
    assert_eq!(runs.rows.len(), 1);
    let bad = c.f.desk.get_attendance_report(
        &c.f.director,
        GetAttendanceReport { branch_id: c.f.branch, month: "June".into(), ..Default::default() },
    );
    assert!(api(bad.unwrap_err()).is_for("month"));
    let own =
        c.f.desk
            .get_student_attendance(&c.f.director, GetStudentAttendance { student_id: c.students[0] })
            .unwrap();
    assert_eq!(own.lines.len(), 3);
    assert_eq!(own.percent_bp, 3333);
}
