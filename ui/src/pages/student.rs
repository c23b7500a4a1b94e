//! One student: profile, guardians, enrolments (enrol, hold, drop,
//! complete, with the log), and the records later areas add.

use crate::components::concession::{self, Concession, ConcessionFields};
use crate::components::field::{setter, DateField, Field, FormActions, FormError, Select};
use crate::components::form::{use_form, use_form_with};
use crate::components::session::use_session;
use crate::format::{day, money};
use crate::hooks::{act, use_query};
use crate::invoke::call;
use crate::nav::Page;
use branchdesk_api::commands::attendance::NotificationChannel;
use branchdesk_api::commands::students::*;
use branchdesk_api::commands::timetable::{Batch, ListBatches};
use branchdesk_api::ids::{BatchId, BranchId, EnrolmentId, StudentId};
use branchdesk_api::{ApiError, Permission};
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Profile,
    Guardians,
    Enrolments,
    Attendance,
    Marks,
    Fees,
}

const TABS: [(Tab, &str); 6] = [
    (Tab::Profile, "Profile"),
    (Tab::Guardians, "Guardians"),
    (Tab::Enrolments, "Enrolments"),
    (Tab::Attendance, "Attendance"),
    (Tab::Marks, "Marks"),
    (Tab::Fees, "Fees"),
];

#[derive(Properties, PartialEq)]
pub struct StudentPageProps {
    pub id: StudentId,
}

