//! Who made a change is proven, not claimed (docs/trust.md), through the
//! real server over HTTPS: a reset code issued on one desk is redeemed on
//! another and its new key signs from then on; whoever holds a desk's
//! token and database cannot change the director's password; a key
//! replaced by a password change signs nothing more, whatever clock it
//! claims.

mod support;

use branchdesk_api::canonical::signing::{self, SigningKey};
use branchdesk_api::commands::session::{ChangePassword, Login, RedeemResetCode};
use branchdesk_api::commands::students::{ListStudents, SaveStudent};
use branchdesk_api::commands::users::{CreateUser, InviteUser, IssueResetCode, NewGrant};
use branchdesk_api::ids::{BranchId, UserId};
use branchdesk_api::sync::Op;
use branchdesk_desk::password::{self, Checked};
use branchdesk_desk::{keys, Clock, Desk};
use support::{quiesce, Node, EMAIL, PASSWORD};

const RAVI: &str = "ravi@example.com";

/// Ravi Kumar, back office in `branch`, made by the director on `office`.
fn ravi(office: &Node, branch: BranchId) -> UserId {
    let director = office.actor();
    let role = office
        .desk
        .list_roles(director, Default::default())
        .unwrap()
        .into_iter()
        .find(|r| r.name == "BACKOFFICE")
        .unwrap()
        .id;
    office
        .desk
        .create_user(
            director,
            CreateUser {
                full_name: "Ravi Kumar".into(),
                email: RAVI.into(),
                phone: String::new(),
                password: "Teak-Window-57".into(),
                grants: vec![NewGrant { role_id: role, branch_id: Some(branch), expires_on: None }],
            },
        )
        .unwrap()
        .id
}

fn signs_in(desk: &Desk, email: &str, password: &str) -> bool {
    desk.login(Login { email: email.into(), password: password.into() }).is_ok()
}

fn refused(desk: &Desk) -> Vec<String> {
    desk.refused_changes()
        .unwrap()
        .into_iter()
        .map(|r| format!("{} {}: {}", r.entity, r.kind, r.reason))
        .collect()
}

#[test]
fn a_reset_code_from_one_desk_is_redeemed_on_another_once_and_its_new_key_signs() {
    let rt = support::runtime();
    let (_server, client, nodes, branch) = support::network(&rt, &[0, 30]);
    let (office, hall) = (&nodes[0], &nodes[1]);
    let ravi = ravi(office, branch);
    quiesce(&rt, &client, &nodes);
    // The server judges a code's expiry by its own clock: the desks' are
    // brought to today.
    for n in &nodes {
        n.clock.advance(chrono::Utc::now() - n.clock.now());
    }
    let code = office.desk.issue_reset_code(office.actor(), IssueResetCode { id: ravi }).unwrap().code;
    assert_eq!(code.len(), 19, "80 bits as XXXX-XXXX-XXXX-XXXX: {code}");
    quiesce(&rt, &client, &nodes);
    let redeem = |desk: &Desk, code: &str| {
        desk.redeem_reset_code(RedeemResetCode {
            email: RAVI.into(),
            code: code.into(),
            new_password: "Copper-Lantern-38".into(),
        })
    };
    let wrong = redeem(&hall.desk, "ABCD-EFGH-JKLM-NPQR").unwrap_err();
    assert!(format!("{wrong:?}").contains("code"), "{wrong:?}");
    redeem(&hall.desk, &code.to_lowercase()).expect("the code works on another desk of the organisation");
    quiesce(&rt, &client, &nodes);
    assert_eq!(refused(&hall.desk), Vec::<String>::new(), "the server took the new key");
    assert!(redeem(&office.desk, &code).is_err(), "a code signs once");
    assert!(signs_in(&office.desk, RAVI, "Copper-Lantern-38"), "the new password reached the office");
    assert!(!signs_in(&office.desk, RAVI, "Teak-Window-57"));
    // Ravi works on the hall desk with the new key: the server takes it.
    let (t, _) = hall.desk.login(Login { email: RAVI.into(), password: "Copper-Lantern-38".into() }).unwrap();
    let actor = hall.desk.actor(&t).unwrap();
    let input = SaveStudent {
        branch_id: branch,
        full_name: "Asha Rao".into(),
        date_of_birth: "2000-01-01".into(),
        ..Default::default()
    };
    hall.desk.save_student(&actor, input).unwrap();
    quiesce(&rt, &client, &nodes);
    assert_eq!(refused(&hall.desk), Vec::<String>::new());
    let office_students = office
        .desk
        .list_students(office.actor(), ListStudents { branch_id: branch, include_archived: false })
        .unwrap();
    assert!(office_students.iter().any(|s| s.full_name == "Asha Rao"), "{office_students:?}");
}

