//! What the shell keeps between commands: the desk and this window's session.

use branchdesk_api::{ApiError, ErrorCode};
use branchdesk_desk::{Actor, Desk, SessionToken};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

pub struct AppState {
    desk: Arc<Desk>,
    sync: Arc<branchdesk_sync::Client>,
    wake_sync: Arc<Notify>,
    /// The session of whoever signed in at this window. The token never
    /// leaves the Rust side, so page scripts cannot read it.
    token: Mutex<Option<SessionToken>>,
}

impl AppState {
    pub fn new(desk: Desk) -> Self {
        Self {
            desk: Arc::new(desk),
            sync: Arc::new(branchdesk_sync::Client::new()),
            wake_sync: Arc::new(Notify::new()),
            token: Mutex::new(None),
        }
    }

    pub fn sync_client(&self) -> &branchdesk_sync::Client {
        &self.sync
    }

    /// Asks the sync worker for a round now.
    pub fn wake_sync(&self) {
        self.wake_sync.notify_one();
    }

    /// Starts the background sync worker (see `branchdesk_sync::worker`).
    pub fn start_sync_worker(&self) {
        let (desk, client, wake) = (self.desk.clone(), self.sync.clone(), self.wake_sync.clone());
        tauri::async_runtime::spawn(branchdesk_sync::worker::run(desk, client, wake, Default::default()));
    }

    pub fn desk(&self) -> &Desk {
        &self.desk
    }

    fn token(&self) -> Option<SessionToken> {
        self.token.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn set_token(&self, token: Option<SessionToken>) {
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = token;
    }

    /// For commands that work without a session.
    pub fn public<T>(
        &self,
        f: impl FnOnce(&Desk, Option<&SessionToken>) -> branchdesk_desk::Result<T>,
    ) -> Result<T, ApiError> {
        f(&self.desk, self.token().as_ref()).map_err(Into::into)
    }

    /// For commands that need a session; a session that ended is forgotten.
    pub fn session<T>(
        &self,
        f: impl FnOnce(&Desk, &SessionToken) -> branchdesk_desk::Result<T>,
    ) -> Result<T, ApiError> {
        let token =
            self.token().ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "Please sign in first."))?;
        f(&self.desk, &token).map_err(|e| self.forget_if_ended(e.into()))
    }

    /// For commands that act as the signed-in person; someone with a
    /// temporary password is refused here before any service runs (the
    /// services check it again through `Actor`).
    pub fn actor<T>(
        &self,
        f: impl FnOnce(&Desk, &Actor) -> branchdesk_desk::Result<T>,
    ) -> Result<T, ApiError> {
        self.session(|desk, token| {
            let actor = desk.actor(token)?;
            actor.may_act()?;
            f(desk, &actor)
        })
    }

    fn forget_if_ended(&self, e: ApiError) -> ApiError {
        if matches!(e.code, ErrorCode::Unauthenticated | ErrorCode::SessionExpired) {
            self.set_token(None);
        }
        e
    }

    pub fn desk_arc(&self) -> Arc<Desk> {
        self.desk.clone()
    }

    /// Checks hourly whether the daily backup is due (the desk may run for days).
    pub fn start_daily_backups(&self) {
        let desk = self.desk.clone();
        std::thread::Builder::new()
            .name("daily-backup".into())
            .spawn(move || loop {
                std::thread::sleep(Duration::from_secs(3600));
                if let Err(e) = desk.take_daily_backup_if_due() {
                    tracing::error!(error = %e, "daily backup failed");
                }
            })
            .map(drop)
            .unwrap_or_else(|e| tracing::error!(error = %e, "could not start the daily backup timer"));
    }
}
