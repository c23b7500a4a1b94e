//! Every command the UI can call. Each takes one typed input from
//! `branchdesk_api::commands`, whose `NAME` must equal the function's name
//! (checked at compile time below), and answers `Reply<Input>`.
//!
//! To add one: declare the input in the api crate with `command!`, write the
//! desk service, add a thin function here, and list it in `commands!` below.

mod audit;
mod backups;
mod org;
mod roles;
mod session;
mod settings;
mod system;
mod users;

use branchdesk_api::commands::{Access, Command};
use branchdesk_api::ApiError;

/// What a command answers.
pub type Reply<C> = Result<<C as Command>::Output, ApiError>;

const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// One registered command: its name, who may call it, and a default input
/// (used by the test that calls every command without permissions).
pub struct Registered {
    pub name: &'static str,
    pub access: Access,
    pub default_input: serde_json::Value,
}

macro_rules! commands {
    ($($module:ident :: $name:ident ($input:ty)),* $(,)?) => {
        $(const _: () = assert!(
            same_name(<$input as Command>::NAME, stringify!($name)),
            concat!("the api name of ", stringify!($input), " differs from the command ", stringify!($name))
        );)*

        pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$name),*]
        }

        pub fn registered() -> Vec<Registered> {
            vec![$(Registered {
                name: stringify!($name),
                access: <$input as Command>::ACCESS,
                default_input: serde_json::to_value(<$input>::default()).unwrap_or_default(),
            }),*]
        }
    };
}

use branchdesk_api::commands::{
    audit as a, backups as b, org as o, roles as r, session as s, settings as st, system as sy, users as u,
};

commands! {
    system::get_app_status(sy::GetAppStatus),
    system::setup_organisation(sy::SetupOrganisation),
    system::get_sync_state(sy::GetSyncState),
    system::sync_now(sy::SyncNow),
    system::link_server(sy::LinkServer),
    system::join_organisation(sy::JoinOrganisation),
    system::issue_desk_code(sy::IssueDeskCode),
    system::list_refused_changes(sy::ListRefusedChanges),
    system::list_conflicts(sy::ListConflicts),
    system::resolve_conflict(sy::ResolveConflict),
    session::login(s::Login),
    session::logout(s::Logout),
    session::get_me(s::GetMe),
    session::change_password(s::ChangePassword),
    session::redeem_reset_code(s::RedeemResetCode),
    users::list_users(u::ListUsers),
    users::create_user(u::CreateUser),
    users::update_user(u::UpdateUser),
    users::set_user_active(u::SetUserActive),
    users::reset_user_password(u::ResetUserPassword),
    users::issue_reset_code(u::IssueResetCode),
    users::grant_role(u::GrantRole),
    users::revoke_grant(u::RevokeGrant),
    roles::list_roles(r::ListRoles),
    roles::save_role(r::SaveRole),
    roles::delete_role(r::DeleteRole),
    org::get_organisation(o::GetOrganisation),
    org::update_organisation(o::UpdateOrganisation),
    org::list_branches(o::ListBranches),
    org::save_branch(o::SaveBranch),
    org::list_rooms(o::ListRooms),
    org::save_room(o::SaveRoom),
    org::set_room_active(o::SetRoomActive),
    settings::list_settings(st::ListSettings),
    settings::save_setting(st::SaveSetting),
    backups::list_backups(b::ListBackups),
    backups::take_backup(b::TakeBackup),
    backups::restore_backup(b::RestoreBackup),
    audit::list_audit(a::ListAudit),
}
