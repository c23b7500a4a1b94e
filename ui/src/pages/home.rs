//! The start page: who is signed in, where, and what to do next.

use crate::components::session::use_session;
use crate::hooks::{show, use_query};
use crate::nav;
use branchdesk_api::commands::timetable::{ClassSession, ListMySessionsToday, SessionStatus};
use yew::prelude::*;

#[component]
pub fn HomePage() -> Html {
    let s = use_session();
    let me = &s.me;
    let first = me.user.full_name.split_whitespace().next().unwrap_or(&me.user.full_name).to_owned();
    let areas: Vec<&str> = nav::visible(&me.permissions).iter().skip(1).map(|a| a.label).collect();
    let (today, _) = use_query(ListMySessionsToday {});
    // Someone who sees their own record but nobody else's: a student.
    let own =
        me.can(branchdesk_api::Permission::ViewOwnRecord) && !me.can(branchdesk_api::Permission::ViewStudent);
    let teaching = matches!(&today, Some(Ok(list)) if !list.is_empty());
    html! {
        <section id="home">
            <h1>{ format!("Good day, {first}") }</h1>
            if me.user.must_change_password {
                <div class="notice">{ "Your password was reset by an administrator. Choose your own in My account." }</div>
            }
            if let Some(by) = me.two_factor_due_by {
                <div class="notice" id="two-factor-due">
                    { super::account::due_notice(by) }{ " " }
                    <button class="link" onclick={let nav = s.navigate.clone(); move |_| nav.emit(crate::nav::Page::Account)}>{ "Set it up now" }</button>
                </div>
            }
            if own { <super::take_quiz::MyQuizzesCard /> <super::learning::MyRecordCard /> }
            if teaching {
                <div class="card" id="today-sessions">
                    <h2>{ "Your classes today" }</h2>
                    <p class="muted">{ "Open one to mark attendance." }</p>
                    { show(&today, |list: &Vec<ClassSession>| html! {
                        <ul class="plain">
                            { for list.iter().map(|c| html! {
                                <li class={classes!((c.status == SessionStatus::Cancelled).then_some("inactive"))}>
                                    <button class="link today-session" onclick={let (nav, id) = (s.navigate.clone(), c.id); move |_| nav.emit(crate::nav::Page::Sheet(id))}>
                                        <strong>{ format!("{}–{} ", c.start, c.end) }</strong>{ &c.batch_name }
                                    </button>
                                    <span class="muted">{ format!(" · {}", c.room_name) }</span>
                                    if c.substitute_id.is_some() { <span class="tag">{ format!("covering for {}", c.teacher_name) }</span> }
                                    if c.status == SessionStatus::Cancelled { <span class="tag">{ "cancelled" }</span> }
                                </li>
                            }) }
                        </ul>
                    }) }
                </div>
            }
            <div class="cards">
                <div class="card">
                    <h2>{ "Your roles" }</h2>
                    if me.user.grants.is_empty() {
                        <p class="muted">{ "You hold no role yet. Ask an administrator to give you one." }</p>
                    }
                    <ul class="plain">
                        { for me.user.grants.iter().map(|g| html! {
                            <li>
                                <strong>{ &g.role_name }</strong>{ format!(" · {}", g.branch_name) }
                                if let Some(d) = g.expires_on { <span class="muted">{ format!(" · until {}", d.format("%d %b %Y")) }</span> }
                                if !g.in_force { <span class="tag">{ "expired" }</span> }
                            </li>
                        }) }
                    </ul>
                </div>
                <div class="card">
                    <h2>{ "Branches" }</h2>
                    if me.branches.is_empty() { <p class="muted">{ "No branch yet." }</p> }
                    <ul class="plain">
                        { for me.branches.iter().map(|b| html! { <li><strong>{ &b.code }</strong>{ format!(" · {}", b.name) }</li> }) }
                    </ul>
                </div>
                <div class="card">
                    <h2>{ "Get around" }</h2>
                    <p>{ "Ctrl+K opens “Go to”. Alt+1 to Alt+9 open the areas on the left in order." }</p>
                    if areas.len() > 1 { <p class="muted">{ format!("You can open: {}.", areas.join(", ")) }</p> }
                </div>
            </div>
        </section>
    }
}
