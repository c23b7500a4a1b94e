//! Marks as teachers type and read them, in integer hundredths of a mark:
//! "12.5" is 1250, so halves and the quarter marks of negative marking add
//! up exactly and two equal totals always compare equal (ranks share).

/// The most marks a section may carry: 10,000 (in hundredths). Far above
/// any paper, small enough that any sum of a test's sections fits an i64.
pub const MAX_HUNDREDTHS: i64 = 1_000_000;

/// What a teacher typed into a marks cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// Nothing typed: the cell is cleared.
    Blank,
    /// "A", "a", "Ab" or "absent": the student did not sit the section.
    Absent,
    /// Marks in hundredths.
    Marks(i64),
}

/// Reads a cell: blank, absent, or a number with at most two decimals
/// ("12", "12.5", "12.25", ".5"). None when it is none of those (letters,
/// a sign, three decimals, too large).
pub fn parse(text: &str) -> Option<Entry> {
    let t = text.trim();
    if t.is_empty() {
        return Some(Entry::Blank);
    }
    if matches!(t.to_ascii_lowercase().as_str(), "a" | "ab" | "abs" | "absent") {
        return Some(Entry::Absent);
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if (whole.is_empty() && frac.is_empty()) || frac.len() > 2 || whole.len() > 7 {
        return None;
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    let value = whole * 100 + frac;
    (value <= MAX_HUNDREDTHS).then_some(Entry::Marks(value))
}

/// Hundredths as a teacher reads them: 1250 → "12.5", 1200 → "12",
/// 1225 → "12.25", -25 → "-0.25".
pub fn format(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let h = hundredths.unsigned_abs();
    match h % 100 {
        0 => format!("{sign}{}", h / 100),
        f if f % 10 == 0 => format!("{sign}{}.{}", h / 100, f / 10),
        f => format!("{sign}{}.{f:02}", h / 100),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_teachers_type_them() {
        assert_eq!(parse(""), Some(Entry::Blank));
        assert_eq!(parse("  "), Some(Entry::Blank));
        assert_eq!(parse("A"), Some(Entry::Absent));
        assert_eq!(parse("ab"), Some(Entry::Absent));
        assert_eq!(parse("12"), Some(Entry::Marks(1200)));
        assert_eq!(parse("12.5"), Some(Entry::Marks(1250)));
        assert_eq!(parse(" 12.25 "), Some(Entry::Marks(1225)));
        assert_eq!(parse(".5"), Some(Entry::Marks(50)));
        assert_eq!(parse("0"), Some(Entry::Marks(0)));
        for bad in ["-1", "12.255", "1e3", "twelve", ".", "12,5", "99999999"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn marks_print_without_trailing_zeros() {
        assert_eq!(format(1200), "12");
        assert_eq!(format(1250), "12.5");
        assert_eq!(format(1225), "12.25");
        assert_eq!(format(5), "0.05");
        assert_eq!(format(-25), "-0.25");
        for h in [0, 1, 10, 99, 100, 1234, 99_999] {
            assert_eq!(parse(&format(h)), Some(Entry::Marks(h)));
        }
    }
}
