//! Batches of a branch: plan one (course, teacher, room, weekly times,
//! fee, teacher pay), close or reopen one, open its students and sessions
//! (`batch_sessions.rs`).

use crate::components::branch::branch_picker;
use crate::components::confirm::Confirm;
use crate::components::field::{DateField, Field, FormActions, FormError, Select};
use crate::components::form::use_form_with;
use crate::components::keys::esc;
use crate::components::session::use_session;
use crate::format::{day, money, parse_money, slots_text, WEEKDAYS};
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::academics::{Course, ListCourses};
use branchdesk_api::commands::org::{ListRooms, Room};
use branchdesk_api::commands::timetable::*;
use branchdesk_api::ids::{BatchId, BranchId, CourseId, RoomId, UserId};
use branchdesk_api::{ApiError, Permission};
use yew::prelude::*;

#[component]
pub fn BatchesPage() -> Html {
    let s = use_session();
    let branch = use_state(|| s.me.branches.first().map(|b| b.id).unwrap_or_default());
    let (batches, reload) = use_query(ListBatches { branch_id: *branch, include_inactive: true });
    let editing = use_state(|| None::<Option<Batch>>);
    let open = use_state(|| None::<BatchId>);
    // Closing a batch is asked first (it cancels its classes from today).
    let closing = use_state(|| None::<BatchId>);
    let error = use_state(|| None::<ApiError>);
    let manage = s.me.can(Permission::ManageBatch);
    if s.me.branches.is_empty() {
        return html! { <section id="batches"><h1>{ "Batches" }</h1><p class="empty">{ "You hold no role in a branch, so there are no batches to show." }</p></section> };
    }
    let edit = |b: Option<Batch>| {
        let editing = editing.clone();
        Callback::from(move |_: MouseEvent| editing.set(Some(b.clone())))
    };
    let set_active = |id: BatchId, active: bool| {
        let (error, s, reload, closing) = (error.clone(), s.clone(), reload.clone(), closing.clone());
        Callback::from(move |_: ()| {
            let (reload, closing) = (reload.clone(), closing.clone());
            act(SetBatchActive { id, active }, error.clone(), s.clone(), move |_| {
                closing.set(None);
                reload.emit(());
            });
        })
    };
    let ask_close = |id: BatchId| {
        let (closing, error) = (closing.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            error.set(None);
            closing.set(Some(id));
        })
    };
    let keep = {
        let closing = closing.clone();
        Callback::from(move |_: ()| closing.set(None))
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
                    <>
                    <FormError error={(*error).clone()} fields={Vec::<&'static str>::new()} />
                    <table class="grid" id="batches-table">
                        <thead><tr><th>{ "Batch" }</th><th>{ "Course" }</th><th>{ "Teacher" }</th><th>{ "Room" }</th><th>{ "When" }</th><th>{ "Dates" }</th><th>{ "Fee" }</th><th></th></tr></thead>
                        <tbody>
                            { for list.iter().map(|b| html! { <>
                                <tr class={classes!((!b.active).then_some("inactive"), (*open == Some(b.id)).then_some("chosen"))}>
                                    <td><button class="link" onclick={choose(b.id)}>{ &b.name }</button></td>
                                    <td>{ &b.course_name }<div class="muted">{ b.curriculum_label.clone().unwrap_or_else(|| "no approved curriculum".into()) }</div></td>
                                    <td>{ &b.teacher_name }</td>
                                    <td>{ &b.room_name }</td>
                                    <td>{ slots_text(&b.slots) }</td>
                                    <td>{ format!("{} – {}", day(&b.start_date), day(&b.end_date)) }</td>
                                    <td>{ format!("{} {}", money(b.fee_minor), b.fee_frequency.label()) }</td>
                                    <td class="row-actions">
                                        if manage { <button onclick={edit(Some(b.clone()))}>{ "Edit" }</button> }
                                        if manage && b.active && *closing != Some(b.id) { <button class="close-batch" onclick={ask_close(b.id)}>{ "Close…" }</button> }
                                        if manage && !b.active { <button class="reopen-batch" onclick={set_active(b.id, true).reform(|_: MouseEvent| ())}>{ "Reopen" }</button> }
                                    </td>
                                </tr>
                                if *closing == Some(b.id) {
                                    <tr class="confirm-row"><td colspan="8">
                                        <Confirm question={format!("Close {}? Its classes from today on are cancelled; reopening brings them back.", b.name)}
                                            yes="Yes, close it" on_yes={set_active(b.id, false)} on_no={keep.clone()} />
                                    </td></tr>
                                }
                            </> }) }
                        </tbody>
                    </table>
                    </>
                }
            }) }
            if let Some(id) = *open {
                <super::batch_sessions::BatchSessions id={id} branch_id={*branch}
                    active={matches!(&batches, Some(Ok(list)) if list.iter().any(|b| b.id == id && b.active))} />
            }
        </section>
    }
}

