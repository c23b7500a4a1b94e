//! A month's profit and loss per branch (fees collected, reversals,
//! salaries, approved expenses) and the organisation roll-up.

use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::money::*;
use branchdesk_api::ids::BranchId;
use branchdesk_api::Permission;
use chrono::NaiveDate;
use rusqlite::Connection;

pub(crate) fn branch_month(
    conn: &Connection,
    branch: BranchId,
    name: String,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<BranchMonth> {
    // Receipts by their local collection day; reversals by theirs.
    let (lo, hi) =
        ((from - chrono::Duration::days(1)).to_string(), (to + chrono::Duration::days(1)).to_string());
    let mut fees = 0;
    for r in super::store::receipts_of_branch_between(conn, branch, &lo, &hi)? {
        let day = crate::clock::local_date(r.collected_at);
        if day >= from && day < to {
            fees += r.amount_minor;
        }
    }
    #[derive(serde::Deserialize)]
    struct Reversed {
        amount_minor: i64,
        reversed_at: chrono::DateTime<chrono::Utc>,
    }
    let mut reversals = 0;
    let mut stmt = conn.prepare_cached(
        "SELECT v.amount_minor, v.reversed_at FROM receipt_reversals v
         WHERE v.branch_id = ?1 AND v.reversed_at >= ?2 AND v.reversed_at < ?3",
    )?;
    let mut rows = stmt.query((branch.to_string(), &lo, &hi))?;
    while let Some(r) = rows.next()? {
        let v: Reversed = crate::db::read::row(r)?;
        let at = v.reversed_at;
        let day = crate::clock::local_date(at);
        if day >= from && day < to {
            reversals += v.amount_minor;
        }
    }
    let expenses = super::expenses::approved_total(conn, branch, from, to)?;
    let salaries = super::payroll::paid_total(conn, branch, &from.format("%Y-%m").to_string())?;
    Ok(BranchMonth {
        branch_id: branch,
        branch_name: name,
        fees_minor: fees,
        reversals_minor: reversals,
        salaries_minor: salaries,
        expenses_minor: expenses,
        net_minor: fees - reversals - salaries - expenses,
    })
}

impl Desk {
    pub fn get_profit_and_loss(&self, actor: &Actor, input: GetProfitAndLoss) -> Result<ProfitAndLoss> {
        match input.branch_id {
            Some(b) => actor.require(Permission::ViewReport, Some(b))?,
            None => actor.require_somewhere(Permission::ViewReport)?,
        }
        let (from, to) = validate::month("month", &input.month, self.today())?;
        let db = self.db();
        let conn = &db.conn;
        let mut branches = Vec::new();
        for b in crate::org::store::all_branches(conn)? {
            let id = b.id;
            let wanted = input.branch_id.is_none_or(|wanted| wanted == id);
            if wanted && actor.can(Permission::ViewReport, Some(id)) {
                branches.push(branch_month(conn, id, b.name, from, to)?);
            }
        }
        let sum = |f: fn(&BranchMonth) -> i64| branches.iter().map(f).sum::<i64>();
        let total = BranchMonth {
            branch_id: BranchId::default(),
            branch_name: "All branches".into(),
            fees_minor: sum(|b| b.fees_minor),
            reversals_minor: sum(|b| b.reversals_minor),
            salaries_minor: sum(|b| b.salaries_minor),
            expenses_minor: sum(|b| b.expenses_minor),
            net_minor: sum(|b| b.net_minor),
        };
        Ok(ProfitAndLoss { month: from.format("%Y-%m").to_string(), branches, total })
    }
}
