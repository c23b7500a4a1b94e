//! The background sync worker: a round at start, shortly after each local
//! change, every [`Timing::every`], and when woken; backing off (doubling,
//! with jitter) while rounds fail. A failed round is always retried on its
//! own — it never waits for a new local change (sync-design.md, pain 1).
//! Unlinked desks idle. Runs on tokio's clock, so tests can pause it.

use crate::{Client, Transport};
use branchdesk_desk::Desk;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Between rounds when all is well.
    pub every: Duration,
    /// How soon after a local change it is pushed (changes made within
    /// this time go together).
    pub after_write: Duration,
    /// The first wait after a failure; it doubles up to `backoff_max`.
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    /// How long each wait for other desks' changes stays open.
    pub wait: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(15),
            after_write: Duration::from_millis(500),
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(300),
            wait: Duration::from_secs(25),
        }
    }
}

/// Runs forever (spawn it); `wake` asks for a round now ("Sync now").
/// Beside the rounds, it keeps a wait open at the server so another desk's
/// change starts a round within a moment.
pub async fn run<T: Transport>(desk: Arc<Desk>, client: Arc<Client<T>>, wake: Arc<Notify>, timing: Timing) {
    tokio::join!(
        rounds(desk.clone(), client.clone(), wake.clone(), timing),
        listen(desk, client, wake, timing)
    );
}

/// Asks the server to answer when other desks' changes arrive, and wakes
/// the rounds when they do.
async fn listen<T: Transport>(desk: Arc<Desk>, client: Arc<Client<T>>, wake: Arc<Notify>, timing: Timing) {
    loop {
        let linked = desk.sync_config().map(|c| c.server_url.is_some()).unwrap_or(false);
        if !linked {
            tokio::time::sleep(timing.every).await;
            continue;
        }
        match client.wait_for_changes(&desk, timing.wait).await {
            Ok(true) => wake.notify_one(),
            Ok(false) => {}
            // An older server without waits, or no network: the rounds'
            // own timer and backoff cover it; look again later.
            Err(_) => tokio::time::sleep(timing.every).await,
        }
    }
}

async fn rounds<T: Transport>(desk: Arc<Desk>, client: Arc<Client<T>>, wake: Arc<Notify>, timing: Timing) {
    let mut delay = timing.backoff_min;
    let mut failing = false;
    loop {
        let seen = desk.write_count();
        let due = tokio::time::Instant::now() + delay;
        // Wait for the timer, a wake-up, or (unless backing off) a local change.
        loop {
            tokio::select! {
                _ = wake.notified() => break,
                _ = tokio::time::sleep_until(due) => break,
                _ = tokio::time::sleep(timing.after_write) => {
                    if !failing && desk.write_count() != seen {
                        break;
                    }
                }
            }
        }
        let linked = desk.sync_config().map(|c| c.server_url.is_some()).unwrap_or(false);
        if !linked {
            delay = timing.every;
            continue;
        }
        let result = client.sync(&desk).await;
        failing = result.is_err();
        delay = match result {
            Ok(_) => timing.every,
            Err(e) => {
                tracing::warn!(error = %e, "sync round failed; retrying");
                (delay.max(timing.backoff_min) * 2).min(timing.backoff_max) + jitter(timing.backoff_min)
            }
        };
    }
}

/// Up to `most` of randomness, so desks that lost the server together do
/// not all come back at the same instant.
fn jitter(most: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u8(0);
    let ms = most.as_millis().max(1) as u64;
    Duration::from_millis(h.finish() % ms)
}
