//! The director's comparison of branches, checked against figures worked
//! out by hand on a small branch.

mod common;

use branchdesk_api::commands::attendance::{AttendanceStatus, SaveMarks};
use branchdesk_api::commands::dashboard::*;
use branchdesk_api::commands::students::Enrol;
use branchdesk_api::commands::timetable::{FeeFrequency, Slot};
use branchdesk_api::ErrorCode;
use chrono::Duration;
use common::class::{class, mark};
use common::{api, pay};

#[test]
fn each_branch_shows_its_students_seats_attendance_fees_and_overdue_by_age_beside_the_total() {
    let c = class();
    let f = &c.f;
    // Ravi's class (30 seats, 1 June to 31 July) holds all three; Asha
    // also takes a monthly ₹3,000 batch of 20 seats to 31 August: dues
    // on 1 June, 1 July and 1 August.
    let fees = f.physics_batch(f.director.user_id, |b| {
        b.name = "Physics XII".into();
        b.capacity = 20;
        b.end_date = "2026-08-31".into();
        b.fee_minor = 300_000;
        b.fee_frequency = FeeFrequency::Monthly;
        b.slots = vec![Slot { weekday: 2, start: "16:00".into(), end: "17:30".into() }];
    });
    let asha = c.students[0];
    f.desk.enrol(&f.director, Enrol { student_id: asha, batch_id: fees, ..Default::default() }).unwrap();
    pay(f, asha, "1,000").unwrap();
    // Monday 1 June: Asha absent, Vikram late, Zoya excused.
    f.desk
        .save_marks(
            &c.teacher,
            SaveMarks {
                session_id: c.sessions[0],
                marks: vec![
                    mark(c.students[0], AttendanceStatus::Absent, ""),
                    mark(c.students[1], AttendanceStatus::Late, ""),
                    mark(c.students[2], AttendanceStatus::Excused, "Fever"),
                ],
                ..Default::default()
            },
        )
        .unwrap();
    let hsr = f.second_branch();

    // 15 August: June's due is 75 days late (₹2,000 left of it), July's
    // 45, August's 14.
    f.clock.advance(Duration::days(75));
    let june = f.desk.compare_branches(&f.director, CompareBranches { month: "2026-06".into() }).unwrap();
    assert_eq!(june.month, "2026-06");
    let names: Vec<_> = june.branches.iter().map(|b| b.branch_name.as_str()).collect();
    assert_eq!(names, ["HSR Layout", "Koramangala"], "by name");
    let k = &june.branches[1];
    assert_eq!(
        (k.active_students, k.seats_taken, k.seats),
        (3, 1, 20),
        "Ravi's class ended on 31 July; Physics XII runs"
    );
    assert_eq!((k.attended, k.marked), (1, 2), "late counts as attended; excused is not counted");
    assert_eq!(k.attendance_bp(), Some(5_000));
    assert_eq!((k.due_minor, k.collected_minor), (300_000, 100_000));
    assert_eq!(k.collection_bp(), Some(3_333));
    assert_eq!(
        k.overdue,
        Ageing {
            days_1_30_minor: 300_000,
            days_31_60_minor: 300_000,
            days_61_90_minor: 200_000,
            over_90_minor: 0
        }
    );
    assert_eq!(k.fill_bp(), Some(500));
    let h = &june.branches[0];
    assert_eq!(
        (h.branch_id, h.active_students, h.seats, h.marked, h.due_minor, h.overdue.total_minor()),
        (hsr, 0, 0, 0, 0, 0)
    );
    assert_eq!((h.fill_bp(), h.attendance_bp(), h.collection_bp()), (None, None, None));
    assert_eq!(june.total.branch_name, "All branches");
    assert_eq!(june.total.overdue.total_minor(), 800_000);
    assert_eq!((june.total.active_students, june.total.collected_minor), (3, 100_000));

    // August: its own due, nothing collected or marked in it.
    let august = f.desk.compare_branches(&f.director, CompareBranches { month: String::new() }).unwrap();
    assert_eq!(august.month, "2026-08");
    let k = &august.branches[1];
    assert_eq!((k.due_minor, k.collected_minor, k.marked), (300_000, 0, 0));
    assert_eq!(k.overdue, june.branches[1].overdue, "overdue is as of today, whatever the month");

    // Someone who sees reports of HSR only sees HSR only; a teacher none.
    let (_, analyst) = f.staff("neha@example.com", "BUSINESS_ANALYST", Some(hsr));
    let theirs = f.desk.compare_branches(&analyst, CompareBranches::default()).unwrap();
    assert_eq!(theirs.branches.iter().map(|b| b.branch_id).collect::<Vec<_>>(), [hsr]);
    assert_eq!(theirs.total.overdue.total_minor(), 0);
    let refused = api(f.desk.compare_branches(&c.teacher, CompareBranches::default()).unwrap_err());
    assert_eq!(refused.code, ErrorCode::PermissionDenied);
    let bad =
        api(f.desk.compare_branches(&f.director, CompareBranches { month: "Aug 2026".into() }).unwrap_err());
    assert!(bad.is_for("month"), "{bad:?}");
}
