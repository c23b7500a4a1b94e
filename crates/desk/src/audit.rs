//! The audit log: who changed what, from which desk, old and new values.
//! Secrets never reach it.

use crate::actor::Branches;
use crate::{Desk, Result};
use branchdesk_api::commands::audit::{AuditEntry, ListAudit};
use branchdesk_api::ids::{BranchId, UserId};
use branchdesk_api::tables::Entity;
use branchdesk_api::Permission;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

pub const REDACTED: &str = "[redacted]";

/// Columns whose values never enter the audit log.
pub fn is_secret(column: &str) -> bool {
    ["password", "token", "code_hash", "secret", "sealed", "bank_account", "ifsc"]
        .iter()
        .any(|s| column.contains(s))
}

pub struct Entry<'a> {
    pub at: DateTime<Utc>,
    pub user_id: Option<UserId>,
    pub device_id: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub old_values: Option<Value>,
    pub new_values: Option<Value>,
}

pub fn record(conn: &Connection, e: &Entry<'_>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (id, at, user_id, device_id, action, entity, entity_id, old_values, new_values)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(rusqlite::params![
        uuid::Uuid::now_v7().to_string(),
        e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        e.user_id.map(|u| u.to_string()),
        e.device_id,
        e.action,
        e.entity,
        e.entity_id,
        e.old_values.as_ref().map(|v| redact(v).to_string()),
        e.new_values.as_ref().map(|v| redact(v).to_string()),
    ])?;
    Ok(())
}

/// An event that changes no synced row (sign-in, lockout, a reset code);
/// `entity_id` a typed id or a bare uuid.
pub fn event(
    conn: &Connection,
    device_id: &str,
    user_id: Option<UserId>,
    action: &str,
    entity: &str,
    entity_id: impl Into<uuid::Uuid>,
    at: DateTime<Utc>,
) -> Result<()> {
    record(
        conn,
        &Entry {
            at,
            user_id,
            device_id,
            action,
            entity,
            entity_id: &entity_id.into().to_string(),
            old_values: None,
            new_values: None,
        },
    )
}

fn redact(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_secret(k) { Value::String(REDACTED.into()) } else { redact(v) };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

impl Desk {
    /// The newest audit entries. Someone who reads the log in some branches
    /// only sees the entries of rows in those branches; entries of rows of
    /// the whole organisation (users, roles, courses) and sign-ins need the
    /// permission organisation-wide.
    pub fn list_audit(&self, actor: &crate::Actor, input: ListAudit) -> Result<Vec<AuditEntry>> {
        actor.require_somewhere(Permission::ViewAudit)?;
        let limit = match input.limit {
            0 => 200,
            n => n.min(5_000),
        } as usize;
        let visible = actor.branches_with(Permission::ViewAudit);
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(
            "SELECT a.at, COALESCE(u.full_name, 'system') AS user_name, a.device_id, a.action, a.entity,
                    a.entity_id, a.old_values, a.new_values
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
             WHERE ?1 IS NULL OR a.entity = ?1
             ORDER BY a.at DESC, a.id DESC LIMIT ?2",
        )?;
        let Branches::Only(branches) = visible else {
            return Ok(crate::db::read::all(&mut stmt, rusqlite::params![input.entity, limit as i64])?);
        };
        // Read newest first, without a limit (-1), until enough are kept.
        let mut out = Vec::new();
        for entry in crate::db::read::each::<AuditEntry>(&mut stmt, rusqlite::params![input.entity, -1])? {
            let entry = entry?;
            if branch_of(&db.conn, &entry)?.is_some_and(|b| branches.contains(&b)) {
                out.push(entry);
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }
}

/// The branch of the row an entry is about: the row's `branch_id` now, or
/// the one its values name (a row since removed); None for rows of the
/// whole organisation and for events.
fn branch_of(conn: &Connection, e: &AuditEntry) -> Result<Option<BranchId>> {
    let Some(table) = Entity::parse(&e.entity).map(Entity::table) else {
        return Ok(None);
    };
    if table.column("branch_id").is_none() {
        return Ok(None);
    }
    let now: Option<Option<String>> = conn
        .prepare_cached(&format!("SELECT branch_id FROM {} WHERE id = ?1", table.name))?
        .query_row([&e.entity_id], crate::db::read::value)
        .optional()?;
    let named = || {
        [&e.new_values, &e.old_values].into_iter().flatten().find_map(|v| {
            let v: Value = serde_json::from_str(v).ok()?;
            v.get("branch_id")?.as_str().map(str::to_owned)
        })
    };
    let text = match now {
        Some(b) => b,
        None => named(),
    };
    Ok(text.and_then(|b| uuid::Uuid::parse_str(&b).ok()).map(BranchId))
}
