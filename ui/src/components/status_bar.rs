//! The bottom line: how many changes wait for a server, last backup.

use crate::format;
use crate::invoke::call;
use branchdesk_api::commands::system::{GetSyncState, SyncNow, SyncState};
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
    let busy = use_state(|| false);
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
            let interval = gloo_timers::callback::Interval::new(3_000, move || tick.set(*tick + 1));
            move || drop(interval)
        });
    }
    let sync_now = {
        let (state, busy) = (state.clone(), busy.clone());
        Callback::from(move |_: MouseEvent| {
            let (state, busy) = (state.clone(), busy.clone());
            busy.set(true);
            spawn_local(async move {
                if let Ok(s) = call(&SyncNow {}).await {
                    state.set(Some(s));
                }
                busy.set(false);
            });
        })
    };
    let Some(s) = &*state else { return html! { <footer class="status-bar">{ "Working offline" }</footer> } };
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
    let (dot, line) = match (&s.server_url, &s.last_error) {
        (None, _) => ("offline", format!("Not linked to a server: working offline · {waiting}")),
        // No network: the worker keeps retrying. Anything else (an update
        // needed, the desk unlinked) needs a person, so it says so plainly.
        (Some(_), Some(e)) if e.starts_with("the server cannot be reached") => {
            ("error", format!("Offline, retrying ({e}) · {waiting} · {synced}"))
        }
        (Some(_), Some(e)) => ("error", format!("Not syncing: {e} · {waiting} · {synced}")),
        (Some(_), None) => ("online", format!("Online · {waiting} · {synced}")),
    };
    html! {
        <footer class="status-bar" aria-live="polite">
            <span class={classes!("dot", dot)}></span>
            <span id="sync-status">{ line }</span>
            if let Some(r) = s.receiving {
                <span class="tag" id="receiving">{ format!("Receiving changes: {} of {}", r.done, r.total) }</span>
                <progress max={r.total.to_string()} value={r.done.to_string()}></progress>
            }
            if s.open_conflicts > 0 { <span class="tag">{ format!("{} merge conflicts kept for review", s.open_conflicts) }</span> }
            if let Some(why) = &s.held_for { <span class="tag pending" id="held-for">{ why }</span> }
            if s.refused_changes > 0 { <span class="tag" id="refused-count">{ match s.refused_changes { 1 => "1 change refused or set aside (Settings)".to_owned(), n => format!("{n} changes refused or set aside (Settings)") } }</span> }
            if s.server_url.is_some() {
                <button class="link small" id="sync-now" onclick={sync_now} disabled={*busy}>{ if *busy { "Syncing…" } else { "Sync now" } }</button>
            }
            <span class="spacer"></span>
            <span>{ backup }</span>
        </footer>
    }
}
