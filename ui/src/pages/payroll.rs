//! Payroll of a branch: the month's register (run, unpaid leave, adjust,
//! pay, slips), each person's salary structure (components from a day on,
//! advances) and their basic pay in one step.

use crate::components::branch::branch_picker;
use crate::components::document::DocumentActions;
use crate::components::field::{setter, DateField, Field, FormActions, FormError, Select};
use crate::components::form::{use_form, use_form_with};
use crate::components::session::use_session;
use crate::format::{day, money};
use crate::hooks::{act, use_query};
use branchdesk_api::commands::money::*;
use branchdesk_api::ids::{BranchId, UserId};
use branchdesk_api::ApiError;
use yew::prelude::*;

#[component]
pub fn PayrollPage() -> Html {
    let s = use_session();
    let branch = use_state(|| s.me.branches.first().map(|b| b.id).unwrap_or_default());
    let month = use_state(String::new);
    let lines = use_state(|| None::<Vec<SalaryLine>>);
    let error = use_state(|| None::<ApiError>);
    let notice = use_state(|| None::<String>);
    let run = {
        let (lines, error, s, branch, month) =
            (lines.clone(), error.clone(), s.clone(), *branch, month.clone());
        Callback::from(move |_: ()| {
            let lines = lines.clone();
            act(
                RunPayroll { branch_id: branch, month: (*month).clone() },
                error.clone(),
                s.clone(),
                move |l| lines.set(Some(l)),
            );
        })
    };
    let done = {
        let (run, notice) = (run.clone(), notice.clone());
        Callback::from(move |text: String| {
            notice.set(Some(text));
            run.emit(());
        })
    };
    let say = {
        let notice = notice.clone();
        Callback::from(move |t: String| notice.set(Some(t)))
    };
    let on_error = {
        let error = error.clone();
        Callback::from(move |e: ApiError| error.set(Some(e)))
    };
    html! {
        <section id="payroll">
            <header class="page-head"><h1>{ "Payroll" }</h1>{ branch_picker(&s.me.branches, branch.clone()) }</header>
            if let Some(n) = &*notice { <div class="notice success" role="status" id="payroll-notice">{ n }</div> }
            <FormError error={(*error).clone()} fields={vec![]} />
            <div class="row">
                <Field label="Month" name="month" kind="month" value={(*month).clone()} on_input={setter(&month)} hint="empty: this month" />
                <div class="actions"><button class="primary" id="run-payroll" onclick={run.reform(|_| ())}>{ "Run payroll" }</button></div>
            </div>
            <p class="muted">{ "Pay comes from each person's salary structure, the sessions actually taught (a substitute is credited, a cancelled session is not) and each batch's pay terms, less PF, ESI, professional tax, TDS and advances as the settings say. Running again updates unpaid lines; paid ones never change." }</p>
            if let Some(l) = &*lines {
                if l.is_empty() { <p class="empty">{ "No one earned anything this month here." }</p> } else {
                    <table class="grid register" id="salary-lines">
                        <thead><tr><th>{ "Person" }</th><th class="num">{ "Fixed" }</th><th class="num">{ "Teaching" }</th><th class="num">{ "Gross" }</th><th class="num">{ "Deductions" }</th><th class="num">{ "Net pay" }</th><th>{ "" }</th></tr></thead>
                        <tbody>{ for l.iter().map(|x| html! {
                            <tr>
                                <td>{ &x.name }
                                    if x.adjustments_minor != 0 { <div class="muted small">{ format!("adjusted {}: {}", money(x.adjustments_minor), x.adjustment_note) }</div> }
                                </td>
                                <td class="num">{ money(x.fixed_minor) }
                                    if x.unpaid_days > 0 { <div class="muted small">{ format!("{} unpaid days −{}", x.unpaid_days, money(x.leave_deduction_minor)) }</div> }
                                </td>
                                <td class="num">{ money(x.batch_fixed_minor + x.session_minor + x.commission_minor) }
                                    if x.sessions_taught > 0 { <div class="muted small">{ format!("{} sessions", x.sessions_taught) }</div> }
                                </td>
                                <td class="num">{ money(x.gross_minor) }</td>
                                <td class="num">{ money(x.deductions_minor) }<div class="muted small">{ deductions_text(x) }</div></td>
                                <td class="num"><strong>{ money(x.total_minor) }</strong></td>
                                <td class="row-actions">
                                    <DocumentActions kind={PrintKind::SalarySlip} id={x.id.0} on_notice={say.clone()} on_error={on_error.clone()} />
                                    if let Some(at) = &x.paid_at {
                                        <span class="tag">{ format!("paid {} {}", day(at.get(..10).unwrap_or_default()), x.payment_numbers.join(", ")) }</span>
                                        if x.payment_numbers.len() > 1 { <span class="tag warn">{ "paid twice: see Fees due → Needs review" }</span> }
                                    } else {
                                        <LineActions line={x.clone()} on_done={done.clone()} />
                                    }
                                </td>
                            </tr>
                        }) }</tbody>
                        <tfoot><tr>
                            <th>{ if l.len() == 1 { "1 person".to_owned() } else { format!("{} people", l.len()) } }</th>
                            <th class="num">{ money(l.iter().map(|x| x.fixed_minor).sum()) }</th>
                            <th class="num">{ money(l.iter().map(|x| x.batch_fixed_minor + x.session_minor + x.commission_minor).sum()) }</th>
                            <th class="num">{ money(l.iter().map(|x| x.gross_minor).sum()) }</th>
                            <th class="num">{ money(l.iter().map(|x| x.deductions_minor).sum()) }</th>
                            <th class="num">{ money(l.iter().map(|x| x.total_minor).sum()) }</th>
                            <td class="muted small" id="employer-share">{ format!("Employer's PF {} · ESI {}", money(l.iter().map(|x| x.pf_employer_minor).sum()), money(l.iter().map(|x| x.esi_employer_minor).sum())) }</td>
                        </tr></tfoot>
                    </table>
                }
            }
            <SalaryForm branch={*branch} on_done={done.clone()} />
            <StructureCard branch={*branch} on_changed={run.clone()} />
            <RatesCard />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LineProps {
    line: SalaryLine,
    on_done: Callback<String>,
}

/// Adjust or pay one unpaid line.
#[component]
fn LineActions(p: &LineProps) -> Html {
    let s = use_session();
    let adjustment = use_form::<AdjustSalary>();
    let payment = use_form_with(|| PaySalary { method: PaymentMethod::BankTransfer, ..PaySalary::default() });
    let error = use_state(|| None::<ApiError>);
    let id = p.line.id;
    let adjust = {
        let (adjustment, error, s, done) = (adjustment.clone(), error.clone(), s.clone(), p.on_done.clone());
        Callback::from(move |_: MouseEvent| {
            let done = done.clone();
            act(
                AdjustSalary { id, ..adjustment.value().clone() },
                error.clone(),
                s.clone(),
                move |l: SalaryLine| done.emit(format!("{} now {}.", l.name, money(l.total_minor))),
            );
        })
    };
    let pay = {
        let (payment, error, s, done) = (payment.clone(), error.clone(), s.clone(), p.on_done.clone());
        Callback::from(move |_: MouseEvent| {
            let done = done.clone();
            act(
                PaySalary { id, ..payment.value().clone() },
                error.clone(),
                s.clone(),
                move |l: SalaryLine| done.emit(format!("{} paid {}.", l.name, money(l.total_minor))),
            );
        })
    };
    let unpaid =
        use_state(|| if p.line.unpaid_days > 0 { p.line.unpaid_days.to_string() } else { String::new() });
    let set_days = {
        let (unpaid, error, s, done) = (unpaid.clone(), error.clone(), s.clone(), p.on_done.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Enter" {
                return;
            }
            e.prevent_default();
            let done = done.clone();
            act(
                SetUnpaidDays { id, days: (*unpaid).clone() },
                error.clone(),
                s.clone(),
                move |l: SalaryLine| {
                    done.emit(format!(
                        "{}: {} unpaid days, net {}.",
                        l.name,
                        l.unpaid_days,
                        money(l.total_minor)
                    ))
                },
            );
        })
    };
    let typed = |cb: Callback<String>| {
        cb.reform(|e: InputEvent| e.target_unchecked_into::<web_sys::HtmlInputElement>().value())
    };
    let methods: Vec<(String, String)> =
        PaymentMethod::ALL.iter().map(|m| (m.as_str().into(), m.label().into())).collect();
    let err = (*error).clone();
    html! {
        <div class="line-actions">
            <FormError error={err.clone()} fields={vec![]} />
            <input class="small" placeholder="unpaid days" title="Days of unpaid leave; Enter saves" aria-label="Unpaid days" value={(*unpaid).clone()} oninput={typed(setter(&unpaid))} onkeydown={set_days} />
            <input class="small" placeholder="± amount" aria-label="Adjustment" value={adjustment.amount.clone()} oninput={typed(adjustment.field(|f, v| f.amount = v))} />
            <input class="small" placeholder="why" aria-label="Why" value={adjustment.note.clone()} oninput={typed(adjustment.field(|f, v| f.note = v))} />
            <button class="adjust" onclick={adjust}>{ "Adjust" }</button>
            <Select label="Paid by" name="paid_method" value={payment.method.as_str()} options={methods} on_change={payment.field(|f, v: String| f.method = PaymentMethod::parse(&v).unwrap_or_default())} />
            <input class="small" placeholder="reference" aria-label="Reference" value={payment.reference.clone()} oninput={typed(payment.field(|f, v| f.reference = v))} />
            <button class="pay" onclick={pay}>{ "Mark paid" }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SalaryFormProps {
    branch: branchdesk_api::ids::BranchId,
    on_done: Callback<String>,
}

/// A person's fixed monthly salary at the branch.
#[component]
fn SalaryForm(p: &SalaryFormProps) -> Html {
    let s = use_session();
    let (users, _) = use_query(branchdesk_api::commands::users::ListUsers::default());
    let form = use_form::<SalaryDraft>();
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, done, branch) =
            (form.clone(), error.clone(), s.clone(), p.on_done.clone(), p.branch);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(user_id) = form.user else {
                return error.set(Some(ApiError::invalid("user_id", "Choose a person.")));
            };
            let input = SetSalary { branch_id: branch, user_id, ..form.salary.clone() };
            let done = done.clone();
            act(input, error.clone(), s.clone(), move |l: SalaryLine| {
                done.emit(format!("{}'s salary is {} a month.", l.name, money(l.basic_minor)))
            });
        })
    };
    let options: Vec<(String, String)> = match &users {
        Some(Ok(list)) => list.iter().map(|u| (u.id.to_string(), u.full_name.clone())).collect(),
        _ => vec![],
    };
    let err = (*error).clone();
    html! {
        <form class="card" id="salary-form" {onsubmit}>
            <h3>{ "Basic pay from this month" }</h3>
            <FormError error={err.clone()} fields={vec!["user_id", "fixed_monthly"]} />
            <div class="row">
                <Select label="Person" name="user_id" value={form.user.map(|u| u.to_string()).unwrap_or_default()} {options} on_change={form.field(|f, v: String| f.user = v.parse().ok().map(UserId))} error={err.clone()} none="Choose…" />
                <Field label="Salary a month (₹)" name="fixed_monthly" value={form.salary.fixed_monthly.clone()} on_input={form.field(|f, v| f.salary.fixed_monthly = v)} error={err.clone()} hint="0 for none" />
            </div>
            <FormActions save="Set salary" id="salary-save" />
        </form>
    }
}

