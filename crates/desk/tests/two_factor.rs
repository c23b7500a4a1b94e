//! Two-factor sign-in: set up with the authenticator app's code and the
//! password, then asked for at every sign-in; recovery codes once each; the
//! secret follows a password change and a reset turns it off.

mod common;

use branchdesk_api::commands::org::ListRooms;
use branchdesk_api::commands::roles::{ListRoles, SaveRole};
use branchdesk_api::commands::session::{
    ChangePassword, ConfirmTwoFactor, Login, LoginWithCode, StartTwoFactor,
};
use branchdesk_api::commands::users::ResetUserPassword;
use branchdesk_api::ErrorCode;
use branchdesk_desk::auth::two_factor::{code_at, from_base32, step_of};
use branchdesk_desk::Clock;
use chrono::Duration;
use common::*;

/// The code the person's app shows now.
fn app_code(f: &Fixture, secret: &[u8]) -> String {
    format!("{:06}", code_at(secret, step_of(f.clock.now()) as u64))
}

/// Sets up two-factor sign-in for the director; the secret and the
/// recovery codes.
fn turn_on(f: &Fixture) -> (Vec<u8>, Vec<String>) {
    let setup = f.desk.start_two_factor(&f.token, StartTwoFactor {}).unwrap();
    assert!(setup.uri.starts_with("otpauth://totp/"), "{}", setup.uri);
    assert_eq!(setup.qr_dark.len(), (setup.qr_width * setup.qr_width) as usize);
    let secret = from_base32(&setup.secret).unwrap();
    assert_eq!(secret.len(), 20);
    let codes = f
        .desk
        .confirm_two_factor(
            &f.token,
            ConfirmTwoFactor { password: DIRECTOR_PASSWORD.into(), code: app_code(f, &secret) },
        )
        .unwrap()
        .codes;
    (secret, codes)
}

fn sign_in(f: &Fixture, password: &str, code: &str) -> branchdesk_desk::Result<()> {
    f.desk
        .login_with_code(LoginWithCode {
            email: DIRECTOR_EMAIL.into(),
            password: password.into(),
            code: code.into(),
        })
        .map(drop)
}

/// Signs in with the password alone.
fn password_only(f: &Fixture, email: &str, password: &str) -> branchdesk_desk::SessionToken {
    f.desk.login(Login { email: email.into(), password: password.into() }).unwrap().0
}

#[test]
fn after_set_up_a_sign_in_needs_the_code_the_app_shows() {
    let f = fixture();
    assert!(!f.desk.me(&f.token).unwrap().two_factor);
    let (secret, codes) = turn_on(&f);
    assert_eq!(codes.len(), 10);
    assert!(f.desk.me(&f.token).unwrap().two_factor);
    // The password alone: asked for the code, on its field.
    f.clock.advance(Duration::seconds(60));
    let e = api(f
        .desk
        .login(Login { email: DIRECTOR_EMAIL.into(), password: DIRECTOR_PASSWORD.into() })
        .unwrap_err());
    assert_eq!(e.code, ErrorCode::TwoFactorCodeNeeded);
    assert!(e.is_for("code"));
    // A wrong password is still a wrong password, code or not.
    let e = api(sign_in(&f, "Wrong-Password-1", &app_code(&f, &secret)).unwrap_err());
    assert_eq!(e.code, ErrorCode::WrongCredentials);
    assert!(e.is_for("password"), "{e:?}");
    // The code of now, typed with a space, signs in; the same code again does not.
    let code = app_code(&f, &secret);
    sign_in(&f, DIRECTOR_PASSWORD, &format!("{} {}", &code[..3], &code[3..])).unwrap();
    let e = api(sign_in(&f, DIRECTOR_PASSWORD, &code).unwrap_err());
    assert!(e.is_for("code"), "a code signs in once: {e:?}");
    // The next step's code (the phone's clock a little ahead) works; one
    // from two minutes ago does not.
    f.clock.advance(Duration::seconds(30));
    let ahead = format!("{:06}", code_at(&secret, step_of(f.clock.now()) as u64 + 1));
    sign_in(&f, DIRECTOR_PASSWORD, &ahead).unwrap();
    f.clock.advance(Duration::seconds(90));
    let old = format!("{:06}", code_at(&secret, step_of(f.clock.now()) as u64 - 4));
    assert!(sign_in(&f, DIRECTOR_PASSWORD, &old).is_err());
}

