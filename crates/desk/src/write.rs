//! The one write path. A service describes its change as typed rows; `Write`
//! turns each into the SQL, an audit row and an outbox op, and
//! [`Desk::write`] commits them all in one transaction, or none.

use crate::db::{read, schema_version};
use crate::hlc::Hlc;
use crate::{audit, Desk, Result};
use branchdesk_api::canonical::signing::{self, SigningKey};
use branchdesk_api::ids::{BranchId, UserId};
use branchdesk_api::sync::Op;
use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// Which replication scope a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Organisation,
    Branch(BranchId),
}

impl Scope {
    pub fn as_text(self) -> String {
        match self {
            Scope::Organisation => "org".to_owned(),
            Scope::Branch(b) => format!("branch:{b}"),
        }
    }
}

/// A row of a synced table. Its serde fields are the table's columns.
pub trait Record: Serialize {
    const TABLE: &'static str;
    fn id(&self) -> Uuid;
    fn scope(&self) -> Scope;
}

/// `branch_record!(Row, "table")`: a row with `id` and `branch_id` fields
/// (typed ids or bare uuids) that replicates in its branch's scope.
macro_rules! branch_record {
    ($row:ty, $table:literal) => {
        #[allow(clippy::useless_conversion)]
        impl $crate::write::Record for $row {
            const TABLE: &'static str = $table;
            fn id(&self) -> uuid::Uuid {
                uuid::Uuid::from(self.id)
            }
            fn scope(&self) -> $crate::write::Scope {
                $crate::write::Scope::Branch(branchdesk_api::ids::BranchId::from(self.branch_id))
            }
        }
    };
}
pub(crate) use branch_record;

/// `org_record!(Row, "table")`: a row with an `id` field (a typed id or a
/// bare uuid) that replicates in the organisation's scope.
macro_rules! org_record {
    ($row:ty, $table:literal) => {
        #[allow(clippy::useless_conversion)]
        impl $crate::write::Record for $row {
            const TABLE: &'static str = $table;
            fn id(&self) -> uuid::Uuid {
                uuid::Uuid::from(self.id)
            }
            fn scope(&self) -> $crate::write::Scope {
                $crate::write::Scope::Organisation
            }
        }
    };
}
pub(crate) use org_record;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Insert,
    Update,
}

impl OpKind {
    fn as_str(self) -> &'static str {
        match self {
            OpKind::Insert => "insert",
            OpKind::Update => "update",
        }
    }
}

/// An open write: domain rows, audit rows and outbox ops of one user action.
pub struct Write<'c> {
    tx: Transaction<'c>,
    author: Option<UserId>,
    device_id: String,
    now: DateTime<Utc>,
    hlc: Hlc,
    next_seq: i64,
    schema_version: u32,
    /// The author's key, when they are signed in here (`keys.rs`).
    signer: Option<SigningKey>,
}

