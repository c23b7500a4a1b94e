//! The director's comparison of branches (`compare_branches`): for a month,
//! each branch's students, seats, attendance, fees due and collected, and
//! what is overdue by age — the branches the person may see reports of,
//! side by side, and their total; the same as a PDF and (in `export.rs`) as
//! CSV; and money month by month (`get_money_trend`, the profit and loss of
//! each month).

use crate::db::read;
use crate::money::report::branch_month;
use crate::printing::Lines;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::dashboard::*;
use branchdesk_api::commands::money::{PrintStyle, Printable};
use branchdesk_api::ids::BranchId;
use branchdesk_api::Permission;
use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use serde::Deserialize;

impl Desk {
    pub fn compare_branches(&self, actor: &Actor, input: CompareBranches) -> Result<BranchComparison> {
        actor.require_somewhere(Permission::ViewReport)?;
        let today = self.today();
        let (from, to) = validate::month("month", &input.month, today)?;
        let db = self.db();
        let conn = &db.conn;
        let mut branches = Vec::new();
        for b in crate::org::store::all_branches(conn)? {
            if actor.can(Permission::ViewReport, Some(b.id)) {
                branches.push(figures(conn, b.id, b.name, (from, to), today)?);
            }
        }
        let total = BranchFigures::sum("All branches", &branches);
        Ok(BranchComparison { month: from.format("%Y-%m").to_string(), branches, total })
    }

    /// The profit and loss month by month, oldest first.
    pub fn get_money_trend(&self, actor: &Actor, input: GetMoneyTrend) -> Result<MoneyTrend> {
        match input.branch_id {
            Some(b) => actor.require(Permission::ViewReport, Some(b))?,
            None => actor.require_somewhere(Permission::ViewReport)?,
        }
        let count = match input.months {
            0 => 12,
            n if n <= MAX_TREND_MONTHS => n,
            _ => {
                return Err(branchdesk_api::ApiError::invalid(
                    "months",
                    format!("Show from 1 to {MAX_TREND_MONTHS} months."),
                )
                .into())
            }
        };
        let (last, _) = validate::month("until", &input.until, self.today())?;
        let mut months = Vec::new();
        for back in (0..count).rev() {
            let Some(first) = last.checked_sub_months(chrono::Months::new(back)) else { continue };
            let month = first.format("%Y-%m").to_string();
            let pl = self.get_profit_and_loss(
                actor,
                branchdesk_api::commands::money::GetProfitAndLoss { branch_id: input.branch_id, month },
            )?;
            let t = pl.total;
            months.push(MonthMoney {
                month: pl.month,
                fees_minor: t.fees_minor,
                reversals_minor: t.reversals_minor,
                salaries_minor: t.salaries_minor,
                expenses_minor: t.expenses_minor,
                net_minor: t.net_minor,
            });
        }
        Ok(MoneyTrend { months })
    }

    /// The comparison of a month as a PDF in the exports folder.
    pub fn save_comparison_pdf(&self, actor: &Actor, input: SaveComparisonPdf) -> Result<String> {
        let c = self.compare_branches(actor, CompareBranches { month: input.month })?;
        let doc = printable(&self.db().conn, &c)?;
        self.save_pdf(&format!("branches-{}.pdf", c.month), &doc)
    }
}

