//! Editing roles gives no one more than they hold: a role may be granted
//! in any branch, so a permission is added only by someone who holds it
//! for the whole organisation.

mod common;

use branchdesk_api::commands::roles::{ListRoles, Role, SaveRole};
use branchdesk_api::{ApiError, ErrorCode, Permission};
use common::*;

fn role(f: &Fixture, name: &str) -> Role {
    f.desk.list_roles(&f.director, ListRoles {}).unwrap().into_iter().find(|r| r.name == name).unwrap()
}

fn with(r: &Role, extra: Permission) -> SaveRole {
    let mut permissions = r.permissions.clone();
    permissions.push(extra);
    SaveRole {
        id: Some(r.id),
        name: r.name.clone(),
        description: r.description.clone(),
        permissions,
        two_factor: None,
    }
}

#[test]
fn an_admin_cannot_add_a_permission_they_lack_to_their_own_role() {
    let f = fixture();
    let (_, admin) = f.staff("admin@example.com", "ADMIN", None);
    let own = role(&f, "ADMIN");
    assert!(!admin.can(Permission::RunPayroll, None));
    let e: ApiError = f.desk.save_role(&admin, with(&own, Permission::RunPayroll)).unwrap_err().into();
    assert_eq!(e.code, ErrorCode::PermissionDenied, "{e:?}");
    assert!(e.is_for("permissions") && e.message.contains("run salaries"), "{e:?}");
    assert_eq!(role(&f, "ADMIN").permissions, own.permissions, "the role is unchanged");
    // Nor through a new role of their own making.
    let new = SaveRole {
        id: None,
        name: "CASHIER".into(),
        description: String::new(),
        permissions: vec![Permission::ViewStudent, Permission::VoidPayment],
        two_factor: None,
    };
    let e: ApiError = f.desk.save_role(&admin, new.clone()).unwrap_err().into();
    assert!(e.is_for("permissions"), "{e:?}");
    // What they hold they may give; what a role had stays when they edit it.
    let ok =
        f.desk.save_role(&admin, SaveRole { permissions: vec![Permission::ViewStudent], ..new }).unwrap();
    assert_eq!(ok.permissions, vec![Permission::ViewStudent]);
    let backoffice = role(&f, "BACKOFFICE");
    let renamed =
        SaveRole { description: "Front desk, mornings".into(), ..with(&backoffice, Permission::ViewUser) };
    let saved = f.desk.save_role(&admin, renamed).unwrap();
    assert!(saved.permissions.contains(&Permission::CollectPayment), "kept though the admin lacks it");
}

#[test]
fn a_director_can_add_any_permission_to_the_admin_role() {
    let f = fixture();
    let admin = role(&f, "ADMIN");
    let saved = f.desk.save_role(&f.director, with(&admin, Permission::RunPayroll)).unwrap();
    assert!(saved.permissions.contains(&Permission::RunPayroll));
}

#[test]
fn a_branch_grant_is_not_enough_to_add_a_permission() {
    let f = fixture();
    // A custom role that may edit roles, held organisation-wide, and
    // payroll held only in this branch.
    let editor = f
        .desk
        .save_role(
            &f.director,
            SaveRole {
                id: None,
                name: "ROLE_EDITOR".into(),
                permissions: vec![Permission::ManageRole],
                ..Default::default()
            },
        )
        .unwrap();
    let (_, person) = f.staff("editor@example.com", "PAYROLL_MANAGER", Some(f.branch));
    f.desk
        .grant_role(
            &f.director,
            branchdesk_api::commands::users::GrantRole {
                user_id: person.user_id,
                grant: branchdesk_api::commands::users::NewGrant {
                    role_id: editor.id,
                    branch_id: None,
                    expires_on: None,
                },
            },
        )
        .unwrap();
    let (token, _) = f
        .desk
        .login(branchdesk_api::commands::session::Login {
            email: "editor@example.com".into(),
            password: STAFF_PASSWORD.into(),
        })
        .unwrap();
    let person = f.desk.actor(&token).unwrap();
    assert!(person.can(Permission::RunPayroll, Some(f.branch)));
    let e: ApiError = f.desk.save_role(&person, with(&editor, Permission::RunPayroll)).unwrap_err().into();
    assert!(e.is_for("permissions"), "{e:?}");
}
