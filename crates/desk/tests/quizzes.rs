//! Quizzes taken on a desk: a teacher sets one from the bank and publishes
//! it; a student takes it (answers saved as given, time by the desk's own
//! clock, resumed after a restart); scores follow from the keys; short
//! answers wait for a teacher; results and reviews show after release.

mod common;

use branchdesk_api::commands::assessment::*;
use branchdesk_api::commands::quizzes::*;
use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::students::{Enrol, GiveStudentLogin, SaveStudent};
use branchdesk_api::ids::{BatchId, CourseId, QuestionId, QuizId, StudentId};
use branchdesk_api::ErrorCode;
use branchdesk_desk::{Actor, Clock, Desk};
use chrono::{Duration, TimeZone, Utc};
use common::{api, fixture, Fixture};

const BANK: &str = "topic,difficulty,points,question,a,b,c,d,answer,explanation\n\
    Waves,EASY,4,The SI unit of frequency?,hertz,joule,watt,newton,A,Cycles per second\n\
    Waves,HARD,4,Which are vectors?,velocity,force,speed,mass,A;B,Direction matters\n\
    Waves,EASY,4,Light travels faster than sound.,,,,,TRUE,\n\
    Waves,HARD,4,The unit of frequency in words?,,,,,hertz|Hz,\n";

struct Class {
    course: CourseId,
    batch: BatchId,
    teacher: Actor,
    /// The bank's questions in the order of `BANK`.
    questions: Vec<QuestionId>,
}

fn class(f: &Fixture) -> Class {
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let batch = f.physics_batch(teacher.user_id, |_| {});
    let course: String =
        f.conn().query_row("SELECT id FROM courses WHERE code = 'PHY'", [], |r| r.get(0)).unwrap();
    let course = CourseId(course.parse().unwrap());
    let report = f
        .desk
        .import_questions(
            &teacher,
            ImportQuestions {
                course_id: course,
                format: BankFormat::Csv,
                content: BANK.into(),
                points: String::new(),
                commit: true,
            },
        )
        .unwrap();
    assert_eq!(report.written, 4, "{:?}", report.errors);
    let bank =
        f.desk.list_questions(&teacher, ListQuestions { course_id: course, topic: String::new() }).unwrap();
    let questions = BANK
        .lines()
        .skip(1)
        .map(|l| {
            let text = l.trim().split(',').nth(3).unwrap();
            bank.questions.iter().find(|q| q.text == text).unwrap().id
        })
        .collect();
    Class { course, batch, teacher, questions }
}

