//! The desks linked to the organisation's server (Settings → Sync server):
//! who syncs which branches and when each last sent changes; revoking a
//! lost or replaced desk; and this desk following more branches with a
//! code from a desk that holds them.

use crate::components::field::{Field, FormActions, FormError};
use crate::components::form::use_form;
use crate::components::session::use_session;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::system::{LinkServer, LinkedDesk, ListLinkedDesks, RevokeDesk};
use branchdesk_api::ApiError;
use yew::prelude::*;

#[component]
pub fn LinkedDesks() -> Html {
    let s = use_session();
    let (list, reload) = use_query(ListLinkedDesks {});
    let error = use_state(|| None::<ApiError>);
    let revoke = |id: String| {
        let (error, s, reload) = (error.clone(), s.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let ok = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(
                        "Revoke this desk? It will no longer sync; its unsent changes stay on it.",
                    )
                    .ok()
                })
                .unwrap_or(false);
            if ok {
                let reload = reload.clone();
                act(RevokeDesk { device_id: id.clone() }, error.clone(), s.clone(), move |_| reload.emit(()));
            }
        })
    };
    html! {
        <div id="linked-desks">
            <h3>{ "Desks" }</h3>
            <FormError error={(*error).clone()} fields={vec![]} />
            { show(&list, |l: &Vec<LinkedDesk>| html! {
                <table class="grid">
                    <thead><tr><th>{ "Desk" }</th><th>{ "Syncs" }</th><th>{ "Linked" }</th><th>{ "Last sent changes" }</th><th>{ "" }</th></tr></thead>
                    <tbody>{ for l.iter().map(|d| html! {
                        <tr class={classes!(d.revoked.then_some("muted"))}>
                            <td>{ format!("D{}{}", d.desk_no, if d.this_desk { " (this desk)" } else { "" }) }</td>
                            <td>{ &d.branches }</td>
                            <td>{ local(&d.enrolled_at) }</td>
                            <td>{ d.last_push_at.as_deref().map(local).unwrap_or_else(|| "never".into()) }</td>
                            <td class="row-actions">
                                if d.revoked { <span class="tag">{ "revoked" }</span> }
                                if !d.revoked && !d.this_desk { <button class="revoke" onclick={revoke(d.device_id.clone())}>{ "Revoke" }</button> }
                            </td>
                        </tr>
                    }) }</tbody>
                </table>
            }) }
        </div>
    }
}

/// A server time (RFC 3339) in this desk's time zone.
fn local(t: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|t| crate::format::when(&t.with_timezone(&chrono::Utc)))
        .unwrap_or_else(|_| t.to_owned())
}

#[derive(Properties, PartialEq)]
pub struct FollowProps {
    pub server_url: String,
    pub on_done: Callback<()>,
}

/// Enrols this desk again with a code naming more branches; it keeps its
/// desk number and starts receiving those branches.
#[component]
pub fn FollowMoreBranches(p: &FollowProps) -> Html {
    let s = use_session();
    let form = use_form::<LinkServer>();
    let error = use_state(|| None::<ApiError>);
    let done = use_state(|| false);
    let onsubmit = {
        let (form, error, s, url, on_done, done) =
            (form.clone(), error.clone(), s.clone(), p.server_url.clone(), p.on_done.clone(), done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (on_done, done, form2) = (on_done.clone(), done.clone(), form.clone());
            let input = LinkServer { server_url: url.clone(), ..form.value().clone() };
            act(input, error.clone(), s.clone(), move |_| {
                form2.reset();
                done.set(true);
                on_done.emit(());
            });
        })
    };
    let err = (*error).clone();
    html! {
        <form id="follow-branches" {onsubmit}>
            <h3>{ "Follow more branches" }</h3>
            <p class="muted">{ "On a desk that holds the branches, make a code for them (“Code for another desk”) and enter it here. This desk keeps its number and its data, and receives those branches too." }</p>
            if *done { <div class="notice success" role="status">{ "Linked again; the new branches arrive with the next sync." }</div> }
            <FormError error={err.clone()} fields={vec!["code"]} />
            <div class="row">
                <Field label="Code" name="code" value={form.code.clone()} on_input={form.field(|f, v| f.code = v)} error={err} />
            </div>
            <FormActions save="Follow these branches" />
        </form>
    }
}
