//! Checks a request as a whole before any of it is stored. Each failure names
//! the field, e.g. `ops[3].scope`.

use branchdesk_api::sync::{
    EnrolRequest, Op, PullRequest, PushRequest, WaitRequest, DESK_SCHEMA_VERSION, MAX_WAIT_MS, ORG_SCOPE,
    SYNCED_ENTITIES,
};
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
    if op.schema_version != DESK_SCHEMA_VERSION && op.schema_version + 1 != DESK_SCHEMA_VERSION {
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
    let stamp_ok = op.hlc.len() > 17
        && op.hlc[..16].chars().all(|c| c.is_ascii_hexdigit())
        && op.hlc[16..].strip_prefix('-') == Some(device_id);
    if !stamp_ok {
        return Err(field(at("hlc"), "hlc is 16 hex digits, '-', and the pushing device's id"));
    }
    Ok(())
}

pub fn push(req: &PushRequest) -> Result<(), Invalid> {
    if Uuid::parse_str(&req.device_id).is_err() {
        return Err(field("device_id".into(), "device_id must be a UUID"));
    }
    for (i, o) in req.ops.iter().enumerate() {
        op(i, o, &req.device_id)?;
        if i > 0 && o.seq != req.ops[i - 1].seq + 1 {
            return Err(field(format!("ops[{i}].seq"), "ops must be in consecutive seq order"));
        }
    }
    Ok(())
}

pub fn pull(req: &PullRequest) -> Result<(), Invalid> {
    if req.cursors.is_empty() {
        return Err(field("cursors".into(), "name at least one scope"));
    }
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
