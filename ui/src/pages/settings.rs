//! Settings for the whole organisation or one branch, typed.

use crate::components::field::{Field, FormActions, FormError};
use crate::components::form::use_form;
use crate::components::session::use_session;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::settings::{ListSettings, SaveSetting, Setting, SettingSource};
use branchdesk_api::commands::system::{
    DeskCode, GetSyncState, IssueDeskCode, LinkServer, ListConflicts, ListRefusedChanges, ResolveConflict,
};
use branchdesk_api::ids::BranchId;
use branchdesk_api::settings::{SettingKind, SettingUnit, SettingValue};
use branchdesk_api::{ApiError, Permission};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[component]
pub fn SettingsPage() -> Html {
    let s = use_session();
    let scope = use_state(|| if s.me.all_branches { None } else { s.me.branches.first().map(|b| b.id) });
    let (settings, reload) = use_query(ListSettings { branch_id: *scope });
    let on_scope = {
        let scope = scope.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            scope.set(v.parse().ok().map(BranchId));
        })
    };
    html! {
        <section id="settings">
            <h1>{ "Settings" }</h1>
            <div class="toolbar">
                <label for="settings-scope">{ "Settings for " }</label>
                <select id="settings-scope" onchange={on_scope}>
                    if s.me.all_branches { <option value="" selected={scope.is_none()}>{ "The whole organisation" }</option> }
                    { for s.me.branches.iter().map(|b| html! { <option value={b.id.to_string()} selected={Some(b.id) == *scope}>{ format!("Branch {}", b.name) }</option> }) }
                </select>
            </div>
            <ServerLink />
            <super::channels::EmailChannelCard />
            <RefusedChanges />
            { show(&settings, |list: &Vec<Setting>| html! {
                <div class="card">
                    { for list.iter().filter(|st| scope.is_none() || st.per_branch).map(|st| html! {
                        <SettingRow key={format!("{}-{:?}", st.key, *scope)} setting={st.clone()} branch={*scope} on_saved={reload.clone()} />
                    }) }
                </div>
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SettingRowProps {
    setting: Setting,
    branch: Option<BranchId>,
    on_saved: Callback<()>,
}

#[component]
fn SettingRow(p: &SettingRowProps) -> Html {
    let s = use_session();
    let unit = p.setting.unit;
    let text = use_state(|| match &p.setting.value {
        SettingValue::Flag(b) => b.to_string(),
        SettingValue::Integer(i) => unit.show(*i),
        v => v.display(),
    });
    let error = use_state(|| None::<ApiError>);
    let manage = s.me.can(Permission::ManageSetting);
    let kind = p.setting.kind;
    let onsubmit = {
        let (text, error, s, key, branch, on_saved) =
            (text.clone(), error.clone(), s.clone(), p.setting.key.clone(), p.branch, p.on_saved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = match kind {
                SettingKind::Text => SettingValue::Text((*text).clone()),
                SettingKind::Flag => SettingValue::Flag(*text == "true"),
                SettingKind::Integer => match unit.parse(&text) {
                    Some(i) => SettingValue::Integer(i),
                    None => {
                        let why = match unit {
                            SettingUnit::Count => "Enter a whole number.",
                            SettingUnit::Money => "Enter an amount in rupees, e.g. 5,000.",
                            SettingUnit::Percent => "Enter a rate in per cent, e.g. 18.",
                        };
                        return error.set(Some(ApiError::invalid("value", why)));
                    }
                },
            };
            let on_saved = on_saved.clone();
            act(
                SaveSetting { key: key.clone(), branch_id: branch, value },
                error.clone(),
                s.clone(),
                move |_| on_saved.emit(()),
            );
        })
    };
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let onchange = {
        let text = text.clone();
        Callback::from(move |e: Event| {
            text.set(e.target_unchecked_into::<HtmlInputElement>().checked().to_string())
        })
    };
    let source = match p.setting.source {
        SettingSource::Default => "default",
        SettingSource::Organisation => "set for the organisation",
        SettingSource::Branch => "set for this branch",
    };
    let id = format!("setting-{}", p.setting.key.replace('.', "-"));
    html! {
        <form class="setting" {onsubmit}>
            <label for={id.clone()}>{ &p.setting.label }<span class="muted small">{ format!(" ({source})") }</span></label>
            { match kind {
                SettingKind::Flag => html! { <input id={id.clone()} type="checkbox" checked={*text == "true"} {onchange} disabled={!manage} /> },
                SettingKind::Integer if unit == SettingUnit::Count => html! { <input id={id.clone()} type="number" value={(*text).clone()} {oninput} disabled={!manage} /> },
                SettingKind::Integer => html! { <input id={id.clone()} type="text" inputmode="decimal" value={(*text).clone()} {oninput} disabled={!manage} /> },
                SettingKind::Text => html! { <input id={id.clone()} type="text" value={(*text).clone()} {oninput} disabled={!manage} /> },
            } }
            if manage { <button type="submit">{ "Save" }</button> }
            if let Some(e) = &*error { <div class="field-error" role="alert">{ &e.message }</div> }
        </form>
    }
}

/// Linking this desk to a sync server (or unlinking it).
#[component]
fn ServerLink() -> Html {
    let s = use_session();
    let (state, reload) = use_query(GetSyncState {});
    // Unlinking sends an empty address with the code as typed.
    let form = use_form::<LinkServer>();
    let issued = use_state(|| None::<DeskCode>);
    // The code carries the server's pin: too long to retype, so it is copied.
    let copied = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let manage = s.me.can(Permission::ManageSetting);
    let current = match &state {
        Some(Ok(st)) => st.server_url.clone(),
        _ => None,
    };
    let link: Callback<String> = {
        let (error, s, reload, form) = (error.clone(), s.clone(), reload.clone(), form.clone());
        Callback::from(move |server_url: String| {
            let (reload, form2) = (reload.clone(), form.clone());
            act(LinkServer { server_url, ..form.value().clone() }, error.clone(), s.clone(), move |_| {
                form2.update(|f| f.server_url.clear());
                reload.emit(());
            })
        })
    };
    let code_branch =
        use_state(|| if s.me.all_branches { None } else { s.me.branches.first().map(|b| b.id) });
    let issue = {
        let (error, s, issued, code_branch) = (error.clone(), s.clone(), issued.clone(), code_branch.clone());
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            let issued = issued.clone();
            copied.set(false);
            act(IssueDeskCode { branch_id: *code_branch }, error.clone(), s.clone(), move |c| {
                issued.set(Some(c))
            })
        })
    };
    let on_code_branch = {
        let code_branch = code_branch.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            code_branch.set(v.parse().ok().map(BranchId));
        })
    };
    let onsubmit = {
        let (form, link) = (form.clone(), link.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            link.emit(form.server_url.clone());
        })
    };
    let unlink = link.reform(|_: MouseEvent| String::new());
    let copy = {
        let (issued, copied) = (issued.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            let (Some(code), Some(window)) = ((*issued).clone(), web_sys::window()) else { return };
            let promise = window.navigator().clipboard().write_text(&code.code);
            let copied = copied.clone();
            wasm_bindgen_futures::spawn_local(async move {
                copied.set(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
            });
        })
    };
    let err = (*error).clone();
    html! {
        <div class="card" id="server-link">
            <h2>{ "Sync server" }</h2>
            if let Some(u) = &current {
                <p>{ "This desk syncs with " }<strong>{ u }</strong>{ "." }</p>
                <FormError error={err.clone()} fields={vec![]} />
                if let Some(c) = &*issued {
                    <div class="notice" role="status" id="desk-code">
                        { "Code for the new desk: " }<strong class="code-inline" id="desk-code-text">{ &c.code }</strong>
                        { format!(" — works once, for {} hours. On the new desk choose “Join it from its server” and paste it whole.", c.valid_hours) }
                        <button type="button" onclick={copy.clone()} id="copy-desk-code">{ if *copied { "Copied" } else { "Copy code" } }</button>
                    </div>
                }
                if manage {
                    <div class="actions">
                        <label for="code-branch">{ "New desk syncs " }</label>
                        <select id="code-branch" onchange={on_code_branch}>
                            if s.me.all_branches { <option value="" selected={code_branch.is_none()}>{ "every branch" }</option> }
                            { for s.me.branches.iter().map(|b| html! {
                                <option value={b.id.to_string()} selected={*code_branch == Some(b.id)}>{ format!("branch {}", b.name) }</option>
                            }) }
                        </select>
                        <button onclick={issue} id="issue-desk-code">{ "Code for another desk" }</button>
                        <button onclick={unlink}>{ "Unlink" }</button>
                    </div>
                    <super::desks::LinkedDesks />
                    <super::desks::FollowMoreBranches server_url={u.clone()} on_done={reload.reform(|_| ())} />
                }
            } else {
                <p class="muted">{ "Not linked: this desk keeps its data to itself. Link it to the organisation's server to share with other desks." }</p>
                if manage {
                    <form {onsubmit}>
                        <FormError error={err.clone()} fields={vec!["server_url", "code"]} />
                        <div class="row">
                            <Field label="Server address" name="server_url" value={form.server_url.clone()} on_input={form.field(|f, v| f.server_url = v)} error={err.clone()} hint="e.g. https://sync.example.in" />
                            <Field label="Code" name="code" value={form.code.clone()} on_input={form.field(|f, v| f.code = v)} error={err} hint="The server's bootstrap code for the first desk, else a code from a linked desk: paste it whole" />
                        </div>
                        <FormActions save="Link this desk" />
                    </form>
                }
            }
        </div>
    }
}

