//! Receipt numbers: unique across every desk even when all are offline
//! (the desk's number is part of them), gap-free per desk and financial
//! year, at most 16 characters of letters, digits, `-` and `/` (the GST
//! rule for invoice numbers), and starting with the branch code:
//! `KOTA2/3/260042` is receipt 42 of desk 3 in the financial year that
//! starts in 2026 (2026-27, or 2026 when years start in January).
//! Invoices and salary payments have series of their own, marked by a
//! letter before the year: `KOTA2/3/I260042`, `KOTA2/3/S260042`.
//!
//! The arithmetic: code, `/`, desk number, `/`, the year's two digits and
//! the serial (four digits or more) make code + desk digits + serial
//! digits + 4 characters; the lettered series one more. Codes are at most
//! `api::commands::org::BRANCH_CODE_MAX` = 5 characters, so every number
//! fits in 16 with its code while
//! - receipts: desk digits + serial digits ≤ 7, i.e. desks 1–99 with up to
//!   99,999 receipts a year each, or desks 100–999 with up to 9,999;
//! - invoices and salary payments: ≤ 6, i.e. desks 1–99 with up to 9,999
//!   a year each
//!
//! (`every_valid_code_is_printed` below). Past those bounds (a desk
//! numbered 100 or more beyond its 9,999th receipt of a year, a desk
//! numbered 1,000 or more), and for a six-character code older versions
//! accepted once it no longer fits (receipts: desk + serial digits > 6;
//! the others: > 5), the number is printed without the code
//! (`100/2610042`): still unique and legal, and the code is never cut.
//! The old format (`K2/D3/26-27/0042`) dropped any code longer than two
//! characters.
//!
//! Numbers already printed never change: they are stored, never
//! recomputed. The next serial is the stored `serial` column's highest
//! for the desk and financial year plus one (`fiscal_year` keeps its form
//! "26-27"), so a year begun in the old format goes on in the new one
//! without restarting; and since "26-27" and "2026" both print as `26`,
//! the serial runs on across both (`year_keys`) when an organisation
//! changes the month its years start.

use chrono::{Datelike, NaiveDate};

pub const MAX_LEN: usize = 16;

/// The financial year `date` falls in, as stored: "26-27" for April 2026 –
/// March 2027 when years start in April; "2026" when they start in January.
pub fn fiscal_year(date: NaiveDate, start_month: u32) -> String {
    let start = if date.month() >= start_month { date.year() } else { date.year() - 1 };
    if start_month == 1 {
        start.to_string()
    } else {
        format!("{:02}-{:02}", start.rem_euclid(100), (start + 1).rem_euclid(100))
    }
}

/// The financial year as numbers print it: the last two digits of the
/// year it starts in ("26" for "26-27" and for "2026").
pub fn year_tag(fiscal_year: &str) -> String {
    let start = fiscal_year.split('-').next().unwrap_or_default();
    let digits: String = start.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(2)..].to_owned()
}

/// The stored forms of the financial year that print like `fiscal_year`:
/// itself and its twin ("26-27" and "2026"). A series' next serial is
/// counted over both, so no printed number repeats when the month years
/// start in changes to or from January.
pub fn year_keys(fiscal_year: &str) -> [String; 2] {
    let tag = year_tag(fiscal_year);
    let twin = if fiscal_year.contains('-') {
        format!("20{tag}")
    } else {
        let next = tag.parse::<u32>().map(|y| (y + 1) % 100).unwrap_or_default();
        format!("{tag}-{next:02}")
    };
    [fiscal_year.to_owned(), twin]
}

/// A receipt's number: `KOTA2/3/260042`.
pub fn receipt_number(branch_code: &str, desk_no: u32, fiscal_year: &str, serial: u32) -> String {
    with_code(branch_code, format!("{desk_no}/{}{serial:04}", year_tag(fiscal_year)))
}

/// An invoice's number: `KOTA2/3/I260042` — the desk's invoice series.
pub fn invoice_number(branch_code: &str, desk_no: u32, fiscal_year: &str, serial: u32) -> String {
    series_number(branch_code, desk_no, 'I', fiscal_year, serial)
}

/// A number in one of the desk's other series (`I` invoices, `S` salary
/// payments): the letter before the year.
pub fn series_number(
    branch_code: &str,
    desk_no: u32,
    series: char,
    fiscal_year: &str,
    serial: u32,
) -> String {
    with_code(branch_code, format!("{desk_no}/{series}{}{serial:04}", year_tag(fiscal_year)))
}

/// `code/tail`; the tail alone only when the code does not fit in 16
/// characters beside it (outside the bounds in the module's notes).
fn with_code(branch_code: &str, tail: String) -> String {
    let clean: String = branch_code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    if clean.is_empty() || clean.len() + 1 + tail.len() > MAX_LEN {
        tail
    } else {
        format!("{clean}/{tail}")
    }
}

/// Whether a code of `code_len` characters is printed in the numbers of
/// desk `desk_no` up to serial `serial` (`lettered`: invoices, salary
/// payments): true for every code of at most `BRANCH_CODE_MAX`
/// characters within the bounds of the module's notes.
pub fn code_fits(code_len: usize, desk_no: u32, serial: u32, lettered: bool) -> bool {
    let digits = |n: u32| n.max(1).ilog10() as usize + 1;
    code_len + digits(desk_no) + digits(serial).max(4) + 4 + usize::from(lettered) <= MAX_LEN
}

