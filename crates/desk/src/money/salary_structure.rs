//! A person's salary structure at a branch: components with amounts from a
//! day on (basic, allowances, TDS), advances and their recovery, and the
//! statutory rules in force (settings). `pay.rs` turns them into a month's
//! slip; `payroll.rs` writes the month's lines.

use super::pay::{self, Entered};
use crate::validate::parse_date;
use crate::write::branch_record;
use crate::{settings, validate, Actor, Desk, Result};
use branchdesk_api::amount;
use branchdesk_api::commands::money::*;
use branchdesk_api::ids::{BranchId, UserId};
use branchdesk_api::settings as keys;
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComponentRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub user_id: UserId,
    pub kind: ComponentKind,
    pub name: String,
    pub amount_minor: i64,
    pub effective_from: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(ComponentRow, "salary_components");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AdvanceRow {
    pub id: Uuid,
    pub branch_id: BranchId,
    pub user_id: UserId,
    pub given_on: NaiveDate,
    pub amount_minor: i64,
    pub monthly_recovery_minor: i64,
    pub note: String,
    pub given_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
branch_record!(AdvanceRow, "salary_advances");

static COMPONENTS: crate::db::read::Columns = crate::db::read::columns!(ComponentRow, "");
static ADVANCES: crate::db::read::Columns = crate::db::read::columns!(AdvanceRow, "");

/// The same entry (person, name, day) made on two desks is one row.
pub fn component_id(branch: BranchId, user: UserId, name: &str, from: NaiveDate) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x5be2_0c91_7a3f_4d6e_8f10_c2b7_94ad_e613);
    let key = format!("{branch}\u{0}{user}\u{0}{}\u{0}{from}", name.trim().to_lowercase());
    Uuid::new_v5(&NAMESPACE, key.as_bytes())
}

pub fn components_of(conn: &Connection, branch: BranchId, user: UserId) -> Result<Vec<ComponentRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COMPONENTS} FROM salary_components WHERE branch_id = ?1 AND user_id = ?2
         ORDER BY effective_from DESC, name"
    ))?;
    Ok(crate::db::read::all(&mut stmt, (branch.to_string(), user.to_string()))?)
}

pub fn advances_of(conn: &Connection, branch: BranchId, user: UserId) -> Result<Vec<AdvanceRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ADVANCES} FROM salary_advances WHERE branch_id = ?1 AND user_id = ?2 ORDER BY given_on, id"
    ))?;
    Ok(crate::db::read::all(&mut stmt, (branch.to_string(), user.to_string()))?)
}

/// People with a structure at the branch.
pub fn people(conn: &Connection, branch: BranchId) -> Result<Vec<UserId>> {
    let mut stmt =
        conn.prepare_cached("SELECT DISTINCT user_id FROM salary_components WHERE branch_id = ?1")?;
    let ids: Vec<String> =
        stmt.query_map([branch.to_string()], crate::db::read::value)?.collect::<rusqlite::Result<_>>()?;
    Ok(ids.into_iter().filter_map(|i| i.parse::<Uuid>().ok()).map(UserId).collect())
}

fn entered(rows: &[ComponentRow]) -> Vec<Entered<ComponentKind>> {
    rows.iter()
        .map(|r| Entered {
            kind: r.kind,
            name: r.name.clone(),
            amount: r.amount_minor,
            effective_from: r.effective_from,
        })
        .collect()
}

/// Fixed pay and TDS in force on `day`: (basic, allowances, tds). A person
/// with no component yet is paid the fixed salary set before structures
/// (`salary_configs`) as their basic.
pub fn fixed_on(
    conn: &Connection,
    branch: BranchId,
    user: UserId,
    day: NaiveDate,
) -> Result<(i64, i64, i64)> {
    let rows = components_of(conn, branch, user)?;
    if rows.is_empty() {
        let legacy: Option<i64> = conn
            .prepare_cached(
                "SELECT fixed_monthly_minor FROM salary_configs WHERE branch_id = ?1 AND user_id = ?2",
            )?
            .query_row((branch.to_string(), user.to_string()), crate::db::read::value)
            .ok();
        return Ok((legacy.unwrap_or(0), 0, 0));
    }
    let mut out = (0, 0, 0);
    for c in pay::in_force(&entered(&rows), day) {
        match c.kind {
            ComponentKind::Basic => out.0 += c.amount,
            ComponentKind::Allowance => out.1 += c.amount,
            ComponentKind::Tds => out.2 += c.amount,
        }
    }
    Ok(out)
}

