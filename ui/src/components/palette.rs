//! Ctrl+K: type a few letters of a place or of a student (name, code,
//! phone, a guardian's phone); Enter goes there, Esc closes.

use crate::invoke::call;
use crate::nav::{Area, Page};
use branchdesk_api::commands::students::{SearchStudents, StudentSummary};
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PaletteProps {
    pub areas: Vec<Page>,
    /// Offer students too (the user may see students).
    pub students: bool,
    pub on_pick: Callback<Page>,
    pub on_close: Callback<()>,
}

fn label(page: Page) -> &'static str {
    crate::nav::AREAS.iter().find(|a: &&Area| a.page == page).map(|a| a.label).unwrap_or("?")
}

#[component]
pub fn Palette(p: &PaletteProps) -> Html {
    let query = use_state(String::new);
    let selected = use_state(|| 0usize);
    let input = use_node_ref();
    {
        let input = input.clone();
        use_effect_with((), move |_| {
            if let Some(el) = input.cast::<HtmlInputElement>() {
                let _ = el.focus();
            }
        });
    }
    let found = use_state(Vec::<StudentSummary>::new);
    let asked = use_mut_ref(|| 0u32);
    {
        let (found, students, asked) = (found.clone(), p.students, asked.clone());
        use_effect_with((*query).clone(), move |q| {
            let input = SearchStudents { query: q.clone(), limit: 8 };
            *asked.borrow_mut() += 1;
            let this = *asked.borrow();
            if students && q.trim().chars().count() >= 2 {
                spawn_local(async move {
                    // Answers to older keystrokes that arrive late are dropped.
                    if let Ok(list) = call(&input).await {
                        if *asked.borrow() == this {
                            found.set(list);
                        }
                    }
                });
            } else {
                found.set(Vec::new());
            }
        });
    }
    let q = query.to_lowercase();
    let mut items: Vec<(Page, String)> = p
        .areas
        .iter()
        .copied()
        .filter(|pg| label(*pg).to_lowercase().contains(&q))
        .map(|pg| (pg, label(pg).to_owned()))
        .collect();
    items.extend(found.iter().map(|st| {
        let phone = st.phone.clone().or(st.guardian_phone.clone()).unwrap_or_default();
        (Page::Student(st.id), format!("{} · {} {}", st.full_name, st.code, phone))
    }));
    let matches: Vec<Page> = items.iter().map(|(pg, _)| *pg).collect();
    let onkeydown = {
        let (selected, matches, on_pick, on_close) =
            (selected.clone(), matches.clone(), p.on_pick.clone(), p.on_close.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowDown" => {
                e.prevent_default();
                selected.set((*selected + 1).min(matches.len().saturating_sub(1)));
            }
            "ArrowUp" => {
                e.prevent_default();
                selected.set(selected.saturating_sub(1));
            }
            "Enter" => {
                e.prevent_default();
                if let Some(pg) = matches.get(*selected) {
                    on_pick.emit(*pg);
                }
            }
            "Escape" => on_close.emit(()),
            _ => {}
        })
    };
    let oninput = {
        let (query, selected) = (query.clone(), selected.clone());
        Callback::from(move |e: InputEvent| {
            query.set(e.target_unchecked_into::<HtmlInputElement>().value());
            selected.set(0);
        })
    };
    let close = p.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="overlay" onclick={close}>
            <div class="palette" role="dialog" aria-label="Go to" onclick={|e: MouseEvent| e.stop_propagation()}>
                <input ref={input} id="palette-input" placeholder={if p.students { "Go to, or find a student… (↑↓, Enter; Esc closes)" } else { "Go to… (type, ↑↓, Enter; Esc closes)" }} value={(*query).clone()} {oninput} {onkeydown} />
                <ul id="palette-results">
                    { for items.iter().enumerate().map(|(i, (pg, text))| {
                        let pick = { let on_pick = p.on_pick.clone(); let pg = *pg; Callback::from(move |_: MouseEvent| on_pick.emit(pg)) };
                        let student = matches!(pg, Page::Student(_));
                        html! { <li class={classes!((i == *selected).then_some("selected"), student.then_some("student-hit"))} onclick={pick}>{ text }</li> }
                    }) }
                    if matches.is_empty() { <li class="empty">{ "Nothing matches." }</li> }
                </ul>
            </div>
        </div>
    }
}
