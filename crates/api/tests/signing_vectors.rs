//! The signing test vectors (`tests/vectors/op_signature.json`): the
//! canonical bytes of an op written with odd key order, escapes and number
//! formats, and its Ed25519 signature by a fixed key. The desk signs and
//! the server checks through these same functions; a change to the bytes
//! breaks every signature already made, so it shows here first.
#![cfg(feature = "signing")]

use branchdesk_api::canonical::{op_bytes, signing};
use branchdesk_api::sync::Op;
use ed25519_dalek::SigningKey;
use serde_json::Value;

fn vector() -> Value {
    serde_json::from_str(include_str!("vectors/op_signature.json")).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn key(v: &Value) -> SigningKey {
    SigningKey::from_bytes(&signing::unhex::<32>(v["seed_hex"].as_str().unwrap()).unwrap())
}

#[test]
fn the_vector_op_has_the_recorded_bytes_and_signature() {
    let v = vector();
    let device = v["device_id"].as_str().unwrap();
    for written in v["op_json_forms"].as_array().unwrap() {
        let op: Op = serde_json::from_str(written.as_str().unwrap()).unwrap();
        assert_eq!(hex(&op_bytes(device, &op)), v["bytes_hex"].as_str().unwrap(), "{written}");
        let key = key(&v);
        assert_eq!(signing::public_hex(&key), v["public_key_hex"].as_str().unwrap());
        assert_eq!(signing::sign(&key, device, &op), v["signature_hex"].as_str().unwrap());
        let signed = Op { signature: Some(v["signature_hex"].as_str().unwrap().to_owned()), ..op };
        assert_eq!(signing::verify(Some(v["public_key_hex"].as_str().unwrap()), device, &signed), Ok(()));
    }
}

#[test]
fn a_changed_op_a_replay_elsewhere_or_another_key_fails() {
    let v = vector();
    let device = v["device_id"].as_str().unwrap();
    let public = v["public_key_hex"].as_str().unwrap();
    let forms = v["op_json_forms"].as_array().unwrap();
    let mut op: Op = serde_json::from_str(forms[0].as_str().unwrap()).unwrap();
    op.signature = Some(v["signature_hex"].as_str().unwrap().to_owned());
    let mut changed = op.clone();
    changed.columns.insert("fee_minor".into(), 1.into());
    assert_eq!(signing::verify(Some(public), device, &changed), Err(signing::Unsigned::Wrong));
    let replayed = Op { seq: op.seq + 1, ..op.clone() };
    assert_eq!(signing::verify(Some(public), device, &replayed), Err(signing::Unsigned::Wrong));
    assert_eq!(signing::verify(Some(public), "another-desk", &op), Err(signing::Unsigned::Wrong));
    let other = SigningKey::from_bytes(&[9; 32]);
    assert_eq!(
        signing::verify(Some(&signing::public_hex(&other)), device, &op),
        Err(signing::Unsigned::Wrong)
    );
    assert_eq!(signing::verify(None, device, &op), Err(signing::Unsigned::NoKey));
    assert_eq!(
        signing::verify(Some(public), device, &Op { signature: None, ..op.clone() }),
        Err(signing::Unsigned::Missing)
    );
    let junk = Op { signature: Some("zz".repeat(64)), ..op.clone() };
    assert_eq!(signing::verify(Some(public), device, &junk), Err(signing::Unsigned::Malformed));
    let multibyte = Op { signature: Some("é".repeat(64)), ..op };
    assert_eq!(signing::verify(Some(public), device, &multibyte), Err(signing::Unsigned::Malformed));
}

/// Prints a fresh vector file (run with --ignored after a deliberate
/// change of layout, and say so in the change).
#[test]
#[ignore]
fn print_vector() {
    let seed: [u8; 32] = std::array::from_fn(|i| i as u8 + 1);
    let key = SigningKey::from_bytes(&seed);
    let forms = [
        r#"{"seq":42,"op_id":"0193a0c0-0000-7000-8000-000000000001","author_user_id":"0193a0c0-0000-7000-8000-0000000000aa","scope":"branch:0193a0c0-0000-7000-8000-00000000000b","entity":"receipts","entity_id":"0193a0c0-0000-7000-8000-0000000000cc","kind":"insert","columns":{"amount_minor":250000,"number":"K2/1/260001","payer":"Priya Nair","note":"Fees – June ₹","voided":false,"cheque_no":null,"rate":12.5},"hlc":"0001936a2b3c0001-0193a0c0-0000-7000-8000-0000000000dd","schema_version":18}"#,
        r#"{"schema_version":18,"hlc":"0001936a2b3c0001-0193a0c0-0000-7000-8000-0000000000dd","columns":{"rate":1.25e1,"cheque_no":null,"voided":false,"note":"Fees \u2013 June \u20b9","payer":"Priya Nair","number":"K2\/1\/260001","amount_minor":2.5e5},"kind":"insert","entity_id":"0193a0c0-0000-7000-8000-0000000000cc","entity":"receipts","scope":"branch:0193a0c0-0000-7000-8000-00000000000b","author_user_id":"0193a0c0-0000-7000-8000-0000000000aa","op_id":"0193a0c0-0000-7000-8000-000000000001","seq":42}"#,
    ];
    let device = "0193a0c0-0000-7000-8000-0000000000ee";
    let op: Op = serde_json::from_str(forms[0]).unwrap();
    let v = serde_json::json!({
        "about": "An op as two JSON texts that say the same thing, its canonical bytes (crates/api/src/canonical.rs) and its Ed25519 signature by the key with this seed.",
        "device_id": device,
        "op_json_forms": forms,
        "bytes_hex": hex(&op_bytes(device, &op)),
        "seed_hex": hex(&seed),
        "public_key_hex": signing::public_hex(&key),
        "signature_hex": signing::sign(&key, device, &op),
    });
    println!("{}", serde_json::to_string_pretty(&v).unwrap());
}
