//! Importing students, each with up to one guardian. Siblings in the file
//! with the same guardian (name and phone) share one guardian row.

use super::{first_rows_by_phone, problem, read, same_phone, Columns, CsvRow};
use crate::students::store::{self, GuardianRow, StudentRow};
use crate::students::{self as st, check_guardian, check_profile, phone_key, write_guardian, GuardianPlan};
use crate::{settings, Actor, Desk, Result};
use branchdesk_api::commands::imports::{ImportCsv, ImportReport, RowProblem};
use branchdesk_api::commands::students::{GuardianInput, SaveStudent};
use branchdesk_api::ids::{BranchId, GuardianId, StudentId};
use branchdesk_api::ApiError;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub(crate) const COLUMNS: Columns = Columns {
    all: &[
        "full_name",
        "date_of_birth",
        "phone",
        "email",
        "address",
        "school",
        "grade",
        "notes",
        "code",
        "guardian_name",
        "guardian_relation",
        "guardian_phone",
        "guardian_email",
    ],
    required: &["full_name"],
    example: &[
        "Asha Rao",
        "2010-03-14",
        "98450 12345",
        "asha@example.com",
        "12 MG Road, Bengaluru",
        "St. Joseph's",
        "VIII",
        "",
        "",
        "Lakshmi Rao",
        "Mother",
        "98450 22222",
        "",
    ],
};

/// A checker's field name as the file's column.
fn column_of(field: &str) -> String {
    match field.strip_prefix("guardian.") {
        Some("full_name") => "guardian_name".into(),
        Some(rest) => format!("guardian_{rest}"),
        None if field == "guardians" => "guardian_name".into(),
        None => field.into(),
    }
}

struct Planned {
    student: StudentRow,
    guardian: Option<GuardianPlan>,
}

