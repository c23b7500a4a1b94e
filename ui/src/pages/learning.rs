//! A signed-in student's view of a batch's curriculum: lessons in order
//! with their notes, videos and links, bookmarks, passages they kept, their
//! hand-ins (text and files) and marks.

use crate::components::field::{pick_file, Field, FormError, Select};
use crate::components::form::use_form;
use crate::components::session::use_session;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::academics::{
    GetMyCurriculum, HandIn, MyCurriculum, SaveHighlight, SetBookmark,
};
use branchdesk_api::commands::attachments::{FileUpload, MAX_FILE_BYTES};
use branchdesk_api::ids::{AssignmentId, BatchId, LessonId};
use branchdesk_api::ApiError;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MyCurriculumProps {
    pub batch_id: BatchId,
}

#[component]
pub fn MyCurriculumCard(p: &MyCurriculumProps) -> Html {
    let s = use_session();
    let (data, reload) = use_query(GetMyCurriculum { batch_id: p.batch_id });
    let form = use_form::<HighlightDraft>();
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| None::<branchdesk_api::commands::imports::SavedFile>);
    let toggle = |id: LessonId, on: bool| {
        let (error, s, reload) = (error.clone(), s.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let reload = reload.clone();
            act(SetBookmark { lesson_id: id, on }, error.clone(), s.clone(), move |_| reload.emit(()));
        })
    };
    let keep = {
        let (form, error, s, reload) = (form.clone(), error.clone(), s.clone(), reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(lesson_id) = form.lesson else {
                return error.set(Some(ApiError::invalid("lesson_id", "Choose the lesson.")));
            };
            let (form2, reload) = (form.clone(), reload.clone());
            act(SaveHighlight { lesson_id, ..form.highlight.clone() }, error.clone(), s.clone(), move |_| {
                // The lesson stays chosen for the next passage.
                form2.update(|f| f.highlight = SaveHighlight::default());
                reload.emit(());
            });
        })
    };
    let err = (*error).clone();
    show(&data, |m: &MyCurriculum| {
        let Some(c) = &m.curriculum else {
            return html! { <div class="card"><h3>{ &m.batch_name }</h3><p class="muted">{ "This batch has no approved curriculum yet." }</p></div> };
        };
        let lessons: Vec<(String, String)> = c
            .modules
            .iter()
            .flat_map(|md| md.lessons.iter().map(|l| (l.id.to_string(), l.title.clone())))
            .collect();
        html! {
            <div class="card my-curriculum">
                <h3>{ format!("{} · curriculum v{}", m.batch_name, c.summary.version) }</h3>
                <FormError error={err.clone()} fields={vec!["text", "note", "lesson_id"]} />
                if let Some(f) = &*saved { <p class="notice success">{ format!("Saved to {}", f.path) }</p> }
                <ol class="modules">{ for c.modules.iter().map(|md| html! {
                    <li><strong>{ &md.title }</strong>
                        <ol class="lessons">{ for md.lessons.iter().map(|l| {
                            let marked = m.bookmarks.contains(&l.id);
                            html! {
                                <li class="lesson">
                                    <button class="link bookmark" title={if marked { "Remove the bookmark" } else { "Bookmark" }} onclick={toggle(l.id, !marked)}>{ if marked { "★" } else { "☆" } }</button>
                                    { &l.title }
                                    { for l.resources.iter().map(|r| crate::components::files::resource_link(r, saved.clone(), error.clone(), s.clone())) }
                                    <crate::components::lesson_notes::LessonNotes lesson_id={l.id} notes={l.notes.clone()} video_url={l.video_url.clone()} />
                                    { for m.highlights.iter().filter(|h| h.lesson_id == l.id).map(|h| html! {
                                        <div class="muted highlight">{ format!("“{}”{}", h.text, if h.note.is_empty() { String::new() } else { format!(" — {}", h.note) }) }</div>
                                    }) }
                                </li>
                            }
                        }) }</ol>
                    </li>
                }) }</ol>
                if !m.submissions.is_empty() {
                    <h4>{ "Assignments" }</h4>
                    <ul class="plain assignments">{ for m.submissions.iter().map(|(id, sub)| {
                        let a = c.assignments.iter().find(|a| a.id == *id);
                        let title = a.map(|a| format!("{} (out of {}{})", a.title, a.max_marks, a.due_date.as_ref().map(|d| format!(", due {}", crate::format::day(d))).unwrap_or_default())).unwrap_or_default();
                        html! { <li class="assignment">
                            <strong>{ title }</strong>{ " · " }{ match (&sub.submitted_on, sub.marks) {
                                (None, _) => "not handed in".to_string(),
                                (Some(d), None) => format!("handed in on {}{}, not marked yet", crate::format::day(d), if sub.late { " (late)" } else { "" }),
                                (Some(d), Some(m)) => format!("handed in on {}, {m} marks{}", crate::format::day(d), if sub.feedback.is_empty() { String::new() } else { format!(": {}", sub.feedback) }),
                            } }
                            if !sub.text.is_empty() { <div class="muted small hand-in">{ sub.text.chars().take(200).collect::<String>() }</div> }
                            <crate::components::attachments::Files files={sub.files.clone()} />
                            if sub.marks.is_none() {
                                <HandInForm batch_id={p.batch_id} assignment_id={*id} again={sub.submitted_on.is_some()} on_done={reload.clone()} />
                            }
                        </li> }
                    }) }</ul>
                }
                <form class="inline-form" onsubmit={keep.clone()}>
                    <div class="row">
                        <Select label="Keep a passage from" name="lesson_id" id={format!("highlight-lesson-{}", p.batch_id)} value={form.lesson.map(|l| l.to_string()).unwrap_or_default()} options={lessons} on_change={form.field(|f, v: String| f.lesson = v.parse().ok().map(LessonId))} error={err.clone()} none="Choose…" />
                        <Field label="Passage" name="text" id={format!("highlight-text-{}", p.batch_id)} value={form.highlight.text.clone()} on_input={form.field(|f, v| f.highlight.text = v)} error={err.clone()} />
                        <Field label="Your note" name="note" id={format!("highlight-note-{}", p.batch_id)} value={form.highlight.note.clone()} on_input={form.field(|f, v| f.highlight.note = v)} error={err.clone()} />
                        <div class="actions"><button type="submit">{ "Keep" }</button></div>
                    </div>
                </form>
            </div>
        }
    })
}

