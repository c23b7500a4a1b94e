//! The desk's `exports/` folder: files it saves for people to open (CSV
//! lists, receipts, slips, invoices, a lesson's attached file). Names
//! often come from synced rows another desk wrote (a file name, a
//! person's name, a receipt number), so every name is reduced to a safe
//! base name and the final path is checked to lie inside the folder.

use crate::{Desk, Result};
use branchdesk_api::{ApiError, ErrorCode};
use std::path::{Path, PathBuf};

/// The longest name saved, in bytes (file systems allow 255).
pub const NAME_MAX_BYTES: usize = 120;
/// The longest extension kept as one, in characters (`.xlsx`, `.json`).
const EXTENSION_MAX: usize = 10;

/// Names Windows keeps for devices, whatever their extension.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
    "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// `name` reduced to a base name that is safe on every desktop system: the
/// part after the last `/` or `\`, without control or invisible
/// characters, without characters Windows refuses (`<>:"|?*`, so no drive
/// letter or stream either), without leading or trailing dots and spaces,
/// not a device name, at most [`NAME_MAX_BYTES`] bytes with its extension
/// kept, and `fallback` when nothing is left.
pub fn safe_file_name(name: &str, fallback: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !crate::validate::is_invisible(*c))
        .map(|c| if c.is_control() || "<>:\"|?*".contains(c) { '_' } else { c })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.is_empty() || trimmed.chars().all(|c| c == '_') {
        return fallback.to_owned();
    }
    let stem = trimmed.split('.').next().unwrap_or_default().trim_end();
    let mut out = if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        format!("_{trimmed}")
    } else {
        trimmed.to_owned()
    };
    if out.len() > NAME_MAX_BYTES {
        out = shorten(&out);
    }
    out
}

/// Cuts a long name to [`NAME_MAX_BYTES`] on a character boundary,
/// keeping a short extension.
fn shorten(name: &str) -> String {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && !e.is_empty() && e.chars().count() <= EXTENSION_MAX => {
            (s, format!(".{e}"))
        }
        _ => (name, String::new()),
    };
    let room = NAME_MAX_BYTES - ext.len();
    let mut cut = room.min(stem.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    let stem = stem[..cut].trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    format!("{stem}{ext}")
}

/// The path `name` (already safe) takes in `dir`, checked to lie directly
/// inside it and not to be a link or folder.
fn path_inside(dir: &Path, name: &str) -> Result<PathBuf> {
    let outside = || ApiError::invalid("file_name", "This file cannot be saved under that name.");
    let dir = std::fs::canonicalize(dir)?;
    let path = dir.join(name);
    if path.parent() != Some(dir.as_path()) || path.file_name().and_then(|n| n.to_str()) != Some(name) {
        return Err(outside().into());
    }
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if !meta.file_type().is_file() => Err(outside().into()),
        _ => Ok(path),
    }
}

impl Desk {
    /// The folder saved files go to.
    pub fn exports_dir(&self) -> PathBuf {
        self.data_dir().join("exports")
    }

    /// Writes `bytes` to `exports/<file_name>` (replacing an older copy),
    /// the name first made safe ([`safe_file_name`]); answers the path.
    pub(crate) fn save_file(&self, file_name: &str, bytes: &[u8]) -> Result<PathBuf> {
        let dir = self.exports_dir();
        std::fs::create_dir_all(&dir)?;
        let path = path_inside(&dir, &safe_file_name(file_name, "file"))?;
        std::fs::write(&path, bytes)?;
        Ok(path)
    }

    /// Writes a file attached to a row (its name and base64 content, both
    /// from a synced row, so the name is made safe by [`Desk::save_file`])
    /// into `exports/`. Without content it is refused on `field` with `none`.
    pub(crate) fn save_attached(
        &self,
        file_name: &str,
        content_b64: Option<&str>,
        field: &str,
        none: &str,
    ) -> Result<branchdesk_api::commands::imports::SavedFile> {
        use base64::Engine;
        let bytes = content_b64
            .and_then(|c| base64::engine::general_purpose::STANDARD.decode(c.as_bytes()).ok())
            .ok_or_else(|| ApiError::invalid(field, none))?;
        let path = self.save_file(file_name, &bytes)?;
        Ok(branchdesk_api::commands::imports::SavedFile { path: path.display().to_string(), rows: 0 })
    }

    /// Prints `doc` as PDF into `exports/<file_name>`; answers the path.
    pub(crate) fn save_pdf(
        &self,
        file_name: &str,
        doc: &branchdesk_api::commands::money::Printable,
    ) -> Result<String> {
        let pdf = branchdesk_print::render(doc)?;
        Ok(self.save_file(file_name, &pdf)?.display().to_string())
    }

    /// A file this desk saved, checked before another program opens it:
    /// it must exist inside the exports folder (no `..`, no link out of it).
    pub fn saved_file(&self, path: &str) -> Result<PathBuf> {
        let outside = || ApiError::invalid("path", "Only files this desk saved can be opened from here.");
        if path.trim().is_empty() {
            return Err(ApiError::invalid("path", "Say which file to open.").into());
        }
        let dir = std::fs::canonicalize(self.exports_dir()).map_err(|_| outside())?;
        let file = std::fs::canonicalize(path.trim()).map_err(|_| {
            ApiError::new(ErrorCode::NotFound, "That file is no longer there; save it again.").on("path")
        })?;
        if !file.starts_with(&dir) || !file.is_file() {
            return Err(outside().into());
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hostile_names_become_plain_base_names() {
        let cases = [
            ("../x", "x"),
            ("/etc/x", "x"),
            ("C:\\x", "x"),
            ("..\\..\\x", "x"),
            ("C:x.pdf", "C_x.pdf"),
            ("notes.pdf:hidden", "notes.pdf_hidden"),
            ("a\0b\nc.txt", "a_b_c.txt"),
            ("..", "file"),
            ("", "file"),
            ("   ", "file"),
            ("/", "file"),
            ("...", "file"),
            (".bashrc", "bashrc"),
            ("report. ", "report"),
            ("CON", "_CON"),
            ("nul.txt", "_nul.txt"),
            ("invoice\u{202E}fdp.exe", "invoicefdp.exe"),
            ("पाठ १.pdf", "पाठ १.pdf"),
            ("Asha Rao's notes.pdf", "Asha Rao's notes.pdf"),
        ];
        for (hostile, safe) in cases {
            assert_eq!(safe_file_name(hostile, "file"), safe, "{hostile:?}");
        }
    }

    #[test]
    fn long_names_keep_their_extension_and_whole_characters() {
        let long = format!("{}.pdf", "x".repeat(1000));
        let safe = safe_file_name(&long, "file");
        assert_eq!(safe.len(), NAME_MAX_BYTES);
        assert!(safe.ends_with("xx.pdf"));
        let wide = "ज".repeat(1000);
        let safe = safe_file_name(&wide, "file");
        assert!(safe.len() <= NAME_MAX_BYTES && safe.chars().all(|c| c == 'ज'), "{safe}");
    }

    proptest! {
        #[test]
        fn any_name_is_one_plain_component(name in any::<String>()) {
            let safe = safe_file_name(&name, "file");
            prop_assert!(!safe.is_empty() && safe.len() <= NAME_MAX_BYTES);
            prop_assert!(!safe.contains(['/', '\\', ':', '\0']));
            prop_assert!(!safe.starts_with('.') && !safe.chars().any(char::is_control));
            let path = Path::new("exports").join(&safe);
            prop_assert_eq!(path.parent(), Some(Path::new("exports")));
        }
    }
}
