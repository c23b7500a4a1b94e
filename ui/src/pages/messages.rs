//! Messages to parents: drafts to review (send or discard the chosen ones
//! in one action), those waiting to go out, sent, failed (with the
//! provider's reason, corrected and sent again) and discarded.

use crate::components::branch::branch_picker;
use crate::components::field::FormError;
use crate::components::session::use_session;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::attendance::{
    ListNotifications, Notification, NotificationChannel, NotificationState, ReviewNotifications,
    MESSAGES_PAGE,
};
use branchdesk_api::commands::channels::ResendNotification;
use branchdesk_api::commands::settings::ListSettings;
use branchdesk_api::settings::{SettingValue, SMS_PART_COST};
use branchdesk_api::sms::{segments, Encoding};
use branchdesk_api::ApiError;
use yew::prelude::*;

#[component]
pub fn MessagesPage() -> Html {
    let s = use_session();
    let branch = use_state(|| s.me.branches.first().map(|b| b.id).unwrap_or_default());
    let state = use_state(|| NotificationState::Draft);
    // What one SMS part costs, for the estimate (none when not shown to this person).
    let (settings, _) = use_query(ListSettings { branch_id: None });
    let part_cost = match &settings {
        Some(Ok(list)) => list.iter().find(|st| st.key == SMS_PART_COST).and_then(|st| match st.value {
            SettingValue::Integer(v) if v > 0 => Some(v),
            _ => None,
        }),
        _ => None,
    };
    // The page shown: the cursors of the pages before it (empty: the newest).
    let pages = use_state(Vec::<String>::new);
    let older_than = pages.last().cloned().unwrap_or_default();
    let (list, reload) = use_query(ListNotifications { branch_id: *branch, state: *state, older_than });
    let chosen = use_state(Vec::<branchdesk_api::uuid::Uuid>::new);
    let error = use_state(|| None::<ApiError>);
    let done = use_state(|| None::<String>);
    let review = |approve: bool| {
        let (chosen, error, s, reload, done) =
            (chosen.clone(), error.clone(), s.clone(), reload.clone(), done.clone());
        Callback::from(move |_: MouseEvent| {
            let (chosen2, reload, done) = (chosen.clone(), reload.clone(), done.clone());
            act(
                ReviewNotifications { ids: (*chosen).clone(), approve },
                error.clone(),
                s.clone(),
                move |n| {
                    let what = if n == 1 { "1 message".to_owned() } else { format!("{n} messages") };
                    done.set(Some(if approve {
                        format!("{what} approved: each goes out by its guardian's channel.")
                    } else {
                        format!("{what} discarded.")
                    }));
                    chosen2.set(Vec::new());
                    reload.emit(());
                },
            );
        })
    };
    let toggle = |id: branchdesk_api::uuid::Uuid| {
        let chosen = chosen.clone();
        Callback::from(move |_: Event| {
            let mut list = (*chosen).clone();
            if let Some(i) = list.iter().position(|x| *x == id) {
                list.remove(i);
            } else {
                list.push(id);
            }
            chosen.set(list);
        })
    };
    let all = {
        let (chosen, list) = (chosen.clone(), list.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(Ok(l)) = &list {
                chosen.set(l.iter().map(|n| n.id).collect());
            }
        })
    };
    html! {
        <section id="messages">
            <header class="page-head"><h1>{ "Messages to parents" }</h1>{ branch_picker(&s.me.branches, branch.clone()) }</header>
            <div class="tabs" role="tablist">
                { for NotificationState::ALL.iter().map(|st| { let (state2, pages) = (state.clone(), pages.clone()); let st = *st; html! {
                    <button role="tab" class={classes!((*state == st).then_some("current"))} onclick={move |_| { pages.set(Vec::new()); state2.set(st) }}>{ st.label() }</button>
                }}) }
            </div>
            <FormError error={(*error).clone()} fields={vec![]} />
            if let Some(d) = &*done { <p class="notice success">{ d }</p> }
            if *state == NotificationState::Draft {
                <div class="toolbar">
                    <button onclick={all}>{ "Choose all" }</button>
                    <button class="primary" id="send-chosen" onclick={review(true)} disabled={chosen.is_empty()}>{ format!("Send {} chosen", chosen.len()) }</button>
                    <button onclick={review(false)} disabled={chosen.is_empty()}>{ "Discard chosen" }</button>
                    if chosen.is_empty() {
                        <span class="muted">{ "Nothing is sent until you send it here (unless the branch's settings say so)." }</span>
                    } else {
                        <span class="muted" id="sms-estimate">{ sms_estimate(&list, &chosen, part_cost) }</span>
                    }
                </div>
            }
            { paging(&list, &pages) }
            { show(&list, |l: &Vec<Notification>| html! {
                if l.is_empty() { <p class="empty">{ "No messages here." }</p> } else {
                    <ul class="plain" id="message-list">{ for l.iter().map(|n| html! {
                        <li class="card">
                            <label class="check">
                                if *state == NotificationState::Draft { <input type="checkbox" checked={chosen.contains(&n.id)} onchange={toggle(n.id)} /> }
                                <strong>{ format!(" {} ({} {})", n.recipient_name, channel_label(&n.channel), n.recipient) }</strong>
                            </label>
                            <div>{ &n.body }</div>
                            if NotificationChannel::parse(&n.channel) == Some(NotificationChannel::Sms) {
                                <div class="muted sms-parts">{ sms_parts(&n.body) }</div>
                            }
                            { delivery(n) }
                            if n.state == NotificationState::Failed {
                                <Resend message={n.clone()} on_done={reload.clone()} />
                            }
                        </li>
                    }) }</ul>
                }
            }) }
        </section>
    }
}

