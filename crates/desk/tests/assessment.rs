//! Paper tests: a teacher sets a paper, a batch sits it, marks are entered
//! cell by cell and from an OMR export, grace is given, and rank lists come
//! out per batch, per branch and across branches.

mod common;

use branchdesk_api::commands::assessment::*;
use branchdesk_api::commands::students::{Enrol, SaveStudent};
use branchdesk_api::ids::{BatchId, BranchId, PaperTestId, StudentId};
use branchdesk_api::ErrorCode;
use branchdesk_desk::Actor;
use common::{api, fixture, Fixture};

fn admit(f: &Fixture, branch: BranchId, batch: BatchId, name: &str) -> StudentId {
    let student = f
        .desk
        .save_student(
            &f.director,
            SaveStudent {
                branch_id: branch,
                full_name: name.into(),
                date_of_birth: "2001-01-01".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .student
        .id;
    f.desk.enrol(&f.director, Enrol { student_id: student, batch_id: batch, ..Default::default() }).unwrap();
    student
}

fn code(f: &Fixture, s: StudentId) -> String {
    f.conn().query_row("SELECT code FROM students WHERE id = ?1", [s.to_string()], |r| r.get(0)).unwrap()
}

/// Weekly Test 14: Physics out of 30, Chemistry out of 20.
fn paper(f: &Fixture, teacher: &Actor) -> PaperTest {
    f.desk
        .save_paper_test(
            teacher,
            SavePaperTest {
                name: "Weekly Test 14".into(),
                held_on: "14/06/2026".into(),
                sections: vec![
                    SectionInput { name: "Physics".into(), max_marks: "30".into(), ..Default::default() },
                    SectionInput { name: "Chemistry".into(), max_marks: "20".into(), ..Default::default() },
                ],
                ..Default::default()
            },
        )
        .unwrap()
}

fn enter(
    f: &Fixture,
    who: &Actor,
    test: &PaperTest,
    batch: BatchId,
    section: usize,
    student: StudentId,
    typed: &str,
) -> Result<MarksLine, branchdesk_api::ApiError> {
    f.desk
        .enter_mark(
            who,
            EnterMark {
                test_id: test.id,
                batch_id: batch,
                section_id: test.sections[section].id,
                student_id: student,
                marks: typed.into(),
            },
        )
        .map_err(api)
}

fn sit(f: &Fixture, who: &Actor, test: PaperTestId, batch: BatchId) -> PaperTest {
    f.desk
        .set_test_sitting(who, SetTestSitting { test_id: test, batch_id: batch, ..Default::default() })
        .unwrap()
}

#[test]
fn a_teacher_sets_a_paper_enters_marks_and_reads_the_rank_list() {
    let f = fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let batch = f.physics_batch(teacher.user_id, |_| {});
    let asha = admit(&f, f.branch, batch, "Asha Rao");
    let bilal = admit(&f, f.branch, batch, "Bilal Khan");
    let chitra = admit(&f, f.branch, batch, "Chitra Nair");
    let dev = admit(&f, f.branch, batch, "Dev Patel");

    let test = paper(&f, &teacher);
    assert_eq!(test.held_on, "2026-06-14", "the day typed day first");
    assert_eq!(test.max_hundredths, 5000);
    assert!(test.editable);
    let test = sit(&f, &teacher, test.id, batch);
    assert_eq!(test.sittings.len(), 1);
    assert_eq!((test.sittings[0].students, test.sittings[0].entered), (4, 0));
    assert_eq!(test.sittings[0].held_on, "2026-06-14", "the paper's day when none is given");

    let line = enter(&f, &teacher, &test, batch, 0, asha, "27.5").unwrap();
    assert_eq!(line.total_hundredths, Some(2750));
    let line = enter(&f, &teacher, &test, batch, 1, asha, "18").unwrap();
    assert_eq!(line.total_hundredths, Some(4550));
    enter(&f, &teacher, &test, batch, 0, bilal, "30").unwrap();
    enter(&f, &teacher, &test, batch, 1, bilal, "15.5").unwrap();
    enter(&f, &teacher, &test, batch, 0, chitra, "20").unwrap();
    let line = enter(&f, &teacher, &test, batch, 1, chitra, "a").unwrap();
    assert!(line.cells[1].absent);
    assert_eq!(line.total_hundredths, Some(2000), "an absent section counts nothing");
    let line = enter(&f, &teacher, &test, batch, 0, dev, "A").unwrap();
    assert_eq!(line.total_hundredths, None);
    enter(&f, &teacher, &test, batch, 1, dev, "ab").unwrap();

    let sheet =
        f.desk.get_marks_sheet(&teacher, GetMarksSheet { test_id: test.id, batch_id: batch }).unwrap();
    let names: Vec<&str> = sheet.lines.iter().map(|l| l.student_name.as_str()).collect();
    assert_eq!(names, ["Asha Rao", "Bilal Khan", "Chitra Nair", "Dev Patel"]);
    assert_eq!(sheet.test.sittings[0].entered, 4, "absent counts as entered");

    let list = f
        .desk
        .get_rank_list(&teacher, GetRankList { test_id: test.id, scope: RankScope::Batch(batch) })
        .unwrap();
    let ranks: Vec<(u32, &str, i64)> =
        list.lines.iter().map(|l| (l.rank, l.student_name.as_str(), l.total_hundredths)).collect();
    assert_eq!(ranks, [(1, "Asha Rao", 4550), (1, "Bilal Khan", 4550), (3, "Chitra Nair", 2000)]);
    assert_eq!(list.lines[2].percentile_hundredths, 3333);
    assert_eq!(list.not_ranked, ["Dev Patel"]);
    assert_eq!((list.highest_hundredths, list.median_hundredths, list.mean_hundredths), (4550, 4550, 3700));

    // A blank clears a cell; the same value twice writes nothing new.
    let ops = f.count("SELECT count(*) FROM outbox");
    enter(&f, &teacher, &test, batch, 0, asha, "27.5").unwrap();
    assert_eq!(f.count("SELECT count(*) FROM outbox"), ops);
    let line = enter(&f, &teacher, &test, batch, 0, asha, "").unwrap();
    assert_eq!(line.cells[0].marks_hundredths, None);
    assert_eq!(line.total_hundredths, Some(1800));
}

#[test]
fn grace_marks_raise_a_section_up_to_its_maximum_and_are_logged() {
    let f = fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let batch = f.physics_batch(teacher.user_id, |_| {});
    let asha = admit(&f, f.branch, batch, "Asha Rao");
    let bilal = admit(&f, f.branch, batch, "Bilal Khan");
    let test = sit(&f, &teacher, paper(&f, &teacher).id, batch);
    enter(&f, &teacher, &test, batch, 0, asha, "29").unwrap();
    enter(&f, &teacher, &test, batch, 0, bilal, "20").unwrap();

    let physics = test.sections[0].id;
    let refused = f
        .desk
        .moderate_section(
            &teacher,
            ModerateSection { test_id: test.id, section_id: physics, grace: "2".into(), reason: " ".into() },
        )
        .map_err(api)
        .unwrap_err();
    assert_eq!(refused.field.as_deref(), Some("reason"));
    let moderated = f
        .desk
        .moderate_section(
            &teacher,
            ModerateSection {
                test_id: test.id,
                section_id: physics,
                grace: "2".into(),
                reason: "Question 7 was misprinted".into(),
            },
        )
        .unwrap();
    assert_eq!(moderated.sections[0].grace_hundredths, 200);
    let list =
        f.desk.get_rank_list(&teacher, GetRankList { test_id: test.id, scope: RankScope::All }).unwrap();
    let totals: Vec<(&str, i64)> =
        list.lines.iter().map(|l| (l.student_name.as_str(), l.total_hundredths)).collect();
    assert_eq!(totals, [("Asha Rao", 3000), ("Bilal Khan", 2200)], "29 + 2 is capped at the maximum of 30");
    assert_eq!(
        f.count("SELECT count(*) FROM audit_log WHERE entity = 'paper_test_sections' AND new_values LIKE '%misprinted%'"),
        1,
        "the audit log keeps who gave grace and why"
    );
}

#[test]
fn bad_input_is_named_and_nothing_is_half_saved() {
    let f = fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let batch = f.physics_batch(teacher.user_id, |_| {});
    let other = f.physics_batch(teacher.user_id, |b| {
        b.name = "Physics XI-B".into();
        b.slots[0].weekday = 2;
    });
    let asha = admit(&f, f.branch, batch, "Asha Rao");
    let outsider = admit(&f, f.branch, other, "Ira Sen");

    let field =
        |input: SavePaperTest| f.desk.save_paper_test(&teacher, input).map_err(api).unwrap_err().field;
    let good = || SavePaperTest {
        name: "Unit test".into(),
        held_on: "1-7-2026".into(),
        sections: vec![SectionInput { name: "Physics".into(), max_marks: "25".into(), ..Default::default() }],
        ..Default::default()
    };
    assert_eq!(field(SavePaperTest { name: " ".into(), ..good() }), Some("name".into()));
    assert_eq!(field(SavePaperTest { held_on: "31/06/2026".into(), ..good() }), Some("held_on".into()));
    assert_eq!(field(SavePaperTest { sections: vec![], ..good() }), Some("sections".into()));
    for max in ["0", "-5", "ten", "12.345", ""] {
        let mut input = good();
        input.sections[0].max_marks = max.into();
        assert_eq!(field(input), Some("sections.0.max_marks".into()), "{max:?}");
    }
    let mut twice = good();
    twice.sections.push(SectionInput { name: "physics".into(), max_marks: "5".into(), ..Default::default() });
    assert_eq!(field(twice), Some("sections.1.name".into()));
    assert_eq!(f.count("SELECT count(*) FROM paper_tests"), 0);

    let test = paper(&f, &teacher);
    // Marks before the batch sits the paper.
    assert_eq!(
        enter(&f, &teacher, &test, batch, 0, asha, "10").unwrap_err().field.as_deref(),
        Some("batch_id")
    );
    let test = sit(&f, &teacher, test.id, batch);
    let e = enter(&f, &teacher, &test, batch, 0, asha, "31").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("marks"));
    assert!(e.message.contains("maximum of 30"), "{}", e.message);
    assert_eq!(enter(&f, &teacher, &test, batch, 0, asha, "1O").unwrap_err().field.as_deref(), Some("marks"));
    assert_eq!(enter(&f, &teacher, &test, batch, 0, asha, "-2").unwrap_err().field.as_deref(), Some("marks"));
    assert_eq!(
        enter(&f, &teacher, &test, batch, 0, outsider, "10").unwrap_err().field.as_deref(),
        Some("student_id")
    );
    let mut stray = test.clone();
    stray.sections[0].id = branchdesk_api::ids::TestSectionId::default();
    assert_eq!(
        enter(&f, &teacher, &stray, batch, 0, asha, "10").unwrap_err().field.as_deref(),
        Some("section_id")
    );
    assert_eq!(f.count("SELECT count(*) FROM test_marks"), 0);

    // A section with marks keeps them: not removed, not shrunk below them.
    enter(&f, &teacher, &test, batch, 0, asha, "24").unwrap();
    let edit = |sections: Vec<SectionInput>| {
        f.desk
            .save_paper_test(
                &teacher,
                SavePaperTest {
                    id: Some(test.id),
                    name: test.name.clone(),
                    held_on: test.held_on.clone(),
                    sections,
                    ..Default::default()
                },
            )
            .map_err(api)
    };
    let chemistry =
        SectionInput { id: Some(test.sections[1].id), name: "Chemistry".into(), max_marks: "20".into() };
    assert_eq!(edit(vec![chemistry.clone()]).unwrap_err().field.as_deref(), Some("sections"));
    let shrunk =
        SectionInput { id: Some(test.sections[0].id), name: "Physics".into(), max_marks: "20".into() };
    assert_eq!(
        edit(vec![shrunk, chemistry.clone()]).unwrap_err().field.as_deref(),
        Some("sections.0.max_marks")
    );
    // Chemistry has none: it may go, and a new section may come.
    let physics =
        SectionInput { id: Some(test.sections[0].id), name: "Physics".into(), max_marks: "30".into() };
    let maths = SectionInput { id: None, name: "Maths".into(), max_marks: "40".into() };
    let saved = edit(vec![physics, maths]).unwrap();
    let names: Vec<&str> = saved.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Physics", "Maths"]);
    assert_eq!(saved.max_hundredths, 7000);
}

#[test]
fn only_the_papers_author_or_a_course_manager_changes_it() {
    let f = fixture();
    let (_, ravi) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let (_, sunita) = f.staff("sunita@example.com", "TEACHER", Some(f.branch));
    let (_, clerk) = f.staff("clerk@example.com", "BACKOFFICE", Some(f.branch));
    let test = paper(&f, &ravi);
    let listed = f.desk.list_paper_tests(&sunita, ListPaperTests::default()).unwrap();
    assert!(!listed[0].editable);
    let edit = SavePaperTest {
        id: Some(test.id),
        name: "Renamed".into(),
        held_on: test.held_on.clone(),
        sections: test
            .sections
            .iter()
            .map(|s| SectionInput { id: Some(s.id), name: s.name.clone(), max_marks: "30".into() })
            .collect(),
        ..Default::default()
    };
    assert_eq!(
        f.desk.save_paper_test(&sunita, edit.clone()).map_err(api).unwrap_err().code,
        ErrorCode::PermissionDenied
    );
    assert_eq!(
        f.desk
            .save_paper_test(&clerk, SavePaperTest { id: None, ..edit.clone() })
            .map_err(api)
            .unwrap_err()
            .code,
        ErrorCode::PermissionDenied,
        "the front desk sets no papers"
    );
    assert_eq!(f.desk.save_paper_test(&f.director, edit).unwrap().name, "Renamed");
    // Sunita's own batch may still sit Ravi's paper, and she enters its marks.
    let batch = f.physics_batch(sunita.user_id, |_| {});
    let asha = admit(&f, f.branch, batch, "Asha Rao");
    let test = sit(&f, &sunita, test.id, batch);
    enter(&f, &sunita, &test, batch, 0, asha, "12").unwrap();
    assert_eq!(enter(&f, &clerk, &test, batch, 0, asha, "13").unwrap_err().code, ErrorCode::PermissionDenied);
}

#[test]
fn an_omr_export_is_checked_row_by_row_then_taken_whole() {
    let f = fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let batch = f.physics_batch(teacher.user_id, |_| {});
    let asha = admit(&f, f.branch, batch, "Asha Rao");
    let bilal = admit(&f, f.branch, batch, "Bilal Khan");
    let test = sit(&f, &teacher, paper(&f, &teacher).id, batch);
    let (a, b) = (code(&f, asha), code(&f, bilal));
    let import = |content: String, commit: bool| {
        f.desk
            .import_marks(&teacher, ImportMarks { test_id: test.id, batch_id: batch, content, commit })
            .map_err(api)
    };

    let bad = format!(
        "\u{feff}Roll No,Name,PHYSICS,Chemistry,Total\n{a},Asha,31,18,49\nZZ999,Nobody,10,10,20\n{b},Bilal,12,x,12\n{a},Asha again,1,1,2\n"
    );
    let report = import(bad, true).unwrap();
    assert_eq!(report.rows, 4);
    let problems: Vec<(u32, &str)> = report.errors.iter().map(|p| (p.row, p.column.as_str())).collect();
    assert_eq!(problems, [(2, "PHYSICS"), (3, "Roll No"), (4, "Chemistry"), (5, "Roll No")]);
    assert_eq!(report.written, 0);
    assert_eq!(f.count("SELECT count(*) FROM test_marks"), 0, "nothing while any row is wrong");

    let good = format!("Roll No,Name,Physics,Chemistry\n{a},Asha,28,A\n{},Bilal,19.5,17\n", b.to_lowercase());
    let dry = import(good.clone(), false).unwrap();
    assert!(dry.errors.is_empty(), "{:?}", dry.errors);
    assert_eq!(f.count("SELECT count(*) FROM test_marks"), 0, "a dry run writes nothing");
    assert_eq!(import(good, true).unwrap().written, 2);
    let sheet =
        f.desk.get_marks_sheet(&teacher, GetMarksSheet { test_id: test.id, batch_id: batch }).unwrap();
    let totals: Vec<Option<i64>> = sheet.lines.iter().map(|l| l.total_hundredths).collect();
    assert_eq!(totals, [Some(2800), Some(3650)]);
    assert!(sheet.lines[0].cells[1].absent);

    for (content, why) in [
        ("Name,Physics\nAsha,10\n".to_owned(), "no roll-number column"),
        (format!("Code,Biology\n{a},10\n"), "no section's column"),
    ] {
        assert_eq!(import(content, false).unwrap_err().field.as_deref(), Some("content"), "{why}");
    }
}

#[test]
fn rank_lists_reach_across_branches_the_reader_may_see() {
    let f = fixture();
    let hsr = f.second_branch();
    let (_, ravi) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let (_, hema) = f.staff("hema@example.com", "TEACHER", Some(hsr));
    let k_batch = f.physics_batch(ravi.user_id, |_| {});
    let room = f
        .desk
        .save_room(
            &f.director,
            branchdesk_api::commands::org::SaveRoom {
                id: None,
                branch_id: hsr,
                name: "Hall".into(),
                capacity: 40,
            },
        )
        .unwrap()
        .id;
    let h_batch = f.physics_batch(hema.user_id, |b| {
        b.branch_id = hsr;
        b.room_id = room;
        b.name = "Physics XI HSR".into();
    });
    let asha = admit(&f, f.branch, k_batch, "Asha Rao");
    let neha = admit(&f, hsr, h_batch, "Neha Joshi");
    let omar = admit(&f, hsr, h_batch, "Omar Ali");
    let test = paper(&f, &ravi);
    sit(&f, &ravi, test.id, k_batch);
    let test = sit(&f, &hema, test.id, h_batch);
    assert_eq!(test.sittings.len(), 1, "Hema sees only her branch's sitting");
    enter(&f, &ravi, &test, k_batch, 0, asha, "25").unwrap();
    enter(&f, &hema, &test, h_batch, 0, neha, "29").unwrap();
    enter(&f, &hema, &test, h_batch, 0, omar, "12").unwrap();
    assert_eq!(
        enter(&f, &ravi, &test, h_batch, 0, neha, "1").unwrap_err().code,
        ErrorCode::PermissionDenied,
        "Ravi enters marks only in his branch"
    );

    let all =
        f.desk.get_rank_list(&f.director, GetRankList { test_id: test.id, scope: RankScope::All }).unwrap();
    let lines: Vec<(u32, &str, &str)> =
        all.lines.iter().map(|l| (l.rank, l.student_name.as_str(), l.branch_name.as_str())).collect();
    assert_eq!(
        lines,
        [(1, "Neha Joshi", "HSR Layout"), (2, "Asha Rao", "Koramangala"), (3, "Omar Ali", "HSR Layout")]
    );
    let branch = f
        .desk
        .get_rank_list(&f.director, GetRankList { test_id: test.id, scope: RankScope::Branch(hsr) })
        .unwrap();
    assert_eq!(branch.lines.iter().map(|l| l.rank).collect::<Vec<_>>(), [1, 2]);
    let ravis = f.desk.get_rank_list(&ravi, GetRankList { test_id: test.id, scope: RankScope::All }).unwrap();
    assert_eq!(ravis.lines.len(), 1, "a branch teacher's list covers their branch");
    assert_eq!(
        f.desk
            .get_rank_list(&ravi, GetRankList { test_id: test.id, scope: RankScope::Branch(hsr) })
            .map_err(api)
            .unwrap_err()
            .code,
        ErrorCode::PermissionDenied
    );
}

const GIFT: &str = "$CATEGORY: $course$/Physics/Units\n\n::Force::The SI unit of force is {=newton ~joule ~watt####F = ma}\n\nVectors? {~%50%velocity ~%50%displacement ~%-100%speed}\n\n$CATEGORY: Physics/Waves\n\nThe unit of frequency is the {=hertz =Hz}.\n\nSound travels faster in water than in air. {T}\n";

fn import_bank(
    f: &Fixture,
    who: &Actor,
    course: branchdesk_api::ids::CourseId,
    format: BankFormat,
    content: &str,
    commit: bool,
) -> Result<branchdesk_api::commands::imports::ImportReport, branchdesk_api::ApiError> {
    f.desk
        .import_questions(
            who,
            ImportQuestions {
                course_id: course,
                format,
                content: content.into(),
                points: String::new(),
                commit,
            },
        )
        .map_err(api)
}

fn physics(f: &Fixture) -> branchdesk_api::ids::CourseId {
    f.desk
        .save_course(
            &f.director,
            branchdesk_api::commands::academics::SaveCourse {
                code: "PHY".into(),
                name: "Physics".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .id
}

#[test]
fn a_gift_bank_is_checked_then_imported_once_and_exported_back() {
    let f = fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let course = physics(&f);

    let broken = format!("{GIFT}\nMatch these {{=a -> 1 =b -> 2}}\n\nWhich is right? {{~a ~b}}\n");
    let report = import_bank(&f, &teacher, course, BankFormat::Gift, &broken, true).unwrap();
    assert_eq!(report.errors.iter().map(|e| e.row).collect::<Vec<_>>(), [13, 15]);
    assert!(report.errors[0].message.contains("matching"), "{:?}", report.errors);
    assert_eq!(report.written, 0);
    assert_eq!(f.count("SELECT count(*) FROM questions"), 0, "nothing while any question is wrong");

    let dry = import_bank(&f, &teacher, course, BankFormat::Gift, GIFT, false).unwrap();
    assert_eq!((dry.rows, dry.errors.len(), dry.written), (4, 0, 0));
    assert_eq!(f.count("SELECT count(*) FROM questions"), 0, "a dry run writes nothing");
    assert_eq!(import_bank(&f, &teacher, course, BankFormat::Gift, GIFT, true).unwrap().written, 4);
    let bank =
        f.desk.list_questions(&teacher, ListQuestions { course_id: course, topic: String::new() }).unwrap();
    assert_eq!(bank.topics, [("Units".to_owned(), 2), ("Waves".to_owned(), 2)]);
    let force = &bank.questions[0];
    assert_eq!(
        (force.name.as_str(), force.kind, force.points_hundredths),
        ("Force", QuestionKind::MultipleChoice, 100)
    );
    assert_eq!(force.explanation, "F = ma");

    // The same file again updates; nothing is added twice.
    import_bank(&f, &teacher, course, BankFormat::Gift, GIFT, true).unwrap();
    assert_eq!(f.count("SELECT count(*) FROM questions"), 4);

    // Exported as GIFT, read back: the same questions.
    let saved = f.desk.export_questions(&teacher, ExportQuestions { course_id: course }).unwrap();
    assert_eq!(saved.rows, 4);
    let text = std::fs::read_to_string(&saved.path).unwrap();
    let again = import_bank(&f, &teacher, course, BankFormat::Gift, &text, true).unwrap();
    assert_eq!((again.errors.len(), again.written), (0, 4), "{text}");
    let after =
        f.desk.list_questions(&teacher, ListQuestions { course_id: course, topic: "Waves".into() }).unwrap();
    assert_eq!(after.questions.len(), 2);
    assert_eq!(f.count("SELECT count(*) FROM questions"), 4);
}

#[test]
fn aiken_and_csv_banks_and_who_may_read_a_bank() {
    let f = fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let (_, clerk) = f.staff("clerk@example.com", "BACKOFFICE", Some(f.branch));
    let course = physics(&f);
    let aiken = "What is the SI unit of power?\nA. Joule\nB. Watt\nANSWER: B\n";
    assert_eq!(import_bank(&f, &teacher, course, BankFormat::Aiken, aiken, true).unwrap().written, 1);

    let csv = "topic,difficulty,points,question,a,b,c,d,answer,explanation\n\
               Optics,EASY,4,Light is a wave?,,,,,TRUE,\n\
               Optics,HARD,4,Which are primary colours?,Red,Green,Blue,Pink,A;B;C,Additive\n\
               Optics,,,Speed of light in vacuum (km/s)?,,,,,300000|3e5,\n\
               Optics,WILD,0,Bad row,x,y,,,Q,\n";
    let report = import_bank(&f, &teacher, course, BankFormat::Csv, csv, true).unwrap();
    assert_eq!(report.errors.iter().map(|e| e.row).collect::<Vec<_>>(), [5], "{:?}", report.errors);
    let fixed = csv.lines().take(4).collect::<Vec<_>>().join("\n");
    assert_eq!(import_bank(&f, &teacher, course, BankFormat::Csv, &fixed, true).unwrap().written, 3);
    let bank =
        f.desk.list_questions(&teacher, ListQuestions { course_id: course, topic: "Optics".into() }).unwrap();
    let primary = bank.questions.iter().find(|q| q.text.starts_with("Which")).unwrap();
    assert_eq!(primary.kind, QuestionKind::MultipleSelect);
    assert_eq!(
        primary.options.iter().map(|o| o.weight_bp).sum::<i32>(),
        10_000,
        "the right choices share the marks"
    );
    assert_eq!(primary.points_hundredths, 400);
    assert_eq!(primary.difficulty, Difficulty::Hard);

    for bad in [
        ImportQuestions {
            course_id: course,
            format: BankFormat::Gift,
            content: "Just text.\n".into(),
            points: "0".into(),
            commit: false,
        },
        ImportQuestions {
            course_id: course,
            format: BankFormat::Csv,
            content: "question\nx\n".into(),
            ..Default::default()
        },
        ImportQuestions {
            course_id: branchdesk_api::ids::CourseId::default(),
            format: BankFormat::Gift,
            content: GIFT.into(),
            ..Default::default()
        },
    ] {
        assert!(f.desk.import_questions(&teacher, bad).is_err());
    }
    assert_eq!(
        f.desk
            .list_questions(&clerk, ListQuestions { course_id: course, topic: String::new() })
            .map_err(api)
            .unwrap_err()
            .code,
        ErrorCode::PermissionDenied,
        "answer keys stay with teachers"
    );
}

#[test]
fn a_students_marks_and_report_card_show_rank_and_percentile() {
    let f = fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let batch = f.physics_batch(teacher.user_id, |_| {});
    let asha = admit(&f, f.branch, batch, "Asha Rao");
    let bilal = admit(&f, f.branch, batch, "Bilal Khan");
    let test = sit(&f, &teacher, paper(&f, &teacher).id, batch);
    enter(&f, &teacher, &test, batch, 0, asha, "27").unwrap();
    enter(&f, &teacher, &test, batch, 1, asha, "A").unwrap();
    enter(&f, &teacher, &test, batch, 0, bilal, "20").unwrap();
    enter(&f, &teacher, &test, batch, 1, bilal, "10").unwrap();

    let marks = f.desk.list_student_marks(&teacher, ListStudentMarks { student_id: asha }).unwrap();
    assert_eq!(marks.len(), 1);
    let m = &marks[0];
    assert_eq!((m.total_hundredths, m.max_hundredths, m.rank, m.ranked), (Some(2700), 5000, Some(2), 2));
    assert_eq!(m.percentile_hundredths, Some(5000));
    assert_eq!(m.sections[1], ("Chemistry".to_owned(), None, 2000), "absent in Chemistry");

    let card = f
        .desk
        .get_report_card(
            &teacher,
            GetReportCard {
                student_id: bilal,
                from: "1/6/2026".into(),
                to: "30/6/2026".into(),
                remarks: "Steady; revise optics.".into(),
            },
        )
        .unwrap();
    let line = |needle: &str| {
        card.lines.iter().find(|l| l.text.contains(needle)).unwrap_or_else(|| panic!("{needle}: {card:?}"))
    };
    assert_eq!(line("Weekly Test 14").figure, "30 / 50 · rank 1 of 2 · 100 percentile");
    assert_eq!(line("Physics 20").text, "Physics 20 / 30 · Chemistry 10 / 20");
    assert!(line("Term:").text.contains("1 Jun 2026 to 30 Jun 2026"));
    line("Steady; revise optics.");
    line("No classes marked in this term.");
    let later = f
        .desk
        .get_report_card(
            &teacher,
            GetReportCard {
                student_id: bilal,
                from: "1/7/2026".into(),
                to: "31/7/2026".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(
        later.lines.iter().any(|l| l.text == "No tests in this term."),
        "a test outside the term is left out"
    );
    assert!(later.lines.iter().any(|l| l.text.starts_with("____")), "room for remarks by hand");

    let saved = f
        .desk
        .save_report_card(
            &teacher,
            SaveReportCard { card: GetReportCard { student_id: bilal, ..Default::default() } },
        )
        .unwrap();
    assert!(std::fs::read(&saved).unwrap().starts_with(b"%PDF"), "{saved}");

    let field =
        |input: GetReportCard| f.desk.get_report_card(&teacher, input).map_err(api).unwrap_err().field;
    let card = |from: &str, to: &str| GetReportCard {
        student_id: bilal,
        from: from.into(),
        to: to.into(),
        ..Default::default()
    };
    assert_eq!(field(card("1/7/2026", "1/6/2026")), Some("from".into()));
    assert_eq!(field(card("", "31/02/2026")), Some("to".into()));
    let hsr = f.second_branch();
    let (_, elsewhere) = f.staff("hema@example.com", "TEACHER", Some(hsr));
    assert_eq!(
        f.desk.get_report_card(&elsewhere, card("", "")).map_err(api).unwrap_err().code,
        ErrorCode::PermissionDenied,
        "a teacher of another branch"
    );

    // The student sees their own marks, rank and percentile.
    f.desk
        .give_student_login(
            &f.director,
            branchdesk_api::commands::students::GiveStudentLogin {
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
    let me = f.desk.actor(&t).unwrap();
    let mine = f.desk.get_my_record(&me, Default::default()).unwrap();
    assert_eq!(mine.marks.len(), 1);
    assert_eq!(mine.marks[0].rank, Some(2));
    assert_eq!(
        f.desk.list_student_marks(&me, ListStudentMarks { student_id: bilal }).map_err(api).unwrap_err().code,
        ErrorCode::PermissionDenied,
        "nobody else's"
    );
}

#[test]
fn a_sitting_is_tied_to_the_batchs_exam_in_the_timetable() {
    let f = fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let batch = f.physics_batch(teacher.user_id, |_| {});
    let exam = |title: &str, batch_id| {
        f.desk
            .save_event(
                &f.director,
                branchdesk_api::commands::timetable::SaveEvent {
                    branch_id: f.branch,
                    kind: branchdesk_api::commands::timetable::EventKind::Exam,
                    title: title.into(),
                    start_date: "2026-06-14".into(),
                    end_date: "2026-06-14".into(),
                    start: "10:00".into(),
                    end: "12:00".into(),
                    batch_id,
                    cancels: true,
                    ..Default::default()
                },
            )
            .unwrap()
    };
    exam("Branch-wide mock", None);
    let own = exam("Physics unit test", Some(batch));
    let test = sit(&f, &teacher, paper(&f, &teacher).id, batch);
    assert_eq!(test.sittings[0].event_id, Some(own.id), "the batch's own exam that day");
    assert_eq!(test.sittings[0].event_title, "Physics unit test");
    // Set for another day: no exam then, so none is tied.
    let moved = f
        .desk
        .set_test_sitting(
            &teacher,
            SetTestSitting {
                test_id: test.id,
                batch_id: batch,
                held_on: "21/06/2026".into(),
                event_id: None,
            },
        )
        .unwrap();
    assert_eq!(moved.sittings[0].event_id, None);
    assert_eq!(moved.sittings[0].held_on, "2026-06-21");
}
