//! Courses, roadmaps and curriculum versions with their approval workflow.

mod common;

use branchdesk_api::commands::academics::*;
use branchdesk_api::ids::{CourseId, LessonId, RoadmapId, UserId};
use branchdesk_api::ErrorCode;
use branchdesk_desk::Actor;
use common::{api, fixture, Fixture};

fn course(f: &Fixture, code: &str) -> CourseId {
    f.desk
        .save_course(
            &f.director,
            SaveCourse {
                code: code.into(),
                name: format!("Course {code}"),
                default_fee_minor: 1_200_000,
                ..Default::default()
            },
        )
        .unwrap()
        .id
}

/// A draft with one module and lessons of the given weightages.
fn draft(
    f: &Fixture,
    actor: &Actor,
    course: CourseId,
    teacher: Option<UserId>,
    weights: &[u32],
) -> Curriculum {
    let c = f
        .desk
        .create_curriculum(
            actor,
            CreateCurriculum { course_id: course, teacher_id: teacher, ..Default::default() },
        )
        .unwrap();
    let mut view = f
        .desk
        .save_module(actor, SaveModule { id: None, curriculum_id: c.id, title: "Mechanics".into() })
        .unwrap();
    let module = view.modules[0].id;
    for (i, w) in weights.iter().enumerate() {
        view = f
            .desk
            .save_lesson(
                actor,
                SaveLesson {
                    module_id: module,
                    title: format!("Lesson {i}"),
                    weightage_bp: *w,
                    ..Default::default()
                },
            )
            .unwrap();
    }
    view
}

