//! "Close Physics XI-A? …  [Yes, close it ⏎] [Keep it Esc]": a question
//! asked in place before an action that is not undone by a click, with the
//! answer on the keyboard (the yes button takes the focus).

use crate::components::keys::esc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConfirmProps {
    pub question: AttrValue,
    /// "Yes, close it"
    pub yes: AttrValue,
    pub on_yes: Callback<()>,
    pub on_no: Callback<()>,
}

#[component]
pub fn Confirm(p: &ConfirmProps) -> Html {
    let yes = use_node_ref();
    {
        let yes = yes.clone();
        use_effect_with((), move |_| {
            if let Some(b) = yes.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let onsubmit = {
        let on_yes = p.on_yes.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_yes.emit(());
        })
    };
    let no = p.on_no.clone();
    html! {
        <form class="confirm" role="alertdialog" aria-label={p.question.clone()} {onsubmit} onkeydown={esc(p.on_no.clone())}>
            <span>{ p.question.clone() }</span>
            <button type="submit" class="danger confirm-yes" ref={yes}>{ p.yes.clone() }{ " " }<kbd>{ "Enter" }</kbd></button>
            <button type="button" class="confirm-keep" onclick={move |_| no.emit(())}>{ "Keep it " }<kbd>{ "Esc" }</kbd></button>
        </form>
    }
}
