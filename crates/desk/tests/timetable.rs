//! Batches, generated sessions, events, clash detection and the timetable.

mod common;

use branchdesk_api::commands::academics::*;
use branchdesk_api::commands::org::SaveRoom;
use branchdesk_api::commands::timetable::*;
use branchdesk_api::ids::{BatchId, CourseId, RoomId, UserId};
use branchdesk_api::{ApiError, ErrorCode};
use branchdesk_desk::Actor;
use common::{api, fixture, Fixture};

struct Plan {
    f: Fixture,
    course: CourseId,
    room: RoomId,
    room_b: RoomId,
    teacher: (UserId, Actor),
    teacher_b: UserId,
}

/// A branch with a course, two rooms and two teachers. The fixture's clock
/// is Monday 1 June 2026.
fn plan() -> Plan {
    let f = fixture();
    let course = f
        .desk
        .save_course(
            &f.director,
            SaveCourse { code: "PHY".into(), name: "Physics".into(), ..Default::default() },
        )
        .unwrap()
        .id;
    let room = |name: &str, capacity| {
        f.desk
            .save_room(&f.director, SaveRoom { id: None, branch_id: f.branch, name: name.into(), capacity })
            .unwrap()
            .id
    };
    let (room, room_b) = (room("Room 1", 30), room("Room 2", 40));
    let (_, t) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let (_, tb) = f.staff("asha@example.com", "TEACHER", Some(f.branch));
    Plan { course, room, room_b, teacher: (t.user_id, t), teacher_b: tb.user_id, f }
}

fn slot(weekday: u32, start: &str, end: &str) -> Slot {
    Slot { weekday, start: start.into(), end: end.into() }
}

impl Plan {
    fn batch(&self, name: &str, room: RoomId, teacher: UserId, slots: Vec<Slot>) -> SaveBatch {
        SaveBatch {
            branch_id: self.f.branch,
            course_id: self.course,
            name: name.into(),
            teacher_id: teacher,
            room_id: room,
            capacity: 25,
            start_date: "2026-06-01".into(),
            end_date: "2026-08-30".into(),
            slots,
            fee_minor: 250_000,
            ..Default::default()
        }
    }

    fn save(&self, input: SaveBatch) -> Result<Batch, ApiError> {
        self.f.desk.save_batch(&self.f.director, input).map_err(api)
    }

    fn detail(&self, id: BatchId) -> BatchDetail {
        self.f.desk.get_batch(&self.f.director, GetBatch { id }).unwrap()
    }
}

#[test]
fn sessions_are_generated_from_the_weekly_schedule_with_derived_ids() {
    let p = plan();
    let b = p
        .save(p.batch(
            "Physics XI-A",
            p.room,
            p.teacher.0,
            vec![slot(1, "16:00", "17:30"), slot(4, "16:00", "17:30")],
        ))
        .unwrap();
    let d = p.detail(b.id);
    // 1 June – 30 August 2026: 13 Mondays and 13 Thursdays.
    assert_eq!(d.sessions.len(), 26);
    assert_eq!(d.sessions_scheduled, 26);
    assert_eq!(d.sessions[0].date, "2026-06-01");
    assert_eq!(d.sessions[1].date, "2026-06-04");
    assert_eq!(d.sessions[0].start, "16:00");
    // The id is derived from (batch, date, slot start): any desk generating
    // the same meeting gets the same row.
    let expected =
        branchdesk_desk::timetable::store::session_id(b.id, "2026-06-01".parse().unwrap(), 16 * 60);
    assert_eq!(d.sessions[0].id, expected);
    // Saving again changes nothing and doubles nothing.
    let before = p.f.count("SELECT count(*) FROM outbox");
    p.save(SaveBatch {
        id: Some(b.id),
        ..p.batch(
            "Physics XI-A",
            p.room,
            p.teacher.0,
            vec![slot(1, "16:00", "17:30"), slot(4, "16:00", "17:30")],
        )
    })
    .unwrap();
    assert_eq!(p.detail(b.id).sessions.len(), 26);
    assert_eq!(p.f.count("SELECT count(*) FROM outbox"), before, "an unchanged save writes nothing");
}

