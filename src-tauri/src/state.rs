//! What the shell keeps between commands: the desk and this window's session.

use branchdesk_api::commands::recovery::{Recovered, Recovery};
use branchdesk_api::{ApiError, ErrorCode};
use branchdesk_desk::{Actor, Desk, DeskConfig, KeyStore, SessionToken};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::Notify;

/// The desk, or why its data would not open (the recovery screen shows).
enum Opened {
    Desk(Arc<Desk>),
    /// The data is damaged, or (`key_missing`) its key is not at hand.
    Damaged {
        data_dir: PathBuf,
        problem: String,
        key_missing: bool,
    },
}

impl Opened {
    /// Opens the desk in `data_dir`; damaged data or a missing key opens
    /// the recovery screen instead, and any other failure is returned.
    fn open(data_dir: PathBuf) -> branchdesk_desk::Result<Opened> {
        let key_missing = match Desk::open(DeskConfig::new(&data_dir)) {
            Ok(desk) => return Ok(Opened::Desk(Arc::new(desk))),
            Err(branchdesk_desk::Error::Damaged(problem)) => (problem, false),
            Err(branchdesk_desk::Error::KeyUnavailable(problem)) => (problem, true),
            Err(e) => return Err(e),
        };
        let (problem, key_missing) = key_missing;
        tracing::error!(%problem, key_missing, data_dir = %data_dir.display(), "the desk's data did not open");
        Ok(Opened::Damaged { data_dir, problem, key_missing })
    }
}

pub struct AppState {
    opened: RwLock<Opened>,
    sync: Arc<branchdesk_sync::Client>,
    wake_sync: Arc<Notify>,
    wake_send: Arc<Notify>,
    /// The session of whoever signed in at this window. The token never
    /// leaves the Rust side, so page scripts cannot read it.
    token: Mutex<Option<SessionToken>>,
}

impl AppState {
    /// Opens the desk in `data_dir`; damaged data opens the recovery
    /// screen instead, and any other failure stops the app.
    pub fn open(data_dir: PathBuf) -> branchdesk_desk::Result<Self> {
        let opened = Opened::open(data_dir)?;
        let state = Self {
            opened: RwLock::new(opened),
            sync: Arc::new(branchdesk_sync::Client::new()),
            wake_sync: Arc::new(Notify::new()),
            wake_send: Arc::new(Notify::new()),
            token: Mutex::new(None),
        };
        state.start_background_work();
        Ok(state)
    }

    pub fn new(desk: Desk) -> Self {
        Self {
            opened: RwLock::new(Opened::Desk(Arc::new(desk))),
            sync: Arc::new(branchdesk_sync::Client::new()),
            wake_sync: Arc::new(Notify::new()),
            wake_send: Arc::new(Notify::new()),
            token: Mutex::new(None),
        }
    }

    /// The daily backups, the sync worker and the sender, once there is a desk.
    fn start_background_work(&self) {
        if self.desk_arc().is_ok() {
            self.start_daily_backups();
            self.start_sync_worker();
            self.start_sender();
        }
    }

    /// What the recovery screen shows; None when the desk is sound.
    pub fn recovery(&self) -> Result<Option<Recovery>, ApiError> {
        match &*self.opened.read().unwrap_or_else(|p| p.into_inner()) {
            Opened::Desk(_) => Ok(None),
            Opened::Damaged { data_dir, problem, key_missing } => {
                branchdesk_desk::recovery::inspect(data_dir, problem, KeyStore::from_env(), *key_missing)
                    .map(Some)
                    .map_err(Into::into)
            }
        }
    }

    /// Puts a backup in place of damaged data and opens the desk from it
    /// (`recovery_key`: that of the desk that made it, when another).
    pub fn recover(&self, file_name: &str, recovery_key: &str) -> Result<Recovered, ApiError> {
        let mut opened = self.opened.write().unwrap_or_else(|p| p.into_inner());
        let data_dir = match &*opened {
            Opened::Damaged { data_dir, key_missing: false, .. } => data_dir.clone(),
            Opened::Damaged { key_missing: true, .. } => {
                // The data may be sound: nothing is restored over it.
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "This desk's data is locked, not damaged: type its recovery key to open it.",
                )
                .on("recovery_key"));
            }
            Opened::Desk(_) => {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "This desk's data is sound. Backups are restored from Settings → Backups.",
                ))
            }
        };
        let recovered = branchdesk_desk::recovery::restore(
            &data_dir,
            file_name,
            recovery_key,
            KeyStore::from_env(),
            branchdesk_desk::Clock::now(&branchdesk_desk::SystemClock),
        )?;
        *opened = Opened::open(data_dir)?;
        drop(opened);
        self.start_background_work();
        Ok(recovered)
    }

    /// Puts the desk's key back from its recovery key and opens the desk.
    pub fn unlock(&self, recovery_key: &str) -> Result<(), ApiError> {
        let mut opened = self.opened.write().unwrap_or_else(|p| p.into_inner());
        let Opened::Damaged { data_dir, key_missing: true, .. } = &*opened else {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "This desk's key is in place; nothing to unlock.",
            ));
        };
        let data_dir = data_dir.clone();
        branchdesk_desk::recovery::unlock(&data_dir, KeyStore::from_env(), recovery_key)?;
        *opened = Opened::open(data_dir)?;
        drop(opened);
        self.start_background_work();
        Ok(())
    }

    pub fn sync_client(&self) -> &branchdesk_sync::Client {
        &self.sync
    }

    /// Asks the sync worker for a round now.
    pub fn wake_sync(&self) {
        self.wake_sync.notify_one();
    }

    /// Starts the background sync worker (see `branchdesk_sync::worker`).
    fn start_sync_worker(&self) {
        let Ok(desk) = self.desk_arc() else { return };
        let (client, wake) = (self.sync.clone(), self.wake_sync.clone());
        tauri::async_runtime::spawn(branchdesk_sync::worker::run(desk, client, wake, Default::default()));
    }

    /// Asks the sender to look for messages to send now.
    pub fn wake_sender(&self) {
        self.wake_send.notify_one();
    }

    /// Starts the sender of a desk of its own (`branchdesk_send::worker`).
    fn start_sender(&self) {
        let Ok(desk) = self.desk_arc() else { return };
        tauri::async_runtime::spawn(branchdesk_send::worker::run(desk, self.wake_send.clone()));
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
        let desk = self.desk_arc()?;
        f(&desk, self.token().as_ref()).map_err(Into::into)
    }

    /// For commands that need a session; a session that ended is forgotten.
    pub fn session<T>(
        &self,
        f: impl FnOnce(&Desk, &SessionToken) -> branchdesk_desk::Result<T>,
    ) -> Result<T, ApiError> {
        let token =
            self.token().ok_or_else(|| ApiError::new(ErrorCode::Unauthenticated, "Please sign in first."))?;
        let desk = self.desk_arc()?;
        f(&desk, &token).map_err(|e| self.forget_if_ended(e.into()))
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

    /// The desk; an error while its data waits for recovery.
    pub fn desk_arc(&self) -> Result<Arc<Desk>, ApiError> {
        match &*self.opened.read().unwrap_or_else(|p| p.into_inner()) {
            Opened::Desk(desk) => Ok(desk.clone()),
            Opened::Damaged { .. } => Err(ApiError::new(
                ErrorCode::Conflict,
                "This desk's data did not open. Use the recovery screen first.",
            )),
        }
    }

    /// Checks hourly whether the daily backup is due (the desk may run for days).
    fn start_daily_backups(&self) {
        let Ok(desk) = self.desk_arc() else { return };
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
