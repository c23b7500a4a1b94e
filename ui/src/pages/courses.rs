//! Courses and their curriculum versions: add a course, draft a version,
//! fill it with modules and lessons, send it for approval, review it.

use crate::components::field::{Field, FormActions, FormError, Select};
use crate::components::form::use_form;
use crate::components::keys::esc;
use crate::components::session::use_session;
use crate::format::{money, parse_money, percent, status_class};
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::academics::*;
use branchdesk_api::ids::{CourseId, CurriculumId};
use branchdesk_api::{ApiError, Permission};
use yew::prelude::*;

#[component]
pub fn CoursesPage() -> Html {
    let s = use_session();
    let (courses, reload) = use_query(ListCourses { include_inactive: true });
    let selected = use_state(|| None::<CourseId>);
    let adding = use_state(|| false);
    let manage = s.me.can(Permission::ManageCourse);
    let open = |id: CourseId| {
        let selected = selected.clone();
        Callback::from(move |_: MouseEvent| selected.set(Some(id)))
    };
    let archive_error = use_state(|| None::<ApiError>);
    let archive = |c: &Course| {
        let input = SaveCourse {
            id: Some(c.id),
            code: c.code.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            duration_hours: c.duration_hours,
            default_fee_minor: c.default_fee_minor,
            active: !c.active,
        };
        let (error, s, reload) = (archive_error.clone(), s.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let reload = reload.clone();
            act(input.clone(), error.clone(), s.clone(), move |_| reload.emit(()));
        })
    };
    html! {
        <section id="courses">
            <header class="page-head">
                <h1>{ "Courses" }</h1>
                if manage && !*adding {
                    <button class="primary" id="add-course" onclick={let a = adding.clone(); move |_| a.set(true)}>{ "Add course" }</button>
                }
            </header>
            if *adding {
                <CourseForm on_done={let (a, r, sel) = (adding.clone(), reload.clone(), selected.clone()); Callback::from(move |c: Option<Course>| { a.set(false); if let Some(c) = c { sel.set(Some(c.id)); } r.emit(()); })} />
            }
            <FormError error={(*archive_error).clone()} fields={vec![]} />
            <div class="split">
                <div class="list-pane">
                    if let Some(Ok(list)) = &courses { <Roadmaps courses={list.clone()} manage={manage} /> }
                    { show(&courses, |list: &Vec<Course>| {
                        if list.is_empty() {
                            return html! { <p class="empty">{ if manage { "No courses yet. Add the first: a code such as PHY-11, a name and its usual fee." } else { "No courses yet." } }</p> };
                        }
                        html! {
                            <ul class="picker" id="course-list">
                                { for list.iter().map(|c| html! {
                                    <li class={classes!((*selected == Some(c.id)).then_some("chosen"), (!c.active).then_some("inactive"))}>
                                        <button onclick={open(c.id)}>
                                            <strong>{ &c.code }</strong>{ format!(" {}", c.name) }
                                            <span class="muted">{ format!(" · fee {}", money(c.default_fee_minor)) }</span>
                                            if !c.active { <span class="tag">{ "archived" }</span> }
                                        </button>
                                        if manage && *selected == Some(c.id) {
                                            <button class="link" onclick={archive(c)}>{ if c.active { "Archive this course" } else { "Restore this course" } }</button>
                                        }
                                    </li>
                                }) }
                            </ul>
                        }
                    }) }
                </div>
                <div class="detail-pane">
                    if let Some(id) = *selected {
                        <Versions course_id={id} />
                    } else {
                        <p class="muted">{ "Choose a course to see its curriculum versions." }</p>
                    }
                </div>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CourseFormProps {
    on_done: Callback<Option<Course>>,
}

#[component]
fn CourseForm(p: &CourseFormProps) -> Html {
    let s = use_session();
    let form = use_form::<CourseDraft>();
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, done) = (form.clone(), error.clone(), s.clone(), p.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = match form.input() {
                Ok(input) => input,
                Err(e) => return error.set(Some(e)),
            };
            let done = done.clone();
            act(input, error.clone(), s.clone(), move |c| done.emit(Some(c)));
        })
    };
    let err = (*error).clone();
    let cancel = p.on_done.reform(|_| None);
    html! {
        <form class="card" id="course-form" {onsubmit} onkeydown={esc(cancel.clone())}>
            <FormError error={err.clone()} fields={vec!["code", "name", "default_fee_minor", "duration_hours", "description"]} />
            <div class="row">
                <Field label="Code" name="code" value={form.course.code.clone()} on_input={form.field(|f, v| f.course.code = v)} error={err.clone()} autofocus=true hint="e.g. PHY-11" />
                <Field label="Course name" name="name" value={form.course.name.clone()} on_input={form.field(|f, v| f.course.name = v)} error={err.clone()} />
                <Field label="Usual fee" name="default_fee_minor" value={form.fee.clone()} on_input={form.field(|f, v| f.fee = v)} error={err.clone()} />
                <Field label="Hours" name="duration_hours" kind="number" value={form.hours.clone()} on_input={form.field(|f, v| f.hours = v)} error={err.clone()} />
            </div>
            <Field label="What the course covers" name="description" value={form.course.description.clone()} on_input={form.field(|f, v| f.course.description = v)} error={err.clone()} />
            <FormActions save="Save course" on_cancel={cancel} />
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct VersionsProps {
    course_id: CourseId,
}

#[component]
fn Versions(p: &VersionsProps) -> Html {
    let s = use_session();
    let (versions, reload) = use_query(ListCurricula { course_id: p.course_id });
    let open = use_state(|| None::<CurriculumId>);
    let error = use_state(|| None::<ApiError>);
    {
        let open = open.clone();
        use_effect_with(p.course_id, move |_| open.set(None));
    }
    let create = |teacher: bool, copy_from: Option<CurriculumId>| {
        let input = CreateCurriculum {
            course_id: p.course_id,
            teacher_id: teacher.then_some(s.me.user.id),
            copy_from,
            ..Default::default()
        };
        let (error, s, reload, open) = (error.clone(), s.clone(), reload.clone(), open.clone());
        Callback::from(move |_: MouseEvent| {
            let (reload, open) = (reload.clone(), open.clone());
            act(input.clone(), error.clone(), s.clone(), move |c| {
                open.set(Some(c.id));
                reload.emit(());
            })
        })
    };
    let manage = s.me.can(Permission::ManageCourse);
    let drafts = s.me.can(Permission::DraftCurriculum);
    let choose = |id: CurriculumId| {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(Some(id)))
    };
    html! {
        <div id="versions">
            <div class="toolbar">
                <h2>{ "Curriculum versions" }</h2>
                if manage { <button id="new-official" onclick={create(false, None)}>{ "New official draft" }</button> }
                if drafts { <button id="new-own" onclick={create(true, None)}>{ "New draft of my own" }</button> }
            </div>
            <FormError error={(*error).clone()} fields={vec![]} />
            { show(&versions, |list: &Vec<CurriculumSummary>| {
                if list.is_empty() {
                    return html! { <p class="empty">{ "No curriculum yet. Start a draft: add modules, then lessons with their share of the course." }</p> };
                }
                html! {
                    <table class="grid" id="versions-table">
                        <thead><tr><th>{ "Version" }</th><th>{ "Whose" }</th><th>{ "State" }</th><th>{ "Lessons" }</th><th>{ "Weightage" }</th><th></th></tr></thead>
                        <tbody>
                            { for list.iter().map(|v| html! {
                                <tr class={classes!((*open == Some(v.id)).then_some("chosen"))}>
                                    <td>{ format!("v{}", v.version) }{ if v.label.is_empty() { String::new() } else { format!(" · {}", v.label) } }</td>
                                    <td>{ v.teacher_name.clone().unwrap_or_else(|| "Official".into()) }</td>
                                    <td><span class={classes!("tag", status_class(v.status))}>{ v.status.label() }</span></td>
                                    <td>{ v.lesson_count }</td>
                                    <td>{ format!("{} %", percent(v.weightage_total_bp)) }</td>
                                    <td class="row-actions">
                                        <button onclick={choose(v.id)}>{ "Open" }</button>
                                        if manage || drafts { <button onclick={create(!manage, Some(v.id))}>{ "Copy into new draft" }</button> }
                                    </td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            }) }
            if let Some(id) = *open {
                <super::curriculum::Editor id={id} on_changed={reload.clone()} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RoadmapsProps {
    courses: Vec<Course>,
    manage: bool,
}

/// Learning paths: courses in the order a student takes them.
#[component]
fn Roadmaps(p: &RoadmapsProps) -> Html {
    let s = use_session();
    let (roadmaps, reload) = use_query(ListRoadmaps {});
    let editing = use_state(|| false);
    let form = use_form::<SaveRoadmap>();
    let error = use_state(|| None::<ApiError>);
    let name_of = |id: &CourseId| {
        p.courses.iter().find(|c| c.id == *id).map(|c| c.code.clone()).unwrap_or_else(|| "?".into())
    };
    let add = form.field(|f, v: String| {
        if let Ok(id) = v.parse() {
            if !f.course_ids.contains(&CourseId(id)) {
                f.course_ids.push(CourseId(id));
            }
        }
    });
    let shift = |i: usize, up: bool| {
        form.field(move |f, _: MouseEvent| {
            let list = &mut f.course_ids;
            let j = if up { i.checked_sub(1) } else { Some(i + 1) };
            if let Some(j) = j.filter(|j| *j < list.len() && i < list.len()) {
                list.swap(i, j);
            }
        })
    };
    let onsubmit = {
        let (form, error, s, reload, editing) =
            (form.clone(), error.clone(), s.clone(), reload.clone(), editing.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = SaveRoadmap { id: None, description: String::new(), ..form.value().clone() };
            let (form, reload, editing) = (form.clone(), reload.clone(), editing.clone());
            act(input, error.clone(), s.clone(), move |_| {
                form.reset();
                editing.set(false);
                reload.emit(());
            });
        })
    };
    let options: Vec<(String, String)> =
        p.courses.iter().map(|c| (c.id.to_string(), format!("{} {}", c.code, c.name))).collect();
    let err = (*error).clone();
    html! {
        <div class="card" id="roadmaps">
            <div class="toolbar">
                <h3>{ "Roadmaps" }</h3>
                if p.manage && !*editing { <button id="add-roadmap" onclick={let e = editing.clone(); move |_| e.set(true)}>{ "Add" }</button> }
            </div>
            { show(&roadmaps, |list: &Vec<Roadmap>| html! { <>
                if list.is_empty() { <p class="muted">{ "No roadmaps yet." }</p> }
                <ul class="plain">{ for list.iter().map(|r| html! {
                    <li><strong>{ &r.name }</strong><div class="muted">{ r.course_ids.iter().map(&name_of).collect::<Vec<_>>().join(" → ") }</div></li>
                }) }</ul>
            </> }) }
            if *editing {
                <form id="roadmap-form" {onsubmit} onkeydown={esc(Callback::from({ let e = editing.clone(); move |_| e.set(false) }))}>
                    <FormError error={err.clone()} fields={vec!["name", "course_ids"]} />
                    <Field label="Roadmap name" name="name" id="field-roadmap-name" value={form.name.clone()} on_input={form.field(|f, v| f.name = v)} error={err.clone()} />
                    <Select label="Add a course" name="course_ids" value="" options={options} on_change={add} error={err.clone()} none="Choose…" />
                    <ol>{ for form.course_ids.iter().enumerate().map(|(i, c)| html! {
                        <li>{ name_of(c) }<span class="row-actions">
                            <button type="button" onclick={shift(i, true)}>{ "↑" }</button>
                            <button type="button" onclick={shift(i, false)}>{ "↓" }</button>
                        </span></li>
                    }) }</ol>
                    <FormActions save="Save roadmap" on_cancel={Callback::from({ let e = editing.clone(); move |_| e.set(false) })} />
                </form>
            }
        </div>
    }
}

/// The course form: the course as saved, its fee and hours as typed.
#[derive(Clone, Default, PartialEq)]
struct CourseDraft {
    course: SaveCourse,
    fee: String,
    hours: String,
}

impl CourseDraft {
    /// A new, active course, or the field that is not yet right.
    fn input(&self) -> Result<SaveCourse, ApiError> {
        let Some(default_fee_minor) = parse_money(&self.fee) else {
            return Err(ApiError::invalid("default_fee_minor", "Enter the fee as an amount, e.g. 12,000."));
        };
        let hours = self.hours.trim();
        let Ok(duration_hours) = (if hours.is_empty() { Ok(0) } else { hours.parse::<u32>() }) else {
            return Err(ApiError::invalid("duration_hours", "Enter the length in whole hours."));
        };
        Ok(SaveCourse { id: None, default_fee_minor, duration_hours, active: true, ..self.course.clone() })
    }
}