#[test]
fn a_room_or_teacher_booked_twice_is_refused_naming_the_other_booking() {
    let p = plan();
    p.save(p.batch("Physics XI-A", p.room, p.teacher.0, vec![slot(1, "16:00", "17:30")])).unwrap();
    let room_clash =
        p.save(p.batch("Chemistry XI", p.room, p.teacher_b, vec![slot(1, "17:00", "18:00")])).unwrap_err();
    assert_eq!(room_clash.code, ErrorCode::Conflict);
    assert!(room_clash.is_for("room_id"));
    assert!(
        room_clash
            .message
            .contains("Room 1 is already booked for Physics XI-A on Mon 1 Jun 2026, 16:00–17:30"),
        "{}",
        room_clash.message
    );
    let teacher_clash =
        p.save(p.batch("Physics XI-B", p.room_b, p.teacher.0, vec![slot(1, "15:00", "16:30")])).unwrap_err();
    assert!(teacher_clash.is_for("teacher_id"));
    assert!(
        teacher_clash.message.contains("Staff ravi@example.com already teaches Physics XI-A"),
        "{}",
        teacher_clash.message
    );
    // Back to back in the same room, or the same time on another day, is fine.
    p.save(p.batch(
        "Chemistry XI",
        p.room,
        p.teacher_b,
        vec![slot(1, "17:30", "19:00"), slot(2, "16:00", "17:30")],
    ))
    .unwrap();
    // Nothing of the refused batches was written.
    assert_eq!(p.f.count("SELECT count(*) FROM batches"), 2);
    assert_eq!(p.f.count("SELECT count(*) FROM batches WHERE name = 'Physics XI-B'"), 0);
}

#[test]
fn bad_batch_input_is_refused_with_the_field_named() {
    let p = plan();
    let good = || p.batch("B", p.room, p.teacher.0, vec![slot(1, "10:00", "11:00")]);
    let cases: Vec<(SaveBatch, &str)> = vec![
        (SaveBatch { name: "".into(), ..good() }, "name"),
        (SaveBatch { end_date: "2026-05-01".into(), ..good() }, "end_date"),
        (SaveBatch { start_date: "1 June".into(), ..good() }, "start_date"),
        (SaveBatch { slots: vec![], ..good() }, "slots"),
        (SaveBatch { slots: vec![slot(1, "11:00", "10:00")], ..good() }, "slots[0].end"),
        (
            SaveBatch { slots: vec![slot(1, "10:00", "11:00"), slot(1, "10:30", "11:30")], ..good() },
            "slots[1].start",
        ),
        (SaveBatch { slots: vec![slot(0, "10:00", "11:00")], ..good() }, "slots[0].weekday"),
        (SaveBatch { slots: vec![slot(1, "25:00", "26:00")], ..good() }, "slots[0].start"),
        (SaveBatch { capacity: 0, ..good() }, "capacity"),
        (SaveBatch { capacity: 31, ..good() }, "capacity"),
        (SaveBatch { fee_minor: -5, ..good() }, "fee_minor"),
        (SaveBatch { teacher_id: UserId::default(), ..good() }, "teacher_id"),
        (SaveBatch { assistant_id: Some(p.teacher.0), ..good() }, "assistant_id"),
        (SaveBatch { room_id: RoomId::default(), ..good() }, "room_id"),
        (SaveBatch { course_id: CourseId::default(), ..good() }, "course_id"),
    ];
    for (input, field) in cases {
        let e = p.save(input).unwrap_err();
        assert!(e.is_for(field), "{field}: {e:?}");
    }
    let cap = p.save(SaveBatch { capacity: 31, ..good() }).unwrap_err();
    assert!(cap.message.contains("Room 1 seats 30"), "{}", cap.message);
    assert_eq!(p.f.count("SELECT count(*) FROM batches"), 0);
    assert_eq!(p.f.count("SELECT count(*) FROM class_sessions"), 0);
}

