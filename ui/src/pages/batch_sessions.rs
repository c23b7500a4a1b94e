//! A batch's students and sessions: cancel or restore a class, move it to
//! another day, time or room (clash-checked), or hand it to a substitute.

use crate::components::field::{setter, DateField, Field, FormActions, FormError, Select};
use crate::components::form::use_form_with;
use crate::components::keys::esc;
use crate::components::session::use_session;
use crate::format::{day, slots_text};
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::imports::{ExportCsv, ExportList, SavedFile};
use branchdesk_api::commands::org::{ListRooms, Room};
use branchdesk_api::commands::students::{Enrolment, ListRoster};
use branchdesk_api::commands::timetable::*;
use branchdesk_api::ids::{BatchId, BranchId, RoomId, SessionId, UserId};
use branchdesk_api::{ApiError, Permission};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BatchSessionsProps {
    pub id: BatchId,
    pub branch_id: BranchId,
    /// Whether the batch is open; closing or reopening it changes its
    /// classes, so they are read again.
    pub active: bool,
}

/// A batch's sessions: cancel or restore one, or hand it to a substitute.
#[component]
pub fn BatchSessions(p: &BatchSessionsProps) -> Html {
    let s = use_session();
    let (detail, reload) = use_query(GetBatch { id: p.id });
    {
        let (reload, previous) = (reload.clone(), use_mut_ref(|| p.active));
        use_effect_with(p.active, move |active| {
            if previous.replace(*active) != *active {
                reload.emit(());
            }
        });
    }
    let (teachers, _) = use_query(ListTeachers { branch_id: p.branch_id });
    let (roster, _) = use_query(ListRoster { batch_id: p.id });
    let reason = use_state(String::new);
    let exported = use_state(|| None::<SavedFile>);
    let error_for_export = use_state(|| None::<ApiError>);
    let export_roster = {
        let input = ExportCsv {
            list: ExportList::Roster,
            branch_id: p.branch_id,
            batch_id: Some(p.id),
            month: String::new(),
        };
        let (exported, error, s) = (exported.clone(), error_for_export.clone(), s.clone());
        Callback::from(move |_: MouseEvent| {
            let exported = exported.clone();
            act(input.clone(), error.clone(), s.clone(), move |f| exported.set(Some(f)));
        })
    };
    let error = use_state(|| None::<ApiError>);
    let manage = s.me.can(Permission::ManageBatch);
    let can_mark = s.me.can(Permission::MarkAttendance);
    // Cancelling a class is asked first (a slip of the mouse beside
    // "Attendance" must not cancel it); restoring is not.
    let confirming = use_state(|| None::<SessionId>);
    // At most one class is being moved at a time, in a row under it.
    let moving = use_state(|| None::<SessionId>);
    let move_to = |c: &ClassSession| {
        let (moving, confirming, id) = (moving.clone(), confirming.clone(), c.id);
        Callback::from(move |_: MouseEvent| {
            confirming.set(None);
            moving.set(Some(id));
        })
    };
    let moved = {
        let (moving, reload) = (moving.clone(), reload.clone());
        Callback::from(move |_: ()| {
            moving.set(None);
            reload.emit(());
        })
    };
    let stay = {
        let moving = moving.clone();
        Callback::from(move |_: ()| moving.set(None))
    };
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
                    <div class="toolbar">
                        <h2>{ format!("{} · students", d.batch.name) }</h2>
                        <button id="export-roster" onclick={export_roster.clone()}>{ "Export CSV" }</button>
                    </div>
                    if let Some(f) = &*exported { <p class="notice success" id="roster-exported">{ format!("Roster of {} saved to {}", if f.rows == 1 { "1 student".to_string() } else { format!("{} students", f.rows) }, f.path) }</p> }
                    <FormError error={(*error_for_export).clone()} fields={vec!["batch_id"]} />
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
                    if let Some(c) = d.batch.curriculum_id { <super::submissions::Submissions batch_id={d.batch.id} curriculum_id={c} /> }
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
                                        if manage && c.status == SessionStatus::Scheduled && *moving != Some(c.id) {
                                            <button class="move-session" onclick={move_to(c)}>{ "Move…" }</button>
                                        }
                                        if manage && c.status == SessionStatus::Scheduled && *confirming != Some(c.id) {
                                            <button class="cancel-session" onclick={ask(c)}>{ "Cancel…" }</button>
                                        }
                                        if manage && c.status != SessionStatus::Scheduled { <button class="restore-session" onclick={restore(c)}>{ "Restore" }</button> }
                                    </td>
                                </tr>
                                if manage && *moving == Some(c.id) {
                                    <tr class="confirm-row"><td colspan="6">
                                        <MoveSession session={c.clone()} branch_id={p.branch_id} note={(*reason).clone()} on_done={moved.clone()} on_keep={stay.clone()} />
                                    </td></tr>
                                }
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
    let form = use_form_with(|| SetSessionCancelled { id: p.id, cancelled: true, note: p.note.clone() });
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, done, id) = (form.clone(), error.clone(), s.clone(), p.on_done.clone(), p.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let done = done.clone();
            let input = SetSessionCancelled { id, cancelled: true, ..form.value().clone() };
            act(input, error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    let keep = p.on_keep.clone();
    let err = (*error).clone();
    html! {
        <form class="confirm-cancel" role="alertdialog" aria-label="Cancel this class?" {onsubmit} onkeydown={esc(p.on_keep.clone())}>
            <span>{ format!("Cancel the class of {}?", p.when) }</span>
            <Field label="Why" name="note" id="confirm-note" value={form.note.clone()} on_input={form.field(|f, v| f.note = v)} error={err.clone()} autofocus=true />
            <button type="submit" class="danger confirm-yes">{ "Yes, cancel it " }<kbd>{ "Enter" }</kbd></button>
            <button type="button" class="confirm-keep" onclick={move |_| keep.emit(())}>{ "Keep it " }<kbd>{ "Esc" }</kbd></button>
            <FormError error={err} fields={vec!["note"]} />
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct MoveSessionProps {
    session: ClassSession,
    branch_id: BranchId,
    /// The reason typed above the table, if any.
    note: String,
    on_done: Callback<()>,
    on_keep: Callback<()>,
}

/// One class moved to another day, time or room: the desk refuses a move
/// onto a room or teacher already booked, naming the other class.
#[component]
fn MoveSession(p: &MoveSessionProps) -> Html {
    let s = use_session();
    let c = &p.session;
    let form = use_form_with(|| RescheduleSession {
        id: c.id,
        date: c.date.clone(),
        start: c.start.clone(),
        end: c.end.clone(),
        room_id: Some(c.room_id),
        note: p.note.clone(),
    });
    let (rooms, _) = use_query(ListRooms { branch_id: p.branch_id, include_inactive: false });
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, done) = (form.clone(), error.clone(), s.clone(), p.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let done = done.clone();
            act(form.value().clone(), error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    let room_opts: Vec<(String, String)> = match &rooms {
        Some(Ok(list)) => list.iter().map(|r: &Room| (r.id.to_string(), r.name.clone())).collect(),
        _ => vec![(c.room_id.to_string(), c.room_name.clone())],
    };
    let err = (*error).clone();
    html! {
        <form class="move-session-form" aria-label="Move this class" {onsubmit} onkeydown={esc(p.on_keep.clone())}>
            <p><strong>{ format!("Move the class of {} {}", day(&c.date), c.start) }</strong></p>
            <FormError error={err.clone()} fields={vec!["date", "start", "end", "room_id", "note"]} />
            <div class="row">
                <DateField label="Date" name="date" value={form.date.clone()} on_input={form.field(|f, v| f.date = v)} error={err.clone()} autofocus=true />
                <Field label="Start time" name="start" kind="time" value={form.start.clone()} on_input={form.field(|f, v| f.start = v)} error={err.clone()} />
                <Field label="End time" name="end" kind="time" value={form.end.clone()} on_input={form.field(|f, v| f.end = v)} error={err.clone()} />
                <Select label="Room" name="room_id" value={form.room_id.map(|r| r.to_string()).unwrap_or_default()} options={room_opts} on_change={form.field(|f, v: String| f.room_id = v.parse().ok().map(RoomId))} error={err.clone()} />
                <Field label="Why" name="note" id="move-note" value={form.note.clone()} on_input={form.field(|f, v| f.note = v)} error={err.clone()} hint="e.g. teacher at a workshop" />
            </div>
            <FormActions save="Move class" id="save-move" on_cancel={p.on_keep.clone()} />
        </form>
    }
}
