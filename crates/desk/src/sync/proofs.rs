//! Which unsent ops wait, and the one-time password proof that frees an
//! account made before signing (docs/trust.md).
//!
//! An op waits (the push stops before it) when it has an author and no
//! signature (made before this version: it is signed at its author's next
//! sign-in here, `held.rs`), or when it registers a key the desk made for
//! an account that had none on the server — the server takes that key only
//! once its owner has proved the password the server knows. The proof is
//! made by the sync round while the password is still in memory from the
//! sign-in (never written down); a desk restarted before then asks for it
//! at the person's next sign-in.

use crate::db::read;
use crate::write::OutboxOp;
use crate::{Desk, Result};
use branchdesk_api::canonical::signing;
use branchdesk_api::ids::UserId;
use branchdesk_api::sync::Op;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// Passwords kept in memory for a proof the server has not taken yet.
#[derive(Default)]
pub struct Waiting(Mutex<HashMap<UserId, String>>);

/// A proof this desk can make now (no `Debug`: it holds a password).
#[derive(Clone, PartialEq, Eq)]
pub struct ProofToMake {
    pub user_id: UserId,
    pub public_key: String,
    pub password: String,
}

/// Why an unsent op waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// Made before this version: its author signs it at their next sign-in.
    Unsigned,
    /// Its author's key waits for their password proof.
    Unproven,
}

/// The key `op` registers for its own author, signed by that key (the key
/// a desk made for an account from before signing), if it is one.
pub fn self_registration(op: &Op, device_id: &str) -> Option<String> {
    let author = op.author_user_id.as_deref()?;
    let key = op.columns.get("public_key")?.as_str()?;
    let own = op.entity == "users" && op.kind == "update" && op.entity_id == author;
    (own && signing::verify(Some(key), device_id, op).is_ok()).then(|| key.to_owned())
}

/// Why `op` waits, given the authors whose key awaits its proof.
pub fn held(op: &Op, awaiting: &HashMap<String, String>) -> Option<Held> {
    let author = op.author_user_id.as_deref()?;
    if op.signature.is_none() {
        return Some(Held::Unsigned);
    }
    awaiting.contains_key(author).then_some(Held::Unproven)
}

#[derive(Deserialize)]
struct Pair {
    user_id: String,
    public_key: String,
}

#[derive(Deserialize)]
struct First {
    seq: Option<i64>,
    author_user_id: Option<String>,
}

impl Desk {
    /// Authors whose unsent registration of the key this desk made for
    /// them (still their key here) waits for their password proof: key by
    /// author. Every unsent op of theirs waits with it.
    pub(crate) fn awaiting_proof(&self) -> Result<HashMap<String, String>> {
        let db = self.db();
        let proven: Vec<Pair> = read::all(
            &mut *db
                .conn
                .prepare_cached("SELECT user_id, public_key FROM key_proofs WHERE proven_at IS NOT NULL")?,
            [],
        )?;
        let proven: HashSet<(String, String)> =
            proven.into_iter().map(|p| (p.user_id, p.public_key)).collect();
        let registrations: Vec<OutboxOp> = read::all(
            &mut *db.conn.prepare_cached(
                "SELECT o.seq, o.op_id, o.author_user_id, o.scope, o.entity, o.entity_id, o.kind, o.columns,
                        o.hlc, o.schema_version, o.signature
                 FROM outbox o JOIN users u ON u.id = o.author_user_id
                 WHERE o.seq > (SELECT acked_seq FROM sync_state)
                   AND o.entity = 'users' AND o.kind = 'update' AND o.entity_id = o.author_user_id
                   AND json_extract(o.columns, '$.public_key') = u.public_key
                 ORDER BY o.seq",
            )?,
            [],
        )?;
        let mut awaiting = HashMap::new();
        for r in registrations {
            let op = r.into_op()?;
            let Some(key) = self_registration(&op, self.device_id()) else { continue };
            let author = op.author_user_id.unwrap_or_default();
            if !proven.contains(&(author.clone(), key.clone())) {
                awaiting.insert(author, key);
            }
        }
        Ok(awaiting)
    }