#[test]
fn wrong_codes_lock_like_wrong_passwords() {
    let f = fixture();
    turn_on(&f);
    let mut last = None;
    for _ in 0..5 {
        f.clock.advance(Duration::seconds(31));
        last = Some(api(sign_in(&f, DIRECTOR_PASSWORD, "000000").unwrap_err()));
    }
    let e = last.unwrap();
    assert_eq!(e.code, ErrorCode::AccountLocked, "{e:?}");
}

#[test]
fn a_recovery_code_signs_in_once() {
    let f = fixture();
    let (_, codes) = turn_on(&f);
    f.clock.advance(Duration::seconds(60));
    sign_in(&f, DIRECTOR_PASSWORD, &codes[3].to_lowercase().replace('-', " ")).unwrap();
    let e = api(sign_in(&f, DIRECTOR_PASSWORD, &codes[3]).unwrap_err());
    assert!(e.is_for("code"), "used: {e:?}");
    sign_in(&f, DIRECTOR_PASSWORD, &codes[4]).unwrap();
}

#[test]
fn set_up_needs_the_password_and_a_code_of_the_secret_shown() {
    let f = fixture();
    let e = api(f
        .desk
        .confirm_two_factor(
            &f.token,
            ConfirmTwoFactor { password: DIRECTOR_PASSWORD.into(), code: "123456".into() },
        )
        .unwrap_err());
    assert!(e.is_for("code"), "nothing was started: {e:?}");
    let setup = f.desk.start_two_factor(&f.token, StartTwoFactor {}).unwrap();
    let secret = from_base32(&setup.secret).unwrap();
    let code = app_code(&f, &secret);
    let e = api(f
        .desk
        .confirm_two_factor(
            &f.token,
            ConfirmTwoFactor { password: "Not-Mine-123".into(), code: code.clone() },
        )
        .unwrap_err());
    assert!(e.is_for("password"));
    let other = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let e = api(f
        .desk
        .confirm_two_factor(&f.token, ConfirmTwoFactor { password: DIRECTOR_PASSWORD.into(), code: other })
        .unwrap_err());
    assert!(e.is_for("code"));
    assert!(!f.desk.me(&f.token).unwrap().two_factor, "still off");
    // Without it, the password alone still signs in.
    f.desk.login(Login { email: DIRECTOR_EMAIL.into(), password: DIRECTOR_PASSWORD.into() }).unwrap();
}

#[test]
fn the_secret_follows_a_password_change_and_a_reset_turns_it_off() {
    let f = fixture();
    let (secret, _) = turn_on(&f);
    f.desk
        .change_password(
            &f.token,
            ChangePassword {
                current_password: DIRECTOR_PASSWORD.into(),
                new_password: "Copper-Lantern-38".into(),
            },
        )
        .unwrap();
    f.clock.advance(Duration::seconds(60));
    sign_in(&f, "Copper-Lantern-38", &app_code(&f, &secret)).unwrap();
    // A manager's reset: the forgotten password cannot open the secret, so
    // it is off until the person sets it up again.
    let (_, admin) = f.staff("admin@example.com", "ADMIN", None);
    let director = f.desk.me(&f.token).unwrap().user.id;
    f.desk
        .reset_user_password(
            &admin,
            ResetUserPassword { id: director, new_password: "Harbour-Lamp-42".into() },
        )
        .unwrap();
    let (_, me) =
        f.desk.login(Login { email: DIRECTOR_EMAIL.into(), password: "Harbour-Lamp-42".into() }).unwrap();
    assert!(!me.two_factor);
}

