//! Entering marks: a batch's grid, one cell at a time as the teacher types
//! (each cell its own action), or a whole OMR export at once (checked
//! first, then every row in one action).

use super::papers::paper;
use super::store::{self, MarkRow, PaperTestRow, SectionRow};
use crate::students::store::StudentRow;
use crate::timetable::store::BatchRow;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::assessment::*;
use branchdesk_api::commands::imports::{ImportReport, RowProblem, MAX_IMPORT_BYTES};
use branchdesk_api::ids::{BatchId, PaperTestId, StudentId};
use branchdesk_api::marks::{self, Entry};
use branchdesk_api::{ApiError, Permission};
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap};

/// What an OMR export may call its roll-number column.
const CODE_COLUMNS: &[&str] =
    &["code", "student code", "roll no", "roll no.", "roll number", "roll", "admission no", "student id"];

/// A sitting as the marks services need it: the paper, its live sections
/// and the batch.
struct Grid {
    test: PaperTestRow,
    sections: Vec<SectionRow>,
    batch: BatchRow,
}

fn grid(conn: &Connection, actor: &Actor, test: PaperTestId, batch: BatchId) -> Result<Grid> {
    actor.require_somewhere(Permission::MarkAttendance)?;
    let test = paper(conn, test, "test_id")?;
    let batch = crate::timetable::store::batch_by_id(conn, batch)?
        .ok_or_else(|| ApiError::not_found("batch").on("batch_id"))?;
    actor.require(Permission::MarkAttendance, Some(batch.branch_id))?;
    if store::sitting(conn, test.id, batch.id)?.is_none() {
        return Err(ApiError::invalid(
            "batch_id",
            format!("{} does not sit {}; set the test for the batch first.", batch.name, test.name),
        )
        .into());
    }
    let sections = super::live_sections(conn, &test)?;
    Ok(Grid { test, sections, batch })
}

/// The students who may have marks in a sitting, by name: the roster's
/// seat holders and anyone with marks entered there already.
fn students(conn: &Connection, g: &Grid) -> Result<Vec<StudentRow>> {
    let mut ids: Vec<StudentId> = crate::students::store::enrolments_of_batch(conn, g.batch.id)?
        .into_iter()
        .filter(|e| e.status.holds_seat())
        .map(|e| e.student_id)
        .collect();
    let mut seen: std::collections::HashSet<StudentId> = ids.iter().copied().collect();
    for m in store::marks_of(conn, g.test.id, Some(g.batch.id))? {
        if seen.insert(m.student_id) {
            ids.push(m.student_id);
        }
    }
    let mut students = Vec::new();
    for id in ids {
        if let Some(s) = crate::students::store::student_by_id(conn, id)? {
            students.push(s);
        }
    }
    students.sort_by(|a, b| {
        a.full_name.to_lowercase().cmp(&b.full_name.to_lowercase()).then(a.code.cmp(&b.code))
    });
    Ok(students)
}

fn line(conn: &Connection, g: &Grid, student: &StudentRow) -> Result<MarksLine> {
    let marks = store::marks_of_student(conn, g.test.id, student.id)?;
    let grouped = super::by_student(&marks);
    let mine = grouped.get(&student.id);
    Ok(MarksLine {
        student_id: student.id,
        student_code: student.code.clone(),
        student_name: student.full_name.clone(),
        cells: super::cells(&g.sections, mine),
        total_hundredths: mine.and_then(|m| super::total(&g.sections, m)),
    })
}

