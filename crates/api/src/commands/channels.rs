//! The channels messages leave by, as a desk that sends by itself is set up
//! (an organisation with a sync server sends from the server), and what
//! became of a message once sent.

use super::command;
use crate::ApiError;
use serde::{Deserialize, Serialize};

crate::wire::wire_enum! {
    /// How the link to the mail server is protected.
    pub enum EmailSecurity {
        /// Plain connection upgraded with STARTTLS (usually port 587).
        #[default]
        StartTls = "STARTTLS" => "STARTTLS (port 587)",
        /// TLS from the first byte (usually port 465).
        Tls = "TLS" => "TLS (port 465)",
        /// No encryption: only for a mail server on this computer.
        Plain = "NONE" => "None (a mail server on this computer only)",
    }
}

/// The mail server this desk sends email through. The password is never
/// answered back; saving with it empty keeps the one saved before.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailChannel {
    pub host: String,
    pub port: u16,
    pub security: EmailSecurity,
    /// Empty when the server takes mail without signing in.
    pub username: String,
    pub password: String,
    /// Messages come from this address…
    pub from_address: String,
    /// …under this name (e.g. the organisation's).
    pub from_name: String,
}

/// A host name or address a mail server can have.
fn host(value: &str) -> Result<String, ApiError> {
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
fn header_text(field: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let text = value.trim();
    if text.chars().any(char::is_control) {
        return Err(ApiError::invalid(field, "Use one line, without tabs or line breaks."));
    }
    if text.chars().count() > max {
        return Err(ApiError::invalid(field, format!("At most {max} characters.")));
    }
    Ok(text.to_owned())
}

impl EmailChannel {
    /// The email channel as typed, checked; `saved` is the one saved before
    /// (its password stays when none is typed).
    pub fn checked(&self, saved: Option<&EmailChannel>) -> Result<EmailChannel, ApiError> {
        let input = self;
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
            from_address: crate::contact::email("email.from_address", &input.from_address)?,
            from_name: header_text("email.from_name", &input.from_name, 100)?,
        })
    }
}

/// Saves the email channel (organisation-wide on this desk).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveEmailChannel {
    pub email: EmailChannel,
}
command!(SaveEmailChannel => "save_email_channel", Permission -> Channels);

/// The channels as saved, without their secrets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetChannels {}
command!(GetChannels => "get_channels", Permission -> Channels);

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Channels {
    /// The email channel; its `password` is always empty here.
    pub email: Option<EmailChannel>,
    pub email_password_saved: bool,
    /// False when this desk syncs with a server, which sends instead.
    pub sends_here: bool,
}

/// Sends one test email through the saved channel, to see that it works.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TestEmailChannel {
    pub to: String,
}
command!(TestEmailChannel => "test_email_channel", Permission -> String);

/// A message that failed, sent again (to a corrected address or number
/// when `recipient` is given).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResendNotification {
    pub id: uuid::Uuid,
    pub recipient: String,
}
command!(ResendNotification => "resend_notification", Permission -> ());

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
        let ok = EmailChannel::checked(&typed(), None).expect("valid");
        assert_eq!(ok.host, "smtp.example.com");
        let field = |e: EmailChannel| EmailChannel::checked(&e, None).unwrap_err().field.unwrap_or_default();
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
        assert!(EmailChannel::checked(&local, None).is_ok());
    }

    #[test]
    fn a_saved_password_stays_unless_the_user_name_changes() {
        let saved = EmailChannel::checked(&typed(), None).expect("valid");
        let again = EmailChannel::checked(&EmailChannel { password: String::new(), ..typed() }, Some(&saved))
            .expect("kept");
        assert_eq!(again.password, "s3cret");
        let other = EmailChannel { username: "other@example.com".into(), password: String::new(), ..typed() };
        assert_eq!(
            EmailChannel::checked(&other, Some(&saved)).unwrap_err().field.as_deref(),
            Some("email.password")
        );
    }
}
