use super::Reply;
use crate::AppState;
use branchdesk_api::commands::users::*;
use tauri::State;

#[tauri::command(async)]
pub fn list_users(state: State<'_, AppState>, input: ListUsers) -> Reply<ListUsers> {
    state.actor(|desk, actor| desk.list_users(actor, input))
}

#[tauri::command(async)]
pub fn create_user(state: State<'_, AppState>, input: CreateUser) -> Reply<CreateUser> {
    state.actor(|desk, actor| desk.create_user(actor, input))
}

#[tauri::command(async)]
pub fn update_user(state: State<'_, AppState>, input: UpdateUser) -> Reply<UpdateUser> {
    state.actor(|desk, actor| desk.update_user(actor, input))
}

#[tauri::command(async)]
pub fn set_user_active(state: State<'_, AppState>, input: SetUserActive) -> Reply<SetUserActive> {
    state.actor(|desk, actor| desk.set_user_active(actor, input))
}

#[tauri::command(async)]
pub fn reset_user_password(state: State<'_, AppState>, input: ResetUserPassword) -> Reply<ResetUserPassword> {
    state.actor(|desk, actor| desk.reset_user_password(actor, input))
}

#[tauri::command(async)]
pub fn issue_reset_code(state: State<'_, AppState>, input: IssueResetCode) -> Reply<IssueResetCode> {
    state.actor(|desk, actor| desk.issue_reset_code(actor, input))
}

#[tauri::command(async)]
pub fn grant_role(state: State<'_, AppState>, input: GrantRole) -> Reply<GrantRole> {
    state.actor(|desk, actor| desk.grant_role(actor, input))
}

#[tauri::command(async)]
pub fn revoke_grant(state: State<'_, AppState>, input: RevokeGrant) -> Reply<RevokeGrant> {
    state.actor(|desk, actor| desk.revoke_grant(actor, input))
}

actor_commands! {
    get_staff_profile(GetStaffProfile),
    save_staff_profile(SaveStaffProfile),
}