#[test]
fn an_invitation_from_one_desk_registers_the_new_persons_own_key_on_another() {
    let rt = support::runtime();
    let (_server, client, nodes, branch) = support::network(&rt, &[0, 30]);
    let (office, hall) = (&nodes[0], &nodes[1]);
    for n in &nodes {
        n.clock.advance(chrono::Utc::now() - n.clock.now());
    }
    let role = office
        .desk
        .list_roles(office.actor(), Default::default())
        .unwrap()
        .into_iter()
        .find(|r| r.name == "TEACHER")
        .unwrap()
        .id;
    let invitation = office
        .desk
        .invite_user(
            office.actor(),
            InviteUser {
                full_name: "Ravi Kumar".into(),
                email: RAVI.into(),
                phone: String::new(),
                grants: vec![NewGrant { role_id: role, branch_id: Some(branch), expires_on: None }],
            },
        )
        .unwrap();
    quiesce(&rt, &client, &nodes);
    assert_eq!(refused(&office.desk), Vec::<String>::new(), "the server took the invitation");
    hall.desk
        .redeem_reset_code(RedeemResetCode {
            email: RAVI.into(),
            code: invitation.code.code.clone(),
            new_password: "Copper-Lantern-38".into(),
        })
        .expect("the invitation works on another desk of the organisation");
    quiesce(&rt, &client, &nodes);
    assert_eq!(refused(&hall.desk), Vec::<String>::new(), "the server took his own key");
    assert!(signs_in(&office.desk, RAVI, "Copper-Lantern-38"), "his password reached the office");
    // What he signs with his own key is taken: a change of his password.
    let (t, _) = hall.desk.login(Login { email: RAVI.into(), password: "Copper-Lantern-38".into() }).unwrap();
    hall.desk
        .change_password(
            &t,
            ChangePassword {
                current_password: "Copper-Lantern-38".into(),
                new_password: "Marigold-Ferry-64".into(),
            },
        )
        .unwrap();
    quiesce(&rt, &client, &nodes);
    assert_eq!(refused(&hall.desk), Vec::<String>::new());
    assert!(signs_in(&office.desk, RAVI, "Marigold-Ferry-64"), "signed by his own key, taken by the server");
}

/// A change of an account written straight into a desk's outbox, as
/// whoever holds the desk's file and token could: authored as `author`,
/// stamped `at` by the desk's clock, signed by `key`.
fn forge(
    desk: &Desk,
    author: UserId,
    columns: serde_json::Value,
    at: chrono::DateTime<chrono::Utc>,
    key: &SigningKey,
) {
    let conn =
        branchdesk_desk::db::open_connection(desk.data_dir(), branchdesk_desk::KeyStore::File).unwrap();
    let seq: i64 = conn.query_row("SELECT coalesce(max(seq), 0) + 1 FROM outbox", [], |r| r.get(0)).unwrap();
    let mut op = Op {
        seq: seq as u64,
        op_id: uuid::Uuid::now_v7().to_string(),
        author_user_id: Some(author.to_string()),
        scope: "org".into(),
        entity: "users".into(),
        entity_id: author.to_string(),
        kind: "update".into(),
        columns: columns.as_object().unwrap().clone(),
        hlc: format!("{:012x}0000-{}", at.timestamp_millis(), desk.device_id()),
        schema_version: branchdesk_api::sync::DESK_SCHEMA_VERSION,
        signature: None,
    };
    op.signature = Some(signing::sign(key, desk.device_id(), &op));
    conn.execute(
        "INSERT INTO outbox (seq, op_id, device_id, author_user_id, scope, entity, entity_id, kind, columns,
                             hlc, schema_version, created_at, signature)
         VALUES (?1, ?2, ?3, ?4, 'org', 'users', ?4, 'update', ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![
            seq,
            op.op_id,
            desk.device_id(),
            author.to_string(),
            serde_json::Value::Object(op.columns.clone()).to_string(),
            op.hlc,
            op.schema_version,
            at.to_rfc3339(),
            op.signature
        ],
    )
    .unwrap();
}