#[test]
fn a_teacher_cannot_plan_batches_and_a_branch_admin_only_in_their_branch() {
    let p = plan();
    let e =
        p.f.desk.save_batch(&p.teacher.1, p.batch("B", p.room, p.teacher.0, vec![slot(1, "10:00", "11:00")]));
    assert_eq!(api(e.unwrap_err()).code, ErrorCode::PermissionDenied);
    let other = p.f.second_branch();
    let (_, admin) = p.f.staff("admin@example.com", "ADMIN", Some(other));
    let e = p.f.desk.save_batch(&admin, p.batch("B", p.room, p.teacher.0, vec![slot(1, "10:00", "11:00")]));
    assert_eq!(api(e.unwrap_err()).code, ErrorCode::PermissionDenied);
}

#[test]
fn a_schedule_change_moves_future_sessions_and_keeps_the_past() {
    let p = plan();
    let b = p.save(p.batch("Physics XI-A", p.room, p.teacher.0, vec![slot(1, "16:00", "17:30")])).unwrap();
    // Two weeks later the batch moves from Monday to Tuesday.
    p.f.clock.advance(chrono::Duration::days(14));
    p.save(SaveBatch {
        id: Some(b.id),
        ..p.batch("Physics XI-A", p.room, p.teacher.0, vec![slot(2, "16:00", "17:30")])
    })
    .unwrap();
    let d = p.detail(b.id);
    let past: Vec<_> = d.sessions.iter().filter(|s| s.date.as_str() < "2026-06-15").collect();
    assert_eq!(past.len(), 2);
    assert!(past.iter().all(|s| s.status == SessionStatus::Scheduled));
    let dropped = d.sessions.iter().filter(|s| s.status == SessionStatus::Cancelled).count();
    let tuesdays = d
        .sessions
        .iter()
        .filter(|s| s.status == SessionStatus::Scheduled && s.date.as_str() >= "2026-06-15")
        .count();
    assert_eq!(dropped, 11, "the Mondays from 15 June on");
    assert_eq!(tuesdays, 11, "16 June – 25 August");
    // Moving back to Monday brings the dropped sessions back (same ids).
    p.save(SaveBatch {
        id: Some(b.id),
        ..p.batch("Physics XI-A", p.room, p.teacher.0, vec![slot(1, "16:00", "17:30")])
    })
    .unwrap();
    let d = p.detail(b.id);
    assert_eq!(d.sessions.iter().filter(|s| s.status == SessionStatus::Scheduled).count(), 13);
}

