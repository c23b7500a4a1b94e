//! Checks a request as a whole before any of it is stored. Each failure names
//! the field, e.g. `ops[3].scope`. [`columns`] checks one op against the
//! table catalogue as the store takes it: a bad op is refused on its own.

use branchdesk_api::sync::{
    Authority, EnrolRequest, Op, ProveRequest, PullRequest, PushRequest, WaitRequest, DESK_SCHEMA_VERSION,
    MAX_WAIT_MS, ORG_SCOPE, SYNCED_ENTITIES,
};
use branchdesk_api::tables::{Column, Entity, ScopeKind, Type};
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, PartialEq, Eq)]
pub enum Invalid {
    /// A field's value is wrong.
    Field { field: String, message: String },
    /// The desk runs a schema this server no longer (or not yet) accepts.
    SchemaVersion { field: String, got: u32 },
}

fn field(field: String, message: impl Into<String>) -> Invalid {
    Invalid::Field { field, message: message.into() }
}

pub fn scope(name: &str, value: &str) -> Result<(), Invalid> {
    if value == ORG_SCOPE {
        return Ok(());
    }
    match value.strip_prefix("branch:").map(Uuid::parse_str) {
        Some(Ok(_)) => Ok(()),
        _ => Err(field(name.to_owned(), "a scope is \"org\" or \"branch:<uuid>\"")),
    }
}

fn op(i: usize, op: &Op, device_id: &str) -> Result<(), Invalid> {
    let at = |f: &str| format!("ops[{i}].{f}");
    // The previous schema, this one, and the next (a desk updated before the
    // server: its columns this server does not know are kept, see `columns`).
    let window = DESK_SCHEMA_VERSION.saturating_sub(1)..=DESK_SCHEMA_VERSION.saturating_add(1);
    if !window.contains(&op.schema_version) {
        return Err(Invalid::SchemaVersion { field: at("schema_version"), got: op.schema_version });
    }
    if op.seq == 0 {
        return Err(field(at("seq"), "seq starts at 1"));
    }
    if Uuid::parse_str(&op.op_id).is_err() {
        return Err(field(at("op_id"), "op_id must be a UUID"));
    }
    if Uuid::parse_str(&op.entity_id).is_err() {
        return Err(field(at("entity_id"), "entity_id must be a UUID"));
    }
    if op.author_user_id.as_deref().is_some_and(|a| Uuid::parse_str(a).is_err()) {
        return Err(field(at("author_user_id"), "author_user_id must be a UUID"));
    }
    scope(&at("scope"), &op.scope)?;
    if !SYNCED_ENTITIES.contains(&op.entity.as_str()) {
        return Err(field(at("entity"), format!("{} is not a synced table", op.entity)));
    }
    if op.kind != "insert" && op.kind != "update" {
        return Err(field(at("kind"), "kind is insert or update"));
    }
    // Sliced by `get`, never by index: a multi-byte character across byte
    // 16 is a bad stamp, not a panic.
    let stamp_ok = op.hlc.get(..16).is_some_and(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
        && op.hlc.get(16..).and_then(|rest| rest.strip_prefix('-')) == Some(device_id);
    if !stamp_ok {
        return Err(field(at("hlc"), "hlc is 16 hex digits, '-', and the pushing device's id"));
    }
    Ok(())
}

/// Checks an op's columns against the table catalogue (`api::tables`):
/// every column known (unless the op comes from a desk one schema newer,
/// whose new columns are kept as they are, as a desk one schema behind
/// keeps them when it applies the op), each value of its column's type,
/// NULL only where allowed, text no longer than its maximum, one of its
/// allowed values, an integer within its range, a uuid, date or time that
/// reads as one; a new row carries every column that is NOT NULL without a
/// default; rows go out in their table's scope. Err: why the op is
/// refused, naming the column. Foreign keys are not followed here.
pub fn columns(op: &Op) -> Result<(), String> {
    let Some(entity) = Entity::parse(&op.entity) else {
        return Err(format!("{} is not a synced table", op.entity));
    };
    let table = entity.table();
    let t = table.name;
    let org = op.scope == ORG_SCOPE;
    match table.scope {
        ScopeKind::Organisation if !org => {
            return Err(format!("{t} rows go out in the organisation's scope"))
        }
        ScopeKind::Branch if org => return Err(format!("{t} rows go out in a branch's scope")),
        _ => {}
    }
    let newer = op.schema_version > DESK_SCHEMA_VERSION;
    for (name, value) in &op.columns {
        let Some(column) = table.column(name) else {
            if newer {
                continue;
            }
            return Err(format!("{t}.{name} is not a column of {t}"));
        };
        value_of(column, value).map_err(|why| format!("{t}.{name}: {why}"))?;
        if name == "id" && value.as_str() != Some(op.entity_id.as_str()) {
            return Err(format!("{t}.id: it differs from the op's entity_id"));
        }
    }
    if op.kind == "insert" {
        if let Some(c) =
            table.columns.iter().find(|c| c.required() && c.name != "id" && !op.columns.contains_key(c.name))
        {
            return Err(format!("{t}.{}: a new row needs it", c.name));
        }
    }
    Ok(())
}

/// A row an op's column points at: (column, table, id).
pub type Parent<'a> = (&'static str, &'static str, &'a str);

