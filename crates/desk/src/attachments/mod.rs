//! Files attached to records, one mechanism for every owner (a student's
//! hand-in, an expense's bill): a file is checked (size, kind told by its
//! content, a name that agrees with the kind), kept once per SHA-256 on
//! the desk, and described by a synced `attachments` row in its owner's
//! branch. The sync client uploads the files the server lacks before it
//! pushes rows (`Desk::blobs_to_upload`), and a desk that pulled a row
//! fetches the file when someone opens it (`open_files.rs`).
//!
//! Owners check who may attach and open; this module knows no owner.

pub(crate) mod store;

use crate::write::Write;
use crate::{Desk, Result};
use branchdesk_api::commands::attachments::{
    kinds_named, size_text, AttachmentOwner, FileUpload, FILE_KINDS, MAX_FILE_BYTES,
};
use branchdesk_api::ids::BranchId;
use branchdesk_api::ApiError;
use store::AttachmentRow;
use uuid::Uuid;

/// A file checked and ready to attach.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// One of [`FILE_KINDS`]: media type, name endings, what people call it.
type Kind = (&'static str, &'static [&'static str], &'static str);

/// The kind of file `bytes` hold, told by their content; None: not a kind
/// the desk takes. Text is UTF-8 without control characters other than
/// line breaks, tabs and form feeds.
pub fn kind_of(bytes: &[u8]) -> Option<&'static Kind> {
    let media_type = match infer::get(bytes) {
        Some(t) => t.mime_type(),
        None => {
            let text = std::str::from_utf8(bytes).ok()?;
            if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) {
                return None;
            }
            "text/plain"
        }
    };
    FILE_KINDS.iter().find(|k| k.0 == media_type)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes).as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// A file chosen in a form, checked: None when none was chosen. Every
/// error names `field`.
pub fn checked(field: &str, file: &FileUpload) -> std::result::Result<Option<NewFile>, ApiError> {
    use base64::Engine;
    if file.is_empty() {
        return Ok(None);
    }
    let name = file.file_name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid(field, "The file has no name; choose it again."));
    }
    if name.chars().count() > 120 {
        return Err(ApiError::invalid(
            field,
            "The file's name is too long; rename it to at most 120 characters.",
        ));
    }
    if name.contains(['/', '\\']) || name.starts_with('.') || name.chars().any(crate::validate::is_invisible)
    {
        return Err(ApiError::invalid(field, "Use a plain file name, without folders."));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file.content_b64.as_bytes())
        .map_err(|_| ApiError::invalid(field, "The file could not be read; choose it again."))?;
    if bytes.is_empty() {
        return Err(ApiError::invalid(field, "The file is empty."));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ApiError::invalid(
            field,
            format!(
                "The file is {}; attach at most {}.",
                size_text(bytes.len() as u64),
                size_text(MAX_FILE_BYTES as u64)
            ),
        ));
    }
    let Some((media_type, endings, kind)) = kind_of(&bytes) else {
        return Err(ApiError::invalid(field, format!("Attach a {} only.", kinds_named())));
    };
    let name = match name.rsplit_once('.') {
        Some((_, ext)) if endings.iter().any(|e| e.eq_ignore_ascii_case(ext)) => name.to_owned(),
        Some((_, ext)) if ext.len() <= 5 && !ext.contains(' ') => {
            return Err(ApiError::invalid(
                field,
                format!(
                    "This file is a {kind}, but its name ends in .{ext}. Rename it to end in .{}.",
                    endings[0]
                ),
            ))
        }
        _ => format!("{name}.{}", endings[0]),
    };
    let sha256 = sha256_hex(&bytes);
    Ok(Some(NewFile { name, media_type, bytes, sha256 }))
}

