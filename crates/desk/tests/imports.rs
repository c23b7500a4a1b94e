//! CSV: dry runs report every bad row by row and column and write nothing;
//! a commit is all or nothing; exports open in a spreadsheet safely.

mod common;

use branchdesk_api::commands::imports::*;
use branchdesk_api::commands::students::SaveStudent;
use branchdesk_api::ErrorCode;
use common::{api, fixture};

const GOOD: &str = "full_name,date_of_birth,phone,guardian_name,guardian_phone,guardian_relation
Asha Rao,2010-03-14,98450 10001,Lakshmi Rao,98450 20001,Mother
Vikram Rao,2012-07-01,,Lakshmi Rao,98450 20001,Mother
Meena Iyer,2005-01-20,98450 10003,,,
";

#[test]
fn a_dry_run_lists_every_bad_row_and_writes_nothing() {
    let f = fixture();
    let bad = "full_name,date_of_birth,phone,email,guardian_name,guardian_phone
Asha Rao,2010-03-14,98450 10001,,Lakshmi Rao,98450 20001
,2011-01-01,98450 10002,,P,98450 20002
Ravi,2030-01-01,98450 10004,ravi@,,
Kiran,2011-05-05,12,,Parent,98450 20005
Old Student,1990-01-01,98450 10006,,,
";
    let outbox = f.count("SELECT count(*) FROM outbox");
    let report = f
        .desk
        .import_csv(
            &f.director,
            ImportCsv { kind: ImportKind::Students, branch_id: f.branch, content: bad.into(), commit: false },
        )
        .unwrap();
    assert_eq!(report.rows, 5);
    let got: Vec<(u32, &str)> = report.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(got, vec![(3, "full_name"), (4, "date_of_birth"), (5, "phone")]);
    assert_eq!(report.written, 0);
    // Committing while rows are bad is refused and writes nothing either.
    let e = f.desk.import_csv(
        &f.director,
        ImportCsv { kind: ImportKind::Students, branch_id: f.branch, content: bad.into(), commit: true },
    );
    let e = api(e.unwrap_err());
    assert!(e.is_for("content"));
    assert!(e.message.contains("3 row(s)"), "{}", e.message);
    assert_eq!(f.count("SELECT count(*) FROM students"), 0);
    assert_eq!(f.count("SELECT count(*) FROM outbox"), outbox);
}