/// Changes made here that the server refused, with why: nothing is dropped
/// silently; a manager can redo them with the right person.
#[component]
fn RefusedChanges() -> Html {
    let s = use_session();
    if !s.me.can(Permission::ManageSetting) {
        return html! {};
    }
    html! { <><RefusedList /><ConflictList /></> }
}

#[component]
fn RefusedList() -> Html {
    let (list, _) = use_query(ListRefusedChanges {});
    match &list {
        Some(Ok(l)) if !l.is_empty() => html! {
            <div class="card" id="refused-changes">
                <h2>{ "Changes refused or set aside" }</h2>
                <p class="muted">{ "Changes made here that the server refused, and changes received that this desk cannot apply (it may need updating). Nothing is dropped silently." }</p>
                <table class="grid small">
                    <thead><tr><th>{ "When" }</th><th>{ "Who" }</th><th>{ "What" }</th><th>{ "Why" }</th></tr></thead>
                    <tbody>
                        { for l.iter().map(|r| html! {
                            <tr>
                                <td>{ crate::format::when(&r.at) }</td>
                                <td>{ &r.author }</td>
                                <td>{ format!("{} {}", r.kind, r.entity) }</td>
                                <td>{ &r.reason }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        },
        _ => html! {},
    }
}

/// Values that lost a merge between desks: both sides, and which desk wrote each.
#[component]
fn ConflictList() -> Html {
    let s = use_session();
    let (list, reload) = use_query(ListConflicts {});
    let error = use_state(|| None::<ApiError>);
    let resolve = |id: &str, take: bool| {
        let input = ResolveConflict { id: id.to_owned(), take_losing_value: take };
        let (error, s, reload) = (error.clone(), s.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let reload = reload.clone();
            act(input.clone(), error.clone(), s.clone(), move |_| reload.emit(()))
        })
    };
    let short = |d: &str| d.chars().take(8).collect::<String>();
    match &list {
        Some(Ok(l)) if !l.is_empty() => html! {
            <div class="card" id="conflicts">
                <h2>{ "Merge conflicts kept for review" }</h2>
                <FormError error={(*error).clone()} fields={vec![]} />
                <p class="muted">{ "Two desks changed the same thing while apart. The later change is in force; the other is kept here." }</p>
                <table class="grid small">
                    <thead><tr><th>{ "Found" }</th><th>{ "What" }</th><th>{ "In force" }</th><th>{ "Lost" }</th><th></th></tr></thead>
                    <tbody>
                        { for l.iter().map(|c| html! {
                            <tr>
                                <td>{ crate::format::when(&c.detected_at) }</td>
                                <td>{ format!("{} · {}", c.entity, c.column) }</td>
                                <td>{ format!("{} (desk {})", c.winning_value.clone().unwrap_or_default(), short(&c.winning_device)) }</td>
                                <td>{ format!("{} (desk {})", c.losing_value, short(&c.losing_device)) }</td>
                                <td class="row-actions">
                                    <button onclick={resolve(&c.id, false)}>{ "Keep in force" }</button>
                                    <button onclick={resolve(&c.id, true)}>{ "Take back lost value" }</button>
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        },
        _ => html! {},
    }
}
