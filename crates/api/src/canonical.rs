//! The canonical bytes of an op: what its author signs and the server
//! checks. They do not depend on how the op's JSON was written — the order
//! of keys, escapes (`"\u00e9"` or `"é"`), or number formats (`100`,
//! `100.0`, `1e2` are one number) — only on what it says.
//!
//! Layout (all lengths and integers big-endian):
//! `"branchdesk/op/v1"`, then the device id, op id, seq (u64), scope,
//! entity, entity id, kind, clock stamp, author (empty: none), schema
//! version (u32), each text as a u32 byte length and its UTF-8 bytes; then
//! the number of columns (u32) and each column, by name in byte order, as
//! its name and its [value](push_value).

use crate::sync::Op;
use serde_json::Value;

/// What every signed op's bytes start with (a new layout changes it).
pub const DOMAIN: &[u8] = b"branchdesk/op/v1";

/// The bytes an op's author signs: the op as pushed by `device_id`.
pub fn op_bytes(device_id: &str, op: &Op) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + op.columns.len() * 32);
    out.extend_from_slice(DOMAIN);
    push_text(&mut out, device_id);
    push_text(&mut out, &op.op_id);
    out.extend_from_slice(&op.seq.to_be_bytes());
    push_text(&mut out, &op.scope);
    push_text(&mut out, &op.entity);
    push_text(&mut out, &op.entity_id);
    push_text(&mut out, &op.kind);
    push_text(&mut out, &op.hlc);
    push_text(&mut out, op.author_user_id.as_deref().unwrap_or(""));
    out.extend_from_slice(&op.schema_version.to_be_bytes());
    push_object(&mut out, &op.columns);
    out
}

/// What every signed desk-management request's bytes start with.
pub const REQUEST_DOMAIN: &[u8] = b"branchdesk/request/v1";

/// The bytes a person signs to manage desks from `device_id`: the action,
/// what it names, who asks and when (all as texts, as above).
pub fn request_bytes(
    device_id: &str,
    action: crate::sync::DeviceAction<'_>,
    user_id: &str,
    at: &str,
) -> Vec<u8> {
    use crate::sync::DeviceAction;
    let mut out = Vec::with_capacity(192);
    out.extend_from_slice(REQUEST_DOMAIN);
    push_text(&mut out, device_id);
    match action {
        DeviceAction::IssueCode { scopes } => {
            push_text(&mut out, "issue_code");
            match scopes {
                None => push_len(&mut out, u32::MAX as usize),
                Some(list) => {
                    push_len(&mut out, list.len());
                    for s in list {
                        push_text(&mut out, s);
                    }
                }
            }
        }
        DeviceAction::Revoke { device_id } => {
            push_text(&mut out, "revoke");
            push_text(&mut out, device_id);
        }
    }
    push_text(&mut out, user_id);
    push_text(&mut out, at);
    out
}

fn push_len(out: &mut Vec<u8>, n: usize) {
    // Nothing on the wire comes near 4 GB (bodies are capped far below).
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes());
}

fn push_text(out: &mut Vec<u8>, s: &str) {
    push_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn push_object(out: &mut Vec<u8>, map: &serde_json::Map<String, Value>) {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    push_len(out, keys.len());
    for k in keys {
        push_text(out, k);
        push_value(out, &map[k]);
    }
}

/// A value as one tag byte and its payload: null 0, false 1, true 2, an
/// integer 3 with 8 bytes (two's complement; a whole float within range is
/// that integer), an integer above `i64::MAX` 4 with 8 bytes, any other
/// number 5 with its 8 IEEE-754 bytes, text 6, a list 7 (count, items), an
/// object 8 (as the columns).
pub fn push_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(0),
        Value::Bool(false) => out.push(1),
        Value::Bool(true) => out.push(2),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push(3);
                out.extend_from_slice(&i.to_be_bytes());
            } else if let Some(u) = n.as_u64() {
                out.push(4);
                out.extend_from_slice(&u.to_be_bytes());
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f.is_finite() && f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 {
                    out.push(3);
                    out.extend_from_slice(&(f as i64).to_be_bytes());
                } else {
                    out.push(5);
                    out.extend_from_slice(&f.to_bits().to_be_bytes());
                }
            }
        }
        Value::String(s) => {
            out.push(6);
            push_text(out, s);
        }
        Value::Array(items) => {
            out.push(7);
            push_len(out, items.len());
            for i in items {
                push_value(out, i);
            }
        }
        Value::Object(map) => {
            out.push(8);
            push_object(out, map);
        }
    }
}

