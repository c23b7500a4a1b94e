use super::Reply;
use crate::AppState;
use branchdesk_api::commands::roles::*;
use tauri::State;

#[tauri::command(async)]
pub fn list_roles(state: State<'_, AppState>, input: ListRoles) -> Reply<ListRoles> {
    state.actor(|desk, actor| desk.list_roles(actor, input))
}

#[tauri::command(async)]
pub fn save_role(state: State<'_, AppState>, input: SaveRole) -> Reply<SaveRole> {
    state.actor(|desk, actor| desk.save_role(actor, input))
}

#[tauri::command(async)]
pub fn delete_role(state: State<'_, AppState>, input: DeleteRole) -> Reply<DeleteRole> {
    state.actor(|desk, actor| desk.delete_role(actor, input))
}