#[test]
fn events_cancel_sessions_and_removing_them_restores_the_sessions() {
    let p = plan();
    let b = p.save(p.batch("Physics XI-A", p.room, p.teacher.0, vec![slot(1, "16:00", "17:30")])).unwrap();
    let holiday =
        p.f.desk
            .save_event(
                &p.f.director,
                SaveEvent {
                    branch_id: p.f.branch,
                    kind: EventKind::Holiday,
                    title: "Bakrid".into(),
                    start_date: "2026-06-08".into(),
                    cancels: true,
                    ..Default::default()
                },
            )
            .unwrap();
    assert_eq!(holiday.cancelled_sessions, 1);
    let d = p.detail(b.id);
    let s = d.sessions.iter().find(|s| s.date == "2026-06-08").unwrap();
    assert_eq!(s.status, SessionStatus::Cancelled);
    p.f.desk.remove_event(&p.f.director, RemoveEvent { id: holiday.id }).unwrap();
    let d = p.detail(b.id);
    assert_eq!(d.sessions.iter().find(|s| s.date == "2026-06-08").unwrap().status, SessionStatus::Scheduled);

    // An exam booking the room at class time is refused, naming the class.
    let exam = p.f.desk.save_event(
        &p.f.director,
        SaveEvent {
            branch_id: p.f.branch,
            kind: EventKind::Exam,
            title: "Mock test".into(),
            start_date: "2026-06-15".into(),
            start: "17:00".into(),
            end: "19:00".into(),
            room_id: Some(p.room),
            ..Default::default()
        },
    );
    let e = api(exam.unwrap_err());
    assert!(e.is_for("room_id"));
    assert!(e.message.contains("Physics XI-A"), "{}", e.message);
    // The same exam that also cancels the class is fine, and then a batch
    // wanting the room at that time is refused naming the exam.
    p.f.desk
        .save_event(
            &p.f.director,
            SaveEvent {
                branch_id: p.f.branch,
                kind: EventKind::Exam,
                title: "Mock test".into(),
                start_date: "2026-06-15".into(),
                start: "17:00".into(),
                end: "19:00".into(),
                room_id: Some(p.room),
                cancels: true,
                batch_id: Some(b.id),
                ..Default::default()
            },
        )
        .unwrap();
    let e = p.save(p.batch("Evening", p.room, p.teacher_b, vec![slot(1, "18:00", "19:00")])).unwrap_err();
    assert!(e.message.contains("Mock test on Mon 15 Jun 2026"), "{}", e.message);
    let bad = SaveEvent {
        branch_id: p.f.branch,
        title: "X".into(),
        start_date: "2026-06-20".into(),
        end_date: "2026-06-19".into(),
        cancels: true,
        ..Default::default()
    };
    assert!(api(p.f.desk.save_event(&p.f.director, bad).unwrap_err()).is_for("end_date"));
    let neither = SaveEvent {
        branch_id: p.f.branch,
        title: "X".into(),
        start_date: "2026-06-20".into(),
        ..Default::default()
    };
    assert!(api(p.f.desk.save_event(&p.f.director, neither).unwrap_err()).is_for("cancels"));
}

#[test]
fn one_session_is_moved_or_given_a_substitute_and_both_are_clash_checked() {
    let p = plan();
    let a = p.save(p.batch("Physics XI-A", p.room, p.teacher.0, vec![slot(1, "16:00", "17:30")])).unwrap();
    p.save(p.batch("Chemistry XI", p.room_b, p.teacher_b, vec![slot(2, "16:00", "17:30")])).unwrap();
    let first = p.detail(a.id).sessions[0].clone();
    // Moving Monday's class into Room 2 on Tuesday at Chemistry's time clashes.
    let e = p.f.desk.reschedule_session(
        &p.f.director,
        RescheduleSession {
            id: first.id,
            date: "2026-06-02".into(),
            start: "16:30".into(),
            end: "18:00".into(),
            room_id: Some(p.room_b),
            note: String::new(),
        },
    );
    let e = api(e.unwrap_err());
    assert!(e.is_for("room_id"));
    assert!(e.message.contains("Chemistry XI"), "{}", e.message);
    let e = p.f.desk.reschedule_session(
        &p.f.director,
        RescheduleSession {
            id: first.id,
            date: "2026-06-02".into(),
            start: "18:00".into(),
            end: "17:00".into(),
            ..Default::default()
        },
    );
    assert!(api(e.unwrap_err()).is_for("end"));
    let moved =
        p.f.desk
            .reschedule_session(
                &p.f.director,
                RescheduleSession {
                    id: first.id,
                    date: "2026-06-02".into(),
                    start: "18:00".into(),
                    end: "19:30".into(),
                    room_id: None,
                    note: "Teacher's exam duty".into(),
                },
            )
            .unwrap();
    assert!(moved.moved);
    assert_eq!(moved.slot_date, "2026-06-01");
    // Asha teaches Chemistry on Tuesday 16:00; she cannot cover a Tuesday 16:00 class.
    let second = p.detail(a.id).sessions[1].clone();
    let moved2 =
        p.f.desk
            .reschedule_session(
                &p.f.director,
                RescheduleSession {
                    id: second.id,
                    date: "2026-06-09".into(),
                    start: "16:00".into(),
                    end: "17:00".into(),
                    ..Default::default()
                },
            )
            .unwrap();
    let e = p.f.desk.set_substitute(
        &p.f.director,
        SetSubstitute { id: moved2.id, substitute_id: Some(p.teacher_b), note: String::new() },
    );
    assert!(api(e.unwrap_err()).is_for("substitute_id"));
    let third = p.detail(a.id).sessions[2].clone();
    let sub = p
        .f
        .desk
        .set_substitute(
            &p.f.director,
            SetSubstitute { id: third.id, substitute_id: Some(p.teacher_b), note: "Ravi on leave".into() },
        )
        .unwrap();
    assert_eq!(sub.substitute_name.as_deref(), Some("Staff asha@example.com"));
    // Cancelling needs a reason.
    let e = p.f.desk.set_session_cancelled(
        &p.f.director,
        SetSessionCancelled { id: third.id, cancelled: true, note: String::new() },
    );
    assert!(api(e.unwrap_err()).is_for("note"));
}