#[test]
fn a_desks_token_and_file_do_not_let_anyone_change_the_directors_password() {
    let rt = support::runtime();
    let (_server, client, nodes, _branch) = support::network(&rt, &[0, 30]);
    quiesce(&rt, &client, &nodes);
    let director = nodes[0].actor().user_id;
    // The intruder's own password and key, claimed as the director's.
    let own = branchdesk_desk::keys::credentials(nodes[0].actor().user_id, "Intruder-Pass-99").unwrap();
    let columns = serde_json::json!({
        "password_hash": own.password_hash,
        "public_key": own.public_key,
        "sealed_key": own.sealed_key,
    });
    forge(&nodes[1].desk, director, columns, nodes[1].clock.now(), &own.signing);
    quiesce(&rt, &client, &nodes);
    let why = refused(&nodes[1].desk);
    assert_eq!(why.len(), 1, "{why:?}");
    assert!(why[0].contains("signature does not match"), "{why:?}");
    assert!(!signs_in(&nodes[0].desk, EMAIL, "Intruder-Pass-99"), "the office keeps the director's password");
    assert!(signs_in(&nodes[0].desk, EMAIL, PASSWORD));
}

#[test]
fn a_key_replaced_by_a_password_change_signs_nothing_more_whatever_clock_it_claims() {
    let rt = support::runtime();
    let (_server, client, nodes, _branch) = support::network(&rt, &[0, 30]);
    quiesce(&rt, &client, &nodes);
    let director = nodes[0].actor().user_id;
    // Someone who knows the old password keeps a copy of the account as it
    // was: the old key opens from it.
    let (old_hash, old_sealed) = {
        let conn =
            branchdesk_desk::db::open_connection(nodes[1].desk.data_dir(), branchdesk_desk::KeyStore::File)
                .unwrap();
        conn.query_row(
            "SELECT password_hash, sealed_key FROM users WHERE id = ?1",
            [director.to_string()],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .unwrap()
    };
    let Checked::Right(seal) = password::check(PASSWORD, &old_hash) else { panic!("the old password") };
    let old = keys::unseal(&seal, director, &old_sealed).expect("the old key");
    let (t, _) = nodes[0].desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
    let change =
        ChangePassword { current_password: PASSWORD.into(), new_password: "Harbour-Quill-72".into() };
    nodes[0].desk.change_password(&t, change).unwrap();
    rt.block_on(client.sync(&nodes[0].desk)).unwrap();
    // The old key signs a change of the director's own name from the hall
    // desk, its clock an hour before the password changed.
    let backdated = nodes[0].clock.now() - chrono::Duration::hours(1);
    forge(&nodes[1].desk, director, serde_json::json!({ "full_name": "Someone Else" }), backdated, &old);
    quiesce(&rt, &client, &nodes);
    let why = refused(&nodes[1].desk);
    assert!(why.iter().any(|w| w.contains("key since replaced")), "{why:?}");
    for n in &nodes {
        let (t, me) =
            n.desk.login(Login { email: EMAIL.into(), password: "Harbour-Quill-72".into() }).unwrap();
        assert_eq!(me.user.full_name, "Meera Iyer");
        n.desk.logout(&t).unwrap();
    }
}

/// An argon2 hash as desks wrote them before signing (PHC string).
fn old_hash(password: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(b"an old desk salt").unwrap();
    argon2::Argon2::default().hash_password(password.as_bytes(), &salt).unwrap().to_string()
}

/// Makes `user`'s account one from before signing in a database: `hash`,
/// no key. `guarded` databases (a desk's) need their write permit.
fn make_old(conn: rusqlite::Connection, user: UserId, hash: &str, guarded: bool) {
    if guarded {
        conn.create_scalar_function("branchdesk_write_permitted", 0, Default::default(), |_| Ok(true))
            .unwrap();
        let n = conn
            .execute(
                "UPDATE users SET password_hash = ?2, public_key = NULL, sealed_key = NULL WHERE id = ?1",
                (user.to_string(), hash),
            )
            .unwrap();
        assert_eq!(n, 1);
    } else {
        let n = conn
            .execute(
                "UPDATE entity_rows SET data = json_remove(json_set(data, '$.password_hash', ?2), '$.public_key', '$.sealed_key')
                 WHERE entity = 'users' AND entity_id = ?1",
                (user.to_string(), hash),
            )
            .unwrap();
        assert_eq!(n, 1);
    }
}

#[test]
fn an_account_from_before_signing_proves_its_password_once_before_its_key_counts() {
    let rt = support::runtime();
    let (server, client, nodes, branch) = support::network(&rt, &[0, 30]);
    let (office, hall) = (&nodes[0], &nodes[1]);
    let ravi = ravi(office, branch);
    quiesce(&rt, &client, &nodes);
    // Ravi's account as an older desk made it, on the server and on the
    // hall desk — but the server knows an older password.
    let server_db = server.path().join("s.sqlite");
    make_old(rusqlite::Connection::open(&server_db).unwrap(), ravi, &old_hash("Older-Pass-11"), false);
    make_old(
        branchdesk_desk::db::open_connection(hall.desk.data_dir(), branchdesk_desk::KeyStore::File).unwrap(),
        ravi,
        &old_hash("Teak-Window-57"),
        true,
    );

    // He signs in on the hall desk: it makes his key and registers it, and
    // everything he does waits until the server has taken his proof.
    let (t, _) = hall.desk.login(Login { email: RAVI.into(), password: "Teak-Window-57".into() }).unwrap();
    let actor = hall.desk.actor(&t).unwrap();
    let student = SaveStudent {
        branch_id: branch,
        full_name: "Kavya Menon".into(),
        date_of_birth: "2001-02-03".into(),
        ..Default::default()
    };
    hall.desk.save_student(&actor, student).unwrap();
    let waiting = hall.desk.sync_state().unwrap().held_for.unwrap_or_default();
    assert!(waiting.contains("Ravi Kumar"), "{waiting}");
    assert!(hall.desk.pending_ops(100).unwrap().iter().all(|o| o.author_user_id != Some(ravi.to_string())));
    rt.block_on(client.sync(&hall.desk)).unwrap();
    let refused_proof = hall.desk.sync_state().unwrap().held_for.unwrap_or_default();
    assert!(refused_proof.contains("another password"), "the server knows another one: {refused_proof}");
    assert!(refused(&hall.desk).is_empty(), "nothing was sent to be refused");

    // With the password the server knows (the older desk's change synced),
    // his next sign-in proves it and his changes go.
    make_old(rusqlite::Connection::open(&server_db).unwrap(), ravi, &old_hash("Teak-Window-57"), false);
    hall.desk.logout(&t).unwrap();
    hall.desk.login(Login { email: RAVI.into(), password: "Teak-Window-57".into() }).unwrap();
    quiesce(&rt, &client, &nodes);
    assert_eq!(hall.desk.sync_state().unwrap().held_for, None);
    assert!(refused(&hall.desk).is_empty(), "{:?}", refused(&hall.desk));
    let seen = office
        .desk
        .list_students(office.actor(), ListStudents { branch_id: branch, include_archived: false })
        .unwrap();
    assert!(seen.iter().any(|s| s.full_name == "Kavya Menon"), "Ravi's change reached the office");
    // His new key is on record: the office's copy opens with his password.
    assert!(signs_in(&office.desk, RAVI, "Teak-Window-57"));
}

/// The lockout trade-off (docs/trust.md): a lock is the desk's own. Five
/// wrong guesses at the hall desk lock the director's sign-in there for 15
/// minutes, and the lock does not travel: the office desk lets her in, so
/// a guesser cannot lock her out of every desk at once.
#[test]
fn a_lock_is_the_desks_own_and_ends_after_fifteen_minutes() {
    let rt = support::runtime();
    let (_server, client, nodes, _branch) = support::network(&rt, &[0, 30]);
    let (office, hall) = (&nodes[0], &nodes[1]);
    quiesce(&rt, &client, &nodes);
    for _ in 0..5 {
        assert!(!signs_in(&hall.desk, EMAIL, "Wrong-Guess-2026"));
    }
    let e = branchdesk_api::ApiError::from(
        hall.desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap_err(),
    );
    assert_eq!(e.code, branchdesk_api::ErrorCode::AccountLocked, "{e:?}");
    quiesce(&rt, &client, &nodes);
    assert!(!signs_in(&hall.desk, EMAIL, PASSWORD), "a sync leaves the hall's lock as it was");
    assert!(signs_in(&office.desk, EMAIL, PASSWORD), "the office desk is not locked");
    hall.clock.advance(chrono::Duration::minutes(16));
    assert!(signs_in(&hall.desk, EMAIL, PASSWORD), "the lock ends by itself");
}
