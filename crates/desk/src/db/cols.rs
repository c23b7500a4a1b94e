//! Reading typed values out of rows stored as text (UUIDs, RFC 3339 times,
//! ISO dates), with errors instead of panics on bad data.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Row;
use uuid::Uuid;

fn bad(idx: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
}

pub fn uuid(r: &Row<'_>, idx: usize) -> rusqlite::Result<Uuid> {
    let s: String = r.get(idx)?;
    Uuid::parse_str(&s).map_err(|e| bad(idx, e))
}

pub fn opt_uuid(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Uuid>> {
    let s: Option<String> = r.get(idx)?;
    s.map(|s| Uuid::parse_str(&s).map_err(|e| bad(idx, e))).transpose()
}

pub fn time(r: &Row<'_>, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    let s: String = r.get(idx)?;
    parse_time(&s).map_err(|e| bad(idx, e))
}

pub fn opt_time(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let s: Option<String> = r.get(idx)?;
    s.map(|s| parse_time(&s).map_err(|e| bad(idx, e))).transpose()
}

pub fn opt_date(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let s: Option<String> = r.get(idx)?;
    s.map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| bad(idx, e))).transpose()
}

pub fn json<T: serde::de::DeserializeOwned>(r: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let s: String = r.get(idx)?;
    serde_json::from_str(&s).map_err(|e| bad(idx, e))
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc))
}
