//! Loading data for a page: call a command when its input changes, again on
//! `reload`, and hand session endings to the frame.

use crate::components::session::use_session;
use crate::invoke::call;
use branchdesk_api::{ApiError, Command};
use yew::platform::spawn_local;
use yew::prelude::*;

pub type Loaded<T> = Option<Result<T, ApiError>>;

#[hook]
pub fn use_query<C>(input: C) -> (Loaded<C::Output>, Callback<()>)
where
    C::Output: Clone,
    C: Command,
{
    let data = use_state(|| None);
    let version = use_state(|| 0u32);
    let session = use_session();
    {
        let data = data.clone();
        use_effect_with((input, *version), move |(input, _)| {
            let input = input.clone();
            spawn_local(async move {
                let r = call(&input).await.map_err(|e| session.check(e));
                data.set(Some(r));
            });
        });
    }
    let reload = {
        let version = version.clone();
        Callback::from(move |_| version.set(*version + 1))
    };
    ((*data).clone(), reload)
}

/// Runs a command for a user action; `done` gets the answer, errors go to
/// `error` (and a finished session to the sign-in screen).
pub fn act<C: Command>(
    input: C,
    error: UseStateHandle<Option<ApiError>>,
    session: crate::components::session::SessionCtx,
    done: impl FnOnce(C::Output) + 'static,
) {
    // Cleared first, so the same error answered again shows again (a
    // field hides its error once the person edits it).
    error.set(None);
    spawn_local(async move {
        match call(&input).await {
            Ok(out) => {
                session.changed.emit(());
                done(out);
            }
            Err(e) => error.set(Some(session.check(e))),
        }
    });
}

/// Renders a loaded value, a loading line, or the error.
pub fn show<T>(loaded: &Loaded<T>, render: impl FnOnce(&T) -> Html) -> Html {
    match loaded {
        None => html! { <p class="muted">{ "Loading…" }</p> },
        Some(Err(e)) => html! { <div class="form-error" role="alert">{ &e.message }</div> },
        Some(Ok(v)) => render(v),
    }
}
