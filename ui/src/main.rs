//! The Branchdesk desk UI: Yew components that call the shell's typed
//! commands through [`invoke::call`].
//!
//! Invariant: no business rule lives here; the desk services decide and the
//! UI shows their answers (errors beside the field they name).

mod app;
mod components;
mod format;
mod hooks;
mod invoke;
mod nav;
mod pages;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
