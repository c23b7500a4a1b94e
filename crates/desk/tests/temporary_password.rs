//! Someone signed in with a temporary password (an administrator reset
//! theirs) does nothing but choose their own: the services refuse, not
//! only the UI's screens.

mod common;

use branchdesk_api::commands::org::{GetOrganisation, ListBranches};
use branchdesk_api::commands::session::{ChangePassword, Login};
use branchdesk_api::commands::students::ListStudents;
use branchdesk_api::commands::timetable::ListMySessionsToday;
use branchdesk_api::commands::users::ResetUserPassword;
use branchdesk_api::{ApiError, ErrorCode};
use common::*;

const TEMPORARY: &str = "Harbour-Lamp-42";

fn code<T: std::fmt::Debug>(r: branchdesk_desk::Result<T>) -> ErrorCode {
    ApiError::from(r.expect_err("refused")).code
}

#[test]
fn services_refuse_until_the_temporary_password_is_changed() {
    let f = fixture();
    let (_, clerk) = f.staff("clerk@example.com", "BACKOFFICE", Some(f.branch));
    f.desk
        .reset_user_password(
            &f.director,
            ResetUserPassword { id: clerk.user_id, new_password: TEMPORARY.into() },
        )
        .unwrap();
    let (token, me) = f
        .desk
        .login(Login { email: "clerk@example.com".into(), password: TEMPORARY.into() })
        .expect("signs in");
    assert!(me.user.must_change_password);
    assert!(!me.permissions.is_empty(), "what they will hold is still shown");
    assert_eq!(f.desk.me(&token).unwrap().user.id, clerk.user_id, "who am I still answers");

    let clerk = f.desk.actor(&token).unwrap();
    let branch = f.branch;
    assert_eq!(
        code(f.desk.list_students(&clerk, ListStudents { branch_id: branch, ..Default::default() })),
        ErrorCode::PasswordChangeRequired
    );
    assert_eq!(
        code(f.desk.list_branches(&clerk, ListBranches::default())),
        ErrorCode::PasswordChangeRequired
    );
    assert_eq!(code(f.desk.get_organisation(&clerk, GetOrganisation {})), ErrorCode::PasswordChangeRequired);
    assert_eq!(
        code(f.desk.list_my_sessions_today(&clerk, ListMySessionsToday {})),
        ErrorCode::PasswordChangeRequired
    );

    f.desk
        .change_password(
            &token,
            ChangePassword { current_password: TEMPORARY.into(), new_password: "Mango-Bridge-93".into() },
        )
        .unwrap();
    let clerk = f.desk.actor(&token).unwrap();
    f.desk
        .list_students(&clerk, ListStudents { branch_id: branch, ..Default::default() })
        .expect("works once changed");
    f.desk.logout(&token).unwrap();
}
