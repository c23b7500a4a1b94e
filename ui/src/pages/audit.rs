//! The audit log: who changed what, when, from which desk.

use crate::format;
use crate::hooks::{show, use_query};
use branchdesk_api::commands::audit::{AuditEntry, ListAudit};
use yew::prelude::*;

#[component]
pub fn AuditPage() -> Html {
    let (entries, _) = use_query(ListAudit { entity: None, limit: 200 });
    html! {
        <section id="audit">
            <h1>{ "Audit log" }</h1>
            <p class="muted">{ "The newest 200 changes. Passwords and codes never appear here." }</p>
            { show(&entries, |list: &Vec<AuditEntry>| html! {
                <table class="grid small">
                    <thead><tr><th>{ "When" }</th><th>{ "Who" }</th><th>{ "What" }</th><th>{ "Before" }</th><th>{ "After" }</th></tr></thead>
                    <tbody>
                        { for list.iter().map(|e| html! {
                            <tr>
                                <td>{ format::when(&e.at) }</td>
                                <td>{ &e.user_name }</td>
                                <td>{ format!("{} {}", e.action, e.entity) }</td>
                                <td class="json">{ e.old_values.clone().unwrap_or_default() }</td>
                                <td class="json">{ e.new_values.clone().unwrap_or_default() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }) }
        </section>
    }
}
