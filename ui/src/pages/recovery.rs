//! The desk's data would not open: what was found, and the newest good
//! backup to put in its place (the damaged file is kept aside); or, when
//! the data's key is not on this computer, a field for its recovery key.

use crate::components::field::{Field, FormError};
use crate::format;
use branchdesk_api::commands::recovery::{RecoverFromBackup, Recovered, Recovery, UnlockWithRecoveryKey};
use branchdesk_api::ApiError;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RecoveryProps {
    pub recovery: Recovery,
    /// After a backup is in place: the sentence the sign-in screen shows.
    pub on_recovered: Callback<String>,
}

#[component]
pub fn RecoveryPage(p: &RecoveryProps) -> Html {
    if p.recovery.key_missing {
        return html! { <Locked recovery={p.recovery.clone()} on_recovered={p.on_recovered.clone()} /> };
    }
    let chosen =
        use_state(|| p.recovery.backups.first().or(p.recovery.locked.first()).map(|b| b.file_name.clone()));
    let recovery_key = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (chosen, error, busy, on_recovered, recovery_key) =
            (chosen.clone(), error.clone(), busy.clone(), p.on_recovered.clone(), recovery_key.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(file_name) = (*chosen).clone() else { return };
            let (error, busy, on_recovered) = (error.clone(), busy.clone(), on_recovered.clone());
            let recovery_key = (*recovery_key).clone();
            busy.set(true);
            spawn_local(async move {
                match crate::invoke::call(&RecoverFromBackup { file_name, recovery_key }).await {
                    Ok(Recovered { restored, damaged_copy }) => on_recovered.emit(format!(
                        "The backup of {} is back in place. Changes made after it on this desk are lost \
                         unless they had reached the server; link the desk again in Settings to fetch them. \
                         The damaged file is kept at {damaged_copy}.",
                        format::when(&restored.taken_at)
                    )),
                    Err(e) => {
                        error.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let r = &p.recovery;
    let unusable = match r.unusable {
        0 => html! {},
        1 => {
            html! { <p class="muted">{ "One more backup in the folder is damaged too, or from a newer Branchdesk, so it is not offered." }</p> }
        }
        n => {
            html! { <p class="muted">{ format!("{n} more backups in the folder are damaged too, or from a newer Branchdesk, so they are not offered.") }</p> }
        }
    };
    html! {
        <div class="center-card wide" id="recovery">
            <h1>{ "This desk's data could not be opened" }</h1>
            <p>{ "The data file is damaged (a power cut during a write, a failing disk, or a copy cut short). Nothing has been changed or deleted." }</p>
            <details>
                <summary>{ "What was found" }</summary>
                <p class="muted" id="recovery-problem">{ &r.problem }</p>
                <p class="muted">{ format!("Data folder: {}", r.data_dir) }</p>
            </details>
            if r.backups.is_empty() && r.locked.is_empty() {
                <div class="form-error" role="alert" id="recovery-none">
                    { "There is no usable backup on this computer. If this desk was linked to a server, set Branchdesk up again on a fresh data folder and join the organisation: everything that reached the server comes back. Otherwise ask whoever looks after your computers to recover the file from the data folder." }
                </div>
            } else {
                <form id="recovery-form" {onsubmit}>
                    <FormError error={(*error).clone()} fields={vec!["file_name", "recovery_key"]} />
                    <fieldset>
                        <legend>{ "Put a backup in its place" }</legend>
                        { for r.backups.iter().chain(&r.locked).enumerate().map(|(i, b)| {
                            let name = b.file_name.clone();
                            let onchange = { let chosen = chosen.clone(); Callback::from(move |_| chosen.set(Some(name.clone()))) };
                            let other_key = i >= r.backups.len();
                            html! {
                                <label class="check-inline">
                                    <input type="radio" name="backup" value={b.file_name.clone()} checked={chosen.as_deref() == Some(b.file_name.as_str())} {onchange} />
                                    { format!("{} — {}, {}", format::when(&b.taken_at), b.reason.replace('-', " "), format::bytes(b.size_bytes)) }
                                    if i == 0 && !other_key { <span class="muted">{ " (newest)" }</span> }
                                    if other_key { <span class="muted">{ " (needs the recovery key of the desk that made it)" }</span> }
                                </label>
                            }
                        }) }
                    </fieldset>
                    if r.locked.iter().any(|b| chosen.as_deref() == Some(b.file_name.as_str())) {
                        <Field label="Recovery key of the desk that made it" name="recovery_key" value={(*recovery_key).clone()} on_input={{ let k = recovery_key.clone(); Callback::from(move |v| k.set(v)) }} error={(*error).clone()} hint="52 letters and digits, as printed by that desk's director (Backups → Recovery key)" />
                    }
                    <p class="muted">{ "The damaged file is moved aside, not deleted. Changes made on this desk after the backup are lost unless they had reached the server." }</p>
                    <div class="actions">
                        <button type="submit" class="primary" id="recovery-restore" disabled={*busy} autofocus=true>
                            { if *busy { "Restoring… " } else { "Restore this backup " } }<kbd>{ "Enter" }</kbd>
                        </button>
                    </div>
                </form>
            }
            { unusable }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LockedProps {
    recovery: Recovery,
    on_recovered: Callback<String>,
}

/// The data is encrypted and its key is not at hand: nothing is offered
/// over it but its own recovery key.
#[component]
fn Locked(p: &LockedProps) -> Html {
    let key = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (key, error, busy, on_recovered) =
            (key.clone(), error.clone(), busy.clone(), p.on_recovered.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (error, busy, on_recovered) = (error.clone(), busy.clone(), on_recovered.clone());
            let recovery_key = (*key).clone();
            busy.set(true);
            spawn_local(async move {
                match crate::invoke::call(&UnlockWithRecoveryKey { recovery_key }).await {
                    Ok(()) => on_recovered.emit("This desk's data is open again. Sign in as usual.".into()),
                    Err(e) => {
                        error.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let r = &p.recovery;
    let err = (*error).clone();
    html! {
        <div class="center-card wide" id="recovery">
            <h1>{ "This desk's data is locked" }</h1>
            <p>{ "The data is encrypted, and the key that opens it is not in this computer's key store (the store may be locked or reset, or the data came from another computer). Nothing has been changed or deleted." }</p>
            <details>
                <summary>{ "What was found" }</summary>
                <p class="muted" id="recovery-problem">{ &r.problem }</p>
                <p class="muted">{ format!("Data folder: {}", r.data_dir) }</p>
            </details>
            <form id="unlock-form" {onsubmit}>
                <FormError error={err.clone()} fields={vec!["recovery_key"]} />
                <Field label="Recovery key" name="recovery_key" value={(*key).clone()} on_input={{ let k = key.clone(); Callback::from(move |v| k.set(v)) }} error={err.clone()} autofocus=true hint="52 letters and digits, as the director printed them from Backups → Recovery key" />
                <div class="actions">
                    <button type="submit" class="primary" id="unlock" disabled={*busy}>
                        { if *busy { "Opening…" } else { "Open the data" } }
                    </button>
                </div>
            </form>
            <p class="muted">{ "Without the recovery key the data cannot be read. If this desk was linked to a server, set Branchdesk up on a fresh data folder and join the organisation: everything that reached the server comes back." }</p>
        </div>
    }
}
