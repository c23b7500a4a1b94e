//! The attendance sheet of one session, keyboard first: J/K or ↑/↓ move,
//! P/A/L/E mark and move on (one key per student), R marks the rest
//! present, N writes a note, Enter saves. Every mark is kept as a draft on
//! this desk at once, so a crash or a power cut loses none.

use crate::components::session::use_session;
use crate::format::day;
use crate::invoke::call;
use branchdesk_api::commands::attendance::*;
use branchdesk_api::ids::{LessonId, SessionId, StudentId};
use branchdesk_api::ApiError;
use std::collections::HashMap;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

const ORDER_KEY: &str = "branchdesk.roster_order";

fn stored_order() -> RosterOrder {
    let stored = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(ORDER_KEY).ok().flatten());
    if stored.as_deref() == Some("roll") {
        RosterOrder::Roll
    } else {
        RosterOrder::Name
    }
}

fn store_order(order: RosterOrder) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(ORDER_KEY, if order == RosterOrder::Roll { "roll" } else { "name" });
    }
}

type Marks = HashMap<StudentId, (AttendanceStatus, String)>;

fn marks_of(sheet: &Sheet) -> Marks {
    let mut marks: Marks =
        sheet.rows.iter().filter_map(|r| r.status.map(|s| (r.student_id, (s, r.note.clone())))).collect();
    for d in &sheet.draft {
        marks.insert(d.student_id, (d.status, d.note.clone()));
    }
    marks
}

fn as_list(marks: &Marks) -> Vec<Mark> {
    marks
        .iter()
        .map(|(id, (status, note))| Mark { student_id: *id, status: *status, note: note.clone() })
        .collect()
}

