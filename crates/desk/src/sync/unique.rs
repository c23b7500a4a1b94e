//! Business uniqueness that offline desks cannot check (a room's name in its
//! branch, a branch code, a role name, a user's email). When a pulled row
//! collides with another row, the row whose id sorts higher gets a suffix
//! from its own id, on every desk alike, and the clash is recorded in
//! `conflicts` for a manager to review (sync-design.md: "possible duplicate"
//! instead of a rejection).

use super::apply::{record_clash, Clash};
use crate::db::read;
use crate::Result;
use branchdesk_api::sync::Op;
use rusqlite::{OptionalExtension, Transaction};
use serde_json::{Map, Value};

/// (table, the unique key's columns; the last is the one renamed)
const KEYS: &[(&str, &[&str])] = &[
    ("rooms", &["branch_id", "name"]),
    ("branches", &["code"]),
    ("roles", &["name"]),
    ("users", &["email"]),
    ("courses", &["code"]),
    ("batches", &["branch_id", "name"]),
];

fn suffixed(value: &str, id: &str) -> String {
    let tail: String = id.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("{value} ~{tail}")
}

/// Renames one side of a unique clash. `row` is the incoming row as it
/// would be after the change; `winners` the columns about to be written.
/// False when the clash is not one of the known keys.
pub(super) fn settle(
    tx: &Transaction<'_>,
    op: &Op,
    winners: &mut Map<String, Value>,
    row: &Map<String, Value>,
    now: &str,
) -> Result<bool> {
    let Some((_, key)) = KEYS.iter().find(|(t, _)| *t == op.entity) else {
        return Ok(false);
    };
    let Some(values) = key
        .iter()
        .map(|c| row.get(*c).and_then(Value::as_str).map(str::to_owned))
        .collect::<Option<Vec<_>>>()
    else {
        return Ok(false);
    };
    let wheres: Vec<String> = key.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 1)).collect();
    let sql =
        format!("SELECT id FROM {} WHERE {} AND id <> ?{}", op.entity, wheres.join(" AND "), key.len() + 1);
    let mut params: Vec<String> = values.clone();
    params.push(op.entity_id.clone());
    let other: Option<String> =
        tx.prepare(&sql)?.query_row(rusqlite::params_from_iter(params.iter()), read::value).optional()?;
    let Some(other) = other else { return Ok(false) };
    let col = key[key.len() - 1];
    let value = &values[values.len() - 1];
    let (renamed_id, new_value) = if op.entity_id > other {
        let v = suffixed(value, &op.entity_id);
        winners.insert(col.to_owned(), Value::String(v.clone()));
        (op.entity_id.clone(), v)
    } else {
        let v = suffixed(value, &other);
        tx.execute(&format!("UPDATE {} SET {col} = ?1 WHERE id = ?2", op.entity), (&v, &other))?;
        (other, v)
    };
    let (losing, winning) = (Value::String(value.clone()), Value::String(new_value));
    let clash = Clash {
        entity: &op.entity,
        entity_id: &renamed_id,
        col,
        losing: &losing,
        losing_hlc: &op.hlc,
        winning: Some(&winning),
        winning_hlc: &op.hlc,
    };
    record_clash(tx, &clash, now)?;
    Ok(true)
}
