//! Batches of a branch: plan one (course, teacher, room, weekly times,
//! fee, teacher pay), see its sessions, cancel or cover one.

use crate::components::branch::branch_picker;
use crate::components::field::{setter, DateField, Field, FormActions, FormError, Select};
use crate::components::keys::esc;
use crate::components::session::use_session;
use crate::format::{day, money, parse_money};
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::academics::{
    Course, GetCurriculum, ListCourses, ListSubmissions, RecordSubmission, Submission,
};
use branchdesk_api::commands::org::{ListRooms, Room};
use branchdesk_api::commands::students::{Enrolment, ListRoster};
use branchdesk_api::commands::timetable::*;
use branchdesk_api::ids::{
    AssignmentId, BatchId, BranchId, CourseId, CurriculumId, RoomId, SessionId, UserId,
};
use branchdesk_api::{ApiError, Permission};
use yew::prelude::*;

pub const WEEKDAYS: [&str; 7] =
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

#[component]
pub fn BatchesPage() -> Html {
    let s = use_session();
    let branch = use_state(|| s.me.branches.first().map(|b| b.id).unwrap_or_default());
    let (batches, reload) = use_query(ListBatches { branch_id: *branch, include_inactive: true });
    let editing = use_state(|| None::<Option<Batch>>);
    let open = use_state(|| None::<BatchId>);
    let manage = s.me.can(Permission::ManageBatch);
    if s.me.branches.is_empty() {
        return html! { <section id="batches"><h1>{ "Batches" }</h1><p class="empty">{ "You hold no role in a branch, so there are no batches to show." }</p></section> };
    }
    let edit = |b: Option<Batch>| {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(Some(b.clone())))
    };
    let choose = |id: BatchId| {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(Some(id)))
    };
    html! {
        <section id="batches">
            <header class="page-head">
                <h1>{ "Batches" }</h1>
                { branch_picker(&s.me.branches, branch.clone()) }
                if manage && editing.is_none() { <button class="primary" id="add-batch" onclick={edit(None)}>{ "Plan a batch" }</button> }
            </header>
            if let Some(current) = (*editing).clone() {
                <BatchForm branch_id={*branch} batch={current}
                    on_done={let (e, r, o) = (editing.clone(), reload.clone(), open.clone()); Callback::from(move |b: Option<Batch>| { e.set(None); if let Some(b) = b { o.set(Some(b.id)); } r.emit(()); })} />
            }
            { show(&batches, |list: &Vec<Batch>| {
                if list.is_empty() {
                    return html! { <p class="empty">{ if manage { "No batches yet. Plan the first: a course, a teacher, a room and its weekly times." } else { "No batches yet." } }</p> };
                }
                html! {
                    <table class="grid" id="batches-table">
                        <thead><tr><th>{ "Batch" }</th><th>{ "Course" }</th><th>{ "Teacher" }</th><th>{ "Room" }</th><th>{ "When" }</th><th>{ "Dates" }</th><th>{ "Fee" }</th><th></th></tr></thead>
                        <tbody>
                            { for list.iter().map(|b| html! {
                                <tr class={classes!((!b.active).then_some("inactive"), (*open == Some(b.id)).then_some("chosen"))}>
                                    <td><button class="link" onclick={choose(b.id)}>{ &b.name }</button></td>
                                    <td>{ &b.course_name }<div class="muted">{ b.curriculum_label.clone().unwrap_or_else(|| "no approved curriculum".into()) }</div></td>
                                    <td>{ &b.teacher_name }</td>
                                    <td>{ &b.room_name }</td>
                                    <td>{ slots_text(&b.slots) }</td>
                                    <td>{ format!("{} – {}", day(&b.start_date), day(&b.end_date)) }</td>
                                    <td>{ format!("{} {}", money(b.fee_minor), b.fee_frequency.label()) }</td>
                                    <td class="row-actions">if manage { <button onclick={edit(Some(b.clone()))}>{ "Edit" }</button> }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            }) }
            if let Some(id) = *open { <BatchSessions id={id} branch_id={*branch} /> }
        </section>
    }
}

pub fn slots_text(slots: &[Slot]) -> String {
    slots
        .iter()
        .map(|s| {
            format!(
                "{} {}–{}",
                WEEKDAYS.get(s.weekday as usize - 1).map(|d| &d[..3]).unwrap_or("?"),
                s.start,
                s.end
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A field of the batch being edited, or empty for a new one.
fn of(b: &Option<Batch>, f: fn(&Batch) -> String) -> String {
    b.as_ref().map(f).unwrap_or_default()
}

#[derive(Properties, PartialEq)]
struct BatchFormProps {
    branch_id: BranchId,
    /// None: a new batch.
    batch: Option<Batch>,
    on_done: Callback<Option<Batch>>,
}

#[component]
fn BatchForm(p: &BatchFormProps) -> Html {
    let s = use_session();
    let (courses, _) = use_query(ListCourses { include_inactive: false });
    let (teachers, _) = use_query(ListTeachers { branch_id: p.branch_id });
    let (rooms, _) = use_query(ListRooms { branch_id: p.branch_id, include_inactive: false });
    let b = p.batch.clone();
    let name = use_state(|| of(&b, |b| b.name.clone()));
    let course = use_state(|| of(&b, |b| b.course_id.to_string()));
    let teacher = use_state(|| of(&b, |b| b.teacher_id.to_string()));
    let assistant = use_state(|| of(&b, |b| b.assistant_id.map(|a| a.to_string()).unwrap_or_default()));
    let room = use_state(|| of(&b, |b| b.room_id.to_string()));
    let capacity = use_state(|| of(&b, |b| b.capacity.to_string()));
    let start = use_state(|| of(&b, |b| b.start_date.clone()));
    let end = use_state(|| of(&b, |b| b.end_date.clone()));
    let fee = use_state(|| of(&b, |b| money(b.fee_minor)));
    let frequency = use_state(|| b.as_ref().map(|b| b.fee_frequency).unwrap_or_default().as_str().to_owned());
    // (date, amount as typed) of an instalment plan.
    let instalments = use_state(|| {
        b.as_ref()
            .map(|b| {
                b.instalments.iter().map(|i| (i.due_on.clone(), money(i.amount_minor))).collect::<Vec<_>>()
            })
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| vec![(String::new(), String::new())])
    });
    let comp = use_state(|| b.as_ref().map(|b| b.comp_model).unwrap_or_default().as_str().to_owned());
    let comp_amount = use_state(|| of(&b, |b| money(b.comp_amount_minor)));
    let overheads = use_state(|| of(&b, |b| money(b.overheads_minor)));
    let slots = use_state(|| {
        b.as_ref()
            .map(|b| b.slots.clone())
            .unwrap_or_else(|| vec![Slot { weekday: 1, start: "16:00".into(), end: "17:30".into() }])
    });
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let st = (
            name.clone(),
            course.clone(),
            teacher.clone(),
            assistant.clone(),
            room.clone(),
            capacity.clone(),
            start.clone(),
            end.clone(),
        );
        let money_st = (
            fee.clone(),
            frequency.clone(),
            comp.clone(),
            comp_amount.clone(),
            overheads.clone(),
            instalments.clone(),
        );
        let (slots, error, s, done, branch, id, curriculum) = (
            slots.clone(),
            error.clone(),
            s.clone(),
            p.on_done.clone(),
            p.branch_id,
            p.batch.as_ref().map(|b| b.id),
            p.batch.as_ref().and_then(|b| b.curriculum_id),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (name, course, teacher, assistant, room, capacity, start, end) = st.clone();
            let (fee, frequency, comp, comp_amount, overheads, instalments) = money_st.clone();
            let by_instalments = FeeFrequency::parse(&frequency) == Some(FeeFrequency::Instalments);
            let amount = |v: &str, field: &str| {
                parse_money(v).ok_or_else(|| ApiError::invalid(field, "Enter an amount, e.g. 2,500."))
            };
            let parsed = (|| -> Result<SaveBatch, ApiError> {
                Ok(SaveBatch {
                    id,
                    branch_id: branch,
                    course_id: CourseId(
                        course.parse().map_err(|_| ApiError::invalid("course_id", "Choose a course."))?,
                    ),
                    curriculum_id: curriculum,
                    name: (*name).clone(),
                    teacher_id: UserId(
                        teacher.parse().map_err(|_| ApiError::invalid("teacher_id", "Choose a teacher."))?,
                    ),
                    assistant_id: assistant.parse().ok().map(UserId),
                    room_id: RoomId(
                        room.parse().map_err(|_| ApiError::invalid("room_id", "Choose a room."))?,
                    ),
                    capacity: capacity
                        .trim()
                        .parse()
                        .map_err(|_| ApiError::invalid("capacity", "Enter how many students, e.g. 30."))?,
                    start_date: (*start).clone(),
                    end_date: (*end).clone(),
                    slots: (*slots).clone(),
                    fee_minor: if by_instalments { 0 } else { amount(&fee, "fee_minor")? },
                    fee_frequency: FeeFrequency::parse(&frequency).unwrap_or_default(),
                    instalments: if by_instalments {
                        instalments
                            .iter()
                            .enumerate()
                            .map(|(i, (due_on, value))| {
                                Ok(Instalment {
                                    due_on: due_on.clone(),
                                    amount_minor: amount(value, &format!("instalments[{i}].amount_minor"))?,
                                })
                            })
                            .collect::<Result<_, ApiError>>()?
                    } else {
                        vec![]
                    },
                    comp_model: CompensationModel::parse(&comp).unwrap_or_default(),
                    comp_amount_minor: amount(&comp_amount, "comp_amount_minor")?,
                    overheads_minor: amount(&overheads, "overheads_minor")?,
                })
            })();
            match parsed {
                Ok(input) => {
                    let done = done.clone();
                    act(input, error.clone(), s.clone(), move |b| done.emit(Some(b)));
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let err = (*error).clone();
    let opts = |list: Vec<(String, String)>| list;
    let course_opts = opts(match &courses {
        Some(Ok(list)) => {
            list.iter().map(|c: &Course| (c.id.to_string(), format!("{} {}", c.code, c.name))).collect()
        }
        _ => vec![],
    });
    let teacher_opts = opts(match &teachers {
        Some(Ok(list)) => list.iter().map(|t: &Teacher| (t.id.to_string(), t.full_name.clone())).collect(),
        _ => vec![],
    });
    let room_opts = opts(match &rooms {
        Some(Ok(list)) => list
            .iter()
            .map(|r: &Room| (r.id.to_string(), format!("{} ({} seats)", r.name, r.capacity)))
            .collect(),
        _ => vec![],
    });
    let slot_rows = slots.iter().enumerate().map(|(i, slot)| {
        let set = |f: fn(&mut Slot, String)| {
            let slots = slots.clone();
            Callback::from(move |v: String| {
                let mut list = (*slots).clone();
                if let Some(s) = list.get_mut(i) {
                    f(s, v);
                }
                slots.set(list);
            })
        };
        let remove = {
            let slots = slots.clone();
            Callback::from(move |_: MouseEvent| {
                let mut list = (*slots).clone();
                list.remove(i);
                slots.set(list);
            })
        };
        let day_opts: Vec<(String, String)> = WEEKDAYS.iter().enumerate().map(|(d, n)| ((d + 1).to_string(), n.to_string())).collect();
        html! {
            <div class="row slot">
                <Select label="Day" name={format!("slots[{i}].weekday")} value={slot.weekday.to_string()} options={day_opts} on_change={set(|s, v| s.weekday = v.parse().unwrap_or(0))} error={err.clone()} />
                <Field label="From" name={format!("slots[{i}].start")} kind="time" value={slot.start.clone()} on_input={set(|s, v| s.start = v)} error={err.clone()} />
                <Field label="To" name={format!("slots[{i}].end")} kind="time" value={slot.end.clone()} on_input={set(|s, v| s.end = v)} error={err.clone()} />
                <div class="actions"><button type="button" onclick={remove} title="Remove this weekly time">{ "Remove" }</button></div>
            </div>
        }
    });
    let add_slot = {
        let slots = slots.clone();
        Callback::from(move |_: MouseEvent| {
            let mut list = (*slots).clone();
            let last = list.last().cloned().unwrap_or(Slot {
                weekday: 0,
                start: "16:00".into(),
                end: "17:30".into(),
            });
            list.push(Slot { weekday: last.weekday % 7 + 1, ..last });
            slots.set(list);
        })
    };
    let by_instalments = FeeFrequency::parse(&frequency) == Some(FeeFrequency::Instalments);
    let instalment_rows = instalments.iter().enumerate().map(|(i, (due_on, value))| {
        let set = |date: bool| {
            let instalments = instalments.clone();
            Callback::from(move |v: String| {
                let mut list = (*instalments).clone();
                if let Some(x) = list.get_mut(i) {
                    if date { x.0 = v } else { x.1 = v }
                }
                instalments.set(list);
            })
        };
        let remove = {
            let instalments = instalments.clone();
            Callback::from(move |_: MouseEvent| {
                let mut list = (*instalments).clone();
                list.remove(i);
                instalments.set(list);
            })
        };
        html! {
            <div class="row instalment">
                <DateField label={format!("Instalment {} due on", i + 1)} name={format!("instalments[{i}].due_on")} value={due_on.clone()} on_input={set(true)} error={err.clone()} />
                <Field label="Amount (₹)" name={format!("instalments[{i}].amount_minor")} value={value.clone()} on_input={set(false)} error={err.clone()} />
                <div class="actions"><button type="button" onclick={remove} title="Remove this instalment">{ "Remove" }</button></div>
            </div>
        }
    });
    let add_instalment = {
        let instalments = instalments.clone();
        Callback::from(move |_: MouseEvent| {
            let mut list = (*instalments).clone();
            list.push((String::new(), String::new()));
            instalments.set(list);
        })
    };
    // A new batch's fee starts from the course's usual fee.
    let choose_course = {
        let (course, fee, list) = (course.clone(), fee.clone(), courses.clone());
        Callback::from(move |id: String| {
            if fee.trim().is_empty() || parse_money(&fee) == Some(0) {
                if let Some(Ok(list)) = &list {
                    if let Some(c) =
                        list.iter().find(|c: &&Course| c.id.to_string() == id && c.default_fee_minor > 0)
                    {
                        fee.set(money(c.default_fee_minor));
                    }
                }
            }
            course.set(id);
        })
    };
    let freq_opts: Vec<(String, String)> =
        FeeFrequency::ALL.iter().map(|f| (f.as_str().into(), f.label().into())).collect();
    let comp_opts: Vec<(String, String)> =
        CompensationModel::ALL.iter().map(|c| (c.as_str().into(), c.label().into())).collect();
    let cancel = p.on_done.reform(|_| None);
    let shown = vec![
        "name",
        "course_id",
        "teacher_id",
        "assistant_id",
        "room_id",
        "capacity",
        "start_date",
        "end_date",
        "fee_minor",
        "comp_amount_minor",
        "overheads_minor",
    ];
    html! {
        <form class="card" id="batch-form" {onsubmit} onkeydown={esc(cancel.clone())}>
            <h2>{ if p.batch.is_some() { "Change batch" } else { "Plan a batch" } }</h2>
            <FormError error={err.clone().filter(|e| !e.field.as_deref().is_some_and(|f| f.starts_with("slots[") || f.starts_with("instalments")))} fields={shown} />
            <div class="row">
                <Field label="Batch name" name="name" value={(*name).clone()} on_input={setter(&name)} error={err.clone()} autofocus=true hint="e.g. Physics XI-A 2026" />
                <Select label="Course" name="course_id" value={(*course).clone()} options={course_opts} on_change={choose_course} error={err.clone()} none="Choose…" />
                <Field label="Seats" name="capacity" kind="number" value={(*capacity).clone()} on_input={setter(&capacity)} error={err.clone()} />
            </div>
            <div class="row">
                <Select label="Teacher" name="teacher_id" value={(*teacher).clone()} options={teacher_opts.clone()} on_change={setter(&teacher)} error={err.clone()} none="Choose…" />
                <Select label="Assistant" name="assistant_id" value={(*assistant).clone()} options={teacher_opts} on_change={setter(&assistant)} error={err.clone()} none="None" />
                <Select label="Room" name="room_id" value={(*room).clone()} options={room_opts} on_change={setter(&room)} error={err.clone()} none="Choose…" />
            </div>
            <div class="row">
                <DateField label="Starts" name="start_date" value={(*start).clone()} on_input={setter(&start)} error={err.clone()} />
                <DateField label="Ends" name="end_date" value={(*end).clone()} on_input={setter(&end)} error={err.clone()} />
            </div>
            <fieldset class="slots" id="slots">
                <legend>{ "Weekly times" }</legend>
                if let Some(e) = err.clone().filter(|e| e.is_for("slots")) { <div class="field-error" role="alert">{ e.message }</div> }
                { for slot_rows }
                <button type="button" id="add-slot" onclick={add_slot}>{ "Add a weekly time" }</button>
            </fieldset>
            <div class="row">
                if !by_instalments {
                    <Field label="Fee" name="fee_minor" value={(*fee).clone()} on_input={setter(&fee)} error={err.clone()} />
                }
                <Select label="Fee is paid" name="fee_frequency" value={(*frequency).clone()} options={freq_opts} on_change={setter(&frequency)} error={err.clone()} />
                <Select label="Teacher is paid" name="comp_model" value={(*comp).clone()} options={comp_opts} on_change={setter(&comp)} error={err.clone()} />
                <Field label="Pay amount" name="comp_amount_minor" value={(*comp_amount).clone()} on_input={setter(&comp_amount)} error={err.clone()} />
                <Field label="Monthly overheads" name="overheads_minor" value={(*overheads).clone()} on_input={setter(&overheads)} error={err.clone()} />
            </div>
            if by_instalments {
                <fieldset class="instalments" id="instalments">
                    <legend>{ "Instalments" }</legend>
                    if let Some(e) = err.clone().filter(|e| e.field.as_deref() == Some("instalments")) { <div class="field-error" role="alert">{ e.message }</div> }
                    { for instalment_rows }
                    <button type="button" id="add-instalment" onclick={add_instalment}>{ "Add an instalment" }</button>
                    <p class="muted">{ "Students who join after a date owe that instalment on joining. A fixed concession comes off the last instalments first; a percent off each." }</p>
                </fieldset>
            }
            <FormActions save="Save batch" id="save-batch" on_cancel={cancel} />
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct BatchSessionsProps {
    id: BatchId,
    branch_id: BranchId,
}

/// A batch's sessions: cancel or restore one, or hand it to a substitute.
#[component]
fn BatchSessions(p: &BatchSessionsProps) -> Html {
    let s = use_session();
    let (detail, reload) = use_query(GetBatch { id: p.id });
    let (teachers, _) = use_query(ListTeachers { branch_id: p.branch_id });
    let (roster, _) = use_query(ListRoster { batch_id: p.id });
    let reason = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let manage = s.me.can(Permission::ManageBatch);
    let can_mark = s.me.can(Permission::MarkAttendance);
    // Cancelling a class is asked first (a slip of the mouse beside
    // "Attendance" must not cancel it); restoring is not.
    let confirming = use_state(|| None::<SessionId>);
    let restore = |c: &ClassSession| {
        let input = SetSessionCancelled { id: c.id, cancelled: false, note: (*reason).clone() };
        let (error, s, reload) = (error.clone(), s.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let reload = reload.clone();
            act(input.clone(), error.clone(), s.clone(), move |_| reload.emit(()));
        })
    };
    let ask = |c: &ClassSession| {
        let (confirming, id) = (confirming.clone(), c.id);
        Callback::from(move |_: MouseEvent| confirming.set(Some(id)))
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_: ()| confirming.set(None))
    };
    let done = {
        let (confirming, reload) = (confirming.clone(), reload.clone());
        Callback::from(move |_: ()| {
            confirming.set(None);
            reload.emit(());
        })
    };
    let today = chrono::Local::now().date_naive().to_string();
    let substitute = |c: &ClassSession| {
        let (error, s, reload, id, note) =
            (error.clone(), s.clone(), reload.clone(), c.id, (*reason).clone());
        Callback::from(move |e: yew::Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            let reload = reload.clone();
            act(
                SetSubstitute { id, substitute_id: v.parse().ok().map(UserId), note: note.clone() },
                error.clone(),
                s.clone(),
                move |_| reload.emit(()),
            );
        })
    };
    let people: Vec<Teacher> = match &teachers {
        Some(Ok(t)) => t.clone(),
        _ => vec![],
    };
    html! {
        <div class="card" id="batch-sessions">
            { show(&detail, |d: &BatchDetail| html! {
                <>
                    <h2>{ format!("{} · students", d.batch.name) }</h2>
                    { show(&roster, |list: &Vec<Enrolment>| {
                        let seats = list.iter().filter(|e| e.status.holds_seat()).count();
                        html! {
                            <>
                                <p class="muted">{ format!("{seats} of {} seats taken.", d.batch.capacity) }</p>
                                if list.is_empty() { <p class="empty">{ "No students enrolled yet. Enrol them from a student's page or by admitting an enquiry." }</p> }
                                <ul class="plain roster" id="batch-roster">
                                    { for list.iter().map(|e| { let (nav, id) = (s.navigate.clone(), e.student_id); html! {
                                        <li class={classes!((!e.status.holds_seat()).then_some("inactive"))}>
                                            <button class="link" onclick={move |_| nav.emit(crate::nav::Page::Student(id))}>{ format!("{} ({})", e.student_name, e.student_code) }</button>
                                            <span class="tag">{ e.status.label() }</span>
                                        </li>
                                    }}) }
                                </ul>
                            </>
                        }
                    }) }
                    if let Some(c) = d.batch.curriculum_id { <Submissions batch_id={d.batch.id} curriculum_id={c} /> }
                    <h2>{ format!("{} · sessions", d.batch.name) }</h2>
                    <p class="muted">{ format!("{} scheduled, {} cancelled. {}", d.sessions_scheduled, d.sessions_cancelled, slots_text(&d.batch.slots)) }</p>
                    if manage {
                        <div class="row">
                            <Field label="Reason (for a cancellation or cover)" name="note" value={(*reason).clone()} on_input={setter(&reason)} error={(*error).clone()} />
                        </div>
                        <FormError error={(*error).clone()} fields={vec!["note"]} />
                    }
                    <table class="grid" id="sessions-table">
                        <thead><tr><th>{ "Date" }</th><th>{ "Time" }</th><th>{ "Room" }</th><th>{ "Taught by" }</th><th>{ "State" }</th><th></th></tr></thead>
                        <tbody>
                            { for d.sessions.iter().map(|c| html! { <>
                                <tr class={classes!((c.status == SessionStatus::Cancelled).then_some("inactive"), (c.date == today).then_some("today"))}>
                                    <td>{ day(&c.date) }if c.date == today { <span class="tag today-tag">{ "today" }</span> }if c.moved { <span class="tag">{ "moved" }</span> }</td>
                                    <td>{ format!("{}–{}", c.start, c.end) }</td>
                                    <td>{ &c.room_name }</td>
                                    <td>
                                        if manage && c.status == SessionStatus::Scheduled {
                                            <select aria-label="Taught by" onchange={substitute(c)}>
                                                <option value="" selected={c.substitute_id.is_none()}>{ format!("{} (batch teacher)", c.teacher_name) }</option>
                                                { for people.iter().filter(|t| t.id != c.teacher_id).map(|t| html! { <option value={t.id.to_string()} selected={c.substitute_id == Some(t.id)}>{ format!("{} (substitute)", t.full_name) }</option> }) }
                                            </select>
                                        } else {
                                            { c.substitute_name.clone().unwrap_or_else(|| c.teacher_name.clone()) }
                                        }
                                    </td>
                                    <td>{ if c.status == SessionStatus::Scheduled { "scheduled".to_string() } else { format!("cancelled{}", if c.note.is_empty() { String::new() } else { format!(": {}", c.note) }) } }</td>
                                    <td class="row-actions">
                                        if c.status == SessionStatus::Scheduled && can_mark {
                                            <button onclick={let (nav, id) = (s.navigate.clone(), c.id); move |_| nav.emit(crate::nav::Page::Sheet(id))}>{ "Attendance" }</button>
                                        }
                                        if manage && c.status == SessionStatus::Scheduled && *confirming != Some(c.id) {
                                            <button class="cancel-session" onclick={ask(c)}>{ "Cancel…" }</button>
                                        }
                                        if manage && c.status != SessionStatus::Scheduled { <button class="restore-session" onclick={restore(c)}>{ "Restore" }</button> }
                                    </td>
                                </tr>
                                if manage && *confirming == Some(c.id) {
                                    <tr class="confirm-row"><td colspan="6">
                                        <ConfirmCancel id={c.id} when={format!("{} {}", day(&c.date), c.start)} note={(*reason).clone()} on_done={done.clone()} on_keep={keep.clone()} />
                                    </td></tr>
                                }
                            </> }) }
                        </tbody>
                    </table>
                </>
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ConfirmCancelProps {
    id: SessionId,
    /// "1 Jun 2026 16:00"
    when: String,
    /// The reason typed above the table, if any.
    note: String,
    on_done: Callback<()>,
    on_keep: Callback<()>,
}

/// "Cancel the class of 1 Jun 2026 16:00? Why: …": the reason takes the
/// focus, Enter confirms, Esc keeps the class.
#[component]
fn ConfirmCancel(p: &ConfirmCancelProps) -> Html {
    let s = use_session();
    let note = use_state(|| p.note.clone());
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (note, error, s, done, id) = (note.clone(), error.clone(), s.clone(), p.on_done.clone(), p.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let done = done.clone();
            let input = SetSessionCancelled { id, cancelled: true, note: (*note).clone() };
            act(input, error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    let keep = p.on_keep.clone();
    let err = (*error).clone();
    html! {
        <form class="confirm-cancel" role="alertdialog" aria-label="Cancel this class?" {onsubmit} onkeydown={esc(p.on_keep.clone())}>
            <span>{ format!("Cancel the class of {}?", p.when) }</span>
            <Field label="Why" name="note" id="confirm-note" value={(*note).clone()} on_input={setter(&note)} error={err.clone()} autofocus=true />
            <button type="submit" class="danger confirm-yes">{ "Yes, cancel it " }<kbd>{ "Enter" }</kbd></button>
            <button type="button" class="confirm-keep" onclick={move |_| keep.emit(())}>{ "Keep it " }<kbd>{ "Esc" }</kbd></button>
            <FormError error={err} fields={vec!["note"]} />
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct SubmissionsProps {
    batch_id: BatchId,
    curriculum_id: CurriculumId,
}

/// Assignments of the batch's curriculum: who handed in what, and marks.
#[component]
fn Submissions(p: &SubmissionsProps) -> Html {
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
    let on = use_state(|| branchdesk_api::dates::show_iso(&p.row.submitted_on.clone().unwrap_or_default()));
    let marks = use_state(|| p.row.marks.map(|m| m.to_string()).unwrap_or_default());
    let feedback = use_state(|| p.row.feedback.clone());
    let error = use_state(|| None::<ApiError>);
    let save = {
        let (on, marks, feedback, error, s, done) =
            (on.clone(), marks.clone(), feedback.clone(), error.clone(), s.clone(), p.on_saved.clone());
        let (batch_id, assignment_id, student_id) = (p.batch_id, p.assignment_id, p.row.student_id);
        let text = p.row.text.clone();
        Callback::from(move |_: MouseEvent| {
            let marks = if marks.trim().is_empty() {
                None
            } else {
                match marks.trim().parse() {
                    Ok(m) => Some(m),
                    Err(_) => return error.set(Some(ApiError::invalid("marks", "Enter whole marks."))),
                }
            };
            let input = RecordSubmission {
                assignment_id,
                batch_id,
                student_id,
                submitted_on: (*on).clone(),
                marks,
                feedback: (*feedback).clone(),
                text: text.clone(),
            };
            let done = done.clone();
            act(input, error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    let input = |state: &UseStateHandle<String>, kind: &'static str, label: &'static str| {
        let state2 = state.clone();
        let placeholder = (label == "Handed in on").then_some("DD/MM/YYYY");
        html! { <input type={kind} aria-label={label} {placeholder} value={(**state).clone()} oninput={Callback::from(move |e: InputEvent| state2.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))} /> }
    };
    html! {
        <tr>
            <td>{ format!("{} ({})", p.row.student_name, p.row.student_code) }if p.row.late { <span class="tag">{ "late" }</span> }
                if !p.row.text.is_empty() { <div class="muted small hand-in" title={p.row.text.clone()}>{ p.row.text.chars().take(160).collect::<String>() }</div> }</td>
            <td>{ input(&on, "text", "Handed in on") }</td>
            <td>{ input(&marks, "number", "Marks") }</td>
            <td>{ input(&feedback, "text", "Feedback") }if let Some(e) = &*error { <div class="field-error">{ &e.message }</div> }</td>
            <td><button onclick={save}>{ if p.row.submitted_on.is_some() { "Update" } else { "Record" } }</button></td>
        </tr>
    }
}
