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
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    #[prop_or_default]
    pub inputmode: Option<AttrValue>,
    /// Gets the text when the person leaves the field.
    #[prop_or_default]
    pub on_blur: Option<Callback<String>>,
    /// The field's own finding (a date refused on leaving it), shown as an
    /// error when the desk has none for the field.
    #[prop_or_default]
    pub note: Option<AttrValue>,
}

/// Focuses the element once, when it first shows (the HTML `autofocus`
/// attribute acts only on page load, not on a form opened later).
#[hook]
pub fn use_focus_on_mount(node: NodeRef, on: bool) {
    use_effect_with((), move |_| {
        if on {
            if let Some(el) = node.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// The error for this field, hidden once the person changes the field
/// after it appeared (it comes back with the next answer that names it).
#[hook]
fn use_live_error(error: Option<AttrValue>, value: AttrValue) -> Option<AttrValue> {
    // The value the field held when the error arrived.
    let held = use_state(|| None::<AttrValue>);
    {
        let (held, value) = (held.clone(), value.clone());
        use_effect_with(error.clone(), move |e| held.set(e.as_ref().map(|_| value)));
    }
    match (&error, &*held) {
        (Some(_), Some(v)) if *v != value => None,
        _ => error,
    }
}

#[component]
pub fn Field(p: &FieldProps) -> Html {
    let oninput = {
        let cb = p.on_input.clone();
        Callback::from(move |e: InputEvent| cb.emit(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let onblur = p.on_blur.clone().map(|cb| {
        Callback::from(move |e: FocusEvent| cb.emit(e.target_unchecked_into::<HtmlInputElement>().value()))
    });
    let node = use_node_ref();
    use_focus_on_mount(node.clone(), p.autofocus);
    let error = p.error.as_ref().filter(|e| e.is_for(&p.name)).map(|e| AttrValue::from(e.message.clone()));
    let error = use_live_error(error, p.value.clone()).or_else(|| p.note.clone());
    let id = p.id.as_ref().map(|i| i.to_string()).unwrap_or_else(|| format!("field-{}", p.name));
    html! {
        <div class={classes!("field", error.is_some().then_some("has-error"))}>
            <label for={id.clone()}>{ &p.label }</label>
            <input ref={node} id={id.clone()} name={p.name.clone()} type={p.kind.clone()} value={p.value.clone()}
                {oninput} {onblur} autocomplete={p.autocomplete.clone()} placeholder={p.placeholder.clone()}
                inputmode={p.inputmode.clone()}
                aria-invalid={error.is_some().to_string()} aria-describedby={format!("{id}-msg")} />
            if let Some(msg) = error {
                <div class="field-error" id={format!("{id}-msg")} role="alert">{ msg }</div>
            } else if let Some(h) = &p.hint {
                <div class="field-hint" id={format!("{id}-msg")}>{ h }</div>
            }
        </div>
    }
}

/// The last complete date typed into a field that drives a list (as typed,
/// or empty for the desk's default), so a half-typed date does not reload
/// the list with an error.
#[hook]
pub fn use_settled_date(text: String) -> String {
    let settled = use_state(String::new);
    {
        let settled = settled.clone();
        use_effect_with(text, move |t| {
            if t.trim().is_empty() || branchdesk_api::dates::parse(t).is_ok() {
                settled.set(t.clone());
            }
        });
    }
    (*settled).clone()
}

#[derive(Properties, PartialEq)]
pub struct DateFieldProps {
    pub label: AttrValue,
    /// The input's field name, as errors name it.
    pub name: AttrValue,
    /// What the person typed, or an ISO date from the desk (shown day first).
    pub value: AttrValue,
    /// Gets the text as typed; the desk reads it day first.
    pub on_input: Callback<String>,
    #[prop_or_default]
    pub error: Option<ApiError>,
    #[prop_or_default]
    pub autofocus: bool,
    /// Said after the format, e.g. "empty: today".
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

/// A date typed day first (DD/MM/YYYY) whatever the system's locale: a
/// text field of our own rather than the webview's date input, which reads
/// month first under an en-US system. An impossible date is refused beside
/// the field as soon as the person leaves it.
#[component]
pub fn DateField(p: &DateFieldProps) -> Html {
    use branchdesk_api::dates;
    // The check made when the person left the field (None: fine or unchecked).
    let local = use_state(|| None::<AttrValue>);
    let on_input = {
        let (cb, local) = (p.on_input.clone(), local.clone());
        Callback::from(move |text: String| {
            local.set(None);
            cb.emit(text)
        })
    };
    let on_blur = {
        let (cb, local) = (p.on_input.clone(), local.clone());
        Callback::from(move |text: String| {
            if text.trim().is_empty() {
                return;
            }
            match dates::parse(&text) {
                // Written out in full, so the clerk sees which day was read.
                Ok(d) if dates::show(d) != text => cb.emit(dates::show(d)),
                Ok(_) => {}
                Err(e) => local.set(Some(e.message().into())),
            }
        })
    };
    let hint = match &p.hint {
        Some(h) => format!("DD/MM/YYYY · {h}"),
        None => "DD/MM/YYYY".to_owned(),
    };
    html! {
        <Field label={p.label.clone()} name={p.name.clone()} value={dates::show_iso(&p.value)} {on_input}
            error={p.error.clone()} autofocus={p.autofocus} hint={hint} id={p.id.clone()}
            autocomplete="off" placeholder="DD/MM/YYYY" inputmode="numeric" on_blur={on_blur}
            note={(*local).clone()} />
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
    let error = p.error.as_ref().filter(|e| e.is_for(&p.name)).map(|e| AttrValue::from(e.message.clone()));
    let error = use_live_error(error, p.value.clone());
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
/// resource, a bill, a hand-in) and hands it to `file`; larger than
/// `max_bytes` is refused at once (`file` gets None) with an error on `field`.
pub fn pick_file(
    file: Callback<Option<(String, String)>>,
    error: UseStateHandle<Option<ApiError>>,
    max_bytes: usize,
    field: &'static str,
) -> Callback<Event> {
    Callback::from(move |e: Event| {
        use branchdesk_api::commands::attachments::size_text;
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        let Some(f) = input.files().and_then(|l| l.get(0)) else { return };
        if f.size() > max_bytes as f64 {
            file.emit(None);
            let message = format!(
                "{} is {}; attach at most {}.",
                f.name(),
                size_text(f.size() as u64),
                size_text(max_bytes as u64)
            );
            return error.set(Some(ApiError::invalid(field, message)));
        }
        let (file, error) = (file.clone(), error.clone());
        yew::platform::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(f.array_buffer()).await {
                Ok(buffer) => {
                    use base64::Engine;
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    file.emit(Some((f.name(), base64::engine::general_purpose::STANDARD.encode(bytes))));
                }
                Err(_) => error.set(Some(ApiError::invalid(field, "That file could not be read."))),
            }
        });
    })
}
