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
    Ok(())
}
