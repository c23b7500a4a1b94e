//! The organisation's name, currency and financial year; its branches.

use crate::components::field::{Field, FormActions, FormError};
use crate::components::form::use_form_with;
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
    let form = use_form_with(|| OrgDraft {
        org: UpdateOrganisation {
            name: p.org.name.clone(),
            currency: p.org.currency.clone(),
            ..UpdateOrganisation::default()
        },
        month: p.org.fy_start_month.to_string(),
    });
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    let onsubmit = {
        let (form, error, saved, s, on_saved) =
            (form.clone(), error.clone(), saved.clone(), s.clone(), p.on_saved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = match form.input() {
                Ok(input) => input,
                Err(e) => return error.set(Some(e)),
            };
            let (saved, on_saved) = (saved.clone(), on_saved.clone());
            act(input, error.clone(), s.clone(), move |_| {
                saved.set(true);
                on_saved.emit(());
            });
        })
    };
    let err = (*error).clone();
    html! {
        <form class="card" {onsubmit}>
            <FormError error={err.clone()} fields={vec!["name", "currency", "fy_start_month"]} />
            if *saved { <div class="notice success" role="status">{ "Saved." }</div> }
            <div class="row">
                <Field label="Name" name="name" value={form.org.name.clone()} on_input={form.field(|f, v| f.org.name = v)} error={err.clone()} />
                <Field label="Currency" name="currency" value={form.org.currency.clone()} on_input={form.field(|f, v| f.org.currency = v)} error={err.clone()} hint="Amounts are kept in its smallest unit" />
                <Field label="Financial year starts in month" name="fy_start_month" kind="number" value={form.month.clone()} on_input={form.field(|f, v| f.month = v)} error={err.clone()} hint="4 = April" />
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
    let form = use_form_with(|| SaveBranch {
        code: b.as_ref().map(|b| b.code.clone()).unwrap_or_default(),
        name: b.as_ref().map(|b| b.name.clone()).unwrap_or_default(),
        address: b.as_ref().map(|b| b.address.clone()).unwrap_or_default(),
        phone: b.as_ref().map(|b| b.phone.clone()).unwrap_or_default(),
        ..SaveBranch::default()
    });
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, on_saved, id) =
            (form.clone(), error.clone(), s.clone(), p.on_saved.clone(), b.as_ref().map(|b| b.id));
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let on_saved = on_saved.clone();
            act(SaveBranch { id, ..form.value().clone() }, error.clone(), s.clone(), move |_| {
                on_saved.emit(())
            });
        })
    };
    let err = (*error).clone();
    html! {
        <form class="card panel" {onsubmit} onkeydown={esc(p.on_cancel.clone())}>
            <h2>{ if b.is_some() { "Edit branch" } else { "New branch" } }</h2>
            <FormError error={err.clone()} fields={vec!["code", "name", "address", "phone"]} />
            <div class="row">
                <Field label="Code" name="code" value={form.code.clone()} on_input={form.field(|f, v| f.code = v)} error={err.clone()} autofocus=true hint={crate::format::branch_code_hint()} />
                <Field label="Name" name="name" value={form.name.clone()} on_input={form.field(|f, v| f.name = v)} error={err.clone()} />
                <Field label="Phone" name="phone" kind="tel" value={form.phone.clone()} on_input={form.field(|f, v| f.phone = v)} error={err.clone()} />
            </div>
            <Field label="Address" name="address" value={form.address.clone()} on_input={form.field(|f, v| f.address = v)} error={err.clone()} />
            <FormActions save="Save branch" on_cancel={p.on_cancel.clone()} />
        </form>
    }
}

/// The organisation form: what is saved, the financial year's first month
/// as typed.
#[derive(Clone, Default, PartialEq)]
struct OrgDraft {
    org: UpdateOrganisation,
    month: String,
}

impl OrgDraft {
    fn input(&self) -> Result<UpdateOrganisation, ApiError> {
        let Ok(fy_start_month) = self.month.trim().parse() else {
            return Err(ApiError::invalid(
                "fy_start_month",
                "Choose a month from 1 (January) to 12 (December).",
            ));
        };
        Ok(UpdateOrganisation { fy_start_month, ..self.org.clone() })
    }
}
