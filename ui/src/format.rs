//! How times, sizes, percentages and states read to a clerk.

use branchdesk_api::commands::academics::CurriculumStatus;
use branchdesk_api::commands::org::BRANCH_CODE_MAX;
use chrono::{DateTime, Local, Utc};
use yew::AttrValue;

pub fn when(t: &DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%d %b %Y, %H:%M").to_string()
}

/// An RFC 3339 time from the desk as `when` shows it (the text itself if
/// it does not read).
pub fn when_text(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| when(&t.with_timezone(&Utc)))
        .unwrap_or_else(|_| rfc3339.to_owned())
}

/// Time left or used, as a clock: `1:05:09`, `19:58`, `0:07`.
pub fn clock(ms: u64) -> String {
    let s = ms / 1000;
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, m, s) => format!("{m}:{s:02}"),
        (h, m, s) => format!("{h}:{m:02}:{s:02}"),
    }
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

/// Basis points as a percentage: 9950 → "99.5".
pub fn percent(bp: u32) -> String {
    let m = money(i64::from(bp));
    m.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The tag class a curriculum version's state is shown with.
pub fn status_class(s: CurriculumStatus) -> &'static str {
    match s {
        CurriculumStatus::Draft => "draft",
        CurriculumStatus::PendingApproval => "pending",
        CurriculumStatus::Approved => "ok",
        CurriculumStatus::Rejected => "bad",
    }
}

/// What the branch code field says under it (Organisation and the setup screen).
pub fn branch_code_hint() -> AttrValue {
    AttrValue::from(format!(
        "At most {BRANCH_CODE_MAX} letters or digits; printed at the start of every receipt number"
    ))
}

/// The days of the week, Monday first (a weekly slot's `weekday` is 1–7).
pub const WEEKDAYS: [&str; 7] =
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// A batch's weekly times: "Mon 16:00–17:30, Thu 16:00–17:30".
pub fn slots_text(slots: &[branchdesk_api::commands::timetable::Slot]) -> String {
    slots
        .iter()
        .map(|s| {
            let day = (s.weekday as usize).checked_sub(1).and_then(|i| WEEKDAYS.get(i));
            format!("{} {}–{}", day.map(|d| &d[..3]).unwrap_or("?"), s.start, s.end)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The channels a guardian may prefer, as (value, label) for a select.
pub fn channel_options() -> Vec<(String, String)> {
    use branchdesk_api::commands::attendance::NotificationChannel;
    NotificationChannel::ALL.iter().map(|c| (c.as_str().to_owned(), c.label().to_owned())).collect()
}
