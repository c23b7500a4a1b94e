use super::Reply;
use crate::AppState;
use branchdesk_api::commands::system::*;
use branchdesk_api::ApiError;
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

#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>, input: SyncNow) -> Reply<SyncNow> {
    let _ = input;
    state.actor(|_, _| Ok(()))?;
    // The round's outcome (or error) is recorded for the status bar.
    let _ = state.sync_client().sync(&state.desk_arc()).await;
    state.actor(|desk, _| desk.sync_state())
}

#[tauri::command(async)]
pub fn link_server(state: State<'_, AppState>, input: LinkServer) -> Reply<LinkServer> {
    let out = state.actor(|desk, actor| {
        desk.link_server(actor, input)?;
        desk.sync_state()
    })?;
    state.wake_sync();
    Ok(out)
}

#[tauri::command]
pub async fn join_organisation(
    state: State<'_, AppState>,
    input: JoinOrganisation,
) -> Reply<JoinOrganisation> {
    let desk = state.desk_arc();
    desk.prepare_join(&input.server_url).map_err(ApiError::from)?;
    if let Err(e) = state.sync_client().sync(&desk).await {
        let _ = desk.set_server(None);
        return Err(ApiError::invalid("server_url", format!("Could not join: {e}")));
    }
    match desk.app_status(None).map_err(ApiError::from)?.organisation_name {
        Some(organisation_name) if desk.is_set_up().unwrap_or(false) => Ok(Joined { organisation_name }),
        _ => {
            let _ = desk.set_server(None);
            Err(ApiError::invalid(
                "server_url",
                "That server holds no organisation yet. Create one on the first desk.",
            ))
        }
    }
}