/// The statutory rules for a branch, from the settings.
pub fn rules(conn: &Connection, branch: BranchId) -> Result<pay::Rules> {
    let b = Some(branch);
    let pf = settings::effective_flag(conn, keys::PF_APPLIES, b)?;
    let esi = settings::effective_flag(conn, keys::ESI_APPLIES, b)?;
    Ok(pay::Rules {
        pf_rate_bp: if pf { Some(settings::effective_int(conn, keys::PF_RATE_BP, b)?) } else { None },
        pf_wage_ceiling: settings::effective_int(conn, keys::PF_WAGE_CEILING, b)?,
        esi: if esi {
            Some(pay::Esi {
                employee_bp: settings::effective_int(conn, keys::ESI_EMPLOYEE_BP, b)?,
                employer_bp: settings::effective_int(conn, keys::ESI_EMPLOYER_BP, b)?,
                threshold: settings::effective_int(conn, keys::ESI_THRESHOLD, b)?,
            })
        } else {
            None
        },
        pt: branchdesk_api::payroll::pt_state(&settings::effective_text(conn, keys::PT_STATE, b)?),
    })
}

/// Advances to recover in the month starting `first`: (outstanding,
/// instalment). Advances given before the month count; what earlier
/// months' lines recovered is taken off; advances are recovered together.
pub fn advance_due(
    conn: &Connection,
    branch: BranchId,
    user: UserId,
    first: NaiveDate,
) -> Result<(i64, i64)> {
    let (mut given, mut instalment) = (0, 0);
    for a in advances_of(conn, branch, user)?.iter().filter(|a| a.given_on < first) {
        given += a.amount_minor;
        instalment += a.monthly_recovery_minor;
    }
    let recovered: i64 = conn
        .prepare_cached(
            "SELECT coalesce(sum(advance_recovery_minor), 0) FROM salary_lines
             WHERE branch_id = ?1 AND user_id = ?2 AND month < ?3",
        )?
        .query_row(
            (branch.to_string(), user.to_string(), first.format("%Y-%m").to_string()),
            crate::db::read::value,
        )?;
    Ok(((given - recovered).max(0), instalment))
}

fn rupees(field: &str, text: &str, min: i64, what: &str) -> Result<i64> {
    match amount::parse(text) {
        Some(v) if v >= min && !text.trim().is_empty() => Ok(validate::bounded_amount(field, v)?),
        _ => Err(ApiError::invalid(field, what).into()),
    }
}

impl Desk {
    fn payroll_person(&self, actor: &Actor, branch: BranchId, user: UserId) -> Result<String> {
        actor.require(Permission::RunPayroll, Some(branch))?;
        crate::users::store::by_id(&self.db().conn, user)?
            .map(|u| u.full_name)
            .ok_or_else(|| ApiError::invalid("user_id", "Choose a person from the list.").into())
    }

