//! Two-factor sign-in with time-based codes (RFC 6238): HMAC-SHA1 over the
//! 30-second step since the epoch, six digits; the step before and after
//! are accepted too (a phone's clock a little off), and each step signs in
//! once per desk. It works offline: the secret is sealed like the person's
//! signing key, with the key their password gives, and travels with the
//! account, so any desk checks a code with the password that opens it.
//! Ten recovery codes (80 random bits each) are kept as BLAKE2 digests.

use crate::keys;
use crate::password::{self, normalise_code, Checked};
use crate::sessions::SessionToken;
use crate::users::store as users;
use crate::{Desk, Result};
use branchdesk_api::commands::session::{ConfirmTwoFactor, RecoveryCodes, StartTwoFactor, TwoFactorSetup};
use branchdesk_api::ids::UserId;
use branchdesk_api::ApiError;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;
use std::sync::Mutex;

const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;
const SECRET_BYTES: usize = 20;
pub const RECOVERY_CODES: usize = 10;

/// The code an authenticator shows for `secret` in 30-second step `step`.
pub fn code_at(secret: &[u8], step: u64) -> u32 {
    use ring::hmac;
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let mac = hmac::sign(&key, &step.to_be_bytes());
    let h = mac.as_ref();
    let at = usize::from(h[h.len() - 1] & 0x0f);
    let bin = u32::from_be_bytes([h[at] & 0x7f, h[at + 1], h[at + 2], h[at + 3]]);
    bin % 10u32.pow(DIGITS)
}

/// The 30-second step of `now`.
pub fn step_of(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(STEP_SECONDS)
}

/// The step (now's, the one before or the one after) whose code `typed`
/// is, if any; spaces in what was typed are ignored.
pub fn matching_step(secret: &[u8], typed: &str, now: DateTime<Utc>) -> Option<i64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let code: u32 = digits.parse().ok()?;
    let now = step_of(now);
    [now, now - 1, now + 1].into_iter().find(|s| *s >= 0 && code_at(secret, *s as u64) == code)
}

pub use crate::base32::{base32, from_base32};

/// Secrets shown on a set-up screen and not yet confirmed, per person;
/// only ever in memory.
#[derive(Default)]
pub struct Pending(Mutex<HashMap<UserId, [u8; SECRET_BYTES]>>);

impl Pending {
    fn put(&self, user: UserId, secret: [u8; SECRET_BYTES]) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(user, secret);
    }

    fn get(&self, user: UserId) -> Option<[u8; SECRET_BYTES]> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).get(&user).copied()
    }

    fn take(&self, user: UserId) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(&user);
    }
}

/// The sealed secret's associated data: the account, and what it is, so a
/// sealed signing key never opens as a secret or the other way round.
fn aad(user: UserId) -> String {
    format!("{user}/totp")
}

/// The secret in `sealed`, opened with the key the password gave.
pub(crate) fn open(seal: &password::SealKey, user: UserId, sealed: &str) -> Option<Vec<u8>> {
    keys::open_bytes(&seal.0, &aad(user), sealed)
}

/// The secret sealed with the key a password gives.
pub(crate) fn seal(seal: &password::SealKey, user: UserId, secret: &[u8]) -> Result<String> {
    keys::seal_bytes(&seal.0, &aad(user), secret)
}

/// What a typed second factor turned out to be.
pub(crate) enum Second {
    /// A code of this step, newer than the last one taken here.
    Code(i64),
    /// A recovery code: the digests left once it is used.
    Recovery(String),
    Wrong,
}

/// Checks `typed` against the person's secret (opened) and recovery codes.
pub(crate) fn check(
    secret: &[u8],
    recovery: Option<&str>,
    last_step: Option<i64>,
    typed: &str,
    now: DateTime<Utc>,
) -> Second {
    if let Some(step) = matching_step(secret, typed, now) {
        return match last_step {
            Some(last) if step <= last => Second::Wrong,
            _ => Second::Code(step),
        };
    }
    let code = normalise_code(typed);
    if code.len() != 16 {
        return Second::Wrong;
    }
    let digest = password::digest(&code);
    let digests: Vec<&str> = recovery.unwrap_or_default().split(',').filter(|d| !d.is_empty()).collect();
    if !digests.contains(&digest.as_str()) {
        return Second::Wrong;
    }
    Second::Recovery(digests.into_iter().filter(|d| *d != digest).collect::<Vec<_>>().join(","))
}

/// The newest step a code was taken for, for this person on this desk.
pub(crate) fn last_step(conn: &Connection, user: UserId) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT totp_step FROM login_state WHERE user_id = ?1")?
        .query_row([user.to_string()], |r| r.get::<_, Option<i64>>("totp_step"))
        .optional()?
        .flatten())
}

pub(crate) fn record_step(conn: &Connection, user: UserId, step: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO login_state (user_id, failures, totp_step) VALUES (?1, 0, ?2)
         ON CONFLICT (user_id) DO UPDATE SET totp_step = ?2",
        (user.to_string(), step),
    )?;
    Ok(())
}