    /// The first unsent op that waits, if any: the sentence the status bar
    /// shows (who must sign in here, or why their proof failed).
    pub(crate) fn held_for(&self) -> Result<Option<String>> {
        let awaiting = self.awaiting_proof()?;
        let db = self.db();
        let mut waits: Vec<(i64, String, Held)> = Vec::new();
        let unsigned: Option<First> = read::all(
            &mut *db.conn.prepare_cached(
                "SELECT seq, author_user_id FROM outbox
                 WHERE seq > (SELECT acked_seq FROM sync_state) AND signature IS NULL
                   AND author_user_id IS NOT NULL
                 ORDER BY seq LIMIT 1",
            )?,
            [],
        )?
        .pop();
        if let Some(First { seq: Some(seq), author_user_id: Some(a) }) = unsigned {
            waits.push((seq, a, Held::Unsigned));
        }
        for author in awaiting.keys() {
            let seq: Option<i64> = db.conn.query_row(
                "SELECT min(seq) FROM outbox WHERE seq > (SELECT acked_seq FROM sync_state) AND author_user_id = ?1",
                [author],
                read::value,
            )?;
            if let Some(seq) = seq {
                waits.push((seq, author.clone(), Held::Unproven));
            }
        }
        let Some((_, author, why)) = waits.into_iter().min_by_key(|w| w.0) else { return Ok(None) };
        let name: String = db
            .conn
            .query_row("SELECT full_name FROM users WHERE id = ?1", [&author], read::value)
            .unwrap_or(author.clone());
        let refused: Option<String> = match awaiting.get(&author) {
            Some(key) => db
                .conn
                .query_row(
                    "SELECT refused FROM key_proofs WHERE user_id = ?1 AND public_key = ?2",
                    [&author, key],
                    read::value,
                )
                .unwrap_or(None),
            None => None,
        };
        Ok(Some(match (why, refused) {
            (Held::Unproven, Some(reason)) => format!("Changes wait for {name}: {reason}"),
            (Held::Unproven, None) => {
                format!("Changes wait for {name} to sign in here while online (a one-time password check)")
            }
            (Held::Unsigned, _) => {
                format!("Changes wait for {name} to sign in here (made before the update)")
            }
        }))
    }

    /// After `user` signs in with `password`: when their key here waits
    /// for its proof, keep the password in memory until the sync round
    /// has made it.
    pub(crate) fn await_proof(&self, user: UserId, password: &str) -> Result<()> {
        let Some(key) = self.awaiting_proof()?.remove(&user.to_string()) else { return Ok(()) };
        self.db().conn.execute(
            "INSERT INTO key_proofs (user_id, public_key, noted_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (user_id, public_key) DO UPDATE SET refused = NULL",
            (user.to_string(), &key, self.clock().now().to_rfc3339()),
        )?;
        self.proofs.0.lock().unwrap_or_else(|e| e.into_inner()).insert(user, password.to_owned());
        Ok(())
    }

    /// Refuses a password change while the key made at the person's first
    /// sign-in of this version waits for its proof: the server checks the
    /// proof against the password it knows.
    pub(crate) fn check_no_proof_owed(&self, user: UserId) -> Result<()> {
        if self.awaiting_proof()?.contains_key(&user.to_string()) {
            return Err(branchdesk_api::ApiError::invalid(
                "new_password",
                "This desk must reach the server once before you change your password (a one-time check of your current one). Sync, then try again.",
            )
            .into());
        }
        Ok(())
    }

    /// The proofs this desk can make now: keys that wait, whose owner's
    /// password is in memory.
    pub fn proofs_to_make(&self) -> Result<Vec<ProofToMake>> {
        let awaiting = self.awaiting_proof()?;
        let passwords = self.proofs.0.lock().unwrap_or_else(|e| e.into_inner());
        Ok(passwords
            .iter()
            .filter_map(|(user, password)| {
                let key = awaiting.get(&user.to_string())?;
                Some(ProofToMake { user_id: *user, public_key: key.clone(), password: password.clone() })
            })
            .collect())
    }