    pub fn get_salary_structure(&self, actor: &Actor, input: GetSalaryStructure) -> Result<SalaryStructure> {
        let name = self.payroll_person(actor, input.branch_id, input.user_id)?;
        let today = self.today();
        // A fixed salary from before structures shows as the basic it becomes.
        let joined =
            crate::users::profiles::by_user(&self.db().conn, input.user_id)?.and_then(|p| p.joined_on);
        let carried =
            self.carried_fixed_salary(input.branch_id, input.user_id, joined, self.clock().now())?;
        let db = self.db();
        let conn = &db.conn;
        let rows = match carried {
            Some(basic) => vec![basic],
            None => components_of(conn, input.branch_id, input.user_id)?,
        };
        let now = pay::in_force(&entered(&rows), today);
        let components = rows
            .iter()
            .map(|r| SalaryComponent {
                id: r.id,
                kind: r.kind,
                name: r.name.clone(),
                amount_minor: r.amount_minor,
                effective_from: r.effective_from.to_string(),
                in_force: now.iter().any(|c| {
                    c.name.eq_ignore_ascii_case(r.name.trim()) && c.effective_from == r.effective_from
                }),
            })
            .collect();
        let (basic, allowances, _) = fixed_on(conn, input.branch_id, input.user_id, today)?;
        let next_month = super::payroll::next_month_start(today);
        let (outstanding, _) = advance_due(conn, input.branch_id, input.user_id, next_month)?;
        let advances = advances_of(conn, input.branch_id, input.user_id)?
            .into_iter()
            .map(|a| SalaryAdvance {
                id: a.id,
                given_on: a.given_on.to_string(),
                amount_minor: a.amount_minor,
                monthly_recovery_minor: a.monthly_recovery_minor,
                note: a.note,
            })
            .collect();
        Ok(SalaryStructure {
            user_id: input.user_id,
            name,
            joined_on: joined.map(|d| d.to_string()),
            components,
            monthly_fixed_minor: basic + allowances,
            advances,
            advance_outstanding_minor: outstanding,
        })
    }

