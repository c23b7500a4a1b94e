//! Users: find, create, edit, deactivate, reset passwords, grant roles.

use crate::components::field::{DateField, Field, FormActions, FormError};
use crate::components::form::{use_form, use_form_with};
use crate::components::keys::esc;
use crate::components::session::use_session;
use crate::format;
use crate::hooks::{act, show, use_query};
use branchdesk_api::commands::roles::{ListRoles, Role};
use branchdesk_api::commands::users::*;
use branchdesk_api::ids::{BranchId, RoleId};
use branchdesk_api::{ApiError, Permission};
use web_sys::{HtmlInputElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

#[derive(Clone, PartialEq)]
enum Panel {
    Closed,
    New,
    Edit(User),
    Reset(User),
    /// A reset or invitation code: the panel's title, and the code.
    Code(String, ResetCode),
    Grant(User),
    Profile(User),
}

#[component]
pub fn UsersPage() -> Html {
    let s = use_session();
    let query = use_state(String::new);
    let inactive = use_state(|| false);
    let panel = use_state(|| Panel::Closed);
    let error = use_state(|| None::<ApiError>);
    let (users, reload) = use_query(ListUsers { query: (*query).clone(), include_inactive: *inactive });
    let manage = s.me.can(Permission::ManageUser);

    let open = |p: Panel| {
        let (panel, error) = (panel.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            error.set(None);
            panel.set(p.clone());
        })
    };
    let close = {
        let panel = panel.clone();
        Callback::from(move |_: ()| panel.set(Panel::Closed))
    };
    let saved = {
        let (panel, reload) = (panel.clone(), reload.clone());
        Callback::from(move |_: ()| {
            panel.set(Panel::Closed);
            reload.emit(());
        })
    };
    // An invitation: the list shows the new person, the panel their code.
    let invited = {
        let (panel, reload) = (panel.clone(), reload.clone());
        Callback::from(move |i: Invitation| {
            panel.set(Panel::Code(format!("Invitation code for {}", i.user.full_name), i.code));
            reload.emit(());
        })
    };
    let onkeydown = {
        let (panel, error) = (panel.clone(), error.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.alt_key() && e.key().eq_ignore_ascii_case("n") && manage {
                e.prevent_default();
                error.set(None);
                panel.set(Panel::New);
            } else if e.key() == "Escape" {
                panel.set(Panel::Closed);
            }
        })
    };
    let set_active = |u: &User| {
        let input = SetUserActive { id: u.id, active: !u.active };
        let (error, s, reload) = (error.clone(), s.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            act(input.clone(), error.clone(), s.clone(), {
                let r = reload.clone();
                move |_| r.emit(())
            })
        })
    };
    let issue_code = |u: &User| {
        let input = IssueResetCode { id: u.id };
        let name = u.full_name.clone();
        let (error, s, panel) = (error.clone(), s.clone(), panel.clone());
        Callback::from(move |_: MouseEvent| {
            let (panel, name) = (panel.clone(), name.clone());
            act(input.clone(), error.clone(), s.clone(), move |code| {
                panel.set(Panel::Code(format!("Reset code for {name}"), code))
            })
        })
    };
    let revoke = |g: &Grant| {
        let input = RevokeGrant { grant_id: g.id };
        let (error, s, reload) = (error.clone(), s.clone(), reload.clone());
        Callback::from(move |_: MouseEvent| {
            act(input.clone(), error.clone(), s.clone(), {
                let r = reload.clone();
                move |_| r.emit(())
            })
        })
    };

    let table = show(&users, |list: &Vec<User>| {
        if list.is_empty() {
            return html! { <p class="empty">{ if query.is_empty() { "No users yet. Create the first with New user (Alt+N)." } else { "Nobody matches. Check the spelling, or search by phone or email." } }</p> };
        }
        html! {
            <table class="grid" id="users-table">
                <thead><tr><th>{ "Name" }</th><th>{ "Email" }</th><th>{ "Phone" }</th><th>{ "Roles" }</th><th>{ "Last sign-in" }</th><th></th></tr></thead>
                <tbody>
                    { for list.iter().map(|u| html! {
                        <tr class={classes!((!u.active).then_some("inactive"))} data-email={u.email.clone()}>
                            <td>
                                { &u.full_name }
                                if !u.active { <span class="tag">{ "deactivated" }</span> }
                                if u.must_change_password { <span class="tag">{ "temporary password" }</span> }
                            </td>
                            <td>{ &u.email }</td>
                            <td>{ u.phone.clone().unwrap_or_default() }</td>
                            <td>
                                { for u.grants.iter().map(|g| html! {
                                    <span class={classes!("chip", (!g.in_force).then_some("expired"))}>
                                        { format!("{} · {}", g.role_name, g.branch_name) }
                                        if let Some(d) = g.expires_on { { format!(" · until {}", d.format("%d %b")) } }
                                        if manage && u.id != s.me.user.id {
                                            <button class="chip-x" title="Revoke this role" aria-label={format!("Revoke {} from {}", g.role_name, u.full_name)} onclick={revoke(g)}>{ "×" }</button>
                                        }
                                    </span>
                                }) }
                            </td>
                            <td class="muted">{ u.last_login_at.map(|t| format::when(&t)).unwrap_or_else(|| "never".into()) }</td>
                            <td class="row-actions">
                                if manage {
                                    <button onclick={open(Panel::Edit(u.clone()))}>{ "Edit" }</button>
                                    <button onclick={open(Panel::Grant(u.clone()))}>{ "Add role" }</button>
                                    <button onclick={open(Panel::Profile(u.clone()))}>{ "Profile" }</button>
                                    <button onclick={open(Panel::Reset(u.clone()))}>{ "Set password" }</button>
                                    <button onclick={issue_code(u)}>{ "Reset code" }</button>
                                    if u.id != s.me.user.id {
                                        <button onclick={set_active(u)}>{ if u.active { "Deactivate" } else { "Reactivate" } }</button>
                                    }
                                }
                            </td>
                        </tr>
                    }) }
                </tbody>
            </table>
        }
    });

    let on_query = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| query.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_inactive = {
        let inactive = inactive.clone();
        Callback::from(move |e: Event| inactive.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    html! {
        <section id="users" {onkeydown}>
            <header class="page-head">
                <h1>{ "Users" }</h1>
                if manage { <button class="primary" id="new-user" onclick={open(Panel::New)}>{ "New user " }<kbd>{ "Alt+N" }</kbd></button> }
            </header>
            <div class="toolbar">
                <input id="user-search" type="search" placeholder="Search by name, email or phone" value={(*query).clone()} oninput={on_query} autofocus=true aria-label="Search users" />
                <label class="check"><input type="checkbox" checked={*inactive} onchange={on_inactive} />{ " Show deactivated" }</label>
            </div>
            <FormError error={(*error).clone()} fields={vec![]} />
            { match &*panel {
                Panel::Closed => html! {},
                Panel::New => html! { <UserForm user={None::<User>} on_saved={saved.clone()} on_cancel={close.clone()} on_invited={invited.clone()} /> },
                Panel::Edit(u) => html! { <UserForm user={Some(u.clone())} on_saved={saved.clone()} on_cancel={close.clone()} on_invited={invited.clone()} /> },
                Panel::Reset(u) => html! { <PasswordForm user={u.clone()} on_saved={saved.clone()} on_cancel={close.clone()} /> },
                Panel::Grant(u) => html! { <GrantForm user={u.clone()} on_saved={saved.clone()} on_cancel={close.clone()} /> },
                Panel::Profile(u) => html! { <ProfileForm user={u.clone()} on_saved={saved.clone()} on_cancel={close.clone()} /> },
                Panel::Code(title, code) => html! {
                    <div class="card panel" role="status" id="reset-code">
                        <h2>{ title }</h2>
                        <p class="code">{ &code.code }</p>
                        <p class="muted">{ format!("Give it to them in person. It works once, until {}, on any desk of the organisation once this desk has synced. On the sign-in screen they choose “I have a reset code or invitation” and set their own password.", format::when(&code.expires_at)) }</p>
                        <div class="actions"><button onclick={close.reform(|_| ())}>{ "Done " }<kbd>{ "Esc" }</kbd></button></div>
                    </div>
                },
            } }
            { table }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct UserFormProps {
    user: Option<User>,
    on_saved: Callback<()>,
    on_cancel: Callback<()>,
    /// A new user invited with a code rather than given a password.
    on_invited: Callback<Invitation>,
}

/// The role and branch pickers of a grant.
#[derive(Properties, PartialEq)]
struct GrantPickerProps {
    role: Option<RoleId>,
    branch: Option<BranchId>,
    expires: String,
    on_role: Callback<Option<RoleId>>,
    on_branch: Callback<Option<BranchId>>,
    on_expires: Callback<String>,
    error: Option<ApiError>,
}

#[component]
fn GrantPicker(p: &GrantPickerProps) -> Html {
    let s = use_session();
    let (roles, _) = use_query(ListRoles {});
    let on_role = {
        let cb = p.on_role.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            cb.emit(v.parse().ok().map(RoleId))
        })
    };
    let on_branch = {
        let cb = p.on_branch.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            cb.emit(v.parse().ok().map(BranchId))
        })
    };
    let role_error =
        p.error.as_ref().filter(|e| e.is_for("role_id") || e.is_for("grants")).map(|e| e.message.clone());
    let roles_list: Vec<Role> = match &roles {
        Some(Ok(r)) => r.clone(),
        _ => vec![],
    };
    html! {
        <div class="row">
            <div class={classes!("field", role_error.is_some().then_some("has-error"))}>
                <label for="field-role_id">{ "Role" }</label>
                <select id="field-role_id" name="role_id" onchange={on_role}>
                    <option value="" selected={p.role.is_none()}>{ "Choose a role…" }</option>
                    { for roles_list.iter().map(|r| html! {
                        <option value={r.id.to_string()} selected={p.role == Some(r.id)}>{ format!("{} — {}", r.name, r.description) }</option>
                    }) }
                </select>
                if let Some(m) = role_error { <div class="field-error" role="alert">{ m }</div> }
            </div>
            <div class="field">
                <label for="field-branch_id">{ "Branch" }</label>
                <select id="field-branch_id" name="branch_id" onchange={on_branch}>
                    if s.me.all_branches { <option value="" selected={p.branch.is_none()}>{ "All branches" }</option> }
                    { for s.me.branches.iter().map(|b| html! {
                        <option value={b.id.to_string()} selected={p.branch == Some(b.id)}>{ format!("{} ({})", b.name, b.code) }</option>
                    }) }
                </select>
            </div>
            <DateField label="Until (optional)" name="expires_on" value={p.expires.clone()} on_input={p.on_expires.clone()} error={p.error.clone()} hint="Last day the role is in force" />
        </div>
    }
}