/// A signed-in student's classes, attendance and curricula (their start page).
#[component]
pub fn MyRecordCard() -> Html {
    let (record, _) = use_query(branchdesk_api::commands::students::GetMyRecord {});
    html! {
        <div class="card" id="my-record">
            <h2>{ "My classes and attendance" }</h2>
            { show(&record, |r: &branchdesk_api::commands::students::MyRecord| html! {
                <>
                    <ul class="plain">{ for r.enrolments.iter().map(|e| html! { <li><strong>{ &e.batch_name }</strong>{ format!(" · {} · {}", e.course_name, e.status.label()) }</li> }) }</ul>
                    <p>{ format!("Attended {}.{} % of marked sessions.", r.attendance.percent_bp / 100, (r.attendance.percent_bp % 100) / 10) }</p>
                    if let Some(fees) = &r.fees {
                        <p id="my-fees">{ match &fees.next_due {
                            Some(d) => format!("Fees pending {}; next {} due on {}.", crate::format::money(fees.pending_minor), crate::format::money(d.amount_minor - d.paid_minor), crate::format::day(&d.due_on)),
                            None => "No fees pending.".to_owned(),
                        } }</p>
                    }
                    if !r.marks.is_empty() {
                        <h3>{ "My tests" }</h3>
                        <super::student_marks::MarksTable marks={r.marks.clone()} />
                    }
                    <ul class="plain">{ for r.attendance.lines.iter().take(20).map(|l| html! { <li>{ format!("{} · {} · {}", crate::format::day(&l.date), l.batch_name, l.status.label()) }</li> }) }</ul>
                    { for r.enrolments.iter().filter(|e| e.status.holds_seat()).map(|e| html! { <MyCurriculumCard batch_id={e.batch_id} /> }) }
                </>
            }) }
        </div>
    }
}

/// The passage form: the lesson until one is chosen, the passage and note.
#[derive(Clone, Default, PartialEq)]
struct HighlightDraft {
    highlight: SaveHighlight,
    lesson: Option<LessonId>,
}

#[derive(Properties, PartialEq)]
struct HandInProps {
    batch_id: BatchId,
    assignment_id: AssignmentId,
    /// Handed in before: this adds to it.
    again: bool,
    on_done: Callback<()>,
}

/// A student's hand-in: typed or pasted text, a file, or both.
#[component]
fn HandInForm(p: &HandInProps) -> Html {
    let s = use_session();
    let form = use_form::<HandIn>();
    let error = use_state(|| None::<ApiError>);
    // A new file input after each hand-in, so the chosen file clears.
    let round = use_state(|| 0u32);
    let submit = {
        let (form, error, s, done, round) =
            (form.clone(), error.clone(), s.clone(), p.on_done.clone(), round.clone());
        let (batch_id, assignment_id) = (p.batch_id, p.assignment_id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (form2, done, round) = (form.clone(), done.clone(), round.clone());
            act(HandIn { batch_id, assignment_id, ..(*form).clone() }, error.clone(), s.clone(), move |_| {
                form2.update(|f| *f = HandIn::default());
                round.set(*round + 1);
                done.emit(());
            });
        })
    };
    let err = (*error).clone();
    let id = p.assignment_id;
    html! {
        <form class="hand-in" onsubmit={submit}>
            <FormError error={err.clone()} fields={vec!["text", "file"]} />
            <label class="field">{ if p.again { "Add to your work" } else { "Your work" } }
                <textarea id={format!("hand-in-text-{id}")} rows="3" value={form.text.clone()} placeholder="Type or paste your answer"
                    oninput={form.field(|f, v: String| f.text = v).reform(|e: InputEvent| e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value())} />
                if let Some(e) = err.as_ref().filter(|e| e.is_for("text")) { <div class="field-error" role="alert">{ &e.message }</div> }
            </label>
            <label class="field">{ "File (PDF, photo, Word or text, at most 10 MB)" }
                <input type="file" id={format!("hand-in-file-{id}")} key={round.to_string()} accept={crate::components::attachments::ACCEPT}
                    onchange={pick_file(form.field(|f, file: Option<(String, String)>| {
                        let (file_name, content_b64) = file.unwrap_or_default();
                        f.file = FileUpload { file_name, content_b64 };
                    }), error.clone(), MAX_FILE_BYTES, "file")} />
                if let Some(e) = err.as_ref().filter(|e| e.is_for("file")) { <div class="field-error" role="alert">{ &e.message }</div> }
            </label>
            <div class="actions"><button type="submit">{ "Hand in" }</button></div>
        </form>
    }
}
