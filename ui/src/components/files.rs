//! Saving files a person asks for into the desk's exports folder: a list
//! as CSV (Students, Enquiries), a lesson's attached file (Courses, a
//! student's own lessons).

use crate::components::session::SessionCtx;
use crate::hooks::act;
use branchdesk_api::commands::academics::{LessonResource, OpenResourceLink, SaveResourceFile};
use branchdesk_api::commands::imports::{ExportCsv, ExportList, SavedFile};
use branchdesk_api::ids::BranchId;
use branchdesk_api::ApiError;
use yew::prelude::*;

/// Writes a list to the exports folder and says where.
pub fn export_list(
    list: ExportList,
    branch_id: BranchId,
    done: UseStateHandle<Option<SavedFile>>,
    error: UseStateHandle<Option<ApiError>>,
    s: SessionCtx,
) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        let done = done.clone();
        act(ExportCsv { list, branch_id, ..Default::default() }, error.clone(), s.clone(), move |f| {
            done.set(Some(f))
        });
    })
}

/// A resource as a link, or (for an attached file) a button that saves a copy.
pub fn resource_link(
    r: &LessonResource,
    saved: UseStateHandle<Option<SavedFile>>,
    error: UseStateHandle<Option<ApiError>>,
    s: SessionCtx,
) -> Html {
    match &r.file_name {
        // Opened in the computer's browser by the desk, which checks the
        // link it holds again (the app's own window never navigates away).
        None => {
            let id = r.id;
            let onclick = {
                let error = error.clone();
                let s = s.clone();
                Callback::from(move |_: MouseEvent| {
                    act(OpenResourceLink { id }, error.clone(), s.clone(), |_| ())
                })
            };
            html! { <button class="link resource" title={r.url.clone()} {onclick}>{ &r.title }</button> }
        }
        Some(name) => {
            let id = r.id;
            let onclick = Callback::from(move |_: MouseEvent| {
                let saved = saved.clone();
                act(SaveResourceFile { id }, error.clone(), s.clone(), move |f| saved.set(Some(f)));
            });
            html! { <button class="link resource" title={format!("Save a copy of {name}")} {onclick}>{ format!("{} ({name})", r.title) }</button> }
        }
    }
}