#[test]
fn the_week_timetable_and_the_teachers_today() {
    let p = plan();
    p.save(p.batch(
        "Physics XI-A",
        p.room,
        p.teacher.0,
        vec![slot(1, "16:00", "17:30"), slot(3, "16:00", "17:30")],
    ))
    .unwrap();
    p.save(p.batch("Chemistry XI", p.room_b, p.teacher_b, vec![slot(1, "09:30", "10:30")])).unwrap();
    let week =
        p.f.desk
            .get_timetable(
                &p.f.director,
                GetTimetable { branch_id: p.f.branch, date: "2026-06-03".into(), ..Default::default() },
            )
            .unwrap();
    assert_eq!(week.week_start, "2026-06-01");
    assert_eq!(week.days.len(), 7);
    assert_eq!(week.entries.len(), 3);
    assert_eq!(week.clash_count, 0);
    let room2 =
        p.f.desk
            .get_timetable(
                &p.f.director,
                GetTimetable {
                    branch_id: p.f.branch,
                    date: "2026-06-03".into(),
                    room_id: Some(p.room_b),
                    ..Default::default()
                },
            )
            .unwrap();
    assert_eq!(room2.entries.len(), 1);
    assert_eq!(room2.entries[0].title, "Chemistry XI");
    let ravi =
        p.f.desk
            .get_timetable(
                &p.f.director,
                GetTimetable { branch_id: p.f.branch, teacher_id: Some(p.teacher.0), ..Default::default() },
            )
            .unwrap();
    assert_eq!(ravi.entries.len(), 2);
    // Monday 1 June: Ravi's start page lists his class.
    let today = p.f.desk.list_my_sessions_today(&p.teacher.1, ListMySessionsToday {}).unwrap();
    assert_eq!(today.len(), 1);
    assert_eq!(today[0].batch_name, "Physics XI-A");
    assert!(p.f.desk.list_clashes(&p.f.director, ListClashes { branch_id: p.f.branch }).unwrap().is_empty());
    let teachers = p.f.desk.list_teachers(&p.f.director, ListTeachers { branch_id: p.f.branch }).unwrap();
    assert!(teachers.iter().any(|t| t.id == p.teacher.0));
}

