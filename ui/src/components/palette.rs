//! Ctrl+K: type a few letters of a place, Enter goes there, Esc closes.

use crate::nav::{Area, Page};
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PaletteProps {
    pub areas: Vec<Page>,
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
    let q = query.to_lowercase();
    let matches: Vec<Page> =
        p.areas.iter().copied().filter(|pg| label(*pg).to_lowercase().contains(&q)).collect();
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
                <input ref={input} id="palette-input" placeholder="Go to… (type, ↑↓, Enter; Esc closes)" value={(*query).clone()} {oninput} {onkeydown} />
                <ul>
                    { for matches.iter().enumerate().map(|(i, pg)| {
                        let pick = { let on_pick = p.on_pick.clone(); let pg = *pg; Callback::from(move |_: MouseEvent| on_pick.emit(pg)) };
                        html! { <li class={classes!((i == *selected).then_some("selected"))} onclick={pick}>{ label(*pg) }</li> }
                    }) }
                    if matches.is_empty() { <li class="empty">{ "Nothing matches." }</li> }
                </ul>
            </div>
        </div>
    }
}
