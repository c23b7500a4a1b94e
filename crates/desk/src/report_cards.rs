//! A student's report card for a term, as lines to print or save as PDF:
//! the organisation's header, the tests of the term with marks, rank and
//! percentile, attendance per batch, assignments handed in, and the
//! teacher's remarks. Above `assessment`, `attendance` and `learning`,
//! whose records it reads.

use crate::printing::Lines;
use crate::students::store::StudentRow;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::assessment::{GetReportCard, SaveReportCard};
use branchdesk_api::commands::money::{PrintStyle, Printable};
use branchdesk_api::dates;
use branchdesk_api::marks;
use branchdesk_api::{ApiError, Permission};
use chrono::{Months, NaiveDate};
use rusqlite::Connection;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The longest remarks a card prints.
const REMARKS_MAX: usize = 1_000;

#[derive(Deserialize)]
struct HandedIn {
    title: String,
    max_marks: i64,
    marks: Option<i64>,
    submitted_on: NaiveDate,
}

/// A share in hundredths of a percent as printed: 9050 → "90.5%".
fn percent(bp: u64) -> String {
    format!("{}%", marks::format(bp as i64))
}

/// The card's lines for `student` from `from` to `to` (both included).
pub(crate) fn report_card(
    conn: &Connection,
    student: &StudentRow,
    (from, to): (NaiveDate, NaiveDate),
    remarks: &str,
    today: NaiveDate,
) -> Result<Printable> {
    let in_term = |iso: &str| iso.parse::<NaiveDate>().is_ok_and(|d| d >= from && d <= to);
    let mut p = Lines::headed(conn, student.branch_id, false)?;
    p.line(PrintStyle::Heading, "Report card");
    p.line(PrintStyle::Strong, &format!("{} ({})", student.full_name, student.code));
    p.line(
        PrintStyle::Text,
        &format!("Term: {} to {}", dates::long(&from.to_string()), dates::long(&to.to_string())),
    );

    p.gap(8);
    p.line(PrintStyle::Strong, "Tests");
    let tests: Vec<_> = crate::assessment::record::student_marks(conn, student.id)?
        .into_iter()
        .filter(|t| in_term(&t.held_on))
        .rev()
        .collect();
    if tests.is_empty() {
        p.line(PrintStyle::Text, "No tests in this term.");
    }
    for t in &tests {
        let figure = match (t.total_hundredths, t.rank, t.percentile_hundredths) {
            (Some(total), Some(rank), Some(pct)) => format!(
                "{} / {} · rank {rank} of {} · {} percentile",
                marks::format(total),
                marks::format(t.max_hundredths),
                t.ranked,
                marks::format(i64::from(pct))
            ),
            _ => "absent".to_owned(),
        };
        p.figure(PrintStyle::Text, &format!("{}, {}", t.test_name, dates::long(&t.held_on)), &figure);
        if t.sections.len() > 1 {
            let parts: Vec<String> = t
                .sections
                .iter()
                .map(|(name, got, max)| match got {
                    Some(v) => format!("{name} {} / {}", marks::format(*v), marks::format(*max)),
                    None => format!("{name} absent"),
                })
                .collect();
            p.line(PrintStyle::Small, &parts.join(" · "));
        }
    }

    p.gap(8);
    p.line(PrintStyle::Strong, "Attendance");
    let attendance = crate::attendance::report::student_attendance(conn, student.id)?;
    let mut by_batch: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for l in attendance.lines.iter().filter(|l| in_term(&l.date)) {
        let e = by_batch.entry(l.batch_name.clone()).or_default();
        e.1 += 1;
        if l.status.attended() {
            e.0 += 1;
        }
    }
    if by_batch.is_empty() {
        p.line(PrintStyle::Text, "No classes marked in this term.");
    }
    let (mut came, mut held) = (0, 0);
    for (batch, (attended, marked)) in &by_batch {
        came += attended;
        held += marked;
        p.figure(
            PrintStyle::Text,
            batch,
            &format!("{attended} of {marked} classes · {}", percent(attended * 10_000 / marked)),
        );
    }
    if by_batch.len() > 1 {
        p.figure(
            PrintStyle::Strong,
            "All classes",
            &format!("{came} of {held} · {}", percent(came * 10_000 / held.max(1))),
        );
    }

    let mut stmt = conn.prepare_cached(
        "SELECT a.title, a.max_marks, s.marks, s.submitted_on
         FROM submissions s JOIN assignments a ON a.id = s.assignment_id
         WHERE s.student_id = ?1 AND s.submitted_on >= ?2 AND s.submitted_on <= ?3
         ORDER BY s.submitted_on, a.title",
    )?;
    let handed: Vec<HandedIn> =
        crate::db::read::all(&mut stmt, (student.id.to_string(), from.to_string(), to.to_string()))?;
    if !handed.is_empty() {
        p.gap(8);
        p.line(PrintStyle::Strong, "Assignments");
        for h in &handed {
            let figure = match h.marks {
                Some(m) => format!("{m} / {}", h.max_marks),
                None => "not marked yet".to_owned(),
            };
            p.figure(
                PrintStyle::Text,
                &format!("{}, handed in {}", h.title, dates::long(&h.submitted_on.to_string())),
                &figure,
            );
        }
    }

    p.gap(8);
    p.line(PrintStyle::Strong, "Teacher's remarks");
    if remarks.trim().is_empty() {
        // Room to write them by hand.
        for _ in 0..3 {
            p.line(PrintStyle::Text, &"_".repeat(60));
        }
    } else {
        p.line(PrintStyle::Text, remarks.trim());
    }
    p.gap(12);
    p.line(
        PrintStyle::Footnote,
        &format!(
            "Printed on {}. Rank and percentile are among everyone ranked in the test in the branches on record; \
             the percentile is the share who scored the same or less.",
            dates::long(&today.to_string())
        ),
    );
    Ok(p.done(format!("Report card {} {} to {}", student.full_name, from, to)))
}

impl Desk {
    /// The card as lines; a person who sees the student's records (or
    /// teaches in their branch) prints it.
    pub fn get_report_card(&self, actor: &Actor, input: GetReportCard) -> Result<Printable> {
        if actor.require_somewhere(Permission::ViewStudent).is_err() {
            actor.require_somewhere(Permission::MarkAttendance)?;
        }
        let to = match input.to.trim() {
            "" => self.today(),
            typed => validate::parse_date("to", typed)?,
        };
        let from = match input.from.trim() {
            "" => to.checked_sub_months(Months::new(3)).unwrap_or(to),
            typed => validate::parse_date("from", typed)?,
        };
        if from > to {
            return Err(ApiError::invalid("from", "The term starts after it ends.").into());
        }
        let remarks = validate::optional("remarks", &input.remarks, REMARKS_MAX)?;
        let db = self.db();
        let student = crate::students::store::student_by_id(&db.conn, input.student_id)?
            .ok_or_else(|| ApiError::not_found("student").on("student_id"))?;
        if !actor.can(Permission::MarkAttendance, Some(student.branch_id)) {
            crate::students::transfer::viewable_in(&db.conn, actor, Permission::ViewStudent, &student)?;
        }
        report_card(&db.conn, &student, (from, to), &remarks, self.today())
    }

    pub fn save_report_card(&self, actor: &Actor, input: SaveReportCard) -> Result<String> {
        let card = self.get_report_card(actor, input.card.clone())?;
        let code = crate::students::store::student_by_id(&self.db().conn, input.card.student_id)?
            .map(|s| s.code)
            .unwrap_or_default();
        self.save_pdf(&format!("report-card-{code}.pdf"), &card)
    }
}
