//! Resolving a merge conflict writes into any row of the organisation, so
//! it needs the permission that manages that table, organisation-wide;
//! secrets are never taken back from a conflict and never shown in one.

mod common;

use branchdesk_api::commands::students::{GetStudent, SaveStudent};
use branchdesk_api::commands::system::{Conflict, ListConflicts, ResolveConflict};
use branchdesk_api::commands::users::SaveStaffProfile;
use branchdesk_api::ids::StudentId;
use branchdesk_api::{ApiError, ErrorCode};
use branchdesk_desk::Actor;
use common::*;

/// Before this desk's edits (2023 by the other desk's clock): it loses.
const EARLIER_MS: u64 = 1_700_000_000_000;

/// Asha Rao, saved here; another desk renamed her earlier to "Asha R.".
fn renamed_student(f: &Fixture) -> StudentId {
    let id = f
        .desk
        .save_student(
            &f.director,
            SaveStudent { branch_id: f.branch, full_name: "Asha Rao".into(), ..Default::default() },
        )
        .unwrap()
        .student
        .id;
    let scope = format!("branch:{}", f.branch);
    apply(
        f,
        pulled_update("students", id, &scope, serde_json::json!({ "full_name": "Asha R." }), EARLIER_MS),
    );
    id
}

fn conflicts(f: &Fixture, actor: &Actor) -> Vec<Conflict> {
    f.desk.list_conflicts(actor, ListConflicts {}).unwrap()
}

fn resolve(f: &Fixture, actor: &Actor, c: &Conflict, take: bool) -> Result<(), ApiError> {
    f.desk
        .resolve_conflict(actor, ResolveConflict { id: c.id.clone(), take_losing_value: take })
        .map_err(ApiError::from)
}

#[test]
fn only_who_manages_students_everywhere_takes_back_a_losing_name() {
    let f = fixture();
    let student = renamed_student(&f);
    let listed = conflicts(&f, &f.director);
    let c = listed.iter().find(|c| c.column == "full_name").expect("the rename is listed");
    assert_eq!(c.losing_value, "\"Asha R.\"");

    // An ADMIN holds manage:setting everywhere but does not manage students.
    let (_, admin) = f.staff("admin@example.com", "ADMIN", None);
    assert!(conflicts(&f, &admin).is_empty(), "not listed to someone who cannot resolve it");
    assert_eq!(resolve(&f, &admin, c, true).unwrap_err().code, ErrorCode::PermissionDenied);
    // A general manager of this branch only: not organisation-wide.
    let (_, manager) = f.staff("gm@example.com", "GENERAL_MANAGER", Some(f.branch));
    assert_eq!(resolve(&f, &manager, c, true).unwrap_err().code, ErrorCode::PermissionDenied);
    assert_eq!(resolve(&f, &manager, c, false).unwrap_err().code, ErrorCode::PermissionDenied);
    let name =
        |f: &Fixture| f.desk.get_student(&f.director, GetStudent { id: student }).unwrap().student.full_name;
    assert_eq!(name(&f), "Asha Rao");

    resolve(&f, &f.director, c, true).unwrap();
    assert_eq!(name(&f), "Asha R.");
    assert!(conflicts(&f, &f.director).is_empty());
    // The change goes out in the student's branch, where the other desks follow it.
    let scope: String = f
        .conn()
        .query_row("SELECT scope FROM outbox WHERE entity = 'students' ORDER BY seq DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(scope, format!("branch:{}", f.branch));
}

#[test]
fn bank_details_in_a_conflict_are_redacted_and_never_taken_back() {
    let f = fixture();
    let me = f.director.user_id;
    f.desk
        .save_staff_profile(
            &f.director,
            SaveStaffProfile {
                user_id: me,
                bank_account_name: "Meera Iyer".into(),
                bank_account_number: "123456789012".into(),
                bank_ifsc: "HDFC0001234".into(),
                ..Default::default()
            },
        )
        .unwrap();
    apply(
        &f,
        pulled_update(
            "staff_profiles",
            me,
            "org",
            serde_json::json!({ "bank_account_number": "999988887777", "bank_ifsc": "SBIN0000001" }),
            EARLIER_MS,
        ),
    );
    let listed = conflicts(&f, &f.director);
    assert_eq!(listed.len(), 2, "{listed:?}");
    for c in &listed {
        assert_eq!(c.losing_value, "\"[redacted]\"", "{c:?}");
        assert_eq!(c.winning_value.as_deref(), Some("\"[redacted]\""), "{c:?}");
        let e = resolve(&f, &f.director, c, true).unwrap_err();
        assert!(e.code == ErrorCode::Invalid && e.is_for("take_losing_value"), "{e:?}");
    }
    let kept: String = f
        .conn()
        .query_row("SELECT bank_account_number FROM staff_profiles WHERE id = ?1", [me.to_string()], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kept, "123456789012");
    // Keeping the value in force closes it.
    for c in &listed {
        resolve(&f, &f.director, c, false).unwrap();
    }
    assert!(conflicts(&f, &f.director).is_empty());
}
