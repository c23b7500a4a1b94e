//! Every document the app prints, as PDF: receipts, salary slips and
//! invoices today, report cards and reports as they come. A document is a
//! [`Printable`] (lines with a style and perhaps a figure); this crate lays
//! it out on A5 pages, shapes each line in the Noto font its script needs
//! (`text.rs`, `fonts.rs`) and writes a PDF that embeds only the glyphs
//! used, with the text behind them so that copying or `pdftotext` gives
//! back exactly what was printed.
//!
//! Why krilla: it embeds and subsets TrueType fonts, writes the ToUnicode
//! maps and marked text that make shaped Indian scripts extract correctly,
//! and builds on the pdf-writer the tree already had; writing those by
//! hand is the error-prone part of a PDF layer. Shaping is rustybuzz (a
//! port of HarfBuzz, no C), which krilla uses too.

mod fonts;
mod page;
mod text;

use branchdesk_api::commands::money::Printable;

/// Why a document could not be written. Not a user's mistake: every text
/// prints (characters no font draws print as boxes).
#[derive(Debug, thiserror::Error)]
#[error("the document could not be written as PDF: {0}")]
pub struct PrintError(String);

/// The document as PDF bytes: A5 pages, as many as its lines need.
pub fn render(doc: &Printable) -> Result<Vec<u8>, PrintError> {
    page::render(doc)
}
