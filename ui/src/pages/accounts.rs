//! Expenses of a branch (record with the bill, approve, reject, void) and
//! the month's profit and loss per branch with the organisation roll-up
//! (payroll is `payroll.rs`).

use crate::components::branch::branch_picker;
use crate::components::field::{pick_file, setter, DateField, Field, FormActions, FormError, Select};
use crate::components::form::use_form;
use crate::components::session::use_session;
use crate::format::{day, money};
use crate::hooks::{act, show, use_query};
use crate::invoke::call;
use branchdesk_api::commands::attachments::{OpenAttachment, MAX_FILE_BYTES};
use branchdesk_api::commands::imports::OpenSavedFile;
use branchdesk_api::commands::money::*;
use branchdesk_api::ApiError;
use yew::prelude::*;

#[component]
pub fn ExpensesPage() -> Html {
    let s = use_session();
    let branch = use_state(|| s.me.branches.first().map(|b| b.id).unwrap_or_default());
    let month = use_state(String::new);
    let (list, reload) = use_query(ListExpenses { branch_id: *branch, month: (*month).clone() });
    let error = use_state(|| None::<ApiError>);
    let note = use_state(String::new);
    let decide = |e: &Expense, status: ExpenseStatus| {
        let (error, s, reload, note, id) = (error.clone(), s.clone(), reload.clone(), note.clone(), e.id);
        Callback::from(move |_: MouseEvent| {
            let reload = reload.clone();
            act(DecideExpense { id, status, note: (*note).clone() }, error.clone(), s.clone(), move |_| {
                reload.emit(())
            });
        })
    };
    let notice = use_state(|| None::<String>);
    // The bill saved into the exports folder, then opened in the
    // computer's viewer (where it has none, the message says where it is).
    let open_bill = |e: &Expense| {
        let (error, notice, s, id) = (error.clone(), notice.clone(), s.clone(), e.id);
        let attachment = e.bill.as_ref().map(|b| b.id);
        Callback::from(move |_: MouseEvent| {
            let (error, notice, s) = (error.clone(), notice.clone(), s.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let opened = async {
                    // Bills attached before attachments were carried in their row.
                    let saved = match attachment {
                        Some(a) => call(&OpenAttachment { id: a }).await?,
                        None => call(&SaveExpenseBill { id }).await?,
                    };
                    call(&OpenSavedFile { path: saved.path.clone() }).await?;
                    Ok::<_, ApiError>(saved.path)
                };
                match opened.await {
                    Ok(path) => {
                        error.set(None);
                        notice.set(Some(format!("Bill opened ({path}).")));
                    }
                    Err(e) => {
                        notice.set(None);
                        error.set(Some(s.check(e)));
                    }
                }
            });
        })
    };
    let me = Some(s.me.user.id);
    html! {
        <section id="expenses">
            <header class="page-head"><h1>{ "Expenses" }</h1>{ branch_picker(&s.me.branches, branch.clone()) }</header>
            <RecordForm branch={*branch} on_done={reload.clone()} />
            <div class="row">
                <Field label="Month" name="month" kind="month" value={(*month).clone()} on_input={setter(&month)} hint="empty: this month" />
                <Field label="Why (to reject or void)" name="note" value={(*note).clone()} on_input={setter(&note)} error={(*error).clone()} />
            </div>
            <FormError error={(*error).clone()} fields={vec!["note"]} />
            if let Some(n) = &*notice { <p class="notice" role="status">{ n }</p> }
            { show(&list, |l: &Vec<Expense>| {
                if l.is_empty() {
                    return html! { <p class="empty">{ "No expenses recorded this month." }</p> };
                }
                let counted: i64 = l.iter().filter(|e| e.status == ExpenseStatus::Approved).map(|e| e.amount_minor).sum();
                html! {
                    <>
                        <p>{ format!("{} approved this month.", money(counted)) }</p>
                        <table class="grid" id="expense-list">
                            <thead><tr><th>{ "Day" }</th><th>{ "Vendor" }</th><th>{ "Category" }</th><th class="num">{ "Amount" }</th><th>{ "Status" }</th><th>{ "" }</th></tr></thead>
                            <tbody>{ for l.iter().map(|e| html! {
                                <tr>
                                    <td>{ day(&e.day) }</td>
                                    <td>{ &e.vendor }<div class="muted">{ format!("{}{}", e.description, if e.bill_name.is_empty() { String::new() } else { format!(" · bill {}", e.bill_name) }) }</div></td>
                                    <td>{ e.category.label() }</td>
                                    <td class="num">{ money(e.amount_minor) }</td>
                                    <td>{ e.status.label() }<div class="muted">{ format!("{}{}", e.decided_by.clone().map(|d| format!("{d} ")).unwrap_or_default(), e.decision_note) }</div></td>
                                    <td class="row-actions">
                                        if !e.bill_name.is_empty() {
                                            <button class="open-bill" title={format!("Open {}", e.bill_name)} onclick={open_bill(e)}>{ "Bill" }</button>
                                        }
                                        if e.status == ExpenseStatus::PendingApproval && e.recorded_by_id != me {
                                            <button onclick={decide(e, ExpenseStatus::Approved)}>{ "Approve" }</button>
                                            <button onclick={decide(e, ExpenseStatus::Rejected)}>{ "Reject" }</button>
                                        }
                                        if matches!(e.status, ExpenseStatus::PendingApproval | ExpenseStatus::Approved) {
                                            <button onclick={decide(e, ExpenseStatus::Voided)}>{ "Void" }</button>
                                        }
                                    </td>
                                </tr>
                            }) }</tbody>
                        </table>
                    </>
                }
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RecordProps {
    branch: branchdesk_api::ids::BranchId,
    on_done: Callback<()>,
}

#[component]
fn RecordForm(p: &RecordProps) -> Html {
    let s = use_session();
    let form = use_form::<RecordExpense>();
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| None::<String>);
    let bill_input = use_state(|| 0u32);
    let onsubmit = {
        let (form, error, s, done, branch, saved, bill_input) = (
            form.clone(),
            error.clone(),
            s.clone(),
            p.on_done.clone(),
            p.branch,
            saved.clone(),
            bill_input.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = RecordExpense { branch_id: branch, ..form.value().clone() };
            let (done, saved, form, bill_input) =
                (done.clone(), saved.clone(), form.clone(), bill_input.clone());
            act(input, error.clone(), s.clone(), move |x: Expense| {
                saved.set(Some(format!(
                    "{} to {}: {}.",
                    money(x.amount_minor),
                    x.vendor,
                    x.status.label().to_lowercase()
                )));
                // The day, category and method stay for the next bill.
                form.update(|f| {
                    f.vendor.clear();
                    f.description.clear();
                    f.amount.clear();
                    f.reference.clear();
                    f.file_name.clear();
                    f.content_b64.clear();
                });
                // A new file input: the old one would still show the last bill's name.
                bill_input.set(*bill_input + 1);
                done.emit(());
            });
        })
    };
    let categories: Vec<(String, String)> =
        ExpenseCategory::ALL.iter().map(|c| (c.as_str().into(), c.label().into())).collect();
    let methods: Vec<(String, String)> =
        PaymentMethod::ALL.iter().map(|m| (m.as_str().into(), m.label().into())).collect();
    let err = (*error).clone();
    html! {
        <form class="card" id="expense-form" {onsubmit}>
            <h3>{ "Record an expense" }</h3>
            if let Some(t) = &*saved { <div class="notice success" role="status" id="expense-saved">{ t }</div> }
            <FormError error={err.clone()} fields={vec!["day", "vendor", "description", "amount", "reference", "file_name", "content_b64"]} />
            <div class="row">
                <Field label="Paid to" name="vendor" value={form.vendor.clone()} on_input={form.field(|f, v| f.vendor = v)} error={err.clone()} />
                <Field label="Amount (₹)" name="amount" value={form.amount.clone()} on_input={form.field(|f, v| f.amount = v)} error={err.clone()} hint="above the branch's limit it waits for approval" />
                <Select label="Category" name="category" value={form.category.as_str()} options={categories} on_change={form.field(|f, v: String| f.category = ExpenseCategory::parse(&v).unwrap_or_default())} />
            </div>
            <div class="row">
                <DateField label="Day" name="day" value={form.day.clone()} on_input={form.field(|f, v| f.day = v)} error={err.clone()} hint="empty: today" />
                <Select label="Paid by" name="method" value={form.method.as_str()} options={methods} on_change={form.field(|f, v: String| f.method = PaymentMethod::parse(&v).unwrap_or_default())} />
                <Field label="Reference or cheque number" name="reference" value={form.reference.clone()} on_input={form.field(|f, v| f.reference = v)} error={err.clone()} />
            </div>
            <div class="row">
                <Field label="What for" name="description" value={form.description.clone()} on_input={form.field(|f, v| f.description = v)} error={err.clone()} />
                <label class="field">{ "Bill (PDF or photo, at most 10 MB)" }<input type="file" id="expense-bill" accept={crate::components::attachments::ACCEPT} key={bill_input.to_string()} onchange={pick_file(form.field(|f, file: Option<(String, String)>| (f.file_name, f.content_b64) = file.unwrap_or_default()), error.clone(), MAX_FILE_BYTES, "content_b64")} /></label>
            </div>
            <FormActions save="Record expense" id="expense-save" />
        </form>
    }
}

#[component]
pub fn ProfitLossPage() -> Html {
    let month = use_state(String::new);
    let (report, _) = use_query(GetProfitAndLoss { branch_id: None, month: (*month).clone() });
    let row = |b: &BranchMonth, total: bool| {
        html! {
            <tr class={classes!(total.then_some("total"))}>
                <td>{ &b.branch_name }</td>
                <td class="num">{ money(b.fees_minor) }</td>
                <td class="num">{ money(b.reversals_minor) }</td>
                <td class="num">{ money(b.salaries_minor) }</td>
                <td class="num">{ money(b.expenses_minor) }</td>
                <td class="num"><strong>{ money(b.net_minor) }</strong></td>
            </tr>
        }
    };
    html! {
        <section id="profit-loss">
            <header class="page-head"><h1>{ "Profit and loss" }</h1></header>
            <div class="row"><Field label="Month" name="month" kind="month" value={(*month).clone()} on_input={setter(&month)} hint="empty: this month" /></div>
            { show(&report, |r: &ProfitAndLoss| html! {
                <>
                    <table class="grid" id="pl-table">
                        <thead><tr><th>{ format!("Branch · {}", r.month) }</th><th class="num">{ "Fees collected" }</th><th class="num">{ "Voids and refunds" }</th><th class="num">{ "Salaries" }</th><th class="num">{ "Expenses" }</th><th class="num">{ "Net" }</th></tr></thead>
                        <tbody>
                            { for r.branches.iter().map(|b| row(b, false)) }
                            if r.branches.len() > 1 { { row(&r.total, true) } }
                        </tbody>
                    </table>
                    <p class="muted">{ "Fees by the day collected; voids and refunds by the day recorded; salaries of the month marked paid under Payroll; expenses approved, by their day." }</p>
                </>
            }) }
        </section>
    }
}