/// The rows `op`'s columns point at (foreign keys that are not NULL). The
/// stores refuse the op unless each is in their copy or earlier in the
/// same push.
pub fn parents(op: &Op) -> Vec<Parent<'_>> {
    let Some(table) = Entity::parse(&op.entity).map(|e| e.table()) else { return vec![] };
    table
        .columns
        .iter()
        .filter_map(|c| Some((c.name, c.references?, op.columns.get(c.name)?.as_str()?)))
        .collect()
}

/// Why `op` is refused for a missing parent, if it is; `exists` answers
/// whether the server holds a row (or the store's fault).
pub fn missing_parent<E>(
    op: &Op,
    mut exists: impl FnMut(&str, &str) -> Result<bool, E>,
) -> Result<Result<(), String>, E> {
    for (column, table, id) in parents(op) {
        if !exists(table, id)? {
            return Ok(Err(format!(
                "{}.{column}: the server holds no {table} row {id} (its parent comes first)",
                op.entity
            )));
        }
    }
    Ok(Ok(()))
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One value against its column; Err: what is wrong, without the value
/// (it may be long).
fn value_of(c: &Column, v: &Value) -> Result<(), String> {
    if v.is_null() {
        return if c.null { Ok(()) } else { Err("it may not be NULL".into()) };
    }
    let text = || v.as_str().ok_or_else(|| format!("text is expected, not {}", kind_of(v)));
    let at_most = |len: usize| match c.max_len {
        Some(max) if len > max => Err(format!("at most {max} characters")),
        _ => Ok(()),
    };
    match c.ty {
        Type::Uuid => {
            let s = text()?;
            if s.len() != 36 || Uuid::parse_str(s).is_err() {
                return Err("a UUID is expected".into());
            }
        }
        Type::Text => {
            let s = text()?;
            if s.len() > c.max_len.unwrap_or(usize::MAX) {
                at_most(s.chars().count())?;
            }
            if let Some(values) = c.values {
                if !values.contains(&s) {
                    return Err(format!("one of {} is expected", values.join(", ")));
                }
            }
        }
        Type::Integer => {
            let n = v.as_i64().ok_or_else(|| format!("a whole number is expected, not {}", kind_of(v)))?;
            if let Some((min, max)) = c.range {
                if n < min || n > max {
                    return Err(match (min, max) {
                        (min, i64::MAX) => format!("at least {min}"),
                        (i64::MIN, max) => format!("at most {max}"),
                        (min, max) => format!("between {min} and {max}"),
                    });
                }
            }
        }
        Type::Bool => {
            if !(v.is_boolean() || v.as_i64().is_some_and(|n| n == 0 || n == 1)) {
                return Err(format!("true or false is expected, not {}", kind_of(v)));
            }
        }
        Type::Date => {
            let s = text()?;
            if s.len() != 10 || chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err() {
                return Err("a date (YYYY-MM-DD) is expected".into());
            }
        }
        Type::Time => {
            let s = text()?;
            if s.len() > 64 || chrono::DateTime::parse_from_rfc3339(s).is_err() {
                return Err("a time (RFC 3339) is expected".into());
            }
        }
        Type::Json => match v {
            Value::String(s) => {
                if s.len() > c.max_len.unwrap_or(usize::MAX) {
                    at_most(s.chars().count())?;
                }
                if serde_json::from_str::<serde::de::IgnoredAny>(s).is_err() {
                    return Err("JSON is expected".into());
                }
            }
            Value::Array(_) | Value::Object(_) => at_most(v.to_string().chars().count())?,
            _ => return Err(format!("JSON text, a list or an object is expected, not {}", kind_of(v))),
        },
    }
    Ok(())
}

pub fn push(req: &PushRequest) -> Result<(), Invalid> {
    if Uuid::parse_str(&req.device_id).is_err() {
        return Err(field("device_id".into(), "device_id must be a UUID"));
    }
    for (i, o) in req.ops.iter().enumerate() {
        op(i, o, &req.device_id)?;
        // Checked: a seq at the end of its range is followed by nothing.
        if i > 0 && req.ops[i - 1].seq.checked_add(1) != Some(o.seq) {
            return Err(field(format!("ops[{i}].seq"), "ops must be in consecutive seq order"));
        }
    }
    Ok(())
}

/// How far ahead of the server's clock an op's stamp may be: desks' clocks
/// drift and a laptop may sit a day in the wrong time zone, but a stamp far
/// ahead would win every later edit and push every desk's clock with it.
pub const MAX_CLOCK_AHEAD_MS: u64 = 24 * 60 * 60 * 1000;

/// Refuses a push whose ops are stamped more than [`MAX_CLOCK_AHEAD_MS`]
/// after `now_ms` (the server's clock). The whole push waits, so nothing is
/// lost: the desk shows why and sends again once its clock is right and the
/// stamps are no longer ahead.
pub fn clock(req: &PushRequest, now_ms: u64) -> Result<(), Invalid> {
    for (i, o) in req.ops.iter().enumerate() {
        let wall = o.hlc.get(..12).and_then(|h| u64::from_str_radix(h, 16).ok()).unwrap_or(u64::MAX);
        if wall > now_ms.saturating_add(MAX_CLOCK_AHEAD_MS) {
            let hours = (wall - now_ms) / 3_600_000;
            return Err(field(
                format!("ops[{i}].hlc"),
                format!(
                    "This desk's clock was {hours} hours ahead of the server's when it saved this change. \
                     Set the computer's date and time right; the change is kept and goes once it is no \
                     longer ahead."
                ),
            ));
        }
    }
    Ok(())
}

/// Most scopes one request may name (an organisation with far more
/// branches than any desk follows).
pub const MAX_SCOPES: usize = 200;

/// Refuses a list of more than [`MAX_SCOPES`] scopes, naming it.
pub fn scope_count(name: &str, count: usize) -> Result<(), Invalid> {
    if count > MAX_SCOPES {
        return Err(field(name.into(), format!("name at most {MAX_SCOPES} scopes in one request")));
    }
    Ok(())
}

pub fn pull(req: &PullRequest) -> Result<(), Invalid> {
    if req.cursors.is_empty() {
        return Err(field("cursors".into(), "name at least one scope"));
    }
    scope_count("cursors", req.cursors.len())?;
    for s in req.cursors.keys() {
        scope(&format!("cursors.{s}"), s)?;
    }
    Ok(())
}

pub fn wait(req: &WaitRequest) -> Result<(), Invalid> {
    pull(&PullRequest { cursors: req.cursors.clone(), limit: 0 })?;
    if req.timeout_ms > MAX_WAIT_MS {
        return Err(field("timeout_ms".into(), "wait at most 30,000 ms"));
    }
    Ok(())
}

pub fn enrol(req: &EnrolRequest) -> Result<(), Invalid> {
    if Uuid::parse_str(&req.device_id).is_err() {
        return Err(field("device_id".into(), "device_id must be a UUID"));
    }
    if req.code.trim().is_empty() || req.code.len() > 64 {
        return Err(field("code".into(), "enter the code the server or an administrator gave you"));
    }
    Ok(())
}

/// A password proof: an account id, a password of sane length, a key.
pub fn prove(req: &ProveRequest) -> Result<(), Invalid> {
    if Uuid::parse_str(&req.user_id).is_err() {
        return Err(field("user_id".into(), "user_id must be a UUID"));
    }
    if req.password.is_empty() || req.password.chars().count() > 256 {
        return Err(field("password".into(), "a password of 1 to 256 characters"));
    }
    if req.public_key.len() != 64 || !req.public_key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(field("public_key".into(), "public_key must be 64 hex digits"));
    }
    Ok(())
}