fn student(f: &Fixture, desk: &Desk, batch: BatchId, name: &str, email: &str) -> (StudentId, Actor) {
    let id = f
        .desk
        .save_student(
            &f.director,
            SaveStudent {
                branch_id: f.branch,
                full_name: name.into(),
                date_of_birth: "2001-01-01".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .student
        .id;
    f.desk.enrol(&f.director, Enrol { student_id: id, batch_id: batch, ..Default::default() }).unwrap();
    f.desk
        .give_student_login(
            &f.director,
            GiveStudentLogin { student_id: id, email: email.into(), password: "Maple-Lantern-44".into() },
        )
        .unwrap();
    (id, sign_in(desk, email))
}

fn sign_in(desk: &Desk, email: &str) -> Actor {
    let (t, _) = desk.login(Login { email: email.into(), password: "Maple-Lantern-44".into() }).unwrap();
    desk.actor(&t).unwrap()
}

/// 20 minutes, one wrong single choice costs a quarter, 40 % passes.
fn quiz(f: &Fixture, c: &Class, attempts: &str) -> Quiz {
    f.desk
        .save_quiz(
            &c.teacher,
            SaveQuiz {
                name: "Waves quiz".into(),
                course_id: c.course,
                question_ids: c.questions.clone(),
                duration_minutes: "20".into(),
                attempts_allowed: attempts.into(),
                pass_percent: "40".into(),
                penalty_percent: "25".into(),
                ..Default::default()
            },
        )
        .unwrap()
}

fn publish(f: &Fixture, c: &Class, q: QuizId) -> Quiz {
    f.desk
        .publish_quiz(
            &c.teacher,
            PublishQuiz {
                quiz_id: q,
                batch_id: c.batch,
                opens_on: "01/06/2026".into(),
                opens_time: "08:00".into(),
                closes_on: "02/06/2026".into(),
                closes_time: String::new(),
            },
        )
        .unwrap()
}

fn answer(
    desk: &Desk,
    who: &Actor,
    a: &Attempt,
    question: u32,
    chosen: &[u32],
    typed: &str,
) -> Result<AttemptProgress, branchdesk_api::ApiError> {
    desk.answer_question(
        who,
        AnswerQuestion {
            attempt_id: a.id,
            question,
            chosen: chosen.to_vec(),
            typed: typed.into(),
            flagged: false,
            position: question,
        },
    )
    .map_err(api)
}

#[test]
fn a_student_takes_a_quiz_resumes_after_a_restart_and_reads_the_score_after_release() {
    let f = fixture();
    let c = class(&f);
    let q = quiz(&f, &c, "");
    assert_eq!((q.questions, q.attempts_allowed, q.pass_bp, q.wrong_choice_penalty_bp), (4, 1, 4000, 2500));
    let q = publish(&f, &c, q.id);
    assert_eq!(q.publications.len(), 1);
    assert_eq!((q.publications[0].students, q.publications[0].submitted), (0, 0));
    let (_, asha) = student(&f, &f.desk, c.batch, "Asha Rao", "asha@example.com");

    let mine = f.desk.list_my_quizzes(&asha, ListMyQuizzes {}).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].state, mine[0].questions, mine[0].duration_minutes), (QuizState::Open, 4, 20));

    let a = f.desk.start_quiz_attempt(&asha, StartQuizAttempt { quiz_id: q.id }).unwrap();
    assert_eq!((a.number, a.questions.len(), a.remaining_ms, a.position), (1, 4, 20 * 60_000, 0));
    assert_eq!(a.questions[0].options, ["hertz", "joule", "watt", "newton"]);
    assert!(a.questions.iter().all(|q| !q.seen), "nothing shown before the screen says so");

    // Three minutes on the first question, then its answer.
    f.clock.advance(Duration::minutes(3));
    let p = answer(&f.desk, &asha, &a, 0, &[0], "").unwrap();
    assert_eq!((p.remaining_ms, p.submitted), (17 * 60_000, false));
    // Setting the wall clock back an hour gains nothing; forward costs nothing.
    f.clock.set_wall(f.clock.now() - Duration::hours(1));
    let p = answer(&f.desk, &asha, &a, 1, &[0], "").unwrap();
    assert_eq!(p.remaining_ms, 17 * 60_000);
    f.clock.set_wall(f.clock.now() + Duration::hours(1));
    f.clock.advance(Duration::seconds(30));
    let p = f.desk.save_attempt_time(&asha, SaveAttemptTime { attempt_id: a.id, position: 2 }).unwrap();
    assert_eq!(p.remaining_ms, 16 * 60_000 + 30_000);

    // Bad answers: named errors, nothing saved.
    for (question, chosen, typed, field) in [
        (9, vec![0], "", "question"),
        (0, vec![0, 1], "", "chosen"),
        (0, vec![7], "", "chosen"),
        (3, vec![0], "", "chosen"),
        (0, vec![], "hertz", "typed"),
    ] {
        let e = answer(&f.desk, &asha, &a, question, &chosen, typed).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{e:?}");
    }

    // The power goes: a desk opened afresh over the same data. Two minutes
    // pass with the app closed; they do not count.
    f.clock.advance(Duration::minutes(2));
    let again = common::open(f.dir.path(), f.clock.clone());
    let asha2 = sign_in(&again, "asha@example.com");
    let mine = again.list_my_quizzes(&asha2, ListMyQuizzes {}).unwrap();
    assert_eq!((mine[0].state, mine[0].in_progress), (QuizState::InProgress, Some(a.id)));
    let resumed = again.start_quiz_attempt(&asha2, StartQuizAttempt { quiz_id: q.id }).unwrap();
    assert_eq!(resumed.id, a.id);
    assert_eq!(
        (resumed.position, resumed.remaining_ms),
        (2, 16 * 60_000 + 30_000),
        "the same question, the time saved"
    );
    assert_eq!(resumed.questions[0].chosen, [0]);
    assert!(resumed.questions[0].seen && resumed.questions[2].seen && !resumed.questions[3].seen);

    // False for "faster than sound" (wrong: −1), a typed answer no key matches.
    f.clock.advance(Duration::minutes(1));
    answer(&again, &asha2, &resumed, 2, &[1], "").unwrap();
    answer(&again, &asha2, &resumed, 3, &[], "cycles per second").unwrap();
    let p = again.submit_quiz_attempt(&asha2, SubmitQuizAttempt { attempt_id: a.id }).unwrap();
    assert!(p.submitted);
    assert!(answer(&again, &asha2, &resumed, 0, &[1], "").is_err(), "a submitted attempt takes no answers");

    // Not released: the student sees no score and no keys.
    let mine = again.list_my_quizzes(&asha2, ListMyQuizzes {}).unwrap();
    assert_eq!((mine[0].state, mine[0].best, mine[0].reviewable.len()), (QuizState::Done, None, 0));
    let e = again.get_attempt_review(&asha2, GetAttemptReview { attempt_id: a.id }).map_err(api).unwrap_err();
    assert_eq!(e.code, ErrorCode::Invalid);
    assert!(again.list_quizzes(&asha2, ListQuizzes {}).is_err(), "a student cannot read the quizzes' keys");
    assert!(again
        .list_questions(&asha2, ListQuestions { course_id: c.course, topic: String::new() })
        .is_err());

    // The teacher's view: 4 (right) + 2 (one of two right) − 1 (wrong) + 0
    // (waiting for a teacher) = 5 of 16.
    let r = f.desk.get_quiz_results(&c.teacher, GetQuizResults { quiz_id: q.id, batch_id: None }).unwrap();
    assert_eq!(r.attempts.len(), 1);
    let line = &r.attempts[0];
    assert_eq!((line.score.score_hundredths, line.score.max_hundredths, line.score.ungraded), (500, 1600, 1));
    assert_eq!(line.time_used_ms, 4 * 60_000 + 30_000, "3 min + 30 s + 1 min; not the 2 min switched off");
    assert!(!line.score.passed, "31 % is below 40 %");
    assert_eq!(r.to_grade, 1);
    let queue = f.desk.list_answers_to_grade(&c.teacher, ListAnswersToGrade { quiz_id: q.id }).unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(
        (queue[0].typed.as_str(), queue[0].accepted.clone()),
        ("cycles per second", vec!["hertz".to_owned(), "Hz".to_owned()])
    );
    let e = f
        .desk
        .grade_answer(
            &c.teacher,
            GradeAnswer {
                attempt_id: a.id,
                question_id: queue[0].question_id,
                marks: "5".into(),
                comment: String::new(),
            },
        )
        .map_err(api)
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("marks"), "more than the question's 4");
    let s = f
        .desk
        .grade_answer(
            &c.teacher,
            GradeAnswer {
                attempt_id: a.id,
                question_id: queue[0].question_id,
                marks: "2".into(),
                comment: "Say hertz".into(),
            },
        )
        .unwrap();
    assert_eq!((s.score_hundredths, s.ungraded, s.percent_bp, s.passed), (700, 0, 4375, true));

    // Released: the student reads the score and the review with the keys.
    f.desk.release_quiz_results(&c.teacher, ReleaseQuizResults { quiz_id: q.id, batch_id: c.batch }).unwrap();
    let mine = again.list_my_quizzes(&asha2, ListMyQuizzes {}).unwrap();
    assert_eq!(mine[0].best.map(|b| b.score_hundredths), Some(700));
    let review = again.get_attempt_review(&asha2, GetAttemptReview { attempt_id: a.id }).unwrap();
    assert_eq!(review.questions[2].score_hundredths, -100);
    assert_eq!(review.questions[3].comment, "Say hertz");
    assert_eq!(review.questions[0].explanation, "Cycles per second");
    assert!(review.questions[0].options[0].weight_bp > 0, "the key shows after release");

    // A corrected key re-scores: "Which are vectors?" now has velocity alone right.
    let fixed = BANK.replace("velocity,force,speed,mass,A;B", "velocity,force,speed,mass,A");
    f.desk
        .import_questions(
            &c.teacher,
            ImportQuestions {
                course_id: c.course,
                format: BankFormat::Csv,
                content: fixed,
                points: String::new(),
                commit: true,
            },
        )
        .unwrap();
    let r = f.desk.get_quiz_results(&c.teacher, GetQuizResults { quiz_id: q.id, batch_id: None }).unwrap();
    assert_eq!(r.attempts[0].score.score_hundredths, 900, "4 + 4 − 1 + 2");
}

