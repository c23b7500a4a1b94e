//! The channels a desk that sends by itself is set up with (local table
//! `channel_settings`): each one's settings as JSON and its secret apart,
//! never synced, never audited, never answered back.

use super::Outgoing;
use crate::{validate, Actor, Desk, Result};
use branchdesk_api::commands::attendance::NotificationChannel;
use branchdesk_api::commands::channels::{
    Channels, EmailChannel, EmailSecurity, GetChannels, SaveEmailChannel, TestEmailChannel,
};
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

/// A host name or address a mail server can have.
fn host(value: &str) -> std::result::Result<String, ApiError> {
    let host = value.trim().trim_end_matches('.').to_ascii_lowercase();
    let field = "email.host";
    if host.is_empty() {
        return Err(ApiError::invalid(field, "Enter the mail server's name, e.g. smtp.example.com."));
    }
    let fits = host.len() <= 253
        && host.split('.').all(|l| !l.is_empty() && l.len() <= 63)
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if !fits {
        return Err(ApiError::invalid(
            field,
            "A mail server's name has letters, digits, dots and dashes only.",
        ));
    }
    Ok(host)
}

/// A server on this computer, the only kind email may reach unencrypted.
fn is_this_computer(host: &str) -> bool {
    matches!(host, "localhost" | "::1") || host.starts_with("127.")
}

/// Text that goes into a mail header: one line, of a sane length.
fn header_text(field: &str, value: &str, max: usize) -> std::result::Result<String, ApiError> {
    let text = value.trim();
    if text.chars().any(char::is_control) {
        return Err(ApiError::invalid(field, "Use one line, without tabs or line breaks."));
    }
    if text.chars().count() > max {
        return Err(ApiError::invalid(field, format!("At most {max} characters.")));
    }
    Ok(text.to_owned())
}

/// The email channel as typed, checked; `saved` is the one saved before
/// (its password stays when none is typed).
fn check_email(
    input: &EmailChannel,
    saved: Option<&EmailChannel>,
) -> std::result::Result<EmailChannel, ApiError> {
    let host = host(&input.host)?;
    if input.port == 0 {
        return Err(ApiError::invalid("email.port", "Enter the port: 587 for STARTTLS, 465 for TLS."));
    }
    if input.security == EmailSecurity::Plain && !is_this_computer(&host) {
        return Err(ApiError::invalid(
            "email.security",
            "Email leaves this computer encrypted: choose STARTTLS or TLS (only a mail server on this computer may go without).",
        ));
    }
    let username = header_text("email.username", &input.username, 200)?;
    let password = if input.password.is_empty() {
        saved.filter(|s| s.username == username).map(|s| s.password.clone()).unwrap_or_default()
    } else {
        input.password.clone()
    };
    if !username.is_empty() && password.is_empty() {
        return Err(ApiError::invalid("email.password", "Enter the password for this user name."));
    }
    if password.chars().count() > 500 {
        return Err(ApiError::invalid("email.password", "At most 500 characters."));
    }
    Ok(EmailChannel {
        host,
        port: input.port,
        security: input.security,
        username,
        password,
        from_address: validate::email("email.from_address", &input.from_address)?,
        from_name: header_text("email.from_name", &input.from_name, 100)?,
    })
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
        let email = check_email(&input.email, saved.as_ref())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> EmailChannel {
        EmailChannel {
            host: " SMTP.Example.com. ".into(),
            port: 587,
            security: EmailSecurity::StartTls,
            username: "desk@example.com".into(),
            password: "s3cret".into(),
            from_address: "office@example.com".into(),
            from_name: "Kota Coaching".into(),
        }
    }

    #[test]
    fn a_typed_channel_is_tidied_and_each_bad_field_is_named() {
        let ok = check_email(&typed(), None).expect("valid");
        assert_eq!(ok.host, "smtp.example.com");
        let field = |e: EmailChannel| check_email(&e, None).unwrap_err().field.unwrap_or_default();
        assert_eq!(field(EmailChannel { host: "smtp example.com".into(), ..typed() }), "email.host");
        assert_eq!(field(EmailChannel { host: String::new(), ..typed() }), "email.host");
        assert_eq!(field(EmailChannel { port: 0, ..typed() }), "email.port");
        assert_eq!(field(EmailChannel { security: EmailSecurity::Plain, ..typed() }), "email.security");
        assert_eq!(field(EmailChannel { password: String::new(), ..typed() }), "email.password");
        assert_eq!(field(EmailChannel { from_address: "office".into(), ..typed() }), "email.from_address");
        // A header injection through the sender's name.
        assert_eq!(
            field(EmailChannel { from_name: "Kota\r\nBcc: everyone@example.com".into(), ..typed() }),
            "email.from_name"
        );
        let local = EmailChannel { host: "127.0.0.1".into(), security: EmailSecurity::Plain, ..typed() };
        assert!(check_email(&local, None).is_ok());
    }

    #[test]
    fn a_saved_password_stays_unless_the_user_name_changes() {
        let saved = check_email(&typed(), None).expect("valid");
        let again =
            check_email(&EmailChannel { password: String::new(), ..typed() }, Some(&saved)).expect("kept");
        assert_eq!(again.password, "s3cret");
        let other = EmailChannel { username: "other@example.com".into(), password: String::new(), ..typed() };
        assert_eq!(check_email(&other, Some(&saved)).unwrap_err().field.as_deref(), Some("email.password"));
    }
}
