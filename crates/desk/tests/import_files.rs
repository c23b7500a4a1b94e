//! CSV files as spreadsheets and phones really write them (a byte-order
//! mark, Windows, Unix and old Mac line ends in one file, quotes inside
//! quotes, line breaks in a cell), files too large, and any text at all:
//! each answers rows or a typed error naming `content`, never a panic,
//! and a dry run writes nothing.

mod common;

use branchdesk_api::commands::imports::*;
use branchdesk_api::ErrorCode;
use common::{api, fixture, Fixture};
use proptest::prelude::*;

fn dry_run(f: &Fixture, kind: ImportKind, content: String) -> Result<ImportReport, branchdesk_api::ApiError> {
    f.desk
        .import_csv(&f.director, ImportCsv { kind, branch_id: f.branch, content, commit: false })
        .map_err(api)
}

#[test]
fn a_bom_mixed_line_ends_and_quoted_cells_read_as_rows() {
    let f = fixture();
    let file = "\u{FEFF}full_name,phone,notes\r\n\
                \"Rao, Asha\",98450 10001,\"said \"\"call after 6\"\"\"\n\
                Vikram Rao,98450 10002,\"two\r\nlines\"\r\
                Meena Iyer,98450 10003,\n";
    let report = dry_run(&f, ImportKind::Students, file.into()).unwrap();
    assert_eq!(report.rows, 3, "{report:?}");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.written, 0);
    assert_eq!(f.count("SELECT count(*) FROM students"), 0, "a dry run writes nothing");
}

#[test]
fn a_quote_left_open_or_a_stray_cell_is_a_typed_error() {
    let f = fixture();
    for file in [
        "full_name,phone\n\"Asha Rao,98450 10001\nVikram,98450 10002\n",
        "full_name,phone\nAsha,98450 10001,extra\n",
        "\u{FEFF}",
        "\u{FEFF}\r\n\r\n",
        "full_name,phone\r\n",
    ] {
        match dry_run(&f, ImportKind::Students, file.into()) {
            Ok(report) => assert_eq!(report.written, 0, "{file:?}"),
            Err(e) => assert!(e.code == ErrorCode::Invalid && e.is_for("content"), "{file:?}: {e:?}"),
        }
    }
}

#[test]
fn a_file_one_byte_over_ten_megabytes_is_refused_naming_the_content() {
    let f = fixture();
    let header = "full_name,phone\n";
    let row = "Asha Rao,98450 10001\n";
    let mut file = String::from(header);
    while file.len() + row.len() <= MAX_IMPORT_BYTES {
        file.push_str(row);
    }
    file.push_str(&"x".repeat(MAX_IMPORT_BYTES + 1 - file.len()));
    assert_eq!(file.len(), MAX_IMPORT_BYTES + 1);
    for kind in [ImportKind::Students, ImportKind::Leads, ImportKind::OpeningBalances] {
        let e = dry_run(&f, kind, file.clone()).unwrap_err();
        assert!(e.is_for("content") && e.message.contains("at most 10 MB"), "{e:?}");
    }
}

/// Text the strategies favour: the characters CSV gives meaning to.
fn csv_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "(\u{FEFF}|\u{202A}|\r|\n|\r\n|\"|,|;|[a-z0-9 ]|ज|😀|=|-|/){0,80}",]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_text_under_any_header_is_rows_or_a_typed_error(
        body in csv_text(),
        kind in prop_oneof![Just(ImportKind::Students), Just(ImportKind::Leads), Just(ImportKind::OpeningBalances)],
        with_header in any::<bool>(),
    ) {
        let f = fixture();
        let header = match kind {
            ImportKind::Students => "full_name,date_of_birth,phone,guardian_name,guardian_phone\n",
            ImportKind::Leads => "full_name,phone,guardian_name,source,next_follow_up\n",
            ImportKind::OpeningBalances => "student_code,kind,date,amount,method\n",
        };
        let content = if with_header { format!("{header}{body}") } else { body };
        match dry_run(&f, kind, content) {
            Ok(report) => prop_assert_eq!(report.written, 0),
            Err(e) => prop_assert!(e.code == ErrorCode::Invalid && e.is_for("content"), "{:?}", e),
        }
    }
}
