//! CSV imports: read the file (UTF-8, header row), check every row with the
//! same rules the forms use, report each problem by row and column, and
//! write nothing unless asked to commit, then everything in one
//! transaction.

mod balances;
mod leads;
mod students;

use crate::{Actor, Desk, Result};
use branchdesk_api::commands::imports::{
    ImportCsv, ImportKind, ImportProgress, ImportReport, RowProblem, SaveCsvTemplate, SavedFile,
    MAX_IMPORT_BYTES,
};
use branchdesk_api::{ApiError, Permission};
use std::collections::HashMap;

/// How far the running import is: rows checked, then rows written, of the
/// file's rows. Read without the database lock while an import runs.
#[derive(Default)]
pub struct Progress {
    done: std::sync::atomic::AtomicU32,
    total: std::sync::atomic::AtomicU32,
    writing: std::sync::atomic::AtomicBool,
}

impl Progress {
    pub(crate) fn start(&self, total: usize) {
        use std::sync::atomic::Ordering::Relaxed;
        self.done.store(0, Relaxed);
        self.total.store(total as u32, Relaxed);
        self.writing.store(false, Relaxed);
    }
    pub(crate) fn step(&self) {
        self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    pub(crate) fn writing(&self) {
        use std::sync::atomic::Ordering::Relaxed;
        self.done.store(0, Relaxed);
        self.writing.store(true, Relaxed);
    }
    pub(crate) fn finish(&self) {
        self.total.store(0, std::sync::atomic::Ordering::Relaxed);
    }
    pub fn read(&self) -> ImportProgress {
        use std::sync::atomic::Ordering::Relaxed;
        ImportProgress {
            done: self.done.load(Relaxed),
            total: self.total.load(Relaxed),
            writing: self.writing.load(Relaxed),
        }
    }
}

/// One data row: its spreadsheet row number and its cells by column name.
#[derive(Debug)]
pub(crate) struct CsvRow {
    pub number: u32,
    pub cells: HashMap<String, String>,
}

impl CsvRow {
    pub fn get(&self, column: &str) -> String {
        self.cells.get(column).cloned().unwrap_or_default()
    }
}

/// The columns of an import: all it knows, and those that must be there.
pub(crate) struct Columns {
    pub all: &'static [&'static str],
    pub required: &'static [&'static str],
    pub example: &'static [&'static str],
}

/// Reads `content` against `columns`; a problem with the file as a whole
/// is an error naming `content`.
pub(crate) fn read(content: &str, columns: &Columns) -> Result<Vec<CsvRow>, ApiError> {
    if content.len() > MAX_IMPORT_BYTES {
        return Err(ApiError::invalid(
            "content",
            format!(
                "The file is {:.1} MB; an import takes at most {} MB. Split it into smaller files.",
                content.len() as f64 / 1_048_576.0,
                MAX_IMPORT_BYTES / 1_048_576
            ),
        ));
    }
    if content.contains('\u{FFFD}') || content.contains('\0') {
        return Err(ApiError::invalid(
            "content",
            "The file is not UTF-8 text. In your spreadsheet choose Save As → “CSV UTF-8”, then import that file.",
        ));
    }
    let text = content.strip_prefix('\u{FEFF}').unwrap_or(content);
    let mut reader =
        csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ApiError::invalid("content", format!("The header row cannot be read: {e}.")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(ApiError::invalid("content", "The file is empty. Start from the template."));
    }
    let unknown: Vec<&str> = header.iter().map(String::as_str).filter(|h| !columns.all.contains(h)).collect();
    let missing: Vec<&str> =
        columns.required.iter().copied().filter(|c| !header.iter().any(|h| h == c)).collect();
    if !unknown.is_empty() || !missing.is_empty() {
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("missing column(s): {}", missing.join(", ")));
        }
        if !unknown.is_empty() {
            parts.push(format!("unknown column(s): {}", unknown.join(", ")));
        }
        return Err(ApiError::invalid(
            "content",
            format!(
                "The columns do not match the template ({}). Expected: {}.",
                parts.join("; "),
                columns.all.join(", ")
            ),
        ));
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let number = i as u32 + 2;
        let record =
            record.map_err(|e| ApiError::invalid("content", format!("Row {number} cannot be read: {e}.")))?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() > header.len() {
            return Err(ApiError::invalid(
                "content",
                format!(
                    "Row {number} has {} cells but the header has {}; check for stray commas.",
                    record.len(),
                    header.len()
                ),
            ));
        }
        // A line break inside a cell reads as `\n` whichever system wrote it.
        let cells = header.iter().cloned().zip(record.iter().map(one_line_end)).collect();
        rows.push(CsvRow { number, cells });
    }
    if rows.is_empty() {
        return Err(ApiError::invalid("content", "The file has a header but no rows to import."));
    }
    Ok(rows)
}

/// `cell` with Windows (`\r\n`) and old Mac (`\r`) line breaks as `\n`.
fn one_line_end(cell: &str) -> String {
    cell.replace("\r\n", "\n").replace('\r', "\n")
}