#[test]
fn time_and_the_window_run_out_and_attempts_are_counted() {
    let f = fixture();
    let c = class(&f);
    let q = quiz(&f, &c, "2");
    publish(&f, &c, q.id);
    let (_, asha) = student(&f, &f.desk, c.batch, "Asha Rao", "asha@example.com");

    // Before it opens.
    f.clock.set_wall(Utc.with_ymd_and_hms(2026, 6, 1, 7, 0, 0).unwrap());
    let e = f.desk.start_quiz_attempt(&asha, StartQuizAttempt { quiz_id: q.id }).map_err(api).unwrap_err();
    assert!(e.message.contains("not opened"), "{e:?}");
    assert_eq!(f.desk.list_my_quizzes(&asha, ListMyQuizzes {}).unwrap()[0].state, QuizState::Upcoming);
    f.clock.set_wall(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap());

    // Twenty minutes pass: the next save submits the attempt.
    let a = f.desk.start_quiz_attempt(&asha, StartQuizAttempt { quiz_id: q.id }).unwrap();
    f.clock.advance(Duration::minutes(21));
    let p = answer(&f.desk, &asha, &a, 0, &[0], "").unwrap();
    assert_eq!((p.remaining_ms, p.submitted), (0, true));
    let r = f
        .desk
        .get_quiz_results(&c.teacher, GetQuizResults { quiz_id: q.id, batch_id: Some(c.batch) })
        .unwrap();
    assert_eq!(r.attempts[0].time_used_ms, 20 * 60_000, "never more than the duration");

    // The second attempt is another row with its own number; a third is refused.
    let b = f.desk.start_quiz_attempt(&asha, StartQuizAttempt { quiz_id: q.id }).unwrap();
    assert_eq!(b.number, 2);
    assert_ne!(a.id, b.id);
    f.desk.submit_quiz_attempt(&asha, SubmitQuizAttempt { attempt_id: b.id }).unwrap();
    let e = f.desk.start_quiz_attempt(&asha, StartQuizAttempt { quiz_id: q.id }).map_err(api).unwrap_err();
    assert!(e.message.contains("every attempt"), "{e:?}");

    // After the close: nothing starts, and an attempt left open is
    // submitted as it stood at its next save.
    let (_, bilal) = student(&f, &f.desk, c.batch, "Bilal Khan", "bilal@example.com");
    let open = f.desk.start_quiz_attempt(&bilal, StartQuizAttempt { quiz_id: q.id }).unwrap();
    // Dev answers one question and never comes back.
    let (_, dev) = student(&f, &f.desk, c.batch, "Dev Patel", "dev@example.com");
    let left = f.desk.start_quiz_attempt(&dev, StartQuizAttempt { quiz_id: q.id }).unwrap();
    answer(&f.desk, &dev, &left, 0, &[0], "").unwrap();
    let r = f.desk.get_quiz_results(&c.teacher, GetQuizResults { quiz_id: q.id, batch_id: None }).unwrap();
    let his = |r: &QuizResults| r.attempts.iter().find(|l| l.student_name == "Dev Patel").cloned().unwrap();
    assert!(!his(&r).submitted, "still open: being taken");
    f.clock.set_wall(Utc.with_ymd_and_hms(2026, 6, 3, 9, 0, 0).unwrap());
    let r = f.desk.get_quiz_results(&c.teacher, GetQuizResults { quiz_id: q.id, batch_id: None }).unwrap();
    assert!(his(&r).submitted, "left open past the close: it counts as it stood");
    assert_eq!(his(&r).score.score_hundredths, 400);
    let p = answer(&f.desk, &bilal, &open, 0, &[0], "").unwrap();
    assert!(p.submitted);
    let review = f.desk.get_attempt_review(&c.teacher, GetAttemptReview { attempt_id: open.id }).unwrap();
    assert!(review.questions[0].chosen.is_empty(), "an answer after the close is not taken");
    let (_, chitra) = student(&f, &f.desk, c.batch, "Chitra Nair", "chitra@example.com");
    let e = f.desk.start_quiz_attempt(&chitra, StartQuizAttempt { quiz_id: q.id }).map_err(api).unwrap_err();
    assert!(e.message.contains("closed"), "{e:?}");
    // Closed: the results are out without a release.
    let mine = f.desk.list_my_quizzes(&asha, ListMyQuizzes {}).unwrap();
    assert_eq!(mine[0].state, QuizState::Closed);
    assert!(mine[0].best.is_some());
    assert_eq!(mine[0].reviewable.len(), 2);

    // Another student's attempt is not Asha's to answer or read.
    let e = answer(&f.desk, &asha, &open, 0, &[0], "").unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(f.desk.get_attempt_review(&asha, GetAttemptReview { attempt_id: open.id }).is_err());
}

