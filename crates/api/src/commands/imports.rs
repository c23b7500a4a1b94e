//! CSV in and out: templates, dry-run imports with every row's errors,
//! all-or-nothing commits, and exports of lists.

use super::command;
use crate::ids::{BatchId, BranchId};
use serde::{Deserialize, Serialize};

/// The largest file an import takes (about 100,000 students).
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// Students, each with up to one guardian.
    #[default]
    Students,
    Leads,
    /// Students' outstanding dues and past payments, when switching over.
    OpeningBalances,
}

/// A problem with one cell (or a whole row when `column` is empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// 1-based, counting the header as row 1 (as a spreadsheet shows it).
    pub row: u32,
    pub column: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Data rows in the file.
    pub rows: u32,
    /// Rows that cannot be imported; a commit is refused while any remain.
    pub errors: Vec<RowProblem>,
    /// Rows that look like someone already here (or earlier in the file);
    /// imported anyway, listed for review.
    pub possible_duplicates: Vec<RowProblem>,
    /// Rows written (0 on a dry run).
    pub written: u32,
}

/// Checks a CSV file (dry run, `commit: false`: nothing is written) or
/// imports it (`commit: true`: every row in one transaction, or none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportCsv {
    pub kind: ImportKind,
    pub branch_id: BranchId,
    /// The file's text (UTF-8; a byte-order mark is fine).
    pub content: String,
    pub commit: bool,
}
command!(ImportCsv => "import_csv", Permission -> ImportReport);

/// Where a written file went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    pub path: String,
    pub rows: u32,
}

/// Opens a file the desk saved (a receipt's PDF, an export) with the
/// program the computer uses for it. Only files in the desk's exports folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpenSavedFile {
    pub path: String,
}
command!(OpenSavedFile => "open_saved_file", Session -> ());

/// Writes the template for an import (header and one example row) to the
/// desk's exports folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveCsvTemplate {
    pub kind: ImportKind,
}
command!(SaveCsvTemplate => "save_csv_template", Permission -> SavedFile);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportList {
    #[default]
    Students,
    Leads,
    /// A batch's students (needs `batch_id`).
    Roster,
    /// A month's attendance per student (`month`, and `batch_id` if given).
    Attendance,
    /// Branches compared for a month (`month`; every branch the person may
    /// see reports of, and the total).
    BranchComparison,
}

/// Writes a list as CSV (UTF-8 with a byte-order mark, cells that a
/// spreadsheet would run as a formula neutralised) to the exports folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportCsv {
    pub list: ExportList,
    pub branch_id: BranchId,
    pub batch_id: Option<BatchId>,
    /// YYYY-MM for the attendance export; empty: this month.
    pub month: String,
}
command!(ExportCsv => "export_csv", Permission -> SavedFile);

/// How far the import running on this desk is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    /// Rows checked (or, while `writing`, rows written).
    pub done: u32,
    /// The file's rows; 0 when no import runs.
    pub total: u32,
    pub writing: bool,
}

/// Counts only, so any signed-in person may ask; answered without waiting
/// for the import's database lock.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetImportProgress {}
command!(GetImportProgress => "get_import_progress", Session -> ImportProgress);