pub(super) fn import(desk: &Desk, actor: &Actor, input: &ImportCsv) -> Result<ImportReport> {
    let rows = read(&input.content, &COLUMNS)?;
    desk.import_progress.start(rows.len());
    let today = desk.today();
    let now = desk.clock().now();
    let branch = input.branch_id;
    let mut errors: Vec<RowProblem> = Vec::new();
    let mut duplicates: Vec<RowProblem> = Vec::new();
    let mut planned: Vec<Planned> = Vec::new();
    {
        let db = desk.db();
        let conn = &db.conn;
        crate::org::store::branch_by_id(conn, branch)?
            .ok_or_else(|| ApiError::invalid("branch_id", "Choose a branch from the list."))?;
        let under =
            settings::effective_int(conn, branchdesk_api::settings::GUARDIAN_REQUIRED_UNDER, Some(branch))?;
        let branch_code =
            crate::org::store::branch_by_id(conn, branch)?.map(|b| b.code).unwrap_or_else(|| "S".into());
        let prefix = format!("{branch_code}-{}-", st::desk_tag(desk.device_id()));
        let mut next = store::last_in_series(conn, &prefix)?;
        let mut codes_in_file: HashSet<String> = HashSet::new();
        let first = first_rows_by_phone(&rows, &["phone"]);
        // Guardians new in this file, by (name, phone key): siblings share them.
        let mut new_guardians: HashMap<(String, String), GuardianRow> = HashMap::new();
        for row in &rows {
            desk.import_progress.step();
            let save = SaveStudent {
                branch_id: branch,
                code: row.get("code"),
                full_name: row.get("full_name"),
                date_of_birth: row.get("date_of_birth"),
                phone: row.get("phone"),
                email: row.get("email"),
                address: row.get("address"),
                school: row.get("school"),
                grade: row.get("grade"),
                notes: row.get("notes"),
                ..Default::default()
            };
            let profile = match check_profile(&save, today) {
                Ok(p) => p,
                Err(e) => {
                    errors.push(problem(row, e.into(), column_of));
                    continue;
                }
            };
            let code = if save.code.trim().is_empty() {
                next += 1;
                format!("{prefix}{next:04}")
            } else {
                match check_code(conn, row, &save.code, &mut codes_in_file) {
                    Ok(c) => c,
                    Err(p) => {
                        errors.push(p);
                        continue;
                    }
                }
            };
            let guardian = match guardian_of(conn, row, branch, now, &mut new_guardians) {
                Ok(g) => g,
                Err(p) => {
                    errors.push(p);
                    continue;
                }
            };
            if let Some(born) = profile.date_of_birth {
                if guardian.is_none() && i64::from(st::age(born, today)) < under {
                    errors.push(RowProblem {
                        row: row.number,
                        column: "guardian_name".into(),
                        message: format!("A student under {under} needs a guardian with a phone number."),
                    });
                    continue;
                }
            }
            let mut phones: Vec<String> = profile.phone.iter().cloned().collect();
            phones.extend(guardian.as_ref().and_then(|g| g.row().phone.clone()));
            for d in st::possible_duplicates(conn, &profile.full_name, &phones, None)? {
                duplicates.push(RowProblem {
                    row: row.number,
                    column: String::new(),
                    message: format!("Looks like {} ({}), already here.", d.full_name, d.code),
                });
            }
            duplicates.extend(profile.phone.as_deref().and_then(|p| same_phone(row, "phone", p, &first)));
            planned.push(Planned {
                student: StudentRow {
                    id: StudentId(Uuid::now_v7()),
                    branch_id: branch,
                    code,
                    full_name: profile.full_name,
                    date_of_birth: profile.date_of_birth,
                    phone: profile.phone,
                    email: profile.email,
                    address: profile.address,
                    school: profile.school,
                    grade: profile.grade,
                    notes: profile.notes,
                    user_id: None,
                    photo_b64: None,
                    lead_id: None,
                    archived_at: None,
                    created_at: now,
                    updated_at: now,
                },
                guardian,
            });
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
    desk.write(Some(actor.user_id), |w| {
        let mut written_guardians: HashSet<GuardianId> = HashSet::new();
        desk.import_progress.writing();
        for p in &planned {
            desk.import_progress.step();
            w.insert(&p.student)?;
            if let Some(g) = &p.guardian {
                // A guardian shared by siblings in the file is inserted once.
                let plan = match g {
                    GuardianPlan::New(row, relation, primary) if !written_guardians.insert(row.id) => {
                        GuardianPlan::Existing(row.clone(), relation.clone(), *primary)
                    }
                    GuardianPlan::New(row, relation, primary) => {
                        GuardianPlan::New(row.clone(), relation.clone(), *primary)
                    }
                    GuardianPlan::Existing(row, relation, primary) => {
                        GuardianPlan::Existing(row.clone(), relation.clone(), *primary)
                    }
                };
                write_guardian(w, &p.student, &plan)?;
            }
        }
        Ok(())
    })?;
    report.written = planned.len() as u32;
    Ok(report)
}

fn check_code(
    conn: &rusqlite::Connection,
    row: &CsvRow,
    code: &str,
    seen: &mut HashSet<String>,
) -> Result<String, RowProblem> {
    let bad = |message: String| RowProblem { row: row.number, column: "code".into(), message };
    let v = code.trim().to_uppercase();
    if v.len() > 20 || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/') {
        return Err(bad("Use up to 20 letters, digits, - or /.".into()));
    }
    if !seen.insert(v.clone()) {
        return Err(bad(format!("The code {v} appears twice in the file.")));
    }
    match store::students_with_code(conn, &v) {
        Ok(list) if !list.is_empty() => Err(bad(format!("Another student already has the code {v}."))),
        Ok(_) => Ok(v),
        Err(e) => Err(bad(ApiError::from(e).message)),
    }
}

fn guardian_of(
    conn: &rusqlite::Connection,
    row: &CsvRow,
    branch: BranchId,
    now: chrono::DateTime<chrono::Utc>,
    new_guardians: &mut HashMap<(String, String), GuardianRow>,
) -> Result<Option<GuardianPlan>, RowProblem> {
    let (name, phone, email, relation) = (
        row.get("guardian_name"),
        row.get("guardian_phone"),
        row.get("guardian_email"),
        row.get("guardian_relation"),
    );
    if [&name, &phone, &email].iter().all(|v| v.trim().is_empty()) {
        return Ok(None);
    }
    let input = GuardianInput {
        full_name: name,
        phone,
        email,
        relation: if relation.trim().is_empty() { "Parent".into() } else { relation },
        is_primary: true,
        ..Default::default()
    };
    let plan =
        check_guardian(conn, "guardian", &input, branch, now).map_err(|e| problem(row, e, column_of))?;
    let GuardianPlan::New(g, relation, primary) = plan else { return Ok(Some(plan)) };
    let key = (g.full_name.to_lowercase(), g.phone.as_deref().map(phone_key).unwrap_or_default());
    let shared = new_guardians.entry(key).or_insert(g).clone();
    Ok(Some(GuardianPlan::New(shared, relation, primary)))
}
