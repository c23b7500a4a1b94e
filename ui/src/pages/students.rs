//! Students of a branch: the list (filtered as you type), and admitting a
//! new one with a guardian, warned of possible duplicates as you type.

use crate::components::branch::branch_picker;
use crate::components::csv_import::CsvImport;
use crate::components::field::{DateField, Field, FormActions, FormError, Select};
use crate::components::files::export_list;
use crate::components::form::use_form;
use crate::components::guardian_offer::GuardianOffer;
use crate::components::keys::esc;
use crate::components::session::use_session;
use crate::hooks::{act, show, use_query};
use crate::invoke::call;
use crate::nav::Page;
use branchdesk_api::commands::attendance::NotificationChannel;
use branchdesk_api::commands::imports::{ExportList, ImportKind, SavedFile};
use branchdesk_api::commands::students::*;
use branchdesk_api::ids::BranchId;
use branchdesk_api::{ApiError, Permission};
use yew::platform::spawn_local;
use yew::prelude::*;

#[component]
pub fn StudentsPage() -> Html {
    let s = use_session();
    let branch = use_state(|| s.me.branches.first().map(|b| b.id).unwrap_or_default());
    let archived = use_state(|| false);
    let (students, reload) = use_query(ListStudents { branch_id: *branch, include_archived: *archived });
    let filter = use_state(String::new);
    let adding = use_state(|| false);
    let importing = use_state(|| false);
    let exported = use_state(|| None::<SavedFile>);
    let error = use_state(|| None::<ApiError>);
    let manage = s.me.can(Permission::ManageStudent);
    if s.me.branches.is_empty() {
        return html! { <section id="students"><h1>{ "Students" }</h1><p class="empty">{ "You hold no role in a branch, so there are no students to show." }</p></section> };
    }
    let open = |id| {
        let nav = s.navigate.clone();
        Callback::from(move |_: MouseEvent| nav.emit(Page::Student(id)))
    };
    let f = filter.to_lowercase();
    let digits: String = f.chars().filter(char::is_ascii_digit).collect();
    html! {
        <section id="students">
            <header class="page-head">
                <h1>{ "Students" }</h1>
                { branch_picker(&s.me.branches, branch.clone()) }
                if manage && !*adding { <button class="primary" id="admit-student" onclick={let a = adding.clone(); move |_| a.set(true)}>{ "Admit a student" }</button> }
                if manage && !*importing { <button id="import-students" onclick={let i = importing.clone(); move |_| i.set(true)}>{ "Import CSV" }</button> }
                <button id="export-students" onclick={export_list(ExportList::Students, *branch, exported.clone(), error.clone(), s.clone())}>{ "Export CSV" }</button>
            </header>
            <FormError error={(*error).clone()} fields={vec![]} />
            if let Some(f) = &*exported { <p class="notice success" id="export-done">{ format!("Saved {} rows to {}", f.rows, f.path) }</p> }
            if *importing {
                <CsvImport kind={ImportKind::Students} branch_id={*branch} on_imported={let r = reload.clone(); Callback::from(move |_| r.emit(()))} on_close={let i = importing.clone(); Callback::from(move |_| i.set(false))} />
            }
            if *adding {
                <AdmitForm branch_id={*branch} on_done={let (a, r, nav) = (adding.clone(), reload.clone(), s.navigate.clone()); Callback::from(move |saved: Option<StudentSaved>| {
                    a.set(false);
                    r.emit(());
                    if let Some(saved) = saved { nav.emit(Page::Student(saved.student.id)); }
                })} />
            }
            <div class="toolbar">
                <input type="search" id="student-filter" placeholder="Filter by name, code or phone" value={(*filter).clone()}
                    oninput={let f = filter.clone(); Callback::from(move |e: InputEvent| f.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))} />
                <label class="check-inline"><input type="checkbox" checked={*archived} onchange={let a = archived.clone(); Callback::from(move |_: Event| a.set(!*a))} />{ " Show archived" }</label>
                <span class="muted">{ "Ctrl+K finds any student from anywhere." }</span>
            </div>
            { show(&students, |list: &Vec<StudentSummary>| {
                let shown: Vec<&StudentSummary> = list.iter().filter(|st| {
                    f.is_empty()
                        || st.full_name.to_lowercase().contains(&f)
                        || st.code.to_lowercase().contains(&f)
                        || (!digits.is_empty() && [&st.phone, &st.guardian_phone].iter().any(|p| p.as_deref().is_some_and(|p| p.chars().filter(char::is_ascii_digit).collect::<String>().contains(&digits))))
                }).collect();
                if list.is_empty() {
                    return html! { <p class="empty">{ if manage { "No students yet. Admit the first, or convert an enquiry." } else { "No students yet." } }</p> };
                }
                html! {
                    <table class="grid" id="students-table">
                        <thead><tr><th>{ "Code" }</th><th>{ "Name" }</th><th>{ "Phone" }</th><th>{ "Guardian's phone" }</th></tr></thead>
                        <tbody>
                            { for shown.iter().map(|st| html! {
                                <tr class={classes!(st.archived.then_some("inactive"))}>
                                    <td>{ &st.code }</td>
                                    <td><button class="link" onclick={open(st.id)}>{ &st.full_name }</button></td>
                                    <td>{ st.phone.clone().unwrap_or_default() }</td>
                                    <td>{ st.guardian_phone.clone().unwrap_or_default() }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AdmitProps {
    branch_id: BranchId,
    on_done: Callback<Option<StudentSaved>>,
}

#[component]
fn AdmitForm(p: &AdmitProps) -> Html {
    let s = use_session();
    let form = use_form::<AdmitDraft>();
    let choose = form.field(|f, g: GuardianMatch| {
        f.guardian.full_name = g.full_name;
        f.guardian.guardian_id = Some(g.id);
    });
    let error = use_state(|| None::<ApiError>);
    let dupes = use_state(Vec::<StudentSummary>::new);
    // Look for possible duplicates as the clerk types the name and phones.
    {
        let dupes = dupes.clone();
        let key = (
            form.student.full_name.clone(),
            form.student.phone.clone(),
            form.guardian.phone.clone(),
            p.branch_id,
        );
        use_effect_with(key, move |(name, phone, g_phone, branch)| {
            let input = FindDuplicates {
                branch_id: *branch,
                full_name: name.clone(),
                phone: phone.clone(),
                guardian_phone: g_phone.clone(),
            };
            let enough = [phone, g_phone].iter().any(|p| p.chars().filter(char::is_ascii_digit).count() >= 7);
            if enough {
                spawn_local(async move {
                    if let Ok(found) = call(&input).await {
                        dupes.set(found);
                    }
                });
            } else {
                dupes.set(Vec::new());
            }
        });
    }
    let onsubmit = {
        let (form, error, s, done, branch) =
            (form.clone(), error.clone(), s.clone(), p.on_done.clone(), p.branch_id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let done = done.clone();
            act(form.input(branch), error.clone(), s.clone(), move |saved| done.emit(Some(saved)));
        })
    };
    let err = (*error).clone();
    let cancel = p.on_done.reform(|_| None);
    let nav = s.navigate.clone();
    html! {
        <form class="card" id="admit-form" {onsubmit} onkeydown={esc(cancel.clone())}>
            <h2>{ "Admit a student" }</h2>
            <FormError error={err.clone()} fields={vec!["full_name", "date_of_birth", "phone", "email", "school", "grade", "guardians[0].full_name", "guardians[0].phone", "guardians[0].relation", "guardians[0].email", "guardians[0].preferred_channel"]} />
            <div class="row">
                <Field label="Student's name" name="full_name" value={form.student.full_name.clone()} on_input={form.field(|f, v| f.student.full_name = v)} error={err.clone()} autofocus=true />
                <DateField label="Date of birth" name="date_of_birth" value={form.student.date_of_birth.clone()} on_input={form.field(|f, v| f.student.date_of_birth = v)} error={err.clone()} />
                <Field label="Phone" name="phone" value={form.student.phone.clone()} on_input={form.field(|f, v| f.student.phone = v)} error={err.clone()} />
                <Field label="Email" name="email" value={form.student.email.clone()} on_input={form.field(|f, v| f.student.email = v)} error={err.clone()} />
            </div>
            <div class="row">
                <Field label="School" name="school" value={form.student.school.clone()} on_input={form.field(|f, v| f.student.school = v)} error={err.clone()} />
                <Field label="Grade" name="grade" value={form.student.grade.clone()} on_input={form.field(|f, v| f.student.grade = v)} error={err.clone()} />
            </div>
            <fieldset>
                <legend>{ "Parent or guardian" }</legend>
                if let Some(e) = err.clone().filter(|e| e.is_for("guardians")) { <div class="field-error" role="alert">{ e.message }</div> }
                <div class="row">
                    <Field label="Name" name="guardians[0].full_name" value={form.guardian.full_name.clone()} on_input={form.field(|f, v| f.let_go().full_name = v)} error={err.clone()} />
                    <Field label="Phone" name="guardians[0].phone" value={form.guardian.phone.clone()} on_input={form.field(|f, v| f.let_go().phone = v)} error={err.clone()} />
                    <Field label="Relation" name="guardians[0].relation" value={form.guardian.relation.clone()} on_input={form.field(|f, v| f.guardian.relation = v)} error={err.clone()} />
                </div>
                <div class="row">
                    <Field label="Guardian's email" name="guardians[0].email" kind="email" value={form.guardian.email.clone()} on_input={form.field(|f, v| f.let_go().email = v)} error={err.clone()} />
                    <Select label="Messages by" name="guardians[0].preferred_channel" value={form.guardian.preferred_channel.map(|c| c.as_str()).unwrap_or_default()} options={crate::format::channel_options()} none="SMS (usual)" on_change={form.field(|f, v: String| f.guardian.preferred_channel = NotificationChannel::parse(&v))} error={err.clone()} />
                </div>
                <GuardianOffer branch_id={p.branch_id} phone={form.guardian.phone.clone()} chosen={form.guardian.guardian_id} on_choose={choose} />
            </fieldset>
            if !dupes.is_empty() {
                <div class="notice" id="possible-duplicates" role="status">
                    <strong>{ "Possibly already here: " }</strong>
                    { for dupes.iter().map(|d| { let (nav, id) = (nav.clone(), d.id); html! {
                        <button type="button" class="link" onclick={Callback::from(move |_: MouseEvent| nav.emit(Page::Student(id)))}>{ format!("{} ({})", d.full_name, d.code) }</button>
                    }}) }
                    <div class="muted">{ "Open one to check, or save to admit a new student anyway." }</div>
                </div>
            }
            <FormActions save="Admit" id="admit-save" on_cancel={cancel} />
        </form>
    }
}

/// The admission form: the student and their first guardian as sent.
#[derive(Clone, PartialEq)]
struct AdmitDraft {
    student: SaveStudent,
    /// A guardian chosen from the offer keeps their id until their name
    /// or phone is typed again.
    guardian: GuardianInput,
}

impl Default for AdmitDraft {
    fn default() -> Self {
        AdmitDraft {
            student: SaveStudent::default(),
            guardian: GuardianInput {
                relation: "Mother".to_owned(),
                is_primary: true,
                ..GuardianInput::default()
            },
        }
    }
}

impl AdmitDraft {
    /// The guardian, no longer the one chosen from the offer.
    fn let_go(&mut self) -> &mut GuardianInput {
        self.guardian.guardian_id = None;
        &mut self.guardian
    }

    /// The student to admit in `branch`, with the guardian unless both
    /// their name and phone are empty.
    fn input(&self, branch: BranchId) -> SaveStudent {
        let g = &self.guardian;
        let guardians =
            if g.full_name.trim().is_empty() && g.phone.trim().is_empty() { vec![] } else { vec![g.clone()] };
        SaveStudent { branch_id: branch, guardians, ..self.student.clone() }
    }
}