#[test]
fn a_commit_writes_every_row_siblings_share_a_guardian_and_duplicates_are_reported() {
    let f = fixture();
    f.desk
        .save_student(
            &f.director,
            SaveStudent {
                branch_id: f.branch,
                full_name: "Meena I.".into(),
                phone: "+91 98450 10003".into(),
                date_of_birth: "2000-01-01".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let dry = f
        .desk
        .import_csv(
            &f.director,
            ImportCsv {
                kind: ImportKind::Students,
                branch_id: f.branch,
                content: GOOD.into(),
                commit: false,
            },
        )
        .unwrap();
    assert!(dry.errors.is_empty(), "{:?}", dry.errors);
    assert_eq!(dry.possible_duplicates.len(), 1);
    assert_eq!(dry.possible_duplicates[0].row, 4);
    let done = f
        .desk
        .import_csv(
            &f.director,
            ImportCsv {
                kind: ImportKind::Students,
                branch_id: f.branch,
                content: format!("\u{FEFF}{GOOD}"),
                commit: true,
            },
        )
        .unwrap();
    assert_eq!(done.written, 3);
    assert_eq!(f.count("SELECT count(*) FROM students"), 4);
    assert_eq!(f.count("SELECT count(*) FROM guardians"), 1, "the siblings' mother is one guardian");
    assert_eq!(f.count("SELECT count(*) FROM student_guardians"), 2);
    // Imported students are searchable at once.
    let hits = f
        .desk
        .search_students(
            &f.director,
            branchdesk_api::commands::students::SearchStudents { query: "vikr".into(), limit: 0 },
        )
        .unwrap();
    assert_eq!(hits.len(), 1);
}

#[test]
fn wrong_columns_wrong_encoding_and_leads_with_unknown_courses() {
    let f = fixture();
    let import = |kind, content: &str| {
        f.desk
            .import_csv(
                &f.director,
                ImportCsv { kind, branch_id: f.branch, content: content.into(), commit: false },
            )
            .map_err(api)
    };
    let e = import(ImportKind::Students, "name,mobile\nAsha,1\n").unwrap_err();
    assert!(e.message.contains("missing column(s): full_name"), "{}", e.message);
    let e = import(ImportKind::Students, "full_name\nAsh\u{FFFD}\n").unwrap_err();
    assert!(e.message.contains("UTF-8"), "{}", e.message);
    let leads = "full_name,phone,course_code,next_follow_up
Rohan,98860 10001,NOPE,
Maya,98860 10002,,2020-01-01
Dev,98860 10001,,
";
    let report = import(ImportKind::Leads, leads).unwrap();
    let got: Vec<(u32, &str)> = report.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(got, vec![(2, "course_code"), (3, "next_follow_up")]);
    assert_eq!(report.possible_duplicates.len(), 1, "{:?}", report.possible_duplicates);
    assert_eq!(report.possible_duplicates[0].row, 4);
    // Someone who may not admit students cannot import them.
    let (_, teacher) = f.staff("t@example.com", "TEACHER", Some(f.branch));
    let e = f.desk.import_csv(
        &teacher,
        ImportCsv { kind: ImportKind::Students, branch_id: f.branch, content: GOOD.into(), commit: false },
    );
    assert_eq!(api(e.unwrap_err()).code, ErrorCode::PermissionDenied);
}

#[test]
fn exports_have_a_bom_and_neutralise_formulas_and_templates_import_cleanly() {
    let f = fixture();
    f.desk
        .save_student(
            &f.director,
            SaveStudent {
                branch_id: f.branch,
                full_name: "=HYPERLINK(\"http://evil\")".into(),
                phone: "+91 98450 10009".into(),
                date_of_birth: "2000-01-01".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let saved = f
        .desk
        .export_csv(
            &f.director,
            ExportCsv { list: ExportList::Students, branch_id: f.branch, ..Default::default() },
        )
        .unwrap();
    assert_eq!(saved.rows, 1);
    let text = std::fs::read_to_string(&saved.path).unwrap();
    assert!(text.starts_with("\u{FEFF}code,full_name"));
    assert!(text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""), "{text}");
    assert!(text.contains("'+91 98450 10009"), "{text}");
    for kind in [ImportKind::Students, ImportKind::Leads] {
        let t = f.desk.save_csv_template(&f.director, SaveCsvTemplate { kind }).unwrap();
        let content = std::fs::read_to_string(&t.path).unwrap();
        let report = f
            .desk
            .import_csv(&f.director, ImportCsv { kind, branch_id: f.branch, content, commit: false })
            .unwrap();
        let course_missing = report.errors.iter().all(|e| e.column == "course_code");
        assert!(report.errors.is_empty() || course_missing, "{kind:?}: {:?}", report.errors);
    }
}

#[test]
fn a_running_import_reports_its_progress_without_waiting_for_it() {
    let f = fixture();
    let mut csv = String::from("full_name,date_of_birth,phone\n");
    for i in 0..3000 {
        csv.push_str(&format!("Student {i},2000-01-01,9{:09}\n", 100_000_000 + i));
    }
    assert_eq!(f.desk.import_progress().total, 0, "nothing runs yet");
    let mut seen = Vec::new();
    std::thread::scope(|scope| {
        let run = scope.spawn(|| {
            f.desk.import_csv(
                &f.director,
                ImportCsv {
                    kind: ImportKind::Students,
                    branch_id: f.branch,
                    content: csv.clone(),
                    commit: true,
                },
            )
        });
        while !run.is_finished() {
            let p = f.desk.import_progress();
            if p.total > 0 {
                seen.push(p);
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        assert_eq!(run.join().unwrap().unwrap().written, 3000);
    });
    assert!(!seen.is_empty(), "progress was readable while the import ran");
    assert!(seen.iter().all(|p| p.total == 3000 && p.done <= 3000));
    assert_eq!(f.desk.import_progress().total, 0, "and cleared after it");
}
