//! An organisation made before signing moves over (docs/trust.md): while
//! some active account has no key on record, such accounts act on the
//! desk's word and register their key with their first signed change; an
//! account with a key must sign from its first key on; once every active
//! account has one, nothing unsigned gets through.

use branchdesk_api::canonical::signing::{public_hex, sign, SigningKey};
use branchdesk_api::sync::{Op, PushResponse, DESK_SCHEMA_VERSION};
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
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

    async fn push(&self, ops: Vec<Op>) -> PushResponse {
        self.store.push(DEVICE.into(), ops).await.unwrap()
    }

    /// Pushes one op; its refusal, if refused.
    async fn one(&self, op: Op) -> Option<String> {
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
        let grant = uuid::Uuid::now_v7().to_string();
        upload.push(d.op(
            MEERA,
            "role_grants",
            &grant,
            "insert",
            json!({ "user_id": id, "role_id": ROLE, "created_at": NOW }),
        ));
    }
    assert_eq!(d.push(upload).await.rejected, vec![]);

    // Moving over: an account without a key acts on the desk's word.
    let room = d.room(RAVI, None);
    assert_eq!(d.one(room).await, None);
    // Meera signs in on an updated desk: her key registers itself; from
    // then on her changes must carry her signature.
    let meera = SigningKey::from_bytes(&[1; 32]);
    let register = d.register(MEERA, &meera);
    assert_eq!(d.one(register).await, None);
    let unsigned = d.room(MEERA, None);
    assert!(d.one(unsigned).await.is_some_and(|r| r.contains("not signed")));
    let forged = d.room(MEERA, Some(&SigningKey::from_bytes(&[9; 32])));
    assert!(d.one(forged).await.is_some_and(|r| r.contains("does not match")));
    let signed = d.room(MEERA, Some(&meera));
    assert_eq!(d.one(signed).await, None);
    let still = d.room(RAVI, None);
    assert_eq!(d.one(still).await, None, "Ravi has not signed in since the update yet");

    // Ravi signs in: every active account has a key (a deactivated one
    // does not count) and nothing unsigned gets through any more.
    let ravi = SigningKey::from_bytes(&[2; 32]);
    let register = d.register(RAVI, &ravi);
    assert_eq!(d.one(register).await, None);
    let unsigned = d.room(RAVI, None);
    assert!(d.one(unsigned).await.is_some_and(|r| r.contains("not signed")));
    let mut older = d.room(RAVI, None);
    older.schema_version = DESK_SCHEMA_VERSION - 1;
    assert!(d.one(older).await.is_some_and(|r| r.contains("not signed")), "an older schema is no excuse");
    let keyless = d.room(GONE, None);
    assert!(d.one(keyless).await.is_some_and(|r| r.contains("no signing key")));
    let signed = d.room(RAVI, Some(&ravi));
    assert_eq!(d.one(signed).await, None);
    // Moved over, a row's parents must be on record.
    let mut orphan = d.room(RAVI, None);
    orphan.columns.insert("branch_id".into(), json!("0193a0c0-0000-7000-8000-0000000000bf"));
    orphan.signature = Some(sign(&ravi, DEVICE, &orphan));
    assert!(d.one(orphan).await.is_some_and(|r| r.contains("rooms.branch_id")));
}
