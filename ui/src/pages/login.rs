//! Sign in; or set a new password with a reset code from an administrator.

use crate::components::field::{Field, FormError};
use crate::components::form::use_form_with;
use crate::invoke::call;
use branchdesk_api::commands::session::{Login, LoginWithCode, Me, RedeemResetCode};
use branchdesk_api::{ApiError, ErrorCode};
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
    let form = use_form_with(|| LoginDraft {
        login: Login { email: p.email.clone(), password: String::new() },
        ..LoginDraft::default()
    });
    let with_code = use_state(|| false);
    // The password was right and the account asks for its second factor.
    let needs_second = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let notice = use_state(|| p.notice.clone());
    let busy = use_state(|| false);

    let onsubmit = {
        let (form, with_code, error, notice, busy, on_signed_in, needs_second) = (
            form.clone(),
            with_code.clone(),
            error.clone(),
            notice.clone(),
            busy.clone(),
            p.on_signed_in.clone(),
            needs_second.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (error, notice, busy, on_signed_in, with_code, form, needs_second) = (
                error.clone(),
                notice.clone(),
                busy.clone(),
                on_signed_in.clone(),
                with_code.clone(),
                form.clone(),
                needs_second.clone(),
            );
            busy.set(true);
            if *needs_second && !*with_code {
                let input = LoginWithCode {
                    email: form.login.email.clone(),
                    password: form.login.password.clone(),
                    code: form.second.clone(),
                };
                spawn_local(async move {
                    match call(&input).await {
                        Ok(me) => on_signed_in.emit(me),
                        Err(e) => {
                            error.set(Some(e));
                            busy.set(false);
                        }
                    }
                });
                return;
            }
            if *with_code {
                let input = form.redeem();
                spawn_local(async move {
                    match call(&input).await {
                        Ok(()) => {
                            error.set(None);
                            form.update(|f| f.login.password.clear());
                            notice.set(Some("Password set. Sign in with the new password.".into()));
                            with_code.set(false);
                        }
                        Err(e) => error.set(Some(e)),
                    }
                    busy.set(false);
                });
            } else {
                let input = form.login.clone();
                spawn_local(async move {
                    match call(&input).await {
                        Ok(me) => on_signed_in.emit(me),
                        Err(e) if e.code == ErrorCode::TwoFactorCodeNeeded => {
                            error.set(None);
                            notice.set(Some(e.message));
                            needs_second.set(true);
                            busy.set(false);
                        }
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
                <Field label="Email" name="email" kind="email" value={form.login.email.clone()} on_input={form.field(|f, v| f.login.email = v)} error={err.clone()} autofocus={p.email.is_empty()} autocomplete="username" />
                if *with_code {
                    <Field label="Reset or invitation code" name="code" value={form.code.clone()} on_input={form.field(|f, v| f.code = v)} error={err.clone()} hint="The code you were given, e.g. ABCD-EFGH-JKLM-NPQR; dashes and capitals may be left out" />
                    <Field label="New password" name="new_password" kind="password" value={form.new_password.clone()} on_input={form.field(|f, v| f.new_password = v)} error={err.clone()} autocomplete="new-password" />
                } else {
                    <Field label="Password" name="password" kind="password" value={form.login.password.clone()} on_input={form.field(|f, v| f.login.password = v)} error={err.clone()} autofocus={!p.email.is_empty()} autocomplete="current-password" />
                    if *needs_second {
                        <Field label="Code from your authenticator app" name="code" value={form.second.clone()} on_input={form.field(|f, v| f.second = v)} error={err.clone()} autofocus=true autocomplete="one-time-code" hint="Six digits; or one of your recovery codes if the phone is lost" />
                    }
                }
                <div class="actions">
                    <button type="submit" class="primary" id="login-submit" disabled={*busy}>
                        { if *with_code { "Set new password " } else if *busy { "Signing in… " } else { "Sign in " } }<kbd>{ "Enter" }</kbd>
                    </button>
                    <button type="button" class="link" onclick={toggle}>
                        { if *with_code { "Back to sign in" } else { "I have a reset code or invitation" } }
                    </button>
                </div>
            </form>
        </div>
    }
}

/// The sign-in form: the sign-in as sent, and the reset code with the new
/// password for setting one with the same email.
#[derive(Clone, Default, PartialEq)]
struct LoginDraft {
    login: Login,
    code: String,
    new_password: String,
    /// The second factor's code, when the account asks for it.
    second: String,
}

impl LoginDraft {
    fn redeem(&self) -> RedeemResetCode {
        RedeemResetCode {
            email: self.login.email.clone(),
            code: self.code.clone(),
            new_password: self.new_password.clone(),
        }
    }
}
