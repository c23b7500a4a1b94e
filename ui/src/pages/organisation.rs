//! The organisation's name, currency and financial year; its branches.

use crate::components::field::{setter, Field, FormActions, FormError};
use crate::components::keys::esc;
use crate::components::session::use_session;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::org::*;
use branchdesk_api::ApiError;
use yew::prelude::*;

#[component]
pub fn OrganisationPage() -> Html {
    let (org, reload_org) = use_query(GetOrganisation {});
    let (branches, reload_branches) = use_query(ListBranches::default());
    let editing = use_state(|| None::<Option<Branch>>);
    let edit = |b: Option<Branch>| {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(Some(b.clone())))
    };
    let done = {
        let (editing, reload) = (editing.clone(), reload_branches.clone());
        Callback::from(move |_: ()| {
            editing.set(None);
            reload.emit(());
        })
    };
    let cancel = {
        let editing = editing.clone();
        Callback::from(move |_: ()| editing.set(None))
    };
    html! {
        <section id="organisation">
            <h1>{ "Organisation" }</h1>
            { show(&org, |o: &Organisation| html! { <OrgForm org={o.clone()} on_saved={reload_org.clone()} /> }) }
            <header class="page-head">
                <h2>{ "Branches" }</h2>
                <button class="primary" onclick={edit(None)}>{ "New branch" }</button>
            </header>
            if let Some(b) = &*editing { <BranchForm branch={b.clone()} on_saved={done} on_cancel={cancel} /> }
            { show(&branches, |list: &Vec<Branch>| html! {
                <table class="grid">
                    <thead><tr><th>{ "Code" }</th><th>{ "Name" }</th><th>{ "Address" }</th><th>{ "Phone" }</th><th></th></tr></thead>
                    <tbody>
                        { for list.iter().map(|b| html! {
                            <tr>
                                <td><strong>{ &b.code }</strong></td><td>{ &b.name }</td><td>{ &b.address }</td><td>{ &b.phone }</td>
                                <td class="row-actions"><button onclick={edit(Some(b.clone()))}>{ "Edit" }</button></td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct OrgFormProps {
    org: Organisation,
    on_saved: Callback<()>,
}

#[component]
fn OrgForm(p: &OrgFormProps) -> Html {
    let s = use_session();
    let name = use_state(|| p.org.name.clone());
    let currency = use_state(|| p.org.currency.clone());
    let month = use_state(|| p.org.fy_start_month.to_string());
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    let onsubmit = {
        let (name, currency, month, error, saved, s, on_saved) = (
            name.clone(),
            currency.clone(),
            month.clone(),
            error.clone(),
            saved.clone(),
            s.clone(),
            p.on_saved.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(fy_start_month) = month.trim().parse() else {
                return error.set(Some(ApiError::invalid(
                    "fy_start_month",
                    "Choose a month from 1 (January) to 12 (December).",
                )));
            };
            let (saved, on_saved) = (saved.clone(), on_saved.clone());
            act(
                UpdateOrganisation { name: (*name).clone(), currency: (*currency).clone(), fy_start_month },
                error.clone(),
                s.clone(),
                move |_| {
                    saved.set(true);
                    on_saved.emit(());
                },
            );
        })
    };
    let err = (*error).clone();
    html! {
        <form class="card" {onsubmit}>
            <FormError error={err.clone()} fields={vec!["name", "currency", "fy_start_month"]} />
            if *saved { <div class="notice success" role="status">{ "Saved." }</div> }
            <div class="row">
                <Field label="Name" name="name" value={(*name).clone()} on_input={setter(&name)} error={err.clone()} />
                <Field label="Currency" name="currency" value={(*currency).clone()} on_input={setter(&currency)} error={err.clone()} hint="Amounts are kept in its smallest unit" />
                <Field label="Financial year starts in month" name="fy_start_month" kind="number" value={(*month).clone()} on_input={setter(&month)} error={err.clone()} hint="4 = April" />
            </div>
            <FormActions save="Save" />
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct BranchFormProps {
    branch: Option<Branch>,
    on_saved: Callback<()>,
    on_cancel: Callback<()>,
}

#[component]
fn BranchForm(p: &BranchFormProps) -> Html {
    let s = use_session();
    let b = p.branch.clone();
    let code = use_state(|| b.as_ref().map(|b| b.code.clone()).unwrap_or_default());
    let name = use_state(|| b.as_ref().map(|b| b.name.clone()).unwrap_or_default());
    let address = use_state(|| b.as_ref().map(|b| b.address.clone()).unwrap_or_default());
    let phone = use_state(|| b.as_ref().map(|b| b.phone.clone()).unwrap_or_default());
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (code, name, address, phone, error, s, on_saved, id) = (
            code.clone(),
            name.clone(),
            address.clone(),
            phone.clone(),
            error.clone(),
            s.clone(),
            p.on_saved.clone(),
            b.as_ref().map(|b| b.id),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let on_saved = on_saved.clone();
            act(
                SaveBranch {
                    id,
                    code: (*code).clone(),
                    name: (*name).clone(),
                    address: (*address).clone(),
                    phone: (*phone).clone(),
                },
                error.clone(),
                s.clone(),
                move |_| on_saved.emit(()),
            );
        })
    };
    let err = (*error).clone();
    html! {
        <form class="card panel" {onsubmit} onkeydown={esc(p.on_cancel.clone())}>
            <h2>{ if b.is_some() { "Edit branch" } else { "New branch" } }</h2>
            <FormError error={err.clone()} fields={vec!["code", "name", "address", "phone"]} />
            <div class="row">
                <Field label="Code" name="code" value={(*code).clone()} on_input={setter(&code)} error={err.clone()} autofocus=true hint={crate::format::branch_code_hint()} />
                <Field label="Name" name="name" value={(*name).clone()} on_input={setter(&name)} error={err.clone()} />
                <Field label="Phone" name="phone" kind="tel" value={(*phone).clone()} on_input={setter(&phone)} error={err.clone()} />
            </div>
            <Field label="Address" name="address" value={(*address).clone()} on_input={setter(&address)} error={err.clone()} />
            <FormActions save="Save branch" on_cancel={p.on_cancel.clone()} />
        </form>
    }
}
