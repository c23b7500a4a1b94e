//! Fees: the branch's dues due today, overdue and coming up (a click opens
//! the student), and a student's fees: dues with what is paid, collecting a
//! payment (oldest dues first), receipts with their PDF, voids, refunds and
//! bounced cheques.

use crate::components::branch::branch_picker;
use crate::components::document::{print as print_receipt, DocumentActions};
use crate::components::field::{use_settled_date, DateField, Field, FormActions, FormError, Select};
use crate::components::form::use_form;
use crate::components::session::use_session;
use crate::format::{day, money};
use crate::hooks::{act, show, use_query};
use crate::nav::Page;
use branchdesk_api::commands::money::*;
use branchdesk_api::ids::StudentId;
use branchdesk_api::{ApiError, Permission};
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DuesProps {
    /// The branch to open on (from a number on Branches compared); None:
    /// the person's first branch.
    #[prop_or_default]
    pub branch: Option<branchdesk_api::ids::BranchId>,
}

#[component]
pub fn DuesPage(props: &DuesProps) -> Html {
    let s = use_session();
    let branch = use_state(|| props.branch.or(s.me.branches.first().map(|b| b.id)).unwrap_or_default());
    let window = use_state(|| DueWindow::Overdue);
    // The day book instead of a list of dues.
    let book = use_state(|| false);
    // The money review list instead.
    let review = use_state(|| false);
    let (list, reload) = use_query(ListDues { branch_id: *branch, window: *window });
    let importing = use_state(|| false);
    let notice = use_state(|| None::<String>);
    let error = use_state(|| None::<ApiError>);
    let remind = {
        let (notice, error, s, branch, window) = (notice.clone(), error.clone(), s.clone(), *branch, *window);
        Callback::from(move |_: MouseEvent| {
            let notice = notice.clone();
            act(DraftFeeReminders { branch_id: branch, window }, error.clone(), s.clone(), move |n: u32| {
                notice.set(Some(match n {
                    0 => {
                        "Every open fee here has a reminder already today (or no parent's phone).".to_owned()
                    }
                    n => format!("{n} reminder(s) drafted; review and send them under Messages."),
                }))
            });
        })
    };
    let late = {
        let (notice, error, s, branch, reload) =
            (notice.clone(), error.clone(), s.clone(), *branch, reload.clone());
        Callback::from(move |_: MouseEvent| {
            let (notice, reload) = (notice.clone(), reload.clone());
            act(ApplyLateFees { branch_id: branch }, error.clone(), s.clone(), move |n: u32| {
                notice.set(Some(match n {
                    0 => "No fee is past the grace days without its late fee.".to_owned(),
                    n => format!("{n} late fee(s) added; they fall due today."),
                }));
                reload.emit(());
            });
        })
    };
    html! {
        <section id="dues-page">
            <header class="page-head">
                <h1>{ "Fees due" }</h1>
                if s.me.can(Permission::CollectPayment) && !*importing {
                    <button id="import-balances" onclick={let i = importing.clone(); move |_| i.set(true)}>{ "Import opening balances" }</button>
                }
                { branch_picker(&s.me.branches, branch.clone()) }
            </header>
            if *importing {
                <crate::components::csv_import::CsvImport kind={branchdesk_api::commands::imports::ImportKind::OpeningBalances} branch_id={*branch}
                    on_imported={let r = reload.clone(); Callback::from(move |_| r.emit(()))}
                    on_close={let i = importing.clone(); Callback::from(move |_| i.set(false))} />
            }
            <FormError error={(*error).clone()} fields={vec![]} />
            if let Some(n) = &*notice { <div class="notice success" role="status" id="dues-notice">{ n }</div> }
            <div class="tabs" role="tablist">
                { for DueWindow::ALL.iter().map(|w| { let (window2, book2, review2) = (window.clone(), book.clone(), review.clone()); let w = *w; let on = !*book && !*review && *window == w; html! {
                    <button role="tab" id={format!("dues-{}", w.as_str().to_lowercase())} aria-selected={on.to_string()}
                        class={classes!(on.then_some("current"))} onclick={move |_| { window2.set(w); book2.set(false); review2.set(false) }}>{ w.label() }</button>
                }}) }
                <button role="tab" id="day-book-tab" aria-selected={(*book && !*review).to_string()} class={classes!((*book && !*review).then_some("current"))}
                    onclick={let (b, r) = (book.clone(), review.clone()); move |_| { b.set(true); r.set(false) }}>{ "Day book" }</button>
                if s.me.can(Permission::VoidPayment) {
                    <button role="tab" id="money-review-tab" aria-selected={review.to_string()} class={classes!(review.then_some("current"))}
                        onclick={let r = review.clone(); move |_| r.set(true)}>{ "Needs review" }</button>
                }
            </div>
            if *review { <super::money_review::MoneyReviews branch={*branch} /> }
            if *book && !*review { <DayBookView branch={*branch} /> }
            if !*book && !*review {
            { show(&list, |l: &Vec<DueLine>| {
                if l.is_empty() {
                    return html! { <p class="empty">{ "Nothing is due here." }</p> };
                }
                let total: i64 = l.iter().map(|d| d.due.amount_minor - d.due.paid_minor).sum();
                html! {
                    <>
                        <div class="toolbar">
                            <span>{ format!("{} {}, {} to collect.", l.len(), if l.len() == 1 { "fee" } else { "fees" }, money(total)) }</span>
                            if s.me.can(Permission::ReviewNotification) {
                                <button id="draft-reminders" onclick={remind.clone()}>{ "Draft reminders to parents" }</button>
                            }
                            if *window == DueWindow::Overdue && s.me.can(Permission::CollectPayment) {
                                <button id="apply-late-fees" onclick={late.clone()}>{ "Add late fees" }</button>
                            }
                        </div>
                        <table class="grid" id="dues-list">
                            <thead><tr><th>{ "Due on" }</th><th>{ "Student" }</th><th>{ "For" }</th><th class="num">{ "Open" }</th><th>{ "Parent's phone" }</th></tr></thead>
                            <tbody>{ for l.iter().map(|d| { let (nav, id) = (s.navigate.clone(), d.student_id); html! {
                                <tr>
                                    <td>{ day(&d.due.due_on) }</td>
                                    <td><button class="link" onclick={move |_| nav.emit(Page::Student(id))}>{ format!("{} ({})", d.student_name, d.student_code) }</button></td>
                                    <td>{ &d.due.description }</td>
                                    <td class="num">{ money(d.due.amount_minor - d.due.paid_minor) }</td>
                                    <td>{ d.guardian_phone.clone().unwrap_or_default() }</td>
                                </tr>
                            }}) }</tbody>
                        </table>
                    </>
                }
            }) }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DayBookProps {
    branch: branchdesk_api::ids::BranchId,
}

/// A day's receipts per collector, and closing one's own cash.
#[component]
fn DayBookView(p: &DayBookProps) -> Html {
    let s = use_session();
    // The day shown is the day closed.
    let form = use_form::<CloseCash>();
    let settled = use_settled_date(form.date.clone());
    let (book, reload) = use_query(GetDayBook { branch_id: p.branch, date: settled });
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, reload, branch) =
            (form.clone(), error.clone(), s.clone(), reload.clone(), p.branch);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = CloseCash { branch_id: branch, ..form.value().clone() };
            let reload = reload.clone();
            act(input, error.clone(), s.clone(), move |_| reload.emit(()));
        })
    };
    let err = (*error).clone();
    html! {
        <div id="day-book">
            <div class="row"><DateField label="Day" name="date" value={form.date.clone()} on_input={form.field(|f, v| f.date = v)} hint="empty: today" /></div>
            { show(&book, |b: &DayBook| html! {
                <>
                    <p><strong>{ format!("{} collected on {}", money(b.total_minor), day(&b.date)) }</strong></p>
                    if b.collectors.is_empty() { <p class="empty">{ "No receipts on this day." }</p> }
                    { for b.collectors.iter().map(|c| html! {
                        <div class="card collector">
                            <h3>{ &c.collector }</h3>
                            <p>
                                { for c.by_method.iter().map(|(m, v)| html! { <span class="tag">{ format!("{} {}", m.label(), money(*v)) }</span> }) }
                                { format!("{}cash expected in the drawer {}", if c.by_method.is_empty() { "" } else { " · " }, money(c.expected_cash_minor)) }
                            </p>
                            <ul class="log">{ for c.receipts.iter().map(|r| html! {
                                <li>{ format!("{} · {} · {} · {}{}", r.number, r.student_name, r.method.label(), money(r.amount_minor), if r.net_minor != r.amount_minor { format!(" (now {})", money(r.net_minor)) } else { String::new() }) }</li>
                            }) }</ul>
                            if let Some(k) = &c.closing {
                                <p class={classes!((k.difference_minor != 0).then_some("warn"))}>{ format!("Closed: counted {}, expected {}, {} {}", money(k.counted_minor), money(k.expected_minor), if k.difference_minor < 0 { "short" } else if k.difference_minor > 0 { "over" } else { "exact" }, if k.note.is_empty() { String::new() } else { format!("· {}", k.note) }) }</p>
                            }
                        </div>
                    }) }
                </>
            }) }
            if s.me.can(Permission::CollectPayment) {
                <form class="card" id="close-cash" {onsubmit}>
                    <h3>{ "Close my cash for the day" }</h3>
                    <FormError error={err.clone()} fields={vec!["date", "counted", "note"]} />
                    <div class="row">
                        <Field label="Cash counted (₹)" name="counted" value={form.counted.clone()} on_input={form.field(|f, v| f.counted = v)} error={err.clone()} />
                        <Field label="Why it differs" name="note" value={form.note.clone()} on_input={form.field(|f, v| f.note = v)} error={err.clone()} hint="needed when short or over" />
                    </div>
                    <FormActions save="Close cash" id="close-cash-save" />
                </form>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FeesProps {
    pub id: StudentId,
    pub archived: bool,
}

#[component]
pub fn Fees(p: &FeesProps) -> Html {
    let s = use_session();
    let (account, reload) = use_query(GetStudentAccount { student_id: p.id });
    let notice = use_state(|| None::<String>);
    let error = use_state(|| None::<ApiError>);
    let collect = s.me.can(Permission::CollectPayment) && !p.archived;
    let void = s.me.can(Permission::VoidPayment);
    // The receipt just collected: its Print / Open / Save PDF sit in the
    // notice at the top, and the notice is scrolled into sight.
    let last = use_state(|| None::<Receipt>);
    let on_done = {
        let (reload, notice, last) = (reload.clone(), notice.clone(), last.clone());
        Callback::from(move |text: String| {
            last.set(None);
            notice.set(Some(text));
            reload.emit(());
        })
    };
    let on_receipt = {
        let (reload, notice, last) = (reload.clone(), notice.clone(), last.clone());
        Callback::from(move |r: Receipt| {
            notice.set(Some(format!("Receipt {} for {} saved.", r.number, money(r.amount_minor))));
            last.set(Some(r));
            reload.emit(());
        })
    };
    {
        use_effect_with((*notice).clone(), |n| {
            if n.is_some() {
                let el = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("fees-notice"));
                if let Some(el) = el {
                    el.scroll_into_view_with_bool(false);
                }
            }
        });
    }
    let say = {
        let (notice, last) = (notice.clone(), last.clone());
        Callback::from(move |t: String| {
            last.set(None);
            notice.set(Some(t));
        })
    };
    let on_error = {
        let error = error.clone();
        Callback::from(move |e: ApiError| error.set(Some(e)))
    };
    html! {
        <div id="fees">
            if let Some(n) = &*notice {
                <div class="notice success" role="status" id="fees-notice">
                    { n }
                    if let Some(r) = &*last { { " " }<DocumentActions kind={PrintKind::Receipt} id={r.id.0} on_notice={say.clone()} on_error={on_error.clone()} /> }
                </div>
            }
            <FormError error={(*error).clone()} fields={vec![]} />
            { show(&account, |a: &StudentAccount| html! {
                <>
                    <p id="fees-summary">
                        <strong>{ format!("Pending {}", money(a.pending_minor)) }</strong>
                        if let Some(n) = &a.next_due { { format!(" · next due {} on {}", money(n.amount_minor - n.paid_minor), day(&n.due_on)) } }
                        if a.advance_minor > 0 { <span class="tag">{ format!("advance {}", money(a.advance_minor)) }</span> }
                    </p>
                    if a.dues.is_empty() {
                        <p class="empty">{ "No fees are due: enrol the student in a batch with a fee." }</p>
                    } else {
                        <table class="grid" id="dues">
                            <thead><tr><th>{ "Due on" }</th><th>{ "For" }</th><th class="num">{ "Amount" }</th><th class="num">{ "Paid" }</th><th>{ "" }</th></tr></thead>
                            <tbody>{ for a.dues.iter().map(|d| html! {
                                <tr class={classes!(d.cancelled.then_some("muted"))}>
                                    <td>{ day(&d.due_on) }</td><td>{ &d.description }</td>
                                    <td class="num">{ money(d.amount_minor) }</td><td class="num">{ money(d.paid_minor) }</td>
                                    <td>{ if d.cancelled { "cancelled" } else if d.paid_minor >= d.amount_minor { "paid" } else if d.paid_minor > 0 { "part paid" } else { "open" } }</td>
                                </tr>
                            }) }</tbody>
                        </table>
                    }
                    if collect { <Collect id={a.student_id} on_receipt={on_receipt.clone()} on_error={on_error.clone()} /> }
                    if collect { <Invoices id={a.student_id} on_done={on_done.clone()} /> }
                    <h3>{ "Receipts" }</h3>
                    if a.receipts.is_empty() { <p class="empty">{ "No payments yet." }</p> }
                    { for a.receipts.iter().rev().map(|r| html! {
                        <div class="card receipt" id={format!("receipt-{}", r.number.replace('/', "-"))}>
                            <strong>{ &r.number }</strong>
                            { format!(" · {} · {} · {} · by {}", money(r.amount_minor), r.method.label(), day(r.collected_at.get(..10).unwrap_or_default()), r.collected_by) }
                            if r.net_minor != r.amount_minor { <span class="tag">{ format!("now {}", money(r.net_minor)) }</span> }
                            <ul class="log">
                                { for r.reversals.iter().map(|v| html! { <li>{ format!("{} {} · {} · {}", v.kind.label(), money(v.amount_minor), v.by, v.reason) }</li> }) }
                            </ul>
                            <div class="row-actions">
                                <DocumentActions kind={PrintKind::Receipt} id={r.id.0} on_notice={say.clone()} on_error={on_error.clone()} />
                                if void && r.net_minor > 0 { <Reverse receipt={r.clone()} on_done={on_done.clone()} /> }
                            </div>
                        </div>
                    }) }
                </>
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CollectProps {
    id: StudentId,
    on_receipt: Callback<Receipt>,
    /// A failed print after collecting (the payment itself is saved).
    on_error: Callback<ApiError>,
}

/// Where the desk remembers "print the receipt after collecting".
const PRINT_AFTER_KEY: &str = "branchdesk.print_after_collect";

fn remembered(key: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(key).ok().flatten())
        .is_some_and(|v| v == "1")
}

fn remember(key: &str, on: bool) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, if on { "1" } else { "0" });
    }
}

#[component]
fn Collect(p: &CollectProps) -> Html {
    let s = use_session();
    let form = use_form::<CollectPayment>();
    let print_after = use_state(|| remembered(PRINT_AFTER_KEY));
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, done, id) = (form.clone(), error.clone(), s.clone(), p.on_receipt.clone(), p.id);
        let (print_after, print_failed) = (print_after.clone(), p.on_error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = CollectPayment { student_id: id, allocations: None, ..form.value().clone() };
            let (done, form) = (done.clone(), form.clone());
            let (print, print_failed) = (*print_after, print_failed.clone());
            act(input, error.clone(), s.clone(), move |r: Receipt| {
                // The method and the cheque date stay for the next payment.
                form.update(|f| {
                    f.amount.clear();
                    f.reference.clear();
                    f.confirm_advance = false;
                });
                if print {
                    let id = r.id.0;
                    spawn_local(async move {
                        if let Err(e) = print_receipt(PrintKind::Receipt, id).await {
                            print_failed.emit(e);
                        }
                    });
                }
                done.emit(r);
            });
        })
    };
    let methods: Vec<(String, String)> =
        PaymentMethod::ALL.iter().map(|m| (m.as_str().to_owned(), m.label().to_owned())).collect();
    let err = (*error).clone();
    let is_cheque = form.method == PaymentMethod::Cheque;
    html! {
        <form class="card" id="collect-form" {onsubmit}>
            <h3>{ "Collect a payment" }</h3>
            <FormError error={err.clone()} fields={vec!["amount", "reference", "cheque_date", "confirm_advance", "allocations"]} />
            <div class="row">
                <Field label="Amount (₹)" name="amount" value={form.amount.clone()} on_input={form.field(|f, v| f.amount = v)} error={err.clone()} hint="goes to the oldest dues first" />
                <Select label="Method" name="method" value={form.method.as_str()} options={methods} on_change={form.field(|f, v: String| f.method = PaymentMethod::parse(&v).unwrap_or_default())} />
                <Field label={if is_cheque { "Cheque number" } else { "Reference (UPI / card / transfer)" }} name="reference" value={form.reference.clone()} on_input={form.field(|f, v| f.reference = v)} error={err.clone()} />
                if is_cheque {
                    <DateField label="Cheque date" name="cheque_date" value={form.cheque_date.clone()} on_input={form.field(|f, v| f.cheque_date = v)} error={err.clone()} />
                }
            </div>
            if err.as_ref().is_some_and(|e| e.field.as_deref() == Some("confirm_advance")) || form.confirm_advance {
                <label class="check-inline"><input type="checkbox" id="confirm-advance" checked={form.confirm_advance} onchange={form.field(|f, _: Event| f.confirm_advance = !f.confirm_advance)} />{ " Keep the rest as an advance" }</label>
            }
            <label class="check-inline"><input type="checkbox" id="collect-print" checked={*print_after}
                onchange={let pa = print_after.clone(); Callback::from(move |_: Event| { remember(PRINT_AFTER_KEY, !*pa); pa.set(!*pa) })} />{ " Print the receipt after collecting" }</label>
            <FormActions save="Collect payment" id="collect-save" />
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ReverseProps {
    receipt: Receipt,
    on_done: Callback<String>,
}

#[component]
fn Reverse(p: &ReverseProps) -> Html {
    let s = use_session();
    let open = use_state(|| false);
    let form = use_form::<ReverseReceipt>();
    let error = use_state(|| None::<ApiError>);
    if !*open {
        let open = open.clone();
        return html! { <button class="void-open" onclick={move |_| open.set(true)}>{ "Void or refund…" }</button> };
    }
    let onsubmit = {
        let (form, error, s, done, id, number) = (
            form.clone(),
            error.clone(),
            s.clone(),
            p.on_done.clone(),
            p.receipt.id,
            p.receipt.number.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = ReverseReceipt { receipt_id: id, ..form.value().clone() };
            let (done, number, k) = (done.clone(), number.clone(), input.kind);
            act(input, error.clone(), s.clone(), move |_| done.emit(format!("{} {number}.", k.label())));
        })
    };
    let kinds: Vec<(String, String)> = ReversalKind::ALL
        .iter()
        .filter(|k| **k != ReversalKind::Bounce || p.receipt.method == PaymentMethod::Cheque)
        .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
        .collect();
    let err = (*error).clone();
    let cancel = {
        let open = open.clone();
        Callback::from(move |_: ()| open.set(false))
    };
    html! {
        <form class="reverse-form" {onsubmit} onkeydown={crate::components::keys::esc(cancel.clone())}>
            <FormError error={err.clone()} fields={vec!["kind", "amount", "reason"]} />
            <div class="row">
                <Select label="What happened" name="kind" value={form.kind.as_str()} options={kinds} on_change={form.field(|f, v: String| f.kind = ReversalKind::parse(&v).unwrap_or_default())} />
                if form.kind == ReversalKind::Refund {
                    <Field label="Refund (₹)" name="amount" value={form.amount.clone()} on_input={form.field(|f, v| f.amount = v)} error={err.clone()} />
                }
                <Field label="Reason" name="reason" value={form.reason.clone()} on_input={form.field(|f, v| f.reason = v)} error={err.clone()} />
            </div>
            <FormActions save="Record" id="reverse-save" on_cancel={cancel} />
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct InvoicesProps {
    id: StudentId,
    on_done: Callback<String>,
}

/// Invoices for a period: issue one, and save any as PDF.
#[component]
fn Invoices(p: &InvoicesProps) -> Html {
    let s = use_session();
    let (list, reload) = use_query(ListInvoices { student_id: p.id });
    let form = use_form::<IssueInvoice>();
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, done, reload, id) =
            (form.clone(), error.clone(), s.clone(), p.on_done.clone(), reload.clone(), p.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (done, reload) = (done.clone(), reload.clone());
            let input = IssueInvoice { student_id: id, ..form.value().clone() };
            act(input, error.clone(), s.clone(), move |i: Invoice| {
                done.emit(format!("Invoice {} for {} issued.", i.number, money(i.total_minor)));
                reload.emit(());
            });
        })
    };
    let on_error = {
        let error = error.clone();
        Callback::from(move |e: ApiError| error.set(Some(e)))
    };
    let err = (*error).clone();
    html! {
        <form class="card" id="invoice-form" {onsubmit}>
            <h3>{ "Invoice for a period" }</h3>
            <FormError error={err.clone()} fields={vec!["from", "to"]} />
            <div class="row">
                <DateField label="From" name="from" value={form.from.clone()} on_input={form.field(|f, v| f.from = v)} error={err.clone()} />
                <DateField label="To" name="to" value={form.to.clone()} on_input={form.field(|f, v| f.to = v)} error={err.clone()} />
            </div>
            <FormActions save="Issue invoice" id="invoice-save" />
            { show(&list, |l: &Vec<Invoice>| html! {
                <ul class="log" id="invoice-list">{ for l.iter().map(|i| html! {
                    <li>{ format!("{} · {} to {} · {} (GST {}) ", i.number, day(&i.period_from), day(&i.period_to), money(i.total_minor), money(i.tax_minor)) }
                        <DocumentActions kind={PrintKind::Invoice} id={i.id.0} on_notice={p.on_done.clone()} on_error={on_error.clone()} /></li>
                }) }</ul>
            }) }
        </form>
    }
}
