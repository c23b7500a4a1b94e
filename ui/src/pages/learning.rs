//! A signed-in student's view of a batch's curriculum: lessons in order
//! with their notes, videos and links, bookmarks, passages they kept, and
//! their marks.

use crate::components::field::{Field, FormError, Select};
use crate::components::form::use_form;
use crate::components::session::use_session;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::academics::{GetMyCurriculum, MyCurriculum, SaveHighlight, SetBookmark};
use branchdesk_api::ids::{BatchId, LessonId};
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
                    <ul class="plain">{ for m.submissions.iter().map(|(id, sub)| {
                        let title = c.assignments.iter().find(|a| a.id == *id).map(|a| format!("{} (out of {})", a.title, a.max_marks)).unwrap_or_default();
                        html! { <li>{ title }{ " · " }{ match (&sub.submitted_on, sub.marks) {
                            (None, _) => "not handed in".to_string(),
                            (Some(d), None) => format!("handed in {d}, not marked yet"),
                            (Some(d), Some(m)) => format!("handed in {d}, {m} marks{}", if sub.feedback.is_empty() { String::new() } else { format!(": {}", sub.feedback) }),
                        } }</li> }
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
