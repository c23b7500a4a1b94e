//! Who made a change, proven rather than claimed (docs/trust.md). Every op
//! is checked against its author's public key **as the server holds it
//! when the op arrives** — never against the op's own clock — before any
//! rule of `authz.rs` reads the author's grants. Pure: the stores gather
//! the facts and call [`check`].

use branchdesk_api::canonical::signing::{self, Unsigned};
use branchdesk_api::sync::Op;
use serde_json::{Map, Value};

/// What the server knows of the keys behind one op.
#[derive(Debug, Clone, Copy)]
pub struct KeyFacts<'a> {
    /// No grant is stored yet: the first desk is uploading the organisation
    /// it created (the one exception; it ends with the first grant).
    pub setting_up: bool,
    /// Every active account has a key on record (the organisation has
    /// moved over; one created by this version starts so): from then on a
    /// row's parents must be on record.
    pub cut_over: bool,
    /// The author's public key on record (the server's copy of their
    /// account), if any.
    pub author_key: Option<&'a str>,
    /// For a change to the author's own account: the one-time key of a
    /// reset a manager issued for it, while it has not expired.
    pub reset_key: Option<&'a str>,
    /// For an author with no key on record: the key they proved their
    /// password for (`/v1/keys/prove`), which stands as theirs until their
    /// desk's change registering it arrives.
    pub proven_key: Option<&'a str>,
    /// The key this op's signature was already found to hold for, in its
    /// push's batch ([`Ahead`]); the op's own check is then skipped while
    /// its author's key on record is still that one.
    pub checked_ahead: Option<&'a str>,
}

impl KeyFacts<'_> {
    /// Whether an op's foreign-key parents must be on record (or earlier in
    /// the push): in an organisation that has moved over. Before that, one
    /// an older desk made may hold rows whose parents never reached the
    /// server (older desks sent what they held), and its changes act on
    /// the desk's word anyway.
    pub fn parents_checked(&self) -> bool {
        self.cut_over && !self.setting_up
    }
}

/// Ok, or why the op is refused (shown to the desk).
pub fn check(device_id: &str, op: &Op, k: &KeyFacts<'_>) -> Result<(), String> {
    if op.signature.as_deref() == Some(branchdesk_api::sync::SERVER_MARK) {
        return Err("it claims to be a change made by the server".into());
    }
    if k.setting_up {
        return Ok(());
    }
    let Some(author) = op.author_user_id.as_deref() else {
        return Err("it names no author".into());
    };
    // A redeemed reset: the new credentials signed by the code's one-time
    // key, which they clear (so it signs once).
    let clears_reset = op.columns.get("reset_key").is_some_and(Value::is_null);
    if let Some(reset) =
        k.reset_key.filter(|_| clears_reset && op.entity == "users" && op.entity_id == author)
    {
        if signing::verify(Some(reset), device_id, op).is_ok() {
            return Ok(());
        }
    }
    // A desk that signs makes every account with its key: a new account
    // without one, from someone who signs, would take the organisation
    // back to acting on the desk's word for it.
    let keyless_account = op.entity == "users"
        && op.kind == "insert"
        && key_of_text(op.columns.get("public_key").and_then(Value::as_str)).is_none();
    if keyless_account && k.author_key.is_some() {
        return Err("a new account comes with its signing key (made with its first password)".into());
    }
    match k.author_key {
        Some(key) if k.checked_ahead == Some(key) => Ok(()),
        Some(key) => signing::verify(Some(key), device_id, op).map_err(|e| match e {
            Unsigned::Missing => format!("it is not signed, and its author {author} signs their changes"),
            Unsigned::Malformed => "its signature is not 128 hex digits".into(),
            Unsigned::NoKey => "its author's key on record is damaged".into(),
            Unsigned::Wrong => {
                "its signature does not match the change and its author's current key (a changed op, another \
                 desk or number, or a key since replaced)"
                    .into()
            }
        }),
        // An account from before signing: the key its owner proved the
        // password for stands as theirs until one is on record (the change
        // that registers it comes after the changes the desk re-signed).
        None => match k.proven_key {
            Some(proven) => signing::verify(Some(proven), device_id, op).map_err(|_| {
                format!("its signature does not match the key {author} proved their password for")
            }),
            None => Err(format!(
                "its author {author} has no signing key on record: they sign in once on a desk of this version \
                 while it reaches the server (or a manager resets their password)"
            )),
        },
    }
}

