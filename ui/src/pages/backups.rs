//! Backups of this desk's data: taken automatically, on demand, restorable.

use crate::components::field::FormError;
use crate::components::session::use_session;
use crate::format;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::backups::{Backup, ListBackups, RestoreBackup, TakeBackup};
use branchdesk_api::ApiError;
use yew::prelude::*;

#[component]
pub fn BackupsPage() -> Html {
    let s = use_session();
    let (backups, reload) = use_query(ListBackups {});
    let error = use_state(|| None::<ApiError>);
    let confirm = use_state(|| None::<Backup>);
    let notice = use_state(|| None::<String>);
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
        let (error, s, confirm) = (error.clone(), s.clone(), confirm.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(b) = (*confirm).clone() else { return };
            let s2 = s.clone();
            let input = RestoreBackup { file_name: b.file_name.clone(), discard_unsent };
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
    html! {
        <section id="backups">
            <header class="page-head">
                <h1>{ "Backups" }</h1>
                <button class="primary" id="take-backup" onclick={take}>{ "Back up now" }</button>
            </header>
            <p class="muted">{ "This desk backs itself up once a day and before every upgrade, and keeps the newest seven. Until it is linked to a server, these are the only copies of its data." }</p>
            <FormError error={(*error).clone()} fields={vec![]} />
            if let Some(n) = &*notice { <div class="notice success" role="status">{ n }</div> }
            if let Some(b) = &*confirm {
                <div class="card panel danger" role="alertdialog" aria-label="Restore backup">
                    <h2>{ format!("Restore the backup of {}?", format::when(&b.taken_at)) }</h2>
                    <p>{ "Everything entered on this desk after that time will be replaced. A safety copy of the current data is saved first, so this can be undone by restoring that copy. Everyone is signed out." }</p>
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
        </section>
    }
}
