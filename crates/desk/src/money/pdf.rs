//! The receipt as a one-page A5 PDF: organisation header, student, what
//! was paid for, amount in figures and words, GST, method, collector,
//! pending amount and next due date, and any reversal. Text in the standard
//! Helvetica font (WinAnsi), so readers need no embedded font; characters
//! outside it print as '?'.

use super::store::ReceiptRow;
use crate::Result;
use branchdesk_api::amount;
use branchdesk_api::commands::money::{PrintLine, PrintStyle, Printable};
use branchdesk_api::dates;
use branchdesk_api::settings as keys;
use chrono::NaiveDate;
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};
use rusqlite::Connection;

/// Text as WinAnsi bytes (Latin-1 covers it for what receipts print).
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '–' | '—' => b'-',
            '₹' => b'?',
            c if (c as u32) < 0x100 => c as u32 as u8,
            _ => b'?',
        })
        .collect()
}

/// Builds a document's lines in order.
#[derive(Default)]
struct Lines {
    lines: Vec<PrintLine>,
    space: u8,
}

impl Lines {
    fn gap(&mut self, points: u8) {
        self.space = self.space.saturating_add(points);
    }

    fn push(&mut self, style: PrintStyle, text: &str, amount_minor: Option<i64>) {
        let space_before = std::mem::take(&mut self.space);
        self.lines.push(PrintLine { style, text: text.to_owned(), amount_minor, space_before });
    }

    fn line(&mut self, style: PrintStyle, text: &str) {
        self.push(style, text, None);
    }

    fn row(&mut self, words: &str, minor: i64) {
        self.push(PrintStyle::Text, words, Some(minor));
    }

    fn total(&mut self, words: &str, minor: i64) {
        self.push(PrintStyle::Total, words, Some(minor));
    }

    fn done(self, title: String) -> Printable {
        Printable { title, lines: self.lines }
    }
}

struct Page {
    content: Content,
    y: f32,
}

impl Page {
    const LEFT: f32 = 40.0;
    const RIGHT: f32 = 380.0;

    fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        self.content.begin_text();
        self.content.set_font(Name(if bold { b"F2" } else { b"F1" }), size);
        self.content.next_line(x, self.y);
        self.content.show(Str(&win_ansi(text)));
        self.content.end_text();
    }

    /// Words on the left, an amount right-aligned (approximately) at the edge.
    fn amount(&mut self, size: f32, bold: bool, words: &str, minor: i64) {
        let figure = amount::format(minor);
        let width = if bold { 6.2 } else { 5.6 };
        self.text(Self::LEFT, size, bold, words);
        self.text(Self::RIGHT - figure.len() as f32 * width, size, bold, &figure);
    }
}

/// A document as one A5 page.
pub fn render(doc: &Printable) -> Vec<u8> {
    let mut p = Page { content: Content::new(), y: 560.0 };
    for l in &doc.lines {
        p.y -= f32::from(l.space_before);
        let (size, bold) = match l.style {
            PrintStyle::Title => (16.0, true),
            PrintStyle::Heading => (13.0, true),
            PrintStyle::Text => (10.0, false),
            PrintStyle::Strong => (10.0, true),
            PrintStyle::Small => (9.0, false),
            PrintStyle::Footnote => (8.0, false),
            PrintStyle::Total => (11.0, true),
        };
        match l.amount_minor {
            Some(minor) => {
                p.amount(size, bold, &l.text, minor);
                p.y -= size + 6.0;
            }
            None => {
                p.text(Page::LEFT, size, bold, &l.text);
                p.y -= size + 6.0;
            }
        }
    }
    document(p)
}

