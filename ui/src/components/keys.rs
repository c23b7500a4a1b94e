//! Keys a form answers to.

use yew::prelude::*;

/// Esc inside a form runs `cancel`, and goes no further: a form inside
/// an area that closes its panel on Esc (Users) is cancelled once, and a
/// question inside a form (cancelling a class) keeps the form open.
pub fn esc(cancel: Callback<()>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            e.stop_propagation();
            cancel.emit(());
        }
    })
}
