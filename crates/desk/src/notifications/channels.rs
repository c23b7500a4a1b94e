//! The channels a desk that sends by itself is set up with (local table
//! `channel_settings`): each one's settings as JSON and its secret apart,
//! never synced, never audited, never answered back.

use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::attendance::NotificationChannel;
use branchdesk_api::commands::channels::{
    Channels, EmailChannel, GetChannels, SaveEmailChannel, TestEmailChannel,
};
use branchdesk_api::delivery::Outgoing;
use branchdesk_api::{ApiError, ErrorCode, Permission};
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

const EMAIL: &str = "EMAIL";

/// The saved email channel with its password, for the sender.
pub(crate) fn email_channel(conn: &Connection) -> Result<Option<EmailChannel>> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT config, secret FROM channel_settings WHERE channel = ?1")?
        .query_row([EMAIL], |r| Ok((r.get("config")?, r.get("secret")?)))
        .optional()?;
    let Some((config, secret)) = row else { return Ok(None) };
    let mut email: EmailChannel = serde_json::from_str(&config)?;
    email.password = secret;
    Ok(Some(email))
}

impl Desk {
    /// True when this desk sends its messages itself: it syncs with no
    /// server (a server sends for the whole organisation).
    pub fn sends_here(&self) -> Result<bool> {
        Ok(self.sync_config()?.server_url.is_none())
    }

    /// The email channel with its password, for the sender on this desk.
    pub fn email_channel(&self) -> Result<Option<EmailChannel>> {
        email_channel(&self.db().conn)
    }

    pub fn get_channels(&self, actor: &Actor, _input: GetChannels) -> Result<Channels> {
        actor.require_somewhere(Permission::ViewSetting)?;
        let email = self.email_channel()?;
        Ok(Channels {
            email_password_saved: email.as_ref().is_some_and(|e| !e.password.is_empty()),
            email: email.map(|e| EmailChannel { password: String::new(), ..e }),
            sends_here: self.sends_here()?,
        })
    }

    /// Saves the mail server this desk sends email through.
    pub fn save_email_channel(&self, actor: &Actor, input: SaveEmailChannel) -> Result<Channels> {
        actor.require(Permission::ManageSetting, None)?;
        let saved = self.email_channel()?;
        let email = EmailChannel::checked(&input.email, saved.as_ref())?;
        let config = serde_json::to_string(&EmailChannel { password: String::new(), ..email.clone() })?;
        let now = self.clock().now().to_rfc3339();
        self.db().conn.execute(
            "INSERT INTO channel_settings (channel, config, secret, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (channel) DO UPDATE SET config = ?2, secret = ?3, updated_at = ?4",
            (EMAIL, config, &email.password, now),
        )?;
        tracing::info!(user = %actor.user_id, host = %email.host, "email channel saved");
        self.get_channels(actor, GetChannels {})
    }

    /// A test email to `to` through the saved channel, checked, for the
    /// shell to send: the channel (with its password) and the message.
    pub fn test_email(&self, actor: &Actor, input: TestEmailChannel) -> Result<(EmailChannel, Outgoing)> {
        actor.require(Permission::ManageSetting, None)?;
        let to = validate::email("to", &input.to)?;
        let email = self.email_channel()?.ok_or_else(|| {
            ApiError::new(ErrorCode::Conflict, "Save the mail server's settings first.").on("email.host")
        })?;
        let organisation = crate::org::store::organisation(&self.db().conn)?
            .map(|o| o.name)
            .unwrap_or_else(|| "Branchdesk".into());
        let out = Outgoing {
            id: Uuid::now_v7(),
            channel: NotificationChannel::Email,
            recipient_name: String::new(),
            recipient: to,
            subject: format!("Test email from {organisation}"),
            body: format!(
                "This email was sent from a Branchdesk desk to check its mail settings ({} port {}). \
                 Messages to parents will come the same way.",
                email.host, email.port
            ),
        };
        Ok((email, out))
    }
}
