//! An organisation made before signing moves over (docs/trust.md): an
//! older desk's unsigned changes are refused with their whole push (the
//! desk keeps them); an account without a key on record registers the key
//! its desk made only once its owner has proved their password to the
//! server, signed by that key; from its first key on it must sign.

use branchdesk_api::canonical::signing::{public_hex, sign, SigningKey};
use branchdesk_api::sync::{Op, PushResponse, DESK_SCHEMA_VERSION};
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::{Store, StoreError};
use serde_json::{json, Value};

const DEVICE: &str = "0193a0c0-0000-7000-8000-0000000000d1";
const ORG: &str = "0193a0c0-0000-7000-8000-0000000000c1";
const ROLE: &str = "0193a0c0-0000-7000-8000-0000000000c2";
const MEERA: &str = "0193a0c0-0000-7000-8000-0000000000a1";
const RAVI: &str = "0193a0c0-0000-7000-8000-0000000000a2";
const GONE: &str = "0193a0c0-0000-7000-8000-0000000000a3";
const BRANCH: &str = "0193a0c0-0000-7000-8000-0000000000b1";
const NOW: &str = "2026-06-01T09:00:00Z";

struct Desk {
    store: SqliteStore,
    seq: u64,
    _dir: tempfile::TempDir,
}

impl Desk {
    fn op(&mut self, author: &str, entity: &str, id: &str, kind: &str, columns: Value) -> Op {
        self.seq += 1;
        let scope = if entity == "rooms" { format!("branch:{BRANCH}") } else { "org".into() };
        Op {
            seq: self.seq,
            op_id: uuid::Uuid::now_v7().to_string(),
            author_user_id: Some(author.into()),
            scope,
            entity: entity.into(),
            entity_id: id.into(),
            kind: kind.into(),
            columns: columns.as_object().cloned().unwrap_or_default(),
            hlc: format!("{:012x}0000-{DEVICE}", 0x0193_a0c0_0000u64 + self.seq),
            schema_version: DESK_SCHEMA_VERSION,
            signature: None,
        }
    }

    async fn push(&mut self, ops: Vec<Op>) -> PushResponse {
        self.try_push(ops).await.unwrap()
    }

    /// A push refused whole leaves its seqs unused: the next op takes them.
    async fn try_push(&mut self, ops: Vec<Op>) -> Result<PushResponse, StoreError> {
        let n = ops.len() as u64;
        let res = self.store.push(DEVICE.into(), ops).await;
        if res.is_err() {
            self.seq -= n;
        }
        res
    }

    /// Pushes one op; its refusal, if refused.
    async fn one(&mut self, op: Op) -> Option<String> {
        self.push(vec![op]).await.rejected.pop().map(|r| r.reason)
    }

    /// A room added by `author`, signed by `key` when given.
    fn room(&mut self, author: &str, key: Option<&SigningKey>) -> Op {
        let id = uuid::Uuid::now_v7().to_string();
        let mut op = self.op(
            author,
            "rooms",
            &id,
            "insert",
            json!({ "branch_id": BRANCH, "name": format!("Room {}", self.seq + 1), "capacity": 20,
                    "created_at": NOW, "updated_at": NOW }),
        );
        op.signature = key.map(|k| sign(k, DEVICE, &op));
        op
    }

    /// A grant of the director's role to `who`, by Meera (signed by `key`).
    fn grant(&mut self, who: &str, key: Option<&SigningKey>) -> Op {
        let id = uuid::Uuid::now_v7().to_string();
        let mut op = self.op(
            MEERA,
            "role_grants",
            &id,
            "insert",
            json!({ "user_id": who, "role_id": ROLE, "created_at": NOW }),
        );
        op.signature = key.map(|k| sign(k, DEVICE, &op));
        op
    }

    /// `who` registers `key` as their own, signed by it.
    fn register(&mut self, who: &str, key: &SigningKey) -> Op {
        let mut op = self.op(who, "users", who, "update", json!({ "public_key": public_hex(key) }));
        op.signature = Some(sign(key, DEVICE, &op));
        op
    }
}

fn user(id: &str, name: &str, active: bool) -> Value {
    json!({ "org_id": ORG, "full_name": name, "email": format!("{name}@example.com"),
            "password_hash": "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", "active": active,
            "created_at": NOW, "updated_at": NOW, "id": id })
}