#[test]
fn a_quiz_is_checked_before_it_is_saved_or_published() {
    let f = fixture();
    let c = class(&f);
    let (_, clerk) = f.staff("clerk@example.com", "BACKOFFICE", Some(f.branch));
    let base = SaveQuiz {
        name: "Waves".into(),
        course_id: c.course,
        question_ids: c.questions.clone(),
        duration_minutes: "20".into(),
        ..Default::default()
    };
    let bad = |input: SaveQuiz| f.desk.save_quiz(&c.teacher, input).map_err(api).unwrap_err();
    assert_eq!(bad(SaveQuiz { name: " ".into(), ..base.clone() }).field.as_deref(), Some("name"));
    assert_eq!(
        bad(SaveQuiz { duration_minutes: "0".into(), ..base.clone() }).field.as_deref(),
        Some("duration_minutes")
    );
    assert_eq!(
        bad(SaveQuiz { pass_percent: "120".into(), ..base.clone() }).field.as_deref(),
        Some("pass_percent")
    );
    assert_eq!(
        bad(SaveQuiz { penalty_percent: "-25".into(), ..base.clone() }).field.as_deref(),
        Some("penalty_percent")
    );
    assert_eq!(bad(SaveQuiz { question_ids: vec![], ..base.clone() }).field.as_deref(), Some("question_ids"));
    assert_eq!(
        bad(SaveQuiz { question_ids: vec![QuestionId(uuid::Uuid::now_v7())], ..base.clone() })
            .field
            .as_deref(),
        Some("question_ids")
    );
    let e = bad(SaveQuiz {
        question_ids: vec![],
        draw: vec![DrawRule { topic: "Waves".into(), difficulty: Difficulty::Hard, count: 3 }],
        ..base.clone()
    });
    assert_eq!(e.field.as_deref(), Some("draw.0.count"));
    assert!(e.message.contains("holds 2 hard"), "{e:?}");
    let e = bad(SaveQuiz {
        question_ids: vec![],
        draw: vec![DrawRule { topic: "W".repeat(5_000), difficulty: Difficulty::Easy, count: 1 }],
        ..base.clone()
    });
    assert!(e.message.contains("at most 100"), "a pasted essay is not a topic: {e:?}");
    assert_eq!(
        f.desk.save_quiz(&clerk, base.clone()).map_err(api).unwrap_err().code,
        ErrorCode::PermissionDenied,
        "only teachers set quizzes"
    );

    // A draw: two easy and one hard from Waves, shuffled per attempt.
    let q = f
        .desk
        .save_quiz(
            &c.teacher,
            SaveQuiz {
                question_ids: vec![],
                draw: vec![
                    DrawRule { topic: "waves".into(), difficulty: Difficulty::Easy, count: 2 },
                    DrawRule { topic: "Waves".into(), difficulty: Difficulty::Hard, count: 1 },
                ],
                shuffle: true,
                ..base.clone()
            },
        )
        .unwrap();
    assert_eq!((q.questions, q.pass_bp), (3, 4000), "40 % passes when none is given");

    // Someone else's quiz is theirs to change.
    let (_, other) = f.staff("uma@example.com", "TEACHER", Some(f.branch));
    let e = f.desk.save_quiz(&other, SaveQuiz { id: Some(q.id), ..base.clone() }).map_err(api).unwrap_err();
    assert_eq!(e.code, ErrorCode::PermissionDenied);

    let window = |opens: &str, closes: &str| PublishQuiz {
        quiz_id: q.id,
        batch_id: c.batch,
        opens_on: opens.into(),
        closes_on: closes.into(),
        ..Default::default()
    };
    let e = f.desk.publish_quiz(&c.teacher, window("05/06/2026", "04/06/2026")).map_err(api).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("closes_on"));
    let e = f.desk.publish_quiz(&c.teacher, window("31/02/2026", "04/06/2026")).map_err(api).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("opens_on"));
    let e = f
        .desk
        .publish_quiz(
            &c.teacher,
            PublishQuiz { opens_time: "25:00".into(), ..window("01/06/2026", "04/06/2026") },
        )
        .map_err(api)
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("opens_time"));
    assert!(f.desk.publish_quiz(&clerk, window("01/06/2026", "04/06/2026")).is_err());
    let published = f.desk.publish_quiz(&c.teacher, window("01/06/2026", "04/06/2026")).unwrap();
    assert_eq!(published.publications.len(), 1);
    // Publishing again moves the window; it stays one publication.
    let moved = f.desk.publish_quiz(&c.teacher, window("01/06/2026", "09/06/2026")).unwrap();
    assert_eq!(moved.publications.len(), 1);
    assert!(moved.publications[0].closes_at.starts_with("2026-06-09"));
}