fn history_text(row: &SheetRow) -> String {
    row.history
        .iter()
        .map(|h| {
            format!(
                "{} → {} by {} at {}{}",
                h.old_status.map(|s| s.label()).unwrap_or("—"),
                h.new_status.label(),
                h.marked_by.clone().unwrap_or_default(),
                h.marked_at.get(..16).unwrap_or_default().replace('T', " "),
                if h.reason.is_empty() { String::new() } else { format!(" ({})", h.reason) }
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Properties, PartialEq)]
pub struct SheetProps {
    pub session_id: SessionId,
}

#[component]
pub fn SheetPage(p: &SheetProps) -> Html {
    let s = use_session();
    let sheet = use_state(|| None::<Sheet>);
    // Marks and the cursor live outside render state, so keys typed faster
    // than the screen redraws each see the marks of the key before.
    let state = use_mut_ref(|| (Marks::new(), 0usize));
    let redraw = use_force_update();
    let noting = use_state(|| false);
    let covered = use_state(Vec::<LessonId>::new);
    let reason = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    let order = use_state(stored_order);
    let root = use_node_ref();
    let note_input = use_node_ref();
    {
        let (sheet, state, covered, error, s) =
            (sheet.clone(), state.clone(), covered.clone(), error.clone(), s.clone());
        use_effect_with((p.session_id, *order), move |(id, order)| {
            let input = GetSheet { session_id: *id, order: *order };
            spawn_local(async move {
                match call(&input).await {
                    Ok(loaded) => {
                        state.borrow_mut().0 = marks_of(&loaded);
                        covered.set(loaded.covered.clone());
                        sheet.set(Some(loaded));
                    }
                    Err(e) => error.set(Some(s.check(e))),
                }
            });
        });
    }
    {
        // Keys go to the sheet as soon as it shows.
        let root = root.clone();
        let ready = sheet.is_some();
        use_effect_with(ready, move |_| {
            if let Some(el) = root.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    {
        let note_input = note_input.clone();
        use_effect_with(*noting, move |on| {
            if *on {
                if let Some(el) = note_input.cast::<HtmlInputElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    // Keep the current row in sight as the cursor moves down a long roster.
    use_effect_with(state.borrow().1, |_| {
        let row = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("#sheet-rows tr.current").ok().flatten());
        if let Some(row) = row {
            row.scroll_into_view_with_bool(false);
        }
    });
    let Some(sh) = (*sheet).clone() else {
        return html! { <section id="sheet">
            if let Some(e) = &*error { <div class="form-error" role="alert">{ &e.message }</div> } else { <p class="muted">{ "Loading…" }</p> }
        </section> };
    };
    let rows = sh.rows.clone();
    let session_id = p.session_id;
    // Every change is kept on this desk at once.
    let keep = {
        let (state, redraw) = (state.clone(), redraw.clone());
        move |next: Marks| {
            let input = SaveDraft { session_id, marks: as_list(&next) };
            state.borrow_mut().0 = next;
            redraw.force_update();
            spawn_local(async move {
                let _ = call(&input).await;
            });
        }
    };
    let save = {
        let (state, covered, reason, error, saved, sheet, s, order) = (
            state.clone(),
            covered.clone(),
            reason.clone(),
            error.clone(),
            saved.clone(),
            sheet.clone(),
            s.clone(),
            *order,
        );
        Callback::from(move |_: ()| {
            let marks = as_list(&state.borrow().0);
            let input = SaveMarks {
                session_id,
                marks,
                lesson_ids: (*covered).clone(),
                reason: (*reason).clone(),
                order,
            };
            let (error, saved, sheet, state, s) =
                (error.clone(), saved.clone(), sheet.clone(), state.clone(), s.clone());
            spawn_local(async move {
                match call(&input).await {
                    Ok(fresh) => {
                        error.set(None);
                        saved.set(true);
                        state.borrow_mut().0 = marks_of(&fresh);
                        sheet.set(Some(fresh));
                        s.changed.emit(());
                    }
                    Err(e) => error.set(Some(s.check(e))),
                }
            });
        })
    };
    let onkeydown = {
        let (state, noting, save, keep, rows, saved, redraw) = (
            state.clone(),
            noting.clone(),
            save.clone(),
            keep.clone(),
            rows.clone(),
            saved.clone(),
            redraw.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            if *noting || e.ctrl_key() || e.alt_key() || e.meta_key() {
                return;
            }
            let n = rows.len();
            let last = n.saturating_sub(1);
            let at = state.borrow().1.min(last);
            let move_to = |to: usize| {
                state.borrow_mut().1 = to;
                redraw.force_update();
            };
            let mark = |status: AttendanceStatus| {
                if let Some(row) = rows.get(at) {
                    let mut next = state.borrow().0.clone();
                    let note = next.get(&row.student_id).map(|(_, n)| n.clone()).unwrap_or_default();
                    next.insert(row.student_id, (status, note));
                    state.borrow_mut().1 = (at + 1).min(last);
                    keep(next);
                    saved.set(false);
                }
            };
            match e.key().as_str() {
                "ArrowDown" | "j" | "J" => move_to((at + 1).min(last)),
                "ArrowUp" | "k" | "K" => move_to(at.saturating_sub(1)),
                "p" | "P" => mark(AttendanceStatus::Present),
                "a" | "A" => mark(AttendanceStatus::Absent),
                "l" | "L" => mark(AttendanceStatus::Late),
                "e" | "E" => mark(AttendanceStatus::Excused),
                "r" | "R" => {
                    let mut next = state.borrow().0.clone();
                    for row in &rows {
                        next.entry(row.student_id).or_insert((AttendanceStatus::Present, String::new()));
                    }
                    keep(next);
                    saved.set(false);
                }
                "n" | "N" => noting.set(true),
                "Enter" => save.emit(()),
                _ => return,
            }
            e.prevent_default();
        })
    };
    let at = state.borrow().1.min(rows.len().saturating_sub(1));
    let marks = state.borrow().0.clone();
    let note_keys = {
        let (noting, state, keep, rows, root) =
            (noting.clone(), state.clone(), keep.clone(), rows.clone(), root.clone());
        Callback::from(move |e: KeyboardEvent| {
            let done = |keep_text: bool| {
                if keep_text {
                    let text = e.target_unchecked_into::<HtmlInputElement>().value();
                    if let Some(row) = rows.get(at) {
                        let mut next = state.borrow().0.clone();
                        let status =
                            next.get(&row.student_id).map(|(s, _)| *s).unwrap_or(AttendanceStatus::Excused);
                        next.insert(row.student_id, (status, text));
                        keep(next);
                    }
                }
                noting.set(false);
                if let Some(el) = root.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            };
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    e.stop_propagation();
                    done(true);
                }
                "Escape" => {
                    e.stop_propagation();
                    done(false);
                }
                _ => {}
            }
        })
    };
    let click_mark = |row: usize, id: StudentId, status: AttendanceStatus| {
        let (state, keep, saved) = (state.clone(), keep.clone(), saved.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = state.borrow().0.clone();
            let note = next.get(&id).map(|(_, n)| n.clone()).unwrap_or_default();
            next.insert(id, (status, note));
            state.borrow_mut().1 = row;
            keep(next);
            saved.set(false);
        })
    };
    let toggle_lesson = |id: LessonId| {
        let covered = covered.clone();
        Callback::from(move |_: Event| {
            let mut list = (*covered).clone();
            if let Some(i) = list.iter().position(|l| *l == id) {
                list.remove(i);
            } else {
                list.push(id);
            }
            covered.set(list);
        })
    };
    let counts = AttendanceStatus::ALL.map(|st| marks.values().filter(|(s, _)| *s == st).count());
    let unmarked = rows.iter().filter(|r| !marks.contains_key(&r.student_id)).count();
    let set_order = |o: RosterOrder| {
        let order = order.clone();
        Callback::from(move |_: MouseEvent| {
            store_order(o);
            order.set(o);
        })
    };
    let session = &sh.session;
    html! {
        <section id="sheet">
            <header class="page-head">
                <h1>{ format!("{} · {} {}–{}", session.batch_name, day(&session.date), session.start, session.end) }</h1>
                <span class="muted">{ format!("{} · {}", session.room_name, session.substitute_name.clone().unwrap_or_else(|| session.teacher_name.clone())) }</span>
            </header>
            if let Some(why) = &sh.locked { <div class="notice warn" id="sheet-locked">{ why }</div> }
            if !sh.draft.is_empty() { <div class="notice" id="draft-restored">{ format!("{} unsaved mark(s) from before were kept; check them and press Enter to save.", sh.draft.len()) }</div> }
            if let Some(e) = &*error { <div class="form-error" role="alert" id="sheet-error">{ &e.message }</div> }
            if *saved { <div class="notice success" role="status" id="sheet-saved">{ "Saved." }</div> }
            <div class="toolbar">
                <span id="sheet-counts">{ format!("{} present · {} absent · {} late · {} excused · {} not marked", counts[0], counts[1], counts[2], counts[3], unmarked) }</span>
                <span class="muted">{ "Order: " }
                    <button class={classes!("link", (*order == RosterOrder::Name).then_some("current"))} onclick={set_order(RosterOrder::Name)}>{ "name" }</button>{ " · " }
                    <button class={classes!("link", (*order == RosterOrder::Roll).then_some("current"))} onclick={set_order(RosterOrder::Roll)}>{ "roll number" }</button>
                </span>
            </div>
            <p class="muted keys">{ "J/K or ↑/↓ move · P A L E mark and move on · R marks the rest present · N note · Enter saves" }</p>
            if rows.is_empty() { <p class="empty">{ "Nobody is enrolled in this batch on this date." }</p> }
            <div id="sheet-rows" tabindex="0" ref={root} {onkeydown} class="sheet">
                <table class="grid">
                    <thead><tr><th>{ "Roll" }</th><th>{ "Student" }</th><th>{ "Mark" }</th><th>{ "Note" }</th></tr></thead>
                    <tbody>
                        { for rows.iter().enumerate().map(|(i, r)| {
                            let mark = marks.get(&r.student_id).cloned();
                            html! {
                                <tr class={classes!("sheet-row", (i == at).then_some("current"))} data-student={r.code.clone()} title={history_text(r)}>
                                    <td>{ r.roll }</td>
                                    <td>{ &r.full_name }<span class="muted">{ format!(" {}", r.code) }</span></td>
                                    <td class="marks">
                                        { for AttendanceStatus::ALL.iter().map(|st| html! {
                                            <button tabindex="-1" class={classes!("mark", st.as_str().to_lowercase(), (mark.as_ref().map(|m| m.0) == Some(*st)).then_some("on"))}
                                                onclick={click_mark(i, r.student_id, *st)} title={st.label()}>{ st.key() }</button>
                                        }) }
                                        <span class="status" data-status={mark.as_ref().map(|m| m.0.as_str()).unwrap_or("")}>{ mark.as_ref().map(|m| m.0.label()).unwrap_or("") }</span>
                                    </td>
                                    <td>
                                        if *noting && i == at {
                                            <input ref={note_input.clone()} id="note-input" class="note" value={mark.as_ref().map(|m| m.1.clone()).unwrap_or_default()} onkeydown={note_keys.clone()} maxlength="200" placeholder="Note, then Enter" />
                                        } else {
                                            <span class="note-text">{ mark.as_ref().map(|m| m.1.clone()).unwrap_or_default() }</span>
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            if !sh.lessons.is_empty() {
                <fieldset id="lessons-covered">
                    <legend>{ "Lessons covered in this session" }</legend>
                    { for sh.lessons.iter().map(|l| html! {
                        <label class="check-inline"><input type="checkbox" checked={covered.contains(&l.id)} onchange={toggle_lesson(l.id)} />{ format!(" {} · {}", l.module, l.title) }</label>
                    }) }
                </fieldset>
            }
            if sh.needs_reason {
                <div class="field"><label for="field-reason">{ "Why these old marks change" }</label>
                    <input id="field-reason" value={(*reason).clone()} oninput={let r = reason.clone(); Callback::from(move |e: InputEvent| r.set(e.target_unchecked_into::<HtmlInputElement>().value()))} /></div>
            }
            <div class="actions"><button class="primary" id="sheet-save" onclick={save.reform(|_| ())} disabled={sh.locked.is_some()}>{ "Save " }<kbd>{ "Enter" }</kbd></button></div>
        </section>
    }
}