#[test]
fn a_batch_pins_the_teachers_approved_version_else_the_official_one() {
    let p = plan();
    let (_, gm) = p.f.staff("gm@example.com", "GENERAL_MANAGER", None);
    let approve = |actor: &Actor, teacher: Option<UserId>| {
        let c =
            p.f.desk
                .create_curriculum(
                    actor,
                    CreateCurriculum { course_id: p.course, teacher_id: teacher, ..Default::default() },
                )
                .unwrap();
        let v =
            p.f.desk
                .save_module(actor, SaveModule { id: None, curriculum_id: c.id, title: "M".into() })
                .unwrap();
        p.f.desk
            .save_lesson(
                actor,
                SaveLesson {
                    module_id: v.modules[0].id,
                    title: "L".into(),
                    weightage_bp: 10_000,
                    ..Default::default()
                },
            )
            .unwrap();
        p.f.desk.submit_curriculum(actor, SubmitCurriculum { id: c.id }).unwrap();
        p.f.desk
            .review_curriculum(&gm, ReviewCurriculum { id: c.id, approve: true, comment: String::new() })
            .unwrap();
        c.id
    };
    // No approved version yet: the batch has none.
    let early = p.save(p.batch("Early", p.room, p.teacher_b, vec![slot(6, "10:00", "11:00")])).unwrap();
    assert_eq!(early.curriculum_id, None);
    let official = approve(&p.f.director, None);
    let own = approve(&p.teacher.1, Some(p.teacher.0));
    let ravis = p.save(p.batch("Ravi's", p.room, p.teacher.0, vec![slot(1, "10:00", "11:00")])).unwrap();
    assert_eq!(ravis.curriculum_id, Some(own));
    let ashas = p.save(p.batch("Asha's", p.room_b, p.teacher_b, vec![slot(1, "10:00", "11:00")])).unwrap();
    assert_eq!(ashas.curriculum_id, Some(official));
    assert_eq!(ashas.curriculum_label.as_deref(), Some("v1 official"));
    // A draft cannot be pinned.
    let draft =
        p.f.desk
            .create_curriculum(&p.f.director, CreateCurriculum { course_id: p.course, ..Default::default() })
            .unwrap();
    let e = p
        .save(SaveBatch {
            curriculum_id: Some(draft.id),
            ..p.batch("Drafty", p.room, p.teacher_b, vec![slot(2, "10:00", "11:00")])
        })
        .unwrap_err();
    assert!(e.is_for("curriculum_id"));
}

#[test]
fn a_one_day_event_can_move_its_classes_to_another_day_and_removing_it_moves_them_back() {
    let p = plan();
    let b = p.save(p.batch("Physics XI-A", p.room, p.teacher.0, vec![slot(1, "16:00", "17:30")])).unwrap();
    p.save(p.batch("Chemistry XI", p.room, p.teacher_b, vec![slot(6, "16:30", "17:30")])).unwrap();
    let event = |move_to: &str| SaveEvent {
        branch_id: p.f.branch,
        kind: EventKind::Holiday,
        title: "Ugadi".into(),
        start_date: "2026-06-08".into(),
        cancels: true,
        move_to: move_to.into(),
        ..Default::default()
    };
    // Saturday 13 June has Chemistry in Room 1 at that time: refused, named.
    let e = api(p.f.desk.save_event(&p.f.director, event("2026-06-13")).unwrap_err());
    assert!(e.is_for("move_to"));
    assert!(e.message.contains("Chemistry XI"), "{}", e.message);
    let bad = SaveEvent { end_date: "2026-06-09".into(), ..event("2026-06-14") };
    assert!(api(p.f.desk.save_event(&p.f.director, bad).unwrap_err()).is_for("move_to"));
    let ugadi = p.f.desk.save_event(&p.f.director, event("2026-06-14")).unwrap();
    assert_eq!(ugadi.cancelled_sessions, 1);
    let moved = p.detail(b.id).sessions.into_iter().find(|s| s.slot_date == "2026-06-08").unwrap();
    assert_eq!(
        (moved.date.as_str(), moved.status, moved.moved),
        ("2026-06-14", SessionStatus::Scheduled, true)
    );
    p.f.desk.remove_event(&p.f.director, RemoveEvent { id: ugadi.id }).unwrap();
    let back = p.detail(b.id).sessions.into_iter().find(|s| s.slot_date == "2026-06-08").unwrap();
    assert_eq!((back.date.as_str(), back.start.as_str(), back.moved), ("2026-06-08", "16:00", false));
}

