//! The receipt as a one-page A5 PDF: organisation header, student, what
//! was paid for, amount in figures and words, GST, method, collector,
//! pending amount and next due date, and any reversal. Text in the standard
//! Helvetica font (WinAnsi), so readers need no embedded font; characters
//! outside it print as '?'.

use super::store::ReceiptRow;
use crate::Result;
use branchdesk_api::amount;
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

    fn line(&mut self, size: f32, bold: bool, text: &str) {
        self.text(Self::LEFT, size, bold, text);
        self.y -= size + 6.0;
    }

    /// Words on the left, an amount right-aligned (approximately) at the edge.
    fn row(&mut self, words: &str, minor: i64) {
        let figure = amount::format(minor);
        self.text(Self::LEFT, 10.0, false, words);
        self.text(Self::RIGHT - figure.len() as f32 * 5.6, 10.0, false, &figure);
        self.y -= 16.0;
    }
}

pub fn receipt_pdf(conn: &Connection, r: &ReceiptRow, today: NaiveDate) -> Result<Vec<u8>> {
    let view = super::receipt_view(conn, r)?;
    let account = super::account(conn, r.student_id, today)?;
    let org = crate::org::store::organisation(conn)?.map(|o| o.name).unwrap_or_default();
    let branch = crate::org::store::branch_by_id(conn, r.branch_id)?;
    let branch_id = Some(branchdesk_api::ids::BranchId(r.branch_id));
    let gstin = crate::settings::effective_text(conn, keys::GSTIN, branch_id)?;
    let footer = crate::settings::effective_text(conn, keys::RECEIPT_FOOTER, branch_id)?;
    let student = crate::students::store::student_by_id(conn, r.student_id)?;

    let mut p = Page { content: Content::new(), y: 560.0 };
    p.line(16.0, true, &org);
    if let Some(b) = &branch {
        p.line(10.0, false, format!("{} {}", b.name, b.address).trim());
    }
    if !gstin.is_empty() {
        p.line(10.0, false, &format!("GSTIN {gstin}"));
    }
    p.y -= 8.0;
    p.line(13.0, true, &format!("Receipt {}", r.number));
    p.line(
        10.0,
        false,
        &format!("Date {}", crate::clock::local_time(r.collected_at).format("%d %b %Y, %H:%M")),
    );
    if let Some(s) = &student {
        p.line(10.0, false, &format!("Received from {} ({})", s.full_name, s.code));
    }
    p.y -= 6.0;
    for a in &view.allocations {
        p.row(&a.description, a.amount_minor);
    }
    if view.advance_minor > 0 {
        p.row("Advance (kept as credit)", view.advance_minor);
    }
    let rate = format!("{}.{:02} %", r.tax_rate_bp / 100, r.tax_rate_bp % 100);
    p.row(&format!("Taxable value (GST {rate} included)"), r.amount_minor - r.tax_minor);
    p.row(&format!("GST {rate}"), r.tax_minor);
    p.y -= 2.0;
    p.text(Page::LEFT, 11.0, true, "Amount received");
    let figure = amount::format(r.amount_minor);
    p.text(Page::RIGHT - figure.len() as f32 * 6.2, 11.0, true, &figure);
    p.y -= 17.0;
    p.line(9.0, false, &amount::in_words(r.amount_minor));
    let method = match &view.cheque_date {
        Some(d) => format!("{} {} dated {d}", view.method.label(), view.reference),
        None if view.reference.is_empty() => view.method.label().to_owned(),
        None => format!("{} {}", view.method.label(), view.reference),
    };
    p.line(10.0, false, &format!("Paid by {method}; collected by {}", view.collected_by));
    p.y -= 4.0;
    p.line(10.0, true, &format!("Pending amount {}", amount::format(account.pending_minor)));
    if let Some(next) = &account.next_due {
        p.line(
            10.0,
            false,
            &format!("Next due {} on {}", amount::format(next.amount_minor - next.paid_minor), next.due_on),
        );
    }
    for v in &view.reversals {
        p.line(
            10.0,
            true,
            &format!(
                "{} {} on {}: {}",
                v.kind.label(),
                amount::format(v.amount_minor),
                v.at.get(..10).unwrap_or_default(),
                v.reason
            ),
        );
    }
    if !footer.is_empty() {
        p.y -= 8.0;
        p.line(8.0, false, &footer);
    }

    Ok(document(p))
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
pub fn salary_slip_pdf(
    conn: &Connection,
    line: &super::payroll::SalaryLineRow,
    view: &branchdesk_api::commands::money::SalaryLine,
) -> Result<Vec<u8>> {
    let org = crate::org::store::organisation(conn)?.map(|o| o.name).unwrap_or_default();
    let branch = crate::org::store::branch_by_id(conn, line.branch_id)?.map(|b| b.name).unwrap_or_default();
    let mut p = Page { content: Content::new(), y: 560.0 };
    p.line(16.0, true, &org);
    p.line(10.0, false, &branch);
    p.y -= 8.0;
    p.line(13.0, true, &format!("Salary slip {}", line.month));
    p.line(10.0, false, &view.name);
    p.y -= 6.0;
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
    p.y -= 2.0;
    p.text(Page::LEFT, 11.0, true, "Total");
    let figure = amount::format(view.total_minor);
    p.text(Page::RIGHT - figure.len() as f32 * 6.2, 11.0, true, &figure);
    p.y -= 17.0;
    p.line(9.0, false, &amount::in_words(view.total_minor));
    match (&view.paid_at, view.paid_method) {
        (Some(at), Some(m)) => p.line(
            10.0,
            false,
            &format!(
                "Paid on {} by {} {} {}",
                at.get(..10).unwrap_or_default(),
                m.label(),
                view.paid_reference,
                view.payment_numbers.first().map(|n| format!("(payment {n})")).unwrap_or_default()
            ),
        ),
        _ => p.line(10.0, true, "Not paid yet"),
    }
    Ok(document(p))
}

/// An invoice: organisation, branch, GSTIN, number, date, student, period,
/// each fee, taxable value and GST, total in figures and words.
pub fn invoice_pdf(
    conn: &Connection,
    r: &super::invoices::InvoiceRow,
    view: &branchdesk_api::commands::money::Invoice,
) -> Result<Vec<u8>> {
    let org = crate::org::store::organisation(conn)?.map(|o| o.name).unwrap_or_default();
    let branch = crate::org::store::branch_by_id(conn, r.branch_id)?;
    let branch_id = Some(branchdesk_api::ids::BranchId(r.branch_id));
    let gstin = crate::settings::effective_text(conn, keys::GSTIN, branch_id)?;
    let student = crate::students::store::student_by_id(conn, r.student_id)?;
    let mut p = Page { content: Content::new(), y: 560.0 };
    p.line(16.0, true, &org);
    if let Some(b) = &branch {
        p.line(10.0, false, format!("{} {}", b.name, b.address).trim());
    }
    if !gstin.is_empty() {
        p.line(10.0, false, &format!("GSTIN {gstin}"));
    }
    p.y -= 8.0;
    p.line(13.0, true, &format!("Invoice {}", view.number));
    p.line(10.0, false, &format!("Date {}", crate::clock::local_time(r.issued_at).format("%d %b %Y")));
    if let Some(s) = &student {
        p.line(10.0, false, &format!("Billed to {} ({})", s.full_name, s.code));
    }
    p.line(10.0, false, &format!("For {} to {}", view.period_from, view.period_to));
    p.y -= 6.0;
    for l in &view.lines {
        p.row(&format!("{} (due {})", l.description, l.due_on), l.amount_minor);
    }
    let rate = format!("{}.{:02} %", r.tax_rate_bp / 100, r.tax_rate_bp % 100);
    p.row(&format!("Taxable value (GST {rate} included)"), r.total_minor - r.tax_minor);
    p.row(&format!("GST {rate}"), r.tax_minor);
    p.y -= 2.0;
    p.text(Page::LEFT, 11.0, true, "Total");
    let figure = amount::format(r.total_minor);
    p.text(Page::RIGHT - figure.len() as f32 * 6.2, 11.0, true, &figure);
    p.y -= 17.0;
    p.line(9.0, false, &amount::in_words(r.total_minor));
    Ok(document(p))
}