/// The row a typed cell makes, given what is held; None when nothing
/// changes (a blank typed into a cell never entered).
fn cell_row(
    g: &Grid,
    section: &SectionRow,
    student: StudentId,
    entry: Entry,
    held: Option<&MarkRow>,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<MarkRow> {
    let (marks_hundredths, absent) = match entry {
        Entry::Blank if held.is_none() => return None,
        Entry::Blank => (None, false),
        Entry::Absent => (None, true),
        Entry::Marks(v) => (Some(v), false),
    };
    if held.is_some_and(|h| h.marks_hundredths == marks_hundredths && h.absent == absent) {
        return None;
    }
    Some(MarkRow {
        id: store::mark_id(section.id, student),
        branch_id: g.batch.branch_id,
        test_id: g.test.id,
        section_id: section.id,
        student_id: student,
        batch_id: g.batch.id,
        marks_hundredths,
        absent,
        entered_by: Some(actor.user_id),
        created_at: held.map_or(now, |h| h.created_at),
        updated_at: now,
    })
}

/// A typed cell checked against its section: Err is the message.
fn checked(section: &SectionRow, typed: &str) -> Result<Entry, String> {
    match marks::parse(typed) {
        Some(Entry::Marks(v)) if v > section.max_hundredths => Err(format!(
            "{} is more than the maximum of {} in {}.",
            marks::format(v),
            marks::format(section.max_hundredths),
            section.name
        )),
        Some(e) => Ok(e),
        None => {
            Err(format!("\"{}\" is not marks: type a number like 18 or 17.5, or A for absent.", typed.trim()))
        }
    }
}

impl Desk {
    pub fn get_marks_sheet(&self, actor: &Actor, input: GetMarksSheet) -> Result<MarksSheet> {
        let db = self.db();
        let g = grid(&db.conn, actor, input.test_id, input.batch_id)?;
        let lines =
            students(&db.conn, &g)?.iter().map(|s| line(&db.conn, &g, s)).collect::<Result<Vec<_>>>()?;
        Ok(MarksSheet {
            test: super::view(&db.conn, actor, &g.test)?,
            batch_id: g.batch.id,
            batch_name: g.batch.name.clone(),
            lines,
        })
    }

    /// One cell, as typed: its own action, so a teacher who walks away
    /// mid-grid loses nothing.
    pub fn enter_mark(&self, actor: &Actor, input: EnterMark) -> Result<MarksLine> {
        let db = self.db();
        let g = grid(&db.conn, actor, input.test_id, input.batch_id)?;
        let section = g
            .sections
            .iter()
            .find(|s| s.id == input.section_id)
            .ok_or_else(|| ApiError::not_found("section").on("section_id"))?;
        let student = crate::students::store::student_by_id(&db.conn, input.student_id)?
            .filter(|st| store::sits(&db.conn, g.test.id, g.batch.id, st.id).unwrap_or(false))
            .ok_or_else(|| {
                ApiError::invalid("student_id", format!("That student is not in {}.", g.batch.name))
            })?;
        let entry = checked(section, &input.marks).map_err(|m| ApiError::invalid("marks", m))?;
        let held = store::mark_by_id(&db.conn, store::mark_id(section.id, student.id))?;
        drop(db);
        if let Some(row) = cell_row(&g, section, student.id, entry, held.as_ref(), actor, self.clock().now())
        {
            self.write(Some(actor.user_id), |w| w.upsert(held.as_ref(), &row))?;
        }
        line(&self.db().conn, &g, &student)
    }

    /// An OMR export's marks: every row checked (the student by roll
    /// number in this batch, each section's cell against its maximum),
    /// nothing written while any row is wrong, then all rows in one action.
    pub fn import_marks(&self, actor: &Actor, input: ImportMarks) -> Result<ImportReport> {
        actor.require_somewhere(Permission::MarkAttendance)?;
        if input.content.len() > MAX_IMPORT_BYTES {
            return Err(ApiError::invalid("content", "This file is too large for a marks list.").into());
        }
        let db = self.db();
        let g = grid(&db.conn, actor, input.test_id, input.batch_id)?;
        let content = input.content.trim_start_matches('\u{feff}');
        let mut reader =
            csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(content.as_bytes());
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(str::to_owned).collect(),
            Err(_) => {
                return Err(ApiError::invalid("content", "This is not a CSV file with a header row.").into())
            }
        };
        let lower: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
        let Some(code_at) = lower.iter().position(|h| CODE_COLUMNS.contains(&h.as_str())) else {
            return Err(ApiError::invalid(
                "content",
                "The file has no roll-number column (name it Code or Roll No).",
            )
            .into());
        };
        let columns: Vec<(usize, &SectionRow)> = g
            .sections
            .iter()
            .filter_map(|s| lower.iter().position(|h| *h == s.name.to_lowercase()).map(|i| (i, s)))
            .collect();
        if columns.is_empty() {
            let names: Vec<&str> = g.sections.iter().map(|s| s.name.as_str()).collect();
            return Err(ApiError::invalid(
                "content",
                format!("No column is named after a section of the paper ({}).", names.join(", ")),
            )
            .into());
        }
        let students = students(&db.conn, &g)?;
        let by_code: HashMap<String, &StudentRow> =
            students.iter().map(|s| (s.code.to_lowercase(), s)).collect();
        let mut report =
            ImportReport { rows: 0, errors: Vec::new(), possible_duplicates: Vec::new(), written: 0 };
        let mut seen: BTreeMap<StudentId, u32> = BTreeMap::new();
        let mut cells: Vec<(&SectionRow, StudentId, Entry)> = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let number = i as u32 + 2;
            report.rows += 1;
            let record = match record {
                Ok(r) => r,
                Err(_) => {
                    report.errors.push(RowProblem {
                        row: number,
                        column: String::new(),
                        message: "This row cannot be read.".into(),
                    });
                    continue;
                }
            };
            if record.iter().all(str::is_empty) {
                report.rows -= 1;
                continue;
            }
            let code = record.get(code_at).unwrap_or("");
            let problem = |column: &str, message: String| RowProblem {
                row: number,
                column: column.to_owned(),
                message,
            };
            let Some(student) = by_code.get(&code.to_lowercase()) else {
                let message = match code {
                    "" => "The roll number is missing.".to_owned(),
                    c => format!("No student {c} in {}.", g.batch.name),
                };
                report.errors.push(problem(&header[code_at], message));
                continue;
            };
            if let Some(first) = seen.insert(student.id, number) {
                report.errors.push(problem(&header[code_at], format!("{code} is also on row {first}.")));
                continue;
            }
            for (at, section) in &columns {
                match checked(section, record.get(*at).unwrap_or("")) {
                    Ok(entry) => cells.push((section, student.id, entry)),
                    Err(m) => report.errors.push(problem(&header[*at], m)),
                }
            }
        }
        if !report.errors.is_empty() || !input.commit {
            return Ok(report);
        }
        let now = self.clock().now();
        let mut rows = Vec::new();
        for (section, student, entry) in cells {
            let held = store::mark_by_id(&db.conn, store::mark_id(section.id, student))?;
            if let Some(row) = cell_row(&g, section, student, entry, held.as_ref(), actor, now) {
                rows.push((held, row));
            }
        }
        drop(db);
        self.write(Some(actor.user_id), |w| {
            for (held, row) in &rows {
                w.upsert(held.as_ref(), row)?;
            }
            Ok(())
        })?;
        report.written = seen.len() as u32;
        Ok(report)
    }
}