/// A role to give: the role until one is chosen, the branch (none: all)
/// and the last day as typed.
#[derive(Clone, Default, PartialEq)]
struct GrantDraft {
    role: Option<RoleId>,
    branch: Option<BranchId>,
    expires: String,
}

impl GrantDraft {
    /// Starts in the person's only branch, or all branches when they hold all.
    fn new(s: &crate::components::session::SessionCtx) -> Self {
        let branch = if s.me.all_branches && s.me.branches.len() != 1 {
            None
        } else {
            s.me.branches.first().map(|b| b.id)
        };
        GrantDraft { branch, ..GrantDraft::default() }
    }

    /// The grant (none without a role), or the last day's error.
    fn grant(&self) -> Result<Option<NewGrant>, ApiError> {
        let expires_on = parse_date(&self.expires)?;
        Ok(self.role.map(|role_id| NewGrant { role_id, branch_id: self.branch, expires_on }))
    }

    /// The grant, asking for the role first when none is chosen.
    fn chosen(&self) -> Result<NewGrant, ApiError> {
        let Some(role_id) = self.role else {
            return Err(ApiError::invalid("role_id", "Choose a role from the list."));
        };
        Ok(NewGrant { role_id, branch_id: self.branch, expires_on: parse_date(&self.expires)? })
    }
}

