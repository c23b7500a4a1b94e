use super::Reply;
use crate::AppState;
use branchdesk_api::commands::org::*;
use tauri::State;

#[tauri::command(async)]
pub fn get_organisation(state: State<'_, AppState>, input: GetOrganisation) -> Reply<GetOrganisation> {
    state.actor(|desk, actor| desk.get_organisation(actor, input))
}

#[tauri::command(async)]
pub fn update_organisation(
    state: State<'_, AppState>,
    input: UpdateOrganisation,
) -> Reply<UpdateOrganisation> {
    state.actor(|desk, actor| desk.update_organisation(actor, input))
}

#[tauri::command(async)]
pub fn list_branches(state: State<'_, AppState>, input: ListBranches) -> Reply<ListBranches> {
    state.actor(|desk, actor| desk.list_branches(actor, input))
}

#[tauri::command(async)]
pub fn save_branch(state: State<'_, AppState>, input: SaveBranch) -> Reply<SaveBranch> {
    state.actor(|desk, actor| desk.save_branch(actor, input))
}

#[tauri::command(async)]
pub fn list_rooms(state: State<'_, AppState>, input: ListRooms) -> Reply<ListRooms> {
    state.actor(|desk, actor| desk.list_rooms(actor, input))
}

#[tauri::command(async)]
pub fn save_room(state: State<'_, AppState>, input: SaveRoom) -> Reply<SaveRoom> {
    state.actor(|desk, actor| desk.save_room(actor, input))
}

#[tauri::command(async)]
pub fn set_room_active(state: State<'_, AppState>, input: SetRoomActive) -> Reply<SetRoomActive> {
    state.actor(|desk, actor| desk.set_room_active(actor, input))
}