/// The batch form: the batch as saved (name, dates, weekly times, how the
/// fee and the teacher are paid), and what is chosen or typed before it is
/// one: the course, teacher and room until chosen, the seats and amounts
/// as typed.
#[derive(Clone, Default, PartialEq)]
struct BatchDraft {
    batch: SaveBatch,
    course: Option<CourseId>,
    teacher: Option<UserId>,
    room: Option<RoomId>,
    capacity: String,
    fee: String,
    /// (date, amount as typed) of an instalment plan.
    instalments: Vec<(String, String)>,
    comp_amount: String,
    overheads: String,
}

impl BatchDraft {
    /// The batch being changed, or a new one with one weekly time.
    fn of(b: Option<&Batch>) -> Self {
        let Some(b) = b else {
            let slots = vec![Slot { weekday: 1, start: "16:00".into(), end: "17:30".into() }];
            return BatchDraft {
                batch: SaveBatch { slots, ..SaveBatch::default() },
                instalments: vec![(String::new(), String::new())],
                ..BatchDraft::default()
            };
        };
        let instalments: Vec<_> =
            b.instalments.iter().map(|i| (i.due_on.clone(), money(i.amount_minor))).collect();
        BatchDraft {
            batch: SaveBatch {
                name: b.name.clone(),
                assistant_id: b.assistant_id,
                start_date: b.start_date.clone(),
                end_date: b.end_date.clone(),
                slots: b.slots.clone(),
                fee_frequency: b.fee_frequency,
                comp_model: b.comp_model,
                commission_rate_id: b.commission_rate_id,
                ..SaveBatch::default()
            },
            course: Some(b.course_id),
            teacher: Some(b.teacher_id),
            room: Some(b.room_id),
            capacity: b.capacity.to_string(),
            fee: money(b.fee_minor),
            instalments: if instalments.is_empty() {
                vec![(String::new(), String::new())]
            } else {
                instalments
            },
            comp_amount: money(b.comp_amount_minor),
            overheads: money(b.overheads_minor),
        }
    }

    fn by_instalments(&self) -> bool {
        self.batch.fee_frequency == FeeFrequency::Instalments
    }

