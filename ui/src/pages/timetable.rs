//! The week timetable of a branch, a room or a teacher; double bookings
//! that sync brought together are marked for the manager; events (holidays,
//! exams, closures) are added, listed, changed and removed here.

use crate::components::branch::branch_picker;
use crate::components::confirm::Confirm;
use crate::components::field::{setter, DateField, Field, FormActions, FormError, Select};
use crate::components::form::use_form_with;
use crate::components::keys::esc;
use crate::components::session::use_session;
use crate::format::day;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::org::{ListRooms, Room};
use branchdesk_api::commands::timetable::Event;
use branchdesk_api::commands::timetable::*;
use branchdesk_api::ids::{BranchId, EventId, RoomId, UserId};
use branchdesk_api::{ApiError, Permission};
use chrono::{Duration, NaiveDate};
use yew::prelude::*;

fn shift(date: &str, days: i64) -> String {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| (d + Duration::days(days)).to_string())
        .unwrap_or_default()
}

fn day_label(date: &str) -> String {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").map(|d| d.format("%a %-d %b").to_string()).unwrap_or_default()
}

#[component]
pub fn TimetablePage() -> Html {
    let s = use_session();
    let branch = use_state(|| s.me.branches.first().map(|b| b.id).unwrap_or_default());
    let date = use_state(String::new);
    let room = use_state(String::new);
    let teacher = use_state(String::new);
    // The event form: None closed, Some(None) a new event, Some(Some(e)) changing e.
    let editing = use_state(|| None::<Option<Event>>);
    let removing = use_state(|| None::<EventId>);
    let error = use_state(|| None::<ApiError>);
    let query = GetTimetable {
        branch_id: *branch,
        date: (*date).clone(),
        room_id: room.parse().ok().map(RoomId),
        teacher_id: teacher.parse().ok().map(UserId),
    };
    let (week, reload) = use_query(query);
    let (rooms, _) = use_query(ListRooms { branch_id: *branch, include_inactive: false });
    let (teachers, _) = use_query(ListTeachers { branch_id: *branch });
    let (clashes, _) = use_query(ListClashes { branch_id: *branch });
    let (events, reload_events) = use_query(ListEvents { branch_id: *branch, from: String::new() });
    let changed = {
        let (reload, reload_events) = (reload.clone(), reload_events.clone());
        Callback::from(move |_: ()| {
            reload.emit(());
            reload_events.emit(());
        })
    };
    if s.me.branches.is_empty() {
        return html! { <section id="timetable"><h1>{ "Timetable" }</h1><p class="empty">{ "You hold no role in a branch, so there is no timetable to show." }</p></section> };
    }
    let start = match &week {
        Some(Ok(w)) => w.week_start.clone(),
        _ => String::new(),
    };
    let go = |days: Option<i64>| {
        let (date, start) = (date.clone(), start.clone());
        Callback::from(move |_: MouseEvent| date.set(days.map(|d| shift(&start, d)).unwrap_or_default()))
    };
    let onkeydown = {
        let (date, start) = (date.clone(), start.clone());
        Callback::from(move |e: KeyboardEvent| {
            let typing = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
                .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
            match e.key().as_str() {
                "[" if !typing => date.set(shift(&start, -7)),
                "]" if !typing => date.set(shift(&start, 7)),
                _ => {}
            }
        })
    };
    let room_opts: Vec<(String, String)> = match &rooms {
        Some(Ok(list)) => list.iter().map(|r: &Room| (r.id.to_string(), r.name.clone())).collect(),
        _ => vec![],
    };
    let teacher_opts: Vec<(String, String)> = match &teachers {
        Some(Ok(list)) => list.iter().map(|t: &Teacher| (t.id.to_string(), t.full_name.clone())).collect(),
        _ => vec![],
    };
    let manage = s.me.can(Permission::ManageBatch);
    html! {
        <section id="timetable" {onkeydown}>
            <header class="page-head">
                <h1>{ "Timetable" }</h1>
                { branch_picker(&s.me.branches, branch.clone()) }
                if manage && editing.is_none() { <button id="add-event" onclick={let e = editing.clone(); move |_| e.set(Some(None))}>{ "Add holiday or event" }</button> }
            </header>
            if let Some(event) = (*editing).clone() {
                <EventForm branch_id={*branch} rooms={room_opts.clone()} {event} on_done={let (e, c) = (editing.clone(), changed.clone()); Callback::from(move |_| { e.set(None); c.emit(()); })} />
            }
            if let Some(Ok(list)) = &clashes {
                if !list.is_empty() {
                    <details class="notice warn" id="clash-review">
                        <summary>{ format!("{} coming booking(s) clash: review them", list.len()) }</summary>
                        <ul class="plain">{ for list.iter().map(|e| html! {
                            <li>{ format!("{} {}–{} {}: clashes with {}", day(&e.date), e.start, e.end, e.title, e.clashes_with.join("; ")) }</li>
                        }) }</ul>
                    </details>
                }
            }
            <div class="toolbar">
                <button id="prev-week" onclick={go(Some(-7))} title="Previous week ( [ )">{ "← Previous" }</button>
                <button id="this-week" onclick={go(None)}>{ "This week" }</button>
                <button id="next-week" onclick={go(Some(7))} title="Next week ( ] )">{ "Next →" }</button>
                <Select label="Room" name="filter_room" value={(*room).clone()} options={room_opts} on_change={setter(&room)} none="All rooms" />
                <Select label="Teacher" name="filter_teacher" value={(*teacher).clone()} options={teacher_opts} on_change={setter(&teacher)} none="All teachers" />
            </div>
            { show(&week, |w: &Week| html! {
                <>
                    if w.clash_count > 0 {
                        <div class="notice warn" id="clash-notice" role="status">
                            { format!("{} booking(s) this week clash with another: two desks planned them while offline. Move one, or give it another room or teacher.", w.clash_count) }
                        </div>
                    }
                    <div class="week" id="week-grid">
                        { for w.days.iter().map(|day| {
                            let items: Vec<&TimetableEntry> = w.entries.iter().filter(|e| &e.date == day).collect();
                            html! {
                                <div class="day">
                                    <h3>{ day_label(day) }</h3>
                                    if items.is_empty() { <p class="muted">{ "—" }</p> }
                                    { for items.iter().map(|e| html! {
                                        <div class={classes!("slot-card", e.cancelled.then_some("cancelled"), e.event.is_some().then_some("event"), (!e.clashes_with.is_empty()).then_some("clash"))}
                                             title={e.clashes_with.iter().map(|c| format!("Clashes with {c}")).collect::<Vec<_>>().join("\n")}>
                                            <div class="time">{ format!("{}–{}", e.start, e.end) }</div>
                                            <div class="title">{ &e.title }</div>
                                            <div class="muted">{ [e.room_name.clone(), e.teacher_name.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ") }</div>
                                            if e.cancelled { <div class="tag">{ "cancelled" }</div> }
                                            { for e.clashes_with.iter().map(|c| html! { <div class="clash-with">{ format!("⚠ clashes with {c}") }</div> }) }
                                        </div>
                                    }) }
                                </div>
                            }
                        }) }
                    </div>
                    <p class="muted">{ format!("Week of {}. [ and ] move a week.", day_label(&w.week_start)) }</p>
                </>
            }) }
            <h2>{ "Holidays and events ahead" }</h2>
            <FormError error={(*error).clone()} fields={vec!["id"]} />
            { show(&events, |list: &Vec<Event>| {
                if list.is_empty() {
                    return html! { <p class="empty">{ "No holidays or events ahead. Add one to take classes off for a day or book a room for an exam." }</p> };
                }
                html! {
                    <table class="grid" id="events-table">
                        <thead><tr><th>{ "Event" }</th><th>{ "Days" }</th><th>{ "Hours" }</th><th>{ "Room" }</th><th>{ "Classes" }</th><th></th></tr></thead>
                        <tbody>
                            { for list.iter().map(|e| html! { <>
                                <tr>
                                    <td>{ &e.title }<div class="muted">{ e.kind.label() }</div></td>
                                    <td>{ event_days(e) }</td>
                                    <td>{ if all_day(e) { "all day".to_string() } else { format!("{}–{}", e.start, e.end) } }</td>
                                    <td>{ e.room_name.clone().unwrap_or_else(|| "—".into()) }</td>
                                    <td>{ classes_text(e) }</td>
                                    <td class="row-actions">
                                        if manage {
                                            <button class="edit-event" onclick={let (ed, ev) = (editing.clone(), e.clone()); move |_| ed.set(Some(Some(ev.clone())))}>{ "Edit" }</button>
                                            if *removing != Some(e.id) {
                                                <button class="remove-event" onclick={let (r, id) = (removing.clone(), e.id); move |_| r.set(Some(id))}>{ "Remove…" }</button>
                                            }
                                        }
                                    </td>
                                </tr>
                                if *removing == Some(e.id) {
                                    <tr class="confirm-row"><td colspan="6">
                                        <Confirm question={remove_question(e)} yes="Yes, remove it"
                                            on_yes={let (r, er, s, c, id) = (removing.clone(), error.clone(), s.clone(), changed.clone(), e.id); Callback::from(move |_| {
                                                let (r, c) = (r.clone(), c.clone());
                                                act(RemoveEvent { id }, er.clone(), s.clone(), move |_| { r.set(None); c.emit(()); });
                                            })}
                                            on_no={let r = removing.clone(); Callback::from(move |_| r.set(None))} />
                                    </td></tr>
                                }
                            </> }) }
                        </tbody>
                    </table>
                }
            }) }
        </section>
    }
}

fn all_day(e: &Event) -> bool {
    e.start == "00:00" && e.end == "24:00"
}

/// "Mon 8 Jun" or "Mon 8 Jun – Fri 12 Jun"
fn event_days(e: &Event) -> String {
    if e.start_date == e.end_date {
        day(&e.start_date)
    } else {
        format!("{} – {}", day(&e.start_date), day(&e.end_date))
    }
}

fn classes_text(e: &Event) -> String {
    match (e.cancels, e.cancelled_sessions) {
        (false, _) => "kept".into(),
        (true, 0) => "none on these days".into(),
        (true, 1) => "1 class off".into(),
        (true, n) => format!("{n} classes off"),
    }
}

fn remove_question(e: &Event) -> String {
    match e.cancelled_sessions {
        0 => format!("Remove {}?", e.title),
        1 => format!("Remove {}? The class it took off comes back.", e.title),
        n => format!("Remove {}? The {n} classes it took off come back.", e.title),
    }
}

#[derive(Properties, PartialEq)]
struct EventFormProps {
    branch_id: BranchId,
    /// The event being changed; None adds one.
    event: Option<Event>,
    rooms: Vec<(String, String)>,
    on_done: Callback<()>,
}

#[component]
fn EventForm(p: &EventFormProps) -> Html {
    let s = use_session();
    let form = use_form_with(|| match &p.event {
        Some(e) => SaveEvent {
            id: Some(e.id),
            branch_id: e.branch_id,
            kind: e.kind,
            title: e.title.clone(),
            start_date: e.start_date.clone(),
            end_date: if e.end_date == e.start_date { String::new() } else { e.end_date.clone() },
            start: if all_day(e) { String::new() } else { e.start.clone() },
            end: if all_day(e) { String::new() } else { e.end.clone() },
            room_id: e.room_id,
            batch_id: e.batch_id,
            cancels: e.cancels,
            move_to: String::new(),
        },
        None => SaveEvent { kind: EventKind::Holiday, cancels: true, ..SaveEvent::default() },
    });
    let editing = p.event.is_some();
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, done, branch) =
            (form.clone(), error.clone(), s.clone(), p.on_done.clone(), p.branch_id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = SaveEvent { branch_id: branch, ..form.value().clone() };
            let done = done.clone();
            act(input, error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    let err = (*error).clone();
    let kinds: Vec<(String, String)> =
        EventKind::ALL.iter().map(|k| (k.as_str().into(), k.label().into())).collect();
    let toggle = form.field(|f, _: yew::Event| f.cancels = !f.cancels);
    html! {
        <form class="card" id="event-form" {onsubmit} onkeydown={esc(p.on_done.clone())}>
            <FormError error={err.clone()} fields={vec!["title", "start_date", "end_date", "start", "end", "room_id", "move_to"]} />
            <div class="row">
                <Select label="Kind" name="kind" value={form.kind.as_str()} options={kinds} on_change={form.field(|f, v: String| f.kind = EventKind::parse(&v).unwrap_or_default())} />
                <Field label="Title" name="title" value={form.title.clone()} on_input={form.field(|f, v| f.title = v)} error={err.clone()} autofocus=true hint="e.g. Diwali" />
                <DateField label="From" name="start_date" value={form.start_date.clone()} on_input={form.field(|f, v| f.start_date = v)} error={err.clone()} />
                <DateField label="To" name="end_date" value={form.end_date.clone()} on_input={form.field(|f, v| f.end_date = v)} error={err.clone()} hint="empty: one day" />
            </div>
            <div class="row">
                <Field label="Start time" name="start" kind="time" value={form.start.clone()} on_input={form.field(|f, v| f.start = v)} error={err.clone()} hint="empty: all day" />
                <Field label="End time" name="end" kind="time" value={form.end.clone()} on_input={form.field(|f, v| f.end = v)} error={err.clone()} />
                <Select label="Books room" name="room_id" value={form.room_id.map(|r| r.to_string()).unwrap_or_default()} options={p.rooms.clone()} on_change={form.field(|f, v: String| f.room_id = v.parse().ok().map(RoomId))} error={err.clone()} none="No room" />
                <label class="check"><input type="checkbox" id="field-cancels" checked={form.cancels} onchange={toggle} />{ " Takes the classes it covers off" }</label>
                if form.cancels && !editing {
                    <DateField label="Move them to" name="move_to" value={form.move_to.clone()} on_input={form.field(|f, v| f.move_to = v)} error={err.clone()} hint="empty: cancel them" />
                }
            </div>
            <FormActions save={if editing { "Save changes" } else { "Save event" }} on_cancel={p.on_done.clone()} />
        </form>
    }
}
