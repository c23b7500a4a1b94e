//! Reading rows by column name into the struct that declares the table.
//!
//! A table is declared once, as its row struct (`Serialize` for the write
//! path, `Deserialize` for reads): the SELECT list comes from the struct's
//! fields ([`select`]) and each row is read by column name
//! (`serde_rusqlite`), so adding a column is one field, never a new
//! positional index to keep in step with a column list.

use rusqlite::{Params, Row, Statement};
use serde::de::{self, DeserializeOwned, Visitor};
use std::sync::LazyLock;

/// A table's SELECT list, made once from its row struct; it prints as the
/// list, so `format!("SELECT {STUDENT_COLUMNS} FROM students s")` reads as
/// before: `pub static STUDENT_COLUMNS: Columns = columns!(StudentRow, "s");`
pub struct Columns(pub LazyLock<String>);

impl std::fmt::Display for Columns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `columns!(Row, "alias")`: the [`Columns`] of a row struct.
macro_rules! columns {
    ($row:ty, $alias:literal) => {
        $crate::db::read::Columns(std::sync::LazyLock::new(|| $crate::db::read::select::<$row>($alias)))
    };
}
pub(crate) use columns;

fn conversion(e: serde_rusqlite::Error) -> rusqlite::Error {
    match e {
        serde_rusqlite::Error::Rusqlite(e) => e,
        other => rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(other)),
    }
}

/// One row read by column name (for `query_row` / `query_map` closures).
pub fn row<T: DeserializeOwned>(r: &Row<'_>) -> rusqlite::Result<T> {
    serde_rusqlite::from_row::<T>(r).map_err(conversion)
}

/// The one value a single-column query selects (`SELECT count(*) …`,
/// `SELECT value FROM settings …`): nothing to keep in step by name.
pub fn value<T: rusqlite::types::FromSql>(r: &Row<'_>) -> rusqlite::Result<T> {
    r.get(0)
}

/// Every row of a prepared query, read by column name; the column names
/// are looked up once per query, not per row.
pub fn all<T: DeserializeOwned>(stmt: &mut Statement<'_>, params: impl Params) -> rusqlite::Result<Vec<T>> {
    let names = serde_rusqlite::columns_from_statement(stmt);
    let rows = stmt.query_and_then(params, |r| serde_rusqlite::from_row_with_columns::<T>(r, &names))?;
    rows.map(|r| r.map_err(conversion)).collect()
}

/// The rows of a prepared query one at a time, read by column name, for a
/// reader that may stop early (the column names looked up once).
pub fn each<'s, T: DeserializeOwned + 's>(
    stmt: &'s mut Statement<'_>,
    params: impl Params,
) -> rusqlite::Result<impl Iterator<Item = rusqlite::Result<T>> + 's> {
    let names = serde_rusqlite::columns_from_statement(stmt);
    stmt.query_and_then(params, move |r| {
        serde_rusqlite::from_row_with_columns::<T>(r, &names).map_err(conversion)
    })
}

/// The fields of a row struct, in declaration order: its table's columns.
pub fn fields<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Fields(Option<&'static [&'static str]>);
    impl<'de> de::Deserializer<'de> for &mut Fields {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0 = Some(fields);
            Err(de::Error::custom("fields read"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut f = Fields(None);
    let _ = T::deserialize(&mut f);
    f.0.unwrap_or(&[])
}

/// The SELECT list of a row struct, each column prefixed with `alias.`
/// (empty: none): `s.id, s.branch_id, …`.
pub fn select<T: DeserializeOwned>(alias: &str) -> String {
    let dot = if alias.is_empty() { String::new() } else { format!("{alias}.") };
    fields::<T>().iter().map(|f| format!("{dot}{f}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, NaiveDate, Utc};
    use uuid::Uuid;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Thing {
        id: Uuid,
        name: String,
        born: Option<NaiveDate>,
        active: bool,
        at: DateTime<Utc>,
        count: i64,
    }

    #[test]
    fn a_row_is_read_by_its_column_names_whatever_their_order() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE things (count INTEGER, at TEXT, active INTEGER, born TEXT, name TEXT, id TEXT);
             INSERT INTO things VALUES (3, '2026-06-01T09:00:00Z', 1, NULL, 'Lab', '0193a0c0-0000-7000-8000-00000000beef');
             INSERT INTO things VALUES (4, '2026-06-02T09:00:00+00:00', 0, '2012-05-14', 'Hall', '0193a0c0-0000-7000-8000-00000000cafe');",
        )
        .unwrap();
        assert_eq!(select::<Thing>("t"), "t.id, t.name, t.born, t.active, t.at, t.count");
        let mut stmt =
            conn.prepare(&format!("SELECT {} FROM things t ORDER BY t.count", select::<Thing>("t"))).unwrap();
        let things: Vec<Thing> = all(&mut stmt, []).unwrap();
        assert_eq!(things[0].name, "Lab");
        assert!(things[0].active && !things[1].active);
        assert_eq!(things[1].born, NaiveDate::from_ymd_opt(2012, 5, 14));
        let one: Thing = conn.query_row("SELECT * FROM things WHERE count = 3", [], row).unwrap();
        assert_eq!(one, things[0]);
    }

    #[test]
    fn a_bad_stored_value_is_an_error_not_a_panic() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE things (id TEXT, name TEXT, born TEXT, active INTEGER, at TEXT, count INTEGER);
             INSERT INTO things VALUES ('not a uuid', 'x', NULL, 1, '2026-06-01T09:00:00Z', 1);",
        )
        .unwrap();
        assert!(conn.query_row("SELECT * FROM things", [], row::<Thing>).is_err());
    }
}
