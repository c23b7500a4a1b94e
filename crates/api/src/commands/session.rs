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
