//! Settings → Email for messages: the mail server this desk sends through,
//! and a test email to see that it works.

use crate::components::field::{Field, FormActions, FormError, Select};
use crate::components::form::use_form;
use crate::components::session::use_session;
use crate::hooks::{act, use_query};
use branchdesk_api::commands::channels::{
    Channels, EmailChannel, EmailSecurity, GetChannels, SaveEmailChannel, TestEmailChannel,
};
use branchdesk_api::{ApiError, Permission};
use yew::prelude::*;

#[component]
pub fn EmailChannelCard() -> Html {
    let s = use_session();
    let (channels, reload) = use_query(GetChannels {});
    let form = use_form::<EmailChannel>();
    // The port as typed; kept apart so "" and half-typed numbers stay visible.
    let port = use_state(String::new);
    let loaded = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let done = use_state(|| None::<String>);
    let test_to = use_state(String::new);
    let manage = s.me.can(Permission::ManageSetting);
    {
        // Fill the form once from what is saved.
        let (form, port, loaded) = (form.clone(), port.clone(), loaded.clone());
        use_effect_with(channels.clone(), move |c| {
            if let (Some(Ok(c)), false) = (c, *loaded) {
                if let Some(e) = &c.email {
                    port.set(e.port.to_string());
                    form.set(e.clone());
                } else {
                    port.set("587".into());
                    form.update(|f| f.port = 587);
                }
                loaded.set(true);
            }
        });
    }
    let saved: Option<Channels> = match &channels {
        Some(Ok(c)) => Some(c.clone()),
        _ => None,
    };
    let onsubmit = {
        let (form, port, error, done, s, reload) =
            (form.clone(), port.clone(), error.clone(), done.clone(), s.clone(), reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut email = form.value().clone();
            email.port = port.trim().parse().unwrap_or(0);
            let (done, reload, form) = (done.clone(), reload.clone(), form.clone());
            act(SaveEmailChannel { email }, error.clone(), s.clone(), move |_| {
                form.update(|f| f.password.clear());
                done.set(Some("Mail settings saved.".into()));
                reload.emit(());
            });
        })
    };
    let send_test = {
        let (test_to, error, done, s) = (test_to.clone(), error.clone(), done.clone(), s.clone());
        Callback::from(move |_: MouseEvent| {
            let done2 = done.clone();
            done.set(None);
            let error2 = error.clone();
            act(TestEmailChannel { to: (*test_to).clone() }, error.clone(), s.clone(), move |said| {
                error2.set(None);
                done2.set(Some(said));
            });
        })
    };
    let security: Vec<(String, String)> =
        EmailSecurity::ALL.iter().map(|v| (v.as_str().to_owned(), v.label().to_owned())).collect();
    let err = (*error).clone();
    let password_hint = match &saved {
        Some(c) if c.email_password_saved => "Saved; leave empty to keep it",
        _ => "The mail account's password (or app password)",
    };
    html! {
        <div class="card" id="email-channel">
            <h2>{ "Email for messages" }</h2>
            if let Some(c) = &saved {
                if c.sends_here {
                    <p class="muted">{ "Approved messages to guardians who prefer email go out through this mail server, from this desk." }</p>
                } else {
                    <p class="muted" id="server-sends">{ "This desk syncs with a server, and the server sends the organisation's messages: once each, whichever desk approved them. Its mail settings are kept where it runs (branchdesk-server email-settings; see the README), never on a desk." }</p>
                }
            }
            if manage && saved.as_ref().is_none_or(|c| c.sends_here) {
                // The desk names a mistyped address; the browser's own check would only show a tooltip.
                <form {onsubmit} novalidate=true>
                    <FormError error={err.clone()} fields={vec!["email.host", "email.port", "email.security", "email.username", "email.password", "email.from_address", "email.from_name", "to"]} />
                    if let Some(d) = &*done { <p class="notice success" role="status" id="email-channel-done">{ d }</p> }
                    <div class="row">
                        <Field label="Mail server" name="email.host" value={form.host.clone()} on_input={form.field(|f, v| f.host = v)} error={err.clone()} hint="e.g. smtp.gmail.com" />
                        <Field label="Port" name="email.port" value={(*port).clone()} on_input={let p = port.clone(); Callback::from(move |v| p.set(v))} error={err.clone()} inputmode="numeric" />
                        <Select label="Encryption" name="email.security" value={form.security.as_str()} options={security} on_change={form.field(|f, v: String| f.security = EmailSecurity::parse(&v).unwrap_or_default())} error={err.clone()} />
                    </div>
                    <div class="row">
                        <Field label="User name" name="email.username" value={form.username.clone()} on_input={form.field(|f, v| f.username = v)} error={err.clone()} hint="Empty if the server needs no sign-in" autocomplete="off" />
                        <Field label="Password" name="email.password" kind="password" value={form.password.clone()} on_input={form.field(|f, v| f.password = v)} error={err.clone()} hint={password_hint} autocomplete="new-password" />
                    </div>
                    <div class="row">
                        <Field label="From address" name="email.from_address" kind="email" value={form.from_address.clone()} on_input={form.field(|f, v| f.from_address = v)} error={err.clone()} />
                        <Field label="From name" name="email.from_name" value={form.from_name.clone()} on_input={form.field(|f, v| f.from_name = v)} error={err.clone()} hint="e.g. the organisation's name" />
                    </div>
                    <FormActions save="Save mail settings" id="save-email-channel" />
                    if saved.as_ref().is_some_and(|c| c.email.is_some()) {
                        <div class="row test-email">
                            <Field label="Send a test email to" name="to" id="test-email-to" kind="email" value={(*test_to).clone()} on_input={let t = test_to.clone(); Callback::from(move |v| t.set(v))} error={err} />
                            <div class="actions"><button type="button" id="send-test-email" onclick={send_test}>{ "Send test email" }</button></div>
                        </div>
                    }
                </form>
            } else if let Some(Channels { email: Some(e), .. }) = &saved {
                <p>{ format!("Sending through {} port {} as {}.", e.host, e.port, e.from_address) }</p>
            }
        </div>
    }
}
