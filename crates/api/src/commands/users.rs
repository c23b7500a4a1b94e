use super::command;
use crate::ids::{BranchId, GrantId, RoleId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub full_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub grants: Vec<Grant>,
}

/// A role held by a user, in one branch or in all, possibly until a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub id: GrantId,
    pub role_id: RoleId,
    pub role_name: String,
    pub branch_id: Option<BranchId>,
    /// "All branches" when `branch_id` is None.
    pub branch_name: String,
    /// Last day the grant is in force.
    pub expires_on: Option<NaiveDate>,
    pub in_force: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGrant {
    pub role_id: RoleId,
    pub branch_id: Option<BranchId>,
    pub expires_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListUsers {
    /// Part of a name, email or phone; empty lists everyone.
    pub query: String,
    pub include_inactive: bool,
}
command!(ListUsers => "list_users", Permission -> Vec<User>);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CreateUser {
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub password: String,
    pub grants: Vec<NewGrant>,
}
command!(CreateUser => "create_user", Permission -> User);

/// A new account whose password nobody but its holder will know: the
/// answer carries a one-time invitation code (a week's reset code) with
/// which they choose their own on the sign-in screen of any desk of the
/// organisation, once the account has synced there.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InviteUser {
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub grants: Vec<NewGrant>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    pub user: User,
    pub code: ResetCode,
}
command!(InviteUser => "invite_user", Permission -> Invitation);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UpdateUser {
    pub id: UserId,
    pub full_name: String,
    pub email: String,
    pub phone: String,
}
command!(UpdateUser => "update_user", Permission -> User);

/// Deactivation is the only delete: the account stays for history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetUserActive {
    pub id: UserId,
    pub active: bool,
}
command!(SetUserActive => "set_user_active", Permission -> User);

/// An admin sets a temporary password; the user must change it at next login.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResetUserPassword {
    pub id: UserId,
    pub new_password: String,
}
command!(ResetUserPassword => "reset_user_password", Permission -> User);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IssueResetCode {
    pub id: UserId,
}

/// Shown once to the admin, who hands it to the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResetCode {
    pub code: String,
    pub expires_at: DateTime<Utc>,
}
command!(IssueResetCode => "issue_reset_code", Permission -> ResetCode);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GrantRole {
    pub user_id: UserId,
    pub grant: NewGrant,
}
command!(GrantRole => "grant_role", Permission -> User);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RevokeGrant {
    pub grant_id: GrantId,
}
command!(RevokeGrant => "revoke_grant", Permission -> User);

crate::wire::wire_enum! {
    pub enum ProfileKind {
        #[default]
        Teacher = "TEACHER" => "Teacher",
        Staff = "STAFF" => "Office staff",
    }
}

/// A teacher's or staff member's profile. Bank details come masked
/// (`bank_visible: false`) to anyone who does not run payroll.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffProfile {
    pub user_id: UserId,
    pub kind: ProfileKind,
    pub specialties: String,
    pub qualifications: String,
    pub bio: String,
    pub department: String,
    pub designation: String,
    pub reporting_manager_id: Option<UserId>,
    pub reporting_manager_name: Option<String>,
    pub bank_account_name: String,
    pub bank_account_number: String,
    pub bank_ifsc: String,
    pub bank_visible: bool,
    /// YYYY-MM-DD; None: not recorded.
    pub joined_on: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetStaffProfile {
    pub user_id: UserId,
}
command!(GetStaffProfile => "get_staff_profile", Permission -> StaffProfile);

/// Saves a profile; the bank fields only from someone who runs payroll
/// (from anyone else they must be left as they came, masked).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveStaffProfile {
    pub user_id: UserId,
    pub kind: ProfileKind,
    pub specialties: String,
    pub qualifications: String,
    pub bio: String,
    pub department: String,
    pub designation: String,
    pub reporting_manager_id: Option<UserId>,
    pub bank_account_name: String,
    pub bank_account_number: String,
    pub bank_ifsc: String,
    /// DD/MM/YYYY; empty: not recorded.
    pub joined_on: String,
}
command!(SaveStaffProfile => "save_staff_profile", Permission -> StaffProfile);
