//! My account: profile, changing one's own password, and setting up
//! two-factor sign-in.

use crate::components::field::{Field, FormActions, FormError};
use crate::components::form::use_form;
use crate::components::session::use_session;
use crate::hooks::act;
use branchdesk_api::commands::session::{ChangePassword, ConfirmTwoFactor, StartTwoFactor, TwoFactorSetup};
use branchdesk_api::ApiError;
use chrono::{DateTime, Utc};
use yew::prelude::*;

#[component]
pub fn AccountPage() -> Html {
    let s = use_session();
    let form = use_form::<PasswordDraft>();
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    // Decided once, so the card keeps its place (and the recovery codes it
    // shows) when setting it up clears the due date.
    let two_factor_first = use_state(|| s.me.two_factor_due_by.is_some());
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
            // Due to set it up (Today's button leads here): first on the page.
            if *two_factor_first {
                <TwoFactorCard on={s.me.two_factor} due_by={s.me.two_factor_due_by} />
            }
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
            if !*two_factor_first {
                <TwoFactorCard on={s.me.two_factor} due_by={s.me.two_factor_due_by} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TwoFactorProps {
    /// Set up already (as of signing in).
    on: bool,
    /// A role the person holds needs it: by when.
    due_by: Option<DateTime<Utc>>,
}

/// Two-factor sign-in: set up with a QR code (or the secret typed into
/// the app), confirmed with a code and the password; then the recovery
/// codes, shown once.
#[component]
fn TwoFactorCard(p: &TwoFactorProps) -> Html {
    let s = use_session();
    let setup = use_state(|| None::<TwoFactorSetup>);
    let codes = use_state(|| None::<Vec<String>>);
    let form = use_state(ConfirmTwoFactor::default);
    let error = use_state(|| None::<ApiError>);
    let start = {
        let (setup, error, s) = (setup.clone(), error.clone(), s.clone());
        Callback::from(move |_: MouseEvent| {
            let setup = setup.clone();
            act(StartTwoFactor {}, error.clone(), s.clone(), move |t| setup.set(Some(t)));
        })
    };
    let onsubmit = {
        let (form, codes, error, setup, s) =
            (form.clone(), codes.clone(), error.clone(), setup.clone(), s.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (codes, setup) = (codes.clone(), setup.clone());
            let reload_me = s.reload_me.clone();
            act((*form).clone(), error.clone(), s.clone(), move |r| {
                setup.set(None);
                codes.set(Some(r.codes));
                reload_me.emit(());
            })
        })
    };
    let input = |set: fn(&mut ConfirmTwoFactor, String)| {
        let form = form.clone();
        Callback::from(move |v: String| {
            let mut f = (*form).clone();
            set(&mut f, v);
            form.set(f);
        })
    };
    let err = (*error).clone();
    html! {
        <>
            <h2>{ "Two-factor sign-in" }</h2>
            <div class="card narrow" id="two-factor">
                if let Some(list) = &*codes {
                    <div class="notice success" role="status">{ "Two-factor sign-in is on. From now on, signing in asks for the code your app shows." }</div>
                    <p>{ "Recovery codes: each signs you in once if the phone is lost. Write them down or print this page and keep them away from the computer; they are not shown again." }</p>
                    <ol id="recovery-codes" class="codes">{ for list.iter().map(|c| html! { <li><code>{ c }</code></li> }) }</ol>
                } else if let Some(t) = &*setup {
                    <p>{ "Scan this with an authenticator app (Google Authenticator, Microsoft Authenticator, FreeOTP…), or type the key by hand. It works without the internet." }</p>
                    { qr_svg(t) }
                    <p>{ "Key: " }<code id="two-factor-secret">{ &t.secret }</code></p>
                    <form id="two-factor-form" {onsubmit}>
                        <FormError error={err.clone()} fields={vec!["password", "code"]} />
                        <Field label="Your password" name="password" kind="password" value={form.password.clone()} on_input={input(|f, v| f.password = v)} error={err.clone()} autocomplete="current-password" autofocus=true />
                        <Field label="Code the app shows" name="code" value={form.code.clone()} on_input={input(|f, v| f.code = v)} error={err.clone()} autocomplete="one-time-code" hint="Six digits" />
                        <FormActions save="Turn on" />
                    </form>
                } else if p.on {
                    <p>{ "On: signing in asks for the code from your authenticator app. A lost phone: use a recovery code, or ask an administrator to set a new password (which turns it off until you set it up again)." }</p>
                } else {
                    if let Some(by) = p.due_by {
                        <div class="notice" id="two-factor-due">{ due_notice(by) }</div>
                    }
                    <FormError error={err.clone()} fields={Vec::<&str>::new()} />
                    <p>{ "Off. With it on, a stolen password alone does not sign anyone in as you." }</p>
                    <button class="primary" id="two-factor-start" onclick={start}>{ "Set up" }</button>
                }
            </div>
        </>
    }
}

/// What a person due to set up two-factor sign-in reads.
pub fn due_notice(by: DateTime<Utc>) -> String {
    if by <= Utc::now() {
        "A role you hold needs two-factor sign-in, and its week has passed: set it up to go on working."
            .into()
    } else {
        format!("A role you hold needs two-factor sign-in. Set it up by {}; after that, nothing else opens until you do.", crate::format::when(&by))
    }
}

/// The QR code's modules as an SVG, four modules of quiet zone around.
fn qr_svg(t: &TwoFactorSetup) -> Html {
    let w = t.qr_width as usize;
    let size = w + 8;
    let mut path = String::new();
    for (i, dark) in t.qr_dark.iter().enumerate() {
        if *dark {
            path.push_str(&format!("M{},{}h1v1h-1z", i % w.max(1) + 4, i / w.max(1) + 4));
        }
    }
    html! {
        <svg id="two-factor-qr" class="qr" viewBox={format!("0 0 {size} {size}")} width="220" height="220" role="img" aria-label="QR code for the authenticator app">
            <rect width={size.to_string()} height={size.to_string()} fill="#fff" />
            <path d={path} fill="#000" shape-rendering="crispEdges" />
        </svg>
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