    /// For a person with no component yet and a fixed salary set before
    /// structures (`salary_configs`): that salary as a "Basic" component
    /// from the day they joined, else from the first month they were paid
    /// or the salary was set, whichever is earlier.
    fn carried_fixed_salary(
        &self,
        branch: BranchId,
        user: UserId,
        joined: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<Option<ComponentRow>> {
        let db = self.db();
        if !components_of(&db.conn, branch, user)?.is_empty() {
            return Ok(None);
        }
        let legacy: Option<(i64, String)> = db
            .conn
            .prepare_cached(
                "SELECT fixed_monthly_minor, created_at FROM salary_configs
                 WHERE branch_id = ?1 AND user_id = ?2 AND fixed_monthly_minor > 0",
            )?
            .query_row((branch.to_string(), user.to_string()), |r| {
                Ok((r.get("fixed_monthly_minor")?, r.get("created_at")?))
            })
            .optional()?;
        let Some((amount, set_at)) = legacy else { return Ok(None) };
        let first_paid: Option<String> = db
            .conn
            .prepare_cached("SELECT min(month) FROM salary_lines WHERE branch_id = ?1 AND user_id = ?2")?
            .query_row((branch.to_string(), user.to_string()), crate::db::read::value)?;
        let month_start =
            |text: &str| NaiveDate::parse_from_str(&format!("{}-01", text.get(..7)?), "%Y-%m-%d").ok();
        let from = joined
            .or_else(|| {
                [first_paid.as_deref().and_then(month_start), month_start(&set_at)]
                    .into_iter()
                    .flatten()
                    .min()
            })
            .unwrap_or_else(|| self.today());
        Ok(Some(ComponentRow {
            id: component_id(branch, user, "Basic", from),
            branch_id: branch,
            user_id: user,
            kind: ComponentKind::Basic,
            name: "Basic".into(),
            amount_minor: amount,
            effective_from: from,
            created_at: now,
            updated_at: now,
        }))
    }

    pub fn save_salary_component(
        &self,
        actor: &Actor,
        input: SaveSalaryComponent,
    ) -> Result<SalaryStructure> {
        self.payroll_person(actor, input.branch_id, input.user_id)?;
        let name = validate::required("name", "component's name", &input.name, 60)?;
        let amount = rupees("amount", &input.amount, 0, "Enter rupees a month (0 ends the component).")?;
        let today = self.today();
        let from = match input.effective_from.trim() {
            "" => today.with_day(1).unwrap_or(today),
            typed => parse_date("effective_from", typed)?,
        };
        let (old, joined) = {
            let db = self.db();
            let joined = crate::users::profiles::by_user(&db.conn, input.user_id)?.and_then(|p| p.joined_on);
            let id = component_id(input.branch_id, input.user_id, &name, from);
            let old =
                components_of(&db.conn, input.branch_id, input.user_id)?.into_iter().find(|c| c.id == id);
            // One name is one kind: "HRA" cannot become TDS from a day on.
            let other_kind = components_of(&db.conn, input.branch_id, input.user_id)?
                .into_iter()
                .find(|c| c.name.trim().eq_ignore_ascii_case(&name) && c.kind != input.kind);
            if let Some(c) = other_kind {
                return Err(ApiError::invalid(
                    "kind",
                    format!("{} is entered as {}; use another name.", c.name, c.kind.label().to_lowercase()),
                )
                .into());
            }
            (old, joined)
        };
        if let Some(j) = joined.filter(|j| from < *j) {
            return Err(ApiError::invalid(
                "effective_from",
                format!(
                    "They joined on {}; a component starts on or after that day.",
                    branchdesk_api::dates::show(j)
                ),
            )
            .into());
        }
        if from > today + chrono::Duration::days(366) {
            return Err(ApiError::invalid("effective_from", "Enter a day within the next year.").into());
        }
        // A month already paid keeps its pay: a change from a day inside it
        // would not reach the slip that was paid.
        let paid_from: Option<String> = self
            .db()
            .conn
            .prepare_cached(
                "SELECT max(l.month) FROM salary_lines l WHERE l.branch_id = ?1 AND l.user_id = ?2
                 AND (l.paid_at IS NOT NULL OR EXISTS (SELECT 1 FROM salary_payments p WHERE p.salary_line_id = l.id))",
            )?
            .query_row((input.branch_id.to_string(), input.user_id.to_string()), crate::db::read::value)?;
        if paid_from.is_some_and(|m| from.format("%Y-%m").to_string() <= m) {
            return Err(ApiError::invalid(
                "effective_from",
                "That month's salary is paid; a change takes effect from the next unpaid month.",
            )
            .into());
        }
        let now = self.clock().now();
        let carried = self.carried_fixed_salary(input.branch_id, input.user_id, joined, now)?;
        let row = ComponentRow {
            id: component_id(input.branch_id, input.user_id, &name, from),
            branch_id: input.branch_id,
            user_id: input.user_id,
            kind: input.kind,
            name,
            amount_minor: amount,
            effective_from: from,
            created_at: old.as_ref().map_or(now, |o| o.created_at),
            updated_at: now,
        };
        self.write(Some(actor.user_id), |w| {
            // The fixed salary set before structures becomes their basic
            // from the start, so no month before this change loses it.
            if let Some(basic) = carried.as_ref().filter(|b| b.id != row.id) {
                w.insert(basic)?;
            }
            w.upsert(old.as_ref(), &row)
        })?;
        self.get_salary_structure(
            actor,
            GetSalaryStructure { branch_id: input.branch_id, user_id: input.user_id },
        )
    }

    pub fn record_advance(&self, actor: &Actor, input: RecordAdvance) -> Result<SalaryStructure> {
        self.payroll_person(actor, input.branch_id, input.user_id)?;
        let amount = rupees("amount", &input.amount, 1, "Enter the amount advanced in rupees.")?;
        let monthly =
            rupees("monthly_recovery", &input.monthly_recovery, 1, "Enter how much to recover each month.")?;
        if monthly > amount {
            return Err(ApiError::invalid(
                "monthly_recovery",
                "Recover at most the amount advanced each month.",
            )
            .into());
        }
        let note = validate::optional("note", &input.note, 200)?;
        let today = self.today();
        let given_on = match input.given_on.trim() {
            "" => today,
            typed => parse_date("given_on", typed)?,
        };
        if given_on > today {
            return Err(
                ApiError::invalid("given_on", "Record an advance on or after the day it was given.").into()
            );
        }
        let now = self.clock().now();
        let row = AdvanceRow {
            id: Uuid::now_v7(),
            branch_id: input.branch_id,
            user_id: input.user_id,
            given_on,
            amount_minor: amount,
            monthly_recovery_minor: monthly,
            note,
            given_by: Some(actor.user_id),
            created_at: now,
            updated_at: now,
        };
        self.write(Some(actor.user_id), |w| w.insert(&row))?;
        self.get_salary_structure(
            actor,
            GetSalaryStructure { branch_id: input.branch_id, user_id: input.user_id },
        )
    }
}
