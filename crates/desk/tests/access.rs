//! Permission and branch checks in the services, not only in the UI.

mod common;

use branchdesk_api::commands::org::{ListRooms, SaveRoom, UpdateOrganisation};
use branchdesk_api::commands::roles::{DeleteRole, SaveRole};
use branchdesk_api::commands::settings::{ListSettings, SaveSetting};
use branchdesk_api::commands::users::{CreateUser, GrantRole, ListUsers, NewGrant, UpdateUser};
use branchdesk_api::settings::{SettingValue, ATTENDANCE_EDIT_DAYS, SESSION_IDLE_MINUTES};
use branchdesk_api::{ApiError, ErrorCode, Permission};
use common::*;

fn code<T: std::fmt::Debug>(r: branchdesk_desk::Result<T>) -> ErrorCode {
    ApiError::from(r.expect_err("expected an error")).code
}

#[test]
fn a_teacher_sees_no_users_and_cannot_change_rooms() {
    let f = fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    assert_eq!(code(f.desk.list_users(&teacher, ListUsers::default())), ErrorCode::PermissionDenied);
    assert_eq!(
        code(
            f.desk.save_room(
                &teacher,
                SaveRoom { id: None, branch_id: f.branch, name: "X".into(), capacity: 5 }
            )
        ),
        ErrorCode::PermissionDenied
    );
    // Viewing rooms of their own branch is part of the TEACHER role.
    f.desk.list_rooms(&teacher, ListRooms { branch_id: f.branch, include_inactive: false }).unwrap();
}

#[test]
fn a_branch_admin_is_confined_to_their_branch() {
    let f = fixture();
    let other = f.second_branch();
    let (_, admin) = f.staff("asha@example.com", "ADMIN", Some(f.branch));
    f.desk
        .save_room(&admin, SaveRoom { id: None, branch_id: f.branch, name: "Lab".into(), capacity: 20 })
        .unwrap();
    assert_eq!(
        code(
            f.desk
                .save_room(&admin, SaveRoom { id: None, branch_id: other, name: "Lab".into(), capacity: 20 })
        ),
        ErrorCode::PermissionDenied
    );
    assert_eq!(
        code(f.desk.list_rooms(&admin, ListRooms { branch_id: other, include_inactive: false })),
        ErrorCode::PermissionDenied
    );
    // A user of the other branch is out of reach, and not even listed.
    let (_, other_teacher) = f.staff("tara@example.com", "TEACHER", Some(other));
    assert_eq!(
        code(f.desk.update_user(
            &admin,
            UpdateUser {
                id: other_teacher.user_id,
                full_name: "T".into(),
                email: "tara@example.com".into(),
                phone: String::new()
            }
        )),
        ErrorCode::PermissionDenied
    );
    let listed = f.desk.list_users(&admin, ListUsers::default()).unwrap();
    assert!(listed.iter().all(|u| u.email != "tara@example.com"));
    assert!(listed.iter().any(|u| u.email == "asha@example.com"));
    // Organisation-wide actions need an all-branch grant.
    assert_eq!(
        code(f.desk.update_organisation(
            &admin,
            UpdateOrganisation { name: "X".into(), currency: "INR".into(), fy_start_month: 4 }
        )),
        ErrorCode::PermissionDenied
    );
}

#[test]
fn nobody_grants_more_than_they_hold() {
    let f = fixture();
    let (_, admin) = f.staff("asha@example.com", "ADMIN", Some(f.branch));
    let backoffice = f.role("BACKOFFICE");
    let e: ApiError = f
        .desk
        .create_user(
            &admin,
            CreateUser {
                full_name: "Clerk".into(),
                email: "clerk@example.com".into(),
                phone: String::new(),
                password: STAFF_PASSWORD.into(),
                grants: vec![NewGrant { role_id: backoffice, branch_id: Some(f.branch), expires_on: None }],
            },
        )
        .unwrap_err()
        .into();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    assert!(e.message.contains("BACKOFFICE"), "{}", e.message);
    // Granting across every branch needs an organisation-wide grant.
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let teacher_role = f.role("TEACHER");
    assert_eq!(
        code(f.desk.grant_role(
            &admin,
            GrantRole {
                user_id: teacher.user_id,
                grant: NewGrant { role_id: teacher_role, branch_id: None, expires_on: None }
            }
        )),
        ErrorCode::PermissionDenied
    );
}

#[test]
fn an_expired_grant_gives_nothing() {
    let f = fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let admin_role = f.role("ADMIN");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    f.desk
        .grant_role(
            &f.director,
            GrantRole {
                user_id: teacher.user_id,
                grant: NewGrant { role_id: admin_role, branch_id: Some(f.branch), expires_on: Some(today) },
            },
        )
        .unwrap();
    let (token, _) = f
        .desk
        .login(branchdesk_api::commands::session::Login {
            email: "ravi@example.com".into(),
            password: STAFF_PASSWORD.into(),
        })
        .unwrap();
    assert!(f.desk.actor(&token).unwrap().can(Permission::ManageRoom, Some(f.branch)));
    f.clock.advance(chrono::Duration::days(1));
    let (token, me) = f
        .desk
        .login(branchdesk_api::commands::session::Login {
            email: "ravi@example.com".into(),
            password: STAFF_PASSWORD.into(),
        })
        .unwrap();
    assert!(!f.desk.actor(&token).unwrap().can(Permission::ManageRoom, Some(f.branch)));
    assert!(me.user.grants.iter().any(|g| g.role_name == "ADMIN" && !g.in_force));
    let past = chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    let e: ApiError = f
        .desk
        .grant_role(
            &f.director,
            GrantRole {
                user_id: teacher.user_id,
                grant: NewGrant { role_id: admin_role, branch_id: None, expires_on: Some(past) },
            },
        )
        .unwrap_err()
        .into();
    assert!(e.is_for("expires_on"));
}

