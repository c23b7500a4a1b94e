//! The audit log: who changed what, from which desk, old and new values.
//! Secrets never reach it.

use crate::{Desk, Result};
use branchdesk_api::commands::audit::{AuditEntry, ListAudit};
use branchdesk_api::ids::UserId;
use branchdesk_api::Permission;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::Value;

pub const REDACTED: &str = "[redacted]";

/// Columns whose values never enter the audit log.
pub fn is_secret(column: &str) -> bool {
    ["password", "token", "code_hash", "secret", "sealed", "bank_account", "ifsc"].iter().any(|s| column.contains(s))
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
    pub fn list_audit(&self, actor: &crate::Actor, input: ListAudit) -> Result<Vec<AuditEntry>> {
        actor.require_somewhere(Permission::ViewAudit)?;
        let limit = match input.limit {
            0 => 200,
            n => n.min(5_000),
        };
        let db = self.db();
        let mut stmt = db.conn.prepare_cached(
            "SELECT a.at, COALESCE(u.full_name, 'system') AS user_name, a.device_id, a.action, a.entity,
                    a.entity_id, a.old_values, a.new_values
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
             WHERE ?1 IS NULL OR a.entity = ?1
             ORDER BY a.at DESC, a.id DESC LIMIT ?2",
        )?;
        Ok(crate::db::read::all(&mut stmt, rusqlite::params![input.entity, limit])?)
    }
}
