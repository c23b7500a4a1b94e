//! A batch's hand-ins: for each assignment of its curriculum, who handed
//! in what and when (text and files, opened from here), and the teacher's
//! marks and feedback (Enter in a row saves it).

use crate::components::field::{setter, Select};
use crate::components::form::use_form_with;
use crate::components::session::use_session;
use crate::format::day;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::academics::{GetCurriculum, ListSubmissions, RecordSubmission, Submission};
use branchdesk_api::ids::{AssignmentId, BatchId, CurriculumId};
use branchdesk_api::ApiError;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SubmissionsProps {
    pub batch_id: BatchId,
    pub curriculum_id: CurriculumId,
}

/// Assignments of the batch's curriculum: who handed in what, and marks.
#[component]
pub fn Submissions(p: &SubmissionsProps) -> Html {
    let (curriculum, _) = use_query(GetCurriculum { id: p.curriculum_id });
    let chosen = use_state(String::new);
    let assignments: Vec<(String, String)> = match &curriculum {
        Some(Ok(c)) => c
            .assignments
            .iter()
            .map(|a| {
                (
                    a.id.to_string(),
                    format!(
                        "{} (out of {}{})",
                        a.title,
                        a.max_marks,
                        a.due_date.as_ref().map(|d| format!(", due {}", day(d))).unwrap_or_default()
                    ),
                )
            })
            .collect(),
        _ => vec![],
    };
    if assignments.is_empty() {
        return html! {};
    }
    html! {
        <div id="submissions">
            <h2>{ "Assignments" }</h2>
            <Select label="Assignment" name="assignment_id" value={(*chosen).clone()} options={assignments} on_change={setter(&chosen)} none="Choose…" />
            if let Ok(a) = chosen.parse() {
                <SubmissionTable batch_id={p.batch_id} assignment_id={AssignmentId(a)} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SubmissionTableProps {
    batch_id: BatchId,
    assignment_id: AssignmentId,
}

#[component]
fn SubmissionTable(p: &SubmissionTableProps) -> Html {
    let (list, reload) = use_query(ListSubmissions { assignment_id: p.assignment_id, batch_id: p.batch_id });
    show(&list, |rows: &Vec<Submission>| {
        html! {
            <table class="grid" id="submissions-table">
                <thead><tr><th>{ "Student" }</th><th>{ "Handed in" }</th><th>{ "Marks" }</th><th>{ "Feedback" }</th><th></th></tr></thead>
                <tbody>{ for rows.iter().map(|r| html! {
                    <SubmissionRow key={r.student_id.to_string()} row={r.clone()} batch_id={p.batch_id} assignment_id={p.assignment_id} on_saved={reload.clone()} />
                }) }</tbody>
            </table>
        }
    })
}

#[derive(Properties, PartialEq)]
struct SubmissionRowProps {
    row: Submission,
    batch_id: BatchId,
    assignment_id: AssignmentId,
    on_saved: Callback<()>,
}

#[component]
fn SubmissionRow(p: &SubmissionRowProps) -> Html {
    let s = use_session();
    let form = use_form_with(|| SubmissionDraft {
        record: RecordSubmission {
            submitted_on: branchdesk_api::dates::show_iso(&p.row.submitted_on.clone().unwrap_or_default()),
            feedback: p.row.feedback.clone(),
            ..RecordSubmission::default()
        },
        marks: p.row.marks.map(|m| m.to_string()).unwrap_or_default(),
    });
    let error = use_state(|| None::<ApiError>);
    let save = {
        let (form, error, s, done) = (form.clone(), error.clone(), s.clone(), p.on_saved.clone());
        let (batch_id, assignment_id, student_id) = (p.batch_id, p.assignment_id, p.row.student_id);
        let text = p.row.text.clone();
        Callback::from(move |(): ()| {
            let marks = match form.marks() {
                Ok(m) => m,
                Err(e) => return error.set(Some(e)),
            };
            let input = RecordSubmission {
                assignment_id,
                batch_id,
                student_id,
                marks,
                text: text.clone(),
                ..form.record.clone()
            };
            let done = done.clone();
            act(input, error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    // Enter in any of the row's fields saves it: a teacher grades a stack
    // of hand-ins from the keyboard, Tab to the next field, Enter to save.
    let onkeydown = {
        let save = save.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                save.emit(());
            }
        })
    };
    let input = |value: &str, on_input: Callback<String>, kind: &'static str, label: &'static str| {
        let placeholder = (label == "Handed in on").then_some("DD/MM/YYYY");
        html! { <input type={kind} aria-label={label} {placeholder} value={value.to_owned()} onkeydown={onkeydown.clone()} oninput={on_input.reform(|e: InputEvent| e.target_unchecked_into::<web_sys::HtmlInputElement>().value())} /> }
    };
    html! {
        <tr>
            <td>{ format!("{} ({})", p.row.student_name, p.row.student_code) }if p.row.late { <span class="tag">{ "late" }</span> }
                if !p.row.text.is_empty() { <div class="muted small hand-in" title={p.row.text.clone()}>{ p.row.text.chars().take(160).collect::<String>() }</div> }
                <crate::components::attachments::Files files={p.row.files.clone()} /></td>
            <td>{ input(&form.record.submitted_on, form.field(|f, v| f.record.submitted_on = v), "text", "Handed in on") }</td>
            <td>{ input(&form.marks, form.field(|f, v| f.marks = v), "number", "Marks") }</td>
            <td>{ input(&form.record.feedback, form.field(|f, v| f.record.feedback = v), "text", "Feedback") }if let Some(e) = &*error { <div class="field-error">{ &e.message }</div> }</td>
            <td><button onclick={save.reform(|_: MouseEvent| ())}>{ if p.row.submitted_on.is_some() { "Update" } else { "Record" } }</button></td>
        </tr>
    }
}

/// A hand-in being recorded: the date and feedback as sent, the marks as
/// typed.
#[derive(Clone, Default, PartialEq)]
struct SubmissionDraft {
    record: RecordSubmission,
    marks: String,
}

impl SubmissionDraft {
    /// The marks (none when left empty), or the error naming the field.
    fn marks(&self) -> Result<Option<u32>, ApiError> {
        let marks = self.marks.trim();
        if marks.is_empty() {
            return Ok(None);
        }
        marks.parse().map(Some).map_err(|_| ApiError::invalid("marks", "Enter whole marks."))
    }
}