    /// The server took the proof: the ops wait no longer, the password is
    /// forgotten.
    pub fn proof_taken(&self, user: UserId, public_key: &str) -> Result<()> {
        self.db().conn.execute(
            "INSERT INTO key_proofs (user_id, public_key, noted_at, proven_at) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (user_id, public_key) DO UPDATE SET proven_at = ?3, refused = NULL",
            (user.to_string(), public_key, self.clock().now().to_rfc3339()),
        )?;
        self.proofs.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&user);
        Ok(())
    }

    /// The server refused the proof (it knows another password): the ops
    /// keep waiting and the reason is shown; the password is forgotten, and
    /// the next sign-in tries again.
    pub fn proof_refused(&self, user: UserId, public_key: &str, reason: &str) -> Result<()> {
        self.db().conn.execute(
            "INSERT INTO key_proofs (user_id, public_key, noted_at, refused) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (user_id, public_key) DO UPDATE SET refused = ?4",
            (user.to_string(), public_key, self.clock().now().to_rfc3339(), reason),
        )?;
        self.proofs.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&user);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use branchdesk_api::canonical::signing::{public_hex, sign, SigningKey};
    use serde_json::json;

    fn op(author: &str, entity_id: &str, columns: serde_json::Value) -> Op {
        Op {
            seq: 4,
            op_id: "0193a0c0-0000-7000-8000-000000000001".into(),
            author_user_id: Some(author.into()),
            scope: "org".into(),
            entity: "users".into(),
            entity_id: entity_id.into(),
            kind: "update".into(),
            columns: columns.as_object().unwrap().clone(),
            hlc: "000193a0c0000000-d1".into(),
            schema_version: branchdesk_api::sync::DESK_SCHEMA_VERSION,
            signature: None,
        }
    }

    #[test]
    fn a_registration_is_one_only_when_signed_by_the_key_it_sets_on_ones_own_account() {
        let key = SigningKey::from_bytes(&[9; 32]);
        let public = public_hex(&key);
        let mut register = op("u1", "u1", json!({ "public_key": public }));
        assert_eq!(self_registration(&register, "d1"), None, "unsigned");
        register.signature = Some(sign(&key, "d1", &register));
        assert_eq!(self_registration(&register, "d1"), Some(public.clone()));
        assert_eq!(self_registration(&register, "d2"), None, "pushed by another desk");
        // A password change is signed by the old key: nothing to prove.
        let old = SigningKey::from_bytes(&[8; 32]);
        let mut change = op("u1", "u1", json!({ "public_key": public }));
        change.signature = Some(sign(&old, "d1", &change));
        assert_eq!(self_registration(&change, "d1"), None);
        // A manager's reset of someone else's account: theirs to sign.
        let mut reset = op("m1", "u1", json!({ "public_key": public }));
        reset.signature = Some(sign(&key, "d1", &reset));
        assert_eq!(self_registration(&reset, "d1"), None);
    }

    #[test]
    fn an_op_waits_unsigned_or_while_its_authors_key_awaits_its_proof() {
        let key = SigningKey::from_bytes(&[9; 32]);
        let mut other = op("u1", "s1", json!({ "full_name": "Asha" }));
        other.entity = "students".into();
        let none = HashMap::new();
        assert_eq!(held(&other, &none), Some(Held::Unsigned));
        other.signature = Some(sign(&key, "d1", &other));
        assert_eq!(held(&other, &none), None);
        let awaiting: HashMap<_, _> = [("u1".to_string(), public_hex(&key))].into();
        assert_eq!(held(&other, &awaiting), Some(Held::Unproven));
        let mut nobody = other.clone();
        nobody.author_user_id = None;
        nobody.signature = None;
        assert_eq!(held(&nobody, &awaiting), None, "an op without an author is the server's to judge");
    }
}
