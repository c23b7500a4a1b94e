//! A lesson's notes as a teacher wrote them (Markdown, shown through
//! `api::markdown::to_safe_html`, which lets nothing but formatting
//! through) and its video. Links open in the computer's browser, never in
//! the app's window, and only after the desk finds them in the lesson.

use crate::components::session::use_session;
use crate::hooks::act;
use branchdesk_api::commands::academics::OpenLessonLink;
use branchdesk_api::ids::LessonId;
use branchdesk_api::markdown::to_safe_html;
use branchdesk_api::ApiError;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonNotesProps {
    pub lesson_id: LessonId,
    pub notes: AttrValue,
    pub video_url: AttrValue,
}

#[component]
pub fn LessonNotes(p: &LessonNotesProps) -> Html {
    let s = use_session();
    let error = use_state(|| None::<ApiError>);
    let opened = use_state(|| None::<String>);
    let open = {
        let (error, opened, s, lesson_id) = (error.clone(), opened.clone(), s.clone(), p.lesson_id);
        Callback::from(move |url: String| {
            let opened = opened.clone();
            act(OpenLessonLink { lesson_id, url }, error.clone(), s.clone(), move |u| opened.set(Some(u)));
        })
    };
    // A click on a link in the notes: the desk opens it, the window stays.
    let on_notes_click = {
        let open = open.clone();
        Callback::from(move |e: MouseEvent| {
            let link = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("a").ok().flatten());
            if let Some(a) = link {
                e.prevent_default();
                open.emit(a.get_attribute("href").unwrap_or_default());
            }
        })
    };
    if p.notes.trim().is_empty() && p.video_url.trim().is_empty() {
        return html! {};
    }
    let notes = Html::from_html_unchecked(AttrValue::from(to_safe_html(&p.notes)));
    html! {
        <details class="lesson-notes">
            <summary>{ if p.notes.trim().is_empty() { "Video" } else { "Notes" } }</summary>
            if !p.notes.trim().is_empty() {
                <div class="notes-text" onclick={on_notes_click}>{ notes }</div>
            }
            if !p.video_url.trim().is_empty() {
                <button type="button" class="link watch" title={p.video_url.clone()} onclick={let o = open.clone(); move |_| o.emit(String::new())}>{ "▶ Watch the video" }</button>
            }
            if let Some(e) = &*error { <div class="field-error">{ &e.message }</div> }
            if let Some(u) = &*opened { <div class="muted small">{ format!("Opened in the browser: {u}") }</div> }
        </details>
    }
}