/// Attaches `file` to a record in the same transaction as the record's own
/// change: the file is kept (once per hash) and its row written.
pub(crate) fn attach(
    w: &mut Write<'_>,
    file: &NewFile,
    branch: BranchId,
    owner_table: AttachmentOwner,
    owner_id: Uuid,
) -> Result<AttachmentRow> {
    let now = w.now();
    store::keep_blob(w.tx(), &file.sha256, &file.bytes, false, now)?;
    let row = AttachmentRow {
        id: Uuid::now_v7(),
        branch_id: branch,
        owner_table,
        owner_id,
        file_name: file.name.clone(),
        media_type: file.media_type.to_owned(),
        size_bytes: file.bytes.len() as u64,
        sha256: file.sha256.clone(),
        added_by: w.author(),
        removed_at: None,
        created_at: now,
        updated_at: now,
    };
    w.insert(&row)?;
    Ok(row)
}

/// What the sync client asks of the files (the server's side of them is
/// `POST /v1/blobs/put/{sha256}` and `POST /v1/blobs/get`).
impl Desk {
    /// The SHA-256 of each file the server does not hold yet, oldest
    /// first: uploaded before the rows that name them are pushed.
    pub fn blobs_to_upload(&self) -> Result<Vec<String>> {
        store::not_uploaded(&self.db().conn)
    }

    /// A file this desk holds, by its SHA-256.
    pub fn blob_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        store::blob(&self.db().conn, sha256)
    }

    /// The server holds the file now.
    pub fn blob_uploaded(&self, sha256: &str) -> Result<()> {
        store::mark_uploaded(&self.db().conn, sha256)
    }

    /// Keeps a file fetched from the server for an attachment, if it is
    /// the file the row names (its SHA-256); a different one is refused.
    pub fn keep_fetched_blob(&self, attachment: Uuid, bytes: &[u8]) -> Result<()> {
        let db = self.db();
        let row = store::by_id(&db.conn, attachment)?.ok_or_else(|| ApiError::not_found("file").on("id"))?;
        if sha256_hex(bytes) != row.sha256 {
            return Err(ApiError::conflict(
                "The server sent a different file than the one attached; nothing was kept.",
            )
            .into());
        }
        store::keep_blob(&db.conn, &row.sha256, bytes, true, self.clock().now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn upload(name: &str, bytes: &[u8]) -> FileUpload {
        FileUpload {
            file_name: name.into(),
            content_b64: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    #[test]
    fn a_file_is_told_by_its_content_and_its_name_must_agree() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF";
        let f = checked("file", &upload("bill.pdf", pdf)).unwrap().unwrap();
        assert_eq!((f.media_type, f.name.as_str()), ("application/pdf", "bill.pdf"));
        assert_eq!(f.sha256, sha256_hex(pdf));
        assert_eq!(f.sha256.len(), 64);
        // A name without an ending gets the kind's.
        assert_eq!(checked("file", &upload("scan", pdf)).unwrap().unwrap().name, "scan.pdf");
        let e = checked("file", &upload("bill.exe", pdf)).unwrap_err();
        assert!(e.message.contains("ends in .exe"), "{}", e.message);
        assert!(e.is_for("file"));
        let text = checked("file", &upload("essay.TXT", "नमस्ते\nessay\ttext".as_bytes())).unwrap().unwrap();
        assert_eq!(text.media_type, "text/plain");
        // An executable, or text with control characters, is refused.
        let e = checked("file", &upload("x.txt", b"MZ\x90\x00\x03\x00\x00\x00")).unwrap_err();
        assert!(e.message.starts_with("Attach a PDF"), "{}", e.message);
        assert!(checked("file", &upload("x.txt", b"ab\x00cd")).is_err());
    }

    #[test]
    fn size_emptiness_and_names_with_folders_are_refused_by_field() {
        assert!(checked("file", &FileUpload::default()).unwrap().is_none());
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        let e = checked("bill", &upload("big.txt", &big)).unwrap_err();
        assert!(e.is_for("bill") && e.message.contains("at most 10.0 MB"), "{}", e.message);
        assert!(checked("file", &upload("a.txt", b"")).unwrap_err().message.contains("empty"));
        for bad in ["../x.txt", "C:\\x.txt", ".hidden.txt", "a\u{202e}txt.exe"] {
            assert!(checked("file", &upload(bad, b"hi")).is_err(), "{bad}");
        }
        let e = checked("file", &FileUpload { file_name: "a.txt".into(), content_b64: "%%%".into() })
            .unwrap_err();
        assert!(e.message.contains("could not be read"));
    }
}