#[component]
fn UserForm(p: &UserFormProps) -> Html {
    let s = use_session();
    let u = p.user.clone();
    // A new user's name, email, phone and password, with their first role;
    // an edit sends the first three.
    let form = use_form_with(|| UserDraft {
        user: CreateUser {
            full_name: u.as_ref().map(|u| u.full_name.clone()).unwrap_or_default(),
            email: u.as_ref().map(|u| u.email.clone()).unwrap_or_default(),
            phone: u.as_ref().and_then(|u| u.phone.clone()).unwrap_or_default(),
            ..CreateUser::default()
        },
        grant: GrantDraft::new(&s),
        invite: true,
    });
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, on_saved, u, on_invited) =
            (form.clone(), error.clone(), s.clone(), p.on_saved.clone(), u.clone(), p.on_invited.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let done = {
                let on_saved = on_saved.clone();
                move |_| on_saved.emit(())
            };
            let user = &form.user;
            match &u {
                Some(u) => act(
                    UpdateUser {
                        id: u.id,
                        full_name: user.full_name.clone(),
                        email: user.email.clone(),
                        phone: user.phone.clone(),
                    },
                    error.clone(),
                    s.clone(),
                    done,
                ),
                None => {
                    let grants = match form.grant.grant() {
                        Ok(g) => g.into_iter().collect(),
                        Err(e) => return error.set(Some(e)),
                    };
                    if form.invite {
                        let input = InviteUser {
                            full_name: user.full_name.clone(),
                            email: user.email.clone(),
                            phone: user.phone.clone(),
                            grants,
                        };
                        let on_invited = on_invited.clone();
                        act(input, error.clone(), s.clone(), move |i| on_invited.emit(i))
                    } else {
                        act(CreateUser { grants, ..user.clone() }, error.clone(), s.clone(), done)
                    }
                }
            }
        })
    };
    let err = (*error).clone();
    html! {
        <form class="card panel" id="user-form" {onsubmit} onkeydown={esc(p.on_cancel.clone())}>
            <h2>{ if u.is_some() { "Edit user" } else { "New user" } }</h2>
            <FormError error={err.clone()} fields={vec!["full_name", "email", "phone", "password", "role_id", "grants", "expires_on"]} />
            <div class="row">
                <Field label="Full name" name="full_name" value={form.user.full_name.clone()} on_input={form.field(|f, v| f.user.full_name = v)} error={err.clone()} autofocus=true />
                <Field label="Email" name="email" kind="email" value={form.user.email.clone()} on_input={form.field(|f, v| f.user.email = v)} error={err.clone()} hint="They sign in with it" />
                <Field label="Phone (optional)" name="phone" kind="tel" value={form.user.phone.clone()} on_input={form.field(|f, v| f.user.phone = v)} error={err.clone()} />
            </div>
            if u.is_none() {
                <fieldset class="choice" id="how-they-get-in">
                    <legend>{ "How they get in" }</legend>
                    <label class="check-inline"><input type="radio" name="invite" id="invite-code" checked={form.invite} onchange={form.field(|f, _: Event| f.invite = true)} />{ " An invitation code: they choose their own password" }</label>
                    <label class="check-inline"><input type="radio" name="invite" id="invite-password" checked={!form.invite} onchange={form.field(|f, _: Event| f.invite = false)} />{ " A first password I tell them" }</label>
                </fieldset>
                if !form.invite {
                    <Field label="First password" name="password" kind="password" value={form.user.password.clone()} on_input={form.field(|f, v| f.user.password = v)} error={err.clone()} hint="At least 10 characters; tell it to them in person" autocomplete="new-password" />
                }
                <GrantPicker role={form.grant.role} branch={form.grant.branch} expires={form.grant.expires.clone()} on_role={form.field(|f, v| f.grant.role = v)} on_branch={form.field(|f, v| f.grant.branch = v)} on_expires={form.field(|f, v| f.grant.expires = v)} error={err.clone()} />
            }
            <FormActions save="Save" id="user-save" on_cancel={p.on_cancel.clone()} />
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct UserActionProps {
    user: User,
    on_saved: Callback<()>,
    on_cancel: Callback<()>,
}

#[component]
fn PasswordForm(p: &UserActionProps) -> Html {
    let s = use_session();
    let form = use_form::<ResetUserPassword>();
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, on_saved, id) =
            (form.clone(), error.clone(), s.clone(), p.on_saved.clone(), p.user.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let on_saved = on_saved.clone();
            let input = ResetUserPassword { id, ..form.value().clone() };
            act(input, error.clone(), s.clone(), move |_| on_saved.emit(()));
        })
    };
    let err = (*error).clone();
    html! {
        <form class="card panel" {onsubmit} onkeydown={esc(p.on_cancel.clone())}>
            <h2>{ format!("Set a temporary password for {}", p.user.full_name) }</h2>
            <p class="muted">{ "They are signed out and must choose their own password at their next sign-in." }</p>
            <FormError error={err.clone()} fields={vec!["new_password"]} />
            <Field label="Temporary password" name="new_password" kind="password" value={form.new_password.clone()} on_input={form.field(|f, v| f.new_password = v)} error={err} autofocus=true autocomplete="new-password" />
            <FormActions save="Set password" on_cancel={p.on_cancel.clone()} />
        </form>
    }
}

