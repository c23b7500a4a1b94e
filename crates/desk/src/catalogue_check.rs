//! The api's table catalogue (`api::tables`, what the server checks ops
//! against) equals the schema a desk migrates to and the row structs its
//! write path sends: a migration or a row field that adds a column without
//! the catalogue fails here.

use crate::db::read::fields;
use crate::write::Record;
use branchdesk_api::tables::{Type, TABLES};
use std::collections::{BTreeMap, BTreeSet};

/// The fields of the row struct the write path uses for `table`.
fn row_fields(table: &str) -> &'static [&'static str] {
    macro_rules! rows {
        ($($row:ty),* $(,)?) => {
            $( if <$row as Record>::TABLE == table { return fields::<$row>(); } )*
        };
    }
    use crate::academics::courses::{CourseRow, RoadmapRow};
    use crate::academics::curricula::store::{
        AssignmentRow, CurriculumRow, LessonRow, ModuleRow, ResourceRow,
    };
    use crate::assessment::bank::QuestionRow;
    use crate::assessment::quizzes::store::{AttemptRow, PublicationRow, QuizRow, ResponseRow};
    use crate::assessment::store::{MarkRow as TestMarkRow, PaperTestRow, SectionRow, SittingRow};
    use crate::attachments::store::AttachmentRow;
    use crate::attendance::store::{AttendanceRow, MarkRow, SessionLessonRow};
    use crate::leads::{ActivityRow, LeadRow};
    use crate::learning::{BookmarkRow, HighlightRow, SubmissionRow};
    use crate::money::daybook::CashClosingRow;
    use crate::money::expenses::ExpenseRow;
    use crate::money::invoices::InvoiceRow;
    use crate::money::payroll::{SalaryConfigRow, SalaryLineRow};
    use crate::money::reviews::MoneyReviewRow;
    use crate::money::salary_payments::SalaryPaymentRow;
    use crate::money::salary_structure::{AdvanceRow, ComponentRow};
    use crate::money::store::{AllocationRow, DueRow, ReceiptRow, ReversalRow};
    use crate::notifications::NotificationRow;
    use crate::org::store::{BranchRow, OrganisationRow};
    use crate::roles::store::RoleRow;
    use crate::rooms::RoomRow;
    use crate::settings::SettingRow;
    use crate::students::store::{EnrolmentLogRow, EnrolmentRow, GuardianRow, LinkRow, StudentRow};
    use crate::students::transfer::TransferRow;
    use crate::timetable::rates::CommissionRateRow;
    use crate::timetable::store::{BatchRow, EventRow, SessionRow};
    use crate::users::grants::GrantRow;
    use crate::users::profiles::ProfileRow;
    use crate::users::store::UserRow;
    rows!(
        OrganisationRow,
        BranchRow,
        UserRow,
        RoleRow,
        GrantRow,
        RoomRow,
        SettingRow,
        CourseRow,
        RoadmapRow,
        CurriculumRow,
        ModuleRow,
        LessonRow,
        ResourceRow,
        AssignmentRow,
        BatchRow,
        SessionRow,
        EventRow,
        StudentRow,
        GuardianRow,
        LinkRow,
        EnrolmentRow,
        EnrolmentLogRow,
        LeadRow,
        ActivityRow,
        AttendanceRow,
        MarkRow,
        SessionLessonRow,
        NotificationRow,
        SubmissionRow,
        BookmarkRow,
        HighlightRow,
        ProfileRow,
        TransferRow,
        DueRow,
        ReceiptRow,
        AllocationRow,
        ReversalRow,
        CashClosingRow,
        ExpenseRow,
        SalaryConfigRow,
        SalaryLineRow,
        InvoiceRow,
        SalaryPaymentRow,
        MoneyReviewRow,
        AttachmentRow,
        ComponentRow,
        AdvanceRow,
        CommissionRateRow,
        PaperTestRow,
        SectionRow,
        SittingRow,
        TestMarkRow,
        QuestionRow,
        QuizRow,
        PublicationRow,
        AttemptRow,
        ResponseRow,
    );
    panic!("{table} has no row struct listed here (a `Record` of that table)")
}

/// `CHECK (col IN ('A', 'B'))` in a table's CREATE statement: col → values.
fn check_in_lists(sql: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let mut rest = sql;
    while let Some(at) = rest.find("CHECK (") {
        rest = &rest[at + "CHECK (".len()..];
        let Some((col, tail)) = rest.split_once(" IN (") else { continue };
        if col.contains(' ') {
            continue;
        }
        let Some((list, _)) = tail.split_once(')') else { continue };
        let values = list.split(',').map(|v| v.trim().trim_matches('\'').to_owned()).collect();
        out.insert(col.to_owned(), values);
    }
    out
}

#[test]
fn the_catalogue_equals_the_migrated_schema_and_the_row_structs() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::db::Db::open(dir.path(), &crate::clock::SystemClock, crate::KeyStore::File).unwrap();
    let conn = &db.conn;
    for t in TABLES {
        let declared: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
        // (name, type, not null, default, primary key)
        let schema: Vec<(String, String, bool, bool, bool)> = conn
            .prepare(&format!("PRAGMA table_info({})", t.name))
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get("name")?,
                    r.get("type")?,
                    r.get("notnull")?,
                    r.get::<_, Option<String>>("dflt_value")?.is_some(),
                    r.get::<_, i64>("pk")? > 0,
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(!schema.is_empty(), "{} is in the catalogue but not in the schema", t.name);
        let names: Vec<&str> = schema.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(declared, names, "{}: the catalogue's columns, in order, are the schema's", t.name);
        let mut row: Vec<&str> = row_fields(t.name).to_vec();
        let mut sorted = declared.clone();
        row.sort_unstable();
        sorted.sort_unstable();
        assert_eq!(row, sorted, "{}: the row struct's fields are the catalogue's columns", t.name);

        for (c, (name, ty, not_null, default, pk)) in t.columns.iter().zip(&schema) {
            let sql_type = match c.ty {
                Type::Integer | Type::Bool => "INTEGER",
                Type::Uuid | Type::Text | Type::Date | Type::Time | Type::Json => "TEXT",
            };
            assert_eq!(ty, sql_type, "{}.{name}: type", t.name);
            assert_eq!(c.null, !(*not_null || *pk), "{}.{name}: NULL allowed", t.name);
            assert_eq!(c.default, *default, "{}.{name}: has a DEFAULT", t.name);
        }

        let fks: BTreeSet<(String, String)> = conn
            .prepare(&format!("PRAGMA foreign_key_list({})", t.name))
            .unwrap()
            .query_map([], |r| Ok((r.get::<_, String>("from")?, r.get::<_, String>("table")?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let declared_fks: BTreeSet<(String, String)> = t
            .columns
            .iter()
            .filter_map(|c| c.references.map(|r| (c.name.to_owned(), r.to_owned())))
            .collect();
        assert_eq!(declared_fks, fks, "{}: foreign keys", t.name);

        let sql: String = conn
            .query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", [t.name], |r| {
                r.get("sql")
            })
            .unwrap();
        for (col, values) in check_in_lists(&sql) {
            let c = t.column(&col).unwrap_or_else(|| panic!("{}.{col}: CHECK on an unknown column", t.name));
            let declared: BTreeSet<String> =
                c.values.unwrap_or_default().iter().map(|v| (*v).to_owned()).collect();
            assert_eq!(declared, values, "{}.{col}: allowed values are the CHECK's", t.name);
        }
    }
    // And every synced table of the schema is in the catalogue.
    assert_eq!(crate::db::guard::SYNCED_TABLES.len(), TABLES.len());
}