pub fn receipt(conn: &Connection, r: &ReceiptRow, today: NaiveDate) -> Result<Printable> {
    let view = super::receipt_view(conn, r)?;
    let account = super::account(conn, r.student_id, today)?;
    let org = crate::org::store::organisation(conn)?.map(|o| o.name).unwrap_or_default();
    let branch = crate::org::store::branch_by_id(conn, r.branch_id)?;
    let branch_id = Some(r.branch_id);
    let gstin = crate::settings::effective_text(conn, keys::GSTIN, branch_id)?;
    let footer = crate::settings::effective_text(conn, keys::RECEIPT_FOOTER, branch_id)?;
    let student = crate::students::store::student_by_id(conn, r.student_id)?;

    let mut p = Lines::default();
    p.line(PrintStyle::Title, &org);
    if let Some(b) = &branch {
        p.line(PrintStyle::Text, format!("{} {}", b.name, b.address).trim());
    }
    if !gstin.is_empty() {
        p.line(PrintStyle::Text, &format!("GSTIN {gstin}"));
    }
    p.gap(8);
    p.line(PrintStyle::Heading, &format!("Receipt {}", r.number));
    p.line(
        PrintStyle::Text,
        &format!("Date {}", crate::clock::local_time(r.collected_at).format("%d %b %Y, %H:%M")),
    );
    if let Some(s) = &student {
        p.line(PrintStyle::Text, &format!("Received from {} ({})", s.full_name, s.code));
    }
    p.gap(6);
    for a in &view.allocations {
        p.row(&a.description, a.amount_minor);
    }
    if view.advance_minor > 0 {
        p.row("Advance (kept as credit)", view.advance_minor);
    }
    let rate = format!("{}.{:02} %", r.tax_rate_bp / 100, r.tax_rate_bp % 100);
    p.row(&format!("Taxable value (GST {rate} included)"), r.amount_minor - r.tax_minor);
    p.row(&format!("GST {rate}"), r.tax_minor);
    p.gap(2);
    p.total("Amount received", r.amount_minor);
    p.line(PrintStyle::Small, &amount::in_words(r.amount_minor));
    let method = match &view.cheque_date {
        Some(d) => format!("{} {} dated {}", view.method.label(), view.reference, dates::long(d)),
        None if view.reference.is_empty() => view.method.label().to_owned(),
        None => format!("{} {}", view.method.label(), view.reference),
    };
    p.line(PrintStyle::Text, &format!("Paid by {method}; collected by {}", view.collected_by));
    p.gap(4);
    p.line(PrintStyle::Strong, &format!("Pending amount {}", amount::format(account.pending_minor)));
    if let Some(next) = &account.next_due {
        p.line(
            PrintStyle::Text,
            &format!(
                "Next due {} on {}",
                amount::format(next.amount_minor - next.paid_minor),
                dates::long(&next.due_on)
            ),
        );
    }
    for v in &view.reversals {
        p.line(
            PrintStyle::Strong,
            &format!(
                "{} {} on {}: {}",
                v.kind.label(),
                amount::format(v.amount_minor),
                dates::long(v.at.get(..10).unwrap_or_default()),
                v.reason
            ),
        );
    }
    if !footer.is_empty() {
        p.gap(8);
        p.line(PrintStyle::Footnote, &footer);
    }

    Ok(p.done(format!("Receipt {}", r.number)))
}

/// One A5 page with the two standard fonts, as PDF bytes.
fn document(p: Page) -> Vec<u8> {
    let (catalog, tree, page, regular, bold, content) =
        (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5), Ref::new(6));
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut pg = pdf.page(page);
    pg.media_box(Rect::new(0.0, 0.0, 420.0, 595.0));
    pg.parent(tree);
    pg.contents(content);
    {
        let mut resources = pg.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
    }
    drop(pg);
    pdf.type1_font(regular).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.stream(content, &p.content.finish());
    pdf.finish()
}

