//! Dates as people in India type and read them: day first, whatever the
//! operating system's locale. The wire and the database keep ISO
//! (`YYYY-MM-DD`); a clerk types and reads `14/05/2012`.

use chrono::{Datelike, NaiveDate};

/// How a clerk reads a date: `14/05/2012`.
pub fn show(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// An ISO date (as the wire carries it) as a clerk reads it; any other
/// text is returned as it is (an unfinished entry, an empty field).
pub fn show_iso(text: &str) -> String {
    match parse_iso(text) {
        Some(d) => show(d),
        None => text.to_owned(),
    }
}

/// An ISO date as a short line reads it: `14 May 2012`; other text as it is.
pub fn long(text: &str) -> String {
    match parse_iso(text) {
        Some(d) => d.format("%-d %b %Y").to_string(),
        None => text.to_owned(),
    }
}

fn parse_iso(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    (t.len() == 10 && t.as_bytes()[4] == b'-').then(|| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())?
}

/// Why typed text is not a date; `message` says it to the clerk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    Empty,
    /// Not three numbers (day, month, year).
    Unreadable,
    /// The year has fewer than four digits (`14/05/12`).
    ShortYear,
    /// Three numbers that make no date (`31/02/2026`).
    NoSuchDay {
        day: u32,
        month: u32,
        year: i32,
    },
}

impl DateError {
    pub fn message(&self) -> String {
        match self {
            DateError::Empty => "Enter a date as DD/MM/YYYY, e.g. 14/05/2012.".into(),
            DateError::Unreadable => "Enter the date day first, as DD/MM/YYYY, e.g. 14/05/2012.".into(),
            DateError::ShortYear => "Write the year in full, e.g. 14/05/2012.".into(),
            DateError::NoSuchDay { day, month, year } => match month_name(*month) {
                None => format!("There is no month {month}: enter the day first, as DD/MM/YYYY."),
                Some(name) => {
                    let days = days_in_month(*year, *month);
                    format!("{day:02}/{month:02}/{year} is not a date: {name} {year} has {days} days.")
                }
            },
        }
    }
}

fn month_name(month: u32) -> Option<&'static str> {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES.get(month.checked_sub(1)? as usize).copied()
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    match (first, next) {
        (Some(a), Some(b)) => (b - a).num_days() as u32,
        _ => 31,
    }
}

/// A date as a clerk types it: day, month and year in that order, apart by
/// `/`, `-`, `.` or spaces (`14/05/2012`, `1-6-2026`, `14.05.2012`), or ISO
/// `2012-05-14` (a four-digit first part can only be a year). The year is
/// written in full; an impossible day is refused, never rolled over.
pub fn parse(text: &str) -> Result<NaiveDate, DateError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(DateError::Empty);
    }
    let parts: Vec<&str> = t.split(['/', '-', '.', ' ']).filter(|p| !p.is_empty()).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(DateError::Unreadable);
    }
    let num = |s: &str| s.parse::<u32>().map_err(|_| DateError::Unreadable);
    let (day, month, year, year_text) = if parts[0].len() == 4 {
        (num(parts[2])?, num(parts[1])?, num(parts[0])?, parts[0])
    } else {
        (num(parts[0])?, num(parts[1])?, num(parts[2])?, parts[2])
    };
    if year_text.len() != 4 {
        return Err(DateError::ShortYear);
    }
    if !(1..=9999).contains(&year) {
        return Err(DateError::Unreadable);
    }
    let year = year as i32;
    NaiveDate::from_ymd_opt(year, month, day).filter(|d| d.year() == year).ok_or(DateError::NoSuchDay {
        day,
        month,
        year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn day_comes_first_whatever_the_separator() {
        assert_eq!(parse("14/05/2012"), Ok(d(2012, 5, 14)));
        assert_eq!(parse(" 1-6-2026 "), Ok(d(2026, 6, 1)));
        assert_eq!(parse("14.05.2012"), Ok(d(2012, 5, 14)));
        assert_eq!(parse("05/12/2012"), Ok(d(2012, 12, 5)), "5 December, not 12 May");
        assert_eq!(parse("2012-05-14"), Ok(d(2012, 5, 14)), "ISO stays readable");
    }

    #[test]
    fn impossible_and_unreadable_dates_are_refused_with_a_reason() {
        assert_eq!(parse("31/02/2026"), Err(DateError::NoSuchDay { day: 31, month: 2, year: 2026 }));
        assert_eq!(
            parse("31/02/2026").unwrap_err().message(),
            "31/02/2026 is not a date: February 2026 has 28 days."
        );
        assert_eq!(parse("29/02/2024"), Ok(d(2024, 2, 29)));
        assert!(parse("29/02/2025").is_err());
        assert!(parse("14/13/2012").unwrap_err().message().contains("no month 13"));
        assert_eq!(parse("00/05/2012"), Err(DateError::NoSuchDay { day: 0, month: 5, year: 2012 }));
        assert_eq!(parse("14/05/12"), Err(DateError::ShortYear));
        assert_eq!(parse("14 May 2012"), Err(DateError::Unreadable));
        assert_eq!(parse("14/05"), Err(DateError::Unreadable));
        assert_eq!(parse("+1/05/2012"), Err(DateError::Unreadable));
        assert_eq!(parse(""), Err(DateError::Empty));
        assert_eq!(parse("99999/1/2012"), Err(DateError::Unreadable));
    }

    #[test]
    fn dates_are_shown_day_first() {
        assert_eq!(show(d(2012, 5, 14)), "14/05/2012");
        assert_eq!(show_iso("2026-06-01"), "01/06/2026");
        assert_eq!(show_iso("01/06/2026"), "01/06/2026");
        assert_eq!(show_iso(""), "");
        assert_eq!(long("2026-06-01"), "1 Jun 2026");
    }

    proptest! {
        #[test]
        fn what_is_shown_reads_back_as_the_same_day(days in 0i64..3_000_000) {
            let date = d(1, 1, 1) + chrono::Duration::days(days);
            prop_assume!(date.year() <= 9999);
            prop_assert_eq!(parse(&show(date)), Ok(date));
            prop_assert_eq!(parse(&date.format("%Y-%m-%d").to_string()), Ok(date));
        }

        #[test]
        fn no_text_panics_and_a_parsed_date_has_the_typed_numbers(s in "[0-9/.\\- ]{0,14}") {
            if let Ok(date) = parse(&s) {
                let nums: Vec<u32> = s.split(['/', '-', '.', ' ']).filter(|p| !p.is_empty())
                    .map(|p| p.parse().unwrap()).collect();
                prop_assert!(nums.contains(&date.day()) && nums.contains(&date.month()));
            }
        }
    }
}
