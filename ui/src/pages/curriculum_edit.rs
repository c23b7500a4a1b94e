//! Changing a draft's parts in place: a module renamed, a lesson renamed,
//! re-weighted, its notes (Markdown) and video link written. Enter saves,
//! Esc leaves it as it was.

use crate::components::field::{Field, FormActions, FormError};
use crate::components::form::use_form_with;
use crate::components::keys::esc;
use crate::components::session::use_session;
use crate::format::{parse_money, percent};
use crate::hooks::act;
use branchdesk_api::commands::academics::{Curriculum, Lesson, Module, SaveLesson, SaveModule};
use branchdesk_api::ids::{CurriculumId, ModuleId};
use branchdesk_api::markdown::NOTES_MAX;
use branchdesk_api::ApiError;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RenameModuleProps {
    pub curriculum_id: CurriculumId,
    pub module: Module,
    pub on_saved: Callback<Curriculum>,
    pub on_cancel: Callback<()>,
}

#[component]
pub fn RenameModule(p: &RenameModuleProps) -> Html {
    let s = use_session();
    let form = use_form_with(|| SaveModule {
        id: Some(p.module.id),
        curriculum_id: p.curriculum_id,
        title: p.module.title.clone(),
    });
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, saved) = (form.clone(), error.clone(), s.clone(), p.on_saved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let saved = saved.clone();
            act(form.value().clone(), error.clone(), s.clone(), move |c| saved.emit(c));
        })
    };
    let err = (*error).clone();
    html! {
        <form class="inline-form rename-module" {onsubmit} onkeydown={esc(p.on_cancel.clone())}>
            <div class="row">
                <Field label="Module name" name="title" id="field-rename-module" value={form.title.clone()} on_input={form.field(|f, v| f.title = v)} error={err} autofocus=true />
                <FormActions save="Rename" on_cancel={p.on_cancel.clone()} />
            </div>
        </form>
    }
}

/// A lesson as edited: the lesson as saved and its share as typed.
#[derive(Clone, Default, PartialEq)]
struct LessonEdit {
    lesson: SaveLesson,
    share: String,
}

#[derive(Properties, PartialEq)]
pub struct EditLessonProps {
    pub module_id: ModuleId,
    pub lesson: Lesson,
    pub on_saved: Callback<Curriculum>,
    pub on_cancel: Callback<()>,
}

#[component]
pub fn EditLesson(p: &EditLessonProps) -> Html {
    let s = use_session();
    let l = &p.lesson;
    let form = use_form_with(|| LessonEdit {
        lesson: SaveLesson {
            id: Some(l.id),
            module_id: p.module_id,
            title: l.title.clone(),
            weightage_bp: l.weightage_bp,
            notes: l.notes.clone(),
            video_url: l.video_url.clone(),
        },
        share: percent(l.weightage_bp),
    });
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, saved) = (form.clone(), error.clone(), s.clone(), p.on_saved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // Percent with up to two decimals is basis points: 12.5 % → 1250.
            let Some(weightage_bp) = parse_money(&form.share).and_then(|v| u32::try_from(v).ok()) else {
                return error.set(Some(ApiError::invalid(
                    "weightage_bp",
                    "Enter the lesson's share in percent, e.g. 12.5.",
                )));
            };
            let saved = saved.clone();
            let input = SaveLesson { weightage_bp, ..form.lesson.clone() };
            act(input, error.clone(), s.clone(), move |c| saved.emit(c));
        })
    };
    let on_notes = form.field(|f, e: InputEvent| {
        f.lesson.notes = e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value();
    });
    let err = (*error).clone();
    let notes_error = err.as_ref().filter(|e| e.is_for("notes")).map(|e| e.message.clone());
    let left = NOTES_MAX.saturating_sub(form.lesson.notes.chars().count());
    html! {
        <form class="card edit-lesson" {onsubmit} onkeydown={esc(p.on_cancel.clone())}>
            <FormError error={err.clone()} fields={vec!["title", "weightage_bp", "notes", "video_url"]} />
            <div class="row">
                <Field label="Lesson" name="title" id="field-edit-lesson-title" value={form.lesson.title.clone()} on_input={form.field(|f, v| f.lesson.title = v)} error={err.clone()} autofocus=true />
                <Field label="Share %" name="weightage_bp" id="field-edit-lesson-share" value={form.share.clone()} on_input={form.field(|f, v| f.share = v)} error={err.clone()} />
                <Field label="Video link" name="video_url" id="field-edit-lesson-video" value={form.lesson.video_url.clone()} on_input={form.field(|f, v| f.lesson.video_url = v)} error={err.clone()} hint="https://…, shown to the batch's students" />
            </div>
            <label class="field">
                <span class="label">{ "Notes for students" }</span>
                <textarea id="field-edit-lesson-notes" name="notes" rows="6" maxlength={NOTES_MAX.to_string()} value={form.lesson.notes.clone()} oninput={on_notes} aria-invalid={notes_error.is_some().to_string()} />
                <span class="hint">{ format!("Markdown: **bold**, *italic*, - lists, [words](https://…). {left} characters left.") }</span>
                if let Some(m) = notes_error { <span class="field-error">{ m }</span> }
            </label>
            <FormActions save="Save lesson" id="save-edit-lesson" on_cancel={p.on_cancel.clone()} />
        </form>
    }
}
