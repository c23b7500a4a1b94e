//! Import progress, attached files (fetched when not on the desk), and
//! what the operating system opens: a saved file, a lesson's link (the other CSV commands are table rows in `mod.rs`).

use branchdesk_api::commands::imports::*;

/// Counts only; read without the database lock a running import holds.
#[tauri::command(async)]
pub fn get_import_progress(
    state: tauri::State<'_, crate::AppState>,
    _input: GetImportProgress,
) -> super::Reply<GetImportProgress> {
    state.session(|desk, _| Ok(desk.import_progress()))
}

/// Opens a saved file (checked to be in the exports folder) with the
/// program the computer uses for it; the `open` crate knows each system's way.
#[tauri::command(async)]
pub fn open_saved_file(
    state: tauri::State<'_, crate::AppState>,
    input: OpenSavedFile,
) -> super::Reply<OpenSavedFile> {
    let file = state.actor(|desk, _| desk.saved_file(&input.path))?;
    open::that_detached(&file).map_err(|e| {
        tracing::warn!(path = %file.display(), error = %e, "could not open a saved file");
        branchdesk_api::ApiError::new(
            branchdesk_api::ErrorCode::Conflict,
            format!(
                "No program on this computer opens {}; the file is saved at {}.",
                extension(&file),
                file.display()
            ),
        )
    })
}

/// Saves an attached file into the exports folder, fetching it from the
/// server first when this desk does not hold it (after the desk has checked
/// the person may open it). Offline, the desk's "not downloaded yet" stands.
#[tauri::command]
pub async fn open_attachment(
    state: tauri::State<'_, crate::AppState>,
    input: branchdesk_api::commands::attachments::OpenAttachment,
) -> super::Reply<branchdesk_api::commands::attachments::OpenAttachment> {
    let id = input.id;
    match state.actor(|desk, actor| desk.open_attachment(actor, input.clone())) {
        Err(e) if e.code == branchdesk_api::ErrorCode::NotDownloaded => {
            let desk = state.desk_arc()?;
            if let Err(why) = state.sync_client().fetch_file(&desk, id).await {
                tracing::info!(attachment = %id, error = %why, "an attached file could not be fetched");
                return Err(e);
            }
            state.actor(|desk, actor| desk.open_attachment(actor, input))
        }
        other => other,
    }
}

/// Opens a lesson's link in the computer's browser (never inside the app's
/// window), once the desk has checked the link it holds again.
#[tauri::command(async)]
pub fn open_resource_link(
    state: tauri::State<'_, crate::AppState>,
    input: branchdesk_api::commands::academics::OpenResourceLink,
) -> super::Reply<branchdesk_api::commands::academics::OpenResourceLink> {
    let url = state.actor(|desk, actor| desk.open_resource_link(actor, input))?;
    open_in_browser(url)
}

/// Opens a lesson's video or a link in its notes in the computer's
/// browser, once the desk has found it in that lesson and checked it.
#[tauri::command(async)]
pub fn open_lesson_link(
    state: tauri::State<'_, crate::AppState>,
    input: branchdesk_api::commands::academics::OpenLessonLink,
) -> super::Reply<branchdesk_api::commands::academics::OpenLessonLink> {
    let url = state.actor(|desk, actor| desk.open_lesson_link(actor, input))?;
    open_in_browser(url)
}

/// `url` (checked by the desk) in the computer's browser; answers it.
fn open_in_browser(url: String) -> Result<String, branchdesk_api::ApiError> {
    open::that_detached(&url).map_err(|e| {
        tracing::warn!(error = %e, "could not open a link");
        branchdesk_api::ApiError::new(
            branchdesk_api::ErrorCode::Conflict,
            format!("No web browser on this computer opened the link; it is {url}"),
        )
    })?;
    Ok(url)
}

fn extension(file: &std::path::Path) -> String {
    match file.extension().and_then(|e| e.to_str()) {
        Some(e) => format!("{} files", e.to_uppercase()),
        None => "this file".into(),
    }
}
