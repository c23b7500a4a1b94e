//! Each person's signing key (docs/trust.md). An Ed25519 key pair is made
//! with every new password; its private half is sealed (ChaCha20-Poly1305)
//! with the key the password gives (`password::derive`) and travels with
//! the account, so signing in on any desk opens it. While a session is open
//! the key is also kept sealed under a key derived from the session token,
//! which never rests on disk, and in the desk's [`KeyRing`] in memory; the
//! write path signs each op with its author's key from the ring.

use crate::password::{hex, unhex, SealKey};
use crate::sessions::SessionToken;
use crate::{Error, Result};
use branchdesk_api::canonical::signing::{public_hex, SigningKey};
use branchdesk_api::ids::UserId;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use std::collections::HashMap;
use std::sync::Mutex;

/// What a new password gives an account: its password check, and a fresh
/// key pair whose private half that password seals.
pub struct Credentials {
    pub password_hash: String,
    pub public_key: String,
    pub sealed_key: String,
    pub signing: SigningKey,
    /// The key the new password gives (seals the second factor's secret).
    pub(crate) seal: crate::password::SealKey,
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    SystemRandom::new()
        .fill(&mut out)
        .map_err(|_| Error::Hash("the system's random source failed".into()))?;
    Ok(out)
}

/// New credentials for `user` from a new password (one argon2id run).
pub fn credentials(user: UserId, password: &str) -> Result<Credentials> {
    let derived = crate::password::derive(password)?;
    let signing = SigningKey::from_bytes(&random::<32>()?);
    let sealed_key = seal_with(&derived.seal.0, user, &signing)?;
    Ok(Credentials {
        password_hash: derived.hash,
        public_key: public_hex(&signing),
        sealed_key,
        signing,
        seal: derived.seal,
    })
}

/// The password check and sealed key made again with today's work factor
/// for the same password and the same key pair (the public key on record
/// stays): for an account whose hash is [`crate::password::outdated`].
pub fn remade(user: UserId, password: &str, signing: &SigningKey) -> Result<(String, String)> {
    let derived = crate::password::derive(password)?;
    Ok((derived.hash, seal_with(&derived.seal.0, user, signing)?))
}

/// The same key sealed with another key (a session's).
pub(crate) fn seal_with(key: &[u8; 32], user: UserId, signing: &SigningKey) -> Result<String> {
    seal_bytes(key, &user.to_string(), &signing.to_bytes())
}

/// `plain` sealed with `key` (ChaCha20-Poly1305, a random nonce, `aad`
/// bound in), as hex: the nonce, then the sealed bytes.
pub(crate) fn seal_bytes(key: &[u8; 32], aad: &str, plain: &[u8]) -> Result<String> {
    let aead = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, key).expect("a 32-byte key"));
    let nonce = random::<NONCE_LEN>()?;
    let mut sealed = plain.to_vec();
    aead.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(aad.as_bytes()),
        &mut sealed,
    )
    .map_err(|_| Error::Hash("sealing failed".into()))?;
    Ok(format!("{}{}", hex(&nonce), hex(&sealed)))
}

/// What [`seal_bytes`] sealed, if `key` and `aad` are the ones it used.
pub(crate) fn open_bytes(key: &[u8; 32], aad: &str, sealed: &str) -> Option<Vec<u8>> {
    let bytes = unhex(sealed)?;
    if bytes.len() < NONCE_LEN + CHACHA20_POLY1305.tag_len() {
        return None;
    }
    let (nonce, body) = bytes.split_at(NONCE_LEN);
    let aead = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, key).ok()?);
    let mut body = body.to_vec();
    let plain = aead
        .open_in_place(Nonce::try_assume_unique_for_key(nonce).ok()?, Aad::from(aad.as_bytes()), &mut body)
        .ok()?;
    Some(plain.to_vec())
}

/// The private key in `sealed`, if `key` seals it for this `user` (the
/// user's id is bound in: a sealed key copied onto another account opens
/// nothing).
fn open_with(key: &[u8; 32], user: UserId, sealed: &str) -> Option<SigningKey> {
    let plain: [u8; 32] = open_bytes(key, &user.to_string(), sealed)?.try_into().ok()?;
    Some(SigningKey::from_bytes(&plain))
}

