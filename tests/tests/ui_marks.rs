//! In the real app window, a teacher sets a paper test (typing its day
//! day-first), sets it for her batch of 60, enters all 60 students' marks
//! from the keyboard alone (type, Enter, next student; A for absent; a mark
//! above the maximum is refused beside its cell), and reads the rank list.

use branchdesk_api::commands::students::{Enrol, SaveStudent};
use branchdesk_e2e::*;
use std::path::Path;

const STUDENTS: usize = 60;
const BACKSPACE: &str = "\u{E003}";

fn seed(dir: &Path) {
    let (desk, director, branch) = seed_desk(dir);
    let (room, course) =
        seed_room_and_course(&desk, &director, branch, ("Hall 1", 80), ("PHY-12", "Physics XII"));
    let ravi = seed_teacher(&desk, &director, branch, ("Ravi Kumar", "ravi@example.com"));
    let batch = batch_from_today(branch, course, room, ravi, ("07:00", "08:30"), 60);
    let batch = desk
        .save_batch(
            &director,
            branchdesk_api::commands::timetable::SaveBatch {
                name: "JEE 2027 A".into(),
                capacity: 80,
                ..batch
            },
        )
        .unwrap()
        .id;
    for i in 1..=STUDENTS {
        let student = desk
            .save_student(
                &director,
                SaveStudent {
                    branch_id: branch,
                    full_name: format!("Student {i:02}"),
                    date_of_birth: "2000-01-01".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .student
            .id;
        desk.enrol(&director, Enrol { student_id: student, batch_id: batch, ..Default::default() }).unwrap();
    }
}

#[tokio::test]
async fn a_teacher_enters_sixty_marks_from_the_keyboard_and_reads_the_rank_list() {
    if !ui_tests_enabled("a_teacher_enters_sixty_marks_from_the_keyboard_and_reads_the_rank_list") {
        return;
    }
    let app = App::launch(seed).await;
    app.sign_in("ravi@example.com", "Teak-Window-57").await;
    app.click_centred("[data-area='Tests']").await;
    app.wait_text("#tests .empty", "No tests yet").await;

    // The paper: a name, the day as a clerk types it, one section.
    app.click("#new-test").await;
    app.wait_focus("field-name", "the form's first field takes the focus").await;
    app.type_into("#paper-form [name='name']", "Weekly Test 14").await;
    app.type_into("#paper-form [name='held_on']", "4/1/2027").await;
    app.type_into("#paper-form [name='sections.0.name']", "Physics").await;
    app.type_into("#paper-form [name='sections.0.max_marks']", "0").await;
    app.find("#paper-form [name='sections.0.max_marks']").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#paper-form", "above zero").await;
    app.type_into("#paper-form [name='sections.0.max_marks']", "40").await;
    app.find("#paper-form [name='sections.0.max_marks']").await.send_keys(ENTER).await.unwrap();
    let row = app.wait_text("#tests-table", "Weekly Test 14").await;
    assert!(row.contains("4 Jan 2027"), "read day first: {row}");
    assert!(row.contains("Physics 40"), "{row}");

    // Her batch sits it; the grid opens from the sitting.
    app.choose("#tests-table select", "JEE 2027 A").await;
    app.wait_text("#tests-table", "JEE 2027 A (0/60 entered)").await;
    app.click_button("td", "JEE 2027 A", "JEE 2027 A").await;
    app.wait_text("#marks-grid", "Student 60").await;
    app.screenshot("marks-grid-empty").await;

    // Sixty marks, keyboard alone: the first cell is clicked, then only
    // typing and Enter. Student 07 was absent; one slip over the maximum.
    app.click_centred("#mark-0-0").await;
    for i in 0..STUDENTS {
        let id = format!("mark-{i}-0");
        app.wait_focus(&id, "Enter moves down a row").await;
        let el = app.find(&format!("#{id}")).await;
        if i == 11 {
            el.send_keys(&format!("45{ENTER}")).await.unwrap();
            app.wait_text("#marks-grid .field-error", "more than the maximum of 40").await;
            assert_eq!(app.focused_id().await, id, "a refused mark keeps the focus in its cell");
            el.send_keys(&format!("{BACKSPACE}{BACKSPACE}")).await.unwrap();
        }
        let typed = if i == 6 { "A".to_owned() } else { format!("{}", 40 - (i % 20)) };
        el.send_keys(&format!("{typed}{ENTER}")).await.unwrap();
    }
    app.wait_text("#marks-grid tbody tr:last-child .total", "21").await;
    assert_eq!(app.count("#marks-grid .field-error").await, 0, "every slip corrected");
    app.screenshot("marks-grid-entered").await;
    app.click_centred("#marks-done").await;
    app.wait_text("#tests-table", "JEE 2027 A (60/60 entered)").await;

    // The rank list: three students on 40 share rank 1; the next is 4th.
    app.click_button("tr", "Weekly Test 14", "Rank list").await;
    let list = app.wait_text("#rank-table", "Student 01").await;
    assert!(app.text("#rank-list").await.contains("59 ranked"), "{list}");
    let mut first_rows = Vec::new();
    for n in 1..=4 {
        let cell = |c: usize| format!("#rank-table tbody tr:nth-child({n}) td:nth-child({c})");
        first_rows.push((app.text(&cell(1)).await, app.text(&cell(2)).await));
    }
    let rank_of =
        |i: usize| (first_rows[i].0.as_str(), first_rows[i].1.split(" K").next().unwrap_or_default());
    assert_eq!(rank_of(0), ("1", "Student 01"), "{list}");
    assert_eq!(rank_of(2), ("1", "Student 41"), "ties share rank 1");
    assert_eq!(rank_of(3), ("4", "Student 02"), "then rank 4");
    app.wait_text("#not-ranked", "Student 07").await;
    // 59 ranked between 21 and 40 of 40: the bars from 50 % up.
    let bands = app.text("#rank-bands").await;
    assert!(bands.contains("50%") && bands.contains("90%"), "{bands}");
    assert_eq!(app.count("#rank-bands .bar.h0").await, 5, "nobody below half marks: {bands}");
    app.screenshot("rank-list").await;

    // Back to the grid: two grace marks in Physics, capped at the maximum.
    app.click_centred("#rank-list .toolbar button").await;
    app.click_button("td", "JEE 2027 A", "JEE 2027 A").await;
    app.wait_text("#marks-grid", "Student 60").await;
    app.click("#grace-open").await;
    app.type_into("#grace-form [name='grace']", "2").await;
    app.find("#grace-form [name='grace']").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#grace-form", "Say why").await;
    app.type_into("#grace-form [name='reason']", "Question 7 was misprinted").await;
    app.find("#grace-form [name='reason']").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#marks-grid thead", "+2 GRACE").await;
    let total = |row: usize| format!("#marks-grid tbody tr:nth-child({row}) .total");
    app.wait_text(&total(20), "23").await;
    assert_eq!(app.text(&total(1)).await, "40", "capped at the maximum");

    // An OMR export for two students: a slip is refused by row and column,
    // the corrected file is taken and the grid shows it.
    let code = |row: usize| format!("#marks-grid tbody tr:nth-child({row}) td:first-child span");
    let (c1, c2) = (app.text(&code(1)).await.trim().to_owned(), app.text(&code(2)).await.trim().to_owned());
    let files = tempfile::tempdir().unwrap();
    let slip = files.path().join("omr.csv");
    std::fs::write(&slip, format!("Roll No,Name,Physics,Total\n{c1},S1,30,30\n{c2},S2,41,41\n")).unwrap();
    app.click("#marks-import-open").await;
    app.find("#marks-file").await.send_keys(slip.to_str().unwrap()).await.unwrap();
    app.wait_text("#marks-import", "omr.csv").await;
    app.click("#marks-check").await;
    let report = app.wait_text("#marks-report", "more than the maximum").await;
    assert!(report.contains("Physics"), "{report}");
    let fixed = files.path().join("omr-fixed.csv");
    std::fs::write(&fixed, format!("Roll No,Name,Physics,Total\n{c1},S1,30,30\n{c2},S2,38,38\n")).unwrap();
    app.find("#marks-file").await.send_keys(fixed.to_str().unwrap()).await.unwrap();
    app.wait_text("#marks-import", "omr-fixed.csv").await;
    app.click("#marks-check").await;
    app.wait_text("#marks-report", "All 2 rows are fine").await;
    app.click("#marks-commit").await;
    app.wait_text("#marks-report", "Imported 2 rows").await;
    app.wait_text(&total(1), "32").await;
    assert_eq!(app.text(&total(2)).await, "40");
    let cell: String = app.find("#mark-0-0").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(cell, "30", "the cell shows the imported mark");
    app.screenshot("marks-grace-and-import").await;

    // Student 01's page: the test with rank and percentile, and the report
    // card saved as PDF.
    app.click_centred("[data-area='Students']").await;
    app.click_button("tr", "Student 01", "Student 01").await;
    app.click("#tab-marks").await;
    let row = app.wait_text("#student-marks", "Weekly Test 14").await;
    assert!(row.contains("32 / 40"), "{row}");
    app.type_into("#report-card [name='from']", "1/1/2027").await;
    app.type_into("#report-card [name='to']", "31-3-2027").await;
    app.type_into("#report-card [name='remarks']", "Steady; revise optics.").await;
    app.click("#report-card .save-pdf").await;
    let notice = app.wait_text("#report-card-notice", "Report card saved as").await;
    let path = notice.trim_start_matches("Report card saved as ").trim().to_owned();
    let pdf = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    // pdftotext comes with poppler-utils, which scripts/install-deps.sh installs.
    let out =
        std::process::Command::new("pdftotext").args([path.as_str(), "-"]).output().expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext read the card");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Report card") && text.contains("Steady; revise optics."), "{text}");
    assert!(text.contains("32 / 40"), "{text}");
    app.screenshot("student-marks-and-report-card").await;
    app.close().await;
}

