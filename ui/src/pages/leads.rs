//! Enquiries: today's and overdue follow-ups first, take a new one, log a
//! call or visit, and admit in one step.

use crate::components::branch::branch_picker;
use crate::components::concession::{self, Concession, ConcessionFields};
use crate::components::csv_import::CsvImport;
use crate::components::field::{DateField, Field, FormActions, FormError, Select};
use crate::components::form::{use_form, use_form_with};
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
use branchdesk_api::ids::{BatchId, BranchId, CourseId, GuardianId, LeadId};
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
                { branch_picker(&s.me.branches, branch.clone()) }
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
    let form = use_form::<SaveLead>();
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, done, branch) =
            (form.clone(), error.clone(), s.clone(), p.on_done.clone(), p.branch_id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = SaveLead { branch_id: branch, ..form.value().clone() };
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
                <Field label="Student's name" name="full_name" value={form.full_name.clone()} on_input={form.field(|f, v| f.full_name = v)} error={err.clone()} autofocus=true />
                <Field label="Phone" name="phone" value={form.phone.clone()} on_input={form.field(|f, v| f.phone = v)} error={err.clone()} />
                <Field label="Parent's name" name="guardian_name" value={form.guardian_name.clone()} on_input={form.field(|f, v| f.guardian_name = v)} error={err.clone()} />
                <Field label="Parent's phone" name="guardian_phone" value={form.guardian_phone.clone()} on_input={form.field(|f, v| f.guardian_phone = v)} error={err.clone()} />
            </div>
            <div class="row">
                <Field label="Came from" name="source" value={form.source.clone()} on_input={form.field(|f, v| f.source = v)} error={err.clone()} hint="walk-in, referral, website…" />
                <Select label="Interested in" name="course_id" value={form.course_id.map(|c| c.to_string()).unwrap_or_default()} options={course_opts} on_change={form.field(|f, v: String| f.course_id = v.parse().ok().map(CourseId))} error={err.clone()} none="Not sure yet" />
                <DateField label="Follow up on" name="next_follow_up" value={form.next_follow_up.clone()} on_input={form.field(|f, v| f.next_follow_up = v)} error={err.clone()} />
                <Field label="Notes" name="notes" value={form.notes.clone()} on_input={form.field(|f, v| f.notes = v)} error={err.clone()} />
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
    let guardian = use_state(|| None::<(LeadId, String, GuardianId)>);
    let chosen_guardian =
        guardian.as_ref().filter(|(lead, phone, _)| *lead == l.id && *phone == g_phone).map(|c| c.2);
    let choose_guardian = {
        let (guardian, lead, phone) = (guardian.clone(), l.id, g_phone.clone());
        Callback::from(move |g: branchdesk_api::commands::students::GuardianMatch| {
            guardian.set(Some((lead, phone.clone(), g.id)))
        })
    };
    let activity = use_form_with(|| LogLeadActivity {
        kind: ActivityKind::Call,
        status: Some(l.status),
        ..LogLeadActivity::default()
    });
    let admission = use_form_with(|| AdmitDraft {
        admit: ConvertLead { guardian_relation: "Parent".to_owned(), ..ConvertLead::default() },
        ..AdmitDraft::default()
    });
    let error = use_state(|| None::<ApiError>);
    let log = {
        let (activity, error, s, done, id) =
            (activity.clone(), error.clone(), s.clone(), p.on_changed.clone(), l.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = LogLeadActivity { lead_id: id, ..activity.value().clone() };
            let (done, activity) = (done.clone(), activity.clone());
            act(input, error.clone(), s.clone(), move |l| {
                activity.update(|f| f.outcome.clear());
                done.emit(Some(l));
            });
        })
    };
    let convert = {
        let (admission, error, s, nav, id) =
            (admission.clone(), error.clone(), s.clone(), s.navigate.clone(), l.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = match admission.input(id, chosen_guardian) {
                Ok(input) => input,
                Err(e) => return error.set(Some(e)),
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
                        <Select label="What" name="kind" value={activity.kind.as_str()} options={kinds} on_change={activity.field(|f, v: String| f.kind = ActivityKind::parse(&v).unwrap_or_default())} />
                        <Field label="What happened" name="outcome" value={activity.outcome.clone()} on_input={activity.field(|f, v| f.outcome = v)} error={err.clone()} />
                        <Select label="Now" name="status" value={activity.status.map(|s| s.as_str()).unwrap_or_default()} options={statuses} on_change={activity.field(|f, v: String| f.status = LeadStatus::parse(&v))} />
                        <DateField label="Next follow-up" name="next_follow_up" value={activity.next_follow_up.clone()} on_input={activity.field(|f, v| f.next_follow_up = v)} error={err.clone()} />
                    </div>
                    if activity.status == Some(LeadStatus::Lost) {
                        <Field label="Why lost" name="lost_reason" value={activity.lost_reason.clone()} on_input={activity.field(|f, v| f.lost_reason = v)} error={err.clone()} />
                    }
                    <div class="actions"><button type="submit" id="activity-save">{ "Log it" }</button></div>
                </form>
                if admit {
                    <form class="inline-form card" id="convert-form" onsubmit={convert}>
                        <h3>{ "Admit and enrol" }</h3>
                        <GuardianOffer branch_id={l.branch_id} phone={g_phone.clone()} chosen={chosen_guardian} on_choose={choose_guardian} />
                        <div class="row">
                            <Select label="Batch" name="batch_id" value={admission.batch.map(|b| b.to_string()).unwrap_or_default()} options={batch_opts} on_change={admission.field(|f, v: String| f.batch = v.parse().ok().map(BatchId))} error={err.clone()} none="Choose…" />
                            <DateField label="Date of birth" name="date_of_birth" value={admission.admit.date_of_birth.clone()} on_input={admission.field(|f, v| f.admit.date_of_birth = v)} error={err.clone()} />
                            <Field label="Parent is the student's" name="guardian_relation" value={admission.admit.guardian_relation.clone()} on_input={admission.field(|f, v| f.admit.guardian_relation = v)} error={err.clone()} hint="Mother, Father…" />
                        </div>
                        <ConcessionFields value={admission.concession.clone()} on_change={admission.field(|f, v| f.concession = v)} error={err.clone()} />
                        <div class="actions"><button type="submit" class="primary" id="convert-save">{ "Admit" }</button></div>
                    </form>
                }
            } else if let Some(id) = l.student_id {
                <button class="link" onclick={let nav = s.navigate.clone(); move |_| nav.emit(Page::Student(id))}>{ "Open the student" }</button>
            }
        </div>
    }
}

/// The admission form: the admission as sent, the batch until one is
/// chosen and the concession as typed.
#[derive(Clone, Default, PartialEq)]
struct AdmitDraft {
    admit: ConvertLead,
    batch: Option<BatchId>,
    concession: Concession,
}

impl AdmitDraft {
    /// The admission of `lead`, or the field that is not yet right.
    fn input(&self, lead: LeadId, guardian: Option<GuardianId>) -> Result<ConvertLead, ApiError> {
        let Some(batch_id) = self.batch else {
            return Err(ApiError::invalid("batch_id", "Choose the batch to enrol into."));
        };
        let c = self.concession.typed()?;
        Ok(ConvertLead {
            lead_id: lead,
            guardian_id: guardian,
            batch_id,
            discount_kind: c.kind,
            discount_value: c.value,
            discount_reason: c.reason,
            discount_category: c.category,
            ..self.admit.clone()
        })
    }
}
