//! What a receipt, salary slip and invoice say, line by line
//! ([`Printable`]): organisation header, student or person, what was paid
//! for, amounts in figures and words, GST, method, collector, pending
//! amount and next due date, reversals. The print crate draws the PDF from
//! these lines and the print view shows the same lines, so what prints is
//! what is saved.

use super::store::ReceiptRow;
use crate::printing::Lines;
use crate::Result;
use branchdesk_api::amount;
use branchdesk_api::commands::money::{PrintStyle, Printable};
use branchdesk_api::dates;
use branchdesk_api::settings as keys;
use chrono::NaiveDate;
use rusqlite::Connection;

pub fn receipt(conn: &Connection, r: &ReceiptRow, today: NaiveDate) -> Result<Printable> {
    let view = super::receipt_view(conn, r)?;
    let account = super::account(conn, r.student_id, today)?;
    let footer = crate::settings::effective_text(conn, keys::RECEIPT_FOOTER, Some(r.branch_id))?;
    let student = crate::students::store::student_by_id(conn, r.student_id)?;

    let mut p = Lines::headed(conn, r.branch_id, true)?;
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

/// A salary slip: organisation, branch, person, month, each part of the
/// pay, adjustments, total in figures and words, and how it was paid.
pub fn salary_slip(
    conn: &Connection,
    line: &super::payroll::SalaryLineRow,
    view: &branchdesk_api::commands::money::SalaryLine,
) -> Result<Printable> {
    let mut p = Lines::headed(conn, line.branch_id, false)?;
    p.line(PrintStyle::Heading, &format!("Salary slip {}", line.month));
    p.line(PrintStyle::Text, &view.name);
    p.gap(6);
    p.line(PrintStyle::Strong, "Earnings");
    let itemised = view.basic_minor != 0 || view.allowances_minor != 0;
    if itemised {
        p.row("Basic pay", view.basic_minor);
        if view.allowances_minor != 0 {
            p.row("Allowances", view.allowances_minor);
        }
        if view.unpaid_days > 0 {
            p.row(&format!("Unpaid leave, {} days", view.unpaid_days), -view.leave_deduction_minor);
        }
    } else if view.fixed_minor != 0 {
        p.row("Fixed salary", view.fixed_minor);
    }
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
    p.total("Gross pay", view.gross_minor);
    if view.deductions_minor != 0 {
        p.gap(4);
        p.line(PrintStyle::Strong, "Deductions");
        for (label, v) in [
            ("Provident fund (employee)", view.pf_employee_minor),
            ("ESI (employee)", view.esi_employee_minor),
            ("Professional tax", view.pt_minor),
            ("TDS (income tax)", view.tds_minor),
            ("Advance recovered", view.advance_recovery_minor),
        ] {
            if v != 0 {
                p.row(label, v);
            }
        }
        p.total("Total deductions", view.deductions_minor);
    }
    p.gap(2);
    p.total("Net pay", view.total_minor);
    p.line(PrintStyle::Small, &amount::in_words(view.total_minor));
    if view.pf_employer_minor != 0 || view.esi_employer_minor != 0 {
        let currency = p.currency.clone();
        p.line(
            PrintStyle::Small,
            &format!(
                "Paid by the employer besides: provident fund {}, ESI {}",
                amount::format_in(&currency, view.pf_employer_minor),
                amount::format_in(&currency, view.esi_employer_minor)
            ),
        );
    }
    p.gap(4);
    p.line(PrintStyle::Strong, "Year to date");
    p.row("Gross pay", view.ytd_gross_minor);
    p.row("Deductions", view.ytd_deductions_minor);
    p.row("Net pay", view.ytd_net_minor);
    p.gap(4);
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
    let student = crate::students::store::student_by_id(conn, r.student_id)?;
    let mut p = Lines::headed(conn, r.branch_id, true)?;
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
