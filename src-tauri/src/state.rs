//! What the shell keeps between commands: the desk and this window's session.

use branchdesk_api::{ApiError, ErrorCode};
use branchdesk_desk::{Actor, Desk, SessionToken};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// How long the worker waits between rounds when all is well.
const SYNC_EVERY: Duration = Duration::from_secs(15);
/// How soon after a local change the worker pushes it (changes made within
/// this time go together).
const SYNC_AFTER_WRITE: Duration = Duration::from_millis(500);
/// The longest wait after repeated failures.
const SYNC_BACKOFF_MAX: Duration = Duration::from_secs(300);

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

    /// The background sync worker: a round at start, shortly after each
    /// local change, every `SYNC_EVERY`, and when woken; backing off (with
    /// jitter) while the server cannot be reached. A failed round is always
    /// retried; it never waits for a new local change. Unlinked desks idle.
    pub fn start_sync_worker(&self) {
        let (desk, client, wake) = (self.desk.clone(), self.sync.clone(), self.wake_sync.clone());
        tauri::async_runtime::spawn(async move {
            let mut delay = Duration::from_secs(1);
            let mut failing = false;
            loop {
                let seen = desk.write_count();
                let due = tokio::time::Instant::now() + delay;
                // Wait for the timer, a wake-up, or (unless backing off) a local change.
                loop {
                    tokio::select! {
                        _ = wake.notified() => break,
                        _ = tokio::time::sleep_until(due) => break,
                        _ = tokio::time::sleep(SYNC_AFTER_WRITE) => {
                            if !failing && desk.write_count() != seen {
                                break;
                            }
                        }
                    }
                }
                let linked = desk.sync_config().map(|c| c.server_url.is_some()).unwrap_or(false);
                if !linked {
                    delay = SYNC_EVERY;
                    continue;
                }
                let result = client.sync(&desk).await;
                failing = result.is_err();
                delay = match result {
                    Ok(_) => SYNC_EVERY,
                    Err(e) => {
                        tracing::warn!(error = %e, "sync round failed; retrying");
                        (delay.max(Duration::from_secs(1)) * 2).min(SYNC_BACKOFF_MAX) + jitter()
                    }
                };
            }
        });
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

    /// For commands that act as the signed-in person.
    pub fn actor<T>(
        &self,
        f: impl FnOnce(&Desk, &Actor) -> branchdesk_desk::Result<T>,
    ) -> Result<T, ApiError> {
        self.session(|desk, token| {
            let actor = desk.actor(token)?;
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

/// Up to a second of randomness, so desks that lost the server together do
/// not all come back at the same instant.
fn jitter() -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u8(0);
    Duration::from_millis(h.finish() % 1000)
}
