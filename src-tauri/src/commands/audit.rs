use super::Reply;
use crate::AppState;
use branchdesk_api::commands::audit::*;
use tauri::State;

#[tauri::command(async)]
pub fn list_audit(state: State<'_, AppState>, input: ListAudit) -> Reply<ListAudit> {
    state.actor(|desk, actor| desk.list_audit(actor, input))
}
