use super::Reply;
use crate::AppState;
use branchdesk_api::commands::settings::*;
use tauri::State;

#[tauri::command(async)]
pub fn list_settings(state: State<'_, AppState>, input: ListSettings) -> Reply<ListSettings> {
    state.actor(|desk, actor| desk.list_settings(actor, input))
}

#[tauri::command(async)]
pub fn save_setting(state: State<'_, AppState>, input: SaveSetting) -> Reply<SaveSetting> {
    state.actor(|desk, actor| desk.save_setting(actor, input))
}
