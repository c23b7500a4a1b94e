//! The sender loop of a desk of its own: every little while (or when woken
//! after an approval) it sends what is due, one message at a time, and
//! records each answer. A desk that syncs finds nothing due here.

use branchdesk_api::commands::attendance::NotificationChannel;
use branchdesk_channels::email::Mailer;
use branchdesk_desk::Desk;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How often the loop looks when nothing wakes it.
const IDLE: Duration = Duration::from_secs(60);

/// Messages sent in one round at most (the rest go in the next).
const ROUND: usize = 50;

pub use branchdesk_channels::Round;

/// Sends what is due now. `extra_roots_pem`: certificates the mail server
/// is trusted by beyond the system's.
pub async fn round(desk: &Desk, extra_roots_pem: &[Vec<u8>]) -> branchdesk_desk::Result<Round> {
    let due = desk.messages_due(ROUND)?;
    let mut done = Round::default();
    if due.is_empty() {
        return Ok(done);
    }
    let mailer =
        desk.email_channel()?.map(|c| Mailer { extra_roots_pem: extra_roots_pem.to_vec(), ..Mailer::new(c) });
    for m in due {
        let outcome = match (m.channel, &mailer) {
            (NotificationChannel::Email, Some(mailer)) => {
                desk.start_delivery(m.id)?;
                mailer.send(&m).await
            }
            // Not due unless its channel is set up.
            _ => continue,
        };
        done.count(m.id, &outcome);
        desk.record_delivery(m.id, &outcome)?;
    }
    Ok(done)
}

/// Runs rounds for as long as the app runs.
pub async fn run(desk: Arc<Desk>, wake: Arc<Notify>) {
    loop {
        if let Err(e) = round(&desk, &[]).await {
            tracing::error!(error = %e, "sending messages failed");
        }
        let until_retry = desk
            .next_retry_at()
            .ok()
            .flatten()
            .and_then(|t| (t - desk.clock().now()).to_std().ok())
            .unwrap_or(IDLE);
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(until_retry.clamp(Duration::from_secs(1), IDLE)) => {}
        }
    }
}