#[test]
fn a_money_role_gives_a_week_to_set_up_then_nothing_else_is_served() {
    let f = fixture();
    // The director's role collects money: due a week from the first time
    // this desk saw them so.
    let due = f.desk.me(&f.token).unwrap().two_factor_due_by.expect("due");
    assert_eq!(due, f.clock.now() + Duration::days(7));
    f.clock.advance(Duration::days(6));
    let token = password_only(&f, DIRECTOR_EMAIL, DIRECTOR_PASSWORD);
    let director = f.desk.actor(&token).unwrap();
    f.desk.list_roles(&director, ListRoles {}).unwrap();
    assert_eq!(f.desk.me(&token).unwrap().two_factor_due_by, Some(due), "the week does not restart");
    // Two days later signing in with the password alone still works …
    f.clock.advance(Duration::days(2));
    let token = password_only(&f, DIRECTOR_EMAIL, DIRECTOR_PASSWORD);
    // … but every other service refuses, naming what to do …
    let director = f.desk.actor(&token).unwrap();
    let e = api(f.desk.list_roles(&director, ListRoles {}).unwrap_err());
    assert_eq!(e.code, ErrorCode::TwoFactorSetupRequired);
    assert!(e.message.contains("My account"), "{}", e.message);
    // … until it is set up.
    let f = Fixture { token, ..f };
    turn_on(&f);
    assert_eq!(f.desk.me(&f.token).unwrap().two_factor_due_by, None);
    let director = f.desk.actor(&f.token).unwrap();
    f.desk.list_roles(&director, ListRoles {}).unwrap();
}

#[test]
fn each_role_can_be_chosen_to_need_it_or_not() {
    let f = fixture();
    let roles = f.desk.list_roles(&f.director, ListRoles {}).unwrap();
    let by_name = |n: &str| roles.iter().find(|r| r.name == n).unwrap().clone();
    let (teacher, backoffice) = (by_name("TEACHER"), by_name("BACKOFFICE"));
    assert!(!teacher.two_factor && !teacher.two_factor_chosen, "a teacher's role handles no money");
    assert!(backoffice.two_factor && !backoffice.two_factor_chosen, "the front desk collects fees");
    let (t, _) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    assert_eq!(f.desk.me(&t).unwrap().two_factor_due_by, None);
    let (c, _) = f.staff("asha@example.com", "BACKOFFICE", Some(f.branch));
    assert!(f.desk.me(&c).unwrap().two_factor_due_by.is_some());
    // The director chooses that the front desk does without it …
    let saved = f
        .desk
        .save_role(
            &f.director,
            SaveRole {
                id: Some(backoffice.id),
                name: backoffice.name.clone(),
                description: backoffice.description.clone(),
                permissions: backoffice.permissions.clone(),
                two_factor: Some(false),
            },
        )
        .unwrap();
    assert!(!saved.two_factor && saved.two_factor_chosen);
    f.clock.advance(Duration::days(30));
    let c = password_only(&f, "asha@example.com", STAFF_PASSWORD);
    let clerk = f.desk.actor(&c).unwrap();
    assert_eq!(f.desk.me(&c).unwrap().two_factor_due_by, None);
    f.desk.list_rooms(&clerk, ListRooms { branch_id: f.branch, include_inactive: false }).unwrap();
    // … and that teachers need it: due from the next time the desk sees them.
    let t_role = SaveRole {
        id: Some(teacher.id),
        name: teacher.name.clone(),
        description: teacher.description.clone(),
        permissions: teacher.permissions.clone(),
        two_factor: Some(true),
    };
    f.desk.save_role(&f.director, t_role).unwrap();
    let t = password_only(&f, "ravi@example.com", STAFF_PASSWORD);
    assert_eq!(f.desk.me(&t).unwrap().two_factor_due_by, Some(f.clock.now() + Duration::days(7)));
}
