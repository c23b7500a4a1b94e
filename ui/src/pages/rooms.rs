//! Rooms of a branch: add, rename, change capacity, archive.

use crate::components::field::{Field, FormError};
use crate::components::form::use_form;
use crate::components::session::use_session;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::org::{ListRooms, Room, SaveRoom, SetRoomActive};
use branchdesk_api::ids::BranchId;
use branchdesk_api::{ApiError, Permission};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[component]
pub fn RoomsPage() -> Html {
    let s = use_session();
    let branch = use_state(|| s.me.branches.first().map(|b| b.id).unwrap_or_default());
    let (rooms, reload) = use_query(ListRooms { branch_id: *branch, include_inactive: true });
    let form = use_form::<RoomDraft>();
    let error = use_state(|| None::<ApiError>);
    let manage = s.me.can(Permission::ManageRoom);

    if s.me.branches.is_empty() {
        return html! { <section id="rooms"><h1>{ "Rooms" }</h1><p class="empty">{ "You hold no role in a branch, so there are no rooms to show." }</p></section> };
    }
    let onsubmit = {
        let (form, error, s, reload, branch) =
            (form.clone(), error.clone(), s.clone(), reload.clone(), branch.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = match form.input(*branch) {
                Ok(input) => input,
                Err(e) => return error.set(Some(e)),
            };
            let (form, reload) = (form.clone(), reload.clone());
            act(input, error.clone(), s.clone(), move |_| {
                form.reset();
                reload.emit(());
            });
        })
    };
    let edit = |r: &Room| {
        let (form, r) = (form.clone(), r.clone());
        Callback::from(move |_: MouseEvent| form.set(RoomDraft::of(&r)))
    };
    let archive = |r: &Room| {
        let input = SetRoomActive { id: r.id, active: !r.active };
        let (error, s, reload) = (error.clone(), s.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            let reload = reload.clone();
            act(input.clone(), error.clone(), s.clone(), move |_| reload.emit(()))
        })
    };
    let on_branch = {
        let branch = branch.clone();
        Callback::from(move |e: Event| {
            if let Ok(id) = e.target_unchecked_into::<HtmlSelectElement>().value().parse() {
                branch.set(BranchId(id));
            }
        })
    };
    let err = (*error).clone();
    let editing = form.room.id.is_some();
    html! {
        <section id="rooms">
            <header class="page-head"><h1>{ "Rooms" }</h1></header>
            if s.me.branches.len() > 1 {
                <div class="toolbar">
                    <label for="room-branch">{ "Branch " }</label>
                    <select id="room-branch" onchange={on_branch}>
                        { for s.me.branches.iter().map(|b| html! { <option value={b.id.to_string()} selected={b.id == *branch}>{ &b.name }</option> }) }
                    </select>
                </div>
            }
            if manage {
                <form class="card inline-form" id="room-form" {onsubmit}>
                    <FormError error={err.clone()} fields={vec!["name", "capacity"]} />
                    <div class="row">
                        <Field label={if editing { "Room name (editing)" } else { "New room" }} name="name" value={form.room.name.clone()} on_input={form.field(|f, v| f.room.name = v)} error={err.clone()} hint="e.g. Room 2 or Physics Lab" />
                        <Field label="Seats" name="capacity" kind="number" value={form.capacity.clone()} on_input={form.field(|f, v| f.capacity = v)} error={err.clone()} />
                        <div class="actions"><button type="submit" class="primary">{ if editing { "Save room " } else { "Add room " } }<kbd>{ "Enter" }</kbd></button></div>
                    </div>
                </form>
            }
            { show(&rooms, |list: &Vec<Room>| {
                if list.is_empty() {
                    return html! { <p class="empty">{ if manage { "No rooms yet. Add the first above: a name and how many seats it has." } else { "No rooms yet." } }</p> };
                }
                html! {
                    <table class="grid" id="rooms-table">
                        <thead><tr><th>{ "Room" }</th><th>{ "Seats" }</th><th>{ "Status" }</th><th></th></tr></thead>
                        <tbody>
                            { for list.iter().map(|r| html! {
                                <tr class={classes!((!r.active).then_some("inactive"))}>
                                    <td>{ &r.name }</td><td>{ r.capacity }</td>
                                    <td>{ if r.active { "in use" } else { "archived" } }</td>
                                    <td class="row-actions">
                                        if manage {
                                            <button onclick={edit(r)}>{ "Edit" }</button>
                                            <button onclick={archive(r)}>{ if r.active { "Archive" } else { "Restore" } }</button>
                                        }
                                    </td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            }) }
        </section>
    }
}

/// The room form: the room as saved, its seats as typed.
#[derive(Clone, Default, PartialEq)]
struct RoomDraft {
    room: SaveRoom,
    capacity: String,
}

impl RoomDraft {
    fn of(r: &Room) -> Self {
        let room =
            SaveRoom { id: Some(r.id), branch_id: r.branch_id, name: r.name.clone(), capacity: r.capacity };
        RoomDraft { room, capacity: r.capacity.to_string() }
    }

    /// The room to save in `branch`, or the field that is not yet right.
    fn input(&self, branch: BranchId) -> Result<SaveRoom, ApiError> {
        let Ok(capacity) = self.capacity.trim().parse::<u32>() else {
            return Err(ApiError::invalid("capacity", "Enter how many students fit, e.g. 30."));
        };
        Ok(SaveRoom { branch_id: branch, capacity, ..self.room.clone() })
    }
}