/// The salary form: the person until one is chosen, the amount as typed.
#[derive(Clone, Default, PartialEq)]
struct SalaryDraft {
    salary: SetSalary,
    user: Option<UserId>,
}

/// "PF 1,440.00 · ESI 135.00 · PT 200.00": a line's deductions, each named.
fn deductions_text(x: &SalaryLine) -> String {
    [
        ("PF", x.pf_employee_minor),
        ("ESI", x.esi_employee_minor),
        ("PT", x.pt_minor),
        ("TDS", x.tds_minor),
        ("advance", x.advance_recovery_minor),
    ]
    .iter()
    .filter(|(_, v)| *v != 0)
    .map(|(n, v)| format!("{n} {}", money(*v)))
    .collect::<Vec<_>>()
    .join(" · ")
}

#[derive(Properties, PartialEq)]
struct StructureProps {
    branch: BranchId,
    on_changed: Callback<()>,
}

/// One person's salary structure: its components as entered (the ones in
/// force marked), a component set from a day on, and advances.
#[component]
fn StructureCard(p: &StructureProps) -> Html {
    let s = use_session();
    let (users, _) = use_query(branchdesk_api::commands::users::ListUsers::default());
    let person = use_state(|| None::<UserId>);
    let structure = use_state(|| None::<SalaryStructure>);
    let error = use_state(|| None::<ApiError>);
    let component = use_form::<SaveSalaryComponent>();
    let advance = use_form::<RecordAdvance>();
    let adv_error = use_state(|| None::<ApiError>);
    let branch = p.branch;
    let choose = {
        let (person, structure, error, s) = (person.clone(), structure.clone(), error.clone(), s.clone());
        Callback::from(move |v: String| {
            let user = v.parse().ok().map(UserId);
            person.set(user);
            structure.set(None);
            if let Some(user_id) = user {
                let structure = structure.clone();
                act(GetSalaryStructure { branch_id: branch, user_id }, error.clone(), s.clone(), move |x| {
                    structure.set(Some(x))
                });
            }
        })
    };
    let shown = |structure: UseStateHandle<Option<SalaryStructure>>, changed: Callback<()>| {
        move |x: SalaryStructure| {
            structure.set(Some(x));
            changed.emit(());
        }
    };
    let save_component = {
        let (component, structure, error, s, person, changed) = (
            component.clone(),
            structure.clone(),
            error.clone(),
            s.clone(),
            person.clone(),
            p.on_changed.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(user_id) = *person else { return };
            let input = SaveSalaryComponent { branch_id: branch, user_id, ..component.value().clone() };
            let reset = component.clone();
            let show = shown(structure.clone(), changed.clone());
            act(input, error.clone(), s.clone(), move |x| {
                reset.update(|f| *f = SaveSalaryComponent::default());
                show(x)
            });
        })
    };
    let save_advance = {
        let (advance, structure, error, s, person, changed) = (
            advance.clone(),
            structure.clone(),
            adv_error.clone(),
            s.clone(),
            person.clone(),
            p.on_changed.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(user_id) = *person else { return };
            let input = RecordAdvance { branch_id: branch, user_id, ..advance.value().clone() };
            let reset = advance.clone();
            let show = shown(structure.clone(), changed.clone());
            act(input, error.clone(), s.clone(), move |x| {
                reset.update(|f| *f = RecordAdvance::default());
                show(x)
            });
        })
    };
    let options: Vec<(String, String)> = match &users {
        Some(Ok(list)) => list.iter().map(|u| (u.id.to_string(), u.full_name.clone())).collect(),
        _ => vec![],
    };
    let kinds: Vec<(String, String)> =
        ComponentKind::ALL.iter().map(|k| (k.as_str().into(), k.label().into())).collect();
    let err = (*error).clone();
    let adv_err = (*adv_error).clone();
    html! {
        <div class="card" id="salary-structure">
            <h3>{ "Salary structure" }</h3>
            <FormError error={err.clone()} fields={vec!["kind", "name", "amount", "effective_from"]} />
            <Select label="Person" name="structure_user" id="structure-person" value={person.map(|u| u.to_string()).unwrap_or_default()} {options} on_change={choose} none="Choose…" />
            if let Some(x) = &*structure {
                <p>{ format!("{} a month in force today", money(x.monthly_fixed_minor)) }
                    if let Some(j) = &x.joined_on { { format!(" · joined {}", day(j)) } }
                    if x.advance_outstanding_minor > 0 { { format!(" · advance outstanding {}", money(x.advance_outstanding_minor)) } }
                </p>
                if x.components.is_empty() {
                    <p class="empty">{ "No components yet: add basic pay, then allowances and TDS." }</p>
                } else {
                    <table class="grid" id="components">
                        <thead><tr><th>{ "Component" }</th><th>{ "Kind" }</th><th class="num">{ "A month" }</th><th>{ "From" }</th><th></th></tr></thead>
                        <tbody>{ for x.components.iter().map(|c| html! {
                            <tr class={classes!((!c.in_force).then_some("muted"))}>
                                <td>{ &c.name }</td><td>{ c.kind.label() }</td><td class="num">{ money(c.amount_minor) }</td>
                                <td>{ day(&c.effective_from) }</td>
                                <td>if c.in_force { <span class="tag">{ "in force" }</span> }</td>
                            </tr>
                        }) }</tbody>
                    </table>
                }
                <form class="inline-form" id="component-form" onsubmit={save_component}>
                    <div class="row">
                        <Select label="Kind" name="kind" value={component.kind.as_str()} options={kinds} on_change={component.field(|f, v: String| f.kind = ComponentKind::parse(&v).unwrap_or_default())} error={err.clone()} />
                        <Field label="Name" name="name" id="component-name" value={component.name.clone()} on_input={component.field(|f, v| f.name = v)} error={err.clone()} hint="Basic, HRA, TDS…" />
                        <Field label="A month (₹)" name="amount" id="component-amount" value={component.amount.clone()} on_input={component.field(|f, v| f.amount = v)} error={err.clone()} hint="0 ends it" />
                        <DateField label="From" name="effective_from" id="component-from" value={component.effective_from.clone()} on_input={component.field(|f, v| f.effective_from = v)} error={err.clone()} hint="empty: this month" />
                        <div class="actions"><button type="submit" id="component-save">{ "Set" }</button></div>
                    </div>
                </form>
                if !x.advances.is_empty() {
                    <ul class="plain" id="advances">{ for x.advances.iter().map(|a| html! {
                        <li>{ format!("{} advanced on {}, {} a month{}", money(a.amount_minor), day(&a.given_on), money(a.monthly_recovery_minor), if a.note.is_empty() { String::new() } else { format!(" ({})", a.note) }) }</li>
                    }) }</ul>
                }
                <FormError error={adv_err.clone()} fields={vec!["amount", "monthly_recovery", "given_on", "note"]} />
                <form class="inline-form" id="advance-form" onsubmit={save_advance}>
                    <div class="row">
                        <Field label="Advance (₹)" name="amount" id="advance-amount" value={advance.amount.clone()} on_input={advance.field(|f, v| f.amount = v)} error={adv_err.clone()} />
                        <Field label="Recover a month (₹)" name="monthly_recovery" id="advance-monthly" value={advance.monthly_recovery.clone()} on_input={advance.field(|f, v| f.monthly_recovery = v)} error={adv_err.clone()} />
                        <DateField label="Given on" name="given_on" id="advance-on" value={advance.given_on.clone()} on_input={advance.field(|f, v| f.given_on = v)} error={adv_err.clone()} hint="empty: today" />
                        <Field label="Note" name="note" id="advance-note" value={advance.note.clone()} on_input={advance.field(|f, v| f.note = v)} error={adv_err.clone()} />
                        <div class="actions"><button type="submit" id="advance-save">{ "Give advance" }</button></div>
                    </div>
                </form>
            }
        </div>
    }
}

