//! Two-factor sign-in: set up with the authenticator app's code and the
//! password, then asked for at every sign-in; recovery codes once each; the
//! secret follows a password change and a reset turns it off.

mod common;

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
        .login_with_code(LoginWithCode { email: DIRECTOR_EMAIL.into(), password: password.into(), code: code.into() })
        .map(drop)
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
    let e = api(f.desk.login(Login { email: DIRECTOR_EMAIL.into(), password: DIRECTOR_PASSWORD.into() }).unwrap_err());
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
    let e = api(
        f.desk
            .confirm_two_factor(&f.token, ConfirmTwoFactor { password: DIRECTOR_PASSWORD.into(), code: "123456".into() })
            .unwrap_err(),
    );
    assert!(e.is_for("code"), "nothing was started: {e:?}");
    let setup = f.desk.start_two_factor(&f.token, StartTwoFactor {}).unwrap();
    let secret = from_base32(&setup.secret).unwrap();
    let code = app_code(&f, &secret);
    let e = api(
        f.desk.confirm_two_factor(&f.token, ConfirmTwoFactor { password: "Not-Mine-123".into(), code: code.clone() }).unwrap_err(),
    );
    assert!(e.is_for("password"));
    let other = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let e = api(
        f.desk.confirm_two_factor(&f.token, ConfirmTwoFactor { password: DIRECTOR_PASSWORD.into(), code: other }).unwrap_err(),
    );
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
            ChangePassword { current_password: DIRECTOR_PASSWORD.into(), new_password: "Copper-Lantern-38".into() },
        )
        .unwrap();
    f.clock.advance(Duration::seconds(60));
    sign_in(&f, "Copper-Lantern-38", &app_code(&f, &secret)).unwrap();
    // A manager's reset: the forgotten password cannot open the secret, so
    // it is off until the person sets it up again.
    let (_, admin) = f.staff("admin@example.com", "ADMIN", None);
    let director = f.desk.me(&f.token).unwrap().user.id;
    f.desk.reset_user_password(&admin, ResetUserPassword { id: director, new_password: "Harbour-Lamp-42".into() }).unwrap();
    let (_, me) = f.desk.login(Login { email: DIRECTOR_EMAIL.into(), password: "Harbour-Lamp-42".into() }).unwrap();
    assert!(!me.two_factor);
}
