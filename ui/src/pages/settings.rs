//! Settings for the whole organisation or one branch, typed.

use crate::components::session::use_session;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::settings::{ListSettings, SaveSetting, Setting, SettingSource};
use branchdesk_api::ids::BranchId;
use branchdesk_api::settings::{SettingKind, SettingValue};
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
    let text = use_state(|| match &p.setting.value {
        SettingValue::Flag(b) => b.to_string(),
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
                SettingKind::Integer => match text.trim().parse() {
                    Ok(i) => SettingValue::Integer(i),
                    Err(_) => return error.set(Some(ApiError::invalid("value", "Enter a whole number."))),
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
                SettingKind::Integer => html! { <input id={id.clone()} type="number" value={(*text).clone()} {oninput} disabled={!manage} /> },
                SettingKind::Text => html! { <input id={id.clone()} type="text" value={(*text).clone()} {oninput} disabled={!manage} /> },
            } }
            if manage { <button type="submit">{ "Save" }</button> }
            if let Some(e) = &*error { <div class="field-error" role="alert">{ &e.message }</div> }
        </form>
    }
}
