//! Creating and editing users: every bad input names its field.

mod common;

use branchdesk_api::commands::users::{CreateUser, ListUsers, NewGrant, RevokeGrant, UpdateUser};
use branchdesk_api::{ApiError, ErrorCode};
use common::*;

fn create(
    f: &Fixture,
    name: &str,
    email: &str,
    phone: &str,
    password: &str,
) -> Result<branchdesk_api::commands::users::User, ApiError> {
    f.desk
        .create_user(
            &f.director,
            CreateUser {
                full_name: name.into(),
                email: email.into(),
                phone: phone.into(),
                password: password.into(),
                grants: vec![NewGrant {
                    role_id: f.role("TEACHER"),
                    branch_id: Some(f.branch),
                    expires_on: None,
                }],
            },
        )
        .map_err(Into::into)
}

#[test]
fn bad_inputs_are_refused_with_the_field_named_and_nothing_written() {
    let f = fixture();
    let users_before = f.count("SELECT count(*) FROM users");
    let long = "x".repeat(101);
    for (name, email, phone, password, field, code) in [
        ("", "a@example.com", "", STAFF_PASSWORD, "full_name", ErrorCode::Invalid),
        (long.as_str(), "a@example.com", "", STAFF_PASSWORD, "full_name", ErrorCode::Invalid),
        ("Ravi", "not-an-email", "", STAFF_PASSWORD, "email", ErrorCode::Invalid),
        ("Ravi", "a@example.com", "12ab", STAFF_PASSWORD, "phone", ErrorCode::Invalid),
        ("Ravi", "a@example.com", "", "short", "password", ErrorCode::Invalid),
        ("Ravi", DIRECTOR_EMAIL, "", STAFF_PASSWORD, "email", ErrorCode::Duplicate),
        ("Ravi", "DIRECTOR@example.com", "", STAFF_PASSWORD, "email", ErrorCode::Duplicate),
    ] {
        let e = create(&f, name, email, phone, password).expect_err(field);
        assert_eq!((e.code, e.field.as_deref()), (code, Some(field)), "{name:?} {email:?}: {}", e.message);
    }
    let e: ApiError = f
        .desk
        .create_user(
            &f.director,
            CreateUser {
                full_name: "Ravi".into(),
                email: "r@example.com".into(),
                password: STAFF_PASSWORD.into(),
                ..Default::default()
            },
        )
        .unwrap_err()
        .into();
    assert!(e.is_for("grants"));
    assert_eq!(f.count("SELECT count(*) FROM users"), users_before);
}

#[test]
fn create_edit_search_and_revoke() {
    let f = fixture();
    let user = create(&f, "Ravi Kumar", "Ravi@Example.com", "+91 98450 12345", STAFF_PASSWORD).unwrap();
    assert_eq!(user.email, "ravi@example.com");
    assert_eq!(user.grants.len(), 1);
    assert_eq!(user.grants[0].branch_name, "Koramangala");
    let found =
        f.desk.list_users(&f.director, ListUsers { query: "9845".into(), include_inactive: false }).unwrap();
    assert_eq!(found.len(), 1);
    let found =
        f.desk.list_users(&f.director, ListUsers { query: "%".into(), include_inactive: false }).unwrap();
    assert!(found.is_empty(), "% is a literal, not a wildcard");
    let edited = f
        .desk
        .update_user(
            &f.director,
            UpdateUser {
                id: user.id,
                full_name: "Ravi K.".into(),
                email: "ravi.k@example.com".into(),
                phone: String::new(),
            },
        )
        .unwrap();
    assert_eq!((edited.full_name.as_str(), edited.phone), ("Ravi K.", None));
    let e: ApiError = f
        .desk
        .update_user(
            &f.director,
            UpdateUser {
                id: user.id,
                full_name: "Ravi".into(),
                email: DIRECTOR_EMAIL.into(),
                phone: String::new(),
            },
        )
        .unwrap_err()
        .into();
    assert_eq!(e.code, ErrorCode::Duplicate);
    let after = f.desk.revoke_grant(&f.director, RevokeGrant { grant_id: user.grants[0].id }).unwrap();
    assert!(after.grants.is_empty());
    let e: ApiError =
        f.desk.revoke_grant(&f.director, RevokeGrant { grant_id: user.grants[0].id }).unwrap_err().into();
    assert_eq!(e.code, ErrorCode::NotFound);
}

#[test]
fn staff_profiles_show_bank_details_in_full_only_to_payroll() {
    use branchdesk_api::commands::users::{GetStaffProfile, ProfileKind, SaveStaffProfile};
    let f = common::fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let (_, admin) = f.staff("admin@example.com", "ADMIN", Some(f.branch));
    let save = |actor: &branchdesk_desk::Actor, input: SaveStaffProfile| {
        f.desk.save_staff_profile(actor, input).map_err(branchdesk_api::ApiError::from)
    };
    let full = SaveStaffProfile {
        user_id: teacher.user_id,
        kind: ProfileKind::Teacher,
        specialties: "Physics, Maths".into(),
        qualifications: "M.Sc. Physics".into(),
        reporting_manager_id: Some(admin.user_id),
        bank_account_name: "Ravi Kumar".into(),
        bank_account_number: "123456789012".into(),
        bank_ifsc: "HDFC0001234".into(),
        ..Default::default()
    };
    assert!(save(&f.director, SaveStaffProfile { bank_ifsc: "HDFC123".into(), ..full.clone() })
        .unwrap_err()
        .is_for("bank_ifsc"));
    assert!(save(
        &f.director,
        SaveStaffProfile { reporting_manager_id: Some(teacher.user_id), ..full.clone() }
    )
    .unwrap_err()
    .is_for("reporting_manager_id"));
    let saved = save(&f.director, full.clone()).unwrap();
    assert_eq!(saved.bank_account_number, "123456789012", "the director runs payroll");
    // An administrator sees the account masked and cannot change it, but edits the rest.
    let shown = f.desk.get_staff_profile(&admin, GetStaffProfile { user_id: teacher.user_id }).unwrap();
    assert_eq!(shown.bank_account_number, "•••• 9012");
    assert!(!shown.bank_visible);
    let change_bank = SaveStaffProfile { bank_account_number: "999999999999".into(), ..full.clone() };
    assert_eq!(save(&admin, change_bank).unwrap_err().code, branchdesk_api::ErrorCode::PermissionDenied);
    let edit = SaveStaffProfile {
        bio: "Teaches with experiments".into(),
        bank_account_number: shown.bank_account_number.clone(),
        bank_ifsc: shown.bank_ifsc.clone(),
        ..full
    };
    assert_eq!(save(&admin, edit).unwrap().bio, "Teaches with experiments");
    let back = f.desk.get_staff_profile(&f.director, GetStaffProfile { user_id: teacher.user_id }).unwrap();
    assert_eq!(back.bank_account_number, "123456789012", "still the real number");
    // Never in the audit log.
    assert_eq!(f.count("SELECT count(*) FROM audit_log WHERE new_values LIKE '%123456789012%'"), 0);
}
