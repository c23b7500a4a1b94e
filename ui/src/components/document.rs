//! Print, Open and Save PDF for a receipt, salary slip or invoice. Print
//! lays the document out in the page (from the same lines its PDF is drawn
//! from) and opens the system's print dialog; Open saves the PDF and hands
//! it to the computer's PDF viewer.

use crate::components::session::use_session;
use crate::invoke::call;
use branchdesk_api::amount::format_in;
use branchdesk_api::commands::imports::OpenSavedFile;
use branchdesk_api::commands::money::{
    GetPrintable, PrintKind, PrintStyle, Printable, SaveInvoicePdf, SaveReceiptPdf, SaveSalarySlip,
};
use branchdesk_api::ids::{InvoiceId, ReceiptId, SalaryLineId};
use branchdesk_api::uuid::Uuid;
use branchdesk_api::ApiError;
use yew::platform::spawn_local;
use yew::prelude::*;

/// Saves the document's PDF in the desk's exports folder; answers its path.
async fn save(kind: PrintKind, id: Uuid) -> Result<String, ApiError> {
    match kind {
        PrintKind::Receipt => call(&SaveReceiptPdf { receipt_id: ReceiptId(id) }).await,
        PrintKind::SalarySlip => call(&SaveSalarySlip { id: SalaryLineId(id) }).await,
        PrintKind::Invoice => call(&SaveInvoicePdf { id: InvoiceId(id) }).await,
    }
}

/// Lays the document out in `#print-sheet` (the only thing the print
/// stylesheet shows) and opens the print dialog.
pub async fn print(kind: PrintKind, id: Uuid) -> Result<(), ApiError> {
    print_document(&call(&GetPrintable { kind, id }).await?)
}

/// Lays `doc` out in `#print-sheet` and opens the print dialog.
pub fn print_document(doc: &Printable) -> Result<(), ApiError> {
    let failed = || ApiError::internal("The print view could not be laid out.");
    let window = web_sys::window().ok_or_else(failed)?;
    let document = window.document().ok_or_else(failed)?;
    let body = document.body().ok_or_else(failed)?;
    let sheet = match document.get_element_by_id("print-sheet") {
        Some(s) => s,
        None => {
            let s = document.create_element("div").map_err(|_| failed())?;
            s.set_id("print-sheet");
            body.append_child(&s).map_err(|_| failed())?;
            s
        }
    };
    sheet.set_text_content(None);
    sheet.set_attribute("data-title", &doc.title).map_err(|_| failed())?;
    lay_out(&document, &sheet, doc).ok_or_else(failed)?;
    window.print().map_err(|_| ApiError::internal("The print dialog could not be opened."))
}

fn lay_out(document: &web_sys::Document, sheet: &web_sys::Element, doc: &Printable) -> Option<()> {
    for l in &doc.lines {
        let line: web_sys::HtmlElement =
            wasm_bindgen::JsCast::dyn_into(document.create_element("div").ok()?).ok()?;
        let style = match l.style {
            PrintStyle::Title => "title",
            PrintStyle::Heading => "heading",
            PrintStyle::Text => "text",
            PrintStyle::Strong => "strong",
            PrintStyle::Small => "small",
            PrintStyle::Footnote => "footnote",
            PrintStyle::Total => "total",
        };
        line.set_class_name(&format!("print-line {style}"));
        if l.space_before > 0 {
            // Through the style object, not a `style` attribute: the
            // Content Security Policy allows no inline styles.
            line.style().set_property("margin-top", &format!("{}pt", l.space_before)).ok()?;
        }
        let words = document.create_element("span").ok()?;
        words.set_text_content(Some(&l.text));
        line.append_child(&words).ok()?;
        let shown = match l.amount_minor {
            Some(minor) => Some(format_in(&doc.currency, minor)),
            None if !l.figure.trim().is_empty() => Some(l.figure.trim().to_owned()),
            None => None,
        };
        if let Some(text) = shown {
            let figure = document.create_element("span").ok()?;
            figure.set_class_name("figure");
            figure.set_text_content(Some(&text));
            line.append_child(&figure).ok()?;
        }
        sheet.append_child(&line).ok()?;
    }
    Some(())
}

#[derive(Properties, PartialEq)]
pub struct DocumentActionsProps {
    pub kind: PrintKind,
    pub id: Uuid,
    /// Says what happened ("Receipt saved as …").
    pub on_notice: Callback<String>,
    pub on_error: Callback<ApiError>,
}

/// The three buttons beside a receipt, slip or invoice.
#[component]
pub fn DocumentActions(p: &DocumentActionsProps) -> Html {
    let s = use_session();
    let busy = use_state(|| false);
    let run = |what: Action| {
        let (kind, id, notice, error, s, busy) =
            (p.kind, p.id, p.on_notice.clone(), p.on_error.clone(), s.clone(), busy.clone());
        Callback::from(move |_: MouseEvent| {
            let (notice, error, s, busy) = (notice.clone(), error.clone(), s.clone(), busy.clone());
            busy.set(true);
            spawn_local(async move {
                let outcome = act(what, kind, id).await;
                busy.set(false);
                match outcome {
                    Ok(Some(text)) => notice.emit(text),
                    Ok(None) => {}
                    Err(e) => error.emit(s.check(e)),
                }
            });
        })
    };
    html! {
        <span class="doc-actions">
            <button type="button" class="print" disabled={*busy} onclick={run(Action::Print)}>{ "Print" }</button>
            <button type="button" class="open" disabled={*busy} onclick={run(Action::Open)}>{ "Open" }</button>
            <button type="button" class="save-pdf" disabled={*busy} onclick={run(Action::Save)}>{ "Save PDF" }</button>
        </span>
    }
}

#[derive(Clone, Copy)]
enum Action {
    Print,
    Open,
    Save,
}

async fn act(what: Action, kind: PrintKind, id: Uuid) -> Result<Option<String>, ApiError> {
    match what {
        Action::Print => print(kind, id).await.map(|_| None),
        Action::Save => Ok(Some(format!("{} saved as {}", kind.label(), save(kind, id).await?))),
        Action::Open => {
            let path = save(kind, id).await?;
            call(&OpenSavedFile { path: path.clone() }).await?;
            Ok(Some(format!("{} opened ({path}).", kind.label())))
        }
    }
}
