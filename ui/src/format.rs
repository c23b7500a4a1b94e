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

/// Minor units as the amount a clerk reads: 250000 → "2,500.00" (Indian
/// digit grouping: 1,00,000.00).
pub fn money(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    let (whole, paise) = (m / 100, m % 100);
    let digits = whole.to_string();
    let grouped = if digits.len() <= 3 {
        digits
    } else {
        let (head, tail) = digits.split_at(digits.len() - 3);
        let mut parts: Vec<String> = Vec::new();
        let mut rest = head;
        while rest.len() > 2 {
            let (a, b) = rest.split_at(rest.len() - 2);
            parts.push(b.to_owned());
            rest = a;
        }
        parts.push(rest.to_owned());
        parts.reverse();
        format!("{},{tail}", parts.join(","))
    };
    format!("{sign}{grouped}.{paise:02}")
}

/// An amount typed by a clerk ("2500", "2,500.5", "2500.50") in minor
/// units, without floating point. None when it is not an amount.
pub fn parse_money(text: &str) -> Option<i64> {
    let t: String = text.trim().chars().filter(|c| *c != ',' && *c != ' ').collect();
    if t.is_empty() {
        return Some(0);
    }
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() && frac.is_empty() || frac.len() > 2 {
        return None;
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_reads_and_parses_without_floats() {
        assert_eq!(super::money(250_000), "2,500.00");
        assert_eq!(super::money(10_000_000), "1,00,000.00");
        assert_eq!(super::money(5), "0.05");
        assert_eq!(super::money(-12_345_678), "-1,23,456.78");
        assert_eq!(super::parse_money("2,500.5"), Some(250_050));
        assert_eq!(super::parse_money("2500"), Some(250_000));
        assert_eq!(super::parse_money(""), Some(0));
        for bad in ["2.555", "abc", "-5", "1.2.3", "."] {
            assert_eq!(super::parse_money(bad), None, "{bad}");
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(super::bytes(512), "512 bytes");
        assert_eq!(super::bytes(4096), "4 KB");
        assert_eq!(super::bytes(3 << 20), "3.0 MB");
    }
}
