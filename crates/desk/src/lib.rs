//! The desk: domain services over the local SQLite store.
//!
//! Invariants:
//! - No Tauri here; the shell is a thin adapter over [`Desk`].
//! - Every mutation of a synced table goes through [`write::Write`], which
//!   commits the domain rows, their audit rows and their outbox ops in one
//!   transaction. Guard triggers refuse any other writer.
//! - Every service method that needs a permission checks it here, against the
//!   caller's grants and the record's branch, never only in the UI.

pub mod academics;
pub mod actor;
pub mod assessment;
pub mod attachments;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod base32;
#[doc(hidden)]
pub mod bench;
#[cfg(test)]
mod catalogue_check;
pub mod clock;
pub mod dashboard;
pub mod db;
pub mod enrolments;
pub mod error;
pub mod export;
pub mod exports_dir;
pub mod failpoint;
pub mod hlc;
pub mod import;
pub mod keys;
pub mod leads;
pub mod learning;
pub mod merges;
pub mod money;
pub mod names;
pub mod notifications;
pub mod open_files;
pub mod org;
pub mod password;
pub mod printing;
pub mod recovery;
pub mod report_cards;
pub mod roles;
pub mod rooms;
pub mod sessions;
pub mod settings;
pub mod setup;
pub mod status;
pub mod students;
pub mod sync;
pub mod timetable;
pub mod transfers;
pub mod users;
pub mod validate;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

pub use actor::Actor;
pub use clock::{Clock, ManualClock, SystemClock};
pub use db::key::KeyStore;
pub use error::{Error, Result};
pub use sessions::SessionToken;

/// Where the desk keeps its data and which clock it reads.
#[derive(Clone)]
pub struct DeskConfig {
    /// Folder holding `branchdesk.sqlite` and `backups/`.
    pub data_dir: PathBuf,
    pub clock: Arc<dyn Clock>,
    /// Where the database key is kept (`db/key.rs`).
    pub key_store: KeyStore,
}

impl DeskConfig {
    /// The system clock and the key store `BRANCHDESK_KEY_STORE` names
    /// (the operating system's by default).
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self { data_dir: data_dir.into(), clock: Arc::new(SystemClock), key_store: KeyStore::from_env() }
    }
}

/// One open desk database and the services over it.
pub struct Desk {
    conn: Mutex<db::Db>,
    config: DeskConfig,
    device_id: String,
    /// Committed actions since the desk opened; the sync worker watches it
    /// to push soon after each change.
    writes: std::sync::atomic::AtomicU64,
    /// How far the running CSV import is, for the progress bar.
    pub(crate) import_progress: import::Progress,
    /// Crash points armed by the sync simulation.
    pub failpoints: failpoint::Failpoints,
    /// (done, total) of a long download the sync client is running.
    receiving: Mutex<Option<(u64, u64)>>,
    /// The signing keys of the people signed in here (`keys.rs`).
    pub(crate) keys: keys::KeyRing,
    /// Passwords held in memory for a key's one-time proof (`sync::proofs`).
    pub(crate) proofs: sync::proofs::Waiting,
    /// Second-factor secrets shown for set-up and not yet confirmed.
    pub(crate) two_factor: auth::two_factor::Pending,
    /// Where each quiz attempt open here last saved its time.
    pub(crate) attempt_clocks: assessment::quizzes::AttemptClocks,
}

impl Desk {
    /// Opens (creating when needed) the desk database in `config.data_dir`,
    /// backs it up before any pending migration, migrates it, and takes the
    /// daily backup when one is due.
    pub fn open(config: DeskConfig) -> Result<Desk> {
        std::fs::create_dir_all(&config.data_dir)?;
        let db = db::Db::open(&config.data_dir, config.clock.as_ref(), config.key_store)?;
        let device_id = db.device_id()?;
        let desk = Desk {
            conn: Mutex::new(db),
            config,
            device_id,
            writes: Default::default(),
            import_progress: Default::default(),
            failpoints: Default::default(),
            receiving: Mutex::new(None),
            keys: Default::default(),
            proofs: Default::default(),
            two_factor: Default::default(),
            attempt_clocks: Default::default(),
        };
        // The decoy an unknown email is checked against is made off the
        // main thread now, so the first such sign-in takes no longer than
        // any other.
        std::thread::spawn(|| {
            password::decoy();
        });
        // A desk whose disk is full still opens: the failure is logged, the
        // older backups stay, and the hourly timer tries again.
        if let Err(e) = desk.take_daily_backup_if_due() {
            tracing::error!(error = %e, "the daily backup could not be taken");
        }
        Ok(desk)
    }

    pub fn data_dir(&self) -> &Path {
        &self.config.data_dir
    }

    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// How many actions have been committed since the desk opened.
    /// Records how far a long download is (None when it is over).
    pub fn set_receiving(&self, progress: Option<(u64, u64)>) {
        *self.receiving.lock().unwrap_or_else(|e| e.into_inner()) = progress;
    }

    pub fn receiving(&self) -> Option<branchdesk_api::commands::system::Receiving> {
        self.receiving
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .map(|(done, total)| branchdesk_api::commands::system::Receiving { done, total })
    }

    pub fn write_count(&self) -> u64 {
        self.writes.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn clock(&self) -> &dyn Clock {
        self.config.clock.as_ref()
    }

    pub(crate) fn db(&self) -> MutexGuard<'_, db::Db> {
        // A panic while holding the lock cannot leave a half-written
        // transaction behind (SQLite rolls it back), so the data is fine.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
