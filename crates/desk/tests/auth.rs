//! Signing in, lockout, sessions, passwords and reset codes.

mod common;

use branchdesk_api::commands::session::{ChangePassword, Login, RedeemResetCode};
use branchdesk_api::commands::users::{
    InviteUser, IssueResetCode, NewGrant, ResetUserPassword, SetUserActive,
};
use branchdesk_api::{ApiError, ErrorCode};
use branchdesk_desk::{Clock, Result};
use chrono::Duration;
use common::*;

fn err<T: std::fmt::Debug>(r: Result<T>) -> ApiError {
    r.expect_err("expected an error").into()
}

fn login(f: &Fixture, email: &str, password: &str) -> Result<branchdesk_desk::SessionToken> {
    f.desk.login(Login { email: email.into(), password: password.into() }).map(|(t, _)| t)
}

#[test]
fn login_is_case_insensitive_on_email_and_returns_permissions() {
    let f = fixture();
    let (_, me) = f
        .desk
        .login(Login { email: " Director@Example.com ".into(), password: DIRECTOR_PASSWORD.into() })
        .unwrap();
    assert_eq!(me.user.email, DIRECTOR_EMAIL);
    assert!(me.all_branches);
    assert_eq!(me.permissions.len(), branchdesk_api::Permission::ALL.len());
    assert_eq!(me.branches.len(), 1);
    assert_eq!(me.branches[0].code, "K2");
}

#[test]
fn wrong_password_and_unknown_email_get_the_same_answer_on_the_password_field() {
    let f = fixture();
    let e = err(login(&f, DIRECTOR_EMAIL, "Not-The-One-1"));
    assert_eq!(e.code, ErrorCode::WrongCredentials);
    assert!(e.is_for("password"));
    assert!(e.message.contains("4 tries left"), "{}", e.message);
    let e = err(login(&f, "nobody@example.com", "Not-The-One-1"));
    assert_eq!(e.code, ErrorCode::WrongCredentials);
    assert!(err(login(&f, "", "x")).is_for("email"));
    assert!(err(login(&f, DIRECTOR_EMAIL, "")).is_for("password"));
}

#[test]
fn an_unknown_email_is_answered_as_a_wrong_password_lock_included() {
    let f = fixture();
    // The same words, tries and lock as for a real account.
    for left in (1..=4).rev() {
        let a = err(login(&f, DIRECTOR_EMAIL, "Wrong-Guess-11"));
        let b = err(login(&f, "nobody@example.com", "Wrong-Guess-11"));
        assert_eq!((a.code, &a.message, a.field.as_deref()), (b.code, &b.message, b.field.as_deref()));
        assert!(a.message.contains(&format!("{left} ")), "{}", a.message);
    }
    // And the same work: the unknown email is checked against a decoy hash
    // made with the parameters a real account's hash has.
    let params = |h: &str| h.split('$').nth(2).map(str::to_owned);
    let real = branchdesk_desk::password::derive("Any-Password-1").unwrap().hash;
    assert_eq!(params(branchdesk_desk::password::decoy()), params(&real));
    assert!(params(&real).is_some_and(|p| p.starts_with("m=")), "{real}");
    let (a, b) =
        (err(login(&f, DIRECTOR_EMAIL, "Wrong-Guess-11")), err(login(&f, "nobody@example.com", "x1")));
    assert_eq!((a.code, b.code), (ErrorCode::AccountLocked, ErrorCode::AccountLocked));
    assert_eq!(a.message, b.message);
    assert_eq!(err(login(&f, "nobody@example.com", "x1")).code, ErrorCode::AccountLocked, "still locked");
    // Another unknown email has its own count.
    assert_eq!(err(login(&f, "someone@example.com", "x1")).code, ErrorCode::WrongCredentials);
    // The account arrives (here: is made) while its email is locked: the
    // lock holds for it until it ends.
    f.desk
        .create_user(
            &f.director,
            branchdesk_api::commands::users::CreateUser {
                full_name: "Nobody Yet".into(),
                email: "nobody@example.com".into(),
                phone: String::new(),
                password: STAFF_PASSWORD.into(),
                grants: vec![NewGrant {
                    role_id: f.role("TEACHER"),
                    branch_id: Some(f.branch),
                    expires_on: None,
                }],
            },
        )
        .unwrap();
    assert_eq!(err(login(&f, "nobody@example.com", STAFF_PASSWORD)).code, ErrorCode::AccountLocked);
    f.clock.advance(Duration::minutes(16));
    login(&f, "nobody@example.com", STAFF_PASSWORD).unwrap();
}

