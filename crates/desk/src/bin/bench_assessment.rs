//! Paper tests at scale. Prints figures; asserts nothing.
//!
//! B branches (default 10) with one batch of N students each (default
//! 1,000) sit one paper of three sections. Times: an OMR export of a
//! batch's marks checked and written (`import_marks`), one cell typed into
//! the marks grid (`enter_mark`, the teacher's Enter; goal ≤ 50 ms) against
//! a bare one-row transaction on the same file, and the rank list across
//! every branch (goal ≤ 500 ms for 10,000 students) and of one branch,
//! against a bare read of the test's marks; and a question bank of Q GIFT
//! questions (default 1,000; goal ≤ 2 s) checked, then imported, against
//! writing the same rows bare.
//!
//! Then a quiz of 100 of those questions: one answer saved (goal ≤ 10
//! ms) and the results of 100 students' attempts scored (goal ≤ 1 s).
//!
//! Usage: bench-assessment [--branches B] [--students N] [--runs R] [--questions Q]
//!        (defaults 10, 1000, 20, 1000)

use branchdesk_api::commands::assessment::*;
use branchdesk_api::commands::imports::{ImportCsv, ImportKind};
use branchdesk_api::commands::org::{SaveBranch, SaveRoom};
use branchdesk_api::commands::students::{Enrol, ListStudents};
use branchdesk_api::commands::timetable::{SaveBatch, Slot};
use branchdesk_desk::bench::{arg, median, ms, sample};
use std::time::{Duration, Instant};

