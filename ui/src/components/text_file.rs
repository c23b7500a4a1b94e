//! A text file a person chooses to import (a question bank, an OMR
//! export): read in the webview, refused when too large, and the file
//! input cleared so choosing the same file again after fixing it reads it
//! again. The problems a desk's import check found, by line or row.

use branchdesk_api::commands::imports::{ImportReport, MAX_IMPORT_BYTES};
use branchdesk_api::ApiError;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

/// The chosen file's name and text.
pub type Chosen = UseStateHandle<Option<(String, String)>>;

/// The chosen file, and the `onchange` of an `<input type="file">` that
/// fills it (errors go to `error`; a new choice clears `report`).
#[hook]
pub fn use_text_file(
    error: UseStateHandle<Option<ApiError>>,
    report: UseStateHandle<Option<ImportReport>>,
) -> (Chosen, Callback<Event>) {
    let file: Chosen = use_state(|| None);
    let on_change = {
        let file = file.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(f) = input.files().and_then(|l| l.get(0)) else { return };
            input.set_value("");
            report.set(None);
            if f.size() > MAX_IMPORT_BYTES as f64 {
                file.set(None);
                return error.set(Some(ApiError::invalid(
                    "content",
                    format!(
                        "{} is {:.1} MB; an import takes at most {} MB.",
                        f.name(),
                        f.size() / 1_048_576.0,
                        MAX_IMPORT_BYTES / 1_048_576
                    ),
                )));
            }
            let (file, error) = (file.clone(), error.clone());
            spawn_local(async move {
                match JsFuture::from(f.text()).await.ok().and_then(|t| t.as_string()) {
                    Some(text) => {
                        error.set(None);
                        file.set(Some((f.name(), text)));
                    }
                    None => error.set(Some(ApiError::invalid("content", "That file could not be read."))),
                }
            });
        })
    };
    (file, on_change)
}

#[derive(Properties, PartialEq)]
pub struct ImportFindingsProps {
    pub report: ImportReport,
    /// What the file holds: "questions", "students' marks".
    pub things: AttrValue,
    /// "Line" for a text file, "Row" for a CSV.
    pub place: AttrValue,
    pub id: AttrValue,
}

/// What a check or an import found: all fine, imported, or each problem.
#[component]
pub fn ImportFindings(p: &ImportFindingsProps) -> Html {
    let r = &p.report;
    let show_column = r.errors.iter().any(|e| !e.column.is_empty());
    html! {
        <div id={p.id.clone()} role="status">
            if r.written > 0 {
                <p class="notice success">{ format!("Imported {} {}.", r.written, p.things) }</p>
            } else if r.errors.is_empty() {
                <p class="notice success">{ format!("All {} {} are fine. Nothing is written until you import.", r.rows, p.things) }</p>
            } else {
                <p class="form-error">{ match r.errors.len() {
                    1 => "One problem; fix it in the file and check again. Nothing was imported.".to_owned(),
                    n => format!("{n} problems; fix them in the file and check again. Nothing was imported."),
                } }</p>
                <table class="grid import-errors">
                    <thead><tr><th>{ &p.place }</th>if show_column { <th>{ "Column" }</th> }<th>{ "Problem" }</th></tr></thead>
                    <tbody>{ for r.errors.iter().map(|e| html! {
                        <tr><td>{ e.row }</td>if show_column { <td>{ &e.column }</td> }<td>{ &e.message }</td></tr>
                    }) }</tbody>
                </table>
            }
            if !r.possible_duplicates.is_empty() {
                <ul class="plain muted">{ for r.possible_duplicates.iter().map(|d| html! { <li>{ format!("{} {}: {}", p.place, d.row, d.message) }</li> }) }</ul>
            }
        </div>
    }
}
