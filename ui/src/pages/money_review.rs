//! The money review list on the Fees due page: money the server accepted
//! but flagged, and salaries two desks paid offline. A manager writes what
//! was done and the item leaves the list on every desk.

use crate::components::field::{setter, Field, FormError};
use crate::components::session::use_session;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::money::{ListMoneyReviews, MarkMoneyReviewed, MoneyReview};
use branchdesk_api::ids::BranchId;
use branchdesk_api::ApiError;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ReviewProps {
    pub branch: BranchId,
}

#[component]
pub fn MoneyReviews(p: &ReviewProps) -> Html {
    let (list, reload) = use_query(ListMoneyReviews { branch_id: p.branch });
    let done = Callback::from(move |_| reload.emit(()));
    html! {
        <div id="money-reviews">
            <p class="muted">{ "Money is never refused once a receipt was handed over. What the server accepted but found odd, and salaries paid twice by desks that were offline, wait here for a manager." }</p>
            { show(&list, |l: &Vec<MoneyReview>| html! {
                <>
                    if l.is_empty() { <p class="empty">{ "Nothing needs review." }</p> }
                    { for l.iter().map(|r| html! { <ReviewItem key={r.id.to_string()} item={r.clone()} branch={p.branch} on_done={done.clone()} /> }) }
                </>
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ItemProps {
    item: MoneyReview,
    branch: BranchId,
    on_done: Callback<()>,
}

#[component]
fn ReviewItem(p: &ItemProps) -> Html {
    let s = use_session();
    let note = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (note, error, s, done, branch, id) =
            (note.clone(), error.clone(), s.clone(), p.on_done.clone(), p.branch, p.item.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let done = done.clone();
            act(
                MarkMoneyReviewed { branch_id: branch, id, note: (*note).clone() },
                error.clone(),
                s.clone(),
                move |()| done.emit(()),
            );
        })
    };
    let err = (*error).clone();
    let r = &p.item;
    html! {
        <form class="card review-item" {onsubmit}>
            <h3>{ &r.what }</h3>
            <p>{ &r.reason }</p>
            <p class="muted">{ format!("{}{}", if r.by.is_empty() { String::new() } else { format!("By {} · ", r.by) }, crate::format::day(r.flagged_at.get(..10).unwrap_or_default())) }</p>
            <FormError error={err.clone()} fields={vec!["note"]} />
            <div class="row">
                <Field label="What was done" name="note" value={(*note).clone()} on_input={setter(&note)} error={err} hint="e.g. cash handed to the manager; receipt stands" />
                <div class="actions"><button type="submit" class="primary">{ "Mark reviewed" }</button></div>
            </div>
        </form>
    }
}
