//! Attached files as a list shows them: each a button that saves the file
//! into the desk's exports folder (fetched from the server first when the
//! desk does not hold it) and opens it in the computer's viewer.

use crate::components::session::use_session;
use crate::invoke::call;
use branchdesk_api::commands::attachments::{size_text, Attachment, OpenAttachment};
use branchdesk_api::commands::imports::OpenSavedFile;
use branchdesk_api::ApiError;
use yew::prelude::*;

/// What a file input offers to choose: the kinds the desk takes.
pub const ACCEPT: &str = ".pdf,.jpg,.jpeg,.png,.webp,.docx,.txt";

#[derive(Properties, PartialEq)]
pub struct FilesProps {
    pub files: Vec<Attachment>,
}

#[component]
pub fn Files(p: &FilesProps) -> Html {
    let s = use_session();
    let said = use_state(|| None::<Result<String, ApiError>>);
    if p.files.is_empty() {
        return html! {};
    }
    let open = |a: &Attachment| {
        let (said, s, id) = (said.clone(), s.clone(), a.id);
        Callback::from(move |_: MouseEvent| {
            let (said, s) = (said.clone(), s.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let opened = async {
                    let saved = call(&OpenAttachment { id }).await?;
                    call(&OpenSavedFile { path: saved.path.clone() }).await?;
                    Ok::<_, ApiError>(saved.path)
                };
                said.set(Some(opened.await.map_err(|e| s.check(e))));
            });
        })
    };
    html! {
        <span class="files">
            { for p.files.iter().map(|a| html! {
                <button type="button" class="link file" title={format!("Open {} ({})", a.file_name, size_text(a.size_bytes))} onclick={open(a)}>
                    { &a.file_name }
                    if !a.on_desk { <span class="tag muted">{ "not downloaded yet" }</span> }
                </button>
            }) }
            { match &*said {
                Some(Ok(path)) => html! { <span class="muted small">{ format!("Opened ({path}).") }</span> },
                Some(Err(e)) => html! { <span class="field-error" role="alert">{ &e.message }</span> },
                None => html! {},
            } }
        </span>
    }
}