    /// The batch to save in `branch` (`batch`: the one being changed), or
    /// the first field that is not yet right.
    fn input(&self, branch: BranchId, batch: Option<&Batch>) -> Result<SaveBatch, ApiError> {
        let amount = |v: &str, field: &str| {
            parse_money(v).ok_or_else(|| ApiError::invalid(field, "Enter an amount, e.g. 2,500."))
        };
        let by_instalments = self.by_instalments();
        Ok(SaveBatch {
            id: batch.map(|b| b.id),
            branch_id: branch,
            curriculum_id: batch.and_then(|b| b.curriculum_id),
            course_id: self.course.ok_or_else(|| ApiError::invalid("course_id", "Choose a course."))?,
            teacher_id: self.teacher.ok_or_else(|| ApiError::invalid("teacher_id", "Choose a teacher."))?,
            room_id: self.room.ok_or_else(|| ApiError::invalid("room_id", "Choose a room."))?,
            capacity: self
                .capacity
                .trim()
                .parse()
                .map_err(|_| ApiError::invalid("capacity", "Enter how many students, e.g. 30."))?,
            fee_minor: if by_instalments { 0 } else { amount(&self.fee, "fee_minor")? },
            instalments: if by_instalments {
                self.instalments
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
            comp_amount_minor: amount(&self.comp_amount, "comp_amount_minor")?,
            overheads_minor: amount(&self.overheads, "overheads_minor")?,
            ..self.batch.clone()
        })
    }
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
    let (rates, _) =
        use_query(branchdesk_api::commands::timetable::ListCommissionRates { include_inactive: true });
    let form = use_form_with(|| BatchDraft::of(p.batch.as_ref()));
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, done, branch, batch) =
            (form.clone(), error.clone(), s.clone(), p.on_done.clone(), p.branch_id, p.batch.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match form.input(branch, batch.as_ref()) {
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
    let slot_rows = form.batch.slots.iter().enumerate().map(|(i, slot)| {
        let set = |put: fn(&mut Slot, String)| {
            form.field(move |f, v| {
                if let Some(s) = f.batch.slots.get_mut(i) {
                    put(s, v);
                }
            })
        };
        let remove = form.field(move |f, _: MouseEvent| {
            if i < f.batch.slots.len() {
                f.batch.slots.remove(i);
            }
        });
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
    let add_slot = form.field(|f, _: MouseEvent| {
        let last = f.batch.slots.last().cloned().unwrap_or(Slot {
            weekday: 0,
            start: "16:00".into(),
            end: "17:30".into(),
        });
        f.batch.slots.push(Slot { weekday: last.weekday % 7 + 1, ..last });
    });
    let by_instalments = form.by_instalments();
    let instalment_rows = form.instalments.iter().enumerate().map(|(i, (due_on, value))| {
        let set = |date: bool| {
            form.field(move |f, v| {
                if let Some(x) = f.instalments.get_mut(i) {
                    if date { x.0 = v } else { x.1 = v }
                }
            })
        };
        let remove = form.field(move |f, _: MouseEvent| {
            if i < f.instalments.len() {
                f.instalments.remove(i);
            }
        });
        html! {
            <div class="row instalment">
                <DateField label={format!("Instalment {} due on", i + 1)} name={format!("instalments[{i}].due_on")} value={due_on.clone()} on_input={set(true)} error={err.clone()} />
                <Field label="Amount (₹)" name={format!("instalments[{i}].amount_minor")} value={value.clone()} on_input={set(false)} error={err.clone()} />
                <div class="actions"><button type="button" onclick={remove} title="Remove this instalment">{ "Remove" }</button></div>
            </div>
        }
    });
    let add_instalment = form.field(|f, _: MouseEvent| f.instalments.push((String::new(), String::new())));
    // A new batch's fee starts from the course's usual fee.
    let choose_course = {
        let (form, list) = (form.clone(), courses.clone());
        Callback::from(move |id: String| {
            let usual = match &list {
                Some(Ok(list)) => list
                    .iter()
                    .find(|c: &&Course| c.id.to_string() == id && c.default_fee_minor > 0)
                    .map(|c| c.default_fee_minor),
                _ => None,
            };
            form.update(move |f| {
                if f.fee.trim().is_empty() || parse_money(&f.fee) == Some(0) {
                    if let Some(fee) = usual {
                        f.fee = money(fee);
                    }
                }
                f.course = id.parse().ok().map(CourseId);
            });
        })
    };
    let freq_opts: Vec<(String, String)> =
        FeeFrequency::ALL.iter().map(|f| (f.as_str().into(), f.label().into())).collect();
    let comp_opts: Vec<(String, String)> =
        CompensationModel::ALL.iter().map(|c| (c.as_str().into(), c.label().into())).collect();
    // The organisation's pay rates (none listed to someone who may not read them).
    let rate_opts: Vec<(String, String)> = match &rates {
        Some(Ok(list)) => list
            .iter()
            .filter(|r| r.active || Some(r.id) == form.batch.commission_rate_id)
            .map(|r| {
                (
                    r.id.to_string(),
                    format!("{} ({} {})", r.name, crate::format::money(r.amount_minor), r.model.label()),
                )
            })
            .collect(),
        _ => vec![],
    };
    let on_rate = form.batch.commission_rate_id.is_some();
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
        "commission_rate_id",
        "overheads_minor",
    ];
    html! {
        <form class="card" id="batch-form" {onsubmit} onkeydown={esc(cancel.clone())}>
            <h2>{ if p.batch.is_some() { "Change batch" } else { "Plan a batch" } }</h2>
            <FormError error={err.clone().filter(|e| !e.field.as_deref().is_some_and(|f| f.starts_with("slots[") || f.starts_with("instalments")))} fields={shown} />
            <div class="row">
                <Field label="Batch name" name="name" value={form.batch.name.clone()} on_input={form.field(|f, v| f.batch.name = v)} error={err.clone()} autofocus=true hint="e.g. Physics XI-A 2026" />
                <Select label="Course" name="course_id" value={form.course.map(|c| c.to_string()).unwrap_or_default()} options={course_opts} on_change={choose_course} error={err.clone()} none="Choose…" />
                <Field label="Seats" name="capacity" kind="number" value={form.capacity.clone()} on_input={form.field(|f, v| f.capacity = v)} error={err.clone()} />
            </div>
            <div class="row">
                <Select label="Teacher" name="teacher_id" value={form.teacher.map(|t| t.to_string()).unwrap_or_default()} options={teacher_opts.clone()} on_change={form.field(|f, v: String| f.teacher = v.parse().ok().map(UserId))} error={err.clone()} none="Choose…" />
                <Select label="Assistant" name="assistant_id" value={form.batch.assistant_id.map(|a| a.to_string()).unwrap_or_default()} options={teacher_opts} on_change={form.field(|f, v: String| f.batch.assistant_id = v.parse().ok().map(UserId))} error={err.clone()} none="None" />
                <Select label="Room" name="room_id" value={form.room.map(|r| r.to_string()).unwrap_or_default()} options={room_opts} on_change={form.field(|f, v: String| f.room = v.parse().ok().map(RoomId))} error={err.clone()} none="Choose…" />
            </div>
            <div class="row">
                <DateField label="Starts" name="start_date" value={form.batch.start_date.clone()} on_input={form.field(|f, v| f.batch.start_date = v)} error={err.clone()} />
                <DateField label="Ends" name="end_date" value={form.batch.end_date.clone()} on_input={form.field(|f, v| f.batch.end_date = v)} error={err.clone()} />
            </div>
            <fieldset class="slots" id="slots">
                <legend>{ "Weekly times" }</legend>
                if let Some(e) = err.clone().filter(|e| e.is_for("slots")) { <div class="field-error" role="alert">{ e.message }</div> }
                { for slot_rows }
                <button type="button" id="add-slot" onclick={add_slot}>{ "Add a weekly time" }</button>
            </fieldset>
            <div class="row">
                if !by_instalments {
                    <Field label="Fee" name="fee_minor" value={form.fee.clone()} on_input={form.field(|f, v| f.fee = v)} error={err.clone()} />
                }
                <Select label="Fee is paid" name="fee_frequency" value={form.batch.fee_frequency.as_str()} options={freq_opts} on_change={form.field(|f, v: String| f.batch.fee_frequency = FeeFrequency::parse(&v).unwrap_or_default())} error={err.clone()} />
                if !rate_opts.is_empty() {
                    <Select label="Pay rate" name="commission_rate_id" value={form.batch.commission_rate_id.map(|r| r.to_string()).unwrap_or_default()} options={rate_opts} on_change={form.field(|f, v: String| f.batch.commission_rate_id = v.parse().ok().map(branchdesk_api::ids::CommissionRateId))} error={err.clone()} none="Its own terms" />
                }
                if !on_rate {
                    <Select label="Teacher is paid" name="comp_model" value={form.batch.comp_model.as_str()} options={comp_opts} on_change={form.field(|f, v: String| f.batch.comp_model = CompensationModel::parse(&v).unwrap_or_default())} error={err.clone()} />
                    <Field label="Pay amount" name="comp_amount_minor" value={form.comp_amount.clone()} on_input={form.field(|f, v| f.comp_amount = v)} error={err.clone()} />
                }
                <Field label="Monthly overheads" name="overheads_minor" value={form.overheads.clone()} on_input={form.field(|f, v| f.overheads = v)} error={err.clone()} />
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
