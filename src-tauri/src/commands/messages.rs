//! Messages: reviewing and resending wake the sender at once, and a test
//! email goes through the saved mail server while the person waits.

use super::Reply;
use branchdesk_api::commands::attendance::ReviewNotifications;
use branchdesk_api::commands::channels::{ResendNotification, TestEmailChannel};
use branchdesk_api::delivery::Outcome;
use branchdesk_api::{ApiError, ErrorCode};

#[tauri::command(async)]
pub fn review_notifications(
    state: tauri::State<'_, crate::AppState>,
    input: ReviewNotifications,
) -> Reply<ReviewNotifications> {
    let reviewed = state.actor(|desk, actor| desk.review_notifications(actor, input))?;
    state.wake_sender();
    Ok(reviewed)
}

#[tauri::command(async)]
pub fn resend_notification(
    state: tauri::State<'_, crate::AppState>,
    input: ResendNotification,
) -> Reply<ResendNotification> {
    state.actor(|desk, actor| desk.resend_notification(actor, input))?;
    state.wake_sender();
    Ok(())
}

#[tauri::command(async)]
pub async fn test_email_channel(
    state: tauri::State<'_, crate::AppState>,
    input: TestEmailChannel,
) -> Reply<TestEmailChannel> {
    let (channel, message) = state.actor(|desk, actor| desk.test_email(actor, input))?;
    match branchdesk_channels::email::Mailer::new(channel).send(&message).await {
        Outcome::Sent { provider_ref } => {
            Ok(format!("Sent to {}. The mail server said: {provider_ref}", message.recipient))
        }
        Outcome::Retry { reason } | Outcome::Failed { reason } => {
            Err(ApiError::new(ErrorCode::Conflict, format!("The test email was not sent. {reason}")))
        }
    }
}
