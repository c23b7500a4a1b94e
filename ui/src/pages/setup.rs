//! First run: the organisation, its first branch and the director's account.

use crate::components::field::{setter, Field, FormActions, FormError};
use crate::invoke::call;
use branchdesk_api::commands::system::{GetSyncProgress, JoinOrganisation, Receiving, SetupOrganisation};
use branchdesk_api::ApiError;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SetupProps {
    /// Called with the director's email once the organisation exists.
    pub on_done: Callback<String>,
    /// Called with the organisation's name once this desk joined one.
    pub on_joined: Callback<String>,
}

#[component]
pub fn SetupPage(p: &SetupProps) -> Html {
    let org = use_state(String::new);
    let currency = use_state(|| "INR".to_owned());
    let branch = use_state(String::new);
    let code = use_state(String::new);
    let name = use_state(String::new);
    let email = use_state(String::new);
    let password = use_state(String::new);
    let confirm = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let joining = use_state(|| false);
    if *joining {
        let back = {
            let joining = joining.clone();
            Callback::from(move |_| joining.set(false))
        };
        return html! { <JoinForm on_joined={p.on_joined.clone()} on_back={back} /> };
    }
    let to_join = {
        let joining = joining.clone();
        Callback::from(move |_: MouseEvent| joining.set(true))
    };

    let onsubmit = {
        let (org, currency, branch, code, name, email, password, confirm, error, busy, on_done) = (
            org.clone(),
            currency.clone(),
            branch.clone(),
            code.clone(),
            name.clone(),
            email.clone(),
            password.clone(),
            confirm.clone(),
            error.clone(),
            busy.clone(),
            p.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *password != *confirm {
                error.set(Some(ApiError::invalid("confirm_password", "The two passwords differ.")));
                return;
            }
            let input = SetupOrganisation {
                organisation_name: (*org).clone(),
                currency: (*currency).clone(),
                branch_name: (*branch).clone(),
                branch_code: (*code).clone(),
                director_name: (*name).clone(),
                director_email: (*email).clone(),
                director_password: (*password).clone(),
            };
            let (error, busy, on_done) = (error.clone(), busy.clone(), on_done.clone());
            busy.set(true);
            spawn_local(async move {
                match call(&input).await {
                    Ok(done) => on_done.emit(done.director_email),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let err = (*error).clone();
    html! {
        <div class="center-card wide">
            <h1>{ "Welcome to Branchdesk" }</h1>
            <p class="muted">{ "Set up your organisation on this desk. Everything stays on this computer and works without internet." }</p>
            <p><button type="button" class="link" id="join-instead" onclick={to_join}>{ "Your organisation already uses Branchdesk? Join it from its server instead." }</button></p>
            <form id="setup-form" {onsubmit}>
                <FormError error={err.clone()} fields={vec!["organisation_name", "currency", "branch_name", "branch_code", "director_name", "director_email", "director_password", "confirm_password"]} />
                <fieldset>
                    <legend>{ "Organisation" }</legend>
                    <Field label="Organisation name" name="organisation_name" value={(*org).clone()} on_input={setter(&org)} error={err.clone()} autofocus=true hint="e.g. Kiran Coaching Centre" />
                    <div class="row">
                        <Field label="First branch" name="branch_name" value={(*branch).clone()} on_input={setter(&branch)} error={err.clone()} hint="e.g. Koramangala" />
                        <Field label="Branch code" name="branch_code" value={(*code).clone()} on_input={setter(&code)} error={err.clone()} hint={crate::format::branch_code_hint()} />
                        <Field label="Currency" name="currency" value={(*currency).clone()} on_input={setter(&currency)} error={err.clone()} />
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{ "Your account (director)" }</legend>
                    <div class="row">
                        <Field label="Full name" name="director_name" value={(*name).clone()} on_input={setter(&name)} error={err.clone()} />
                        <Field label="Email" name="director_email" kind="email" value={(*email).clone()} on_input={setter(&email)} error={err.clone()} autocomplete="username" />
                    </div>
                    <div class="row">
                        <Field label="Password" name="director_password" kind="password" value={(*password).clone()} on_input={setter(&password)} error={err.clone()} hint="At least 10 characters, letters with digits or symbols" autocomplete="new-password" />
                        <Field label="Password again" name="confirm_password" kind="password" value={(*confirm).clone()} on_input={setter(&confirm)} error={err.clone()} autocomplete="new-password" />
                    </div>
                </fieldset>
                <div class="actions">
                    <button type="submit" class="primary" id="setup-submit" disabled={*busy}>{ if *busy { "Creating…" } else { "Create organisation " } }<kbd>{ "Enter" }</kbd></button>
                </div>
            </form>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct JoinProps {
    on_joined: Callback<String>,
    on_back: Callback<()>,
}

/// Fetches an existing organisation (its branches, users and roles) from
/// its sync server, so the people who work there can sign in here.
#[component]
fn JoinForm(p: &JoinProps) -> Html {
    let url = use_state(String::new);
    let code = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    // How far the download is, asked twice a second while joining.
    let progress = use_state(|| None::<Receiving>);
    {
        let (progress, joining) = (progress.clone(), *busy);
        use_effect_with(joining, move |joining| {
            let interval = joining.then(|| {
                gloo_timers::callback::Interval::new(500, move || {
                    let progress = progress.clone();
                    spawn_local(async move {
                        if let Ok(p) = call(&GetSyncProgress {}).await {
                            progress.set(p);
                        }
                    });
                })
            });
            move || drop(interval)
        });
    }
    let onsubmit = {
        let (url, code, error, busy, on_joined) =
            (url.clone(), code.clone(), error.clone(), busy.clone(), p.on_joined.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (error, busy, on_joined) = (error.clone(), busy.clone(), on_joined.clone());
            let input = JoinOrganisation { server_url: (*url).clone(), code: (*code).clone() };
            busy.set(true);
            spawn_local(async move {
                match call(&input).await {
                    Ok(j) => on_joined.emit(j.organisation_name),
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let err = (*error).clone();
    html! {
        <div class="center-card">
            <h1>{ "Join an organisation" }</h1>
            <p class="muted">{ "This desk downloads the organisation from its server. Then everyone with an account signs in here as usual, also offline." }</p>
            <form id="join-form" {onsubmit}>
                <FormError error={err.clone()} fields={vec!["server_url", "code"]} />
                <Field label="Server address" name="server_url" value={(*url).clone()} on_input={setter(&url)} error={err.clone()} autofocus=true hint="e.g. https://sync.example.in" />
                <Field label="Desk code" name="code" value={(*code).clone()} on_input={setter(&code)} error={err} hint="From Settings → Sync server on a desk of the organisation, e.g. ABCD-EFGH" />
                if *busy {
                    <p class="muted" role="status" id="join-progress">{
                        match *progress {
                            Some(r) => format!("Downloading the organisation: {} of {} records…", r.done, r.total),
                            None => "Downloading the organisation…".to_owned(),
                        }
                    }</p>
                    if let Some(r) = *progress { <progress max={r.total.to_string()} value={r.done.to_string()}></progress> }
                }
                <FormActions save="Join" on_cancel={p.on_back.clone()} />
            </form>
        </div>
    }
}
