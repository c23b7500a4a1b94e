//! A quiz through a real server over HTTPS: set and published on one desk,
//! taken by a student who moves to another desk mid-attempt. The attempt is
//! one row on both; answers merge per question (the later answer to the
//! same question wins everywhere); the server takes the student's own
//! answers, and the teacher sees the attempt flagged as taken on two desks.
//! The same attempt started on two desks offline is one attempt too.

mod support;

use branchdesk_api::commands::assessment::{BankFormat, ImportQuestions, ListQuestions};
use branchdesk_api::commands::quizzes::*;
use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::students::{Enrol, GiveStudentLogin};
use chrono::Duration;

fn signs_in(n: &support::Node, email: &str) -> branchdesk_desk::Actor {
    let (t, _) = n.desk.login(Login { email: email.into(), password: "Maple-Lantern-44".into() }).unwrap();
    n.desk.actor(&t).unwrap()
}

fn asha_signs_in(n: &support::Node) -> branchdesk_desk::Actor {
    signs_in(n, "asha@example.com")
}

#[test]
fn an_attempt_moved_between_desks_is_one_attempt_merged_per_question() {
    let rt = support::runtime();
    let (_server, client, nodes, branch) = support::network(&rt, &[0, 3]);
    let (desk, director) = (&nodes[0].desk, nodes[0].actor().clone());
    let batch = support::monthly_batch(&nodes[0], &director, branch);
    let asha = support::adult_student(desk, &director, branch, "Asha Rao");
    desk.enrol(&director, Enrol { student_id: asha, batch_id: batch, ..Default::default() }).unwrap();
    desk.give_student_login(
        &director,
        GiveStudentLogin {
            student_id: asha,
            email: "asha@example.com".into(),
            password: "Maple-Lantern-44".into(),
        },
    )
    .unwrap();
    let bilal = support::adult_student(desk, &director, branch, "Bilal Khan");
    desk.enrol(&director, Enrol { student_id: bilal, batch_id: batch, ..Default::default() }).unwrap();
    desk.give_student_login(
        &director,
        GiveStudentLogin {
            student_id: bilal,
            email: "bilal@example.com".into(),
            password: "Maple-Lantern-44".into(),
        },
    )
    .unwrap();
    let course = desk
        .save_course(
            &director,
            branchdesk_api::commands::academics::SaveCourse {
                code: "P2".into(),
                name: "Physics II".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    desk.import_questions(
        &director,
        ImportQuestions {
            course_id: course,
            format: BankFormat::Gift,
            content: "The SI unit of force is {=newton ~joule ~watt}\n\n\
                      The SI unit of power is {~newton ~joule =watt}\n\n\
                      The SI unit of energy is {~newton =joule ~watt}\n"
                .into(),
            points: "4".into(),
            commit: true,
        },
    )
    .unwrap();
    let bank =
        desk.list_questions(&director, ListQuestions { course_id: course, topic: String::new() }).unwrap();
    let quiz = desk
        .save_quiz(
            &director,
            SaveQuiz {
                name: "Units".into(),
                course_id: course,
                question_ids: bank.questions.iter().map(|q| q.id).collect(),
                duration_minutes: "30".into(),
                ..Default::default()
            },
        )
        .unwrap();
    desk.publish_quiz(
        &director,
        PublishQuiz {
            quiz_id: quiz.id,
            batch_id: batch,
            opens_on: "31/05/2026".into(),
            closes_on: "03/06/2026".into(),
            ..Default::default()
        },
    )
    .unwrap();
    support::quiesce(&rt, &client, &nodes);

    // Asha starts on the first desk and answers the first question.
    let here = asha_signs_in(&nodes[0]);
    let a = desk.start_quiz_attempt(&here, StartQuizAttempt { quiz_id: quiz.id }).unwrap();
    let give = |n: &support::Node, who: &branchdesk_desk::Actor, q: u32, choice: u32| {
        n.desk
            .answer_question(
                who,
                AnswerQuestion {
                    attempt_id: a.id,
                    question: q,
                    chosen: vec![choice],
                    position: q,
                    ..Default::default()
                },
            )
            .unwrap()
    };
    let right = |q: u32| -> u32 {
        let text = &a.questions[q as usize].text;
        let key = bank.questions.iter().find(|b| &b.text == text).unwrap();
        key.options.iter().position(|o| o.weight_bp > 0).unwrap() as u32
    };
    give(&nodes[0], &here, 0, right(0));
    support::quiesce(&rt, &client, &nodes);

    // The machine hangs; she moves to the second desk: the same attempt.
    let there = asha_signs_in(&nodes[1]);
    let resumed = nodes[1].desk.start_quiz_attempt(&there, StartQuizAttempt { quiz_id: quiz.id }).unwrap();
    assert_eq!(resumed.id, a.id, "one attempt, whichever desk");
    assert_eq!(resumed.questions[0].chosen, [right(0)], "her first answer came with it");
    give(&nodes[1], &there, 1, right(1));
    // Offline, both desks answer the third question; the second desk later.
    give(&nodes[0], &here, 2, (right(2) + 1) % 3);
    nodes[1].clock.advance(Duration::minutes(1));
    give(&nodes[1], &there, 2, right(2));
    support::quiesce(&rt, &client, &nodes);
    nodes[1].desk.submit_quiz_attempt(&there, SubmitQuizAttempt { attempt_id: a.id }).unwrap();
    support::quiesce(&rt, &client, &nodes);

    // Bilal starts the same attempt on both desks while they are offline:
    // both draw the same questions from the attempt's own seed, so the
    // server takes both starts as one attempt.
    let b0 = signs_in(&nodes[0], "bilal@example.com");
    let b1 = signs_in(&nodes[1], "bilal@example.com");
    let on0 = nodes[0].desk.start_quiz_attempt(&b0, StartQuizAttempt { quiz_id: quiz.id }).unwrap();
    let on1 = nodes[1].desk.start_quiz_attempt(&b1, StartQuizAttempt { quiz_id: quiz.id }).unwrap();
    assert_eq!(on0.id, on1.id);
    let texts = |a: &Attempt| a.questions.iter().map(|q| q.text.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&on0), texts(&on1), "the same draw on both desks");
    let first = AnswerQuestion { attempt_id: on0.id, question: 0, chosen: vec![0], ..Default::default() };
    nodes[0].desk.answer_question(&b0, first).unwrap();
    let second = AnswerQuestion { attempt_id: on1.id, question: 1, chosen: vec![0], ..Default::default() };
    nodes[1].desk.answer_question(&b1, second).unwrap();
    support::quiesce(&rt, &client, &nodes);
    for n in &nodes {
        assert_eq!(n.desk.refused_changes().unwrap(), vec![], "the server took their own starts and answers");
    }
    let (t, _) = nodes[1]
        .desk
        .login(Login { email: support::EMAIL.into(), password: support::PASSWORD.into() })
        .unwrap();
    let director_there = nodes[1].desk.actor(&t).unwrap();
    for (desk, who) in [(desk, &director), (&nodes[1].desk, &director_there)] {
        let r = desk.get_quiz_results(who, GetQuizResults { quiz_id: quiz.id, batch_id: None }).unwrap();
        assert_eq!(r.attempts.len(), 2, "one attempt each, on every desk");
        let line = r.attempts.iter().find(|l| l.student_name == "Asha Rao").unwrap();
        assert!(line.submitted);
        assert_eq!(line.score.score_hundredths, 1200, "every answer right: the later third answer won");
        assert!(line.several_desks, "answered on two desks: flagged for the teacher");
        let his = r.attempts.iter().find(|l| l.student_name == "Bilal Khan").unwrap();
        assert!(his.several_desks, "started on two desks: flagged");
        let review = desk.get_attempt_review(who, GetAttemptReview { attempt_id: his.attempt_id }).unwrap();
        let given = review.questions.iter().filter(|q| !q.chosen.is_empty()).count();
        assert_eq!(given, 2, "both desks' answers, merged per question");
    }
}
