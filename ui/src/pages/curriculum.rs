//! One curriculum version: modules and lessons in order (Alt+↑/↓ moves
//! the focused one), weightage to 100 %, approval.

use crate::components::field::{pick_file, setter, DateField, Field, FormError, Select};
use crate::components::files::resource_link;
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
        let (current, changed) = (current.clone(), p.on_changed.clone());
        Callback::from(move |c: Curriculum| {
            current.set(Some(c));
            changed.emit(());
        })
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
                            <strong>{ &m.title }</strong>
                            if editable {
                                <span class="row-actions">
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
                                    if editable {
                                        <span class="row-actions">
                                            <button title="Move up (Alt+↑)" onclick={mover(CurriculumPart::Lesson, l.id.0, true)}>{ "↑" }</button>
                                            <button title="Move down (Alt+↓)" onclick={mover(CurriculumPart::Lesson, l.id.0, false)}>{ "↓" }</button>
                                            <button onclick={remove(CurriculumPart::Lesson, l.id.0)}>{ "Remove" }</button>
                                        </span>
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
    let module_title = use_state(String::new);
    let lesson_title = use_state(String::new);
    let weight = use_state(String::new);
    let module = use_state(|| None::<ModuleId>);
    let error = use_state(|| None::<ApiError>);
    let module_error = use_state(|| None::<ApiError>);
    let chosen = (*module).or_else(|| p.curriculum.modules.last().map(|m| m.id));
    let add_module = {
        let (title, error, s, saved, id) = (
            module_title.clone(),
            module_error.clone(),
            s.clone(),
            p.on_saved.clone(),
            p.curriculum.summary.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (title2, saved) = (title.clone(), saved.clone());
            act(
                SaveModule { id: None, curriculum_id: id, title: (*title).clone() },
                error.clone(),
                s.clone(),
                move |c| {
                    title2.set(String::new());
                    saved.emit(c);
                },
            );
        })
    };
    let add_lesson = {
        let (title, weight, error, s, saved) =
            (lesson_title.clone(), weight.clone(), error.clone(), s.clone(), p.on_saved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(module_id) = chosen else {
                return error.set(Some(ApiError::invalid("module_id", "Add a module first.")));
            };
            // Percent with up to two decimals is basis points: 12.5 % → 1250.
            let Some(bp) = parse_money(&weight).and_then(|v| u32::try_from(v).ok()) else {
                return error.set(Some(ApiError::invalid(
                    "weightage_bp",
                    "Enter the lesson's share in percent, e.g. 12.5.",
                )));
            };
            let input =
                SaveLesson { module_id, title: (*title).clone(), weightage_bp: bp, ..Default::default() };
            let (title2, weight2, saved) = (title.clone(), weight.clone(), saved.clone());
            act(input, error.clone(), s.clone(), move |c| {
                title2.set(String::new());
                weight2.set(String::new());
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
                    <Field label="New module" name="title" id="field-module-title" value={(*module_title).clone()} on_input={setter(&module_title)} error={(*module_error).clone()} hint="e.g. Mechanics" />
                    <div class="actions"><button type="submit">{ "Add module" }</button></div>
                </div>
            </form>
            if !p.curriculum.modules.is_empty() {
                <form class="inline-form" id="lesson-form" onsubmit={add_lesson}>
                    <div class="row">
                        <Select label="Module" name="module_id" value={chosen.map(|m| m.to_string()).unwrap_or_default()} options={options}
                            on_change={let m = module.clone(); Callback::from(move |v: String| m.set(v.parse().ok().map(ModuleId)))} error={err.clone()} />
                        <Field label="New lesson" name="title" id="field-lesson-title" value={(*lesson_title).clone()} on_input={setter(&lesson_title)} error={err.clone()} />
                        <Field label="Share %" name="weightage_bp" value={(*weight).clone()} on_input={setter(&weight)} error={err.clone()} hint="all lessons add up to 100" />
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
    let comment = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let decide = |approve: bool| {
        let (error, s, done, id, comment) =
            (error.clone(), s.clone(), p.on_done.clone(), p.id, comment.clone());
        Callback::from(move |_: MouseEvent| {
            let done = done.clone();
            act(
                ReviewCurriculum { id, approve, comment: (*comment).clone() },
                error.clone(),
                s.clone(),
                move |sum| done.emit(sum),
            );
        })
    };
    let err = (*error).clone();
    html! {
        <div class="review card">
            <FormError error={err.clone()} fields={vec!["comment"]} />
            <Field label="Review comment" name="comment" value={(*comment).clone()} on_input={setter(&comment)} error={err} hint="Required to reject: say what needs to change." />
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
    let lesson = use_state(String::new);
    let r_title = use_state(String::new);
    let r_url = use_state(String::new);
    let r_file = use_state(|| None::<(String, String)>);
    let a_title = use_state(String::new);
    let a_marks = use_state(String::new);
    let a_due = use_state(String::new);
    let a_lesson = use_state(String::new);
    let r_error = use_state(|| None::<ApiError>);
    let a_error = use_state(|| None::<ApiError>);
    let add_resource = {
        let (lesson, title, url, error, s, saved) =
            (lesson.clone(), r_title.clone(), r_url.clone(), r_error.clone(), s.clone(), p.on_saved.clone());
        let file = r_file.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(lesson_id) = lesson.parse() else {
                return error.set(Some(ApiError::invalid("lesson_id", "Choose the lesson.")));
            };
            let (file_name, content_b64) = (*file).clone().unwrap_or_default();
            let input = SaveLessonResource {
                id: None,
                lesson_id: LessonId(lesson_id),
                title: (*title).clone(),
                url: (*url).clone(),
                file_name,
                content_b64,
            };
            let (title, url, file, saved) = (title.clone(), url.clone(), file.clone(), saved.clone());
            act(input, error.clone(), s.clone(), move |c| {
                title.set(String::new());
                url.set(String::new());
                file.set(None);
                saved.emit(c);
            });
        })
    };
    let add_assignment = {
        let (title, marks, due, lesson, error, s, saved, id) = (
            a_title.clone(),
            a_marks.clone(),
            a_due.clone(),
            a_lesson.clone(),
            a_error.clone(),
            s.clone(),
            p.on_saved.clone(),
            p.curriculum.summary.id,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(max_marks) = marks.trim().parse::<u32>() else {
                return error.set(Some(ApiError::invalid("max_marks", "Enter the maximum marks, e.g. 20.")));
            };
            let input = SaveAssignment {
                id: None,
                curriculum_id: id,
                lesson_id: lesson.parse().ok().map(LessonId),
                title: (*title).clone(),
                instructions: String::new(),
                due_date: (*due).clone(),
                max_marks,
            };
            let (title, saved) = (title.clone(), saved.clone());
            act(input, error.clone(), s.clone(), move |c| {
                title.set(String::new());
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
                        <Select label="Lesson" name="lesson_id" value={(*lesson).clone()} options={lessons.clone()} on_change={setter(&lesson)} error={re.clone()} none="Choose…" />
                        <Field label="Link title" name="title" id="field-resource-title" value={(*r_title).clone()} on_input={setter(&r_title)} error={re.clone()} />
                        <Field label="Link" name="url" value={(*r_url).clone()} on_input={setter(&r_url)} error={re.clone()} hint="https://…, or attach a file" />
                        <div class="field"><label for="resource-file">{ "or a file (≤ 2 MB)" }</label>
                            <input type="file" id="resource-file" onchange={pick_file(setter(&r_file), r_error.clone())} />
                            if let Some((name, _)) = &*r_file { <div class="field-hint">{ name }</div> }
                        </div>
                        <div class="actions"><button type="submit">{ "Attach link" }</button></div>
                    </div>
                </form>
            }
            <form class="inline-form" id="assignment-form" onsubmit={add_assignment}>
                <FormError error={ae.clone()} fields={vec!["title", "max_marks", "due_date", "lesson_id"]} />
                <div class="row">
                    <Field label="New assignment" name="title" id="field-assignment-title" value={(*a_title).clone()} on_input={setter(&a_title)} error={ae.clone()} />
                    <Field label="Out of" name="max_marks" kind="number" value={(*a_marks).clone()} on_input={setter(&a_marks)} error={ae.clone()} />
                    <DateField label="Due" name="due_date" value={(*a_due).clone()} on_input={setter(&a_due)} error={ae.clone()} />
                    <Select label="For lesson" name="lesson_id" id="field-assignment-lesson" value={(*a_lesson).clone()} options={lessons} on_change={setter(&a_lesson)} none="Whole course" />
                    <div class="actions"><button type="submit">{ "Add assignment" }</button></div>
                </div>
            </form>
        </div>
    }
}