#[tokio::test]
async fn an_organisation_from_before_signing_moves_over_as_its_people_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    let mut d = Desk { store, seq: 0, _dir: dir };
    // The organisation as an older desk uploaded it: nobody has a key.
    let mut upload = vec![
        d.op(
            MEERA,
            "organisations",
            ORG,
            "insert",
            json!({ "name": "Kiran", "currency": "INR",
            "fy_start_month": 4, "created_at": NOW, "updated_at": NOW }),
        ),
        d.op(
            MEERA,
            "branches",
            BRANCH,
            "insert",
            json!({ "org_id": ORG, "code": "K2", "name": "Koramangala", "created_at": NOW, "updated_at": NOW }),
        ),
        d.op(
            MEERA,
            "roles",
            ROLE,
            "insert",
            json!({ "org_id": ORG, "name": "DIRECTOR",
            "permissions": ["manage:organisation", "manage:room", "manage:user"],
            "created_at": NOW, "updated_at": NOW }),
        ),
    ];
    for (id, name, active) in [(MEERA, "meera", true), (RAVI, "ravi", true), (GONE, "gone", false)] {
        upload.push(d.op(MEERA, "users", id, "insert", user(id, name, active)));
    }
    // The first grant ends the first upload's exception.
    upload.push(d.grant(MEERA, None));
    assert_eq!(d.push(upload).await.rejected, vec![]);

    // An older desk's unsigned change is refused with its whole push:
    // nothing is stored, and that desk keeps it until it is updated.
    let room = d.room(RAVI, None);
    assert!(matches!(d.try_push(vec![room]).await, Err(StoreError::Unsigned { .. })));

    // Meera signs in on an updated desk, which makes her key: it registers
    // only once she has proved her password to the server.
    let meera = SigningKey::from_bytes(&[1; 32]);
    let register = d.register(MEERA, &meera);
    assert!(d.one(register).await.is_some_and(|r| r.contains("no signing key")), "not proven yet");
    d.store.record_proof(MEERA.into(), public_hex(&meera), DEVICE.into()).await.unwrap();
    let register = d.register(MEERA, &meera);
    assert_eq!(d.one(register).await, None);
    let unsigned = d.room(MEERA, None);
    assert!(matches!(d.try_push(vec![unsigned]).await, Err(StoreError::Unsigned { .. })));
    for who in [RAVI, GONE] {
        let grant = d.grant(who, Some(&meera));
        assert_eq!(d.one(grant).await, None);
    }
    let forged = d.room(MEERA, Some(&SigningKey::from_bytes(&[9; 32])));
    assert!(d.one(forged).await.is_some_and(|r| r.contains("does not match")));
    let signed = d.room(MEERA, Some(&meera));
    assert_eq!(d.one(signed).await, None);

    // Ravi has not proved his password: a key his desk made acts for
    // nothing, not even registering itself.
    let ravi = SigningKey::from_bytes(&[2; 32]);
    let early = d.room(RAVI, Some(&ravi));
    assert!(d.one(early).await.is_some_and(|r| r.contains("no signing key")));
    let register = d.register(RAVI, &ravi);
    assert!(d.one(register).await.is_some_and(|r| r.contains("no signing key")));
    // A proof for Meera's account does not make Ravi's key.
    let mut borrowed = d.register(RAVI, &meera);
    borrowed.signature = Some(sign(&meera, DEVICE, &borrowed));
    assert!(d.one(borrowed).await.is_some_and(|r| r.contains("no signing key")));
    d.store.record_proof(RAVI.into(), public_hex(&ravi), DEVICE.into()).await.unwrap();
    let register = d.register(RAVI, &ravi);
    assert_eq!(d.one(register).await, None);
    let mut older = d.room(RAVI, None);
    older.schema_version = DESK_SCHEMA_VERSION - 1;
    assert!(
        matches!(d.try_push(vec![older]).await, Err(StoreError::Unsigned { .. })),
        "an older schema is no excuse"
    );
    let keyless = d.room(GONE, Some(&SigningKey::from_bytes(&[3; 32])));
    assert!(d.one(keyless).await.is_some_and(|r| r.contains("no signing key")));
    let signed = d.room(RAVI, Some(&ravi));
    assert_eq!(d.one(signed).await, None);
    // Every active account has a key: a row's parents must be on record.
    let mut orphan = d.room(RAVI, None);
    orphan.columns.insert("branch_id".into(), json!("0193a0c0-0000-7000-8000-0000000000bf"));
    orphan.signature = Some(sign(&ravi, DEVICE, &orphan));
    assert!(d.one(orphan).await.is_some_and(|r| r.contains("rooms.branch_id")));
}
