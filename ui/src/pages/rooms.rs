//! Rooms of a branch: add, rename, change capacity, archive.

use crate::components::field::{setter, Field, FormError};
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
    let editing = use_state(|| None::<Room>);
    let name = use_state(String::new);
    let capacity = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let manage = s.me.can(Permission::ManageRoom);

    if s.me.branches.is_empty() {
        return html! { <section id="rooms"><h1>{ "Rooms" }</h1><p class="empty">{ "You hold no role in a branch, so there are no rooms to show." }</p></section> };
    }
    let onsubmit = {
        let (name, capacity, editing, error, s, reload, branch) = (
            name.clone(),
            capacity.clone(),
            editing.clone(),
            error.clone(),
            s.clone(),
            reload.clone(),
            branch.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(cap) = capacity.trim().parse::<u32>() else {
                return error
                    .set(Some(ApiError::invalid("capacity", "Enter how many students fit, e.g. 30.")));
            };
            let input = SaveRoom {
                id: editing.as_ref().map(|r| r.id),
                branch_id: *branch,
                name: (*name).clone(),
                capacity: cap,
            };
            let (name, capacity, editing, reload) =
                (name.clone(), capacity.clone(), editing.clone(), reload.clone());
            act(input, error.clone(), s.clone(), move |_| {
                name.set(String::new());
                capacity.set(String::new());
                editing.set(None);
                reload.emit(());
            });
        })
    };
    let edit = |r: &Room| {
        let (editing, name, capacity, r) = (editing.clone(), name.clone(), capacity.clone(), r.clone());
        Callback::from(move |_: MouseEvent| {
            name.set(r.name.clone());
            capacity.set(r.capacity.to_string());
            editing.set(Some(r.clone()));
        })
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
                        <Field label={if editing.is_some() { "Room name (editing)" } else { "New room" }} name="name" value={(*name).clone()} on_input={setter(&name)} error={err.clone()} hint="e.g. Room 2 or Physics Lab" />
                        <Field label="Seats" name="capacity" kind="number" value={(*capacity).clone()} on_input={setter(&capacity)} error={err.clone()} />
                        <div class="actions"><button type="submit" class="primary">{ if editing.is_some() { "Save room " } else { "Add room " } }<kbd>{ "Enter" }</kbd></button></div>
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
