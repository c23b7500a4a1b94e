use super::Reply;
use crate::AppState;
use branchdesk_api::commands::system::*;
use tauri::State;

#[tauri::command(async)]
pub fn get_app_status(state: State<'_, AppState>, input: GetAppStatus) -> Reply<GetAppStatus> {
    let _ = input;
    state.public(|desk, token| desk.app_status(token))
}

#[tauri::command(async)]
pub fn setup_organisation(state: State<'_, AppState>, input: SetupOrganisation) -> Reply<SetupOrganisation> {
    state.public(|desk, _| desk.setup_organisation(input))
}

#[tauri::command(async)]
pub fn get_sync_state(state: State<'_, AppState>, input: GetSyncState) -> Reply<GetSyncState> {
    let _ = input;
    state.actor(|desk, _| desk.sync_state())
}
