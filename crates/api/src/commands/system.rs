use super::command;
use crate::commands::session::Me;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetAppStatus {}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppStatus {
    pub setup_done: bool,
    pub organisation_name: Option<String>,
    pub device_id: String,
    pub data_dir: String,
    pub schema_version: u32,
    /// The signed-in user, when this window's session is still valid.
    pub signed_in: Option<Me>,
}
command!(GetAppStatus => "get_app_status", Public -> AppStatus);

/// First run: the organisation, its first branch and the DIRECTOR account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetupOrganisation {
    pub organisation_name: String,
    pub currency: String,
    pub branch_name: String,
    pub branch_code: String,
    pub director_name: String,
    pub director_email: String,
    pub director_password: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetupDone {
    pub director_email: String,
}
command!(SetupOrganisation => "setup_organisation", Public -> SetupDone);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetSyncState {}

/// What the status bar shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncState {
    /// Local changes not yet acknowledged by a server.
    pub pending_changes: u64,
    pub linked_to_server: bool,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub last_backup_at: Option<DateTime<Utc>>,
}
command!(GetSyncState => "get_sync_state", Session -> SyncState);
