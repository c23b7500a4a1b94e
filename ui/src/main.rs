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
    yew::set_custom_panic_hook(Box::new(show_fatal));
    yew::Renderer::<app::App>::new().render();
}

/// A bug in the UI stops it: say so on the screen (and in the console)
/// instead of leaving a half-drawn page that ignores every key.
fn show_fatal(info: &std::panic::PanicHookInfo<'_>) {
    let text = format!(
        "Something went wrong in this screen and it stopped. Your saved work is safe; restart the app. ({info})"
    );
    web_sys::console::error_1(&text.clone().into());
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let (Ok(div), Some(body)) = (doc.create_element("div"), doc.body()) else { return };
    div.set_id("fatal");
    div.set_class_name("form-error");
    div.set_attribute("role", "alert").ok();
    div.set_text_content(Some(&text));
    body.prepend_with_node_1(&div).ok();
}
