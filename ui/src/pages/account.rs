//! My account: profile and changing one's own password.

use crate::components::field::{setter, Field, FormActions, FormError};
use crate::components::session::use_session;
use crate::hooks::act;
use branchdesk_api::commands::session::ChangePassword;
use branchdesk_api::ApiError;
use yew::prelude::*;

#[component]
pub fn AccountPage() -> Html {
    let s = use_session();
    let current = use_state(String::new);
    let new = use_state(String::new);
    let confirm = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    let onsubmit = {
        let (current, new, confirm, error, saved, s) =
            (current.clone(), new.clone(), confirm.clone(), error.clone(), saved.clone(), s.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            saved.set(false);
            if *new != *confirm {
                error.set(Some(ApiError::invalid("confirm_password", "The two new passwords differ.")));
                return;
            }
            let input = ChangePassword { current_password: (*current).clone(), new_password: (*new).clone() };
            let (current, new, confirm, saved) =
                (current.clone(), new.clone(), confirm.clone(), saved.clone());
            act(input, error.clone(), s.clone(), move |_| {
                for f in [current, new, confirm] {
                    f.set(String::new());
                }
                saved.set(true);
            });
        })
    };
    let err = (*error).clone();
    let u = &s.me.user;
    html! {
        <section id="account">
            <h1>{ "My account" }</h1>
            <div class="card">
                <dl class="facts">
                    <dt>{ "Name" }</dt><dd>{ &u.full_name }</dd>
                    <dt>{ "Email" }</dt><dd>{ &u.email }</dd>
                    <dt>{ "Phone" }</dt><dd>{ u.phone.clone().unwrap_or_else(|| "—".into()) }</dd>
                </dl>
            </div>
            <h2>{ "Change password" }</h2>
            if u.must_change_password && !*saved {
                <div class="notice">{ "An administrator set a temporary password for you. Choose your own now." }</div>
            }
            if *saved { <div class="notice success" role="status">{ "Password changed." }</div> }
            <form class="card narrow" id="password-form" {onsubmit}>
                <FormError error={err.clone()} fields={vec!["current_password", "new_password", "confirm_password"]} />
                <Field label="Current password" name="current_password" kind="password" value={(*current).clone()} on_input={setter(&current)} error={err.clone()} autocomplete="current-password" autofocus=true />
                <Field label="New password" name="new_password" kind="password" value={(*new).clone()} on_input={setter(&new)} error={err.clone()} hint="At least 10 characters, letters with digits or symbols" autocomplete="new-password" />
                <Field label="New password again" name="confirm_password" kind="password" value={(*confirm).clone()} on_input={setter(&confirm)} error={err.clone()} autocomplete="new-password" />
                <FormActions save="Change password" />
            </form>
        </section>
    }
}
