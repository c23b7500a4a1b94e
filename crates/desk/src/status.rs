//! What the first screen and the status bar need to know about the desk.

use crate::{org, Desk, Result, SessionToken};
use branchdesk_api::commands::system::{AppStatus, SyncState};

impl Desk {
    /// Never fails for lack of a session: the first screen calls it.
    pub fn app_status(&self, token: Option<&SessionToken>) -> Result<AppStatus> {
        let setup_done = self.is_set_up()?;
        let organisation_name = org::store::organisation(&self.db().conn)?.map(|o| o.name);
        let signed_in = match token {
            Some(t) if setup_done => self.me(t).ok(),
            _ => None,
        };
        Ok(AppStatus {
            setup_done,
            organisation_name,
            device_id: self.device_id().to_owned(),
            data_dir: self.data_dir().display().to_string(),
            schema_version: crate::db::schema_version(),
            signed_in,
        })
    }

    pub fn sync_state(&self) -> Result<SyncState> {
        let pending: i64 =
            self.db()
                .conn
                .query_row("SELECT count(*) FROM outbox WHERE acked_at IS NULL", [], |r| r.get(0))?;
        Ok(SyncState {
            pending_changes: pending as u64,
            linked_to_server: false,
            last_synced_at: None,
            last_backup_at: self.newest_backup()?.map(|b| b.taken_at),
        })
    }
}
