//! The local store: schema, guard triggers, the write path's audit and
//! outbox rows, and all-or-nothing actions.

mod common;

use branchdesk_api::commands::org::{ListRooms, SaveRoom};
use branchdesk_api::commands::session::ChangePassword;
use branchdesk_api::ErrorCode;
use branchdesk_desk::db::guard::{LOCAL_TABLES, SYNCED_TABLES};
use common::*;

#[test]
fn every_table_is_classified_and_every_synced_table_is_guarded() {
    let f = fixture();
    let conn = f.conn();
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap();
    let tables: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    for t in &tables {
        assert!(
            SYNCED_TABLES.contains(&t.as_str()) || LOCAL_TABLES.contains(&t.as_str()),
            "table {t} is neither synced nor local: list it in db/guard.rs"
        );
    }
    for t in SYNCED_TABLES {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1 AND name LIKE 'guard_%'",
                [t],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 3, "{t} lacks its insert/update/delete guards");
    }
}

#[test]
fn ops_carry_the_schema_version_the_server_expects() {
    assert_eq!(branchdesk_desk::db::schema_version(), branchdesk_api::sync::DESK_SCHEMA_VERSION);
}

#[test]
fn the_database_file_is_in_wal_mode() {
    let f = fixture();
    let conn = f.conn();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn writing_a_synced_table_around_the_write_path_is_refused() {
    let f = fixture();
    let conn = f.conn();
    // Another connection (a script, a tool) cannot even call the permit function.
    let err = conn.execute("UPDATE users SET full_name = 'x'", []).unwrap_err();
    assert!(err.to_string().contains("branchdesk_write_permitted"), "{err}");
    // And with a permit function that says no, the guard's message shows.
    conn.create_scalar_function(
        "branchdesk_write_permitted",
        0,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8,
        |_| Ok(false),
    )
    .unwrap();
    let err = conn.execute("DELETE FROM role_grants", []).unwrap_err();
    assert!(err.to_string().contains("only be changed through the Branchdesk write path"), "{err}");
    assert_eq!(f.count("SELECT count(*) FROM users WHERE full_name = 'x'"), 0);
}

#[test]
fn each_action_commits_domain_audit_and_outbox_rows_together() {
    let f = fixture();
    let before_ops = f.count("SELECT count(*) FROM outbox");
    let before_audit = f.count("SELECT count(*) FROM audit_log");
    let room = f
        .desk
        .save_room(
            &f.director,
            SaveRoom { id: None, branch_id: f.branch, name: "Room A".into(), capacity: 30 },
        )
        .unwrap();
    assert_eq!(f.count("SELECT count(*) FROM outbox") - before_ops, 1);
    assert_eq!(f.count("SELECT count(*) FROM audit_log") - before_audit, 1);
    let conn = f.conn();
    let (entity, entity_id, kind, scope, author, columns, schema): (String, String, String, String, String, String, i64) = conn
        .query_row(
            "SELECT entity, entity_id, kind, scope, author_user_id, columns, schema_version FROM outbox ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .unwrap();
    assert_eq!((entity.as_str(), kind.as_str()), ("rooms", "insert"));
    assert_eq!(entity_id, room.id.to_string());
    assert_eq!(scope, format!("branch:{}", f.branch));
    assert_eq!(author, f.director.user_id.to_string());
    assert!(columns.contains("\"Room A\""));
    assert_eq!(schema, branchdesk_desk::db::schema_version() as i64);

    // An update sends only the changed columns.
    f.desk
        .save_room(
            &f.director,
            SaveRoom { id: Some(room.id), branch_id: f.branch, name: "Room A".into(), capacity: 40 },
        )
        .unwrap();
    let columns: String =
        conn.query_row("SELECT columns FROM outbox ORDER BY seq DESC LIMIT 1", [], |r| r.get(0)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&columns).unwrap();
    assert_eq!(v["capacity"], 40);
    assert!(v.get("name").is_none(), "unchanged column shipped: {columns}");
}

#[test]
fn a_failed_action_leaves_no_row_no_audit_and_no_outbox_op() {
    let f = fixture();
    f.desk
        .save_room(&f.director, SaveRoom { id: None, branch_id: f.branch, name: "Lab".into(), capacity: 20 })
        .unwrap();
    let counts = || {
        (
            f.count("SELECT count(*) FROM rooms"),
            f.count("SELECT count(*) FROM audit_log"),
            f.count("SELECT count(*) FROM outbox"),
            f.count("SELECT coalesce(max(seq), 0) FROM outbox"),
        )
    };
    let before = counts();
    // Fails inside the transaction, at the UNIQUE (branch, name) constraint.
    let err: branchdesk_api::ApiError = f
        .desk
        .save_room(&f.director, SaveRoom { id: None, branch_id: f.branch, name: "LAB".into(), capacity: 20 })
        .unwrap_err()
        .into();
    assert_eq!(err.code, ErrorCode::Duplicate);
    assert!(err.is_for("name"));
    assert_eq!(counts(), before);
}

/// A fault underneath (here another program dropped a table the action
/// writes) answers `internal` with a fixed sentence and an error id; the
/// SQLite message goes only to the log.
#[test]
fn a_database_fault_answers_an_error_id_and_no_sql() {
    let f = fixture();
    f.conn().execute_batch("DROP TABLE rooms").unwrap();
    let err: branchdesk_api::ApiError = f
        .desk
        .save_room(&f.director, SaveRoom { id: None, branch_id: f.branch, name: "Lab".into(), capacity: 20 })
        .unwrap_err()
        .into();
    assert_eq!(err.code, ErrorCode::Internal, "{err:?}");
    let id = err.error_id().expect("the message names an error id");
    assert!(id.len() == 8 && id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    assert_eq!(err, branchdesk_api::ApiError::fault(id), "the fixed sentence, nothing else");
    for detail in ["rooms", "table", "SQL", "database"] {
        assert!(!err.message.contains(detail), "{detail} shown to the clerk: {}", err.message);
    }
    // Each fault gets an id of its own.
    let again: branchdesk_api::ApiError = f
        .desk
        .list_rooms(&f.director, ListRooms { branch_id: f.branch, include_inactive: true })
        .unwrap_err()
        .into();
    assert_ne!(again.error_id(), Some(id));
}

#[test]
fn outbox_seq_is_gap_free_across_failures_and_hlc_grows() {
    let f = fixture();
    for i in 0..5 {
        f.desk
            .save_room(
                &f.director,
                SaveRoom { id: None, branch_id: f.branch, name: format!("R{i}"), capacity: 10 },
            )
            .unwrap();
        let _ = f.desk.save_room(
            &f.director,
            SaveRoom { id: None, branch_id: f.branch, name: format!("r{i}"), capacity: 10 },
        );
    }
    let conn = f.conn();
    let mut stmt = conn.prepare("SELECT seq, hlc FROM outbox ORDER BY seq").unwrap();
    let rows: Vec<(i64, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    for (i, (seq, _)) in rows.iter().enumerate() {
        assert_eq!(*seq, i as i64 + 1, "gap in outbox seq");
    }
    for pair in rows.windows(2) {
        assert!(pair[1].1 > pair[0].1, "HLC went backwards: {:?}", pair);
    }
}

#[test]
fn audit_rows_never_hold_password_hashes() {
    let f = fixture();
    f.desk
        .change_password(
            &f.token,
            ChangePassword {
                current_password: DIRECTOR_PASSWORD.into(),
                new_password: "Monsoon-Drum-64".into(),
            },
        )
        .unwrap();
    assert_eq!(
        f.count(
            "SELECT count(*) FROM audit_log WHERE new_values LIKE '%$bdk1$%' OR old_values LIKE '%$bdk1$%'"
        ),
        0
    );
    // The sealed private key is redacted too (it opens with the password).
    let sealed = |which: &str| {
        f.count(&format!(
            "SELECT count(*) FROM audit_log WHERE json_extract({which}, '$.sealed_key') IS NOT NULL
                AND json_extract({which}, '$.sealed_key') <> '[redacted]'"
        ))
    };
    assert_eq!((sealed("new_values"), sealed("old_values")), (0, 0));
    assert!(
        f.count(
            "SELECT count(*) FROM audit_log WHERE json_extract(new_values, '$.sealed_key') = '[redacted]'"
        ) >= 2
    );
    assert!(f.count("SELECT count(*) FROM audit_log WHERE new_values LIKE '%[redacted]%'") >= 2);
    // The outbox still carries the hash and the sealed key: other desks
    // need them to sign the person in offline and open their key.
    assert!(f.count("SELECT count(*) FROM outbox WHERE columns LIKE '%$bdk1$%'") >= 2);
    assert!(f.count("SELECT count(*) FROM outbox WHERE columns LIKE '%sealed_key%'") >= 2);
}

#[test]
fn device_identity_and_sequence_survive_a_restart() {
    let f = fixture();
    let device = f.desk.device_id().to_owned();
    let conn = f.conn();
    let next_seq = |c: &rusqlite::Connection| -> i64 {
        c.query_row("SELECT max(seq) + 1 FROM outbox", [], |r| r.get(0)).unwrap()
    };
    let next = next_seq(&conn);
    drop(f.desk);
    let desk = open(f.dir.path(), f.clock.clone());
    assert_eq!(desk.device_id(), device);
    assert_eq!(next_seq(&conn), next);
}

#[test]
fn pending_ops_are_the_unacknowledged_outbox_in_seq_order() {
    let f = fixture();
    for i in 0..3 {
        f.desk
            .save_room(
                &f.director,
                SaveRoom { id: None, branch_id: f.branch, name: format!("P{i}"), capacity: 9 },
            )
            .unwrap();
    }
    let ops = f.desk.pending_ops(1000).unwrap();
    let total = ops.len() as u64;
    assert!(ops.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    assert_eq!(ops[0].seq, 1);
    let last = ops.last().unwrap();
    assert_eq!((last.entity.as_str(), last.columns["name"].as_str()), ("rooms", Some("P2")));
    assert!(last.hlc.ends_with(f.desk.device_id()));

    assert_eq!(f.desk.ack_through(total - 2).unwrap(), total - 2);
    let left = f.desk.pending_ops(1000).unwrap();
    assert_eq!(left.iter().map(|o| o.seq).collect::<Vec<_>>(), vec![total - 1, total]);
    assert_eq!(f.desk.sync_state().unwrap().pending_changes, 2);
    // Acknowledged ops stay: the next action continues the sequence.
    f.desk.ack_through(total).unwrap();
    f.desk
        .save_room(&f.director, SaveRoom { id: None, branch_id: f.branch, name: "P9".into(), capacity: 9 })
        .unwrap();
    assert_eq!(f.desk.pending_ops(10).unwrap()[0].seq, total + 1);
}

/// Positional reads (`r.get(3)`, `cols::uuid(r, 0)`) in the desk's code:
/// each is a column index kept in step with a column list by hand. Every
/// row is read by column name from its row struct (`db::read`; a
/// one-column query through `read::value`), and none may come back.
#[test]
fn positional_reads_only_go_down() {
    fn scan(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                scan(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("db/read.rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    for _ in 0..positional(line) {
                        found.push(format!("{}:{}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    /// `.get(7)`, `.get::<_, String>(7)`, `cols::time(r, 7)` on one line.
    fn positional(line: &str) -> usize {
        let mut count = 0;
        let b = line.as_bytes();
        for (i, _) in line.match_indices(".get") {
            let mut j = i + 4;
            if line[j..].starts_with("::<") {
                match line[j..].find(">(") {
                    Some(k) => j += k + 1,
                    None => continue,
                }
            }
            if b.get(j) == Some(&b'(') {
                let digits = line[j + 1..].bytes().take_while(u8::is_ascii_digit).count();
                if digits > 0 && b.get(j + 1 + digits) == Some(&b')') {
                    count += 1;
                }
            }
        }
        for (i, _) in line.match_indices("cols::") {
            let rest = &line[i..];
            if let Some(open) = rest.find('(') {
                let args = &rest[open + 1..];
                if let Some(close) = args.find(')') {
                    let last = args[..close].rsplit(',').next().unwrap_or("").trim();
                    if !last.is_empty() && last.bytes().all(|c| c.is_ascii_digit()) {
                        count += 1;
                    }
                }
            }
        }
        count
    }
    let mut found = Vec::new();
    scan(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
    println!("{} positional reads in crates/desk/src (none allowed)", found.len());
    assert!(
        found.is_empty(),
        "{} positional reads: read columns by name (db::read). First: {:?}",
        found.len(),
        &found[..found.len().min(5)]
    );
    assert_eq!(positional("r.get(3)? + cols::uuid(r, 0)? + r.get::<_, String>(12)?"), 3);
    assert_eq!(positional("r.get(\"name\")? + map.get(&k) + cols::uuid(r, i)?"), 0);
}

#[test]
fn recorded_money_is_never_changed_by_a_local_write_but_rows_from_the_server_still_arrive() {
    let f = fixture();
    let student = enrolled(&f);
    let receipt = pay(&f, student, "1000").unwrap();
    let conn = f.conn();
    // A tool that fakes the write path's permit still cannot change money.
    conn.create_scalar_function(
        "branchdesk_write_permitted",
        0,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8,
        |_| Ok(true),
    )
    .unwrap();
    conn.create_scalar_function(
        "branchdesk_applying",
        0,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8,
        |_| Ok(false),
    )
    .unwrap();
    for sql in [
        "UPDATE receipts SET amount_minor = 1 WHERE id = ?1",
        "DELETE FROM receipt_allocations WHERE receipt_id = ?1",
        "DELETE FROM receipts WHERE id = ?1",
    ] {
        let e = conn.execute(sql, [receipt.id.to_string()]).unwrap_err();
        assert!(e.to_string().contains("never changed once recorded"), "{sql}: {e}");
    }
    // The same derived row as another desk recorded it (two desks voiding
    // one receipt offline: the server merges the second insert) arrives
    // through the applier; an update of recorded money is set aside.
    let scope = format!("branch:{}", f.branch);
    let mut again = pulled_update(
        "receipts",
        receipt.id,
        &scope,
        serde_json::json!({ "updated_at": "2030-01-01T00:00:00Z" }),
        u64::MAX >> 20,
    );
    again.op.kind = "insert".into();
    apply(&f, again);
    let changed = format!(
        "SELECT count(*) FROM receipts WHERE updated_at = '2030-01-01T00:00:00Z' AND id = '{}'",
        receipt.id
    );
    assert_eq!(f.count(&changed), 1);
    apply(
        &f,
        pulled_update(
            "receipts",
            receipt.id,
            &scope,
            serde_json::json!({ "amount_minor": 1 }),
            u64::MAX >> 19,
        ),
    );
    assert_eq!(f.count("SELECT count(*) FROM receipts WHERE amount_minor = 1"), 0);
    assert_eq!(f.count("SELECT count(*) FROM set_aside_changes WHERE entity = 'receipts'"), 1);
}

#[test]
fn an_unsigned_op_waits_for_its_author_and_is_signed_at_their_next_sign_in() {
    let f = fixture();
    f.desk
        .save_room(&f.director, SaveRoom { id: None, branch_id: f.branch, name: "Lab".into(), capacity: 20 })
        .unwrap();
    let pending = f.desk.pending_ops(100).unwrap();
    assert!(!pending.is_empty() && pending.iter().all(|o| o.signature.is_some()), "signed as written");
    // As if made before this version: the newest op has no signature.
    let conn = f.conn();
    conn.execute("UPDATE outbox SET signature = NULL WHERE seq = (SELECT max(seq) FROM outbox)", []).unwrap();
    let held = f.desk.pending_ops(100).unwrap();
    assert_eq!(held.len(), pending.len() - 1, "the push stops before it");
    let again = branchdesk_api::commands::session::Login {
        email: DIRECTOR_EMAIL.into(),
        password: DIRECTOR_PASSWORD.into(),
    };
    f.desk.login(again).unwrap();
    let signed = f.desk.pending_ops(100).unwrap();
    assert_eq!(signed.len(), pending.len());
    let last = signed.last().unwrap();
    assert_eq!(last.signature, pending.last().unwrap().signature, "the same key signs the same op");
}

#[test]
fn a_signed_change_waiting_to_be_sent_keeps_its_signature_across_sign_ins() {
    use branchdesk_api::commands::session::{ChangePassword, Login};
    let f = fixture();
    let login =
        |password: &str| f.desk.login(Login { email: DIRECTOR_EMAIL.into(), password: password.into() });
    let (t, _) = login(DIRECTOR_PASSWORD).unwrap();
    let change = ChangePassword {
        current_password: DIRECTOR_PASSWORD.into(),
        new_password: "Harbour-Quill-72".into(),
    };
    f.desk.change_password(&t, change).unwrap();
    let before = f.desk.pending_ops(1000).unwrap();
    f.desk.logout(&t).unwrap();
    login("Harbour-Quill-72").unwrap();
    // The change is signed by the key it replaces (the one the server holds);
    // signing it again with the new key would get it refused.
    assert_eq!(f.desk.pending_ops(1000).unwrap(), before);
}
