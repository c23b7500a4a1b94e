//! Backups of this desk's data: taken automatically, on demand, restorable;
//! and the recovery key they (and the data) are encrypted with.

use crate::components::document::print_document;
use crate::components::field::{Field, FormActions, FormError};
use crate::components::session::use_session;
use crate::format;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::backups::{
    Backup, GetRecoveryKey, ListBackups, RecoveryKey, RestoreBackup, TakeBackup,
};
use branchdesk_api::commands::money::{PrintLine, PrintStyle, Printable};
use branchdesk_api::ApiError;
use yew::prelude::*;

#[component]
pub fn BackupsPage() -> Html {
    let s = use_session();
    let (backups, reload) = use_query(ListBackups {});
    let error = use_state(|| None::<ApiError>);
    let confirm = use_state(|| None::<Backup>);
    let notice = use_state(|| None::<String>);
    // A backup of another desk opens with that desk's recovery key.
    let recovery_key = use_state(String::new);
    let take = {
        let (error, s, reload, notice) = (error.clone(), s.clone(), reload.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            let (reload, notice) = (reload.clone(), notice.clone());
            act(TakeBackup {}, error.clone(), s.clone(), move |b| {
                notice.set(Some(format!("Backup saved: {}", b.file_name)));
                reload.emit(());
            })
        })
    };
    // `discard_unsent`: restore although changes are not yet on the server
    // (the desk refuses without it and says how many).
    let restore = |discard_unsent: bool| {
        let (error, s, confirm, recovery_key) =
            (error.clone(), s.clone(), confirm.clone(), recovery_key.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(b) = (*confirm).clone() else { return };
            let s2 = s.clone();
            let input = RestoreBackup {
                file_name: b.file_name.clone(),
                discard_unsent,
                recovery_key: (*recovery_key).clone(),
            };
            act(input, error.clone(), s.clone(), move |r| {
                s2.signed_out.emit(format!(
                    "The backup of {} is back in place. Your data from before was saved as {}. Sign in again.",
                    format::when(&b.taken_at),
                    r.safety_copy.file_name
                ));
            });
        })
    };
    let ask = |b: &Backup| {
        let (confirm, b) = (confirm.clone(), b.clone());
        Callback::from(move |_: MouseEvent| confirm.set(Some(b.clone())))
    };
    let cancel = {
        let (confirm, error) = (confirm.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            confirm.set(None);
            error.set(None);
        })
    };
    let unsent = error.as_ref().is_some_and(|e| e.is_for("discard_unsent"));
    let needs_key = error.as_ref().is_some_and(|e| e.is_for("recovery_key")) || !recovery_key.is_empty();
    let on_key = {
        let recovery_key = recovery_key.clone();
        Callback::from(move |v: String| recovery_key.set(v))
    };
    html! {
        <section id="backups">
            <header class="page-head">
                <h1>{ "Backups" }</h1>
                <button class="primary" id="take-backup" onclick={take}>{ "Back up now" }</button>
            </header>
            <p class="muted">{ "This desk backs itself up once a day and before every upgrade, and keeps the newest seven. Until it is linked to a server, these are the only copies of its data." }</p>
            <FormError error={(*error).clone()} fields={vec!["recovery_key"]} />
            if let Some(n) = &*notice { <div class="notice success" role="status">{ n }</div> }
            if let Some(b) = &*confirm {
                <div class="card panel danger" role="alertdialog" aria-label="Restore backup">
                    <h2>{ format!("Restore the backup of {}?", format::when(&b.taken_at)) }</h2>
                    <p>{ "Everything entered on this desk after that time will be replaced. A safety copy of the current data is saved first, so this can be undone by restoring that copy. Everyone is signed out." }</p>
                    if needs_key {
                        <Field label="Recovery key of the desk that made this backup" name="recovery_key" value={(*recovery_key).clone()} on_input={on_key} error={(*error).clone()} autofocus=true hint="52 letters and digits, as printed; spaces and dashes do not matter" />
                    }
                    <div class="actions">
                        if unsent {
                            <button class="primary danger" id="confirm-restore-anyway" onclick={restore(true)}>{ "Restore anyway" }</button>
                        } else {
                            <button class="primary danger" id="confirm-restore" onclick={restore(false)}>{ "Restore" }</button>
                        }
                        <button onclick={cancel}>{ "Cancel" }</button>
                    </div>
                </div>
            }
            { show(&backups, |list: &Vec<Backup>| {
                if list.is_empty() { return html! { <p class="empty">{ "No backups yet. Take one with Back up now." }</p> }; }
                html! {
                    <table class="grid" id="backups-table">
                        <thead><tr><th>{ "Taken" }</th><th>{ "Why" }</th><th>{ "Size" }</th><th></th></tr></thead>
                        <tbody>
                            { for list.iter().map(|b| html! {
                                <tr>
                                    <td>{ format::when(&b.taken_at) }</td><td>{ b.reason.replace('-', " ") }</td><td>{ format::bytes(b.size_bytes) }</td>
                                    <td class="row-actions"><button onclick={ask(b)}>{ "Restore…" }</button></td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            }) }
            <RecoveryKeyCard />
        </section>
    }
}

/// Shows the recovery key after the password, with a way to print it.
#[component]
fn RecoveryKeyCard() -> Html {
    let s = use_session();
    let password = use_state(String::new);
    let shown = use_state(|| None::<RecoveryKey>);
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (password, shown, error, s) = (password.clone(), shown.clone(), error.clone(), s.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (shown, password) = (shown.clone(), password.clone());
            act(GetRecoveryKey { password: (*password).clone() }, error.clone(), s.clone(), move |k| {
                password.set(String::new());
                shown.set(Some(k));
            });
        })
    };
    let print = {
        let (shown, error) = (shown.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(k) = &*shown {
                if let Err(e) = print_document(&recovery_sheet(k)) {
                    error.set(Some(e));
                }
            }
        })
    };
    let hide = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(None))
    };
    let err = (*error).clone();
    html! {
        <>
            <h2>{ "Recovery key" }</h2>
            <div class="card narrow" id="recovery-key">
                <p>{ "This desk's data and its backups are encrypted. The key is kept in this computer's key store; the recovery key is a copy of it on paper. Without it, a backup cannot be opened on another computer, and the data cannot be opened if the key store is lost." }</p>
                if let Some(k) = &*shown {
                    <p class="recovery-key"><code id="recovery-key-text">{ &k.key }</code></p>
                    <p class="muted">{ format!("{} · desk {} · data in {}", k.organisation, k.device_id, k.data_dir) }</p>
                    <p>{ "Print it or write it down, and keep it locked away from the computer. Anyone with it and a copy of the data can read the data." }</p>
                    <div class="actions">
                        <button class="primary" id="recovery-key-print" onclick={print}>{ "Print" }</button>
                        <button onclick={hide}>{ "Hide" }</button>
                    </div>
                } else {
                    <form id="recovery-key-form" {onsubmit}>
                        <FormError error={err.clone()} fields={vec!["password"]} />
                        <Field label="Your password" name="password" kind="password" value={(*password).clone()} on_input={{ let p = password.clone(); Callback::from(move |v| p.set(v)) }} error={err.clone()} autocomplete="current-password" />
                        <FormActions save="Show recovery key" />
                    </form>
                }
            </div>
        </>
    }
}

/// The recovery key as a printed sheet.
fn recovery_sheet(k: &RecoveryKey) -> Printable {
    let line = |style, text: &str, space_before| PrintLine {
        style,
        text: text.to_owned(),
        amount_minor: None,
        space_before,
        figure: String::new(),
    };
    Printable {
        title: "Branchdesk recovery key".into(),
        currency: String::new(),
        lines: vec![
            line(PrintStyle::Title, &k.organisation, 0),
            line(PrintStyle::Heading, "Branchdesk recovery key", 6),
            line(PrintStyle::Strong, &k.key, 12),
            line(PrintStyle::Text, &format!("Desk {}", k.device_id), 12),
            line(PrintStyle::Text, &format!("Data folder: {}", k.data_dir), 0),
            line(
                PrintStyle::Small,
                "Opens this desk's data and backups. Keep it locked away from the computer.",
                12,
            ),
        ],
    }
}
