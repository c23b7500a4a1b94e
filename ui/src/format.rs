//! How times and sizes read to a clerk.

use chrono::{DateTime, Local, Utc};

pub fn when(t: &DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%d %b %Y, %H:%M").to_string()
}

pub fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / (1 << 20) as f64),
        n if n >= 1 << 10 => format!("{} KB", n >> 10),
        n => format!("{n} bytes"),
    }
}

/// A date from the desk (ISO) as a clerk reads it, day first: `1 Jun 2026`.
pub fn day(iso: &str) -> String {
    branchdesk_api::dates::long(iso)
}

pub use branchdesk_api::amount::{format as money, parse as parse_money};
