//! The signed-in window: sidebar of the areas this user may open, the page,
//! the status bar; Alt+1…9 opens an area, Ctrl+K the palette, Alt+Q signs out.

use super::palette::Palette;
use super::status_bar::StatusBar;
use crate::nav::{self, Page};
use branchdesk_api::commands::session::Me;
use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FrameProps {
    pub me: Me,
    pub page: Page,
    pub on_navigate: Callback<Page>,
    pub on_logout: Callback<()>,
    pub status_version: u32,
    pub children: Html,
}

#[component]
pub fn Frame(p: &FrameProps) -> Html {
    let areas: Vec<Page> = nav::visible(&p.me.permissions).iter().map(|a| a.page).collect();
    let palette = use_state(|| false);
    {
        let (areas, palette, nav, logout) =
            (areas.clone(), palette.clone(), p.on_navigate.clone(), p.on_logout.clone());
        use_effect_with(areas.clone(), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let listener = doc.map(|d| {
                EventListener::new(&d, "keydown", move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
                    if e.ctrl_key() && e.key().eq_ignore_ascii_case("k") {
                        e.prevent_default();
                        palette.set(true);
                    } else if e.alt_key() && e.key().eq_ignore_ascii_case("q") {
                        e.prevent_default();
                        logout.emit(());
                    } else if e.alt_key() {
                        if let Some(d) = e.key().chars().next().and_then(|c| c.to_digit(10)) {
                            if let Some(pg) = areas.get((d as usize).wrapping_sub(1)) {
                                e.prevent_default();
                                nav.emit(*pg);
                            }
                        }
                    }
                })
            });
            move || drop(listener)
        });
    }
    let pick = {
        let (palette, nav) = (palette.clone(), p.on_navigate.clone());
        Callback::from(move |pg| {
            palette.set(false);
            nav.emit(pg);
        })
    };
    let close = {
        let palette = palette.clone();
        Callback::from(move |_| palette.set(false))
    };
    // Each area opens at its top, not where the last one was scrolled to.
    let main = use_node_ref();
    {
        let main = main.clone();
        use_effect_with(p.page, move |_| {
            if let Some(el) = main.cast::<web_sys::Element>() {
                el.set_scroll_top(0);
            }
        });
    }
    let roles: Vec<String> =
        p.me.user.grants.iter().filter(|g| g.in_force).map(|g| g.role_name.clone()).collect();
    html! {
        <div class="frame">
            <nav class="sidebar" aria-label="Areas">
                <div class="brand">{ "Branchdesk" }</div>
                <ul id="areas">
                    { for nav::visible(&p.me.permissions).iter().enumerate().map(|(i, a)| {
                        let go = { let nav = p.on_navigate.clone(); let pg = a.page; Callback::from(move |_: MouseEvent| nav.emit(pg)) };
                        html! {
                            <li>
                                <button class={classes!("area", (a.page == p.page).then_some("current"))} data-area={a.label} onclick={go}
                                    aria-current={(a.page == p.page).then_some("page")}>
                                    <span>{ a.label }</span>
                                    if i < 9 { <kbd>{ format!("Alt+{}", i + 1) }</kbd> }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
                <div class="sidebar-foot">
                    <div class="who" id="signed-in-as">{ &p.me.user.full_name }</div>
                    <div class="muted small">{ roles.join(", ") }</div>
                    <button class="link" id="sign-out" onclick={p.on_logout.reform(|_| ())}>{ "Sign out " }<kbd>{ "Alt+Q" }</kbd></button>
                    <div class="muted small">{ "Ctrl+K: go to, find a student" }</div>
                </div>
            </nav>
            <main class="page" ref={main}>{ p.children.clone() }</main>
            <StatusBar version={p.status_version} />
            if *palette { <Palette areas={areas} students={p.me.can(branchdesk_api::Permission::ViewStudent)} on_pick={pick} on_close={close} /> }
        </div>
    }
}