#[test]
fn course_codes_are_unique_and_inputs_are_checked() {
    let f = fixture();
    course(&f, "PHY-11");
    let dup = f
        .desk
        .save_course(
            &f.director,
            SaveCourse { code: "phy-11".into(), name: "Again".into(), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(api(dup).field.as_deref(), Some("code"));
    for (input, field) in [
        (SaveCourse { code: "".into(), name: "X".into(), ..Default::default() }, "code"),
        (SaveCourse { code: "A B".into(), name: "X".into(), ..Default::default() }, "code"),
        (SaveCourse { code: "X1".into(), name: " ".into(), ..Default::default() }, "name"),
        (
            SaveCourse { code: "X2".into(), name: "X".into(), default_fee_minor: -1, ..Default::default() },
            "default_fee_minor",
        ),
    ] {
        assert!(api(f.desk.save_course(&f.director, input).unwrap_err()).is_for(field), "{field}");
    }
    let list = f.desk.list_courses(&f.director, ListCourses::default()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].default_fee_minor, 1_200_000);
}

#[test]
fn a_teacher_may_not_create_courses_or_official_versions_but_drafts_their_own() {
    let f = fixture();
    let c = course(&f, "MTH");
    let (_, teacher) = f.staff("t@example.com", "TEACHER", Some(f.branch));
    let e = api(f
        .desk
        .save_course(&teacher, SaveCourse { code: "X".into(), name: "X".into(), ..Default::default() })
        .unwrap_err());
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    let official =
        f.desk.create_curriculum(&teacher, CreateCurriculum { course_id: c, ..Default::default() });
    assert_eq!(api(official.unwrap_err()).code, ErrorCode::PermissionDenied);
    let own = draft(&f, &teacher, c, Some(teacher.user_id), &[10_000]);
    assert_eq!(own.summary.teacher_id, Some(teacher.user_id));
    assert_eq!(own.summary.status, CurriculumStatus::Draft);
    // Another teacher cannot touch it.
    let (_, other) = f.staff("t2@example.com", "TEACHER", Some(f.branch));
    let e = f
        .desk
        .save_module(&other, SaveModule { id: None, curriculum_id: own.summary.id, title: "Mine".into() });
    assert_eq!(api(e.unwrap_err()).code, ErrorCode::PermissionDenied);
}

#[test]
fn weightage_must_sum_to_100_percent_before_submission() {
    let f = fixture();
    let c = course(&f, "PHY");
    let v = draft(&f, &f.director, c, None, &[6_000, 3_950]);
    assert_eq!(v.summary.weightage_total_bp, 9_950);
    let e = api(f.desk.submit_curriculum(&f.director, SubmitCurriculum { id: v.summary.id }).unwrap_err());
    assert!(e.is_for("weightage_bp"));
    assert!(e.message.contains("99.5 %"), "{}", e.message);
    let lesson = v.modules[0].lessons[1].clone();
    f.desk
        .save_lesson(
            &f.director,
            SaveLesson {
                id: Some(lesson.id),
                module_id: lesson.module_id,
                title: lesson.title,
                weightage_bp: 4_000,
                ..Default::default()
            },
        )
        .unwrap();
    let s = f.desk.submit_curriculum(&f.director, SubmitCurriculum { id: v.summary.id }).unwrap();
    assert_eq!(s.status, CurriculumStatus::PendingApproval);
    // An empty version cannot be submitted either.
    let empty = f
        .desk
        .create_curriculum(&f.director, CreateCurriculum { course_id: c, ..Default::default() })
        .unwrap();
    assert!(api(f.desk.submit_curriculum(&f.director, SubmitCurriculum { id: empty.id }).unwrap_err())
        .is_for("id"));
}

#[test]
fn nobody_approves_their_own_version_and_an_approved_version_never_changes() {
    let f = fixture();
    let c = course(&f, "CHE");
    let v = draft(&f, &f.director, c, None, &[10_000]);
    let id = v.summary.id;
    f.desk.submit_curriculum(&f.director, SubmitCurriculum { id }).unwrap();
    // Waiting for approval: no edits.
    let e = api(f
        .desk
        .save_module(&f.director, SaveModule { id: None, curriculum_id: id, title: "Late".into() })
        .unwrap_err());
    assert_eq!(e.code, ErrorCode::Conflict);
    let own =
        f.desk.review_curriculum(&f.director, ReviewCurriculum { id, approve: true, comment: String::new() });
    assert_eq!(api(own.unwrap_err()).code, ErrorCode::PermissionDenied);
    let (_, gm) = f.staff("gm@example.com", "GENERAL_MANAGER", None);
    let e = api(f
        .desk
        .review_curriculum(&gm, ReviewCurriculum { id, approve: false, comment: " ".into() })
        .unwrap_err());
    assert!(e.is_for("comment"));
    let rejected = f
        .desk
        .review_curriculum(&gm, ReviewCurriculum { id, approve: false, comment: "Add a lab.".into() })
        .unwrap();
    assert_eq!(rejected.status, CurriculumStatus::Rejected);
    assert_eq!(rejected.review_comment, "Add a lab.");
    // A rejected version is edited and sent again.
    f.desk.save_module(&f.director, SaveModule { id: None, curriculum_id: id, title: "Lab".into() }).unwrap();
    f.desk.submit_curriculum(&f.director, SubmitCurriculum { id }).unwrap();
    let approved = f
        .desk
        .review_curriculum(&gm, ReviewCurriculum { id, approve: true, comment: String::new() })
        .unwrap();
    assert_eq!(approved.status, CurriculumStatus::Approved);
    assert_eq!(approved.reviewer_name.as_deref(), Some("Staff gm@example.com"));
    let e = api(f
        .desk
        .save_module(&f.director, SaveModule { id: None, curriculum_id: id, title: "More".into() })
        .unwrap_err());
    assert!(e.is_for("curriculum_id"));
    assert!(e.message.contains("copy it into a new draft"), "{}", e.message);
    let lesson = &v.modules[0].lessons[0];
    let e = f.desk.save_lesson(
        &f.director,
        SaveLesson {
            id: Some(lesson.id),
            module_id: lesson.module_id,
            title: "Changed".into(),
            weightage_bp: 10_000,
            ..Default::default()
        },
    );
    assert!(api(e.unwrap_err()).is_for("curriculum_id"));
    // Copy into a new draft: same contents, new ids, next version number.
    let copy = f
        .desk
        .create_curriculum(
            &f.director,
            CreateCurriculum { course_id: c, copy_from: Some(id), ..Default::default() },
        )
        .unwrap();
    assert_eq!(copy.version, 2);
    assert_eq!(copy.status, CurriculumStatus::Draft);
    let copied = f.desk.get_curriculum(&f.director, GetCurriculum { id: copy.id }).unwrap();
    let original = f.desk.get_curriculum(&f.director, GetCurriculum { id }).unwrap();
    let titles =
        |c: &Curriculum| c.modules.iter().map(|m| (m.title.clone(), m.lessons.len())).collect::<Vec<_>>();
    assert_eq!(titles(&copied), titles(&original));
    assert_ne!(copied.modules[0].id, original.modules[0].id);
    assert_eq!(copied.summary.weightage_total_bp, 10_000);
}

#[test]
fn modules_and_lessons_reorder_and_resources_and_assignments_are_checked() {
    let f = fixture();
    let c = course(&f, "BIO");
    let v = draft(&f, &f.director, c, None, &[5_000, 3_000, 2_000]);
    let id = v.summary.id;
    let lessons: Vec<_> = v.modules[0].lessons.iter().map(|l| l.id).collect();
    let moved = f
        .desk
        .move_curriculum_part(
            &f.director,
            MoveCurriculumPart { part: CurriculumPart::Lesson, id: lessons[2].0, up: true },
        )
        .unwrap();
    let order: Vec<_> = moved.modules[0].lessons.iter().map(|l| l.id).collect();
    assert_eq!(order, vec![lessons[0], lessons[2], lessons[1]]);
    // Moving the first one up changes nothing.
    let same = f
        .desk
        .move_curriculum_part(
            &f.director,
            MoveCurriculumPart { part: CurriculumPart::Lesson, id: lessons[0].0, up: true },
        )
        .unwrap();
    assert_eq!(same.modules[0].lessons[0].id, lessons[0]);
    let two = f
        .desk
        .save_module(&f.director, SaveModule { id: None, curriculum_id: id, title: "Genetics".into() })
        .unwrap();
    let genetics = two.modules[1].id;
    let swapped = f
        .desk
        .move_curriculum_part(
            &f.director,
            MoveCurriculumPart { part: CurriculumPart::Module, id: genetics.0, up: true },
        )
        .unwrap();
    assert_eq!(swapped.modules[0].title, "Genetics");

    let bad = f.desk.save_lesson_resource(
        &f.director,
        SaveLessonResource {
            lesson_id: lessons[0],
            title: "Notes".into(),
            url: "javascript:alert(1)".into(),
            ..Default::default()
        },
    );
    assert!(api(bad.unwrap_err()).is_for("url"));
    let ok = f
        .desk
        .save_lesson_resource(
            &f.director,
            SaveLessonResource {
                lesson_id: lessons[0],
                title: "Notes".into(),
                url: "https://example.com/n.pdf".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let first = ok.modules.iter().flat_map(|m| &m.lessons).find(|l| l.id == lessons[0]).unwrap();
    assert_eq!(first.resources.len(), 1);

    for (input, field) in [
        (
            SaveAssignment { curriculum_id: id, title: "HW".into(), max_marks: 0, ..Default::default() },
            "max_marks",
        ),
        (
            SaveAssignment {
                curriculum_id: id,
                title: "HW".into(),
                max_marks: 10,
                due_date: "31-11-2026".into(),
                ..Default::default()
            },
            "due_date",
        ),
        (
            SaveAssignment { curriculum_id: id, title: "".into(), max_marks: 10, ..Default::default() },
            "title",
        ),
    ] {
        assert!(api(f.desk.save_assignment(&f.director, input).unwrap_err()).is_for(field), "{field}");
    }
    let with = f
        .desk
        .save_assignment(
            &f.director,
            SaveAssignment {
                curriculum_id: id,
                lesson_id: Some(lessons[1]),
                title: "Worksheet 1".into(),
                max_marks: 25,
                due_date: "2026-07-01".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(with.assignments[0].due_date.as_deref(), Some("2026-07-01"));

    // Removing a module takes its lessons (and their weightage) with it.
    let removed = f
        .desk
        .remove_curriculum_part(
            &f.director,
            RemoveCurriculumPart { part: CurriculumPart::Module, id: v.modules[0].id.0 },
        )
        .unwrap();
    assert_eq!(removed.modules.len(), 1);
    assert_eq!(removed.summary.weightage_total_bp, 0);
}

#[test]
fn every_change_goes_through_the_write_path() {
    let f = fixture();
    let before = f.count("SELECT count(*) FROM outbox");
    let c = course(&f, "ENG");
    draft(&f, &f.director, c, None, &[10_000]);
    // course + curriculum + module + lesson
    assert_eq!(f.count("SELECT count(*) FROM outbox") - before, 4);
    assert_eq!(f.count("SELECT count(*) FROM audit_log WHERE entity = 'curriculum_lessons'"), 1);
}

#[test]
fn teachers_grade_submissions_and_students_keep_bookmarks_and_highlights() {
    use branchdesk_api::commands::org::SaveRoom;
    use branchdesk_api::commands::students::{Enrol, GiveStudentLogin, SaveStudent};
    use branchdesk_api::commands::timetable::{SaveBatch, Slot};
    let f = fixture();
    let c = course(&f, "PHY");
    let v = draft(&f, &f.director, c, None, &[10_000]);
    let lesson = v.modules[0].lessons[0].id;
    // Notes and a video for the lesson, before the version is approved.
    let notes = "Read **chapter 3** before class.";
    let with_notes = SaveLesson {
        id: Some(lesson),
        module_id: v.modules[0].id,
        title: v.modules[0].lessons[0].title.clone(),
        weightage_bp: 10_000,
        notes: notes.into(),
        video_url: "https://video.example.org/newton".into(),
    };
    f.desk.save_lesson(&f.director, with_notes).unwrap();
    f.desk
        .save_assignment(
            &f.director,
            SaveAssignment {
                curriculum_id: v.summary.id,
                title: "Worksheet".into(),
                max_marks: 20,
                due_date: "2026-06-05".into(),
                ..Default::default()
            },
        )
        .unwrap();
    f.desk.submit_curriculum(&f.director, SubmitCurriculum { id: v.summary.id }).unwrap();
    let (_, gm) = f.staff("gm@example.com", "GENERAL_MANAGER", None);
    f.desk
        .review_curriculum(&gm, ReviewCurriculum { id: v.summary.id, approve: true, comment: String::new() })
        .unwrap();
    let assignment =
        f.desk.get_curriculum(&f.director, GetCurriculum { id: v.summary.id }).unwrap().assignments[0].id;
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let room = f
        .desk
        .save_room(&f.director, SaveRoom { id: None, branch_id: f.branch, name: "R1".into(), capacity: 30 })
        .unwrap()
        .id;
    let batch = f
        .desk
        .save_batch(
            &f.director,
            SaveBatch {
                branch_id: f.branch,
                course_id: c,
                name: "Physics A".into(),
                teacher_id: teacher.user_id,
                room_id: room,
                capacity: 30,
                start_date: "2026-06-01".into(),
                end_date: "2026-07-31".into(),
                slots: vec![Slot { weekday: 2, start: "10:00".into(), end: "11:00".into() }],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(batch.curriculum_id, Some(v.summary.id));
    let asha = f
        .desk
        .save_student(
            &f.director,
            SaveStudent {
                branch_id: f.branch,
                full_name: "Asha Rao".into(),
                date_of_birth: "2000-01-01".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .student
        .id;
    f.desk.enrol(&f.director, Enrol { student_id: asha, batch_id: batch.id, ..Default::default() }).unwrap();

    f.clock.advance(chrono::Duration::days(7)); // 8 June: after the due date
    let over = f.desk.record_submission(
        &teacher,
        RecordSubmission {
            assignment_id: assignment,
            batch_id: batch.id,
            student_id: asha,
            marks: Some(25),
            ..Default::default()
        },
    );
    assert!(api(over.unwrap_err()).is_for("marks"));
    let sub = f
        .desk
        .record_submission(
            &teacher,
            RecordSubmission {
                assignment_id: assignment,
                batch_id: batch.id,
                student_id: asha,
                marks: Some(17),
                feedback: "Neat work".into(),
                text: "Newton's second law:\r\n\tF = ma".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(sub.late);
    assert_eq!(sub.text, "Newton's second law:\n    F = ma", "pasted lines and tabs are kept");
    assert_eq!(sub.submitted_on.as_deref(), Some("2026-06-08"));
    let list = f
        .desk
        .list_submissions(&teacher, ListSubmissions { assignment_id: assignment, batch_id: batch.id })
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].marks, Some(17));
    assert!(list[0].text.starts_with("Newton's second law"), "the hand-in text is kept with the marks");
    let long = f.desk.record_submission(
        &teacher,
        RecordSubmission {
            assignment_id: assignment,
            batch_id: batch.id,
            student_id: asha,
            text: "x".repeat(SUBMISSION_TEXT_MAX + 1),
            ..Default::default()
        },
    );
    assert!(api(long.unwrap_err()).is_for("text"));
    let kept = f
        .desk
        .list_submissions(&teacher, ListSubmissions { assignment_id: assignment, batch_id: batch.id })
        .unwrap();
    assert!(kept[0].text.starts_with("Newton's"), "a refused change writes nothing");
    let future = f.desk.record_submission(
        &teacher,
        RecordSubmission {
            assignment_id: assignment,
            batch_id: batch.id,
            student_id: asha,
            submitted_on: "2027-01-01".into(),
            ..Default::default()
        },
    );
    assert!(api(future.unwrap_err()).is_for("submitted_on"));

    f.desk
        .give_student_login(
            &f.director,
            GiveStudentLogin {
                student_id: asha,
                email: "asha@example.com".into(),
                password: "Maple-Lantern-44".into(),
            },
        )
        .unwrap();
    let (t, _) = f
        .desk
        .login(branchdesk_api::commands::session::Login {
            email: "asha@example.com".into(),
            password: "Maple-Lantern-44".into(),
        })
        .unwrap();
    let student = f.desk.actor(&t).unwrap();
    assert!(f.desk.set_bookmark(&student, SetBookmark { lesson_id: lesson, on: true }).unwrap());
    f.desk
        .save_highlight(
            &student,
            SaveHighlight { lesson_id: lesson, text: "F = ma".into(), note: "remember".into() },
        )
        .unwrap();
    assert!(api(f
        .desk
        .save_highlight(&student, SaveHighlight { lesson_id: lesson, text: " ".into(), note: String::new() })
        .unwrap_err())
    .is_for("text"));
    let mine = f.desk.get_my_curriculum(&student, GetMyCurriculum { batch_id: batch.id }).unwrap();
    assert_eq!(mine.bookmarks, vec![lesson]);
    assert_eq!(mine.highlights[0].text, "F = ma");
    assert_eq!(mine.submissions[0].1.marks, Some(17));
    let followed = mine.curriculum.unwrap();
    assert_eq!(followed.summary.id, v.summary.id, "the student sees the pinned version");
    let seen = &followed.modules[0].lessons[0];
    assert_eq!(
        (seen.notes.as_str(), seen.video_url.as_str()),
        (notes, "https://video.example.org/newton"),
        "the student sees the lesson's notes and video"
    );
    f.desk.set_bookmark(&student, SetBookmark { lesson_id: lesson, on: false }).unwrap();
    assert!(f
        .desk
        .get_my_curriculum(&student, GetMyCurriculum { batch_id: batch.id })
        .unwrap()
        .bookmarks
        .is_empty());
    // A lesson of a curriculum the student does not follow is refused.
    let other = draft(&f, &f.director, course(&f, "CHE"), None, &[10_000]);
    let e =
        f.desk.set_bookmark(&student, SetBookmark { lesson_id: other.modules[0].lessons[0].id, on: true });
    assert!(api(e.unwrap_err()).is_for("lesson_id"));
}

#[test]
fn a_lesson_can_carry_an_attached_file_of_at_most_two_megabytes() {
    let f = fixture();
    let c = course(&f, "GEO");
    let v = draft(&f, &f.director, c, None, &[10_000]);
    let lesson = v.modules[0].lessons[0].id;
    let b64 = |n: usize| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(vec![7u8; n])
    };
    let file = |name: &str, n: usize| SaveLessonResource {
        lesson_id: lesson,
        title: "Map".into(),
        file_name: name.into(),
        content_b64: b64(n),
        ..Default::default()
    };
    let saved = f.desk.save_lesson_resource(&f.director, file("map.pdf", 1000)).unwrap();
    let r = &saved.modules[0].lessons[0].resources[0];
    assert_eq!(r.file_name.as_deref(), Some("map.pdf"));
    let out = f.desk.save_resource_file(&f.director, SaveResourceFile { id: r.id }).unwrap();
    assert_eq!(std::fs::read(&out.path).unwrap(), vec![7u8; 1000]);
    assert!(api(f.desk.save_lesson_resource(&f.director, file("big.pdf", 2 * 1024 * 1024 + 1)).unwrap_err())
        .is_for("content_b64"));
    assert!(api(f.desk.save_lesson_resource(&f.director, file("../etc/passwd", 10)).unwrap_err())
        .is_for("file_name"));
    let both = SaveLessonResource { url: "https://example.com".into(), ..file("x.pdf", 10) };
    assert!(api(f.desk.save_lesson_resource(&f.director, both).unwrap_err()).is_for("url"));
    let neither = SaveLessonResource { lesson_id: lesson, title: "Nothing".into(), ..Default::default() };
    assert!(api(f.desk.save_lesson_resource(&f.director, neither).unwrap_err()).is_for("url"));
}

#[test]
fn a_lesson_is_renamed_and_reweighted_and_opens_only_its_own_links() {
    let f = fixture();
    let c = course(&f, "PHY");
    let v = draft(&f, &f.director, c, None, &[6_000, 4_000]);
    let (module, lesson) = (v.modules[0].id, v.modules[0].lessons[0].clone());
    // Rename the module; rename, re-weight and write notes for a lesson.
    let v = f
        .desk
        .save_module(
            &f.director,
            SaveModule { id: Some(module), curriculum_id: v.summary.id, title: "Mechanics I".into() },
        )
        .unwrap();
    assert_eq!(v.modules[0].title, "Mechanics I");
    let notes = "Read **chapter 3**. See [the simulation](https://phet.example.org/forces) \
                 and not [this](javascript:alert(1)).";
    let edit = SaveLesson {
        id: Some(lesson.id),
        module_id: module,
        title: "Newton's laws".into(),
        weightage_bp: 5_000,
        notes: notes.into(),
        video_url: "https://video.example.org/newton".into(),
    };
    let v = f.desk.save_lesson(&f.director, edit.clone()).unwrap();
    let l = &v.modules[0].lessons[0];
    assert_eq!((l.title.as_str(), l.weightage_bp, l.notes.as_str()), ("Newton's laws", 5_000, notes));
    assert_eq!(v.modules[0].lessons.len(), 2, "an edit adds no lesson");
    assert_eq!(v.summary.weightage_total_bp, 9_000);
    // A video link that is not a web address, and notes past the limit, are refused by field.
    let bad = SaveLesson { video_url: "javascript:alert(1)".into(), ..edit.clone() };
    assert!(api(f.desk.save_lesson(&f.director, bad).unwrap_err()).is_for("video_url"));
    let long = SaveLesson { notes: "x".repeat(branchdesk_api::markdown::NOTES_MAX + 1), ..edit };
    assert!(api(f.desk.save_lesson(&f.director, long).unwrap_err()).is_for("notes"));

    let open = |url: &str| {
        f.desk.open_lesson_link(&f.director, OpenLessonLink { lesson_id: lesson.id, url: url.into() })
    };
    assert_eq!(open("").unwrap(), "https://video.example.org/newton", "empty: the video");
    assert_eq!(open("https://phet.example.org/forces").unwrap(), "https://phet.example.org/forces");
    for refused in ["javascript:alert(1)", "https://elsewhere.example.com/", "file:///etc/passwd"] {
        assert!(api(open(refused).unwrap_err()).is_for("url"), "{refused} opened");
    }
    let other = v.modules[0].lessons[1].id;
    let e = api(f
        .desk
        .open_lesson_link(&f.director, OpenLessonLink { lesson_id: other, url: String::new() })
        .unwrap_err());
    assert!(e.is_for("url"), "a lesson without a video says so: {e:?}");
    let unknown = LessonId(uuid::Uuid::now_v7());
    let e = api(f
        .desk
        .open_lesson_link(&f.director, OpenLessonLink { lesson_id: unknown, url: String::new() })
        .unwrap_err());
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("lesson_id")));
}

/// A roadmap is courses in the order a student takes them: at least one,
/// each once, from the list; renamed in place; only an organisation-wide
/// course manager keeps them, and teachers read them.
#[test]
fn a_roadmap_orders_courses_once_each_and_is_kept_by_course_managers() {
    let f = fixture();
    let (phy, che, mat) = (course(&f, "PHY"), course(&f, "CHE"), course(&f, "MAT"));
    let save = |who: &Actor, id, name: &str, courses: Vec<CourseId>| {
        f.desk
            .save_roadmap(
                who,
                SaveRoadmap { id, name: name.into(), description: String::new(), course_ids: courses },
            )
            .map_err(api)
    };
    assert_eq!(save(&f.director, None, "JEE", vec![]).unwrap_err().field.as_deref(), Some("course_ids"));
    assert_eq!(save(&f.director, None, " ", vec![phy]).unwrap_err().field.as_deref(), Some("name"));
    let e = save(&f.director, None, "JEE", vec![phy, che, phy]).unwrap_err();
    assert_eq!(
        (e.field.as_deref(), e.message.as_str()),
        (Some("course_ids"), "A course appears only once in a roadmap.")
    );
    let unknown = CourseId(uuid::Uuid::now_v7());
    assert_eq!(
        save(&f.director, None, "JEE", vec![phy, unknown]).unwrap_err().field.as_deref(),
        Some("course_ids")
    );
    let (_, branch_admin) = f.staff("admin@example.com", "ADMIN", Some(f.branch));
    assert_eq!(save(&branch_admin, None, "JEE", vec![phy]).unwrap_err().code, ErrorCode::PermissionDenied);

    let jee = save(&f.director, None, "JEE two-year", vec![mat, phy, che]).unwrap();
    assert_eq!(jee.course_ids, vec![mat, phy, che], "in the order given");
    let renamed = save(&f.director, Some(jee.id), "JEE Main two-year", vec![phy, che, mat]).unwrap();
    assert_eq!(renamed.id, jee.id);
    let (_, teacher) = f.staff("t@example.com", "TEACHER", Some(f.branch));
    let listed = f.desk.list_roadmaps(&teacher, ListRoadmaps {}).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].name.as_str(), listed[0].course_ids.clone()),
        ("JEE Main two-year", vec![phy, che, mat])
    );
    let e = save(&f.director, Some(RoadmapId(uuid::Uuid::now_v7())), "X", vec![phy]).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("id")));
}