#[test]
fn system_roles_are_protected_and_custom_roles_work() {
    let f = fixture();
    let director_role = f.role("DIRECTOR");
    assert_eq!(code(f.desk.delete_role(&f.director, DeleteRole { id: director_role })), ErrorCode::Conflict);
    let e: ApiError = f
        .desk
        .save_role(
            &f.director,
            SaveRole {
                id: Some(director_role),
                name: "DIRECTOR".into(),
                description: String::new(),
                permissions: vec![Permission::ViewUser],
                two_factor: None,
            },
        )
        .unwrap_err()
        .into();
    assert!(e.is_for("permissions"));
    let role = f
        .desk
        .save_role(
            &f.director,
            SaveRole {
                id: None,
                name: "front desk lead".into(),
                description: "Evening shift".into(),
                permissions: vec![Permission::ViewStudent, Permission::ViewStudent],
                two_factor: None,
            },
        )
        .unwrap();
    assert_eq!(role.name, "FRONT_DESK_LEAD");
    assert_eq!(role.permissions, vec![Permission::ViewStudent]);
    let dup: ApiError = f
        .desk
        .save_role(&f.director, SaveRole { id: None, name: "Front Desk Lead".into(), ..Default::default() })
        .unwrap_err()
        .into();
    assert_eq!(dup.code, ErrorCode::Duplicate);
    f.desk.delete_role(&f.director, DeleteRole { id: role.id }).unwrap();
    assert!(f.desk.list_roles(&f.director, Default::default()).unwrap().iter().all(|r| r.id != role.id));
    assert_eq!(f.count("SELECT count(*) FROM roles"), 11, "deleted roles stay as soft-deleted rows");
}

#[test]
fn settings_are_typed_ranged_and_overridden_per_branch() {
    let f = fixture();
    let list = |b| f.desk.list_settings(&f.director, ListSettings { branch_id: b }).unwrap();
    let get = |b, key: &str| list(b).into_iter().find(|s| s.key == key).unwrap();
    assert_eq!(get(None, SESSION_IDLE_MINUTES).value, SettingValue::Integer(60));
    let save = |key: &str, b, v| {
        f.desk.save_setting(&f.director, SaveSetting { key: key.into(), branch_id: b, value: v })
    };
    save(ATTENDANCE_EDIT_DAYS, None, SettingValue::Integer(5)).unwrap();
    save(ATTENDANCE_EDIT_DAYS, Some(f.branch), SettingValue::Integer(1)).unwrap();
    assert_eq!(get(Some(f.branch), ATTENDANCE_EDIT_DAYS).value, SettingValue::Integer(1));
    assert_eq!(get(None, ATTENDANCE_EDIT_DAYS).value, SettingValue::Integer(5));
    let bad = |key: &str, b, v| -> ApiError { save(key, b, v).unwrap_err().into() };
    assert!(bad(SESSION_IDLE_MINUTES, None, SettingValue::Integer(1)).is_for("value"));
    assert!(bad(SESSION_IDLE_MINUTES, None, SettingValue::Flag(true)).is_for("value"));
    assert!(bad(SESSION_IDLE_MINUTES, Some(f.branch), SettingValue::Integer(30)).is_for("branch_id"));
    assert!(bad("no.such.key", None, SettingValue::Integer(3)).is_for("key"));
    // Money and rates are shown, and their limits said, as people read them.
    let rate = get(None, branchdesk_api::settings::GST_RATE_BP);
    assert_eq!(rate.unit, branchdesk_api::settings::SettingUnit::Percent);
    let e = bad(branchdesk_api::settings::GST_RATE_BP, None, SettingValue::Integer(5_000));
    assert_eq!(e.message, "Enter a number from 0 to 28.");
    let limit = get(None, branchdesk_api::settings::EXPENSE_APPROVAL_ABOVE);
    assert_eq!(limit.unit, branchdesk_api::settings::SettingUnit::Money);
    assert_eq!(limit.unit.parse("5,000"), Some(500_000), "typed in rupees, kept in paise");
    assert_eq!(rate.unit.parse("18"), Some(1_800));
    assert_eq!(rate.unit.show(1_250), "12.5");
    // The idle limit takes effect on sessions.
    save(SESSION_IDLE_MINUTES, None, SettingValue::Integer(10)).unwrap();
    f.clock.advance(chrono::Duration::minutes(11));
    assert_eq!(code(f.desk.actor(&f.token)), ErrorCode::SessionExpired);
}
