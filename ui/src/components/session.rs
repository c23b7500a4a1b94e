//! What every page needs from the signed-in frame: who is signed in, and a
//! way to report that the session ended so the login screen returns.

use branchdesk_api::commands::session::Me;
use branchdesk_api::{ApiError, ErrorCode};
use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct SessionCtx {
    pub me: Me,
    pub signed_out: Callback<String>,
    /// Ask the status bar to refresh (after a change was saved).
    pub changed: Callback<()>,
    /// Open another page (e.g. a student's, from a search result).
    pub navigate: Callback<crate::nav::Page>,
    /// Fetch `me` again (after a change to the person's own sign-in).
    pub reload_me: Callback<()>,
}

impl SessionCtx {
    /// Passes `e` through; a session that ended sends the user to sign in.
    pub fn check(&self, e: ApiError) -> ApiError {
        if matches!(e.code, ErrorCode::Unauthenticated | ErrorCode::SessionExpired) {
            self.signed_out.emit(e.message.clone());
        }
        e
    }
}

#[hook]
pub fn use_session() -> SessionCtx {
    use_context::<SessionCtx>().expect("pages render inside the signed-in frame")
}
