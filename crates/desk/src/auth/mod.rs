//! Identity: passwords, sessions, lockout, reset codes, and the [`Actor`]
//! every permission check runs against.

pub mod actor;
pub mod login;
pub mod password;
pub mod session;

pub(crate) fn digest(secret: &str) -> String {
    use blake2::{Blake2s256, Digest};
    let out = Blake2s256::digest(secret.as_bytes());
    out.iter().map(|b| format!("{b:02x}")).collect()
}