#[test]
fn wrong_reset_codes_never_lock_the_password_and_a_locked_password_takes_a_code() {
    let f = fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let redeem = |code: &str, pw: &str| {
        f.desk.redeem_reset_code(RedeemResetCode {
            email: "ravi@example.com".into(),
            code: code.into(),
            new_password: pw.into(),
        })
    };
    // Someone guesses codes: after five, codes are paused for the account,
    // but Ravi still signs in with his password.
    for _ in 0..4 {
        assert_eq!(err(redeem("AAAA-AAAA-AAAA-AAAA", "Copper-Bell-93")).code, ErrorCode::Invalid);
    }
    let e = err(redeem("AAAA-AAAA-AAAA-AAAA", "Copper-Bell-93"));
    assert!(e.is_for("code") && e.message.contains("not taken until"), "{}", e.message);
    login(&f, "ravi@example.com", STAFF_PASSWORD).expect("the password is not locked by wrong codes");
    let code = f.desk.issue_reset_code(&f.director, IssueResetCode { id: teacher.user_id }).unwrap();
    assert!(err(redeem(&code.code, "Copper-Bell-93")).message.contains("not taken until"), "paused");
    f.clock.advance(Duration::minutes(16));
    // Ravi forgets his password and locks it; the manager's code still works
    // and the new password signs in at once.
    for _ in 0..5 {
        let _ = login(&f, "ravi@example.com", "Forgotten-Pass-1");
    }
    assert_eq!(err(login(&f, "ravi@example.com", STAFF_PASSWORD)).code, ErrorCode::AccountLocked);
    redeem(&code.code, "Copper-Bell-93").expect("a code while the password is locked");
    login(&f, "ravi@example.com", "Copper-Bell-93").expect("the new password, at once");
}

#[test]
fn five_wrong_passwords_lock_the_account_for_fifteen_minutes() {
    let f = fixture();
    for _ in 0..4 {
        assert_eq!(err(login(&f, DIRECTOR_EMAIL, "Wrong-Guess-11")).code, ErrorCode::WrongCredentials);
    }
    let e = err(login(&f, DIRECTOR_EMAIL, "Wrong-Guess-11"));
    assert_eq!(e.code, ErrorCode::AccountLocked);
    assert!(e.message.contains("locked until"), "{}", e.message);
    // Even the right password is refused while locked.
    assert_eq!(err(login(&f, DIRECTOR_EMAIL, DIRECTOR_PASSWORD)).code, ErrorCode::AccountLocked);
    f.clock.advance(Duration::minutes(14));
    assert_eq!(err(login(&f, DIRECTOR_EMAIL, DIRECTOR_PASSWORD)).code, ErrorCode::AccountLocked);
    f.clock.advance(Duration::minutes(2));
    login(&f, DIRECTOR_EMAIL, DIRECTOR_PASSWORD).expect("unlocked after 15 minutes");
    // A success resets the count: one more failure does not lock again.
    assert_eq!(err(login(&f, DIRECTOR_EMAIL, "Wrong-Guess-11")).code, ErrorCode::WrongCredentials);
}