/// "1 SMS" or "3 SMS parts (Unicode: 67 characters a part)".
fn sms_parts(body: &str) -> String {
    let s = segments(body);
    let unicode =
        if s.encoding == Encoding::Ucs2 { " (Unicode: 70 characters in one, 67 a part)" } else { "" };
    match s.parts {
        1 => format!("1 SMS{unicode}"),
        n => format!("{n} SMS parts{unicode}"),
    }
}

/// The chosen messages' SMS parts, and what they cost when a price is set.
fn sms_estimate(
    list: &Option<Result<Vec<Notification>, ApiError>>,
    chosen: &[branchdesk_api::uuid::Uuid],
    part_cost: Option<i64>,
) -> String {
    let Some(Ok(l)) = list else { return String::new() };
    let sms: Vec<&Notification> = l
        .iter()
        .filter(|n| {
            chosen.contains(&n.id) && NotificationChannel::parse(&n.channel) == Some(NotificationChannel::Sms)
        })
        .collect();
    let parts: usize = sms.iter().map(|n| segments(&n.body).parts).sum();
    let others = chosen.len() - sms.len();
    let in_parts = if parts == 1 { "1 part".to_owned() } else { format!("{parts} parts") };
    let mut text = format!("{} chosen: {} by SMS ({in_parts})", chosen.len(), sms.len());
    if let Some(cost) = part_cost.filter(|_| parts > 0) {
        text.push_str(&format!(" ≈ ₹{}", crate::format::money(cost * parts as i64)));
    }
    if others > 0 {
        text.push_str(&format!(", {others} by email or WhatsApp"));
    }
    text
}

/// "Newest" and "Older" when the messages run to more than a page.
fn paging(list: &Option<Result<Vec<Notification>, ApiError>>, pages: &UseStateHandle<Vec<String>>) -> Html {
    let Some(Ok(l)) = list else { return html! {} };
    let older = (l.len() == MESSAGES_PAGE).then(|| l.last().map(|n| n.cursor.clone())).flatten();
    if older.is_none() && pages.is_empty() {
        return html! {};
    }
    let newest = {
        let pages = pages.clone();
        Callback::from(move |_: MouseEvent| pages.set(Vec::new()))
    };
    let next = {
        let pages = pages.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(c) = &older {
                let mut p = (*pages).clone();
                p.push(c.clone());
                pages.set(p);
            }
        })
    };
    html! {
        <div class="toolbar paging">
            <button onclick={newest} disabled={pages.is_empty()}>{ "‹ Newest" }</button>
            <span class="muted">{ format!("Page {}", pages.len() + 1) }</span>
            <button id="older-messages" onclick={next} disabled={l.len() < MESSAGES_PAGE}>{ "Older ›" }</button>
        </div>
    }
}

/// "Email" for "EMAIL".
fn channel_label(wire: &str) -> &str {
    NotificationChannel::parse(wire).map(|c| c.label()).unwrap_or(wire)
}

/// When a message went (or goes next) and why it did not.
fn delivery(n: &Notification) -> Html {
    let at = n.when.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    let at = at.map(|t| crate::format::when(&t.with_timezone(&chrono::Utc))).unwrap_or_default();
    let tries = if n.attempts == 1 { "once".to_owned() } else { format!("{} times", n.attempts) };
    match n.state {
        NotificationState::Sent => html! { <p class="muted delivery">{ format!("Sent {at}.") }</p> },
        NotificationState::Failed => {
            html! { <p class="field-error delivery" role="alert">{ format!("Not sent: {}", n.error) }</p> }
        }
        NotificationState::Approved if n.attempts > 0 => html! {
            <p class="muted delivery">{ format!("Tried {tries}: {} Next try {at}.", n.error) }</p>
        },
        _ => html! {},
    }
}

#[derive(Properties, PartialEq)]
struct ResendProps {
    message: Notification,
    on_done: Callback<()>,
}

/// A failed message sent again, to the address or number as corrected.
#[component]
fn Resend(p: &ResendProps) -> Html {
    let s = use_session();
    let recipient = use_state(|| p.message.recipient.clone());
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (recipient, error, s, on_done, id) =
            (recipient.clone(), error.clone(), s.clone(), p.on_done.clone(), p.message.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let on_done = on_done.clone();
            act(
                ResendNotification { id, recipient: (*recipient).clone() },
                error.clone(),
                s.clone(),
                move |_| on_done.emit(()),
            );
        })
    };
    let label = format!("{} to", channel_label(&p.message.channel));
    html! {
        <form class="row resend" {onsubmit}>
            <crate::components::field::Field label={label} name="recipient" id={format!("resend-{}", p.message.id)} value={(*recipient).clone()} on_input={let r = recipient.clone(); Callback::from(move |v| r.set(v))} error={(*error).clone()} />
            <div class="actions"><button type="submit">{ "Send again" }</button></div>
            <FormError error={(*error).clone()} fields={vec!["recipient"]} />
        </form>
    }
}