#[component]
pub fn StudentPage(p: &StudentPageProps) -> Html {
    let s = use_session();
    let detail = use_state(|| None::<StudentDetail>);
    let error = use_state(|| None::<ApiError>);
    let tab = use_state(|| Tab::Profile);
    let version = use_state(|| 0u32);
    {
        let (detail, error, s) = (detail.clone(), error.clone(), s.clone());
        use_effect_with((p.id, *version), move |(id, _)| {
            let input = GetStudent { id: *id };
            spawn_local(async move {
                match call(&input).await {
                    Ok(d) => detail.set(Some(d)),
                    Err(e) => error.set(Some(s.check(e))),
                }
            });
        });
    }
    let reload = {
        let version = version.clone();
        Callback::from(move |_: ()| version.set(*version + 1))
    };
    let Some(d) = (*detail).clone() else {
        return html! { <section id="student"><FormError error={(*error).clone()} fields={vec![]} /><p class="muted">{ "Loading…" }</p></section> };
    };
    let st = &d.student;
    // A branch the student left keeps their record read-only.
    let manage = s.me.can(Permission::ManageStudent) && d.moved_away.is_none();
    let merge = |dup: StudentId| {
        let (error, s, reload, keep) = (error.clone(), s.clone(), reload.clone(), st.id);
        Callback::from(move |_: MouseEvent| {
            let reload = reload.clone();
            act(MergeStudents { keep, duplicate: dup }, error.clone(), s.clone(), move |_| reload.emit(()));
        })
    };
    let tab_keys = {
        let tab = tab.clone();
        Callback::from(move |e: KeyboardEvent| {
            let i = TABS.iter().position(|(t, _)| *t == *tab).unwrap_or(0);
            match e.key().as_str() {
                "ArrowRight" => tab.set(TABS[(i + 1) % TABS.len()].0),
                "ArrowLeft" => tab.set(TABS[(i + TABS.len() - 1) % TABS.len()].0),
                _ => {}
            }
        })
    };
    html! {
        <section id="student">
            <header class="page-head">
                if let Some(src) = &st.photo { <img class="photo" src={src.clone()} alt={format!("Photo of {}", st.full_name)} /> }
                <h1>{ &st.full_name }<span class="muted">{ format!(" · {}", st.code) }</span></h1>
                if st.archived { <span class="tag">{ "archived" }</span> }
                <button class="link" onclick={let nav = s.navigate.clone(); move |_| nav.emit(Page::Students)}>{ "All students" }</button>
            </header>
            <FormError error={(*error).clone()} fields={vec![]} />
            if let Some(note) = &d.moved_away {
                <div class="notice" id="moved-away" role="status">{ note }</div>
            }
            if !d.possible_duplicates.is_empty() {
                <div class="notice" id="student-duplicates">
                    <strong>{ "Possibly the same person: " }</strong>
                    { for d.possible_duplicates.iter().map(|dup| html! {
                        <span class="dup">
                            <button class="link" onclick={let (nav, id) = (s.navigate.clone(), dup.id); move |_| nav.emit(Page::Student(id))}>{ format!("{} ({})", dup.full_name, dup.code) }</button>
                            if manage && !dup.archived { <button onclick={merge(dup.id)}>{ "Merge into this student" }</button> }
                        </span>
                    }) }
                </div>
            }
            <div class="tabs" role="tablist" onkeydown={tab_keys}>
                { for TABS.iter().map(|(t, label)| { let tab2 = tab.clone(); let t = *t; html! {
                    <button role="tab" id={format!("tab-{}", label.to_lowercase())} aria-selected={(*tab == t).to_string()}
                        class={classes!((*tab == t).then_some("current"))} onclick={move |_| tab2.set(t)}>{ label }</button>
                }}) }
            </div>
            { match *tab {
                Tab::Profile => html! {
                    <>
                        <Profile student={st.clone()} on_saved={reload.clone()} />
                        if manage { <Photo student={st.clone()} on_saved={reload.clone()} /> }
                        if manage && !st.archived && s.me.can(Permission::ManageEnrolment) {
                            <Transfer student={st.clone()} on_saved={reload.clone()} />
                        }
                        if !st.has_login && !st.archived && s.me.can(Permission::ManageUser) {
                            <SignIn student={st.clone()} on_saved={reload.clone()} />
                        } else if st.has_login {
                            <p class="muted" id="has-login">{ "This student can sign in and see their own attendance and enrolments." }</p>
                        }
                    </>
                },
                Tab::Guardians => html! { <Guardians student={st.clone()} on_saved={reload.clone()} /> },
                Tab::Enrolments => html! { <Enrolments detail={d.clone()} on_saved={reload.clone()} /> },
                Tab::Attendance => html! { <AttendanceTab id={st.id} /> },
                Tab::Marks => html! { <super::student_marks::StudentMarks id={st.id} /> },
                Tab::Fees => html! { <super::fees::Fees id={st.id} archived={st.archived} /> },
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PartProps {
    student: Student,
    on_saved: Callback<()>,
}

#[component]
fn Profile(p: &PartProps) -> Html {
    let s = use_session();
    let st = &p.student;
    let form = use_form_with(|| SaveStudent {
        code: st.code.clone(),
        full_name: st.full_name.clone(),
        date_of_birth: st.date_of_birth.clone().unwrap_or_default(),
        phone: st.phone.clone().unwrap_or_default(),
        email: st.email.clone().unwrap_or_default(),
        address: st.address.clone(),
        school: st.school.clone(),
        grade: st.grade.clone(),
        notes: st.notes.clone(),
        ..SaveStudent::default()
    });
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    let manage = s.me.can(Permission::ManageStudent);
    let onsubmit = {
        let (form, error, s, done, saved) =
            (form.clone(), error.clone(), s.clone(), p.on_saved.clone(), saved.clone());
        let (id, branch_id) = (st.id, st.branch_id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (done, saved) = (done.clone(), saved.clone());
            let input = SaveStudent { id: Some(id), branch_id, ..form.value().clone() };
            act(input, error.clone(), s.clone(), move |_| {
                saved.set(true);
                done.emit(());
            });
        })
    };
    let archive = {
        let (error, s, done, id, archived) =
            (error.clone(), s.clone(), p.on_saved.clone(), st.id, st.archived);
        Callback::from(move |_: MouseEvent| {
            let done = done.clone();
            act(SetStudentArchived { id, archived: !archived }, error.clone(), s.clone(), move |_| {
                done.emit(())
            });
        })
    };
    let err = (*error).clone();
    html! {
        <form class="card" id="profile-form" {onsubmit}>
            <FormError error={err.clone()} fields={vec!["full_name", "code", "date_of_birth", "phone", "email", "address", "school", "grade", "notes"]} />
            if *saved { <div class="notice success" role="status">{ "Saved." }</div> }
            <div class="row">
                <Field label="Name" name="full_name" value={form.full_name.clone()} on_input={form.field(|f, v| f.full_name = v)} error={err.clone()} />
                <Field label="Student code" name="code" value={form.code.clone()} on_input={form.field(|f, v| f.code = v)} error={err.clone()} />
                <DateField label="Date of birth" name="date_of_birth" value={form.date_of_birth.clone()} on_input={form.field(|f, v| f.date_of_birth = v)} error={err.clone()} />
            </div>
            <div class="row">
                <Field label="Phone" name="phone" value={form.phone.clone()} on_input={form.field(|f, v| f.phone = v)} error={err.clone()} />
                <Field label="Email" name="email" value={form.email.clone()} on_input={form.field(|f, v| f.email = v)} error={err.clone()} />
                <Field label="School" name="school" value={form.school.clone()} on_input={form.field(|f, v| f.school = v)} error={err.clone()} />
                <Field label="Grade" name="grade" value={form.grade.clone()} on_input={form.field(|f, v| f.grade = v)} error={err.clone()} />
            </div>
            <div class="row">
                <Field label="Address" name="address" value={form.address.clone()} on_input={form.field(|f, v| f.address = v)} error={err.clone()} />
                <Field label="Notes" name="notes" value={form.notes.clone()} on_input={form.field(|f, v| f.notes = v)} error={err.clone()} />
            </div>
            if manage {
                <div class="actions">
                    <button type="submit" class="primary">{ "Save " }<kbd>{ "Enter" }</kbd></button>
                    <button type="button" onclick={archive}>{ if st.archived { "Restore" } else { "Archive" } }</button>
                </div>
            }
        </form>
    }
}

#[component]
fn Guardians(p: &PartProps) -> Html {
    let s = use_session();
    let form = use_form::<GuardianInput>();
    let error = use_state(|| None::<ApiError>);
    let st = &p.student;
    let manage = s.me.can(Permission::ManageStudent);
    let onsubmit = {
        let (form, error, s, done, id) = (form.clone(), error.clone(), s.clone(), p.on_saved.clone(), st.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let done = done.clone();
            let input = LinkGuardian { student_id: id, guardian: form.value().clone() };
            act(input, error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    let unlink = |g: &Guardian| {
        let (error, s, done, input) = (
            error.clone(),
            s.clone(),
            p.on_saved.clone(),
            UnlinkGuardian { student_id: st.id, guardian_id: g.id },
        );
        Callback::from(move |_: MouseEvent| {
            let done = done.clone();
            act(input.clone(), error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    // A guardian's channel changed in place (linked again with it).
    let prefer_error = use_state(|| None::<ApiError>);
    let prefer = |g: &Guardian| {
        let (error, s, done) = (prefer_error.clone(), s.clone(), p.on_saved.clone());
        let input = LinkGuardian {
            student_id: st.id,
            guardian: GuardianInput {
                guardian_id: Some(g.id),
                relation: g.relation.clone(),
                is_primary: g.is_primary,
                ..GuardianInput::default()
            },
        };
        Callback::from(move |v: String| {
            let done = done.clone();
            let mut input = input.clone();
            input.guardian.preferred_channel =
                NotificationChannel::parse(&v).or(Some(NotificationChannel::Sms));
            act(input, error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    // A yes or no to one kind of message; a no withdraws what was not sent.
    let consent_notice = use_state(|| None::<String>);
    let consent = |g: &Guardian, kind: ConsentKind, ok_now: bool| {
        let (error, s, done, notice) =
            (prefer_error.clone(), s.clone(), p.on_saved.clone(), consent_notice.clone());
        let input = SetGuardianConsent { student_id: st.id, guardian_id: g.id, kind, ok: !ok_now };
        let name = g.full_name.clone();
        Callback::from(move |_: Event| {
            let (done, notice, name, ok) = (done.clone(), notice.clone(), name.clone(), input.ok);
            act(input.clone(), error.clone(), s.clone(), move |r: ConsentSet| {
                let what = kind.label().to_lowercase();
                notice.set(Some(match (ok, r.withdrawn) {
                    (true, _) => format!("{name} gets {what} again."),
                    (false, 0) => format!("{name} gets no more {what}."),
                    (false, 1) => {
                        format!("{name} gets no more {what}; 1 message not yet sent was withdrawn.")
                    }
                    (false, n) => {
                        format!("{name} gets no more {what}; {n} messages not yet sent were withdrawn.")
                    }
                }));
                done.emit(());
            });
        })
    };
    let err = (*error).clone();
    html! {
        <div id="guardians">
            if st.guardians.is_empty() { <p class="empty">{ "No guardian yet." }</p> }
            <FormError error={(*prefer_error).clone()} fields={vec![]} />
            if let Some(n) = &*consent_notice { <p class="notice success" role="status" id="consent-notice">{ n }</p> }
            <ul class="plain">
                { for st.guardians.iter().map(|g| html! {
                    <li class="card">
                        <strong>{ &g.full_name }</strong>{ format!(" · {}", g.relation) }
                        if g.is_primary { <span class="tag">{ "primary" }</span> }
                        <div>{ g.phone.clone().unwrap_or_default() }{ " " }{ g.email.clone().unwrap_or_default() }</div>
                        if manage {
                            <Select label="Messages by" name={format!("preferred-{}", g.id)} value={g.preferred_channel.map(|c| c.as_str()).unwrap_or_default()} options={crate::format::channel_options()} none="SMS (usual)" on_change={prefer(g)} />
                        } else if let Some(c) = g.preferred_channel {
                            <div class="muted">{ format!("Messages by {}", c.label()) }</div>
                        }
                        <div class="consent">
                            <span class="muted">{ "Agrees to: " }</span>
                            { for [(ConsentKind::Alerts, g.alerts_ok), (ConsentKind::FeeReminders, g.fee_reminders_ok), (ConsentKind::Promotions, g.promotions_ok)].into_iter().map(|(kind, ok)| html! {
                                <label class="check-inline">
                                    <input type="checkbox" name={format!("consent-{}-{}", kind.as_str().to_lowercase(), g.id)} checked={ok} disabled={!manage} onchange={consent(g, kind, ok)} />
                                    { format!(" {}", kind.label()) }
                                </label>
                            }) }
                        </div>
                        if !g.other_students.is_empty() {
                            <div class="muted">{ "Also guardian of: " }
                                { for g.other_students.iter().map(|o| { let (nav, id) = (s.navigate.clone(), o.id); html! {
                                    <button class="link" onclick={move |_| nav.emit(Page::Student(id))}>{ format!("{} ({})", o.full_name, o.code) }</button>
                                }}) }
                            </div>
                        }
                        if manage { <button onclick={unlink(g)}>{ "Remove" }</button> }
                    </li>
                }) }
            </ul>
            if manage {
                <form class="card inline-form" id="guardian-form" {onsubmit}>
                    <FormError error={err.clone()} fields={vec!["guardian.full_name", "guardian.phone", "guardian.relation", "guardian.email", "guardian.preferred_channel"]} />
                    <div class="row">
                        <Field label="Guardian's name" name="guardian.full_name" value={form.full_name.clone()} on_input={form.field(|f, v| f.full_name = v)} error={err.clone()} />
                        <Field label="Phone" name="guardian.phone" value={form.phone.clone()} on_input={form.field(|f, v| f.phone = v)} error={err.clone()} />
                        <Field label="Relation" name="guardian.relation" value={form.relation.clone()} on_input={form.field(|f, v| f.relation = v)} error={err.clone()} />
                    </div>
                    <div class="row">
                        <Field label="Email" name="guardian.email" kind="email" value={form.email.clone()} on_input={form.field(|f, v| f.email = v)} error={err.clone()} />
                        <Select label="Messages by" name="guardian.preferred_channel" value={form.preferred_channel.map(|c| c.as_str()).unwrap_or_default()} options={crate::format::channel_options()} none="SMS (usual)" on_change={form.field(|f, v: String| f.preferred_channel = NotificationChannel::parse(&v))} error={err.clone()} />
                        <div class="actions"><button type="submit">{ "Add guardian" }</button></div>
                    </div>
                </form>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct EnrolmentsProps {
    detail: StudentDetail,
    on_saved: Callback<()>,
}

#[component]
fn Enrolments(p: &EnrolmentsProps) -> Html {
    let s = use_session();
    let st = &p.detail.student;
    let (batches, _) = use_query(ListBatches { branch_id: st.branch_id, include_inactive: false });
    let form = use_form::<EnrolDraft>();
    // The reason a status button sends (a drop or hold needs one).
    let reason = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    // Which enrolment's concession is being changed.
    let changing = use_state(|| None::<EnrolmentId>);
    let manage = s.me.can(Permission::ManageEnrolment) && p.detail.moved_away.is_none();
    // Changing a concession changes what is charged: managers only (the desk checks the branch).
    let reprice = manage && s.me.can(Permission::VoidPayment);
    let onsubmit = {
        let (form, error, s, done, id) = (form.clone(), error.clone(), s.clone(), p.on_saved.clone(), st.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = match form.input(id) {
                Ok(input) => input,
                Err(e) => return error.set(Some(e)),
            };
            let done = done.clone();
            act(input, error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    let change = |e: &Enrolment, to: EnrolmentStatus| {
        let (error, s, done, id, reason) =
            (error.clone(), s.clone(), p.on_saved.clone(), e.id, reason.clone());
        Callback::from(move |_: MouseEvent| {
            let done = done.clone();
            act(
                SetEnrolmentStatus { id, status: to, reason: (*reason).clone() },
                error.clone(),
                s.clone(),
                move |_| done.emit(()),
            );
        })
    };
    let open_change = |e: &Enrolment| {
        let (changing, id) = (changing.clone(), e.id);
        Callback::from(move |_: MouseEvent| changing.set(Some(id)))
    };
    let close_change = {
        let (changing, done) = (changing.clone(), p.on_saved.clone());
        Callback::from(move |saved: bool| {
            changing.set(None);
            if saved {
                done.emit(());
            }
        })
    };
    let err = (*error).clone();
    let batch_opts: Vec<(String, String)> = match &batches {
        Some(Ok(list)) => list
            .iter()
            .map(|b: &Batch| {
                (b.id.to_string(), format!("{} · {} · {}", b.name, b.course_name, money(b.fee_minor)))
            })
            .collect(),
        _ => vec![],
    };
    let mut fields = vec!["batch_id", "start_date", "reason"];
    fields.extend(concession::FIELDS);
    html! {
        <div id="enrolments">
            <FormError error={err.clone()} fields={fields} />
            if p.detail.enrolments.is_empty() { <p class="empty">{ "Not enrolled in any batch yet." }</p> }
            { for p.detail.enrolments.iter().map(|e| html! {
                <div class="card enrolment" id={format!("enrolment-{}", e.id)}>
                    <strong>{ &e.batch_name }</strong>{ format!(" · {} · from {}", e.course_name, day(&e.start_date)) }
                    <span class="tag">{ e.status.label() }</span>
                    if e.discount_kind != DiscountKind::None {
                        <span class="muted concession">{ format!(" · {} {}: {}", e.discount_category.label().to_lowercase(), match e.discount_kind { DiscountKind::Percent => format!("{} %", crate::format::percent(e.discount_value as u32)), _ => money(e.discount_value) }, e.discount_reason) }</span>
                    }
                    if let Some(c) = &e.certificate_no { <span class="muted">{ format!(" · certificate {c}") }</span> }
                    <ul class="log">
                        { for e.log.iter().map(|l| html! { <li class="muted">{ format!("{} → {} · {} · {}{}", l.from_status.map(|f| f.label()).unwrap_or("—"), l.to_status.label(), l.changed_by.clone().unwrap_or_default(), l.changed_at.get(..16).unwrap_or_default().replace('T', " "), if l.reason.is_empty() { String::new() } else { format!(" · {}", l.reason) }) }</li> }) }
                    </ul>
                    if manage && e.branch_id == st.branch_id {
                        <div class="row-actions">
                            { for EnrolmentStatus::ALL.iter().filter(|s| **s != e.status).map(|to| html! { <button onclick={change(e, *to)}>{ format!("Mark {}", to.label().to_lowercase()) }</button> }) }
                            if reprice && e.status == EnrolmentStatus::Active && *changing != Some(e.id) {
                                <button class="change-concession" id={format!("change-concession-{}", e.id)} onclick={open_change(e)}>{ "Change concession" }</button>
                            }
                        </div>
                    }
                    if reprice && *changing == Some(e.id) {
                        <ConcessionForm enrolment={e.clone()} on_close={close_change.clone()} />
                    }
                </div>
            }) }
            if manage && !p.detail.enrolments.is_empty() {
                <div class="row"><Field label="Reason for a status change" name="reason" value={(*reason).clone()} on_input={setter(&reason)} error={err.clone()} hint="needed to drop or hold" /></div>
            }
            { for p.detail.earlier_branches.iter().rev().map(earlier_branch) }
            if manage && !st.archived {
                <form class="card" id="enrol-form" {onsubmit}>
                    <h3>{ "Enrol in a batch" }</h3>
                    <div class="row">
                        <Select label="Batch" name="batch_id" value={form.batch.map(|b| b.to_string()).unwrap_or_default()} options={batch_opts} on_change={form.field(|f, v: String| f.batch = v.parse().ok().map(BatchId))} error={err.clone()} none="Choose…" />
                        <DateField label="Starts" name="start_date" value={form.enrol.start_date.clone()} on_input={form.field(|f, v| f.enrol.start_date = v)} error={err.clone()} hint="empty: today" />
                    </div>
                    <ConcessionFields value={form.concession.clone()} on_change={form.field(|f, v| f.concession = v)} error={err.clone()} />
                    <div class="actions"><button type="submit" class="primary" id="enrol-save">{ "Enrol" }</button></div>
                </form>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ConcessionFormProps {
    enrolment: Enrolment,
    /// True when the change was saved.
    on_close: Callback<bool>,
}

/// Changes an active enrolment's concession: its unpaid dues are charged
/// again at the new price. Enter saves, Esc cancels.
#[component]
fn ConcessionForm(p: &ConcessionFormProps) -> Html {
    let s = use_session();
    let concession = use_state(|| Concession::of(&p.enrolment));
    let error = use_state(|| None::<ApiError>);
    let form = use_node_ref();
    {
        // Keys go to the form at once, so Esc cancels without a click.
        let form = form.clone();
        use_effect_with((), move |_| {
            use wasm_bindgen::JsCast;
            let first = form
                .cast::<web_sys::Element>()
                .and_then(|f| f.query_selector("select").ok().flatten())
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(el) = first {
                let _ = el.focus();
            }
        });
    }
    let onsubmit = {
        let (concession, error, s, close, id) =
            (concession.clone(), error.clone(), s.clone(), p.on_close.clone(), p.enrolment.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let c = match concession.typed() {
                Ok(c) => c,
                Err(e) => return error.set(Some(e)),
            };
            let input = SetEnrolmentConcession {
                id,
                discount_kind: c.kind,
                discount_value: c.value,
                discount_reason: c.reason,
                discount_category: c.category,
            };
            let close = close.clone();
            act(input, error.clone(), s.clone(), move |_| close.emit(true));
        })
    };
    let cancel = p.on_close.reform(|_| false);
    let err = (*error).clone();
    html! {
        <form class="inline-form concession-form" id="concession-form" ref={form} {onsubmit} onkeydown={crate::components::keys::esc(cancel.clone())}>
            <h3>{ "Change concession" }</h3>
            <p class="muted">{ "The dues not yet paid are charged again at the new price; paid ones stay as they are." }</p>
            <FormError error={err.clone()} fields={concession::FIELDS.to_vec()} />
            <ConcessionFields value={(*concession).clone()} on_change={setter(&concession)} error={err} id_prefix="concession-" />
            <FormActions save="Save concession" id="concession-save" on_cancel={cancel} />
        </form>
    }
}

/// The student's record at a branch they left, as the transfer kept it.
fn earlier_branch(h: &BranchHistory) -> Html {
    let a = &h.attendance;
    html! {
        <details class="card earlier-branch">
            <summary>
                <strong>{ format!("At {}", h.branch_name) }</strong>
                { format!(" · transferred to {} on {} by {} · {}", h.to_branch_name, day(h.left_at.get(..10).unwrap_or_default()), h.transferred_by, h.reason) }
            </summary>
            if h.enrolments.is_empty() { <p class="muted">{ "No enrolments there." }</p> }
            <ul>
                { for h.enrolments.iter().map(|e| html! {
                    <li>{ format!("{} · {} · from {} · {}", e.batch_name, e.course_name, day(&e.start_date), e.status.label()) }</li>
                }) }
            </ul>
            if let Some(fees) = &h.fees {
                <p>{ format!("Fees there: {} receipts, {} collected, {} pending when they left.", fees.receipts.len(), crate::format::money(fees.receipts.iter().map(|r| r.net_minor).sum()), crate::format::money(fees.pending_minor)) }</p>
            }
            if a.lines.is_empty() {
                <p class="muted">{ "No attendance recorded there." }</p>
            } else {
                <p>{ format!("Attended {}.{} % of {} marked sessions there.", a.percent_bp / 100, (a.percent_bp % 100) / 10, a.lines.len()) }</p>
                <table class="grid">
                    <thead><tr><th>{ "Date" }</th><th>{ "Batch" }</th><th>{ "Mark" }</th><th>{ "Note" }</th></tr></thead>
                    <tbody>{ for a.lines.iter().map(|l| html! { <tr><td>{ day(&l.date) }</td><td>{ &l.batch_name }</td><td>{ l.status.label() }</td><td>{ &l.note }</td></tr> }) }</tbody>
                </table>
            }
        </details>
    }
}

/// Moves the student, with their history, to another branch.
#[component]
fn Transfer(p: &PartProps) -> Html {
    let s = use_session();
    let (branches, _) = use_query(branchdesk_api::commands::org::ListBranches { all: true });
    let form = use_form::<TransferDraft>();
    let error = use_state(|| None::<ApiError>);
    let open = use_state(|| false);
    let st = &p.student;
    if !*open {
        let open = open.clone();
        return html! {
            <div class="actions"><button id="transfer-open" onclick={move |_| open.set(true)}>{ "Transfer to another branch…" }</button></div>
        };
    }
    let onsubmit = {
        let (form, error, s, done, id) = (form.clone(), error.clone(), s.clone(), p.on_saved.clone(), st.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input = match form.input(id) {
                Ok(input) => input,
                Err(e) => return error.set(Some(e)),
            };
            let done = done.clone();
            act(input, error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    let options: Vec<(String, String)> = match &branches {
        Some(Ok(list)) => list
            .iter()
            .filter(|b| b.id != st.branch_id)
            .map(|b| (b.id.to_string(), format!("{} ({})", b.name, b.code)))
            .collect(),
        _ => vec![],
    };
    let err = (*error).clone();
    let cancel = {
        let open = open.clone();
        Callback::from(move |_: ()| open.set(false))
    };
    html! {
        <form class="card" id="transfer-form" {onsubmit} onkeydown={crate::components::keys::esc(cancel.clone())}>
            <h3>{ "Transfer to another branch" }</h3>
            <p class="muted">{ "Open enrolments here are closed, guardians go along (a guardian a sibling here shares is copied), and the new branch sees the whole history. This branch keeps a read-only record." }</p>
            <FormError error={err.clone()} fields={vec!["to_branch_id", "reason"]} />
            <div class="row">
                <Select label="To branch" name="to_branch_id" value={form.to.map(|b| b.to_string()).unwrap_or_default()} options={options} on_change={form.field(|f, v: String| f.to = v.parse().ok().map(BranchId))} error={err.clone()} none="Choose…" />
                <Field label="Reason" name="reason" value={form.transfer.reason.clone()} on_input={form.field(|f, v| f.transfer.reason = v)} error={err.clone()} />
            </div>
            <FormActions save="Transfer" id="transfer-save" on_cancel={cancel} />
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct AttendanceTabProps {
    id: StudentId,
}

#[component]
fn AttendanceTab(p: &AttendanceTabProps) -> Html {
    let (data, _) =
        use_query(branchdesk_api::commands::attendance::GetStudentAttendance { student_id: p.id });
    crate::hooks::show(&data, |a: &branchdesk_api::commands::attendance::StudentAttendance| {
        if a.lines.is_empty() {
            return html! { <p class="empty">{ "No attendance has been recorded for this student." }</p> };
        }
        html! {
            <div id="student-attendance">
                <p>{ format!("Attended {}.{} % of marked sessions.", a.percent_bp / 100, (a.percent_bp % 100) / 10) }</p>
                { for a.progress.iter().map(|(batch, bp)| html! { <p class="muted">{ format!("{batch}: {}.{} % of the curriculum covered in sessions attended", bp / 100, (bp % 100) / 10) }</p> }) }
                <table class="grid">
                    <thead><tr><th>{ "Date" }</th><th>{ "Batch" }</th><th>{ "Mark" }</th><th>{ "Note" }</th></tr></thead>
                    <tbody>{ for a.lines.iter().map(|l| html! { <tr><td>{ day(&l.date) }</td><td>{ &l.batch_name }</td><td>{ l.status.label() }</td><td>{ &l.note }</td></tr> }) }</tbody>
                </table>
            </div>
        }
    })
}

/// Gives the student their own sign-in (the STUDENT role).
#[component]
fn SignIn(p: &PartProps) -> Html {
    let s = use_session();
    let form = use_form_with(|| GiveStudentLogin {
        email: p.student.email.clone().unwrap_or_default(),
        ..GiveStudentLogin::default()
    });
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, done, id) =
            (form.clone(), error.clone(), s.clone(), p.on_saved.clone(), p.student.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let done = done.clone();
            let input = GiveStudentLogin { student_id: id, ..form.value().clone() };
            act(input, error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    let err = (*error).clone();
    html! {
        <form class="card inline-form" id="student-login-form" {onsubmit}>
            <h3>{ "Let this student sign in" }</h3>
            <FormError error={err.clone()} fields={vec!["email", "password"]} />
            <div class="row">
                <Field label="Their email" name="email" id="field-login-email" value={form.email.clone()} on_input={form.field(|f, v| f.email = v)} error={err.clone()} />
                <Field label="First password" name="password" id="field-login-password" kind="password" value={form.password.clone()} on_input={form.field(|f, v| f.password = v)} error={err.clone()} hint="they can change it in My account" />
                <div class="actions"><button type="submit">{ "Give a sign-in" }</button></div>
            </div>
        </form>
    }
}

/// Choose (JPEG or PNG, at most 1 MB) or remove the student's photo.
#[component]
fn Photo(p: &PartProps) -> Html {
    let s = use_session();
    let error = use_state(|| None::<ApiError>);
    let set = {
        let (error, s, done, id) = (error.clone(), s.clone(), p.on_saved.clone(), p.student.id);
        Callback::from(move |photo_b64: String| {
            let done = done.clone();
            act(SetStudentPhoto { student_id: id, photo_b64 }, error.clone(), s.clone(), move |_| {
                done.emit(())
            });
        })
    };
    let onchange = {
        let (error, set) = (error.clone(), set.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(f) = input.files().and_then(|l| l.get(0)) else { return };
            if f.size() > MAX_PHOTO_BYTES as f64 {
                return error.set(Some(ApiError::invalid("photo_b64", "Choose a picture of at most 1 MB.")));
            }
            let (error, set) = (error.clone(), set.clone());
            spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(f.array_buffer()).await {
                    Ok(buffer) => {
                        use base64::Engine;
                        set.emit(
                            base64::engine::general_purpose::STANDARD
                                .encode(js_sys::Uint8Array::new(&buffer).to_vec()),
                        )
                    }
                    Err(_) => {
                        error.set(Some(ApiError::invalid("photo_b64", "That picture could not be read.")))
                    }
                }
            });
        })
    };
    let remove = {
        let set = set.clone();
        Callback::from(move |_: MouseEvent| set.emit(String::new()))
    };
    html! {
        <div class="card inline-form" id="photo-form">
            <FormError error={(*error).clone()} fields={vec![]} />
            <div class="row">
                <div class="field"><label for="photo-file">{ "Photo (JPEG or PNG, ≤ 1 MB)" }</label><input type="file" id="photo-file" accept="image/jpeg,image/png" {onchange} /></div>
                if p.student.photo.is_some() { <div class="actions"><button type="button" onclick={remove}>{ "Remove photo" }</button></div> }
            </div>
        </div>
    }
}

/// The enrolment form: the enrolment as sent, the batch until one is
/// chosen and the concession as typed.
#[derive(Clone, Default, PartialEq)]
struct EnrolDraft {
    enrol: Enrol,
    batch: Option<BatchId>,
    concession: Concession,
}

impl EnrolDraft {
    /// The student's enrolment, or the field that is not yet right.
    fn input(&self, student: StudentId) -> Result<Enrol, ApiError> {
        let Some(batch_id) = self.batch else {
            return Err(ApiError::invalid("batch_id", "Choose a batch."));
        };
        let c = self.concession.typed()?;
        Ok(Enrol {
            student_id: student,
            batch_id,
            discount_kind: c.kind,
            discount_value: c.value,
            discount_reason: c.reason,
            discount_category: c.category,
            ..self.enrol.clone()
        })
    }
}

/// The transfer form: the branch until one is chosen, and the reason.
#[derive(Clone, Default, PartialEq)]
struct TransferDraft {
    transfer: TransferStudent,
    to: Option<BranchId>,
}

impl TransferDraft {
    fn input(&self, student: StudentId) -> Result<TransferStudent, ApiError> {
        let Some(to_branch_id) = self.to else {
            return Err(ApiError::invalid("to_branch_id", "Choose the branch the student moves to."));
        };
        Ok(TransferStudent { student_id: student, to_branch_id, ..self.transfer.clone() })
    }
}