#[test]
fn the_report_card_shows_released_quizzes_and_goes_to_the_guardian() {
    let f = fixture();
    let c = class(&f);
    let q = quiz(&f, &c, "");
    publish(&f, &c, q.id);
    // Asha (a minor, her mother prefers email) and Bilal take the quiz.
    let mut mother = common::parent("Sunita Rao", "98450 12345");
    mother.email = "sunita@example.com".into();
    mother.preferred_channel = Some(branchdesk_api::commands::attendance::NotificationChannel::Email);
    let asha = common::admit(&f, "Asha Rao", "", Some(mother)).unwrap().student.id;
    f.desk.enrol(&f.director, Enrol { student_id: asha, batch_id: c.batch, ..Default::default() }).unwrap();
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
    let asha_in = sign_in(&f.desk, "asha@example.com");
    let (bilal, bilal_in) = student(&f, &f.desk, c.batch, "Bilal Khan", "bilal@example.com");
    for (who, right) in [(&asha_in, true), (&bilal_in, false)] {
        let a = f.desk.start_quiz_attempt(who, StartQuizAttempt { quiz_id: q.id }).unwrap();
        answer(&f.desk, who, &a, 0, &[if right { 0 } else { 1 }], "").unwrap();
        f.desk.submit_quiz_attempt(who, SubmitQuizAttempt { attempt_id: a.id }).unwrap();
    }
    let card = |student: StudentId| GetReportCard {
        student_id: student,
        from: "1/6/2026".into(),
        to: "30/6/2026".into(),
        remarks: String::new(),
    };
    let text = |student| {
        f.desk
            .get_report_card(&c.teacher, card(student))
            .unwrap()
            .lines
            .iter()
            .map(|l| format!("{} {}", l.text, l.figure))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(!text(asha).contains("Waves quiz"), "not on the card before the results are out");
    f.desk.release_quiz_results(&c.teacher, ReleaseQuizResults { quiz_id: q.id, batch_id: c.batch }).unwrap();
    let printed = text(asha);
    assert!(printed.contains("Waves quiz, 1 Jun 2026 4 / 16 · rank 1 of 2 · 100 percentile"), "{printed}");
    assert!(
        text(bilal).contains("-1 / 16 · rank 2 of 2 · 50 percentile"),
        "a wrong choice costs: {}",
        text(bilal)
    );
    let listed = f.desk.list_student_quizzes(&c.teacher, ListStudentQuizzes { student_id: asha }).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].score_hundredths, listed[0].rank, listed[0].on.as_str()), (400, 1, "2026-06-01"));

    // To her mother by email, the whole card; once per term.
    let sent = f.desk.send_report_card(&c.teacher, SendReportCard { card: card(asha) }).unwrap();
    assert_eq!((sent.recipient.as_str(), sent.approved), ("sunita@example.com", false), "drafted for review");
    let body: String = f
        .conn()
        .query_row("SELECT body FROM notifications WHERE recipient = 'sunita@example.com'", [], |r| r.get(0))
        .unwrap();
    assert!(body.contains("Report card") && body.contains("Waves quiz"), "{body}");
    let again =
        f.desk.send_report_card(&c.teacher, SendReportCard { card: card(asha) }).map_err(api).unwrap_err();
    assert_eq!(again.code, ErrorCode::Duplicate);
    assert!(again.message.contains("already with the messages"), "{again:?}");
    // Bilal has nobody to send it to; a clerk who only sees students may
    // print it but not send it.
    let e =
        f.desk.send_report_card(&c.teacher, SendReportCard { card: card(bilal) }).map_err(api).unwrap_err();
    assert!(e.message.contains("no parent or guardian"), "{e:?}");
    let (_, analyst) = f.staff("analyst@example.com", "BUSINESS_ANALYST", Some(f.branch));
    f.desk.get_report_card(&analyst, card(asha)).unwrap();
    let e = f.desk.send_report_card(&analyst, SendReportCard { card: card(bilal) }).map_err(api).unwrap_err();
    assert_eq!(e.code, ErrorCode::PermissionDenied, "{e:?}");
}

