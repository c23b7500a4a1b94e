//! My account: profile and changing one's own password.

use crate::components::field::{Field, FormActions, FormError};
use crate::components::form::use_form;
use crate::components::session::use_session;
use crate::hooks::act;
use branchdesk_api::commands::session::ChangePassword;
use branchdesk_api::ApiError;
use yew::prelude::*;

#[component]
pub fn AccountPage() -> Html {
    let s = use_session();
    let form = use_form::<PasswordDraft>();
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    let onsubmit = {
        let (form, error, saved, s) = (form.clone(), error.clone(), saved.clone(), s.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            saved.set(false);
            let input = match form.input() {
                Ok(input) => input,
                Err(e) => return error.set(Some(e)),
            };
            let (form, saved) = (form.clone(), saved.clone());
            act(input, error.clone(), s.clone(), move |_| {
                form.reset();
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
                <Field label="Current password" name="current_password" kind="password" value={form.change.current_password.clone()} on_input={form.field(|f, v| f.change.current_password = v)} error={err.clone()} autocomplete="current-password" autofocus=true />
                <Field label="New password" name="new_password" kind="password" value={form.change.new_password.clone()} on_input={form.field(|f, v| f.change.new_password = v)} error={err.clone()} hint="At least 10 characters, letters with digits or symbols" autocomplete="new-password" />
                <Field label="New password again" name="confirm_password" kind="password" value={form.confirm.clone()} on_input={form.field(|f, v| f.confirm = v)} error={err.clone()} autocomplete="new-password" />
                <FormActions save="Change password" />
            </form>
        </section>
    }
}

/// The password form: the change as sent, the new password typed again.
#[derive(Clone, Default, PartialEq)]
struct PasswordDraft {
    change: ChangePassword,
    confirm: String,
}

impl PasswordDraft {
    fn input(&self) -> Result<ChangePassword, ApiError> {
        if self.change.new_password != self.confirm {
            return Err(ApiError::invalid("confirm_password", "The two new passwords differ."));
        }
        Ok(self.change.clone())
    }
}
