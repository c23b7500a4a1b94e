//! Files attached to records (a student's hand-in, an expense's bill): one
//! mechanism for every owner. A file is stored once per content hash and
//! synced apart from its row: desks pull the row, and fetch the file from
//! the server when someone opens it.

use super::command;
use serde::{Deserialize, Serialize};

/// The largest file a person may attach.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of file the desk takes, told by their content (not their
/// name): media type, the name endings it may carry (the first is given to
/// a name without one), and what a person calls it.
pub const FILE_KINDS: &[(&str, &[&str], &str)] = &[
    ("application/pdf", &["pdf"], "PDF"),
    ("image/jpeg", &["jpg", "jpeg"], "JPEG photo"),
    ("image/png", &["png"], "PNG image"),
    ("image/webp", &["webp"], "WebP image"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", &["docx"], "Word document"),
    ("text/plain", &["txt"], "text file"),
];

/// "PDF, JPEG photo, … or text file": for a field's hint and errors.
pub fn kinds_named() -> String {
    let names: Vec<&str> = FILE_KINDS.iter().map(|(_, _, n)| *n).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

crate::wire::wire_enum! {
    /// The tables a file can be attached to.
    pub enum AttachmentOwner {
        #[default]
        Submissions = "submissions" => "Hand-in",
        Expenses = "expenses" => "Expense bill",
    }
}

/// A file chosen in a form: its name and its bytes as base64. Empty: none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileUpload {
    pub file_name: String,
    pub content_b64: String,
}

impl FileUpload {
    /// No file was chosen (an empty file has a name).
    pub fn is_empty(&self) -> bool {
        self.content_b64.is_empty() && self.file_name.trim().is_empty()
    }
}

/// An attached file as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: uuid::Uuid,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: u64,
    /// The file is on this desk; false: it is fetched from the server when
    /// opened ("not downloaded yet" while offline).
    pub on_desk: bool,
    pub added_on: String,
}

/// Saves an attached file into the desk's exports folder (fetching it from
/// the server first when this desk does not hold it); answers where.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpenAttachment {
    pub id: uuid::Uuid,
}
command!(OpenAttachment => "open_attachment", Permission -> super::imports::SavedFile);

/// "2.4 MB", "830 KB": a file's size as people read it.
pub fn size_text(bytes: u64) -> String {
    if bytes >= 1_048_576 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_as_a_list_and_sizes_as_people_say_them() {
        assert!(kinds_named().starts_with("PDF, JPEG photo"));
        assert!(kinds_named().ends_with(" or text file"));
        assert_eq!(size_text(1), "1 KB");
        assert_eq!(size_text(830 * 1024), "830 KB");
        assert_eq!(size_text(2_516_582), "2.4 MB");
    }
}
