use super::command;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub user_name: String,
    pub device_id: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// Old and new values as JSON, secrets redacted.
    pub old_values: Option<String>,
    pub new_values: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListAudit {
    /// Only this table, when given.
    pub entity: Option<String>,
    /// At most this many, newest first (default 200).
    pub limit: u32,
}
command!(ListAudit => "list_audit", Permission -> Vec<AuditEntry>);
