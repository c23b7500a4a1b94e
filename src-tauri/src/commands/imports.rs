//! CSV imports, templates and exports.

use branchdesk_api::commands::imports::*;

actor_commands! {
    import_csv(ImportCsv),
    save_csv_template(SaveCsvTemplate),
    export_csv(ExportCsv),
}

/// Counts only; read without the database lock a running import holds.
#[tauri::command(async)]
pub fn get_import_progress(
    state: tauri::State<'_, crate::AppState>,
    _input: GetImportProgress,
) -> super::Reply<GetImportProgress> {
    state.session(|desk, _| Ok(desk.import_progress()))
}
