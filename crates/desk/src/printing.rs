//! A printed document's lines, in order, under the organisation's header:
//! receipts, salary slips and invoices (`money/documents.rs`) and report
//! cards (`report_cards.rs`) are built with it; the print crate draws the
//! PDF from the lines and the print view shows the same lines.

use crate::Result;
use branchdesk_api::commands::money::{PrintLine, PrintStyle, Printable};
use branchdesk_api::ids::BranchId;
use branchdesk_api::settings as keys;
use rusqlite::Connection;

/// Builds a document's lines in order.
pub(crate) struct Lines {
    lines: Vec<PrintLine>,
    space: u8,
    /// The organisation's currency, for the figures.
    pub(crate) currency: String,
}

impl Lines {
    /// The organisation's name at the top, then its branch: with the
    /// address and the branch's GSTIN (receipts and invoices), or only the
    /// branch's name (salary slips).
    pub(crate) fn headed(conn: &Connection, branch_id: BranchId, with_address: bool) -> Result<Lines> {
        let org = crate::org::store::organisation(conn)?;
        let branch = crate::org::store::branch_by_id(conn, branch_id)?;
        let mut p = Lines {
            lines: Vec::new(),
            space: 0,
            currency: org.as_ref().map(|o| o.currency.clone()).unwrap_or_default(),
        };
        p.line(PrintStyle::Title, &org.map(|o| o.name).unwrap_or_default());
        if !with_address {
            p.line(PrintStyle::Text, &branch.map(|b| b.name).unwrap_or_default());
        } else {
            if let Some(b) = &branch {
                p.line(PrintStyle::Text, format!("{} {}", b.name, b.address).trim());
            }
            let gstin = crate::settings::effective_text(conn, keys::GSTIN, Some(branch_id))?;
            if !gstin.is_empty() {
                p.line(PrintStyle::Text, &format!("GSTIN {gstin}"));
            }
        }
        p.gap(8);
        Ok(p)
    }

    /// The organisation's name at the top, for a document of no one
    /// branch (the comparison of branches).
    pub(crate) fn organisation(conn: &Connection) -> Result<Lines> {
        let org = crate::org::store::organisation(conn)?;
        let mut p = Lines {
            lines: Vec::new(),
            space: 0,
            currency: org.as_ref().map(|o| o.currency.clone()).unwrap_or_default(),
        };
        p.line(PrintStyle::Title, &org.map(|o| o.name).unwrap_or_default());
        p.gap(8);
        Ok(p)
    }

    pub(crate) fn gap(&mut self, points: u8) {
        self.space = self.space.saturating_add(points);
    }

    pub(crate) fn push(&mut self, style: PrintStyle, text: &str, amount_minor: Option<i64>) {
        let space_before = std::mem::take(&mut self.space);
        self.lines.push(PrintLine {
            style,
            text: text.to_owned(),
            amount_minor,
            space_before,
            figure: String::new(),
        });
    }

    pub(crate) fn line(&mut self, style: PrintStyle, text: &str) {
        self.push(style, text, None);
    }

    pub(crate) fn row(&mut self, words: &str, minor: i64) {
        self.push(PrintStyle::Text, words, Some(minor));
    }

    pub(crate) fn total(&mut self, words: &str, minor: i64) {
        self.push(PrintStyle::Total, words, Some(minor));
    }

    /// Words on the left, a figure that is not money (marks) on the right.
    pub(crate) fn figure(&mut self, style: PrintStyle, words: &str, figure: &str) {
        let space_before = std::mem::take(&mut self.space);
        self.lines.push(PrintLine {
            style,
            text: words.to_owned(),
            amount_minor: None,
            space_before,
            figure: figure.to_owned(),
        });
    }

    pub(crate) fn done(self, title: String) -> Printable {
        Printable { title, currency: self.currency, lines: self.lines }
    }
}
