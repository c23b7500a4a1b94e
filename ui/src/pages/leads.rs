//! Enquiries: today's and overdue follow-ups first, take a new one, log a
//! call or visit, and admit in one step.

use crate::components::concession::{self, Concession, ConcessionFields};
use crate::components::csv_import::CsvImport;
use crate::components::field::{setter, DateField, Field, FormActions, FormError, Select};
use crate::components::guardian_offer::GuardianOffer;
use crate::components::keys::esc;
use crate::components::session::use_session;
use crate::format::{day, money};
use crate::hooks::{act, show, use_query};
use crate::nav::Page;
use branchdesk_api::commands::academics::{Course, ListCourses};
use branchdesk_api::commands::imports::{ExportList, ImportKind, SavedFile};
use branchdesk_api::commands::leads::*;
use branchdesk_api::commands::timetable::{Batch, ListBatches};
use branchdesk_api::ids::{BranchId, CourseId};
use branchdesk_api::{ApiError, Permission};
use yew::prelude::*;

const VIEWS: [(LeadView, &str); 4] = [
    (LeadView::DueToday, "Due today"),
    (LeadView::Overdue, "Overdue"),
    (LeadView::Open, "All open"),
    (LeadView::All, "Everything"),
];

#[component]
pub fn EnquiriesPage() -> Html {
    let s = use_session();
    let branch = use_state(|| s.me.branches.first().map(|b| b.id).unwrap_or_default());
    let view = use_state(|| LeadView::Open);
    let (leads, reload) = use_query(ListLeads { branch_id: *branch, view: *view });
    let adding = use_state(|| false);
    let importing = use_state(|| false);
    let exported = use_state(|| None::<SavedFile>);
    let error = use_state(|| None::<ApiError>);
    let open = use_state(|| None::<Lead>);
    if s.me.branches.is_empty() {
        return html! { <section id="enquiries"><h1>{ "Enquiries" }</h1><p class="empty">{ "You hold no role in a branch." }</p></section> };
    }
    let choose = |l: &Lead| {
        let (open, l) = (open.clone(), l.clone());
        Callback::from(move |_: MouseEvent| open.set(Some(l.clone())))
    };
    let changed = {
        let (open, reload) = (open.clone(), reload.clone());
        Callback::from(move |l: Option<Lead>| {
            open.set(l);
            reload.emit(());
        })
    };
    html! {
        <section id="enquiries">
            <header class="page-head">
                <h1>{ "Enquiries" }</h1>
                { super::branch_picker(&s.me.branches, branch.clone()) }
                if !*adding { <button class="primary" id="add-lead" onclick={let a = adding.clone(); move |_| a.set(true)}>{ "New enquiry" }</button> }
                if !*importing { <button id="import-leads" onclick={let i = importing.clone(); move |_| i.set(true)}>{ "Import CSV" }</button> }
                <button id="export-leads" onclick={crate::components::files::export_list(ExportList::Leads, *branch, exported.clone(), error.clone(), s.clone())}>{ "Export CSV" }</button>
            </header>
            <FormError error={(*error).clone()} fields={vec![]} />
            if let Some(f) = &*exported { <p class="notice success">{ format!("Saved {} rows to {}", f.rows, f.path) }</p> }
            if *importing {
                <CsvImport kind={ImportKind::Leads} branch_id={*branch} on_imported={let r = reload.clone(); Callback::from(move |_| r.emit(()))} on_close={let i = importing.clone(); Callback::from(move |_| i.set(false))} />
            }
            if *adding {
                <LeadForm branch_id={*branch} on_done={let (a, c) = (adding.clone(), changed.clone()); Callback::from(move |l: Option<Lead>| { a.set(false); if l.is_some() { c.emit(l); } })} />
            }
            <div class="tabs" role="tablist">
                { for VIEWS.iter().map(|(v, label)| { let view2 = view.clone(); let v = *v; html! {
                    <button role="tab" aria-selected={(*view == v).to_string()} class={classes!((*view == v).then_some("current"))} onclick={move |_| view2.set(v)}>{ label }</button>
                }}) }
            </div>
            <div class="split">
                <div class="list-pane">
                    { show(&leads, |list: &Vec<Lead>| {
                        if list.is_empty() {
                            return html! { <p class="empty">{ "No enquiries here." }</p> };
                        }
                        html! {
                            <ul class="picker" id="lead-list">
                                { for list.iter().map(|l| html! {
                                    <li class={classes!(open.as_ref().is_some_and(|o| o.id == l.id).then_some("chosen"))}>
                                        <button onclick={choose(l)}>
                                            <strong>{ &l.full_name }</strong>
                                            <span class="tag">{ l.status.label() }</span>
                                            <div class="muted">{ l.next_follow_up.as_ref().map(|d| format!("follow up {}", day(d))).unwrap_or_else(|| "no follow-up set".into()) }</div>
                                        </button>
                                    </li>
                                }) }
                            </ul>
                        }
                    }) }
                </div>
                <div class="detail-pane">
                    if let Some(l) = (*open).clone() {
                        <LeadDetail lead={l} on_changed={changed.clone()} />
                    } else {
                        <p class="muted">{ "Choose an enquiry to follow it up or admit the student." }</p>
                    }
                </div>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LeadFormProps {
    branch_id: BranchId,
    on_done: Callback<Option<Lead>>,
}

#[component]
fn LeadForm(p: &LeadFormProps) -> Html {
    let s = use_session();
    let (courses, _) = use_query(ListCourses { include_inactive: false });
    let name = use_state(String::new);
    let phone = use_state(String::new);
    let g_name = use_state(String::new);
    let g_phone = use_state(String::new);
    let source = use_state(String::new);
    let course = use_state(String::new);
    let follow = use_state(String::new);
    let notes = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let f = (
            name.clone(),
            phone.clone(),
            g_name.clone(),
            g_phone.clone(),
            source.clone(),
            course.clone(),
            follow.clone(),
            notes.clone(),
        );
        let (error, s, done, branch) = (error.clone(), s.clone(), p.on_done.clone(), p.branch_id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (name, phone, g_name, g_phone, source, course, follow, notes) = f.clone();
            let input = SaveLead {
                id: None,
                branch_id: branch,
                full_name: (*name).clone(),
                phone: (*phone).clone(),
                email: String::new(),
                guardian_name: (*g_name).clone(),
                guardian_phone: (*g_phone).clone(),
                source: (*source).clone(),
                course_id: course.parse().ok().map(CourseId),
                owner_id: None,
                next_follow_up: (*follow).clone(),
                notes: (*notes).clone(),
            };
            let done = done.clone();
            act(input, error.clone(), s.clone(), move |l| done.emit(Some(l)));
        })
    };
    let err = (*error).clone();
    let cancel = p.on_done.reform(|_| None);
    let course_opts: Vec<(String, String)> = match &courses {
        Some(Ok(list)) => list.iter().map(|c: &Course| (c.id.to_string(), c.name.clone())).collect(),
        _ => vec![],
    };
    html! {
        <form class="card" id="lead-form" {onsubmit} onkeydown={esc(cancel.clone())}>
            <h2>{ "New enquiry" }</h2>
            <FormError error={err.clone()} fields={vec!["full_name", "phone", "guardian_name", "guardian_phone", "source", "course_id", "next_follow_up", "notes"]} />
            <div class="row">
                <Field label="Student's name" name="full_name" value={(*name).clone()} on_input={setter(&name)} error={err.clone()} autofocus=true />
                <Field label="Phone" name="phone" value={(*phone).clone()} on_input={setter(&phone)} error={err.clone()} />
                <Field label="Parent's name" name="guardian_name" value={(*g_name).clone()} on_input={setter(&g_name)} error={err.clone()} />
                <Field label="Parent's phone" name="guardian_phone" value={(*g_phone).clone()} on_input={setter(&g_phone)} error={err.clone()} />
            </div>
            <div class="row">
                <Field label="Came from" name="source" value={(*source).clone()} on_input={setter(&source)} error={err.clone()} hint="walk-in, referral, website…" />
                <Select label="Interested in" name="course_id" value={(*course).clone()} options={course_opts} on_change={setter(&course)} error={err.clone()} none="Not sure yet" />
                <DateField label="Follow up on" name="next_follow_up" value={(*follow).clone()} on_input={setter(&follow)} error={err.clone()} />
                <Field label="Notes" name="notes" value={(*notes).clone()} on_input={setter(&notes)} error={err.clone()} />
            </div>
            <FormActions save="Save enquiry" id="lead-save" on_cancel={cancel} />
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct LeadDetailProps {
    lead: Lead,
    on_changed: Callback<Option<Lead>>,
}

#[component]
fn LeadDetail(p: &LeadDetailProps) -> Html {
    let s = use_session();
    let l = &p.lead;
    let (batches, _) = use_query(ListBatches { branch_id: l.branch_id, include_inactive: false });
    // A guardian chosen from the offer for this enquiry's parent phone.
    let g_phone = l.guardian_phone.clone().unwrap_or_default();
    let guardian =
        use_state(|| None::<(branchdesk_api::ids::LeadId, String, branchdesk_api::ids::GuardianId)>);
    let chosen_guardian =
        guardian.as_ref().filter(|(lead, phone, _)| *lead == l.id && *phone == g_phone).map(|c| c.2);
    let choose_guardian = {
        let (guardian, lead, phone) = (guardian.clone(), l.id, g_phone.clone());
        Callback::from(move |g: branchdesk_api::commands::students::GuardianMatch| {
            guardian.set(Some((lead, phone.clone(), g.id)))
        })
    };
    let kind = use_state(|| ActivityKind::Call.as_str().to_owned());
    let outcome = use_state(String::new);
    let status = use_state(|| l.status.as_str().to_owned());
    let lost_reason = use_state(String::new);
    let follow = use_state(String::new);
    let batch = use_state(String::new);
    let dob = use_state(String::new);
    let relation = use_state(|| "Parent".to_owned());
    let concession = use_state(Concession::default);
    let error = use_state(|| None::<ApiError>);
    let log = {
        let f = (kind.clone(), outcome.clone(), status.clone(), lost_reason.clone(), follow.clone());
        let (error, s, done, id) = (error.clone(), s.clone(), p.on_changed.clone(), l.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (kind, outcome, status, lost_reason, follow) = f.clone();
            let input = LogLeadActivity {
                lead_id: id,
                kind: ActivityKind::parse(&kind).unwrap_or_default(),
                outcome: (*outcome).clone(),
                status: LeadStatus::parse(&status),
                lost_reason: (*lost_reason).clone(),
                next_follow_up: (*follow).clone(),
            };
            let (done, outcome) = (done.clone(), outcome.clone());
            act(input, error.clone(), s.clone(), move |l| {
                outcome.set(String::new());
                done.emit(Some(l));
            });
        })
    };
    let convert = {
        let f = (batch.clone(), dob.clone(), relation.clone(), concession.clone());
        let (error, s, nav, id) = (error.clone(), s.clone(), s.navigate.clone(), l.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (batch, dob, relation, concession) = f.clone();
            let Ok(batch_id) = batch.parse() else {
                return error.set(Some(ApiError::invalid("batch_id", "Choose the batch to enrol into.")));
            };
            let c = match concession.typed() {
                Ok(c) => c,
                Err(e) => return error.set(Some(e)),
            };
            let input = ConvertLead {
                lead_id: id,
                guardian_id: chosen_guardian,
                batch_id: branchdesk_api::ids::BatchId(batch_id),
                date_of_birth: (*dob).clone(),
                guardian_relation: (*relation).clone(),
                start_date: String::new(),
                discount_kind: c.kind,
                discount_value: c.value,
                discount_reason: c.reason,
                discount_category: c.category,
            };
            let nav = nav.clone();
            act(input, error.clone(), s.clone(), move |d| nav.emit(Page::Student(d.student.id)));
        })
    };
    let err = (*error).clone();
    let kinds: Vec<(String, String)> =
        ActivityKind::ALL.iter().map(|k| (k.as_str().into(), k.label().into())).collect();
    let statuses: Vec<(String, String)> = LeadStatus::ALL
        .iter()
        .filter(|s| **s != LeadStatus::Converted)
        .map(|k| (k.as_str().into(), k.label().into()))
        .collect();
    let batch_opts: Vec<(String, String)> = match &batches {
        Some(Ok(list)) => list
            .iter()
            .map(|b: &Batch| {
                (b.id.to_string(), format!("{} · {} · {}", b.name, b.course_name, money(b.fee_minor)))
            })
            .collect(),
        _ => vec![],
    };
    let admit = s.me.can(Permission::ManageStudent) && s.me.can(Permission::ManageEnrolment);
    html! {
        <div class="card" id="lead-detail">
            <h2>{ &l.full_name }<span class="tag">{ l.status.label() }</span></h2>
            <p class="muted">
                { [l.phone.clone(), (!l.guardian_name.is_empty()).then(|| format!("parent {}", l.guardian_name)), l.guardian_phone.clone(), l.course_name.clone(), (!l.source.is_empty()).then(|| format!("via {}", l.source))].into_iter().flatten().collect::<Vec<_>>().join(" · ") }
            </p>
            if !l.possible_duplicates.is_empty() {
                <div class="notice" id="lead-duplicates">{ format!("Possibly already known: {}", l.possible_duplicates.join("; ")) }</div>
            }
            <FormError error={err.clone()} fields={[&["outcome", "lost_reason", "next_follow_up", "batch_id", "date_of_birth", "guardian_relation"][..], &concession::FIELDS].concat()} />
            <ul class="log" id="lead-activities">
                { for l.activities.iter().map(|a| html! { <li>{ format!("{} · {} · {}", a.kind.label(), a.done_at.get(..16).unwrap_or_default().replace('T', " "), a.done_by.clone().unwrap_or_default()) }<div>{ &a.outcome }</div></li> }) }
            </ul>
            if l.status.open() {
                <form class="inline-form" id="activity-form" onsubmit={log}>
                    <div class="row">
                        <Select label="What" name="kind" value={(*kind).clone()} options={kinds} on_change={setter(&kind)} />
                        <Field label="What happened" name="outcome" value={(*outcome).clone()} on_input={setter(&outcome)} error={err.clone()} />
                        <Select label="Now" name="status" value={(*status).clone()} options={statuses} on_change={setter(&status)} />
                        <DateField label="Next follow-up" name="next_follow_up" value={(*follow).clone()} on_input={setter(&follow)} error={err.clone()} />
                    </div>
                    if *status == LeadStatus::Lost.as_str() {
                        <Field label="Why lost" name="lost_reason" value={(*lost_reason).clone()} on_input={setter(&lost_reason)} error={err.clone()} />
                    }
                    <div class="actions"><button type="submit" id="activity-save">{ "Log it" }</button></div>
                </form>
                if admit {
                    <form class="inline-form card" id="convert-form" onsubmit={convert}>
                        <h3>{ "Admit and enrol" }</h3>
                        <GuardianOffer branch_id={l.branch_id} phone={g_phone.clone()} chosen={chosen_guardian} on_choose={choose_guardian} />
                        <div class="row">
                            <Select label="Batch" name="batch_id" value={(*batch).clone()} options={batch_opts} on_change={setter(&batch)} error={err.clone()} none="Choose…" />
                            <DateField label="Date of birth" name="date_of_birth" value={(*dob).clone()} on_input={setter(&dob)} error={err.clone()} />
                            <Field label="Parent is the student's" name="guardian_relation" value={(*relation).clone()} on_input={setter(&relation)} error={err.clone()} hint="Mother, Father…" />
                        </div>
                        <ConcessionFields value={(*concession).clone()} on_change={setter(&concession)} error={err.clone()} />
                        <div class="actions"><button type="submit" class="primary" id="convert-save">{ "Admit" }</button></div>
                    </form>
                }
            } else if let Some(id) = l.student_id {
                <button class="link" onclick={let nav = s.navigate.clone(); move |_| nav.emit(Page::Student(id))}>{ "Open the student" }</button>
            }
        </div>
    }
}