/// An op with an author and no signature, outside the first upload: the
/// whole push is refused as from an outdated desk, which keeps its changes
/// (they are signed once it is updated and their authors sign in there).
pub fn unsigned(op: &Op, setting_up: bool) -> bool {
    !setting_up && op.author_user_id.is_some() && op.signature.is_none()
}

/// A push's signatures checked together before its ops are judged one by
/// one (`signing::verify_batch`, about half the work per signature): every
/// op whose author has a key on record as the push starts, except a reset
/// redemption (signed by the reset's key) and the server's mark. When all
/// hold, each op's [`check`] skips its own verification (`checked_ahead`)
/// as long as its author's key is still the one it was checked against. A
/// batch with any bad signature proves nothing: every op is then checked
/// on its own, which names the bad ones.
#[derive(Debug, Default)]
pub struct Ahead {
    /// Per op of the push, in order: the key its signature holds for.
    checked: Vec<Option<String>>,
}

impl Ahead {
    /// Checks `ops` (a push's new ops, in order) against their authors'
    /// keys as `key_on_record` gives them now. Nothing is checked ahead
    /// while the organisation is being set up.
    pub fn check<'o>(
        device_id: &str,
        ops: impl IntoIterator<Item = &'o Op>,
        setting_up: bool,
        key_on_record: impl Fn(&str) -> Option<String>,
    ) -> Self {
        if setting_up {
            return Self::default();
        }
        let ops: Vec<&Op> = ops.into_iter().collect();
        let mut keys: std::collections::HashMap<&str, Option<String>> = Default::default();
        let checked: Vec<Option<String>> = ops
            .iter()
            .map(|op| {
                let author = op.author_user_id.as_deref()?;
                let redeems_reset = op.entity == "users"
                    && op.entity_id == author
                    && op.columns.get("reset_key").is_some_and(Value::is_null);
                let marked = op.signature.as_deref() == Some(branchdesk_api::sync::SERVER_MARK);
                if redeems_reset || marked || op.signature.is_none() {
                    return None;
                }
                keys.entry(author).or_insert_with(|| key_on_record(author)).clone()
            })
            .collect();
        let batch: Vec<(&Op, &str)> =
            ops.iter().zip(&checked).filter_map(|(op, key)| Some((*op, key.as_deref()?))).collect();
        match !batch.is_empty() && signing::verify_batch(device_id, &batch) {
            true => Self { checked },
            false => Self::default(),
        }
    }

    /// The key the `i`-th op's signature was found to hold for, if any.
    pub fn key(&self, i: usize) -> Option<&str> {
        self.checked.get(i)?.as_deref()
    }
}

/// The active accounts, with and without a key on record. The organisation
/// has moved over when some have one and none lacks it; the stores read it
/// once per push and note each accepted change of an account.
#[derive(Debug, Default)]
pub struct Keyless {
    without: std::collections::HashSet<String>,
    with: std::collections::HashSet<String>,
}

impl Keyless {
    /// From (account, has a key) for every active account.
    pub fn of(accounts: impl IntoIterator<Item = (String, bool)>) -> Self {
        let mut k = Self::default();
        for (id, keyed) in accounts {
            if keyed {
                k.with.insert(id)
            } else {
                k.without.insert(id)
            };
        }
        k
    }

    /// Notes an account as it stands after an accepted change.
    pub fn note(&mut self, id: &str, row: &Map<String, Value>) {
        let active = !matches!(row.get("active"), Some(Value::Bool(false)))
            && row.get("active") != Some(&Value::from(0));
        self.without.remove(id);
        self.with.remove(id);
        if active {
            if key_of(Some(row)).is_some() {
                self.with.insert(id.to_owned())
            } else {
                self.without.insert(id.to_owned())
            };
        }
    }

    pub fn cut_over(&self) -> bool {
        self.without.is_empty() && !self.with.is_empty()
    }
}

/// The public key an account's row holds, if it is one.
pub fn key_of(user_row: Option<&Map<String, Value>>) -> Option<&str> {
    key_of_text(user_row?.get("public_key")?.as_str())
}

/// The reset key on an account's row while its reset has not expired.
pub fn reset_of(user_row: Option<&Map<String, Value>>, now: chrono::DateTime<chrono::Utc>) -> Option<&str> {
    let row = user_row?;
    let until = chrono::DateTime::parse_from_rfc3339(row.get("reset_expires_at")?.as_str()?).ok()?;
    if until <= now {
        return None;
    }
    key_of_text(row.get("reset_key")?.as_str())
}