/// For each phone number in `columns` of the file, the first row with it
/// (even a row with problems: a clerk fixing it should know of the pair).
pub(crate) fn first_rows_by_phone(rows: &[CsvRow], columns: &[&str]) -> HashMap<String, u32> {
    let mut first = HashMap::new();
    for row in rows {
        for c in columns {
            let key = crate::students::phone_key(&row.get(c));
            if key.len() >= 7 {
                first.entry(key).or_insert(row.number);
            }
        }
    }
    first
}

/// "Same phone as row N" when an earlier row has `phone`.
pub(crate) fn same_phone(
    row: &CsvRow,
    column: &str,
    phone: &str,
    first: &HashMap<String, u32>,
) -> Option<RowProblem> {
    let earlier = *first.get(&crate::students::phone_key(phone))?;
    (earlier < row.number).then(|| RowProblem {
        row: row.number,
        column: column.into(),
        message: format!("Same phone as row {earlier}."),
    })
}

/// A row's problem from a checker's error: the column is the error's field
/// as named in the file.
pub(crate) fn problem(row: &CsvRow, e: crate::Error, column_of: impl Fn(&str) -> String) -> RowProblem {
    let e: ApiError = e.into();
    RowProblem {
        row: row.number,
        column: e.field.as_deref().map(column_of).unwrap_or_default(),
        message: e.message,
    }
}

pub(crate) fn template(columns: &Columns) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(columns.all);
    let _ = w.write_record(columns.example);
    let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    format!("\u{FEFF}{body}")
}

impl Desk {
    pub fn import_csv(&self, actor: &Actor, input: ImportCsv) -> Result<ImportReport> {
        let needs = match input.kind {
            ImportKind::Students => Permission::ManageStudent,
            ImportKind::Leads => Permission::ManageLead,
            ImportKind::OpeningBalances => Permission::CollectPayment,
        };
        actor.require(needs, Some(input.branch_id))?;
        let result = match input.kind {
            ImportKind::Students => students::import(self, actor, &input),
            ImportKind::Leads => leads::import(self, actor, &input),
            ImportKind::OpeningBalances => balances::import(self, actor, &input),
        };
        self.import_progress.finish();
        result
    }

    /// How far the import running on this desk is (total 0: none runs).
    /// Counts only, read without the database lock the import holds.
    pub fn import_progress(&self) -> ImportProgress {
        self.import_progress.read()
    }

    pub fn save_csv_template(&self, actor: &Actor, input: SaveCsvTemplate) -> Result<SavedFile> {
        let (needs, columns, name) = match input.kind {
            ImportKind::Students => (Permission::ManageStudent, &students::COLUMNS, "students-template"),
            ImportKind::Leads => (Permission::ManageLead, &leads::COLUMNS, "enquiries-template"),
            ImportKind::OpeningBalances => {
                (Permission::CollectPayment, &balances::COLUMNS, "opening-balances-template")
            }
        };
        actor.require_somewhere(needs)?;
        let path = self.save_export(name, &template(columns))?;
        Ok(SavedFile { path, rows: 1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: Columns =
        Columns { all: &["full_name", "phone"], required: &["full_name"], example: &["Asha", "98450 12345"] };

    #[test]
    fn files_are_checked_as_a_whole_before_any_row() {
        assert!(read("", &COLS).unwrap_err().is_for("content"));
        assert!(read("full_name,phone\n", &COLS).unwrap_err().message.contains("no rows"));
        let wrong = read("name,mobile\nAsha,1\n", &COLS).unwrap_err();
        assert!(wrong.message.contains("missing column(s): full_name"), "{}", wrong.message);
        assert!(wrong.message.contains("unknown column(s): name, mobile"), "{}", wrong.message);
        assert!(read("full_name\nAsh\u{FFFD}\n", &COLS).unwrap_err().message.contains("UTF-8"));
        let big = "x".repeat(MAX_IMPORT_BYTES + 1);
        assert!(read(&big, &COLS).unwrap_err().message.contains("at most 10 MB"));
        let ragged = read("full_name,phone\nAsha,1,2\n", &COLS).unwrap_err();
        assert!(ragged.message.contains("Row 2 has 3 cells"), "{}", ragged.message);
    }

    #[test]
    fn rows_keep_their_spreadsheet_numbers_and_quoted_commas() {
        let rows =
            read("\u{FEFF}Full_Name,phone\n\"Rao, Asha\",98450\n,\n\"Line\nbreak\",1\n", &COLS).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].number, 2);
        assert_eq!(rows[0].get("full_name"), "Rao, Asha");
        assert_eq!(rows[1].number, 4, "the blank row 3 is skipped but counted");
        assert_eq!(rows[1].get("full_name"), "Line\nbreak");
    }

    #[test]
    fn the_template_has_a_bom_a_header_and_an_example() {
        let t = template(&COLS);
        assert!(t.starts_with("\u{FEFF}full_name,phone\n"));
        assert_eq!(read(&t, &COLS).unwrap().len(), 1);
    }
}
