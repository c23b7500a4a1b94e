//! A student's report card for a term, as lines to print or save as PDF:
//! the organisation's header, the tests and quizzes of the term with marks,
//! rank and percentile, attendance per batch, assignments handed in, and the
//! teacher's remarks. Above `assessment`, `attendance` and `learning`,
//! whose records it reads.

use crate::printing::Lines;
use crate::students::store::StudentRow;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::assessment::{GetReportCard, ReportCardSent, SaveReportCard, SendReportCard};
use branchdesk_api::commands::attendance::{NotificationChannel, NotificationKind, NotificationState};
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
    (today, now): (NaiveDate, chrono::DateTime<chrono::Utc>),
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

    let quizzes: Vec<_> = crate::assessment::quizzes::record::student_quizzes(conn, student.id, now)?
        .into_iter()
        .filter(|q| q.on >= from && q.on <= to)
        .collect();
    if !quizzes.is_empty() {
        p.gap(8);
        p.line(PrintStyle::Strong, "Quizzes");
        for q in &quizzes {
            p.figure(
                PrintStyle::Text,
                &format!("{}, {}", q.name, dates::long(&q.on.to_string())),
                &format!(
                    "{} / {} · rank {} of {} · {} percentile",
                    marks::format(q.score_hundredths),
                    marks::format(q.max_hundredths),
                    q.rank,
                    q.ranked,
                    marks::format(i64::from(q.percentile_hundredths))
                ),
            );
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
            "Printed on {}. Rank and percentile are among everyone ranked in the test or quiz in the branches on record; \
             the percentile is the share who scored the same or less.",
            dates::long(&today.to_string())
        ),
    );
    Ok(p.done(format!("Report card {} {} to {}", student.full_name, from, to)))
}

/// The most a text message of a card carries.
const SHORT_MAX: usize = 700;

/// The card as an email's text: its lines, figures after a colon.
fn as_text(card: &Printable) -> String {
    let mut out = String::new();
    for l in &card.lines {
        if l.space_before > 0 && !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&l.text);
        if !l.figure.is_empty() {
            out.push_str(": ");
            out.push_str(&l.figure);
        }
        out.push('\n');
    }
    out
}

/// The card's figures in a few lines, for SMS or WhatsApp.
fn as_short(card: &Printable, student: &StudentRow, term: &str) -> String {
    let figures: Vec<String> = card
        .lines
        .iter()
        .filter(|l| !l.figure.is_empty())
        .map(|l| format!("{}: {}", l.text, l.figure))
        .collect();
    let mut text = format!("Report card of {}, {term}. {}", student.full_name, figures.join("; "));
    if text.chars().count() > SHORT_MAX {
        text = text.chars().take(SHORT_MAX - 1).collect::<String>() + "…";
    }
    text
}

/// One message per student and term, however many desks send it.
fn sent_id(student: branchdesk_api::ids::StudentId, from: NaiveDate, to: NaiveDate) -> uuid::Uuid {
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x61d4_0b8e_3f27_4a95_b0c3_8e71_2d5f_a946);
    uuid::Uuid::new_v5(&NAMESPACE, format!("report-card\u{0}{student}\u{0}{from}\u{0}{to}").as_bytes())
}

impl Desk {
    /// The card to the student's guardian, through the messages queue.
    pub fn send_report_card(&self, actor: &Actor, input: SendReportCard) -> Result<ReportCardSent> {
        let card = self.get_report_card(actor, input.card.clone())?;
        let to = match input.card.to.trim() {
            "" => self.today(),
            typed => validate::parse_date("to", typed)?,
        };
        let from = match input.card.from.trim() {
            "" => to.checked_sub_months(Months::new(3)).unwrap_or(to),
            typed => validate::parse_date("from", typed)?,
        };
        let now = self.clock().now();
        let (row, held) = {
            let db = self.db();
            let student = crate::students::store::student_by_id(&db.conn, input.card.student_id)?
                .ok_or_else(|| ApiError::not_found("student").on("card.student_id"))?;
            // Messages are drafted by those who mark attendance or review
            // messages in the branch (the server's rule for the queue).
            if !actor.can(Permission::MarkAttendance, Some(student.branch_id)) {
                actor.require(Permission::ReviewNotification, Some(student.branch_id))?;
            }
            let id = sent_id(student.id, from, to);
            let held = crate::notifications::notification(&db.conn, id)?;
            if let Some(h) = held.as_ref().filter(|h| h.state != NotificationState::Discarded) {
                return Err(ApiError::duplicate(
                    "card",
                    format!(
                        "This term's report card is already with the messages ({}, to {}).",
                        h.state.label().to_lowercase(),
                        h.recipient_name
                    ),
                )
                .into());
            }
            let term = format!("{} to {}", dates::long(&from.to_string()), dates::long(&to.to_string()));
            let drafted = crate::notifications::draft_to_guardian(
                &db.conn,
                (id, student.branch_id, student.id),
                (NotificationKind::Other, format!("report-card:{from}:{to}")),
                now,
                |channel| match channel {
                    NotificationChannel::Email => as_text(&card),
                    NotificationChannel::Sms | NotificationChannel::WhatsApp => {
                        as_short(&card, &student, &term)
                    }
                },
            )?;
            let row = drafted.ok_or_else(|| {
                ApiError::invalid(
                    "card",
                    format!(
                        "{} has no parent or guardian with a phone number or email to send it to.",
                        student.full_name
                    ),
                )
            })?;
            (row, held)
        };
        self.write(Some(actor.user_id), |w| w.upsert(held.as_ref(), &row))?;
        Ok(ReportCardSent {
            recipient_name: row.recipient_name.clone(),
            recipient: row.recipient.clone(),
            channel: row.channel,
            approved: row.state == NotificationState::Approved,
        })
    }

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
        report_card(&db.conn, &student, (from, to), &remarks, (self.today(), self.clock().now()))
    }

    pub fn save_report_card(&self, actor: &Actor, input: SaveReportCard) -> Result<String> {
        let card = self.get_report_card(actor, input.card.clone())?;
        let code = crate::students::store::student_by_id(&self.db().conn, input.card.student_id)?
            .map(|s| s.code)
            .unwrap_or_default();
        self.save_pdf(&format!("report-card-{code}.pdf"), &card)
    }
}
