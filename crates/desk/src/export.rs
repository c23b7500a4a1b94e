//! Lists as CSV files in the desk's `exports/` folder: UTF-8 with a
//! byte-order mark (so spreadsheets read non-ASCII names right), and any
//! cell a spreadsheet would run as a formula neutralised.

use crate::{Actor, Desk, Result};
use branchdesk_api::commands::attendance::GetAttendanceReport;
use branchdesk_api::commands::imports::{ExportCsv, ExportList, SavedFile};
use branchdesk_api::commands::leads::{LeadView, ListLeads};
use branchdesk_api::commands::students::{ListRoster, ListStudents};
use branchdesk_api::{ApiError, Permission};

/// A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is
/// run as a formula by spreadsheet software; a leading apostrophe makes it
/// plain text (OWASP, "CSV injection").
pub fn neutralise(cell: &str) -> String {
    // A negative amount is a number, not a formula.
    let number = |t: &str| {
        let digits = t.strip_prefix('-').unwrap_or(t);
        !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
            && digits.matches('.').count() <= 1
            && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
    };
    if number(cell) {
        return cell.to_owned();
    }
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// An amount as a spreadsheet reads a number: "-1234.50", no grouping.
pub fn plain_amount(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", minor.unsigned_abs() / 100, minor.unsigned_abs() % 100)
}

/// CSV text with a BOM from a header and rows, every cell neutralised.
pub fn to_csv(header: &[&str], rows: &[Vec<String>]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| crate::Error::Io(std::io::Error::other(e));
    w.write_record(header).map_err(io)?;
    for row in rows {
        w.write_record(row.iter().map(|c| neutralise(c))).map_err(io)?;
    }
    let bytes = w.into_inner().map_err(|e| crate::Error::Io(std::io::Error::other(e.to_string())))?;
    Ok(format!("\u{FEFF}{}", String::from_utf8_lossy(&bytes)))
}

impl Desk {
    /// Writes `text` to `exports/<name>-<time>.csv`; answers the path.
    pub(crate) fn save_export(&self, name: &str, text: &str) -> Result<String> {
        let stamp = crate::clock::local_time(self.clock().now()).format("%Y%m%d-%H%M%S");
        Ok(self.save_file(&format!("{name}-{stamp}.csv"), text.as_bytes())?.display().to_string())
    }

    pub fn export_csv(&self, actor: &Actor, input: ExportCsv) -> Result<SavedFile> {
        let (name, header, rows): (&str, &[&str], Vec<Vec<String>>) = match input.list {
            ExportList::Students => {
                let list = self.list_students(
                    actor,
                    ListStudents { branch_id: input.branch_id, include_archived: true },
                )?;
                let rows = list
                    .into_iter()
                    .map(|s| {
                        vec![
                            s.code,
                            s.full_name,
                            s.phone.unwrap_or_default(),
                            s.guardian_phone.unwrap_or_default(),
                            if s.archived { "archived" } else { "" }.into(),
                        ]
                    })
                    .collect();
                ("students", &["code", "full_name", "phone", "guardian_phone", "archived"], rows)
            }
            ExportList::Leads => {
                let list =
                    self.list_leads(actor, ListLeads { branch_id: input.branch_id, view: LeadView::All })?;
                let rows = list
                    .into_iter()
                    .map(|l| {
                        vec![
                            l.full_name,
                            l.phone.unwrap_or_default(),
                            l.guardian_name,
                            l.guardian_phone.unwrap_or_default(),
                            l.source,
                            l.course_name.unwrap_or_default(),
                            l.status.label().into(),
                            l.next_follow_up.unwrap_or_default(),
                        ]
                    })
                    .collect();
                (
                    "enquiries",
                    &[
                        "full_name",
                        "phone",
                        "guardian_name",
                        "guardian_phone",
                        "source",
                        "course",
                        "status",
                        "next_follow_up",
                    ],
                    rows,
                )
            }
            ExportList::Attendance => {
                let report = self.get_attendance_report(
                    actor,
                    GetAttendanceReport {
                        branch_id: input.branch_id,
                        month: input.month.clone(),
                        batch_id: input.batch_id,
                        ..Default::default()
                    },
                )?;
                let pct = |bp: u32| format!("{}.{:02}", bp / 100, bp % 100);
                let rows = report
                    .rows
                    .into_iter()
                    .map(|m| {
                        vec![
                            m.code,
                            m.full_name,
                            m.batch_name,
                            m.present.to_string(),
                            m.late.to_string(),
                            m.absent.to_string(),
                            m.excused.to_string(),
                            pct(m.percent_bp),
                            m.longest_absence_run.to_string(),
                        ]
                    })
                    .collect();
                (
                    "attendance",
                    &[
                        "code",
                        "full_name",
                        "batch",
                        "present",
                        "late",
                        "absent",
                        "excused",
                        "attended_percent",
                        "longest_absence_run",
                    ],
                    rows,
                )
            }
            ExportList::BranchComparison => {
                let c = self.compare_branches(
                    actor,
                    branchdesk_api::commands::dashboard::CompareBranches { month: input.month.clone() },
                )?;
                let total = (c.branches.len() > 1).then_some(&c.total);
                let rows = c
                    .branches
                    .iter()
                    .chain(total)
                    .map(|b| {
                        let mut row = vec![
                            c.month.clone(),
                            b.branch_name.clone(),
                            b.active_students.to_string(),
                            b.seats_taken.to_string(),
                            b.seats.to_string(),
                            b.attended.to_string(),
                            b.marked.to_string(),
                        ];
                        let o = &b.overdue;
                        for minor in [
                            b.due_minor,
                            b.collected_minor,
                            o.days_1_30_minor,
                            o.days_31_60_minor,
                            o.days_61_90_minor,
                            o.over_90_minor,
                            o.total_minor(),
                        ] {
                            row.push(plain_amount(minor));
                        }
                        row
                    })
                    .collect();
                (
                    "branches",
                    &[
                        "month",
                        "branch",
                        "active_students",
                        "seats_taken",
                        "seats",
                        "attended",
                        "marked",
                        "due",
                        "collected",
                        "overdue_1_30",
                        "overdue_31_60",
                        "overdue_61_90",
                        "overdue_over_90",
                        "overdue",
                    ],
                    rows,
                )
            }
            ExportList::Roster => {
                let batch = input.batch_id.ok_or_else(|| ApiError::invalid("batch_id", "Choose a batch."))?;
                actor.require_somewhere(Permission::ViewStudent)?;
                let list = self.list_roster(actor, ListRoster { batch_id: batch })?;
                let rows = list
                    .into_iter()
                    .map(|e| vec![e.student_code, e.student_name, e.status.label().into(), e.start_date])
                    .collect();
                ("roster", &["code", "full_name", "status", "start_date"], rows)
            }
        };
        let count = rows.len() as u32;
        let path = self.save_export(name, &to_csv(header, &rows)?)?;
        Ok(SavedFile { path, rows: count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_others_kept() {
        for bad in
            ["=HYPERLINK(\"http://x\")", "+91 98450", "-2+3", "@SUM(A1)", "\tx", "-", "-.5", "-1.2.3", "-inf"]
        {
            assert!(neutralise(bad).starts_with('\''), "{bad}");
        }
        for amount in ["-200.00", "-7", "1234.50"] {
            assert_eq!(neutralise(amount), amount, "a negative amount stays a number");
        }
        assert_eq!(
            (plain_amount(-20_050), plain_amount(5), plain_amount(1_234_500)),
            ("-200.50".into(), "0.05".into(), "12345.00".into())
        );
        assert_eq!(neutralise("Asha Rao"), "Asha Rao");
        assert_eq!(neutralise("98450 12345"), "98450 12345");
    }

    #[test]
    fn csv_has_a_bom_and_quotes_what_needs_quoting() {
        let text = to_csv(&["name", "note"], &[vec!["Rao, Asha".into(), "=1+1".into()]]).unwrap();
        assert_eq!(text, "\u{FEFF}name,note\n\"Rao, Asha\",'=1+1\n");
    }
}
