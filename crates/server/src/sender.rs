//! The organisation's sender: every few seconds it takes the messages due
//! on the channels the server is set up with (`Store::take_due`), sends
//! each through `branchdesk-channels` and records the answer, which the
//! store logs as the server's own change for the desks (`messages`).

use crate::store::{Store, StoreError};
use branchdesk_channels::email::Mailer;
use std::sync::Arc;
use std::time::Duration;

/// How often the sender looks when nothing is due.
const IDLE: Duration = Duration::from_secs(5);

/// Messages taken in one round at most (the rest go in the next).
const ROUND: usize = 50;

pub use branchdesk_channels::Round;

/// Sends what is due now. `extra_roots_pem`: certificates the mail server
/// is trusted by beyond the system's.
pub async fn round<S: Store>(store: &S, extra_roots_pem: &[Vec<u8>]) -> Result<Round, StoreError> {
    let mut done = Round::default();
    let Some(email) = store.email_channel().await? else { return Ok(done) };
    let mailer = Mailer { extra_roots_pem: extra_roots_pem.to_vec(), ..Mailer::new(email) };
    let due = store.take_due(chrono::Utc::now(), vec!["EMAIL".into()], ROUND).await?;
    for m in due {
        let outcome = mailer.send(&m).await;
        done.count(m.id, &outcome);
        store.record_delivery(m.id.to_string(), outcome, chrono::Utc::now()).await?;
    }
    Ok(done)
}

/// Runs rounds for as long as the server runs: at once again after a full
/// round, else after a short wait (or sooner, when a retry falls due).
pub async fn run<S: Store>(store: Arc<S>, extra_roots_pem: Vec<Vec<u8>>) {
    loop {
        let full = match round(store.as_ref(), &extra_roots_pem).await {
            Ok(r) => r.taken() >= ROUND,
            Err(e) => {
                tracing::error!(error = %e, "sending messages failed");
                false
            }
        };
        if full {
            continue;
        }
        let until_retry = store
            .next_retry_at()
            .await
            .ok()
            .flatten()
            .and_then(|t| (t - chrono::Utc::now()).to_std().ok())
            .unwrap_or(IDLE);
        tokio::time::sleep(until_retry.clamp(Duration::from_millis(200), IDLE)).await;
    }
}