#[component]
fn GrantForm(p: &UserActionProps) -> Html {
    let s = use_session();
    let form = use_form_with(|| GrantDraft::new(&s));
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, on_saved, user_id) =
            (form.clone(), error.clone(), s.clone(), p.on_saved.clone(), p.user.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let grant = match form.chosen() {
                Ok(grant) => grant,
                Err(e) => return error.set(Some(e)),
            };
            let on_saved = on_saved.clone();
            act(GrantRole { user_id, grant }, error.clone(), s.clone(), move |_| on_saved.emit(()));
        })
    };
    let err = (*error).clone();
    html! {
        <form class="card panel" {onsubmit} onkeydown={esc(p.on_cancel.clone())}>
            <h2>{ format!("Give {} a role", p.user.full_name) }</h2>
            <FormError error={err.clone()} fields={vec!["role_id", "expires_on"]} />
            <GrantPicker role={form.role} branch={form.branch} expires={form.expires.clone()} on_role={form.field(|f, v| f.role = v)} on_branch={form.field(|f, v| f.branch = v)} on_expires={form.field(|f, v| f.expires = v)} error={err} />
            <FormActions save="Give role" on_cancel={p.on_cancel.clone()} />
        </form>
    }
}

fn parse_date(s: &str) -> Result<Option<chrono::NaiveDate>, ApiError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    branchdesk_api::dates::parse(s).map(Some).map_err(|e| ApiError::invalid("expires_on", e.message()))
}

