//! Password checks and the strength rule. One argon2id run over a
//! password gives 64 bytes: the first 32 are kept as the account's password
//! check, the last 32 seal the person's signing key (`keys.rs`), so signing
//! in proves the password and opens the key at once (docs/trust.md).
//!
//! Stored form: `$bdk1$m=<KiB>,t=<passes>,p=<lanes>$<salt hex>$<check hex>`.
//! Hashes of earlier versions (PHC `$argon2id$…` strings) are still checked
//! and replaced at the person's next sign-in.

use crate::{Error, Result};
use argon2::password_hash::{rand_core::OsRng, rand_core::RngCore, PasswordHash, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use branchdesk_api::ApiError;

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 128;

const PREFIX: &str = "$bdk1$";
/// Memory (KiB), passes and lanes of a new hash: argon2id with 64 MiB and
/// 3 passes, above OWASP's floor (19 MiB, 2 passes); one check takes about
/// 0.12 s on the two-core machine CI runs on, within the half second a
/// sign-in may take. Stored with each hash: a hash made with less is still
/// checked, and re-made at the person's next sign-in ([`outdated`]).
const M_KIB: u32 = 64 * 1024;
const T: u32 = 3;
const P: u32 = 1;
/// The most work a stored hash may ask for (four times today's).
const MAX_M_KIB: u32 = 4 * M_KIB;
const MAX_T: u32 = 4 * T;
const MAX_P: u32 = 4;

/// The key that seals a person's signing key; only ever in memory.
pub struct SealKey(pub(crate) [u8; 32]);

/// What a new password gives: the stored check and the sealing key.
pub struct Derived {
    pub hash: String,
    pub seal: SealKey,
}

/// The outcome of checking a password against a stored hash.
pub enum Checked {
    Wrong,
    /// Right, against a hash of an earlier version (no sealing key): the
    /// caller replaces it.
    Legacy,
    Right(SealKey),
}

fn run(password: &str, salt: &[u8], m: u32, t: u32, p: u32) -> Result<[u8; 64]> {
    let params = Params::new(m, t, p, Some(64)).map_err(|e| Error::Hash(e.to_string()))?;
    let mut out = [0u8; 64];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, &mut out)
        .map_err(|e| Error::Hash(e.to_string()))?;
    Ok(out)
}

/// A new password's stored check and sealing key, with a fresh salt.
pub fn derive(password: &str) -> Result<Derived> {
    derive_with(password, M_KIB, T)
}

/// [`derive`] with another memory (KiB) and number of passes.
pub(crate) fn derive_with(password: &str, m_kib: u32, t: u32) -> Result<Derived> {
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    let out = run(password, &salt, m_kib, t, P)?;
    let (check, seal) = out.split_at(32);
    Ok(Derived {
        hash: format!("{PREFIX}m={m_kib},t={t},p={P}${}${}", hex(&salt), hex(check)),
        seal: SealKey(seal.try_into().expect("32 bytes")),
    })
}

/// A stored check of a password nobody knows, made once per run with the
/// current parameters: checking against it costs what checking a real
/// account costs, so a sign-in for an unknown email answers no faster.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let mut secret = [0u8; 16];
        OsRng.fill_bytes(&mut secret);
        derive(&hex(&secret)).map(|d| d.hash).unwrap_or_default()
    })
}

/// A stored hash of this version, read.
struct Stored {
    m: u32,
    t: u32,
    p: u32,
    salt: Vec<u8>,
    check: Vec<u8>,
}

/// The parameters, salt and check of a stored hash of this version.
fn parse(stored: &str) -> Option<Stored> {
    let rest = stored.strip_prefix(PREFIX)?;
    let mut parts = rest.split('$');
    let (params, salt, check) = (parts.next()?, parts.next()?, parts.next()?);
    let mut m = None;
    let mut t = None;
    let mut p = None;
    for kv in params.split(',') {
        let (k, v) = kv.split_once('=')?;
        let v: u32 = v.parse().ok()?;
        match k {
            "m" => m = Some(v),
            "t" => t = Some(v),
            "p" => p = Some(v),
            _ => return None,
        }
    }
    // A stored hash arrives from other desks: work beyond any this
    // version makes (gigabytes, hundreds of passes) is refused, not run.
    let (m, t, p) = (m?, t?, p?);
    if m > MAX_M_KIB || t > MAX_T || p > MAX_P {
        return None;
    }
    Some(Stored { m, t, p, salt: unhex(salt)?, check: unhex(check)? })
}

/// True when a stored hash was made with less work than a new one takes
/// (or in an earlier form): it is re-made at the next sign-in.
pub fn outdated(stored: &str) -> bool {
    match parse(stored) {
        Some(s) => s.m < M_KIB || s.t < T,
        None => true,
    }
}

/// Checks `password` against a stored hash of either form.
pub fn check(password: &str, stored: &str) -> Checked {
    if !stored.starts_with(PREFIX) {
        let legacy = PasswordHash::new(stored)
            .is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok());
        return if legacy { Checked::Legacy } else { Checked::Wrong };
    }
    let Some(Stored { m, t, p, salt, check }) = parse(stored) else { return Checked::Wrong };
    let Ok(out) = run(password, &salt, m, t, p) else { return Checked::Wrong };
    let (got, seal) = out.split_at(32);
    // Compared without an early exit, so timing says nothing about the check.
    let same = got.len() == check.len() && got.iter().zip(&check).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if same {
        Checked::Right(SealKey(seal.try_into().expect("32 bytes")))
    } else {
        Checked::Wrong
    }
}

