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
    /// The server this desk syncs with, if linked.
    pub server_url: Option<String>,
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Why the last round failed, when it did (the worker keeps retrying).
    pub last_error: Option<String>,
    /// Values that lost a merge and wait for review.
    pub open_conflicts: u64,
    /// This desk's changes the server refused.
    pub refused_changes: u64,
    pub last_backup_at: Option<DateTime<Utc>>,
    /// A long download in progress, if any.
    pub receiving: Option<Receiving>,
    /// Why this desk's changes wait before one of them (who must sign in
    /// here first), if they do.
    #[serde(default)]
    pub held_for: Option<String>,
}
command!(GetSyncState => "get_sync_state", Session -> SyncState);

/// Runs a sync round now instead of at the next tick.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncNow {}
command!(SyncNow => "sync_now", Session -> SyncState);

/// Links this desk to a server with a one-time code (an empty URL unlinks it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinkServer {
    pub server_url: String,
    /// The server's bootstrap code (first desk) or a code another desk issued.
    pub code: String,
}
command!(LinkServer => "link_server", Permission -> SyncState);

/// First run on a new desk: fetch an existing organisation from its server
/// instead of creating one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JoinOrganisation {
    pub server_url: String,
    /// A one-time code issued on a desk of the organisation.
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Joined {
    pub organisation_name: String,
}
command!(JoinOrganisation => "join_organisation", Public -> Joined);

/// A one-time code with which another desk can join (valid a day), for one
/// branch or, when `branch_id` is None, for all of this desk's branches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IssueDeskCode {
    pub branch_id: Option<crate::ids::BranchId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskCode {
    pub code: String,
    pub valid_hours: u32,
}
command!(IssueDeskCode => "issue_desk_code", Permission -> DeskCode);

/// How far a long download from the server is (shown while a first sync
/// or a big catch-up runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receiving {
    pub done: u64,
    pub total: u64,
}

/// Works without a sign-in: the join screen shows it during the first sync.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetSyncProgress {}
command!(GetSyncProgress => "get_sync_progress", Public -> Option<Receiving>);

/// The desks linked to this desk's server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListLinkedDesks {}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedDesk {
    pub device_id: String,
    pub desk_no: u32,
    /// The branches it syncs, by name ("All branches" when not limited).
    pub branches: String,
    /// RFC 3339.
    pub enrolled_at: String,
    pub last_push_at: Option<String>,
    pub revoked: bool,
    pub this_desk: bool,
}
command!(ListLinkedDesks => "list_linked_desks", Permission -> Vec<LinkedDesk>);

/// Stops a lost or replaced desk from syncing; answers the desks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RevokeDesk {
    pub device_id: String,
}
command!(RevokeDesk => "revoke_desk", Permission -> Vec<LinkedDesk>);

/// A change made on this desk that the server refused, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefusedChange {
    pub seq: u64,
    pub entity: String,
    pub entity_id: String,
    pub kind: String,
    pub at: DateTime<Utc>,
    pub author: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListRefusedChanges {}
command!(ListRefusedChanges => "list_refused_changes", Permission -> Vec<RefusedChange>);

/// A value that lost a merge, kept for review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub id: String,
    pub entity: String,
    pub entity_id: String,
    pub column: String,
    /// JSON of the value that lost, and of the one in force.
    pub losing_value: String,
    pub winning_value: Option<String>,
    /// Desks that wrote each (from the clock stamps).
    pub losing_device: String,
    pub winning_device: String,
    pub detected_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListConflicts {}
command!(ListConflicts => "list_conflicts", Permission -> Vec<Conflict>);

/// Closes a conflict: keep the value in force, or take back the one that
/// lost (a new change from this desk, which then wins everywhere).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResolveConflict {
    pub id: String,
    pub take_losing_value: bool,
}
command!(ResolveConflict => "resolve_conflict", Permission -> ());