#[test]
fn a_question_carries_a_picture_into_the_attempt_and_only_a_picture() {
    use base64::Engine;
    let f = fixture();
    let c = class(&f);
    let png = [&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A][..], &[0u8; 64]].concat();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
    let set = |who: &Actor, b64: &str| {
        f.desk
            .set_question_image(who, SetQuestionImage { question_id: c.questions[0], image_b64: b64.into() })
            .map_err(api)
    };
    let q = set(&c.teacher, &b64).unwrap();
    assert!(q.image.as_deref().is_some_and(|u| u.starts_with("data:image/png;base64,iVBOR")));
    // A program, a text, a picture too large: refused, naming the field.
    let exe = base64::engine::general_purpose::STANDARD.encode(b"MZ\x90\x00\x03");
    assert!(set(&c.teacher, &exe).unwrap_err().message.contains("JPEG or PNG"));
    assert_eq!(set(&c.teacher, "not base64!").unwrap_err().field.as_deref(), Some("image_b64"));
    let big = base64::engine::general_purpose::STANDARD.encode([&png[..], &vec![0u8; 400 * 1024]].concat());
    assert!(set(&c.teacher, &big).unwrap_err().message.contains("at most 300 KB"));
    let (_, other) = f.staff("uma@example.com", "TEACHER", Some(f.branch));
    assert_eq!(
        set(&other, &b64).unwrap_err().code,
        ErrorCode::PermissionDenied,
        "another teacher's question"
    );
    // Importing the bank again keeps the picture.
    f.desk
        .import_questions(
            &c.teacher,
            ImportQuestions {
                course_id: c.course,
                format: BankFormat::Csv,
                content: BANK.into(),
                points: String::new(),
                commit: true,
            },
        )
        .unwrap();
    let q = quiz(&f, &c, "");
    publish(&f, &c, q.id);
    let (_, asha) = student(&f, &f.desk, c.batch, "Asha Rao", "asha@example.com");
    let a = f.desk.start_quiz_attempt(&asha, StartQuizAttempt { quiz_id: q.id }).unwrap();
    assert!(a.questions[0].image.is_some(), "the picture shows with the question");
    assert!(a.questions[1].image.is_none());
    // Taken away.
    assert_eq!(set(&c.teacher, "").unwrap().image, None);
}