/// The organisation's pay rates for teachers, which batches refer to.
#[component]
fn RatesCard() -> Html {
    use branchdesk_api::commands::timetable::{
        CommissionRate, CompensationModel, ListCommissionRates, SaveCommissionRate,
    };
    let s = use_session();
    let (rates, reload) = use_query(ListCommissionRates { include_inactive: true });
    let form = use_form::<SaveCommissionRate>();
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, reload) = (form.clone(), error.clone(), s.clone(), reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (reset, reload) = (form.clone(), reload.clone());
            act(form.value().clone(), error.clone(), s.clone(), move |_| {
                reset.update(|f| *f = SaveCommissionRate::default());
                reload.emit(());
            });
        })
    };
    let edit = |r: &CommissionRate| {
        let (form, r) = (form.clone(), r.clone());
        Callback::from(move |_: MouseEvent| {
            let r = r.clone();
            form.update(move |f| {
                *f = SaveCommissionRate {
                    id: Some(r.id),
                    name: r.name.clone(),
                    model: r.model,
                    amount: money(r.amount_minor),
                    active: r.active,
                }
            })
        })
    };
    let models: Vec<(String, String)> =
        CompensationModel::ALL.iter().map(|m| (m.as_str().into(), m.label().into())).collect();
    let err = (*error).clone();
    let list = match &rates {
        Some(Ok(list)) if list.is_empty() => {
            html! { <p class="empty">{ "No rates yet. A batch on a rate pays its teacher by it; change the rate and every such batch follows." }</p> }
        }
        Some(Ok(list)) => html! {
            <table class="grid" id="rates">
                <thead><tr><th>{ "Rate" }</th><th>{ "Pays" }</th><th class="num">{ "Amount" }</th><th class="num">{ "Batches" }</th><th></th></tr></thead>
                <tbody>{ for list.iter().map(|r| html! {
                    <tr class={classes!((!r.active).then_some("muted"))}>
                        <td>{ &r.name }if !r.active { <span class="tag">{ "retired" }</span> }</td>
                        <td>{ r.model.label() }</td><td class="num">{ money(r.amount_minor) }</td><td class="num">{ r.batches }</td>
                        <td><button type="button" class="link" onclick={edit(r)}>{ "Change" }</button></td>
                    </tr>
                }) }</tbody>
            </table>
        },
        // Someone without payroll over every branch still reads the table
        // when they plan batches; otherwise it is not shown.
        _ => return html! {},
    };
    html! {
        <div class="card" id="pay-rates">
            <h3>{ "Pay rates for teachers" }</h3>
            { list }
            <FormError error={err.clone()} fields={vec!["name", "amount"]} />
            <form class="inline-form" id="rate-form" {onsubmit}>
                <div class="row">
                    <Field label="Rate" name="name" id="rate-name" value={form.name.clone()} on_input={form.field(|f, v| f.name = v)} error={err.clone()} hint="e.g. Senior per session" />
                    <Select label="Pays" name="model" id="rate-model" value={form.model.as_str()} options={models} on_change={form.field(|f, v: String| f.model = CompensationModel::parse(&v).unwrap_or_default())} />
                    <Field label="Amount (₹)" name="amount" id="rate-amount" value={form.amount.clone()} on_input={form.field(|f, v| f.amount = v)} error={err.clone()} />
                    if form.id.is_some() {
                        <label class="check"><input type="checkbox" checked={!form.active} onchange={form.field(|f, _: Event| f.active = !f.active)} />{ " Retired" }</label>
                    }
                    <div class="actions"><button type="submit" id="rate-save">{ if form.id.is_some() { "Save rate" } else { "Add rate" } }</button></div>
                </div>
            </form>
        </div>
    }
}
