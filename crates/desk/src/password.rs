//! argon2id password hashes and the strength rule.

use crate::{Error, Result};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use branchdesk_api::ApiError;

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 128;

pub fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Hash(e.to_string()))
}

pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
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
    fn hash_verifies_only_the_same_password() {
        let h = hash("Tr1cky-Horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Tr1cky-Horse", &h));
        assert!(!verify("tr1cky-horse", &h));
        assert!(!verify("Tr1cky-Horse", "not a hash"));
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
