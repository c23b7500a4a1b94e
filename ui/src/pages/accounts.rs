//! Expenses of a branch (record with the bill, approve, reject, void) and
//! the month's profit and loss per branch with the organisation roll-up.

use crate::components::field::{pick_file, setter, Field, FormActions, FormError, Select};
use crate::components::session::use_session;
use crate::format::money;
use crate::hooks::{act, show, use_query};
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
    let me = Some(s.me.user.id);
    html! {
        <section id="expenses">
            <header class="page-head"><h1>{ "Expenses" }</h1>{ super::branch_picker(&s.me.branches, branch.clone()) }</header>
            <RecordForm branch={*branch} on_done={reload.clone()} />
            <div class="row">
                <Field label="Month" name="month" kind="month" value={(*month).clone()} on_input={setter(&month)} hint="empty: this month" />
                <Field label="Why (to reject or void)" name="note" value={(*note).clone()} on_input={setter(&note)} error={(*error).clone()} />
            </div>
            <FormError error={(*error).clone()} fields={vec!["note"]} />
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
                                    <td>{ &e.day }</td>
                                    <td>{ &e.vendor }<div class="muted">{ format!("{}{}", e.description, if e.bill_name.is_empty() { String::new() } else { format!(" · bill {}", e.bill_name) }) }</div></td>
                                    <td>{ e.category.label() }</td>
                                    <td class="num">{ money(e.amount_minor) }</td>
                                    <td>{ e.status.label() }<div class="muted">{ format!("{}{}", e.decided_by.clone().map(|d| format!("{d} ")).unwrap_or_default(), e.decision_note) }</div></td>
                                    <td class="row-actions">
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
    let day = use_state(String::new);
    let vendor = use_state(String::new);
    let description = use_state(String::new);
    let amount = use_state(String::new);
    let category = use_state(|| ExpenseCategory::Supplies.as_str().to_owned());
    let method = use_state(|| PaymentMethod::Cash.as_str().to_owned());
    let reference = use_state(String::new);
    let file = use_state(|| None::<(String, String)>);
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| None::<String>);
    let onsubmit = {
        let f = (
            day.clone(),
            vendor.clone(),
            description.clone(),
            amount.clone(),
            category.clone(),
            method.clone(),
            reference.clone(),
            file.clone(),
        );
        let (error, s, done, branch, saved) =
            (error.clone(), s.clone(), p.on_done.clone(), p.branch, saved.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (day, vendor, description, amount, category, method, reference, file) = f.clone();
            let (file_name, content_b64) = (*file).clone().unwrap_or_default();
            let input = RecordExpense {
                branch_id: branch,
                day: (*day).clone(),
                category: ExpenseCategory::parse(&category).unwrap_or_default(),
                vendor: (*vendor).clone(),
                description: (*description).clone(),
                amount: (*amount).clone(),
                method: PaymentMethod::parse(&method).unwrap_or_default(),
                reference: (*reference).clone(),
                file_name,
                content_b64,
            };
            let (done, saved, clear) = (
                done.clone(),
                saved.clone(),
                (vendor.clone(), description.clone(), amount.clone(), reference.clone(), file.clone()),
            );
            act(input, error.clone(), s.clone(), move |x: Expense| {
                saved.set(Some(format!(
                    "{} to {}: {}.",
                    money(x.amount_minor),
                    x.vendor,
                    x.status.label().to_lowercase()
                )));
                clear.0.set(String::new());
                clear.1.set(String::new());
                clear.2.set(String::new());
                clear.3.set(String::new());
                clear.4.set(None);
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
                <Field label="Paid to" name="vendor" value={(*vendor).clone()} on_input={setter(&vendor)} error={err.clone()} />
                <Field label="Amount (₹)" name="amount" value={(*amount).clone()} on_input={setter(&amount)} error={err.clone()} hint="above the branch's limit it waits for approval" />
                <Select label="Category" name="category" value={(*category).clone()} options={categories} on_change={setter(&category)} />
            </div>
            <div class="row">
                <Field label="Day" name="day" kind="date" value={(*day).clone()} on_input={setter(&day)} error={err.clone()} hint="empty: today" />
                <Select label="Paid by" name="method" value={(*method).clone()} options={methods} on_change={setter(&method)} />
                <Field label="Reference or cheque number" name="reference" value={(*reference).clone()} on_input={setter(&reference)} error={err.clone()} />
            </div>
            <div class="row">
                <Field label="What for" name="description" value={(*description).clone()} on_input={setter(&description)} error={err.clone()} />
                <label class="field">{ "Bill (at most 2 MB)" }<input type="file" id="expense-bill" onchange={pick_file(file.clone(), error.clone())} /></label>
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
                    <p class="muted">{ "Salaries show once payroll runs are recorded here." }</p>
                </>
            }) }
        </section>
    }
}