fn timed(runs: usize, mut f: impl FnMut(usize)) -> Duration {
    let mut times = Vec::new();
    for i in 0..runs {
        let t = Instant::now();
        f(i);
        times.push(t.elapsed());
    }
    median(times)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let branches = arg("--branches", 10).max(1);
    // A batch seats at most 1,000.
    let per_branch = arg("--students", 1000).clamp(2, 1000);
    let runs = arg("--runs", 20).max(1);
    let questions = arg("--questions", 1000).max(1);
    let s = sample()?;
    let (desk, director) = (&s.desk, &s.director);
    let started = Instant::now();
    let course = desk
        .save_course(
            director,
            branchdesk_api::commands::academics::SaveCourse {
                code: "JEE".into(),
                name: "JEE".into(),
                ..Default::default()
            },
        )?
        .id;
    let paper = desk.save_paper_test(
        director,
        SavePaperTest {
            name: "All-India Mock 3".into(),
            held_on: "10/01/2027".into(),
            sections: ["Physics", "Chemistry", "Maths"]
                .iter()
                .map(|n| SectionInput { id: None, name: (*n).into(), max_marks: "100".into() })
                .collect(),
            ..Default::default()
        },
    )?;
    let mut sittings = Vec::new();
    for b in 0..branches {
        let branch = match b {
            0 => s.branch,
            _ => {
                desk.save_branch(
                    director,
                    SaveBranch {
                        id: None,
                        code: format!("BR{b}"),
                        name: format!("Branch {b}"),
                        ..Default::default()
                    },
                )?
                .id
            }
        };
        let room = desk
            .save_room(
                director,
                SaveRoom { id: None, branch_id: branch, name: "Hall".into(), capacity: 1000 },
            )?
            .id;
        let batch = desk
            .save_batch(
                director,
                SaveBatch {
                    branch_id: branch,
                    course_id: course,
                    name: format!("Mock batch {b}"),
                    teacher_id: director.user_id,
                    room_id: room,
                    capacity: per_branch.min(1000) as u32,
                    start_date: "2027-01-01".into(),
                    end_date: "2027-03-31".into(),
                    // Each branch's sitting an hour apart: one teacher takes them all.
                    slots: vec![Slot {
                        weekday: 7,
                        start: format!("{:02}:00", 6 + b),
                        end: format!("{:02}:30", 6 + b),
                    }],
                    ..Default::default()
                },
            )?
            .id;
        let mut csv = String::from("full_name,date_of_birth,phone\n");
        for i in 0..per_branch {
            csv.push_str(&format!("Student {b}-{i:05},2000-01-01,9{:09}\n", 100_000_000 + b * 100_000 + i));
        }
        desk.import_csv(
            director,
            ImportCsv { kind: ImportKind::Students, branch_id: branch, content: csv, commit: true },
        )?;
        let students =
            desk.list_students(director, ListStudents { branch_id: branch, include_archived: false })?;
        for st in &students {
            desk.enrol(director, Enrol { student_id: st.id, batch_id: batch, ..Default::default() })?;
        }
        desk.set_test_sitting(
            director,
            SetTestSitting { test_id: paper.id, batch_id: batch, ..Default::default() },
        )?;
        sittings.push((batch, students));
    }
    println!(
        "bench-assessment: {branches} branches × {per_branch} students seeded and enrolled in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Each batch's OMR export, checked and written in one action.
    let mut imports = Vec::new();
    for (b, (batch, students)) in sittings.iter().enumerate() {
        let mut csv = String::from("Roll No,Name,Physics,Chemistry,Maths,Total\n");
        for (i, st) in students.iter().enumerate() {
            let m = |k: usize| (i * 7 + b * 13 + k * 29) % 101;
            csv.push_str(&format!("{},{},{},{},{},0\n", st.code, st.full_name, m(0), m(1), m(2)));
        }
        let t = Instant::now();
        let report = desk.import_marks(
            director,
            ImportMarks { test_id: paper.id, batch_id: *batch, content: csv, commit: true },
        )?;
        imports.push(t.elapsed());
        assert!(report.errors.is_empty(), "{:?}", report.errors.first());
    }
    println!(
        "  OMR export of {per_branch} rows, checked and written   {:>8.1} ms (median of {branches})",
        ms(median(imports))
    );

    // One cell, as the teacher presses Enter, against a bare transaction.
    let plain = branchdesk_desk::db::open_connection(s.dir.path(), branchdesk_desk::KeyStore::from_env())?;
    plain.execute_batch("CREATE TABLE bench_cells (id INTEGER PRIMARY KEY, marks INTEGER)")?;
    let base_cell = timed(runs, |i| {
        plain
            .execute_batch(&format!("BEGIN IMMEDIATE; INSERT INTO bench_cells (marks) VALUES ({i}); COMMIT;"))
            .expect("bare insert");
    });
    let (batch, students) = &sittings[0];
    let cell = timed(runs, |i| {
        desk.enter_mark(
            director,
            EnterMark {
                test_id: paper.id,
                batch_id: *batch,
                section_id: paper.sections[i % 3].id,
                student_id: students[i % students.len()].id,
                marks: format!("{}.5", i % 99),
            },
        )
        .expect("a cell");
    });
    println!("  baseline: one-row transaction, bare           {:>8.2} ms", ms(base_cell));
    println!(
        "  one mark entered (Enter in the grid)          {:>8.2} ms  ({:.1}x baseline; goal ≤ 50 ms)",
        ms(cell),
        ms(cell) / ms(base_cell).max(1e-6)
    );

    // Rank lists against a bare read of the test's marks.
    let test = paper.id.to_string();
    let base_read = timed(runs.min(5), |_| {
        let mut stmt = plain
            .prepare_cached(
                "SELECT student_id, section_id, marks_hundredths FROM test_marks WHERE test_id = ?1",
            )
            .expect("baseline query");
        let n =
            stmt.query_map([&test], |r| r.get::<_, Option<i64>>("marks_hundredths")).expect("rows").count();
        assert!(n > 0);
    });
    let mut ranked = 0;
    let all = timed(runs.min(5), |_| {
        ranked = desk
            .get_rank_list(director, GetRankList { test_id: paper.id, scope: RankScope::All })
            .expect("rank list")
            .lines
            .len();
    });
    let one = timed(runs.min(5), |_| {
        desk.get_rank_list(director, GetRankList { test_id: paper.id, scope: RankScope::Branch(s.branch) })
            .expect("rank list");
    });
    println!("  baseline: the test's marks, bare read         {:>8.1} ms", ms(base_read));
    println!(
        "  rank list, every branch ({ranked} students)   {:>8.1} ms  ({:.1}x baseline; goal ≤ 500 ms for 10,000)",
        ms(all),
        ms(all) / ms(base_read).max(1e-6)
    );
    println!(
        "  rank list, one branch                         {:>8.1} ms  ({:.1}x baseline)",
        ms(one),
        ms(one) / ms(base_read).max(1e-6)
    );

    // A question bank: GIFT of every kind we take, under ten topics.
    let mut gift = String::new();
    for i in 0..questions {
        if i % (questions / 10).max(1) == 0 {
            gift.push_str(&format!("$CATEGORY: $course$/JEE/Topic {}\n\n", i / (questions / 10).max(1)));
        }
        gift.push_str(&match i % 4 {
            0 => format!("::Q{i}::Question {i}: which is right? {{\n\t=right {i}#Yes.\n\t~wrong a\n\t~%-25%wrong b\n\t~wrong c\n####Because {i}.\n}}\n\n"),
            1 => format!("Question {i}: which are right? {{~%50%one ~%50%two ~%-100%three ~four}}\n\n"),
            2 => format!("Question {i} is true. {{T}}\n\n"),
            _ => format!("Question {i}: the unit is {{=hertz =Hz}}.\n\n"),
        });
    }
    let import = |commit: bool| {
        desk.import_questions(
            director,
            ImportQuestions {
                course_id: course,
                format: BankFormat::Gift,
                content: gift.clone(),
                points: "4".into(),
                commit,
            },
        )
        .expect("bank")
    };
    let t = Instant::now();
    let checked = import(false);
    let check = t.elapsed();
    assert!(checked.errors.is_empty(), "{:?}", checked.errors.first());
    let t = Instant::now();
    let written = import(true).written;
    let commit = t.elapsed();
    plain.execute_batch("CREATE TABLE bench_questions (id TEXT PRIMARY KEY, text TEXT, options TEXT)")?;
    let t = Instant::now();
    {
        let tx = plain.unchecked_transaction()?;
        for i in 0..questions {
            tx.execute(
                "INSERT INTO bench_questions VALUES (?1, ?2, ?3)",
                (
                    format!("q{i}"),
                    format!("Question {i}: which is right?"),
                    r#"[{"text":"right","weight_bp":10000}]"#,
                ),
            )?;
        }
        tx.commit()?;
    }
    let bare = t.elapsed();
    println!("  baseline: {questions} rows written bare           {:>8.1} ms", ms(bare));
    println!("  GIFT bank of {questions}: checked                {:>8.1} ms", ms(check));
    println!(
        "  GIFT bank of {written}: checked and imported     {:>8.1} ms  ({:.1}x baseline; goal ≤ 2 s for 1,000)",
        ms(commit),
        ms(commit) / ms(bare).max(1e-6)
    );
    quizzes(desk, director, &plain, course, &sittings[0], runs, base_cell)?;
    Ok(())
}

/// A quiz of up to 100 bank questions taken by up to 100 students of the
/// first batch: one answer saved as a student gives it (goal ≤ 10 ms)
/// against a bare one-row transaction, and every attempt scored for the
/// results with the item analysis (goal ≤ 1 s for 100 × 100) against a
/// bare read of the answers. The other students' attempts are written
/// straight into the tables: a sign-in each would time password hashing.
fn quizzes(
    desk: &branchdesk_desk::Desk,
    director: &branchdesk_desk::Actor,
    plain: &rusqlite::Connection,
    course: branchdesk_api::ids::CourseId,
    (batch, students): &(
        branchdesk_api::ids::BatchId,
        Vec<branchdesk_api::commands::students::StudentSummary>,
    ),
    runs: usize,
    base_cell: Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    use branchdesk_api::commands::quizzes::*;
    let bank = desk.list_questions(director, ListQuestions { course_id: course, topic: String::new() })?;
    let picked: Vec<&Question> = bank.questions.iter().take(100).collect();
    let quiz = desk.save_quiz(
        director,
        SaveQuiz {
            name: "Mock quiz".into(),
            course_id: course,
            question_ids: picked.iter().map(|q| q.id).collect(),
            duration_minutes: "180".into(),
            attempts_allowed: "100".into(),
            penalty_percent: "25".into(),
            ..Default::default()
        },
    )?;
    let today = chrono::Local::now().date_naive();
    let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    desk.publish_quiz(
        director,
        PublishQuiz {
            quiz_id: quiz.id,
            batch_id: *batch,
            opens_on: day(today - chrono::Duration::days(1)),
            closes_on: day(today + chrono::Duration::days(1)),
            ..Default::default()
        },
    )?;
    let first = &students[0];
    desk.give_student_login(
        director,
        branchdesk_api::commands::students::GiveStudentLogin {
            student_id: first.id,
            email: "taker@example.com".into(),
            password: "Maple-Lantern-44".into(),
        },
    )?;
    let (token, _) = desk.login(branchdesk_api::commands::session::Login {
        email: "taker@example.com".into(),
        password: "Maple-Lantern-44".into(),
    })?;
    let taker = desk.actor(&token)?;
    let attempt = desk.start_quiz_attempt(&taker, StartQuizAttempt { quiz_id: quiz.id })?;
    let n = attempt.questions.len();
    let answer = timed(runs, |i| {
        let q = &attempt.questions[i % n];
        desk.answer_question(
            &taker,
            AnswerQuestion {
                attempt_id: attempt.id,
                question: (i % n) as u32,
                chosen: if q.options.is_empty() { vec![] } else { vec![(i % q.options.len()) as u32] },
                typed: if q.options.is_empty() { "hertz".into() } else { String::new() },
                position: (i % n) as u32,
                ..Default::default()
            },
        )
        .expect("an answer");
    });
    desk.submit_quiz_attempt(&taker, SubmitQuizAttempt { attempt_id: attempt.id })?;
    println!(
        "  one quiz answer saved                         {:>8.2} ms  ({:.1}x baseline; goal ≤ 10 ms)",
        ms(answer),
        ms(answer) / ms(base_cell).max(1e-6)
    );

    // The rest of the batch, up to 100, with an answer to every question.
    let at: String =
        plain.query_row("SELECT created_at FROM quizzes LIMIT 1", [], |r| r.get("created_at"))?;
    let drawn: String = plain.query_row("SELECT drawn FROM quiz_attempts LIMIT 1", [], |r| r.get("drawn"))?;
    let branch: String =
        plain.query_row("SELECT branch_id FROM quiz_attempts LIMIT 1", [], |r| r.get("branch_id"))?;
    let takers = students.len().min(100);
    // Seeding only: this connection may write the synced tables (the
    // desk's own write path holds this permit while it writes).
    plain.create_scalar_function(
        branchdesk_desk::db::guard::PERMIT_FUNCTION,
        0,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8,
        |_| Ok(true),
    )?;
    {
        let tx = plain.unchecked_transaction()?;
        for (k, st) in students.iter().enumerate().take(takers).skip(1) {
            let id = uuid::Uuid::now_v7().to_string();
            tx.execute(
                "INSERT INTO quiz_attempts (id, branch_id, quiz_id, batch_id, student_id, number, seed, drawn,
                     time_used_ms, position, started_device, started_at, submitted_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, 0, ?6, 60000, 0, 'bench', ?7, ?7, ?7, ?7)",
                (&id, &branch, quiz.id.to_string(), batch.to_string(), st.id.to_string(), &drawn, &at),
            )?;
            for (j, q) in picked.iter().enumerate() {
                let chosen = if q.options.len() > 1 {
                    format!("[{}]", (j + k) % q.options.len())
                } else {
                    "[]".into()
                };
                tx.execute(
                    "INSERT INTO quiz_responses (id, branch_id, attempt_id, question_id, student_id, chosen, typed,
                         device, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'bench', ?8, ?8)",
                    (
                        uuid::Uuid::now_v7().to_string(),
                        &branch,
                        &id,
                        q.id.to_string(),
                        st.id.to_string(),
                        chosen,
                        if (j + k) % 3 == 0 { "hertz" } else { "cycles" },
                        &at,
                    ),
                )?;
            }
        }
        tx.commit()?;
    }
    let quiz_id = quiz.id.to_string();
    let base_read = timed(runs.min(5), |_| {
        let mut stmt = plain
            .prepare_cached(
                "SELECT chosen, typed FROM quiz_responses
                 WHERE attempt_id IN (SELECT id FROM quiz_attempts WHERE quiz_id = ?1)",
            )
            .expect("baseline query");
        assert!(stmt.query_map([&quiz_id], |r| r.get::<_, String>("chosen")).expect("rows").count() > 0);
    });
    let mut scored = 0;
    let results = timed(runs.min(5), |_| {
        scored = desk
            .get_quiz_results(director, GetQuizResults { quiz_id: quiz.id, batch_id: None })
            .expect("results")
            .attempts
            .len();
    });
    println!("  baseline: the quiz's answers, bare read       {:>8.1} ms", ms(base_read));
    println!(
        "  results of {scored} attempts × {n} questions     {:>8.1} ms  ({:.1}x baseline; goal ≤ 1 s for 100 × 100)",
        ms(results),
        ms(results) / ms(base_read).max(1e-6)
    );
    Ok(())
}