#[cfg(test)]
mod tests {
    use super::*;
    use branchdesk_api::commands::org::BRANCH_CODE_MAX;
    use proptest::prelude::*;

    fn fy(month: u32) -> String {
        fiscal_year(NaiveDate::from_ymd_opt(2026, month, 1).unwrap(), 4)
    }

    #[test]
    fn the_number_reads_like_the_gst_example() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        assert_eq!(fiscal_year(d, 4), "25-26");
        assert_eq!(fiscal_year(d.succ_opt().unwrap(), 4), "26-27");
        assert_eq!(fiscal_year(d, 1), "2026");
        assert_eq!(
            (year_tag("26-27"), year_tag("2026"), year_tag("99-00"), year_tag("")),
            ("26".into(), "26".into(), "99".into(), String::new())
        );
        assert_eq!(year_keys("26-27"), ["26-27", "2026"]);
        assert_eq!(year_keys("2026"), ["2026", "26-27"]);
        assert_eq!(year_keys("2099"), ["2099", "99-00"]);
        assert_eq!(receipt_number("K2", 3, "25-26", 42), "K2/3/250042");
        assert_eq!(receipt_number("K2", 3, "2026", 42), "K2/3/260042");
        assert_eq!(receipt_number("KOTA2", 1, "26-27", 1), "KOTA2/1/260001", "issue 25: the code is printed");
        assert_eq!(invoice_number("K2", 3, "25-26", 42), "K2/3/I250042");
        assert_eq!(series_number("K2", 3, 'S', "25-26", 42), "K2/3/S250042");
        // The widest numbers inside the bounds are exactly 16 characters.
        assert_eq!(receipt_number("KOTA2", 99, "26-27", 99_999), "KOTA2/99/2699999");
        assert_eq!(receipt_number("KOTA2", 999, "26-27", 9_999), "KOTA2/999/269999");
        assert_eq!(invoice_number("KOTA2", 99, "26-27", 9_999), "KOTA2/99/I269999");
        // A six-character code of an older version: printed while it fits.
        assert_eq!(receipt_number("KORAMN", 99, "26-27", 9_999), "KORAMN/99/269999");
        // Beyond the bounds: without the code, never cut.
        assert_eq!(receipt_number("KOTA2", 100, "26-27", 10_000), "100/2610000");
        assert_eq!(invoice_number("KORAMN", 10, "26-27", 1), "10/I260001");
        assert!(code_fits(5, 99, 99_999, false) && !code_fits(5, 100, 10_000, false));
        assert!(code_fits(5, 99, 9_999, true) && !code_fits(5, 99, 10_000, true));
    }

    proptest! {
        /// Issue 25: every code the product accepts, on every desk and
        /// serial within the bounds, starts the number, in 16 characters.
        #[test]
        fn every_valid_code_is_printed(
            code in "[A-Z0-9]{1,5}",
            desk in prop_oneof![1u32..=99, 100u32..=999],
            serial in prop_oneof![1u32..=9_999, 10_000u32..=99_999],
            month in 1u32..=12,
        ) {
            prop_assert!(code.len() <= BRANCH_CODE_MAX);
            let fy = fy(month);
            let prefix = format!("{code}/");
            let r = receipt_number(&code, desk, &fy, serial);
            if desk <= 99 || serial <= 9_999 {
                prop_assert!(r.len() <= MAX_LEN && r.starts_with(&prefix), "{}", r);
            }
            if desk <= 99 && serial <= 9_999 {
                for n in [invoice_number(&code, desk, &fy, serial), series_number(&code, desk, 'S', &fy, serial)] {
                    prop_assert!(n.len() <= MAX_LEN && n.starts_with(&prefix), "{}", n);
                }
            }
            prop_assert_eq!(r.starts_with(&prefix), code_fits(code.len(), desk, serial, false));
        }

        /// Any code, desk and serial give a legal number that carries the
        /// code whenever it fits, and different desks, serials or series
        /// never give the same one.
        #[test]
        fn numbers_are_legal_and_distinct(
            code in "[A-Z0-9]{0,8}",
            desks in (1u32..9_999, 1u32..9_999),
            serials in (1u32..999_999, 1u32..999_999),
            month in 1u32..=12,
        ) {
            let fy = fy(month);
            let a = receipt_number(&code, desks.0, &fy, serials.0);
            prop_assert!(a.len() <= MAX_LEN, "{}", a);
            prop_assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/'));
            let tail = receipt_number("", desks.0, &fy, serials.0);
            let fits = !code.is_empty() && code.len() + 1 + tail.len() <= MAX_LEN;
            prop_assert_eq!(a.clone(), if fits { format!("{code}/{tail}") } else { tail }, "never dropped when it fits");
            let b = receipt_number(&code, desks.1, &fy, serials.1);
            prop_assert_eq!(a == b, desks.0 == desks.1 && serials.0 == serials.1);
            let i = invoice_number(&code, desks.0, &fy, serials.0);
            let s = series_number(&code, desks.0, 'S', &fy, serials.0);
            prop_assert!(i.len() <= MAX_LEN && i != a && s != a && s != i, "{} / {} / {}", i, a, s);
        }
    }
}