#[test]
fn editing_an_event_brings_back_the_classes_it_leaves_and_takes_off_those_it_now_covers() {
    let p = plan();
    let b = p.save(p.batch("Physics XI-A", p.room, p.teacher.0, vec![slot(1, "16:00", "17:30")])).unwrap();
    let status = |date: &str| p.detail(b.id).sessions.into_iter().find(|s| s.date == date).unwrap().status;
    let diwali = SaveEvent {
        branch_id: p.f.branch,
        kind: EventKind::Holiday,
        title: "Diwali".into(),
        start_date: "08/06/2026".into(),
        cancels: true,
        ..Default::default()
    };
    let saved = p.f.desk.save_event(&p.f.director, diwali.clone()).unwrap();
    assert_eq!(status("2026-06-08"), SessionStatus::Cancelled);

    // Entered on the wrong Monday: moved a week on, renamed.
    let edit = SaveEvent {
        id: Some(saved.id),
        title: "Diwali break".into(),
        start_date: "15/06/2026".into(),
        ..diwali.clone()
    };
    let edited = p.f.desk.save_event(&p.f.director, edit.clone()).unwrap();
    assert_eq!((edited.id, edited.title.as_str(), edited.cancelled_sessions), (saved.id, "Diwali break", 1));
    assert_eq!(status("2026-06-08"), SessionStatus::Scheduled, "the class it left comes back");
    assert_eq!(status("2026-06-15"), SessionStatus::Cancelled, "the class it now covers goes");
    let listed =
        p.f.desk.list_events(&p.f.director, ListEvents { branch_id: p.f.branch, from: "01/06/2026".into() });
    assert_eq!(listed.unwrap().len(), 1, "an edit changes the event, it adds none");

    // No longer cancelling, and booking nothing: refused, nothing changed.
    let e =
        api(p.f.desk.save_event(&p.f.director, SaveEvent { cancels: false, ..edit.clone() }).unwrap_err());
    assert!(e.is_for("cancels"));
    assert_eq!(status("2026-06-15"), SessionStatus::Cancelled);
    // Keeping the classes but booking their room at their time: refused on the room.
    let e = api(p
        .f
        .desk
        .save_event(
            &p.f.director,
            SaveEvent {
                cancels: false,
                room_id: Some(p.room),
                start: "16:00".into(),
                end: "18:00".into(),
                ..edit.clone()
            },
        )
        .unwrap_err());
    assert!(e.is_for("room_id"), "{e:?}");
    assert_eq!(status("2026-06-15"), SessionStatus::Cancelled, "nothing half written");
    // Moving classes is chosen when an event is added, and an unknown or removed event is named.
    let e = api(p
        .f
        .desk
        .save_event(&p.f.director, SaveEvent { move_to: "16/06/2026".into(), ..edit.clone() })
        .unwrap_err());
    assert!(e.is_for("move_to"));
    p.f.desk.remove_event(&p.f.director, RemoveEvent { id: saved.id }).unwrap();
    assert_eq!(status("2026-06-15"), SessionStatus::Scheduled);
    let e = api(p.f.desk.save_event(&p.f.director, edit).unwrap_err());
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("id")));
}

#[test]
fn an_event_that_moved_its_classes_keeps_its_day_when_edited() {
    let p = plan();
    let b = p.save(p.batch("Physics XI-A", p.room, p.teacher.0, vec![slot(1, "16:00", "17:30")])).unwrap();
    let ugadi = SaveEvent {
        branch_id: p.f.branch,
        kind: EventKind::Holiday,
        title: "Ugadi".into(),
        start_date: "2026-06-08".into(),
        cancels: true,
        move_to: "2026-06-14".into(),
        ..Default::default()
    };
    let saved = p.f.desk.save_event(&p.f.director, ugadi.clone()).unwrap();
    let renamed = SaveEvent {
        id: Some(saved.id),
        title: "Ugadi (Yugadi)".into(),
        move_to: String::new(),
        ..ugadi.clone()
    };
    assert_eq!(p.f.desk.save_event(&p.f.director, renamed.clone()).unwrap().title, "Ugadi (Yugadi)");
    let moved = p.detail(b.id).sessions.into_iter().find(|s| s.slot_date == "2026-06-08").unwrap();
    assert_eq!((moved.date.as_str(), moved.status), ("2026-06-14", SessionStatus::Scheduled), "still moved");
    let e = api(p
        .f
        .desk
        .save_event(&p.f.director, SaveEvent { start_date: "2026-06-09".into(), ..renamed })
        .unwrap_err());
    assert!(e.is_for("start_date"), "{e:?}");
}