impl Desk {
    /// Runs `action` as one transaction on the write path. On error nothing
    /// is kept: no domain row, no audit row, no outbox op.
    /// Its ops are signed with the author's key when they are signed in here.
    pub(crate) fn write<T>(
        &self,
        author: Option<UserId>,
        action: impl FnOnce(&mut Write<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_signed(author, author.and_then(|a| self.keys.get(a)), action)
    }

    /// [`Desk::write`] with its ops signed by `signer` (a redeemed reset
    /// code's one-time key).
    pub(crate) fn write_signed<T>(
        &self,
        author: Option<UserId>,
        signer: Option<SigningKey>,
        action: impl FnOnce(&mut Write<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut db = self.db();
        let _permit = db.permit();
        let tx = db.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The newest op holds the last seq and clock stamp (see the outbox table).
        let last: Option<(i64, String)> = tx
            .prepare_cached("SELECT seq, hlc FROM outbox ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get("seq")?, r.get("hlc")?)))
            .optional()?;
        let (next_seq, own) = match last {
            Some((seq, stamp)) => (seq + 1, Hlc::parse(&stamp).unwrap_or(Hlc::ZERO)),
            None => (1, Hlc::ZERO),
        };
        // Never stamp below a clock received from another desk.
        let seen: String =
            tx.prepare_cached("SELECT seen_hlc FROM sync_state")?.query_row([], read::value)?;
        let hlc = own.max(Hlc::parse(&seen).unwrap_or(Hlc::ZERO));
        let mut w = Write {
            tx,
            author,
            device_id: self.device_id.clone(),
            now: self.clock().now(),
            hlc,
            next_seq,
            schema_version: schema_version(),
            signer,
        };
        let out = action(&mut w)?;
        w.commit()?;
        self.writes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(out)
    }
}

impl<'c> Write<'c> {
    /// Reads inside the same transaction (e.g. the old row before an update).
    pub fn tx(&self) -> &Transaction<'c> {
        &self.tx
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn author(&self) -> Option<UserId> {
        self.author
    }

    /// Sets the author once known (first run creates its own author).
    pub fn set_author(&mut self, author: UserId) {
        self.author = Some(author);
    }

    pub fn insert<R: Record>(&mut self, row: &R) -> Result<()> {
        self.insert_in(row.scope(), row)
    }

    /// Inserts a row published in `scope` rather than its own: a row made
    /// for another branch by a transfer goes out from the sending branch.
    pub fn insert_in<R: Record>(&mut self, scope: Scope, row: &R) -> Result<()> {
        let cols = columns(row)?;
        let names: Vec<&str> = cols.keys().map(String::as_str).collect();
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO {} ({}) VALUES ({})", R::TABLE, names.join(", "), marks.join(", "));
        self.tx.prepare_cached(&sql)?.execute(params_from_iter(cols.values().map(to_sql)))?;
        self.record_op(R::TABLE, row.id(), scope, OpKind::Insert, None, cols)
    }

    /// Inserts `new`, or changes `old` into it when the row is held: one
    /// call for a row that may or may not be there yet.
    pub fn upsert<R: Record>(&mut self, old: Option<&R>, new: &R) -> Result<()> {
        match old {
            Some(old) => self.update(old, new).map(|_| ()),
            None => self.insert(new),
        }
    }

    /// Writes the columns that differ between `old` and `new`. Returns false
    /// (and writes nothing) when nothing changed. The change is published in
    /// the scope the row was in, so a row that moves branch (a transfer)
    /// goes out from the branch it leaves.
    pub fn update<R: Record>(&mut self, old: &R, new: &R) -> Result<bool> {
        let before = columns(old)?;
        let after = columns(new)?;
        let changed: Map<String, Value> =
            after.into_iter().filter(|(k, v)| before.get(k) != Some(v)).collect();
        if changed.is_empty() {
            return Ok(false);
        }
        let sets: Vec<String> =
            changed.keys().enumerate().map(|(i, k)| format!("{k} = ?{}", i + 1)).collect();
        let sql = format!("UPDATE {} SET {} WHERE id = ?{}", R::TABLE, sets.join(", "), changed.len() + 1);
        let mut values: Vec<SqlValue> = changed.values().map(to_sql).collect();
        values.push(SqlValue::Text(new.id().to_string()));
        self.tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        let old_subset: Map<String, Value> =
            changed.keys().filter_map(|k| before.get(k).map(|v| (k.clone(), v.clone()))).collect();
        self.record_op(R::TABLE, new.id(), old.scope(), OpKind::Update, Some(old_subset), changed)?;
        Ok(true)
    }

    /// Sets one column of a synced row by table name, as a new change of
    /// this desk (e.g. taking back a value that lost a merge). `column` and
    /// `table` must come from the schema, never from user input.
    pub fn set_column(
        &mut self,
        table: &str,
        id: Uuid,
        scope: Scope,
        column: &str,
        value: Value,
    ) -> Result<()> {
        let old: Option<Value> = self
            .tx
            .query_row(
                &format!("SELECT json_quote({column}) FROM {table} WHERE id = ?1"),
                [id.to_string()],
                read::value::<String>,
            )
            .optional()?
            .map(|s| serde_json::from_str(&s))
            .transpose()?;
        let Some(old) = old else {
            return Err(branchdesk_api::ApiError::not_found("record").into());
        };
        self.tx.execute(
            &format!("UPDATE {table} SET {column} = ?1 WHERE id = ?2"),
            (to_sql(&value), id.to_string()),
        )?;
        let mut before = Map::new();
        before.insert(column.to_owned(), old);
        let mut after = Map::new();
        after.insert(column.to_owned(), value);
        self.record_op(table, id, scope, OpKind::Update, Some(before), after)
    }

    fn record_op(
        &mut self,
        entity: &str,
        id: Uuid,
        scope: Scope,
        kind: OpKind,
        old: Option<Map<String, Value>>,
        new: Map<String, Value>,
    ) -> Result<()> {
        self.hlc = self.hlc.tick(self.now.timestamp_millis().max(0) as u64);
        let op = Op {
            seq: self.next_seq as u64,
            op_id: Uuid::now_v7().to_string(),
            author_user_id: self.author.map(|a| a.to_string()),
            scope: scope.as_text(),
            entity: entity.to_owned(),
            entity_id: id.to_string(),
            kind: kind.as_str().to_owned(),
            columns: new,
            hlc: self.hlc.stamp(&self.device_id),
            schema_version: self.schema_version,
            signature: None,
        };
        // Signed as it enters the outbox; an author not signed in here
        // (an op made before this version) is signed at their next sign-in.
        let signature = self.signer.as_ref().map(|key| signing::sign(key, &self.device_id, &op));
        self.tx
            .prepare_cached(
                "INSERT INTO outbox (seq, op_id, device_id, author_user_id, scope, entity, entity_id,
                                     kind, columns, hlc, schema_version, created_at, signature)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(rusqlite::params![
                self.next_seq,
                op.op_id,
                self.device_id,
                op.author_user_id,
                op.scope,
                entity,
                op.entity_id,
                op.kind,
                Value::Object(op.columns.clone()).to_string(),
                op.hlc,
                self.schema_version,
                self.now.to_rfc3339(),
                signature,
            ])?;
        self.next_seq += 1;
        audit::record(
            &self.tx,
            &audit::Entry {
                at: self.now,
                user_id: self.author,
                device_id: &self.device_id,
                action: kind.as_str(),
                entity,
                entity_id: &op.entity_id,
                old_values: old.map(Value::Object),
                new_values: Some(Value::Object(op.columns)),
            },
        )
    }

    fn commit(self) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }
}

/// An outbox row as read; its columns are JSON text until sent.
#[derive(Deserialize)]
pub(crate) struct OutboxOp {
    pub seq: u64,
    op_id: String,
    author_user_id: Option<String>,
    scope: String,
    entity: String,
    entity_id: String,
    kind: String,
    columns: String,
    hlc: String,
    schema_version: u32,
    pub signature: Option<String>,
}

impl OutboxOp {
    pub fn into_op(self) -> Result<branchdesk_api::sync::Op> {
        Ok(branchdesk_api::sync::Op {
            seq: self.seq,
            op_id: self.op_id,
            author_user_id: self.author_user_id,
            scope: self.scope,
            entity: self.entity,
            entity_id: self.entity_id,
            kind: self.kind,
            columns: serde_json::from_str(&self.columns)?,
            hlc: self.hlc,
            schema_version: self.schema_version,
            signature: self.signature,
        })
    }
}

fn columns<R: Serialize>(row: &R) -> Result<Map<String, Value>> {
    match serde_json::to_value(row)? {
        Value::Object(map) => Ok(map),
        other => Err(crate::Error::Json(serde::ser::Error::custom(format!(
            "a record must serialise to an object, not {other}"
        )))),
    }
}

pub(crate) fn to_sql(v: &Value) -> SqlValue {
    match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}