/// The account's private key, opened with the key its password gave.
pub fn unseal(seal: &SealKey, user: UserId, sealed: &str) -> Option<SigningKey> {
    open_with(&seal.0, user, sealed)
}

/// The key a session's token gives (BLAKE2 under a label of its own, so the
/// token's stored digest does not give it).
fn session_key(token: &SessionToken) -> [u8; 32] {
    use blake2::{Blake2s256, Digest};
    let mut h = Blake2s256::new();
    h.update(b"branchdesk/session-key/v1\0");
    h.update(token.0.as_bytes());
    h.finalize().into()
}

/// The key sealed for a session's row.
pub fn seal_for_session(token: &SessionToken, user: UserId, signing: &SigningKey) -> Result<String> {
    seal_with(&session_key(token), user, signing)
}

/// The key a session's row holds, opened with its token.
pub fn open_for_session(token: &SessionToken, user: UserId, sealed: &str) -> Option<SigningKey> {
    open_with(&session_key(token), user, sealed)
}

/// The one-time key a reset code gives for `user` (the code as typed or
/// normalised). Its public half goes on the account when a manager issues
/// the code; the redeeming desk signs the new credentials with it.
pub fn reset_key(user: UserId, code: &str) -> SigningKey {
    use blake2::{Blake2s256, Digest};
    let mut h = Blake2s256::new();
    h.update(b"branchdesk/reset-key/v1\0");
    h.update(user.to_string().as_bytes());
    h.update(b"\0");
    h.update(crate::password::normalise_code(code).as_bytes());
    SigningKey::from_bytes(&h.finalize().into())
}

/// A reset code: 80 random bits, shown as XXXX-XXXX-XXXX-XXXX.
pub fn reset_code() -> Result<String> {
    Ok(branchdesk_api::pin::code_from_random(&random::<10>()?))
}

/// The keys of the people with a session open on this desk, in memory only.
#[derive(Default)]
pub struct KeyRing(Mutex<HashMap<UserId, SigningKey>>);

impl KeyRing {
    pub fn put(&self, user: UserId, key: SigningKey) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(user, key);
    }

    pub fn get(&self, user: UserId) -> Option<SigningKey> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&user).cloned()
    }

    pub fn has(&self, user: UserId) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).contains_key(&user)
    }

    pub fn users(&self) -> Vec<UserId> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).keys().copied().collect()
    }

    pub fn forget(&self, user: UserId) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_only_with_its_password_and_for_its_account() {
        let user = UserId::from(uuid::Uuid::now_v7());
        let c = credentials(user, "Tr1cky-Horse").unwrap();
        assert_eq!(c.public_key.len(), branchdesk_api::tables::KEY);
        assert_eq!(c.sealed_key.len(), branchdesk_api::tables::SEALED_KEY);
        let crate::password::Checked::Right(seal) = crate::password::check("Tr1cky-Horse", &c.password_hash)
        else {
            panic!("the password opens its own hash")
        };
        let opened = unseal(&seal, user, &c.sealed_key).expect("opens");
        assert_eq!(opened.to_bytes(), c.signing.to_bytes());
        let other = crate::password::derive("Tr1cky-Horse").unwrap();
        assert!(unseal(&other.seal, user, &c.sealed_key).is_none(), "another salt, another key");
        assert!(
            unseal(&seal, UserId::from(uuid::Uuid::now_v7()), &c.sealed_key).is_none(),
            "bound to its account"
        );
        let mut flipped = c.sealed_key.clone().into_bytes();
        flipped[40] = if flipped[40] == b'0' { b'1' } else { b'0' };
        assert!(unseal(&seal, user, &String::from_utf8(flipped).unwrap()).is_none(), "tampering shows");
        assert!(unseal(&seal, user, "zz").is_none());
    }

    #[test]
    fn a_session_opens_the_key_with_its_token_only() {
        let user = UserId::from(uuid::Uuid::now_v7());
        let k = credentials(user, "Tr1cky-Horse").unwrap();
        let token = SessionToken("token-a".into());
        let sealed = seal_for_session(&token, user, &k.signing).unwrap();
        assert!(open_for_session(&token, user, &sealed).is_some());
        assert!(open_for_session(&SessionToken("token-b".into()), user, &sealed).is_none());
        // The stored digest of the token is not the key.
        let digest = crate::password::digest(&token.0);
        assert_ne!(digest, hex(&session_key(&token)));
    }
}
