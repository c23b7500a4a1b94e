//! One curriculum version: modules and lessons in order (Alt+↑/↓ moves
//! the focused one), weightage to 100 %, approval.

use crate::components::field::{pick_file, DateField, Field, FormError, Select};
use crate::components::files::resource_link;
use crate::components::form::use_form;
use crate::components::lesson_notes::LessonNotes;
use crate::components::session::use_session;
use crate::format::{day, parse_money, percent, status_class};
use crate::hooks::act;
use crate::invoke::call;
use branchdesk_api::commands::academics::*;
use branchdesk_api::commands::imports::SavedFile;
use branchdesk_api::ids::{CurriculumId, LessonId, ModuleId};
use branchdesk_api::{ApiError, Permission};
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub id: CurriculumId,
    /// The version list shows counts and states; refresh it after changes.
    pub on_changed: Callback<()>,
}

#[component]
pub fn Editor(p: &EditorProps) -> Html {
    let s = use_session();
    let current = use_state(|| None::<Curriculum>);
    let error = use_state(|| None::<ApiError>);
    let saved_file_state = use_state(|| None::<SavedFile>);
    // The one part being changed in place, if any.
    let editing = use_state(|| None::<branchdesk_api::uuid::Uuid>);
    {
        let (current, error, s) = (current.clone(), error.clone(), s.clone());
        use_effect_with(p.id, move |id| {
            let input = GetCurriculum { id: *id };
            current.set(None);
            spawn_local(async move {
                match call(&input).await {
                    Ok(c) => current.set(Some(c)),
                    Err(e) => error.set(Some(s.check(e))),
                }
            });
        });
    }
    let Some(c) = (*current).clone() else {
        return html! { <div class="card"><FormError error={(*error).clone()} fields={vec![]} /><p class="muted">{ "Loading…" }</p></div> };
    };
    // Every change answers the whole version; show it and refresh the list.
    let apply = {
        let (current, changed, editing) = (current.clone(), p.on_changed.clone(), editing.clone());
        Callback::from(move |c: Curriculum| {
            current.set(Some(c));
            editing.set(None);
            changed.emit(());
        })
    };
    let edit = |id: branchdesk_api::uuid::Uuid| {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(Some(id)))
    };
    let stop_editing = {
        let editing = editing.clone();
        Callback::from(move |_: ()| editing.set(None))
    };
    let run = {
        let (error, s, apply) = (error.clone(), s.clone(), apply.clone());
        move |input: MoveCurriculumPart| {
            let apply = apply.clone();
            act(input, error.clone(), s.clone(), move |c| apply.emit(c));
        }
    };
    let remove = |part: CurriculumPart, id: branchdesk_api::uuid::Uuid| {
        let (error, s, apply) = (error.clone(), s.clone(), apply.clone());
        Callback::from(move |_: MouseEvent| {
            let apply = apply.clone();
            act(RemoveCurriculumPart { part, id }, error.clone(), s.clone(), move |c| apply.emit(c));
        })
    };
    let keys = |part: CurriculumPart, id: branchdesk_api::uuid::Uuid| {
        let run = run.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.alt_key() && (e.key() == "ArrowUp" || e.key() == "ArrowDown") {
                e.prevent_default();
                run(MoveCurriculumPart { part, id, up: e.key() == "ArrowUp" });
            }
        })
    };
    let mover = |part: CurriculumPart, id: branchdesk_api::uuid::Uuid, up: bool| {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| run(MoveCurriculumPart { part, id, up }))
    };
    let summary_changed = {
        let (current, changed) = (current.clone(), p.on_changed.clone());
        Callback::from(move |sum: CurriculumSummary| {
            if let Some(mut c) = (*current).clone() {
                c.summary = sum;
                current.set(Some(c));
            }
            changed.emit(());
        })
    };
    let sum = &c.summary;
    let editable = sum.status.editable();
    let saved_file = saved_file_state;
    let total_ok = sum.weightage_total_bp == FULL_WEIGHTAGE_BP;
    let me = Some(s.me.user.id);
    let own = sum.created_by == me || sum.teacher_id == me;
    html! {
        <div class="card" id="curriculum-editor">
            <div class="toolbar">
                <h2>{ format!("Version {}", sum.version) }{ sum.teacher_name.as_ref().map(|t| format!(" · {t}")).unwrap_or_else(|| " · Official".into()) }</h2>
                <span class={classes!("tag", status_class(sum.status))} id="curriculum-status">{ sum.status.label() }</span>
                <span class={classes!("weight-total", (!total_ok).then_some("warn"))} id="weight-total">
                    { format!("Weightage {} % of 100 %", percent(sum.weightage_total_bp)) }
                </span>
            </div>
            if !sum.review_comment.is_empty() {
                <p class="notice">{ format!("Review by {}: {}", sum.reviewer_name.clone().unwrap_or_default(), sum.review_comment) }</p>
            }
            if sum.status == CurriculumStatus::Approved {
                <p class="muted">{ "Approved versions never change. Copy it into a new draft to make changes." }</p>
            }
            <FormError error={(*error).clone()} fields={vec![]} />
            if let Some(f) = &*saved_file { <p class="notice success">{ format!("Saved to {}", f.path) }</p> }
            if c.modules.is_empty() { <p class="empty">{ "No modules yet. Add the first below." }</p> }
            <ol class="modules">
                { for c.modules.iter().map(|m| html! {
                    <li class="module">
                        <div class="module-head" tabindex="0" onkeydown={keys(CurriculumPart::Module, m.id.0)}>
                            if *editing == Some(m.id.0) {
                                <super::curriculum_edit::RenameModule curriculum_id={sum.id} module={m.clone()} on_saved={apply.clone()} on_cancel={stop_editing.clone()} />
                            } else {
                                <strong>{ &m.title }</strong>
                            }
                            if editable && *editing != Some(m.id.0) {
                                <span class="row-actions">
                                    <button class="rename-module" onclick={edit(m.id.0)}>{ "Rename" }</button>
                                    <button title="Move up (Alt+↑)" onclick={mover(CurriculumPart::Module, m.id.0, true)}>{ "↑" }</button>
                                    <button title="Move down (Alt+↓)" onclick={mover(CurriculumPart::Module, m.id.0, false)}>{ "↓" }</button>
                                    <button onclick={remove(CurriculumPart::Module, m.id.0)}>{ "Remove" }</button>
                                </span>
                            }
                        </div>
                        <ol class="lessons">
                            { for m.lessons.iter().map(|l| html! {
                                <li class="lesson" tabindex="0" onkeydown={keys(CurriculumPart::Lesson, l.id.0)}>
                                    <span class="lesson-title">{ &l.title }</span>
                                    <span class="muted">{ format!(" {} %", percent(l.weightage_bp)) }</span>
                                    { for l.resources.iter().map(|r| resource_link(r, saved_file.clone(), error.clone(), s.clone())) }
                                    if editable && *editing != Some(l.id.0) {
                                        <span class="row-actions">
                                            <button class="edit-lesson" onclick={edit(l.id.0)}>{ "Edit" }</button>
                                            <button title="Move up (Alt+↑)" onclick={mover(CurriculumPart::Lesson, l.id.0, true)}>{ "↑" }</button>
                                            <button title="Move down (Alt+↓)" onclick={mover(CurriculumPart::Lesson, l.id.0, false)}>{ "↓" }</button>
                                            <button onclick={remove(CurriculumPart::Lesson, l.id.0)}>{ "Remove" }</button>
                                        </span>
                                    }
                                    if *editing == Some(l.id.0) {
                                        <super::curriculum_edit::EditLesson module_id={m.id} lesson={l.clone()} on_saved={apply.clone()} on_cancel={stop_editing.clone()} />
                                    } else {
                                        <LessonNotes lesson_id={l.id} notes={l.notes.clone()} video_url={l.video_url.clone()} />
                                    }
                                </li>
                            }) }
                        </ol>
                    </li>
                }) }
            </ol>
            if !c.assignments.is_empty() {
                <h3>{ "Assignments" }</h3>
                <ul class="plain">
                    { for c.assignments.iter().map(|a| html! {
                        <li>{ &a.title }<span class="muted">{ format!(" · {} marks{}", a.max_marks, a.due_date.as_ref().map(|d| format!(" · due {}", day(d))).unwrap_or_default()) }</span></li>
                    }) }
                </ul>
            }
            if editable {
                <AddParts curriculum={c.clone()} on_saved={apply.clone()} />
                <AddExtras curriculum={c.clone()} on_saved={apply.clone()} />
                <Submit id={sum.id} on_done={summary_changed.clone()} />
            }
            if sum.status == CurriculumStatus::PendingApproval && s.me.can(Permission::ApproveCurriculum) {
                if own {
                    <p class="muted" id="review-elsewhere">{ "Someone other than its author reviews this version." }</p>
                } else {
                    <Review id={sum.id} on_done={summary_changed} />
                }
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct AddPartsProps {
    curriculum: Curriculum,
    on_saved: Callback<Curriculum>,
}

/// Forms to add a module and a lesson (Enter saves each).
#[component]
fn AddParts(p: &AddPartsProps) -> Html {
    let s = use_session();
    let module = use_form::<SaveModule>();
    let lesson = use_form::<LessonDraft>();
    let error = use_state(|| None::<ApiError>);
    let module_error = use_state(|| None::<ApiError>);
    // The module a lesson goes to: the one chosen, else the last.
    let chosen = lesson.module.or_else(|| p.curriculum.modules.last().map(|m| m.id));
    let add_module = {
        let (module, error, s, saved, id) =
            (module.clone(), module_error.clone(), s.clone(), p.on_saved.clone(), p.curriculum.summary.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (module, saved) = (module.clone(), saved.clone());
            let input = SaveModule { id: None, curriculum_id: id, ..module.value().clone() };
            act(input, error.clone(), s.clone(), move |c| {
                module.update(|f| f.title.clear());
                saved.emit(c);
            });
        })
    };
    let add_lesson = {
        let (lesson, error, s, saved) = (lesson.clone(), error.clone(), s.clone(), p.on_saved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = match lesson.input(chosen) {
                Ok(input) => input,
                Err(e) => return error.set(Some(e)),
            };
            let (lesson, saved) = (lesson.clone(), saved.clone());
            act(input, error.clone(), s.clone(), move |c| {
                lesson.update(|f| {
                    f.lesson.title.clear();
                    f.weight.clear();
                });
                saved.emit(c);
            });
        })
    };
    let err = (*error).clone();
    let options: Vec<(String, String)> =
        p.curriculum.modules.iter().map(|m| (m.id.to_string(), m.title.clone())).collect();
    html! {
        <div class="add-parts">
            <FormError error={err.clone()} fields={vec!["title", "weightage_bp", "module_id"]} />
            <form class="inline-form" id="module-form" onsubmit={add_module}>
                <FormError error={(*module_error).clone()} fields={vec!["title"]} />
                <div class="row">
                    <Field label="New module" name="title" id="field-module-title" value={module.title.clone()} on_input={module.field(|f, v| f.title = v)} error={(*module_error).clone()} hint="e.g. Mechanics" />
                    <div class="actions"><button type="submit">{ "Add module" }</button></div>
                </div>
            </form>
            if !p.curriculum.modules.is_empty() {
                <form class="inline-form" id="lesson-form" onsubmit={add_lesson}>
                    <div class="row">
                        <Select label="Module" name="module_id" value={chosen.map(|m| m.to_string()).unwrap_or_default()} options={options}
                            on_change={lesson.field(|f, v: String| f.module = v.parse().ok().map(ModuleId))} error={err.clone()} />
                        <Field label="New lesson" name="title" id="field-lesson-title" value={lesson.lesson.title.clone()} on_input={lesson.field(|f, v| f.lesson.title = v)} error={err.clone()} />
                        <Field label="Share %" name="weightage_bp" value={lesson.weight.clone()} on_input={lesson.field(|f, v| f.weight = v)} error={err.clone()} hint="all lessons add up to 100" />
                        <div class="actions"><button type="submit">{ "Add lesson" }</button></div>
                    </div>
                </form>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct StepProps {
    id: CurriculumId,
    on_done: Callback<CurriculumSummary>,
}

#[component]
fn Submit(p: &StepProps) -> Html {
    let s = use_session();
    let error = use_state(|| None::<ApiError>);
    let onclick = {
        let (error, s, done, id) = (error.clone(), s.clone(), p.on_done.clone(), p.id);
        Callback::from(move |_: MouseEvent| {
            let done = done.clone();
            act(SubmitCurriculum { id }, error.clone(), s.clone(), move |sum| done.emit(sum));
        })
    };
    html! {
        <div class="actions">
            <FormError error={(*error).clone()} fields={vec![]} />
            <button class="primary" id="submit-curriculum" {onclick}>{ "Send for approval" }</button>
        </div>
    }
}

#[component]
fn Review(p: &StepProps) -> Html {
    let s = use_session();
    let form = use_form::<ReviewCurriculum>();
    let error = use_state(|| None::<ApiError>);
    let decide = |approve: bool| {
        let (error, s, done, id, form) = (error.clone(), s.clone(), p.on_done.clone(), p.id, form.clone());
        Callback::from(move |_: MouseEvent| {
            let done = done.clone();
            let input = ReviewCurriculum { id, approve, ..form.value().clone() };
            act(input, error.clone(), s.clone(), move |sum| done.emit(sum));
        })
    };
    let err = (*error).clone();
    html! {
        <div class="review card">
            <FormError error={err.clone()} fields={vec!["comment"]} />
            <Field label="Review comment" name="comment" value={form.comment.clone()} on_input={form.field(|f, v| f.comment = v)} error={err} hint="Required to reject: say what needs to change." />
            <div class="actions">
                <button class="primary" id="approve-curriculum" onclick={decide(true)}>{ "Approve" }</button>
                <button id="reject-curriculum" onclick={decide(false)}>{ "Reject" }</button>
            </div>
        </div>
    }
}

/// Forms to attach a link to a lesson and to set an assignment.
#[component]
fn AddExtras(p: &AddPartsProps) -> Html {
    let s = use_session();
    let lessons: Vec<(String, String)> = p
        .curriculum
        .modules
        .iter()
        .flat_map(|m| m.lessons.iter().map(move |l| (l.id.to_string(), format!("{} · {}", m.title, l.title))))
        .collect();
    let resource = use_form::<ResourceDraft>();
    let assignment = use_form::<AssignmentDraft>();
    let r_error = use_state(|| None::<ApiError>);
    let a_error = use_state(|| None::<ApiError>);
    let add_resource = {
        let (resource, error, s, saved) = (resource.clone(), r_error.clone(), s.clone(), p.on_saved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(lesson_id) = resource.lesson else {
                return error.set(Some(ApiError::invalid("lesson_id", "Choose the lesson.")));
            };
            let input = SaveLessonResource { id: None, lesson_id, ..resource.resource.clone() };
            let (resource, saved) = (resource.clone(), saved.clone());
            act(input, error.clone(), s.clone(), move |c| {
                // The lesson stays chosen for the next link.
                resource.update(|f| f.resource = SaveLessonResource::default());
                saved.emit(c);
            });
        })
    };
    let add_assignment = {
        let (assignment, error, s, saved, id) =
            (assignment.clone(), a_error.clone(), s.clone(), p.on_saved.clone(), p.curriculum.summary.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(max_marks) = assignment.marks.trim().parse::<u32>() else {
                return error.set(Some(ApiError::invalid("max_marks", "Enter the maximum marks, e.g. 20.")));
            };
            let input = SaveAssignment {
                id: None,
                curriculum_id: id,
                instructions: String::new(),
                max_marks,
                ..assignment.assignment.clone()
            };
            let (assignment, saved) = (assignment.clone(), saved.clone());
            act(input, error.clone(), s.clone(), move |c| {
                assignment.update(|f| f.assignment.title.clear());
                saved.emit(c);
            });
        })
    };
    let (re, ae) = ((*r_error).clone(), (*a_error).clone());
    html! {
        <div class="add-parts">
            if !lessons.is_empty() {
                <form class="inline-form" id="resource-form" onsubmit={add_resource}>
                    <FormError error={re.clone()} fields={vec!["lesson_id", "title", "url", "file_name", "content_b64"]} />
                    <div class="row">
                        <Select label="Lesson" name="lesson_id" value={resource.lesson.map(|l| l.to_string()).unwrap_or_default()} options={lessons.clone()} on_change={resource.field(|f, v: String| f.lesson = v.parse().ok().map(LessonId))} error={re.clone()} none="Choose…" />
                        <Field label="Link title" name="title" id="field-resource-title" value={resource.resource.title.clone()} on_input={resource.field(|f, v| f.resource.title = v)} error={re.clone()} />
                        <Field label="Link" name="url" value={resource.resource.url.clone()} on_input={resource.field(|f, v| f.resource.url = v)} error={re.clone()} hint="https://…, or attach a file" />
                        <div class="field"><label for="resource-file">{ "or a file (≤ 2 MB)" }</label>
                            <input type="file" id="resource-file" onchange={pick_file(resource.field(|f, file: Option<(String, String)>| (f.resource.file_name, f.resource.content_b64) = file.unwrap_or_default()), r_error.clone(), branchdesk_api::commands::academics::MAX_ATTACHMENT_BYTES, "content_b64")} />
                            if !resource.resource.file_name.is_empty() { <div class="field-hint">{ &resource.resource.file_name }</div> }
                        </div>
                        <div class="actions"><button type="submit">{ "Attach link" }</button></div>
                    </div>
                </form>
            }
            <form class="inline-form" id="assignment-form" onsubmit={add_assignment}>
                <FormError error={ae.clone()} fields={vec!["title", "max_marks", "due_date", "lesson_id"]} />
                <div class="row">
                    <Field label="New assignment" name="title" id="field-assignment-title" value={assignment.assignment.title.clone()} on_input={assignment.field(|f, v| f.assignment.title = v)} error={ae.clone()} />
                    <Field label="Out of" name="max_marks" kind="number" value={assignment.marks.clone()} on_input={assignment.field(|f, v| f.marks = v)} error={ae.clone()} />
                    <DateField label="Due" name="due_date" value={assignment.assignment.due_date.clone()} on_input={assignment.field(|f, v| f.assignment.due_date = v)} error={ae.clone()} />
                    <Select label="For lesson" name="lesson_id" id="field-assignment-lesson" value={assignment.assignment.lesson_id.map(|l| l.to_string()).unwrap_or_default()} options={lessons} on_change={assignment.field(|f, v: String| f.assignment.lesson_id = v.parse().ok().map(LessonId))} none="Whole course" />
                    <div class="actions"><button type="submit">{ "Add assignment" }</button></div>
                </div>
            </form>
        </div>
    }
}

/// The lesson form: the lesson as saved, its module until one is chosen
/// (else the last) and its share as typed.
#[derive(Clone, Default, PartialEq)]
struct LessonDraft {
    lesson: SaveLesson,
    module: Option<ModuleId>,
    weight: String,
}

impl LessonDraft {
    /// The lesson for `module`, or the field that is not yet right.
    fn input(&self, module: Option<ModuleId>) -> Result<SaveLesson, ApiError> {
        let Some(module_id) = module else {
            return Err(ApiError::invalid("module_id", "Add a module first."));
        };
        // Percent with up to two decimals is basis points: 12.5 % → 1250.
        let Some(weightage_bp) = parse_money(&self.weight).and_then(|v| u32::try_from(v).ok()) else {
            return Err(ApiError::invalid("weightage_bp", "Enter the lesson's share in percent, e.g. 12.5."));
        };
        Ok(SaveLesson { module_id, weightage_bp, ..self.lesson.clone() })
    }
}

/// The link form: the lesson until one is chosen, and the link or file.
#[derive(Clone, Default, PartialEq)]
struct ResourceDraft {
    resource: SaveLessonResource,
    lesson: Option<LessonId>,
}

/// The assignment form: the assignment as saved, its marks as typed.
#[derive(Clone, Default, PartialEq)]
struct AssignmentDraft {
    assignment: SaveAssignment,
    marks: String,
}
