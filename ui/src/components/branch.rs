//! The branch chooser of a page working on one branch.

use branchdesk_api::commands::org::Branch;
use branchdesk_api::ids::BranchId;
use yew::prelude::*;

/// Shown only to people with more than one branch.
pub fn branch_picker(branches: &[Branch], branch: UseStateHandle<BranchId>) -> Html {
    if branches.len() < 2 {
        return html! {};
    }
    let onchange = Callback::from(move |e: Event| {
        if let Ok(id) = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value().parse() {
            branch.set(BranchId(id));
        }
    });
    html! {
        <label class="branch-picker">{ "Branch " }
            <select id="branch-picker" {onchange}>
                { for branches.iter().map(|b| html! { <option value={b.id.to_string()}>{ &b.name }</option> }) }
            </select>
        </label>
    }
}
