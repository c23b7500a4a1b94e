//! Importing enquiries (e.g. from a fair or a website export).

use super::{first_rows_by_phone, problem, read, same_phone, Columns};
use crate::leads::check_lead;
use crate::{Actor, Desk, Result};
use branchdesk_api::commands::imports::{ImportCsv, ImportReport, RowProblem};
use branchdesk_api::commands::leads::SaveLead;
use branchdesk_api::ids::CourseId;
use branchdesk_api::ApiError;
use rusqlite::OptionalExtension;

pub(crate) const COLUMNS: Columns = Columns {
    all: &[
        "full_name",
        "phone",
        "email",
        "guardian_name",
        "guardian_phone",
        "source",
        "course_code",
        "next_follow_up",
        "notes",
    ],
    required: &["full_name"],
    example: &[
        "Rohan Shetty",
        "98860 12345",
        "",
        "Suresh Shetty",
        "98860 77777",
        "Education fair",
        "CHE-11",
        "",
        "",
    ],
};

fn column_of(field: &str) -> String {
    match field {
        "course_id" => "course_code".into(),
        other => other.into(),
    }
}

pub(super) fn import(desk: &Desk, actor: &Actor, input: &ImportCsv) -> Result<ImportReport> {
    let rows = read(&input.content, &COLUMNS)?;
    desk.import_progress.start(rows.len());
    let today = desk.today();
    let now = desk.clock().now();
    let mut errors = Vec::new();
    let mut duplicates = Vec::new();
    let mut planned = Vec::new();
    {
        let db = desk.db();
        let conn = &db.conn;
        let first = first_rows_by_phone(&rows, &["phone", "guardian_phone"]);
        for row in &rows {
            desk.import_progress.step();
            let code = row.get("course_code");
            let course_id = if code.trim().is_empty() {
                None
            } else {
                let found: Option<String> = conn
                    .prepare_cached("SELECT id FROM courses WHERE code = ?1")?
                    .query_row([code.trim()], crate::db::read::value)
                    .optional()?;
                match found.and_then(|id| id.parse().ok()) {
                    Some(id) => Some(CourseId(id)),
                    None => {
                        errors.push(RowProblem {
                            row: row.number,
                            column: "course_code".into(),
                            message: format!("No course has the code {}.", code.trim()),
                        });
                        continue;
                    }
                }
            };
            let save = SaveLead {
                branch_id: input.branch_id,
                full_name: row.get("full_name"),
                phone: row.get("phone"),
                email: row.get("email"),
                guardian_name: row.get("guardian_name"),
                guardian_phone: row.get("guardian_phone"),
                source: row.get("source"),
                course_id,
                next_follow_up: row.get("next_follow_up"),
                notes: row.get("notes"),
                ..Default::default()
            };
            match check_lead(conn, &save, actor.user_id, today, now) {
                Ok((lead, _)) => {
                    let pair = [("phone", &lead.phone), ("guardian_phone", &lead.guardian_phone)]
                        .into_iter()
                        .find_map(|(c, p)| p.as_deref().and_then(|p| same_phone(row, c, p, &first)));
                    duplicates.extend(pair);
                    planned.push(lead);
                }
                Err(e) => errors.push(problem(row, e, column_of)),
            }
        }
    }
    let mut report =
        ImportReport { rows: rows.len() as u32, errors, possible_duplicates: duplicates, written: 0 };
    if !input.commit {
        return Ok(report);
    }
    if !report.errors.is_empty() {
        return Err(ApiError::invalid(
            "content",
            format!(
                "{} row(s) have problems; fix them and check the file again. Nothing was imported.",
                report.errors.len()
            ),
        )
        .into());
    }
    desk.import_progress.writing();
    desk.write(Some(actor.user_id), |w| {
        planned.iter().try_for_each(|l| {
            desk.import_progress.step();
            w.insert(l)
        })
    })?;
    report.written = planned.len() as u32;
    Ok(report)
}