#[test]
fn sessions_expire_when_idle_and_after_the_absolute_limit() {
    let f = fixture();
    f.clock.advance(Duration::minutes(59));
    f.desk.actor(&f.token).expect("59 idle minutes are fine");
    f.clock.advance(Duration::minutes(61));
    assert_eq!(err(f.desk.actor(&f.token)).code, ErrorCode::SessionExpired);
    // Ended sessions stay ended.
    assert_eq!(err(f.desk.actor(&f.token)).code, ErrorCode::Unauthenticated);

    let token = login(&f, DIRECTOR_EMAIL, DIRECTOR_PASSWORD).unwrap();
    for _ in 0..13 {
        f.clock.advance(Duration::minutes(55));
        f.desk.actor(&token).unwrap();
    }
    f.clock.advance(Duration::minutes(55));
    assert_eq!(err(f.desk.actor(&token)).code, ErrorCode::SessionExpired, "12-hour limit");
}

#[test]
fn logout_ends_the_session() {
    let f = fixture();
    f.desk.logout(&f.token).unwrap();
    assert_eq!(err(f.desk.actor(&f.token)).code, ErrorCode::Unauthenticated);
}

#[test]
fn change_password_needs_the_current_one_and_a_strong_new_one() {
    let f = fixture();
    let change = |cur: &str, new: &str| {
        f.desk.change_password(
            &f.token,
            ChangePassword { current_password: cur.into(), new_password: new.into() },
        )
    };
    let e = err(change("Wrong-Current-1", "Monsoon-Drum-64"));
    assert_eq!(e.code, ErrorCode::WrongCredentials);
    assert!(e.is_for("current_password"));
    assert!(err(change(DIRECTOR_PASSWORD, "short")).is_for("new_password"));
    assert!(err(change(DIRECTOR_PASSWORD, DIRECTOR_PASSWORD)).is_for("new_password"));
    change(DIRECTOR_PASSWORD, "Monsoon-Drum-64").unwrap();
    assert!(login(&f, DIRECTOR_EMAIL, DIRECTOR_PASSWORD).is_err());
    login(&f, DIRECTOR_EMAIL, "Monsoon-Drum-64").unwrap();
}