#[tokio::test]
async fn a_teacher_checks_and_imports_a_gift_question_bank() {
    if !ui_tests_enabled("a_teacher_checks_and_imports_a_gift_question_bank") {
        return;
    }
    let app = App::launch(seed).await;
    app.sign_in("ravi@example.com", "Teak-Window-57").await;
    app.click_centred("[data-area='Tests']").await;
    app.click("#open-bank").await;
    app.choose("#question-bank select", "Physics XII (PHY-12)").await;
    app.wait_text("#question-bank .empty", "No questions in this course yet").await;

    let files = tempfile::tempdir().unwrap();
    let broken = files.path().join("week3.gift");
    let bank = "$CATEGORY: Physics/Units\n\n::Force::The SI unit of force is {=newton ~joule ~watt}\n\nWhich are vectors? {~%50%velocity ~%50%displacement ~%-100%speed}\n\n$CATEGORY: Physics/Waves\n\nThe unit of frequency is the {=hertz =Hz}.\n";
    std::fs::write(&broken, format!("{bank}\nWhen was Newton born? {{#1643}}\n")).unwrap();
    app.find("#bank-file").await.send_keys(broken.to_str().unwrap()).await.unwrap();
    app.wait_text("#question-bank", "week3.gift (GIFT (Moodle))").await;
    app.click("#bank-check").await;
    let errors = app.wait_text("#bank-report", "numerical").await;
    assert!(errors.contains("11"), "reported by line: {errors}");
    app.screenshot("question-bank-errors").await;

    let fixed = files.path().join("week3-fixed.gift");
    std::fs::write(&fixed, bank).unwrap();
    app.find("#bank-file").await.send_keys(fixed.to_str().unwrap()).await.unwrap();
    app.wait_text("#question-bank", "week3-fixed.gift").await;
    app.type_into("#bank-points", "4").await;
    app.click("#bank-check").await;
    app.wait_text("#bank-report", "All 3 questions are fine").await;
    app.click("#bank-commit").await;
    app.wait_text("#bank-report", "Imported 3 questions").await;
    let topics = app.wait_text("#bank-topics", "Units (2)").await;
    assert!(topics.contains("Waves (1)"), "{topics}");
    let table = app.wait_text("#bank-questions", "The SI unit of force is").await;
    assert!(table.contains("velocity, displacement"), "the right answers: {table}");
    app.screenshot("question-bank").await;
    app.close().await;
}
