//! Someone who manages one branch reads that branch only: its audit
//! entries, and the bank details of the staff who work only there.

mod common;

use branchdesk_api::commands::audit::ListAudit;
use branchdesk_api::commands::students::SaveStudent;
use branchdesk_api::commands::users::{CreateUser, GetStaffProfile, NewGrant, SaveStaffProfile};
use branchdesk_api::ids::{BranchId, UserId};
use branchdesk_api::{ApiError, ErrorCode};
use common::*;

fn student(f: &Fixture, branch: BranchId, name: &str) -> String {
    f.desk
        .save_student(
            &f.director,
            SaveStudent { branch_id: branch, full_name: name.into(), ..Default::default() },
        )
        .unwrap()
        .student
        .id
        .to_string()
}

#[test]
fn a_branch_manager_reads_only_their_branchs_audit_entries() {
    let f = fixture();
    let hsr = f.second_branch();
    let here = student(&f, f.branch, "Asha Rao");
    let there = student(&f, hsr, "Vikram Rao");
    let (_, manager) = f.staff("gm@example.com", "GENERAL_MANAGER", Some(f.branch));
    let all = f.desk.list_audit(&f.director, ListAudit::default()).unwrap();
    assert!(all.iter().any(|e| e.entity_id == there) && all.iter().any(|e| e.entity == "users"));

    let seen = f.desk.list_audit(&manager, ListAudit::default()).unwrap();
    assert!(seen.iter().any(|e| e.entity_id == here), "their branch's student");
    assert!(seen.iter().all(|e| e.entity_id != there), "not the other branch's student");
    assert!(
        seen.iter().all(|e| !["users", "roles", "branches", "sessions"].contains(&e.entity.as_str())),
        "{seen:?}"
    );
    // The limit counts the entries they may see.
    let one = f.desk.list_audit(&manager, ListAudit { limit: 1, ..Default::default() }).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0], seen[0]);
}

fn staff_in(f: &Fixture, email: &str, branches: &[BranchId]) -> UserId {
    let user = f
        .desk
        .create_user(
            &f.director,
            CreateUser {
                full_name: format!("Teacher {email}"),
                email: email.into(),
                password: STAFF_PASSWORD.into(),
                grants: branches
                    .iter()
                    .map(|b| NewGrant { role_id: f.role("TEACHER"), branch_id: Some(*b), expires_on: None })
                    .collect(),
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    f.desk
        .save_staff_profile(
            &f.director,
            SaveStaffProfile {
                user_id: user,
                bank_account_name: "Teacher".into(),
                bank_account_number: "123456789012".into(),
                bank_ifsc: "HDFC0001234".into(),
                ..Default::default()
            },
        )
        .unwrap();
    user
}

#[test]
fn bank_details_show_in_full_only_within_the_managers_branches() {
    let f = fixture();
    let hsr = f.second_branch();
    let here = staff_in(&f, "here@example.com", &[f.branch]);
    let there = staff_in(&f, "there@example.com", &[hsr]);
    let both = staff_in(&f, "both@example.com", &[f.branch, hsr]);
    let (_, manager) = f.staff("gm@example.com", "GENERAL_MANAGER", Some(f.branch));
    let profile = |user| f.desk.get_staff_profile(&manager, GetStaffProfile { user_id: user });

    let p = profile(here).unwrap();
    assert!(p.bank_visible && p.bank_account_number == "123456789012", "{p:?}");
    let p = profile(both).unwrap();
    assert!(!p.bank_visible && p.bank_account_number == "•••• 9012", "another branch's payroll: {p:?}");
    let e: ApiError = profile(there).unwrap_err().into();
    assert_eq!(e.code, ErrorCode::PermissionDenied, "{e:?}");
    // The director sees all in full.
    let p = f.desk.get_staff_profile(&f.director, GetStaffProfile { user_id: there }).unwrap();
    assert!(p.bank_visible);
}