/// True when `password` is the one `stored` was made from (either form).
pub fn verify(password: &str, stored: &str) -> bool {
    !matches!(check(password, stored), Checked::Wrong)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

const COMMON: &[&str] = &[
    "password",
    "qwerty",
    "123456",
    "letmein",
    "welcome",
    "admin",
    "iloveyou",
    "branchdesk",
    "abc123",
    "111111",
];

/// Refuses passwords that are short, of one kind of character, common, or
/// built from the person's own name or email.
pub fn check_strength(field: &str, password: &str, personal: &[&str]) -> Result<(), ApiError> {
    let chars = password.chars().count();
    if chars < MIN_LEN {
        return Err(ApiError::invalid(field, format!("Use at least {MIN_LEN} characters.")));
    }
    if chars > MAX_LEN {
        return Err(ApiError::invalid(field, format!("Use at most {MAX_LEN} characters.")));
    }
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_other = password.chars().any(|c| !c.is_alphabetic());
    if !has_letter || !has_other {
        return Err(ApiError::invalid(field, "Mix letters with digits or symbols."));
    }
    let lower = password.to_lowercase();
    if COMMON.iter().any(|c| lower.contains(c)) {
        return Err(ApiError::invalid(field, "This password is too easy to guess."));
    }
    for p in personal {
        let p = p.trim().to_lowercase();
        let p = p.split('@').next().unwrap_or_default();
        if p.len() >= 4 && lower.contains(p) {
            return Err(ApiError::invalid(field, "Do not build the password from your name or email."));
        }
    }
    Ok(())
}

/// The digest stored in place of a secret (a session token, a reset code).
pub(crate) fn digest(secret: &str) -> String {
    use blake2::{Blake2s256, Digest};
    let out = Blake2s256::digest(secret.as_bytes());
    out.iter().map(|b| format!("{b:02x}")).collect()
}

/// A reset code as typed ("abcd-efgh") in the form it is digested in.
pub(crate) fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_opens_only_its_own_hash_and_gives_the_same_sealing_key() {
        let d = derive("Tr1cky-Horse").unwrap();
        assert!(d.hash.starts_with("$bdk1$m=65536,t=3,p=1$"), "{}", d.hash);
        assert!(!outdated(&d.hash));
        let Checked::Right(seal) = check("Tr1cky-Horse", &d.hash) else { panic!("right password refused") };
        assert_eq!(seal.0, d.seal.0, "the same password unseals the same key");
        assert!(matches!(check("tr1cky-horse", &d.hash), Checked::Wrong));
        for bad in [
            "not a hash",
            "$bdk1$",
            "$bdk1$m=1,t=1,p=1$zz$00",
            "$bdk1$m=19456,t=2,p=1$00$",
            "$bdk1$q=1$00$00",
            // More work than any desk asks for: refused, not run.
            "$bdk1$m=4194304,t=3,p=1$00$00",
            "$bdk1$m=65536,t=1000,p=1$00$00",
        ] {
            assert!(matches!(check("Tr1cky-Horse", bad), Checked::Wrong), "{bad}");
        }
        // Two hashes of one password differ (salt), and so do their keys.
        let again = derive("Tr1cky-Horse").unwrap();
        assert_ne!(again.hash, d.hash);
        assert_ne!(again.seal.0, d.seal.0);
    }

    #[test]
    fn a_hash_made_with_less_work_still_opens_and_is_outdated() {
        let salt = [9u8; 16];
        let out = run("Tr1cky-Horse", &salt, 19 * 1024, 2, 1).unwrap();
        let old = format!("{PREFIX}m=19456,t=2,p=1${}${}", hex(&salt), hex(&out[..32]));
        let Checked::Right(seal) = check("Tr1cky-Horse", &old) else { panic!("an older hash refused") };
        assert_eq!(seal.0[..], out[32..], "it opens the key it sealed");
        assert!(outdated(&old));
        assert!(outdated("$argon2id$v=19$m=19456,t=2,p=1$abc$def"), "the earlier form");
    }

    #[test]
    fn an_earlier_hash_still_signs_in_and_asks_to_be_replaced() {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::generate(&mut OsRng);
        let old = Argon2::default().hash_password(b"Tr1cky-Horse", &salt).unwrap().to_string();
        assert!(matches!(check("Tr1cky-Horse", &old), Checked::Legacy));
        assert!(matches!(check("Tr1cky-Horsf", &old), Checked::Wrong));
    }

    #[test]
    fn weak_passwords_are_refused_with_the_field_named() {
        for (pw, why) in [
            ("short1", "at least"),
            ("onlyletterslong", "Mix"),
            ("1234567890123", "Mix"),
            ("MyPassword99", "easy"),
            ("asha.rao-2024", "name"),
        ] {
            let e = check_strength("new_password", pw, &["Asha Rao", "asha.rao@example.com"]).expect_err(pw);
            assert!(e.is_for("new_password"));
            assert!(e.message.contains(why), "{pw}: {}", e.message);
        }
        check_strength("new_password", "Blue-Mango-42", &["Asha Rao"]).unwrap();
    }
}