/// A stored public key, if it is one (64 hex digits).
pub fn key_of_text(key: Option<&str>) -> Option<&str> {
    key.filter(|k| k.len() == 64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use branchdesk_api::canonical::signing::{public_hex, sign, SigningKey};
    use serde_json::json;

    fn op() -> Op {
        Op {
            seq: 3,
            op_id: "0193a0c0-0000-7000-8000-000000000001".into(),
            author_user_id: Some("u1".into()),
            scope: "org".into(),
            entity: "users".into(),
            entity_id: "u1".into(),
            kind: "update".into(),
            columns: json!({ "full_name": "Asha" }).as_object().unwrap().clone(),
            hlc: "000193a0c0000000-d1".into(),
            schema_version: 19,
            signature: None,
        }
    }

    const AFTER: KeyFacts<'static> = KeyFacts {
        setting_up: false,
        cut_over: true,
        author_key: None,
        reset_key: None,
        proven_key: None,
        checked_ahead: None,
    };

    #[test]
    fn a_batch_vouches_for_its_ops_only_when_every_signature_holds_and_the_key_is_unchanged() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let public = public_hex(&key);
        let signed = |seq: u64| {
            let mut o = op();
            o.seq = seq;
            o.signature = Some(sign(&key, "d1", &o));
            o
        };
        let ops = vec![signed(1), signed(2), signed(3)];
        let on_record = |_: &str| Some(public.clone());
        let ahead = Ahead::check("d1", &ops, false, on_record);
        assert!((0..3).all(|i| ahead.key(i) == Some(public.as_str())));
        let facts = KeyFacts { author_key: Some(&public), checked_ahead: ahead.key(1), ..AFTER };
        assert_eq!(check("d1", &ops[1], &facts), Ok(()));
        // One forged op among good ones: the batch vouches for none, and the
        // one-by-one check names the forged one.
        let mut forged = ops.clone();
        forged[1].columns.insert("full_name".into(), json!("Mallory"));
        let ahead = Ahead::check("d1", &forged, false, on_record);
        assert!((0..3).all(|i| ahead.key(i).is_none()));
        let facts = KeyFacts { author_key: Some(&public), checked_ahead: ahead.key(1), ..AFTER };
        assert!(check("d1", &forged[1], &facts).is_err());
        assert_eq!(check("d1", &forged[0], &facts), Ok(()));
        // Pushed by another desk: nothing holds.
        assert!(Ahead::check("d2", &ops, false, on_record).key(0).is_none());
        // A key replaced within the push: the batch's word is for the old key.
        let replaced = public_hex(&SigningKey::from_bytes(&[8; 32]));
        let ahead = Ahead::check("d1", &ops, false, on_record);
        let facts = KeyFacts { author_key: Some(&replaced), checked_ahead: ahead.key(2), ..AFTER };
        assert!(check("d1", &ops[2], &facts).is_err());
        // No key on record, or the organisation being set up: nothing ahead.
        assert!(Ahead::check("d1", &ops, false, |_| None).key(0).is_none());
        assert!(Ahead::check("d1", &ops, true, on_record).key(0).is_none());
        // A reset redemption is signed by the reset's key: left out, and the
        // rest still vouched for.
        let reset = SigningKey::from_bytes(&[2; 32]);
        let mut redeem = op();
        redeem.seq = 4;
        redeem.columns =
            json!({ "public_key": "ab".repeat(32), "reset_key": null }).as_object().unwrap().clone();
        redeem.signature = Some(sign(&reset, "d1", &redeem));
        let mut with_reset = ops.clone();
        with_reset.push(redeem);
        let ahead = Ahead::check("d1", &with_reset, false, on_record);
        assert_eq!(ahead.key(0), Some(public.as_str()));
        assert_eq!(ahead.key(3), None);
    }

    #[test]
    fn a_signed_op_passes_only_with_its_authors_current_key_and_unchanged() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let public = public_hex(&key);
        let mut o = op();
        o.signature = Some(sign(&key, "d1", &o));
        let facts = KeyFacts { author_key: Some(&public), ..AFTER };
        assert_eq!(check("d1", &o, &facts), Ok(()));
        assert!(check("d2", &o, &facts).is_err(), "pushed by another desk");
        let mut changed = o.clone();
        changed.columns.insert("full_name".into(), json!("Mallory"));
        assert!(check("d1", &changed, &facts).is_err(), "a column changed after signing");
        let mut replayed = o.clone();
        replayed.seq = 9;
        assert!(check("d1", &replayed, &facts).is_err(), "the same op under another seq");
        let replaced = public_hex(&SigningKey::from_bytes(&[8; 32]));
        assert!(
            check("d1", &o, &KeyFacts { author_key: Some(&replaced), ..AFTER }).is_err(),
            "a replaced key"
        );
        let mut unsigned = o.clone();
        unsigned.signature = None;
        let e = check("d1", &unsigned, &facts).unwrap_err();
        assert!(e.contains("not signed"), "{e}");
        unsigned.schema_version = 18;
        assert!(check("d1", &unsigned, &facts).is_err(), "an older schema is no excuse");
    }

    #[test]
    fn a_keyless_author_acts_only_with_the_key_they_proved_and_the_server_mark_never() {
        let o = op();
        assert!(check("d1", &o, &KeyFacts { cut_over: false, ..AFTER })
            .unwrap_err()
            .contains("no signing key"));
        assert!(check("d1", &o, &AFTER).unwrap_err().contains("no signing key"));
        assert!(
            unsigned(&o, false) && !unsigned(&o, true),
            "unsigned refuses the push outside the first upload"
        );
        let new_key = SigningKey::from_bytes(&[5; 32]);
        let public = public_hex(&new_key);
        let mut register = op();
        register.columns =
            json!({ "public_key": public, "password_hash": "$bdk1$…" }).as_object().unwrap().clone();
        register.signature = Some(sign(&new_key, "d1", &register));
        let proven = KeyFacts { proven_key: Some(&public), cut_over: false, ..AFTER };
        assert_eq!(check("d1", &register, &proven), Ok(()));
        assert!(check("d1", &register, &KeyFacts { proven_key: None, ..proven }).is_err(), "not proven");
        let other = public_hex(&SigningKey::from_bytes(&[6; 32]));
        assert!(
            check("d1", &register, &KeyFacts { proven_key: Some(&other), ..proven }).is_err(),
            "another key"
        );
        let mut before = op();
        before.signature = Some(sign(&new_key, "d1", &before));
        assert_eq!(check("d1", &before, &proven), Ok(()), "changes re-signed before the registration");
        assert!(check("d1", &before, &KeyFacts { proven_key: None, ..proven }).is_err());
        let mut marked = o.clone();
        marked.signature = Some(branchdesk_api::sync::SERVER_MARK.into());
        assert!(check("d1", &marked, &KeyFacts { setting_up: true, ..AFTER }).is_err());
        let mut nobody = o.clone();
        nobody.author_user_id = None;
        assert!(check("d1", &nobody, &KeyFacts { cut_over: false, ..AFTER }).is_err());
        assert_eq!(check("d1", &o, &KeyFacts { setting_up: true, ..AFTER }), Ok(()));
    }

    #[test]
    fn a_reset_codes_key_signs_the_accounts_new_credentials_once() {
        let current = public_hex(&SigningKey::from_bytes(&[1; 32]));
        let reset = SigningKey::from_bytes(&[2; 32]);
        let reset_public = public_hex(&reset);
        let mut o = op();
        o.columns = json!({ "public_key": "ab".repeat(32), "reset_key": null }).as_object().unwrap().clone();
        o.signature = Some(sign(&reset, "d1", &o));
        let facts = KeyFacts { author_key: Some(&current), reset_key: Some(&reset_public), ..AFTER };
        assert_eq!(check("d1", &o, &facts), Ok(()));
        assert!(
            check("d1", &o, &KeyFacts { reset_key: None, ..facts }).is_err(),
            "no reset issued, or expired"
        );
        let mut keeps = o.clone();
        keeps.columns.remove("reset_key");
        keeps.signature = Some(sign(&reset, "d1", &keeps));
        assert!(check("d1", &keeps, &facts).is_err(), "it must clear the reset");
        let mut other = o.clone();
        other.entity_id = "u2".into();
        other.signature = Some(sign(&reset, "d1", &other));
        assert!(check("d1", &other, &facts).is_err(), "only the account's own row");
        let row = json!({ "reset_key": reset_public, "reset_expires_at": "2026-06-02T09:00:00+00:00" });
        let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&chrono::Utc);
        assert_eq!(reset_of(row.as_object(), at("2026-06-02T08:59:00Z")), Some(reset_public.as_str()));
        assert_eq!(reset_of(row.as_object(), at("2026-06-02T09:00:00Z")), None, "expired");
    }
}
