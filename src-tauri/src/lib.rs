//! The Branchdesk desk shell: opens the desk database, registers the commands
//! and hosts the UI in a WebKit window.
//!
//! Invariant: only this crate knows Tauri. Commands are thin: they take one
//! typed input, find the signed-in actor and call one desk service.

pub mod commands;
mod state;

pub use state::AppState;

use std::path::PathBuf;
use tauri::Manager;

/// The data folder: `--data-dir PATH`, else `BRANCHDESK_DATA_DIR`, else the
/// operating system's app-data folder.
fn data_dir_override() -> Option<PathBuf> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(v));
        }
    }
    std::env::var_os("BRANCHDESK_DATA_DIR").map(PathBuf::from)
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let result = tauri::Builder::default()
        .setup(|app| {
            let data_dir = match data_dir_override() {
                Some(dir) => dir,
                None => app.path().app_data_dir()?,
            };
            tracing::info!(data_dir = %data_dir.display(), "opening the desk");
            app.manage(AppState::open(data_dir)?);
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!("../tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("Branchdesk could not start: {e}");
        std::process::exit(1);
    }
}
