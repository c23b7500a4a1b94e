//! First run: the organisation, its first branch and the director's account.

use crate::components::field::{Field, FormActions, FormError};
use crate::components::form::{use_form, use_form_with};
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
    let form = use_form_with(|| SetupDraft {
        setup: SetupOrganisation { currency: "INR".to_owned(), ..SetupOrganisation::default() },
        confirm: String::new(),
    });
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
        let (form, error, busy, on_done) = (form.clone(), error.clone(), busy.clone(), p.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = match form.input() {
                Ok(input) => input,
                Err(e) => return error.set(Some(e)),
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
                    <Field label="Organisation name" name="organisation_name" value={form.setup.organisation_name.clone()} on_input={form.field(|f, v| f.setup.organisation_name = v)} error={err.clone()} autofocus=true hint="e.g. Kiran Coaching Centre" />
                    <div class="row">
                        <Field label="First branch" name="branch_name" value={form.setup.branch_name.clone()} on_input={form.field(|f, v| f.setup.branch_name = v)} error={err.clone()} hint="e.g. Koramangala" />
                        <Field label="Branch code" name="branch_code" value={form.setup.branch_code.clone()} on_input={form.field(|f, v| f.setup.branch_code = v)} error={err.clone()} hint={crate::format::branch_code_hint()} />
                        <Field label="Currency" name="currency" value={form.setup.currency.clone()} on_input={form.field(|f, v| f.setup.currency = v)} error={err.clone()} />
                    </div>
                </fieldset>
                <fieldset>
                    <legend>{ "Your account (director)" }</legend>
                    <div class="row">
                        <Field label="Full name" name="director_name" value={form.setup.director_name.clone()} on_input={form.field(|f, v| f.setup.director_name = v)} error={err.clone()} />
                        <Field label="Email" name="director_email" kind="email" value={form.setup.director_email.clone()} on_input={form.field(|f, v| f.setup.director_email = v)} error={err.clone()} autocomplete="username" />
                    </div>
                    <div class="row">
                        <Field label="Password" name="director_password" kind="password" value={form.setup.director_password.clone()} on_input={form.field(|f, v| f.setup.director_password = v)} error={err.clone()} hint="At least 10 characters, letters with digits or symbols" autocomplete="new-password" />
                        <Field label="Password again" name="confirm_password" kind="password" value={form.confirm.clone()} on_input={form.field(|f, v| f.confirm = v)} error={err.clone()} autocomplete="new-password" />
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
    let form = use_form::<JoinOrganisation>();
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
        let (form, error, busy, on_joined) = (form.clone(), error.clone(), busy.clone(), p.on_joined.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (error, busy, on_joined) = (error.clone(), busy.clone(), on_joined.clone());
            let input = form.value().clone();
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
                <Field label="Server address" name="server_url" value={form.server_url.clone()} on_input={form.field(|f, v| f.server_url = v)} error={err.clone()} autofocus=true hint="e.g. https://sync.example.in" />
                <Field label="Desk code" name="code" value={form.code.clone()} on_input={form.field(|f, v| f.code = v)} error={err} hint="From Settings → Sync server on a desk of the organisation: paste the whole code, e.g. ABCD-EFGH-JKLM-NPQR/…" />
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

/// The first-run form: the organisation, branch and director as sent, and
/// the password typed again.
#[derive(Clone, PartialEq)]
struct SetupDraft {
    setup: SetupOrganisation,
    confirm: String,
}

impl SetupDraft {
    fn input(&self) -> Result<SetupOrganisation, ApiError> {
        if self.setup.director_password != self.confirm {
            return Err(ApiError::invalid("confirm_password", "The two passwords differ."));
        }
        Ok(self.setup.clone())
    }
}
