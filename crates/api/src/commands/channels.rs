//! The channels messages leave by, as a desk that sends by itself is set up
//! (an organisation with a sync server sends from the server), and what
//! became of a message once sent.

use super::command;
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