impl Desk {
    /// A new secret for the signed-in person's authenticator app, kept in
    /// memory until they confirm it with a code.
    pub fn start_two_factor(&self, token: &SessionToken, _input: StartTwoFactor) -> Result<TwoFactorSetup> {
        let actor = self.actor(token)?;
        actor.may_set_up_two_factor()?;
        let (email, issuer) = {
            let db = self.db();
            let user = users::by_id(&db.conn, actor.user_id)?.ok_or_else(|| ApiError::not_found("user"))?;
            let org: String =
                db.conn.query_row("SELECT name FROM organisations LIMIT 1", [], crate::db::read::value)?;
            (user.email, org)
        };
        let mut secret = [0u8; SECRET_BYTES];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut secret)
            .map_err(|_| crate::Error::Hash("the system's random source failed".into()))?;
        self.two_factor.put(actor.user_id, secret);
        let text = base32(&secret);
        let label = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "@.-_".contains(c) {
                        c.to_string()
                    } else {
                        format!("%{:02X}", c as u32 & 0xff)
                    }
                })
                .collect()
        };
        let issuer = format!(
            "Branchdesk {}",
            issuer.chars().filter(|c| c.is_ascii_alphanumeric() || *c == ' ').collect::<String>().trim()
        );
        let uri = format!(
            "otpauth://totp/{}:{}?secret={text}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            label(&issuer),
            label(&email),
            label(&issuer)
        );
        let qr = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| crate::Error::Hash(e.to_string()))?;
        let qr_dark = qr.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
        let grouped = text
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        Ok(TwoFactorSetup { secret: grouped, uri, qr_width: qr.width() as u32, qr_dark })
    }

    /// Turns two-factor sign-in on: the code the app shows now proves it
    /// holds the secret, and the password seals it. Answers ten recovery
    /// codes, shown this once.
    pub fn confirm_two_factor(&self, token: &SessionToken, input: ConfirmTwoFactor) -> Result<RecoveryCodes> {
        let actor = self.actor(token)?;
        actor.may_set_up_two_factor()?;
        let secret = self.two_factor.get(actor.user_id).ok_or_else(|| {
            ApiError::invalid("code", "Start the set-up again: this desk holds no new secret for you.")
        })?;
        if input.password.is_empty() {
            return Err(ApiError::invalid("password", "Enter your password.").into());
        }
        let user =
            users::by_id(&self.db().conn, actor.user_id)?.ok_or_else(|| ApiError::not_found("user"))?;
        let Checked::Right(key) = password::check(&input.password, &user.password_hash) else {
            return Err(ApiError::invalid("password", "That is not your password.").into());
        };
        let now = self.clock().now();
        let Some(step) = matching_step(&secret, &input.code, now) else {
            return Err(ApiError::invalid(
                "code",
                "That code does not match. Check that the phone's clock is right and type the six digits shown now.",
            )
            .into());
        };
        let mut codes = Vec::with_capacity(RECOVERY_CODES);
        for _ in 0..RECOVERY_CODES {
            codes.push(keys::reset_code()?);
        }
        let digests: Vec<String> = codes.iter().map(|c| password::digest(&normalise_code(c))).collect();
        let sealed = seal(&key, user.id, &secret)?;
        self.write(Some(user.id), |w| {
            let new = users::UserRow {
                totp_sealed: Some(sealed),
                totp_recovery: Some(digests.join(",")),
                updated_at: w.now(),
                ..user.clone()
            };
            w.update(&user, &new)?;
            record_step(w.tx(), user.id, step)
        })?;
        self.two_factor.take(actor.user_id);
        Ok(RecoveryCodes { codes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's SHA-1 test vectors (the key "12345678901234567890"; the
    /// RFC prints eight digits, of which an app shows the last six).
    #[test]
    fn codes_are_rfc_6238s() {
        let secret = b"12345678901234567890";
        for (time, eight) in [
            (59u64, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(code_at(secret, time / 30), eight % 1_000_000, "t = {time}");
        }
    }

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_only() {
        let secret = b"12345678901234567890";
        let now = DateTime::from_timestamp(1_111_111_109, 0).unwrap();
        let step = step_of(now);
        let code = |s: i64| format!("{:06}", code_at(secret, s as u64));
        assert_eq!(matching_step(secret, &code(step), now), Some(step));
        assert_eq!(matching_step(secret, &code(step - 1), now), Some(step - 1));
        assert_eq!(matching_step(secret, &code(step + 1), now), Some(step + 1));
        assert_eq!(matching_step(secret, &code(step - 2), now), None);
        let spaced = format!("{} {}", &code(step)[..3], &code(step)[3..]);
        assert_eq!(matching_step(secret, &spaced, now), Some(step), "typed with a space");
        for bad in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "\u{202a}123456"] {
            assert_eq!(matching_step(secret, bad, now), None, "{bad}");
        }
    }

    #[test]
    fn a_recovery_code_works_once_and_a_step_signs_in_once() {
        let secret = b"12345678901234567890";
        let now = DateTime::from_timestamp(1_111_111_109, 0).unwrap();
        let codes = ["ABCD-EFGH-JKLM-NPQR", "WXYZ-2345-6789-ABCD"];
        let digests: Vec<String> = codes.iter().map(|c| password::digest(&normalise_code(c))).collect();
        let stored = digests.join(",");
        let Second::Recovery(left) = check(secret, Some(&stored), None, "abcd efgh jklm npqr", now) else {
            panic!("a recovery code typed loosely")
        };
        assert_eq!(left, digests[1]);
        assert!(matches!(check(secret, Some(&left), None, codes[0], now), Second::Wrong), "used once");
        let code = format!("{:06}", code_at(secret, step_of(now) as u64));
        assert!(matches!(check(secret, None, None, &code, now), Second::Code(_)));
        assert!(
            matches!(check(secret, None, Some(step_of(now)), &code, now), Second::Wrong),
            "taken already"
        );
        assert!(matches!(check(secret, None, None, "000000", now), Second::Wrong) || code == "000000");
    }
}