/// The comparison as printed lines: each branch, then the total.
fn printable(conn: &Connection, c: &BranchComparison) -> Result<Printable> {
    let mut p = Lines::organisation(conn)?;
    let month = NaiveDate::parse_from_str(&format!("{}-01", c.month), "%Y-%m-%d")
        .map(|d| d.format("%B %Y").to_string())
        .unwrap_or_else(|_| c.month.clone());
    p.line(PrintStyle::Heading, &format!("Branches compared, {month}"));
    let total = (c.branches.len() > 1).then_some(&c.total);
    for b in c.branches.iter().chain(total) {
        p.gap(8);
        p.line(PrintStyle::Strong, &b.branch_name);
        p.figure(PrintStyle::Text, "Students with an active enrolment", &b.active_students.to_string());
        let of = |part: u32, whole: u32, what: &str, bp: Option<u32>| match bp {
            Some(_) => format!("{} ({part} of {whole} {what})", percent_text(bp)),
            None => percent_text(bp),
        };
        p.figure(
            PrintStyle::Text,
            "Seats filled (batches running today)",
            &of(b.seats_taken, b.seats, "seats", b.fill_bp()),
        );
        p.figure(
            PrintStyle::Text,
            "Attendance in the month",
            &of(b.attended, b.marked, "marks", b.attendance_bp()),
        );
        p.row("Fees due in the month", b.due_minor);
        p.row("Collected in the month", b.collected_minor);
        p.figure(PrintStyle::Text, "Collected against due", &percent_text(b.collection_bp()));
        for (words, minor) in [
            ("Overdue 1–30 days", b.overdue.days_1_30_minor),
            ("Overdue 31–60 days", b.overdue.days_31_60_minor),
            ("Overdue 61–90 days", b.overdue.days_61_90_minor),
            ("Overdue over 90 days", b.overdue.over_90_minor),
        ] {
            p.row(words, minor);
        }
        p.total("Overdue today", b.overdue.total_minor());
    }
    p.gap(8);
    p.line(
        PrintStyle::Footnote,
        "Attendance: present or late among the month's marks, excused left out. Collected: receipts of the month \
         less its voids and refunds. Overdue: fees past their day and unpaid, as of the day this was printed.",
    );
    Ok(p.done(format!("Branches compared {}", c.month)))
}

/// One branch's figures for the month `from..to` (`to` excluded).
fn figures(
    conn: &Connection,
    branch: BranchId,
    name: String,
    (from, to): (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Result<BranchFigures> {
    let id = branch.to_string();
    #[derive(Deserialize)]
    struct People {
        active_students: u32,
        seats_taken: u32,
        seats: u32,
        attended: u32,
        marked: u32,
        due_minor: i64,
    }
    // Seats are those of the batches running today, whatever the month.
    let people: People = conn
        .prepare_cached(
            "SELECT
               (SELECT count(DISTINCT e.student_id) FROM enrolments e
                 WHERE e.branch_id = ?1 AND e.status = 'ACTIVE') AS active_students,
               (SELECT count(*) FROM enrolments e JOIN batches b ON b.id = e.batch_id
                 WHERE b.branch_id = ?1 AND b.active = 1 AND b.start_date <= ?4 AND b.end_date >= ?4
                   AND e.status = 'ACTIVE') AS seats_taken,
               (SELECT coalesce(sum(b.capacity), 0) FROM batches b
                 WHERE b.branch_id = ?1 AND b.active = 1 AND b.start_date <= ?4 AND b.end_date >= ?4) AS seats,
               (SELECT count(*) FROM attendance a
                 WHERE a.branch_id = ?1 AND a.date >= ?2 AND a.date < ?3
                   AND a.status IN ('PRESENT', 'LATE')) AS attended,
               (SELECT count(*) FROM attendance a
                 WHERE a.branch_id = ?1 AND a.date >= ?2 AND a.date < ?3
                   AND a.status <> 'EXCUSED') AS marked,
               (SELECT coalesce(sum(d.amount_minor), 0) FROM dues d
                 WHERE d.branch_id = ?1 AND d.cancelled_at IS NULL
                   AND d.due_on >= ?2 AND d.due_on < ?3) AS due_minor",
        )?
        .query_row((&id, from.to_string(), to.to_string(), today.to_string()), read::row)?;
    let month = branch_month(conn, branch, name.clone(), from, to)?;
    let mut overdue = Ageing::default();
    let yesterday = today - Duration::days(1);
    for ((due, ..), paid) in crate::money::unpaid_dues(conn, branch, NaiveDate::MIN, yesterday)? {
        overdue.add((today - due.due_on).num_days(), due.amount_minor - paid);
    }
    Ok(BranchFigures {
        branch_id: branch,
        branch_name: name,
        active_students: people.active_students,
        seats_taken: people.seats_taken,
        seats: people.seats,
        attended: people.attended,
        marked: people.marked,
        due_minor: people.due_minor,
        collected_minor: month.fees_minor - month.reversals_minor,
        overdue,
    })
}