#[test]
fn admin_reset_forces_a_change_and_ends_the_users_sessions() {
    let f = fixture();
    let (teacher_token, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let user = f
        .desk
        .reset_user_password(
            &f.director,
            ResetUserPassword { id: teacher.user_id, new_password: "Temp-Lantern-42".into() },
        )
        .unwrap();
    assert!(user.must_change_password);
    assert_eq!(err(f.desk.actor(&teacher_token)).code, ErrorCode::Unauthenticated);
    let (_, me) =
        f.desk.login(Login { email: "ravi@example.com".into(), password: "Temp-Lantern-42".into() }).unwrap();
    assert!(me.user.must_change_password);
}

#[test]
fn a_reset_code_works_once_and_expires() {
    let f = fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let code = f.desk.issue_reset_code(&f.director, IssueResetCode { id: teacher.user_id }).unwrap();
    assert_eq!(code.code.len(), 19, "80 bits in four groups");
    let redeem = |code: &str, pw: &str| {
        f.desk.redeem_reset_code(RedeemResetCode {
            email: "ravi@example.com".into(),
            code: code.into(),
            new_password: pw.into(),
        })
    };
    assert!(err(redeem("AAAA-AAAA-AAAA-AAAA", "Copper-Bell-93")).is_for("code"));
    assert!(err(redeem(&code.code, "weak")).is_for("new_password"));
    // Lower case and without the dash is accepted.
    redeem(&code.code.replace('-', "").to_lowercase(), "Copper-Bell-93").unwrap();
    login(&f, "ravi@example.com", "Copper-Bell-93").unwrap();
    assert!(err(redeem(&code.code, "Copper-Bell-94")).is_for("code"), "used once only");

    let code = f.desk.issue_reset_code(&f.director, IssueResetCode { id: teacher.user_id }).unwrap();
    f.clock.advance(Duration::hours(25));
    assert!(err(redeem(&code.code, "Copper-Bell-95")).is_for("code"), "expired");
}

#[test]
fn a_deactivated_user_cannot_sign_in_and_is_signed_out() {
    let f = fixture();
    let (token, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    f.desk.set_user_active(&f.director, SetUserActive { id: teacher.user_id, active: false }).unwrap();
    assert_eq!(err(f.desk.actor(&token)).code, ErrorCode::Unauthenticated);
    assert_eq!(err(login(&f, "ravi@example.com", STAFF_PASSWORD)).code, ErrorCode::PermissionDenied);
    let e = err(f.desk.set_user_active(&f.director, SetUserActive { id: f.director.user_id, active: false }));
    assert_eq!(e.code, ErrorCode::Conflict);
}

fn invite(f: &Fixture, email: &str) -> branchdesk_desk::Result<branchdesk_api::commands::users::Invitation> {
    f.desk.invite_user(
        &f.director,
        InviteUser {
            full_name: "Ravi Kumar".into(),
            email: email.into(),
            phone: "\u{202a}+91 98450 12345\u{202c}".into(),
            grants: vec![NewGrant {
                role_id: f.role("TEACHER"),
                branch_id: Some(f.branch),
                expires_on: None,
            }],
        },
    )
}

#[test]
fn an_invited_person_chooses_their_own_password_with_the_code_within_a_week() {
    let f = fixture();
    let invitation = invite(&f, "ravi@example.com").unwrap();
    assert_eq!(invitation.code.code.len(), 19, "{}", invitation.code.code);
    assert_eq!(invitation.code.expires_at, f.clock.now() + Duration::days(7));
    assert!(!invitation.user.must_change_password, "the password will be their own");
    // Nobody was told a password: none signs in.
    for guess in ["", "Teak-Window-57", &invitation.code.code] {
        let e = api(f
            .desk
            .login(Login { email: "ravi@example.com".into(), password: guess.into() })
            .unwrap_err());
        assert_ne!(e.code, ErrorCode::Internal, "{e:?}");
    }
    // Six days later he types it loosely and chooses his own password.
    f.clock.advance(Duration::days(6));
    let redeem = |code: &str| {
        f.desk.redeem_reset_code(RedeemResetCode {
            email: " Ravi@Example.com ".into(),
            code: code.into(),
            new_password: "Copper-Lantern-38".into(),
        })
    };
    redeem(&invitation.code.code.to_lowercase().replace('-', " ")).unwrap();
    f.desk.login(Login { email: "ravi@example.com".into(), password: "Copper-Lantern-38".into() }).unwrap();
    assert!(api(redeem(&invitation.code.code).unwrap_err()).is_for("code"), "an invitation works once");
}

#[test]
fn an_invitation_needs_what_a_new_account_needs_and_expires_after_a_week() {
    let f = fixture();
    let e = api(invite(&f, "not an email").unwrap_err());
    assert!(e.is_for("email"), "{e:?}");
    let e = api(f
        .desk
        .invite_user(
            &f.director,
            InviteUser { full_name: "Asha".into(), email: "asha@example.com".into(), ..Default::default() },
        )
        .unwrap_err());
    assert!(e.is_for("grants"), "{e:?}");
    let invitation = invite(&f, "ravi@example.com").unwrap();
    assert_eq!(api(invite(&f, "RAVI@example.com").unwrap_err()).code, ErrorCode::Duplicate);
    let (_, teacher) = f.staff("t@example.com", "TEACHER", Some(f.branch));
    let e = api(f
        .desk
        .invite_user(
            &teacher,
            InviteUser { full_name: "X Y".into(), email: "x@example.com".into(), ..Default::default() },
        )
        .unwrap_err());
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    f.clock.advance(Duration::days(7) + Duration::minutes(1));
    let e = api(f
        .desk
        .redeem_reset_code(RedeemResetCode {
            email: "ravi@example.com".into(),
            code: invitation.code.code,
            new_password: "Copper-Lantern-38".into(),
        })
        .unwrap_err());
    assert!(e.is_for("code") && e.message.contains("expired"), "{e:?}");
}