/// A salary slip: organisation, branch, person, month, each part of the
/// pay, adjustments, total in figures and words, and how it was paid.
pub fn salary_slip(
    conn: &Connection,
    line: &super::payroll::SalaryLineRow,
    view: &branchdesk_api::commands::money::SalaryLine,
) -> Result<Printable> {
    let org = crate::org::store::organisation(conn)?.map(|o| o.name).unwrap_or_default();
    let branch = crate::org::store::branch_by_id(conn, line.branch_id)?.map(|b| b.name).unwrap_or_default();
    let mut p = Lines::default();
    p.line(PrintStyle::Title, &org);
    p.line(PrintStyle::Text, &branch);
    p.gap(8);
    p.line(PrintStyle::Heading, &format!("Salary slip {}", line.month));
    p.line(PrintStyle::Text, &view.name);
    p.gap(6);
    p.row("Fixed salary", view.fixed_minor);
    if view.batch_fixed_minor != 0 {
        p.row("Batches (fixed monthly)", view.batch_fixed_minor);
    }
    if view.sessions_taught > 0 {
        p.row(&format!("{} sessions taught", view.sessions_taught), view.session_minor);
    }
    if view.students > 0 {
        p.row(&format!("Commission on {} students", view.students), view.commission_minor);
    }
    if view.adjustments_minor != 0 {
        p.row(&format!("Adjustments: {}", view.adjustment_note), view.adjustments_minor);
    }
    p.gap(2);
    p.total("Total", view.total_minor);
    p.line(PrintStyle::Small, &amount::in_words(view.total_minor));
    match (&view.paid_at, view.paid_method) {
        (Some(at), Some(m)) => p.line(
            PrintStyle::Text,
            &format!(
                "Paid on {} by {} {} {}",
                dates::long(at.get(..10).unwrap_or_default()),
                m.label(),
                view.paid_reference,
                view.payment_numbers.first().map(|n| format!("(payment {n})")).unwrap_or_default()
            ),
        ),
        _ => p.line(PrintStyle::Strong, "Not paid yet"),
    }
    Ok(p.done(format!("Salary slip {} · {}", line.month, view.name)))
}

/// An invoice: organisation, branch, GSTIN, number, date, student, period,
/// each fee, taxable value and GST, total in figures and words.
pub fn invoice(
    conn: &Connection,
    r: &super::invoices::InvoiceRow,
    view: &branchdesk_api::commands::money::Invoice,
) -> Result<Printable> {
    let org = crate::org::store::organisation(conn)?.map(|o| o.name).unwrap_or_default();
    let branch = crate::org::store::branch_by_id(conn, r.branch_id)?;
    let branch_id = Some(r.branch_id);
    let gstin = crate::settings::effective_text(conn, keys::GSTIN, branch_id)?;
    let student = crate::students::store::student_by_id(conn, r.student_id)?;
    let mut p = Lines::default();
    p.line(PrintStyle::Title, &org);
    if let Some(b) = &branch {
        p.line(PrintStyle::Text, format!("{} {}", b.name, b.address).trim());
    }
    if !gstin.is_empty() {
        p.line(PrintStyle::Text, &format!("GSTIN {gstin}"));
    }
    p.gap(8);
    p.line(PrintStyle::Heading, &format!("Invoice {}", view.number));
    p.line(PrintStyle::Text, &format!("Date {}", crate::clock::local_time(r.issued_at).format("%d %b %Y")));
    if let Some(s) = &student {
        p.line(PrintStyle::Text, &format!("Billed to {} ({})", s.full_name, s.code));
    }
    p.line(
        PrintStyle::Text,
        &format!("For {} to {}", dates::long(&view.period_from), dates::long(&view.period_to)),
    );
    p.gap(6);
    for l in &view.lines {
        p.row(&format!("{} (due {})", l.description, dates::long(&l.due_on)), l.amount_minor);
    }
    let rate = format!("{}.{:02} %", r.tax_rate_bp / 100, r.tax_rate_bp % 100);
    p.row(&format!("Taxable value (GST {rate} included)"), r.total_minor - r.tax_minor);
    p.row(&format!("GST {rate}"), r.tax_minor);
    p.gap(2);
    p.total("Total", r.total_minor);
    p.line(PrintStyle::Small, &amount::in_words(r.total_minor));
    Ok(p.done(format!("Invoice {}", view.number)))
}
