use super::command;
use crate::ids::RoleId;
use crate::Permission;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub id: RoleId,
    pub name: String,
    pub description: String,
    pub is_system: bool,
    pub permissions: Vec<Permission>,
    /// Holders sign in with a second factor (chosen, or by the default rule:
    /// roles that collect or void money, run payroll or manage users).
    pub two_factor: bool,
    /// `two_factor` was chosen for this role rather than following the rule.
    pub two_factor_chosen: bool,
    /// Active users holding a grant of this role.
    pub holders: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListRoles {}
command!(ListRoles => "list_roles", Permission -> Vec<Role>);

/// Creates a role when `id` is None, else changes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveRole {
    pub id: Option<RoleId>,
    pub name: String,
    pub description: String,
    pub permissions: Vec<Permission>,
    /// Two-factor sign-in for holders: None follows the default rule.
    pub two_factor: Option<bool>,
}
command!(SaveRole => "save_role", Permission -> Role);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeleteRole {
    pub id: RoleId,
}
command!(DeleteRole => "delete_role", Permission -> ());
