use super::command;
use crate::commands::{org::Branch, users::User};
use crate::Permission;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// The signed-in user and what they may do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub user: User,
    /// Union of the permissions of every grant in force.
    pub permissions: Vec<Permission>,
    /// True when some grant covers every branch.
    pub all_branches: bool,
    /// Branches the user may act in.
    pub branches: Vec<Branch>,
    /// Whether the person signs in with a second factor.
    pub two_factor: bool,
    /// A role they hold needs a second factor they have not set up: by when
    /// they must (afterwards nothing but setting it up is served).
    pub two_factor_due_by: Option<chrono::DateTime<chrono::Utc>>,
}

impl Me {
    pub fn can(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }
}
command!(Login => "login", Public -> Me);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Logout {}
command!(Logout => "logout", Public -> ());

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetMe {}
command!(GetMe => "get_me", Session -> Me);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}
command!(ChangePassword => "change_password", Session -> ());

/// Sets a new password with a one-time code an admin issued.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RedeemResetCode {
    pub email: String,
    pub code: String,
    pub new_password: String,
}
command!(RedeemResetCode => "redeem_reset_code", Public -> ());

/// Begins setting up two-factor sign-in: a new secret for the person's
/// authenticator app, kept on this desk until they confirm it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StartTwoFactor {}

/// What the set-up screen shows: a QR code of `uri`, and the secret to
/// type by hand into an app that cannot scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    /// Base32, in groups of four.
    pub secret: String,
    /// `otpauth://totp/…` (RFC 6238 parameters: SHA-1, 6 digits, 30 s).
    pub uri: String,
    /// The QR code of `uri`: `width` × `width` modules, row by row.
    pub qr_width: u32,
    pub qr_dark: Vec<bool>,
}
command!(StartTwoFactor => "start_two_factor", Session -> TwoFactorSetup);

/// Confirms set-up with a code the app shows now, and the password (which
/// seals the secret, as it seals the person's signing key).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfirmTwoFactor {
    pub password: String,
    pub code: String,
}

/// Ten one-time codes for when the phone is lost; shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}
command!(ConfirmTwoFactor => "confirm_two_factor", Session -> RecoveryCodes);

/// Signing in with a second factor: what `login` asks for
/// (`two_factor_code_needed`) from someone who set it up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoginWithCode {
    pub email: String,
    pub password: String,
    /// The six digits the authenticator app shows now, or one of the
    /// person's recovery codes.
    pub code: String,
}
command!(LoginWithCode => "login_with_code", Public -> Me);
