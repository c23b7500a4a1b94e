//! The bottom line: how many changes wait for a server, last backup.

use crate::format;
use crate::invoke::call;
use branchdesk_api::commands::system::{GetSyncState, SyncState};
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StatusBarProps {
    /// Bumped by the frame whenever something was saved.
    pub version: u32,
}

#[component]
pub fn StatusBar(p: &StatusBarProps) -> Html {
    let state = use_state(|| None::<SyncState>);
    let tick = use_state(|| 0u32);
    {
        let state = state.clone();
        use_effect_with((p.version, *tick), move |_| {
            spawn_local(async move {
                if let Ok(s) = call(&GetSyncState {}).await {
                    state.set(Some(s));
                }
            });
        });
    }
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let interval = gloo_timers::callback::Interval::new(15_000, move || tick.set(*tick + 1));
            move || drop(interval)
        });
    }
    let Some(s) = &*state else { return html! { <footer class="status-bar">{ "Working offline" }</footer> } };
    let link = if s.linked_to_server {
        "Linked to a server"
    } else {
        "Offline: this desk is not linked to a server yet"
    };
    let waiting = match s.pending_changes {
        0 => "no changes waiting".to_owned(),
        1 => "1 change waiting to sync".to_owned(),
        n => format!("{n} changes waiting to sync"),
    };
    let synced = s
        .last_synced_at
        .map(|t| format!("last synced {}", format::when(&t)))
        .unwrap_or_else(|| "never synced".into());
    let backup = s
        .last_backup_at
        .map(|t| format!("last backup {}", format::when(&t)))
        .unwrap_or_else(|| "no backup yet".into());
    html! {
        <footer class="status-bar" aria-live="polite">
            <span class="dot offline"></span>
            <span id="sync-status">{ format!("{link} · {waiting} · {synced}") }</span>
            <span class="spacer"></span>
            <span>{ backup }</span>
        </footer>
    }
}