/// Signing and checking an op (desk and server; not built for the UI).
#[cfg(feature = "signing")]
pub mod signing {
    use super::op_bytes;
    use crate::sync::Op;
    pub use ed25519_dalek::SigningKey;
    use ed25519_dalek::{Signature, Signer, Verifier, VerifyingKey};

    /// Why a signature does not hold.
    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
    pub enum Unsigned {
        #[error("the op is not signed")]
        Missing,
        #[error("the signature is not 64 bytes of hex")]
        Malformed,
        #[error("the author has no key on record")]
        NoKey,
        #[error("the signature does not match the op and its author's key")]
        Wrong,
    }

    /// A public key as stored with the account: 64 hex digits.
    pub fn public_hex(key: &SigningKey) -> String {
        hex(key.verifying_key().as_bytes())
    }

    /// The op's signature by `key`, as 128 hex digits.
    pub fn sign(key: &SigningKey, device_id: &str, op: &Op) -> String {
        hex(&key.sign(&op_bytes(device_id, op)).to_bytes())
    }

    /// Checks `op.signature` against the author's public key (64 hex digits).
    pub fn verify(public: Option<&str>, device_id: &str, op: &Op) -> Result<(), Unsigned> {
        let sig = op.signature.as_deref().ok_or(Unsigned::Missing)?;
        let sig: [u8; 64] = unhex(sig).ok_or(Unsigned::Malformed)?;
        let public: [u8; 32] = public.and_then(unhex).ok_or(Unsigned::NoKey)?;
        let key = VerifyingKey::from_bytes(&public).map_err(|_| Unsigned::NoKey)?;
        key.verify(&op_bytes(device_id, op), &Signature::from_bytes(&sig)).map_err(|_| Unsigned::Wrong)
    }

    /// Checks many ops' signatures at once (Ed25519 batch verification,
    /// about half the work per signature of one-by-one checks): true only
    /// when every `(op, author's public key)` holds. A false answer does not
    /// say which failed; check those one by one with [`verify`]. An empty
    /// batch holds.
    ///
    /// Batch checking accepts exactly the signatures a one-by-one check
    /// accepts, except for signatures built with small-order points by the
    /// key's own holder (a difference between cofactored and cofactorless
    /// checks that lets no one sign for a key they do not hold).
    #[cfg(feature = "batch-verify")]
    pub fn verify_batch(device_id: &str, items: &[(&Op, &str)]) -> bool {
        let mut messages = Vec::with_capacity(items.len());
        let mut signatures = Vec::with_capacity(items.len());
        let mut keys: Vec<VerifyingKey> = Vec::with_capacity(items.len());
        // One author usually signs a whole push: their key is decoded once.
        let mut last: Option<(&str, VerifyingKey)> = None;
        for (op, public) in items {
            let Some(sig) = op.signature.as_deref().and_then(unhex::<64>) else {
                return false;
            };
            let key = match last {
                Some((hex_key, key)) if hex_key == *public => key,
                _ => {
                    let Some(key) = unhex::<32>(public).and_then(|b| VerifyingKey::from_bytes(&b).ok())
                    else {
                        return false;
                    };
                    last = Some((public, key));
                    key
                }
            };
            messages.push(op_bytes(device_id, op));
            signatures.push(Signature::from_bytes(&sig));
            keys.push(key);
        }
        let messages: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
        ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
    }

    /// A person's signature on a desk-management request.
    pub fn sign_request(
        key: &SigningKey,
        device_id: &str,
        action: crate::sync::DeviceAction<'_>,
        user_id: &str,
        at: &str,
    ) -> String {
        hex(&key.sign(&super::request_bytes(device_id, action, user_id, at)).to_bytes())
    }