#[test]
fn closing_a_batch_takes_off_every_class_ahead_and_reopening_brings_each_back_where_it_was() {
    let p = plan();
    let b = p.save(p.batch("Physics XI-A", p.room, p.teacher.0, vec![slot(1, "16:00", "17:30")])).unwrap();
    let first = p.detail(b.id).sessions[0].clone();
    // One class moved to Room 2 at 18:00, one taken off by a holiday.
    p.f.desk
        .reschedule_session(
            &p.f.director,
            RescheduleSession {
                id: first.id,
                date: first.date.clone(),
                start: "18:00".into(),
                end: "19:30".into(),
                room_id: Some(p.room_b),
                note: "Teacher at a workshop".into(),
            },
        )
        .unwrap();
    p.f.desk
        .save_event(
            &p.f.director,
            SaveEvent {
                branch_id: p.f.branch,
                title: "Bakrid".into(),
                start_date: "2026-06-08".into(),
                cancels: true,
                ..Default::default()
            },
        )
        .unwrap();

    let closed =
        p.f.desk.set_batch_active(&p.f.director, SetBatchActive { id: b.id, active: false }).unwrap();
    assert!(!closed.active);
    let d = p.detail(b.id);
    assert_eq!(d.sessions_scheduled, 0, "the moved class goes too");
    let moved = d.sessions.iter().find(|s| s.id == first.id).unwrap();
    assert_eq!((moved.status, moved.note.as_str()), (SessionStatus::Cancelled, "The batch is closed."));

    p.f.desk.set_batch_active(&p.f.director, SetBatchActive { id: b.id, active: true }).unwrap();
    let d = p.detail(b.id);
    let moved = d.sessions.iter().find(|s| s.id == first.id).unwrap();
    assert_eq!(
        (moved.status, moved.start.as_str(), moved.room_id, moved.moved),
        (SessionStatus::Scheduled, "18:00", p.room_b, true),
        "back at the time it was moved to"
    );
    let holiday = d.sessions.iter().find(|s| s.date == "2026-06-08").unwrap();
    assert_eq!(holiday.status, SessionStatus::Cancelled, "the holiday still holds");
    assert_eq!(d.sessions_cancelled, 1);
    assert!(d.sessions.iter().all(|s| s.note != "The batch is closed."));
}

#[test]
fn an_event_is_changed_only_in_its_own_branch_and_only_by_who_plans_batches() {
    let p = plan();
    let other = p.f.second_branch();
    let theirs =
        p.f.desk
            .save_event(
                &p.f.director,
                SaveEvent {
                    branch_id: other,
                    title: "Founders' day".into(),
                    start_date: "2026-06-10".into(),
                    cancels: true,
                    ..Default::default()
                },
            )
            .unwrap();
    // Named as this branch's event: refused as unknown, the event untouched.
    let hijack = SaveEvent {
        id: Some(theirs.id),
        branch_id: p.f.branch,
        title: "Renamed".into(),
        start_date: "2026-06-10".into(),
        cancels: true,
        ..Default::default()
    };
    let e = api(p.f.desk.save_event(&p.f.director, hijack.clone()).unwrap_err());
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("id")));
    let listed =
        p.f.desk.list_events(&p.f.director, ListEvents { branch_id: other, from: "2026-06-01".into() });
    assert_eq!(listed.unwrap()[0].title, "Founders' day");
    // A teacher plans no batches, so changes no event.
    let e = api(p.f.desk.save_event(&p.teacher.1, SaveEvent { branch_id: other, ..hijack }).unwrap_err());
    assert_eq!(e.code, ErrorCode::PermissionDenied);
}
