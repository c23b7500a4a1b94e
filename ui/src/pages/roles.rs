//! Roles: the ten system roles and custom ones, as sets of permissions.

use crate::components::field::{Field, FormActions, FormError};
use crate::components::form::use_form_with;
use crate::components::keys::esc;
use crate::components::session::use_session;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::roles::{DeleteRole, ListRoles, Role, SaveRole};
use branchdesk_api::{ApiError, Permission};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[component]
pub fn RolesPage() -> Html {
    let s = use_session();
    let (roles, reload) = use_query(ListRoles {});
    let editing = use_state(|| None::<Option<Role>>);
    let error = use_state(|| None::<ApiError>);
    let manage = s.me.can(Permission::ManageRole) && s.me.all_branches;
    let edit = |r: Option<Role>| {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(Some(r.clone())))
    };
    let delete = |r: &Role| {
        let input = DeleteRole { id: r.id };
        let (error, s, reload) = (error.clone(), s.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let reload = reload.clone();
            act(input.clone(), error.clone(), s.clone(), move |_| reload.emit(()))
        })
    };
    let done = {
        let (editing, reload) = (editing.clone(), reload.clone());
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
        <section id="roles">
            <header class="page-head">
                <h1>{ "Roles" }</h1>
                if manage { <button class="primary" onclick={edit(None)}>{ "New role" }</button> }
            </header>
            <p class="muted">{ "A role is a set of permissions. Give roles to users on the Users page, for one branch or all." }</p>
            <FormError error={(*error).clone()} fields={vec![]} />
            if let Some(r) = &*editing { <RoleForm role={r.clone()} on_saved={done} on_cancel={cancel} /> }
            { show(&roles, |list: &Vec<Role>| html! {
                <table class="grid">
                    <thead><tr><th>{ "Role" }</th><th>{ "What it is for" }</th><th>{ "Permissions" }</th><th>{ "Users" }</th><th></th></tr></thead>
                    <tbody>
                        { for list.iter().map(|r| html! {
                            <tr>
                                <td><strong>{ &r.name }</strong> if r.is_system { <span class="tag">{ "system" }</span> } if r.two_factor { <span class="tag" title="Holders sign in with a code from an authenticator app">{ "two-factor" }</span> }</td>
                                <td>{ &r.description }</td>
                                <td>{ r.permissions.len() }</td>
                                <td>{ r.holders }</td>
                                <td class="row-actions">
                                    if manage {
                                        <button onclick={edit(Some(r.clone()))}>{ "Edit" }</button>
                                        if !r.is_system { <button onclick={delete(r)}>{ "Delete" }</button> }
                                    }
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RoleFormProps {
    role: Option<Role>,
    on_saved: Callback<()>,
    on_cancel: Callback<()>,
}

#[component]
fn RoleForm(p: &RoleFormProps) -> Html {
    let s = use_session();
    let form = use_form_with(|| SaveRole {
        id: None,
        name: p.role.as_ref().map(|r| r.name.clone()).unwrap_or_default(),
        description: p.role.as_ref().map(|r| r.description.clone()).unwrap_or_default(),
        permissions: p.role.as_ref().map(|r| r.permissions.clone()).unwrap_or_default(),
        two_factor: p.role.as_ref().filter(|r| r.two_factor_chosen).map(|r| r.two_factor),
    });
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, on_saved, id) =
            (form.clone(), error.clone(), s.clone(), p.on_saved.clone(), p.role.as_ref().map(|r| r.id));
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let on_saved = on_saved.clone();
            act(SaveRole { id, ..form.value().clone() }, error.clone(), s.clone(), move |_| {
                on_saved.emit(())
            });
        })
    };
    let toggle = |perm: Permission| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            form.update(move |f| {
                f.permissions.retain(|x| *x != perm);
                if on {
                    f.permissions.push(perm);
                }
            });
        })
    };
    let on_two_factor = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let choice = match e.target_unchecked_into::<HtmlSelectElement>().value().as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            form.update(move |f| f.two_factor = choice);
        })
    };
    let by_rule = Permission::need_two_factor(&form.permissions);
    let chosen = match form.two_factor {
        Some(true) => "yes",
        Some(false) => "no",
        None => "rule",
    };
    let err = (*error).clone();
    let system = p.role.as_ref().is_some_and(|r| r.is_system);
    html! {
        <form class="card panel" {onsubmit} onkeydown={esc(p.on_cancel.clone())}>
            <h2>{ if p.role.is_some() { "Edit role" } else { "New role" } }</h2>
            <FormError error={err.clone()} fields={vec!["name", "description", "permissions"]} />
            <div class="row">
                if system { <div class="field"><label>{ "Name" }</label><div>{ &form.name }</div></div> }
                else { <Field label="Name" name="name" value={form.name.clone()} on_input={form.field(|f, v| f.name = v)} error={err.clone()} autofocus=true hint="e.g. FRONT_DESK_LEAD" /> }
                <Field label="What it is for" name="description" value={form.description.clone()} on_input={form.field(|f, v| f.description = v)} error={err.clone()} />
            </div>
            if let Some(e) = err.as_ref().filter(|e| e.is_for("permissions")) { <div class="field-error" role="alert">{ &e.message }</div> }
            <div class="perm-grid">
                { for Permission::ALL.iter().map(|perm| html! {
                    <label class="check">
                        <input type="checkbox" checked={form.permissions.contains(perm)} onchange={toggle(*perm)} />
                        <span>{ perm.label() }<code>{ perm.as_str() }</code></span>
                    </label>
                }) }
            </div>
            <div class="field">
                <label for="field-two_factor">{ "Two-factor sign-in for holders" }</label>
                <select id="field-two_factor" name="two_factor" onchange={on_two_factor}>
                    <option value="rule" selected={chosen == "rule"}>
                        { format!("By the usual rule: {}", if by_rule { "required (handles money or accounts)" } else { "not required" }) }
                    </option>
                    <option value="yes" selected={chosen == "yes"}>{ "Required" }</option>
                    <option value="no" selected={chosen == "no"}>{ "Not required" }</option>
                </select>
                <div class="field-hint">{ "Holders get a week from their next sign-in to set it up in My account." }</div>
            </div>
            <FormActions save="Save role" on_cancel={p.on_cancel.clone()} />
        </form>
    }
}
