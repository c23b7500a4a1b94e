use super::Reply;
use crate::AppState;
use branchdesk_api::commands::backups::*;
use tauri::State;

#[tauri::command(async)]
pub fn list_backups(state: State<'_, AppState>, input: ListBackups) -> Reply<ListBackups> {
    state.actor(|desk, actor| desk.list_backups(actor, input))
}

#[tauri::command(async)]
pub fn take_backup(state: State<'_, AppState>, input: TakeBackup) -> Reply<TakeBackup> {
    state.actor(|desk, actor| desk.take_backup(actor, input))
}

#[tauri::command(async)]
pub fn restore_backup(state: State<'_, AppState>, input: RestoreBackup) -> Reply<RestoreBackup> {
    state.actor(|desk, actor| desk.restore_backup(actor, input))
}
