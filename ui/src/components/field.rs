//! A labelled input that shows the error of the field it names.

use branchdesk_api::ApiError;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    pub label: AttrValue,
    /// The input's field name, as errors name it.
    pub name: AttrValue,
    pub value: AttrValue,
    pub on_input: Callback<String>,
    #[prop_or_default]
    pub error: Option<ApiError>,
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub autofocus: bool,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    /// The element id when two forms on a page share a field name.
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

#[component]
pub fn Field(p: &FieldProps) -> Html {
    let oninput = {
        let cb = p.on_input.clone();
        Callback::from(move |e: InputEvent| cb.emit(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let error = p.error.as_ref().filter(|e| e.is_for(&p.name)).map(|e| e.message.clone());
    let id = p.id.as_ref().map(|i| i.to_string()).unwrap_or_else(|| format!("field-{}", p.name));
    html! {
        <div class={classes!("field", error.is_some().then_some("has-error"))}>
            <label for={id.clone()}>{ &p.label }</label>
            <input id={id.clone()} name={p.name.clone()} type={p.kind.clone()} value={p.value.clone()}
                {oninput} autofocus={p.autofocus} autocomplete={p.autocomplete.clone()}
                aria-invalid={error.is_some().to_string()} aria-describedby={format!("{id}-msg")} />
            if let Some(msg) = error {
                <div class="field-error" id={format!("{id}-msg")} role="alert">{ msg }</div>
            } else if let Some(h) = &p.hint {
                <div class="field-hint" id={format!("{id}-msg")}>{ h }</div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FormErrorProps {
    pub error: Option<ApiError>,
    /// Fields the form shows; errors for other fields (or none) show here.
    pub fields: Vec<&'static str>,
}

/// An error that no field of the form displays.
#[component]
pub fn FormError(p: &FormErrorProps) -> Html {
    match &p.error {
        Some(e) if !e.field.as_deref().is_some_and(|f| p.fields.contains(&f)) => {
            html! { <div class="form-error" role="alert">{ &e.message }</div> }
        }
        _ => html! {},
    }
}

/// A callback that sets one state, e.g. from a field's input.
pub fn setter<T: 'static>(state: &UseStateHandle<T>) -> Callback<T> {
    let state = state.clone();
    Callback::from(move |v| state.set(v))
}

#[derive(Properties, PartialEq)]
pub struct FormActionsProps {
    /// The submit button's words, e.g. "Save room".
    pub save: AttrValue,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// Shows a Cancel (Esc) button when given.
    #[prop_or_default]
    pub on_cancel: Option<Callback<()>>,
}

/// The submit (Enter) and cancel (Esc) buttons at the foot of a form.
#[component]
pub fn FormActions(p: &FormActionsProps) -> Html {
    html! {
        <div class="actions">
            <button type="submit" class="primary" id={p.id.clone()}>{ format!("{} ", p.save) }<kbd>{ "Enter" }</kbd></button>
            if let Some(cancel) = &p.on_cancel {
                <button type="button" onclick={cancel.reform(|_| ())}>{ "Cancel " }<kbd>{ "Esc" }</kbd></button>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SelectProps {
    pub label: AttrValue,
    /// The input's field name, as errors name it.
    pub name: AttrValue,
    /// The chosen option's value ("" for none).
    pub value: AttrValue,
    /// (value, label) pairs.
    pub options: Vec<(String, String)>,
    pub on_change: Callback<String>,
    #[prop_or_default]
    pub error: Option<ApiError>,
    /// Offers an empty choice with this label first.
    #[prop_or_default]
    pub none: Option<AttrValue>,
    /// The element id when two forms on a page share a field name.
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

/// A labelled drop-down that shows the error of the field it names.
#[component]
pub fn Select(p: &SelectProps) -> Html {
    let onchange = {
        let cb = p.on_change.clone();
        Callback::from(move |e: Event| {
            cb.emit(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value())
        })
    };
    let error = p.error.as_ref().filter(|e| e.is_for(&p.name)).map(|e| e.message.clone());
    let id = p.id.as_ref().map(|i| i.to_string()).unwrap_or_else(|| format!("field-{}", p.name));
    html! {
        <div class={classes!("field", error.is_some().then_some("has-error"))}>
            <label for={id.clone()}>{ &p.label }</label>
            <select id={id.clone()} name={p.name.clone()} {onchange} aria-invalid={error.is_some().to_string()}>
                if let Some(none) = &p.none { <option value="" selected={p.value.is_empty()}>{ none }</option> }
                { for p.options.iter().map(|(v, l)| html! { <option value={v.clone()} selected={*v == *p.value}>{ l }</option> }) }
            </select>
            if let Some(msg) = error { <div class="field-error" role="alert">{ msg }</div> }
        </div>
    }
}

/// Reads a chosen file into (name, base64) for attaching (a lesson
/// resource, a bill); larger than 2 MB is refused at once.
pub fn pick_file(
    file: UseStateHandle<Option<(String, String)>>,
    error: UseStateHandle<Option<ApiError>>,
) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        let Some(f) = input.files().and_then(|l| l.get(0)) else { return };
        if f.size() > branchdesk_api::commands::academics::MAX_ATTACHMENT_BYTES as f64 {
            file.set(None);
            return error.set(Some(ApiError::invalid("content_b64", "Attach at most 2 MB.")));
        }
        let (file, error) = (file.clone(), error.clone());
        yew::platform::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(f.array_buffer()).await {
                Ok(buffer) => {
                    use base64::Engine;
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    file.set(Some((f.name(), base64::engine::general_purpose::STANDARD.encode(bytes))));
                }
                Err(_) => error.set(Some(ApiError::invalid("content_b64", "That file could not be read."))),
            }
        });
    })
}
