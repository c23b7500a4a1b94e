//! Wall-clock time behind a trait, so tests can move time (session expiry,
//! lockout) without sleeping.

use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Time since an arbitrary start that only moves forward: setting the
    /// wall clock does not move it (a quiz's time is measured by it).
    fn monotonic(&self) -> std::time::Duration;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn monotonic(&self) -> std::time::Duration {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START.get_or_init(std::time::Instant::now).elapsed()
    }
}

/// A clock that moves only when told to.
pub struct ManualClock(Mutex<(DateTime<Utc>, std::time::Duration)>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Mutex::new((start, std::time::Duration::ZERO)))
    }

    /// Time passes: both clocks move.
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        t.0 += by;
        t.1 += by.to_std().unwrap_or_default();
    }

    /// Someone sets the wall clock: the monotonic one stays.
    pub fn set_wall(&self, to: DateTime<Utc>) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).0 = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).0
    }

    fn monotonic(&self) -> std::time::Duration {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).1
    }
}

/// The calendar day at the desk for an instant (grants expire by local day).
pub fn local_date(t: DateTime<Utc>) -> chrono::NaiveDate {
    t.with_timezone(&chrono::Local).date_naive()
}

/// The wall-clock time at the desk for an instant (file names, printouts).
pub fn local_time(t: DateTime<Utc>) -> chrono::DateTime<chrono::Local> {
    t.with_timezone(&chrono::Local)
}
