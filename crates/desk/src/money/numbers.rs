//! Receipt numbers: unique across every desk even when all are offline
//! (the desk's number is part of them), gap-free per desk and financial
//! year, at most 16 characters of letters, digits, `-` and `/` (the GST
//! rule for invoice numbers): `K2/D3/26-27/0042`. Printed numbers never
//! change, so this format is settled.

use chrono::{Datelike, NaiveDate};

pub const MAX_LEN: usize = 16;

/// The financial year `date` falls in, as printed: "26-27" for April 2026 –
/// March 2027 when years start in April; "2026" when they start in January.
pub fn fiscal_year(date: NaiveDate, start_month: u32) -> String {
    let start = if date.month() >= start_month { date.year() } else { date.year() - 1 };
    if start_month == 1 {
        start.to_string()
    } else {
        format!("{:02}-{:02}", start.rem_euclid(100), (start + 1).rem_euclid(100))
    }
}

/// The number for a serial: with the branch code when it fits in 16
/// characters, else without (the desk number alone keeps it unique).
pub fn receipt_number(branch_code: &str, desk_no: u32, fiscal_year: &str, serial: u32) -> String {
    let tail = format!("D{desk_no}/{fiscal_year}/{serial:04}");
    let clean: String = branch_code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    let full = format!("{clean}/{tail}");
    if !clean.is_empty() && full.len() <= MAX_LEN {
        full
    } else {
        tail
    }
}

/// An invoice's number: `K2/D3/I2627/0042` — the desk's invoice series
/// (`I` and the financial year without its dash), same rules as receipts.
pub fn invoice_number(branch_code: &str, desk_no: u32, fiscal_year: &str, serial: u32) -> String {
    series_number(branch_code, desk_no, 'I', fiscal_year, serial)
}

/// A number in one of the desk's other series (`I` invoices, `S` salary
/// payments): the letter and the financial year without its dash.
pub fn series_number(
    branch_code: &str,
    desk_no: u32,
    series: char,
    fiscal_year: &str,
    serial: u32,
) -> String {
    receipt_number(branch_code, desk_no, &format!("{series}{}", fiscal_year.replace('-', "")), serial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_number_reads_like_the_gst_example() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        assert_eq!(fiscal_year(d, 4), "25-26");
        assert_eq!(fiscal_year(d.succ_opt().unwrap(), 4), "26-27");
        assert_eq!(fiscal_year(d, 1), "2026");
        assert_eq!(receipt_number("K2", 3, "25-26", 42), "K2/D3/25-26/0042");
        assert_eq!(receipt_number("KORAMANGALA", 3, "25-26", 42), "D3/25-26/0042");
        assert_eq!(invoice_number("K2", 3, "25-26", 42), "K2/D3/I2526/0042");
        assert_eq!(series_number("K2", 3, 'S', "25-26", 42), "K2/D3/S2526/0042");
    }

    proptest! {
        /// Any branch code, desk and serial a centre reaches gives a legal
        /// number, and different desks or serials never give the same one.
        #[test]
        fn numbers_are_legal_and_distinct(
            code in "[A-Z0-9]{0,8}",
            desks in (1u32..999, 1u32..999),
            serials in (1u32..99_999, 1u32..99_999),
            month in 1u32..=12,
        ) {
            let fy = fiscal_year(NaiveDate::from_ymd_opt(2026, month, 1).unwrap(), 4);
            let a = receipt_number(&code, desks.0, &fy, serials.0);
            prop_assert!(a.len() <= MAX_LEN, "{}", a);
            prop_assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/'));
            let b = receipt_number(&code, desks.1, &fy, serials.1);
            prop_assert_eq!(a == b, desks.0 == desks.1 && serials.0 == serials.1);
            let i = invoice_number(&code, desks.0, &fy, serials.0);
            prop_assert!(i.len() <= MAX_LEN && i != a, "{} / {}", i, a);
        }
    }
}