    /// Checks a request's signature against the person's public key.
    pub fn verify_request(
        public: Option<&str>,
        device_id: &str,
        action: crate::sync::DeviceAction<'_>,
        authority: &crate::sync::Authority,
    ) -> Result<(), Unsigned> {
        let sig: [u8; 64] = unhex(&authority.signature).ok_or(Unsigned::Malformed)?;
        let public: [u8; 32] = public.and_then(unhex).ok_or(Unsigned::NoKey)?;
        let key = VerifyingKey::from_bytes(&public).map_err(|_| Unsigned::NoKey)?;
        let bytes = super::request_bytes(device_id, action, &authority.user_id, &authority.at);
        key.verify(&bytes, &Signature::from_bytes(&sig)).map_err(|_| Unsigned::Wrong)
    }

    /// Lower-case hex, two digits a byte (without a `format!` per byte:
    /// every op's signature passes through here).
    pub fn hex(bytes: &[u8]) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
        }
        out
    }

    /// Exactly `N` bytes from lower- or upper-case hex, else None.
    pub fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
        let b = s.as_bytes();
        if b.len() != N * 2 {
            return None;
        }
        let mut out = [0u8; N];
        for (i, pair) in b.chunks(2).enumerate() {
            let digit = |c: u8| (c as char).to_digit(16);
            out[i] = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
        }
        Some(out)
    }

    #[cfg(test)]
    #[test]
    fn hex_is_two_lower_case_digits_a_byte_and_unhex_reads_it_back() {
        let bytes: [u8; 4] = [0x00, 0x0f, 0xab, 0xff];
        assert_eq!(hex(&bytes), "000fabff");
        assert_eq!(unhex::<4>("000fabff"), Some(bytes));
        assert_eq!(unhex::<4>("000FABFF"), Some(bytes));
        assert_eq!(unhex::<4>("000fabf"), None);
        assert_eq!(unhex::<4>("000fabfg"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(columns: &str) -> Op {
        Op {
            seq: 7,
            op_id: "0193a0c0-0000-7000-8000-000000000001".into(),
            author_user_id: Some("0193a0c0-0000-7000-8000-0000000000aa".into()),
            scope: "branch:0193a0c0-0000-7000-8000-00000000000b".into(),
            entity: "students".into(),
            entity_id: "0193a0c0-0000-7000-8000-0000000000cc".into(),
            kind: "update".into(),
            columns: serde_json::from_str(columns).unwrap(),
            hlc: "000193a0c0000000-0193a0c0".into(),
            schema_version: 18,
            signature: None,
        }
    }

    #[test]
    fn the_bytes_do_not_depend_on_how_the_json_was_written() {
        let a = op(r#"{"full_name": "Aarav Shah", "fee": 100, "notes": "é", "x": null}"#);
        let b = op(r#"{"x": null, "notes": "\u00e9", "fee": 1e2, "full_name": "Aarav Shah"}"#);
        let c = op(r#"{"notes":"é","x":null,"fee":100.0,"full_name":"Aarav Shah"}"#);
        assert_eq!(op_bytes("d", &a), op_bytes("d", &b));
        assert_eq!(op_bytes("d", &a), op_bytes("d", &c));
    }

    #[test]
    fn every_field_is_in_the_bytes() {
        let base = op(r#"{"full_name": "Aarav"}"#);
        let bytes = op_bytes("dev-1", &base);
        let mut changed: Vec<Op> = Vec::new();
        for f in 0..10 {
            let mut o = base.clone();
            match f {
                0 => o.seq = 8,
                1 => o.op_id.push('2'),
                2 => o.author_user_id = None,
                3 => o.scope = "org".into(),
                4 => o.entity = "guardians".into(),
                5 => o.entity_id.push('d'),
                6 => o.kind = "insert".into(),
                7 => o.hlc.push('0'),
                8 => o.schema_version = 17,
                _ => o.columns.insert("full_name".into(), "Aarav S".into()).map(|_| ()).unwrap_or(()),
            }
            changed.push(o);
        }
        for (i, o) in changed.iter().enumerate() {
            assert_ne!(op_bytes("dev-1", o), bytes, "field {i} is signed");
        }
        assert_ne!(op_bytes("dev-2", &base), bytes, "the pushing device is signed");
        // Moving text between fields changes the bytes (lengths are signed).
        let mut shifted = base.clone();
        shifted.entity = "studentsx".into();
        shifted.entity_id = shifted.entity_id[1..].into();
        assert_ne!(op_bytes("dev-1", &shifted), bytes);
    }
}
