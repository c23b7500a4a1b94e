use super::Reply;
use crate::AppState;
use branchdesk_api::commands::recovery::*;
use branchdesk_api::commands::system::*;
use branchdesk_api::ApiError;
use branchdesk_sync::JoinError;
use tauri::State;

#[tauri::command(async)]
pub fn get_app_status(state: State<'_, AppState>, input: GetAppStatus) -> Reply<GetAppStatus> {
    let _ = input;
    state.public(|desk, token| desk.app_status(token))
}

#[tauri::command(async)]
pub fn get_recovery(state: State<'_, AppState>, input: GetRecovery) -> Reply<GetRecovery> {
    let _ = input;
    state.recovery()
}

#[tauri::command(async)]
pub fn recover_from_backup(state: State<'_, AppState>, input: RecoverFromBackup) -> Reply<RecoverFromBackup> {
    state.recover(&input.file_name, &input.recovery_key)
}

#[tauri::command(async)]
pub fn unlock_with_recovery_key(
    state: State<'_, AppState>,
    input: UnlockWithRecoveryKey,
) -> Reply<UnlockWithRecoveryKey> {
    state.unlock(&input.recovery_key)
}

#[tauri::command(async)]
pub fn get_sync_progress(state: State<'_, AppState>, input: GetSyncProgress) -> Reply<GetSyncProgress> {
    let _ = input;
    state.public(|desk, _| Ok(desk.receiving()))
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
    let desk = state.desk_arc()?;
    let _ = state.sync_client().sync(&desk).await;
    state.actor(|desk, _| desk.sync_state())
}

#[tauri::command]
pub async fn link_server(state: State<'_, AppState>, input: LinkServer) -> Reply<LinkServer> {
    state.actor(|desk, actor| desk.check_may_link(actor))?;
    let desk = state.desk_arc()?;
    if input.server_url.trim().is_empty() {
        desk.set_server(None).map_err(ApiError::from)?;
    } else {
        state.sync_client().link(&desk, &input.server_url, &input.code).await.map_err(sync_error)?;
        state.wake_sync();
    }
    desk.sync_state().map_err(ApiError::from)
}

#[tauri::command]
pub async fn issue_desk_code(state: State<'_, AppState>, input: IssueDeskCode) -> Reply<IssueDeskCode> {
    let asking = state
        .actor(|desk, actor| desk.check_may_issue_code(actor, input.branch_id).map(|()| actor.user_id))?;
    let scopes = input.branch_id.map(|b| vec![format!("branch:{b}")]);
    let desk = state.desk_arc()?;
    let code = state.sync_client().issue_code(&desk, Some(asking), scopes).await.map_err(sync_error)?;
    Ok(DeskCode { code: code.code, valid_hours: code.valid_hours })
}

#[tauri::command]
pub async fn join_organisation(
    state: State<'_, AppState>,
    input: JoinOrganisation,
) -> Reply<JoinOrganisation> {
    let desk = state.desk_arc()?;
    let joined = state.sync_client().join(&desk, &input.server_url, &input.code).await;
    joined.map_err(|e| match e {
        JoinError::Desk(d) => d.into(),
        JoinError::Link(e) => sync_error(e),
        other => ApiError::invalid("server_url", other.to_string()),
    })
}

#[tauri::command]
pub async fn list_linked_desks(state: State<'_, AppState>, input: ListLinkedDesks) -> Reply<ListLinkedDesks> {
    let _ = input;
    state.actor(|desk, actor| desk.check_may_list_desks(actor))?;
    let desk = state.desk_arc()?;
    let devices = state.sync_client().linked_desks(&desk).await.map_err(sync_error)?;
    linked_desks(&state, devices)
}

#[tauri::command]
pub async fn revoke_desk(state: State<'_, AppState>, input: RevokeDesk) -> Reply<RevokeDesk> {
    let asking = state.actor(|desk, actor| desk.check_may_link(actor).map(|()| actor.user_id))?;
    let desk = state.desk_arc()?;
    if input.device_id == desk.device_id() {
        return Err(ApiError::invalid("device_id", "This is the desk you are using; unlink it instead."));
    }
    let devices =
        state.sync_client().revoke_desk(&desk, asking, &input.device_id).await.map_err(|e| match e {
            branchdesk_sync::SyncError::Refused { body, .. } => ApiError::invalid("device_id", body.message),
            other => sync_error(other),
        })?;
    linked_desks(&state, devices)
}

/// The server's device list in words: branch names, this desk marked.
fn linked_desks(
    state: &AppState,
    devices: Vec<branchdesk_api::sync::LinkedDevice>,
) -> Result<Vec<LinkedDesk>, ApiError> {
    let branches = state.actor(|desk, actor| {
        desk.list_branches(actor, branchdesk_api::commands::org::ListBranches { all: true })
    })?;
    let me = state.desk_arc()?.device_id().to_owned();
    Ok(devices
        .into_iter()
        .map(|d| LinkedDesk {
            branches: match &d.scopes {
                None => "All branches".into(),
                Some(list) => list
                    .iter()
                    .map(|s| {
                        let id = s.trim_start_matches("branch:");
                        branches.iter().find(|b| b.id.to_string() == id).map_or(s.clone(), |b| b.name.clone())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            this_desk: d.device_id == me,
            revoked: d.revoked_at.is_some(),
            device_id: d.device_id,
            desk_no: d.desk_no,
            enrolled_at: d.enrolled_at,
            last_push_at: d.last_push_at,
        })
        .collect())
}

/// A sync failure as the field it concerns: the code, or the address.
fn sync_error(e: branchdesk_sync::SyncError) -> ApiError {
    use branchdesk_api::sync::ServerErrorCode;
    // Too many link attempts: said beside the code, with when to retry.
    let rate_limited = matches!(&e, branchdesk_sync::SyncError::Refused { body, .. }
        if body.code == ServerErrorCode::RateLimited);
    match e {
        branchdesk_sync::SyncError::Desk(d) => d.into(),
        branchdesk_sync::SyncError::Refused { body, .. } if body.field.as_deref() == Some("code") => {
            ApiError::invalid("code", body.message)
        }
        other if rate_limited => ApiError::invalid("code", other.for_clerk()),
        other => ApiError::invalid("server_url", other.for_clerk()),
    }
}
