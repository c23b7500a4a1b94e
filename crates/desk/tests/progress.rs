//! Lessons covered in a session and each student's progress through the
//! curriculum: the weightage of the lessons covered in sessions they
//! attended. A lesson of another curriculum is refused.

mod common;

use branchdesk_api::commands::academics::*;
use branchdesk_api::commands::attendance::{
    AttendanceStatus, GetSheet, GetStudentAttendance, Mark, SaveMarks,
};
use branchdesk_api::commands::students::{Enrol, SaveStudent};
use branchdesk_api::commands::timetable::GetBatch;
use branchdesk_api::ids::{LessonId, StudentId};
use common::{api, fixture, Fixture};

fn student(f: &Fixture, name: &str) -> StudentId {
    let input = SaveStudent {
        branch_id: f.branch,
        full_name: name.into(),
        date_of_birth: "2000-01-01".into(),
        ..Default::default()
    };
    f.desk.save_student(&f.director, input).unwrap().student.id
}

#[test]
fn progress_is_the_weightage_of_lessons_covered_in_sessions_attended() {
    let f = fixture();
    let course = f
        .desk
        .save_course(
            &f.director,
            SaveCourse { code: "PHY".into(), name: "Physics".into(), ..Default::default() },
        )
        .unwrap()
        .id;
    let v =
        f.desk.create_curriculum(&f.director, CreateCurriculum { course_id: course, ..Default::default() });
    let v = v.unwrap();
    let m =
        f.desk.save_module(&f.director, SaveModule { id: None, curriculum_id: v.id, title: "Motion".into() });
    let module = m.unwrap().modules[0].id;
    for (title, w) in [("Newton's laws", 6_000), ("Friction", 4_000)] {
        let lesson =
            SaveLesson { module_id: module, title: title.into(), weightage_bp: w, ..Default::default() };
        f.desk.save_lesson(&f.director, lesson).unwrap();
    }
    f.desk.submit_curriculum(&f.director, SubmitCurriculum { id: v.id }).unwrap();
    let (_, gm) = f.staff("gm@example.com", "GENERAL_MANAGER", None);
    f.desk
        .review_curriculum(&gm, ReviewCurriculum { id: v.id, approve: true, comment: String::new() })
        .unwrap();
    let lessons: Vec<LessonId> =
        f.desk.get_curriculum(&f.director, GetCurriculum { id: v.id }).unwrap().modules[0]
            .lessons
            .iter()
            .map(|l| l.id)
            .collect();
    let batch = f.physics_batch(f.director.user_id, |_| {});
    let (asha, ben) = (student(&f, "Asha Rao"), student(&f, "Ben Das"));
    for s in [asha, ben] {
        f.desk.enrol(&f.director, Enrol { student_id: s, batch_id: batch, ..Default::default() }).unwrap();
    }
    let sessions = f.desk.get_batch(&f.director, GetBatch { id: batch }).unwrap().sessions;
    let mark = |s: StudentId, status| Mark { student_id: s, status, note: String::new() };
    let save = |session, marks: Vec<Mark>, lesson_ids: Vec<LessonId>| {
        f.desk
            .save_marks(
                &f.director,
                SaveMarks { session_id: session, marks, lesson_ids, ..Default::default() },
            )
            .map_err(api)
    };

    // 1 June: Asha there, Ben away; Newton's laws covered. The sheet offers
    // the batch curriculum's lessons and keeps what was covered.
    let sheet = f.desk.get_sheet(&f.director, GetSheet { session_id: sessions[0].id, ..Default::default() });
    assert_eq!(sheet.unwrap().lessons.len(), 2);
    let first = save(
        sessions[0].id,
        vec![mark(asha, AttendanceStatus::Present), mark(ben, AttendanceStatus::Absent)],
        vec![lessons[0]],
    )
    .unwrap();
    assert_eq!(first.covered, vec![lessons[0]]);

    // A lesson of a curriculum the batch does not follow is refused, naming the field.
    let other =
        f.desk.create_curriculum(&f.director, CreateCurriculum { course_id: course, ..Default::default() });
    let other = other.unwrap();
    let om =
        f.desk.save_module(&f.director, SaveModule { id: None, curriculum_id: other.id, title: "X".into() });
    let stray = f
        .desk
        .save_lesson(
            &f.director,
            SaveLesson {
                module_id: om.unwrap().modules[0].id,
                title: "Stray".into(),
                weightage_bp: 10_000,
                ..Default::default()
            },
        )
        .unwrap()
        .modules[0]
        .lessons[0]
        .id;
    f.clock.advance(chrono::Duration::days(7)); // 8 June
    let e = save(sessions[1].id, vec![mark(asha, AttendanceStatus::Present)], vec![stray]).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("lesson_ids[0]"), "{}", e.message);

    // 8 June: both there; Friction covered.
    save(
        sessions[1].id,
        vec![mark(asha, AttendanceStatus::Present), mark(ben, AttendanceStatus::Present)],
        vec![lessons[1]],
    )
    .unwrap();
    let progress = |s| {
        f.desk.get_student_attendance(&f.director, GetStudentAttendance { student_id: s }).unwrap().progress
    };
    assert_eq!(progress(asha), vec![("Physics XI-A".to_owned(), 10_000)], "both lessons, 60 % + 40 %");
    assert_eq!(progress(ben), vec![("Physics XI-A".to_owned(), 4_000)], "he missed Newton's laws");
}