/// Who signs a desk-management request: an account id, a time, a signature.
pub fn authority(a: &Authority) -> Result<(), Invalid> {
    if Uuid::parse_str(&a.user_id).is_err() {
        return Err(field("authority.user_id".into(), "user_id must be a UUID"));
    }
    if a.at.chars().count() > 40 {
        return Err(field("authority.at".into(), "at most 40 characters"));
    }
    if a.signature.len() != 128 || !a.signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(field("authority.signature".into(), "signature must be 128 hex digits"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(entity: &str, kind: &str, cols: Value) -> Op {
        Op {
            seq: 1,
            op_id: "0193a0c0-0000-7000-8000-000000000001".into(),
            author_user_id: None,
            scope: "branch:0193a0c0-0000-7000-8000-00000000000a".into(),
            entity: entity.into(),
            entity_id: "0193a0c1-0000-7000-8000-000000000001".into(),
            kind: kind.into(),
            columns: cols.as_object().unwrap().clone(),
            hlc: String::new(),
            schema_version: DESK_SCHEMA_VERSION,
            signature: None,
        }
    }

    #[test]
    fn each_value_is_checked_against_its_column() {
        let update = |entity: &str, cols: Value| columns(&op(entity, "update", cols));
        assert_eq!(update("batches", json!({ "active": 1, "schedule": "[]", "fee_minor": 0 })), Ok(()));
        let mut role = op("roles", "update", json!({ "permissions": ["manage:room"] }));
        role.scope = ORG_SCOPE.into();
        assert_eq!(columns(&role), Ok(()), "JSON as a list");
        let refused = |entity: &str, cols: Value, why: &str| {
            let e = update(entity, cols).unwrap_err();
            assert!(e.contains(why), "{e}");
        };
        refused("batches", json!({ "active": 2 }), "batches.active: true or false");
        refused("batches", json!({ "schedule": "[{" }), "batches.schedule: JSON");
        refused("batches", json!({ "schedule": 5 }), "batches.schedule");
        refused("batches", json!({ "fee_minor": 1.5 }), "batches.fee_minor: a whole number");
        refused("batches", json!({ "fee_minor": -1 }), "batches.fee_minor: at least 0");
        refused("class_sessions", json!({ "start_min": 1440 }), "between 0 and 1439");
        refused("batches", json!({ "start_date": "2026-6-1" }), "batches.start_date: a date");
        refused("batches", json!({ "teacher_id": "0193A0C1000070008000000000000001" }), "a UUID");
        refused("rooms", json!({ "name": "é".repeat(1_001) }), "at most 1000 characters");
        assert_eq!(update("rooms", json!({ "name": "é".repeat(1_000) })), Ok(()), "characters, not bytes");
        refused("rooms", json!({ "colour": "teal" }), "rooms.colour is not a column");
        let mut newer = op("rooms", "update", json!({ "colour": "teal", "capacity": 3 }));
        newer.schema_version = DESK_SCHEMA_VERSION + 1;
        assert_eq!(columns(&newer), Ok(()), "a newer desk's column is kept");
        newer.columns.insert("capacity".into(), json!("3"));
        assert!(columns(&newer).is_err(), "its known columns are still checked");
        // NULL: allowed where the schema allows it; an update leaves the rest.
        assert_eq!(update("students", json!({ "phone": null })), Ok(()));
        refused("students", json!({ "full_name": null }), "students.full_name: it may not be NULL");
        refused("sqlite_master", json!({}), "not a synced table");
        let mut courses = op("courses", "update", json!({ "name": "Physics" }));
        assert!(columns(&courses).unwrap_err().contains("organisation's scope"));
        courses.scope = ORG_SCOPE.into();
        assert_eq!(columns(&courses), Ok(()));
    }

    #[test]
    fn nothing_from_the_network_panics_the_check() {
        for v in
            [json!(null), json!(u64::MAX), json!(-1e300), json!("\u{0}"), json!([]), json!({}), json!("")]
        {
            for t in branchdesk_api::tables::TABLES {
                for c in t.columns {
                    let mut cols = serde_json::Map::new();
                    cols.insert(c.name.into(), v.clone());
                    let _ = columns(&Op { columns: cols, ..op(t.name, "insert", json!({})) });
                }
            }
        }
        let mut far = op("rooms", "insert", json!({}));
        far.schema_version = u32::MAX;
        assert!(matches!(super::op(0, &far, "d"), Err(Invalid::SchemaVersion { .. })));
    }

    #[test]
    fn a_stamp_with_multibyte_junk_is_refused_not_a_panic() {
        let mut o = op("students", "insert", json!({}));
        for junk in ["ऄऄऄऄऄऄऄऄ-dev", "0123456789abcdeऄ-dev", "0123456789abcdef-ऄ", "é", ""]
        {
            o.hlc = junk.to_owned();
            assert!(super::op(0, &o, "dev").is_err(), "{junk}");
        }
        o.hlc = "0123456789abcdef-dev".into();
        assert!(super::op(0, &o, "dev").is_ok());
    }

    #[test]
    fn a_seq_at_the_end_of_its_range_is_refused_not_a_panic() {
        let device = "0193a0c0-0000-7000-8000-0000000000dd";
        let mut first = op("students", "insert", json!({}));
        first.hlc = format!("0123456789abcdef-{device}");
        first.seq = u64::MAX;
        for next in [0, 1, 5, u64::MAX] {
            let second = Op { seq: next, ..first.clone() };
            let req = PushRequest { device_id: device.into(), ops: vec![first.clone(), second] };
            assert!(push(&req).is_err(), "u64::MAX then {next}");
        }
    }

    #[test]
    fn a_push_stamped_more_than_a_day_ahead_waits() {
        let now_ms: u64 = 1_780_000_000_000;
        let stamped = |ms: u64| {
            let mut o = op("students", "insert", json!({}));
            o.hlc = format!("{ms:012x}0000-dev");
            PushRequest { device_id: "dev".into(), ops: vec![o] }
        };
        assert!(clock(&stamped(now_ms + MAX_CLOCK_AHEAD_MS - 1), now_ms).is_ok(), "a day's drift is allowed");
        let e = clock(&stamped(now_ms + MAX_CLOCK_AHEAD_MS + 3_600_000 * 5), now_ms).unwrap_err();
        assert!(format!("{e:?}").contains("ops[0].hlc"), "{e:?}");
        assert!(clock(&stamped((1 << 48) - 1), now_ms).is_err(), "the end of the clock's range");
        let mut junk = stamped(now_ms);
        junk.ops[0].hlc = "zzzz".into();
        assert!(clock(&junk, now_ms).is_err());
    }
}
