//! The director's comparison of branches (`compare_branches`): for a month,
//! each branch's students, seats, attendance, fees due and collected, and
//! what is overdue by age — the branches the person may see reports of,
//! side by side, and their total.

use crate::db::read;
use crate::money::report::branch_month;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::dashboard::*;
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
