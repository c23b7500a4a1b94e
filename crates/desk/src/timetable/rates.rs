//! The organisation's table of teachers' pay rates, named once and referred
//! to by batches (`batches.commission_rate_id`): a batch on a rate pays its
//! teacher by the rate's model and amount, so changing the rate changes
//! every such batch's pay for months not yet paid.

use crate::write::org_record;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::amount;
use branchdesk_api::commands::timetable::{
    CommissionRate, CompensationModel, ListCommissionRates, SaveCommissionRate,
};
use branchdesk_api::ids::CommissionRateId;
use branchdesk_api::{ApiError, Permission};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommissionRateRow {
    pub id: CommissionRateId,
    pub name: String,
    pub model: CompensationModel,
    pub amount_minor: i64,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
org_record!(CommissionRateRow, "commission_rates");

static COLUMNS: crate::db::read::Columns = crate::db::read::columns!(CommissionRateRow, "");

pub fn by_id(conn: &Connection, id: CommissionRateId) -> Result<Option<CommissionRateRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM commission_rates WHERE id = ?1"))?
        .query_row([id.to_string()], crate::db::read::row)
        .optional()?)
}

fn view(conn: &Connection, r: &CommissionRateRow) -> Result<CommissionRate> {
    let batches: u32 = conn
        .prepare_cached("SELECT count(*) FROM batches WHERE commission_rate_id = ?1")?
        .query_row([r.id.to_string()], crate::db::read::value)?;
    Ok(CommissionRate {
        id: r.id,
        name: r.name.clone(),
        model: r.model,
        amount_minor: r.amount_minor,
        active: r.active,
        batches,
    })
}

impl Desk {
    /// Anyone who plans batches or runs payroll somewhere reads the table.
    pub fn list_commission_rates(
        &self,
        actor: &Actor,
        input: ListCommissionRates,
    ) -> Result<Vec<CommissionRate>> {
        if actor.require_somewhere(Permission::ManageBatch).is_err() {
            actor.require_somewhere(Permission::RunPayroll)?;
        }
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM commission_rates WHERE active = 1 OR ?1 ORDER BY lower(name)"
        ))?;
        let rows: Vec<CommissionRateRow> = crate::db::read::all(&mut stmt, [input.include_inactive])?;
        rows.iter().map(|r| view(&db.conn, r)).collect()
    }

    /// The table is the organisation's: payroll over every branch keeps it.
    pub fn save_commission_rate(&self, actor: &Actor, input: SaveCommissionRate) -> Result<CommissionRate> {
        actor.require(Permission::RunPayroll, None)?;
        let name = validate::required("name", "rate's name", &input.name, 80)?;
        let amount_minor = match amount::parse(&input.amount) {
            Some(v) if v >= 0 && !input.amount.trim().is_empty() => validate::bounded_amount("amount", v)?,
            _ => return Err(ApiError::invalid("amount", "Enter the rate in rupees.").into()),
        };
        let db = self.db();
        let old = match input.id {
            Some(id) => Some(by_id(&db.conn, id)?.ok_or_else(|| ApiError::not_found("rate").on("id"))?),
            None => None,
        };
        let taken: Option<String> = db
            .conn
            .prepare_cached("SELECT id FROM commission_rates WHERE lower(name) = lower(?1) AND id != ?2")?
            .query_row(
                (name.as_str(), input.id.map(|i| i.to_string()).unwrap_or_default()),
                crate::db::read::value,
            )
            .optional()?;
        if taken.is_some() {
            return Err(ApiError::duplicate("name", "Another rate has that name.").into());
        }
        drop(db);
        let now = self.clock().now();
        let row = CommissionRateRow {
            id: old.as_ref().map_or_else(|| CommissionRateId(Uuid::now_v7()), |o| o.id),
            name,
            model: input.model,
            amount_minor,
            active: input.active,
            created_at: old.as_ref().map_or(now, |o| o.created_at),
            updated_at: now,
        };
        self.write(Some(actor.user_id), |w| w.upsert(old.as_ref(), &row))?;
        view(&self.db().conn, &row)
    }
}