/// A teacher's or staff member's profile; bank details in full only for payroll.
#[component]
fn ProfileForm(p: &UserActionProps) -> Html {
    let (loaded, _) = use_query(GetStaffProfile { user_id: p.user.id });
    show(&loaded, |profile: &StaffProfile| {
        html! {
            <ProfileFields user={p.user.clone()} profile={profile.clone()} on_saved={p.on_saved.clone()} on_cancel={p.on_cancel.clone()} />
        }
    })
}

#[derive(Properties, PartialEq)]
struct ProfileFieldsProps {
    user: User,
    profile: StaffProfile,
    on_saved: Callback<()>,
    on_cancel: Callback<()>,
}

#[component]
fn ProfileFields(p: &ProfileFieldsProps) -> Html {
    let s = use_session();
    let pr = &p.profile;
    let form = use_form_with(|| SaveStaffProfile {
        user_id: p.user.id,
        kind: pr.kind,
        specialties: pr.specialties.clone(),
        qualifications: pr.qualifications.clone(),
        bio: pr.bio.clone(),
        department: pr.department.clone(),
        designation: pr.designation.clone(),
        reporting_manager_id: pr.reporting_manager_id,
        bank_account_name: pr.bank_account_name.clone(),
        bank_account_number: pr.bank_account_number.clone(),
        bank_ifsc: pr.bank_ifsc.clone(),
        joined_on: pr.joined_on.as_deref().map(branchdesk_api::dates::show_iso).unwrap_or_default(),
    });
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (form, error, s, done, user, manager) =
            (form.clone(), error.clone(), s.clone(), p.on_saved.clone(), p.user.id, pr.reporting_manager_id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let input =
                SaveStaffProfile { user_id: user, reporting_manager_id: manager, ..form.value().clone() };
            let done = done.clone();
            act(input, error.clone(), s.clone(), move |_| done.emit(()));
        })
    };
    let err = (*error).clone();
    let payroll = pr.bank_visible;
    html! {
        <form class="card panel" id="profile-form" {onsubmit}>
            <h2>{ format!("Profile of {}", p.user.full_name) }</h2>
            <FormError error={err.clone()} fields={vec!["specialties", "qualifications", "bio", "department", "designation", "joined_on", "bank_account_name", "bank_account_number", "bank_ifsc"]} />
            <label class="check"><input type="checkbox" checked={form.kind == ProfileKind::Staff} onchange={form.field(|f, _: Event| f.kind = if f.kind == ProfileKind::Staff { ProfileKind::Teacher } else { ProfileKind::Staff })} />{ " Office staff (not a teacher)" }</label>
            <div class="row">
                <Field label="Specialties" name="specialties" value={form.specialties.clone()} on_input={form.field(|f, v| f.specialties = v)} error={err.clone()} />
                <Field label="Qualifications" name="qualifications" value={form.qualifications.clone()} on_input={form.field(|f, v| f.qualifications = v)} error={err.clone()} />
            </div>
            <div class="row">
                <Field label="Department" name="department" value={form.department.clone()} on_input={form.field(|f, v| f.department = v)} error={err.clone()} />
                <Field label="Designation" name="designation" value={form.designation.clone()} on_input={form.field(|f, v| f.designation = v)} error={err.clone()} />
                <crate::components::field::DateField label="Joined on" name="joined_on" value={form.joined_on.clone()} on_input={form.field(|f, v| f.joined_on = v)} error={err.clone()} />
            </div>
            <Field label="About" name="bio" value={form.bio.clone()} on_input={form.field(|f, v| f.bio = v)} error={err.clone()} />
            <fieldset>
                <legend>{ if payroll { "Bank details" } else { "Bank details (only payroll sees and changes them)" } }</legend>
                <div class="row">
                    <Field label="Account holder" name="bank_account_name" value={form.bank_account_name.clone()} on_input={if payroll { form.field(|f, v| f.bank_account_name = v) } else { Callback::noop() }} error={err.clone()} />
                    <Field label="Account number" name="bank_account_number" value={form.bank_account_number.clone()} on_input={if payroll { form.field(|f, v| f.bank_account_number = v) } else { Callback::noop() }} error={err.clone()} />
                    <Field label="IFSC" name="bank_ifsc" value={form.bank_ifsc.clone()} on_input={if payroll { form.field(|f, v| f.bank_ifsc = v) } else { Callback::noop() }} error={err.clone()} />
                </div>
            </fieldset>
            <FormActions save="Save profile" on_cancel={p.on_cancel.clone()} />
        </form>
    }
}

/// The user form: a new user's details and password as sent, with the
/// first role to give them.
#[derive(Clone, PartialEq)]
struct UserDraft {
    user: CreateUser,
    grant: GrantDraft,
    /// Invite with a code (the default) rather than set a first password.
    invite: bool,
}
