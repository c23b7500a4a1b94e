//! Import from CSV: save the template, choose a file, check it (nothing is
//! written), see every problem by row and column, then import it all.

use crate::components::session::use_session;
use crate::hooks::act;
use crate::invoke::call;
use branchdesk_api::commands::imports::{
    GetImportProgress, ImportCsv, ImportKind, ImportProgress, ImportReport, SaveCsvTemplate, SavedFile,
    MAX_IMPORT_BYTES,
};
use branchdesk_api::ids::BranchId;
use branchdesk_api::ApiError;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CsvImportProps {
    pub kind: ImportKind,
    pub branch_id: BranchId,
    /// After rows were imported.
    pub on_imported: Callback<u32>,
    pub on_close: Callback<()>,
}

#[component]
pub fn CsvImport(p: &CsvImportProps) -> Html {
    let s = use_session();
    let content = use_state(|| None::<(String, String)>);
    let report = use_state(|| None::<ImportReport>);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let template = use_state(|| None::<SavedFile>);
    let progress = use_state(ImportProgress::default);
    // While the desk works through a large file, ask how far it is.
    {
        let progress = progress.clone();
        use_effect_with(*busy, move |busy| {
            let timer = busy.then(|| {
                gloo_timers::callback::Interval::new(250, move || {
                    let progress = progress.clone();
                    spawn_local(async move {
                        if let Ok(p) = call(&GetImportProgress {}).await {
                            progress.set(p);
                        }
                    });
                })
            });
            move || drop(timer)
        });
    }
    let on_file = {
        let (content, report, error) = (content.clone(), report.clone(), error.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            // Cleared, so choosing the same file again after fixing it reads it again.
            input.set_value("");
            report.set(None);
            if file.size() > MAX_IMPORT_BYTES as f64 {
                content.set(None);
                return error.set(Some(ApiError::invalid(
                    "content",
                    format!(
                        "{} is {:.1} MB; an import takes at most {} MB.",
                        file.name(),
                        file.size() / 1_048_576.0,
                        MAX_IMPORT_BYTES / 1_048_576
                    ),
                )));
            }
            let (content, error) = (content.clone(), error.clone());
            spawn_local(async move {
                match JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string()) {
                    Some(text) => {
                        error.set(None);
                        content.set(Some((file.name(), text)));
                    }
                    None => error.set(Some(ApiError::invalid("content", "That file could not be read."))),
                }
            });
        })
    };
    let run = |commit: bool| {
        let (content, report, busy, error, s, kind, branch, imported) = (
            content.clone(),
            report.clone(),
            busy.clone(),
            error.clone(),
            s.clone(),
            p.kind,
            p.branch_id,
            p.on_imported.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some((_, text)) = (*content).clone() else {
                return error.set(Some(ApiError::invalid("content", "Choose a CSV file first.")));
            };
            busy.set(true);
            let (report, busy, error, s, imported) =
                (report.clone(), busy.clone(), error.clone(), s.clone(), imported.clone());
            let input = ImportCsv { kind, branch_id: branch, content: text, commit };
            spawn_local(async move {
                let answer = call(&input).await;
                busy.set(false);
                match answer {
                    Ok(r) => {
                        error.set(None);
                        if commit {
                            s.changed.emit(());
                            imported.emit(r.written);
                        }
                        report.set(Some(r));
                    }
                    Err(e) => error.set(Some(s.check(e))),
                }
            });
        })
    };
    let save_template = {
        let (template, error, s, kind) = (template.clone(), error.clone(), s.clone(), p.kind);
        Callback::from(move |_: MouseEvent| {
            let template = template.clone();
            act(SaveCsvTemplate { kind }, error.clone(), s.clone(), move |f| template.set(Some(f)));
        })
    };
    let rows_in_file = content.as_ref().map(|(_, t)| t.lines().count().saturating_sub(1)).unwrap_or(0);
    html! {
        <div class="card" id="csv-import">
            <div class="toolbar">
                <h2>{ match p.kind { ImportKind::Students => "Import students from CSV", ImportKind::Leads => "Import enquiries from CSV", ImportKind::OpeningBalances => "Import opening balances (dues and past payments) from CSV" } }</h2>
                <button type="button" id="csv-template" onclick={save_template}>{ "Save the template" }</button>
                <button type="button" onclick={p.on_close.reform(|_| ())}>{ "Close" }</button>
            </div>
            if let Some(t) = &*template { <p class="notice success">{ format!("Template saved to {}", t.path) }</p> }
            <input type="file" id="csv-file" accept=".csv,text/csv" onchange={on_file} />
            if let Some((name, _)) = &*content { <span class="muted">{ format!(" {name}: about {rows_in_file} rows") }</span> }
            if let Some(e) = &*error { <div class="form-error" role="alert" id="import-error">{ &e.message }</div> }
            <div class="actions">
                <button type="button" id="csv-check" onclick={run(false)} disabled={*busy}>{ "Check the file" }</button>
                if let Some(r) = &*report {
                    if r.errors.is_empty() && r.written == 0 {
                        <button type="button" class="primary" id="csv-commit" onclick={run(true)} disabled={*busy}>{ format!("Import {} rows", r.rows) }</button>
                    }
                }
            </div>
            if *busy {
                <div role="status" id="import-progress">
                    if progress.total > 0 {
                        <progress max={progress.total.to_string()} value={progress.done.to_string()} />
                        <span class="muted">{ format!(" {} {} of {} rows", if progress.writing { "Writing" } else { "Checked" }, progress.done, progress.total) }</span>
                    } else {
                        <span class="muted">{ format!("Working through {rows_in_file} rows…") }</span>
                    }
                </div>
            }
            if let Some(r) = &*report {
                <div id="import-report" role="status">
                    if r.written > 0 {
                        <p class="notice success">{ format!("Imported {} rows.", r.written) }</p>
                    } else if r.errors.is_empty() {
                        <p class="notice success">{ format!("All {} rows are fine. Nothing is written until you import.", r.rows) }</p>
                    } else {
                        <p class="form-error">{ format!("{} of {} rows have problems. Fix them in the file and check again; nothing was written.", r.errors.len(), r.rows) }</p>
                    }
                    if !r.errors.is_empty() {
                        <table class="grid" id="import-errors">
                            <thead><tr><th>{ "Row" }</th><th>{ "Column" }</th><th>{ "Problem" }</th></tr></thead>
                            <tbody>{ for r.errors.iter().map(|e| html! { <tr><td>{ e.row }</td><td>{ &e.column }</td><td>{ &e.message }</td></tr> }) }</tbody>
                        </table>
                    }
                    if !r.possible_duplicates.is_empty() {
                        <h3>{ "Possible duplicates (imported anyway; review them after)" }</h3>
                        <ul class="plain" id="import-duplicates">{ for r.possible_duplicates.iter().map(|d| html! { <li>{ format!("Row {}: {}", d.row, d.message) }</li> }) }</ul>
                    }
                </div>
            }
        </div>
    }
}
