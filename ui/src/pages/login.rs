//! Sign in; or set a new password with a reset code from an administrator.

use crate::components::field::{setter, Field, FormError};
use crate::invoke::call;
use branchdesk_api::commands::session::{Login, Me, RedeemResetCode};
use branchdesk_api::ApiError;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LoginProps {
    pub notice: Option<String>,
    pub email: String,
    pub on_signed_in: Callback<Me>,
}

#[component]
pub fn LoginPage(p: &LoginProps) -> Html {
    let email = use_state(|| p.email.clone());
    let password = use_state(String::new);
    let code = use_state(String::new);
    let new_password = use_state(String::new);
    let with_code = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let notice = use_state(|| p.notice.clone());
    let busy = use_state(|| false);

    let onsubmit = {
        let (email, password, code, new_password, with_code, error, notice, busy, on_signed_in) = (
            email.clone(),
            password.clone(),
            code.clone(),
            new_password.clone(),
            with_code.clone(),
            error.clone(),
            notice.clone(),
            busy.clone(),
            p.on_signed_in.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (error, notice, busy, on_signed_in, with_code, password) = (
                error.clone(),
                notice.clone(),
                busy.clone(),
                on_signed_in.clone(),
                with_code.clone(),
                password.clone(),
            );
            busy.set(true);
            if *with_code {
                let input = RedeemResetCode {
                    email: (*email).clone(),
                    code: (*code).clone(),
                    new_password: (*new_password).clone(),
                };
                spawn_local(async move {
                    match call(&input).await {
                        Ok(()) => {
                            error.set(None);
                            password.set(String::new());
                            notice.set(Some("Password set. Sign in with the new password.".into()));
                            with_code.set(false);
                        }
                        Err(e) => error.set(Some(e)),
                    }
                    busy.set(false);
                });
            } else {
                let input = Login { email: (*email).clone(), password: (*password).clone() };
                spawn_local(async move {
                    match call(&input).await {
                        Ok(me) => on_signed_in.emit(me),
                        Err(e) => {
                            error.set(Some(e));
                            busy.set(false);
                        }
                    }
                });
            }
        })
    };
    let toggle = {
        let (with_code, error) = (with_code.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            error.set(None);
            with_code.set(!*with_code);
        })
    };
    let err = (*error).clone();
    html! {
        <div class="center-card">
            <h1>{ "Sign in" }</h1>
            if let Some(n) = &*notice { <div class="notice" id="login-notice">{ n }</div> }
            <form id="login-form" {onsubmit}>
                <FormError error={err.clone()} fields={vec!["email", "password", "code", "new_password"]} />
                <Field label="Email" name="email" kind="email" value={(*email).clone()} on_input={setter(&email)} error={err.clone()} autofocus={p.email.is_empty()} autocomplete="username" />
                if *with_code {
                    <Field label="Reset code" name="code" value={(*code).clone()} on_input={setter(&code)} error={err.clone()} hint="The code your administrator gave you, e.g. ABCD-EFGH" />
                    <Field label="New password" name="new_password" kind="password" value={(*new_password).clone()} on_input={setter(&new_password)} error={err.clone()} autocomplete="new-password" />
                } else {
                    <Field label="Password" name="password" kind="password" value={(*password).clone()} on_input={setter(&password)} error={err.clone()} autofocus={!p.email.is_empty()} autocomplete="current-password" />
                }
                <div class="actions">
                    <button type="submit" class="primary" id="login-submit" disabled={*busy}>
                        { if *with_code { "Set new password " } else if *busy { "Signing in… " } else { "Sign in " } }<kbd>{ "Enter" }</kbd>
                    </button>
                    <button type="button" class="link" onclick={toggle}>
                        { if *with_code { "Back to sign in" } else { "I have a reset code" } }
                    </button>
                </div>
            </form>
        </div>
    }
}
