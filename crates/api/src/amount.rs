//! Money as people type and read it, in integer minor units (paise): no
//! floating point anywhere an amount flows.

/// The largest amount a person may type or a fee may be, in minor units:
/// ₹10 crore. Far above any fee, salary or expense of a coaching centre,
/// and small enough that 900 million of them still add up within an i64,
/// so no total, balance or report can overflow.
pub const MAX_MINOR: i64 = 10_000_000_000;

/// Minor units as a clerk reads them: 250000 → "2,500.00" (Indian digit
/// grouping: 1,00,000.00).
pub fn format(minor: i64) -> String {
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

/// An amount as printed on a document of an organisation keeping its
/// books in `currency`: "₹2,500.00" for rupees, "USD 2,500.00" for
/// another, the bare figure when the currency is not known.
pub fn format_in(currency: &str, minor: i64) -> String {
    match currency {
        "" => format(minor),
        "INR" => format!("₹{}", format(minor)),
        c => format!("{c} {}", format(minor)),
    }
}

/// An amount typed by a clerk ("2500", "2,500.5", "2500.50") in minor
/// units. None when it is not an amount (letters, a sign, three decimals,
/// too large); an empty text is zero.
pub fn parse(text: &str) -> Option<i64> {
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

const ONES: [&str; 20] = [
    "",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
];
const TENS: [&str; 10] =
    ["", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"];

fn below_hundred(n: u64) -> String {
    match n {
        0..=19 => ONES[n as usize].to_owned(),
        _ if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_owned(),
        _ => format!("{}-{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
    }
}

fn below_thousand(n: u64) -> String {
    match (n / 100, n % 100) {
        (0, r) => below_hundred(r),
        (h, 0) => format!("{} Hundred", ONES[h as usize]),
        (h, r) => format!("{} Hundred {}", ONES[h as usize], below_hundred(r)),
    }
}

/// A whole number in words the Indian way: crore, lakh, thousand (a
/// count of crores above 999 is itself spelt the same way).
fn spell(n: u64) -> String {
    let mut rest = n;
    let mut parts = Vec::new();
    if rest >= 10_000_000 {
        parts.push(format!("{} Crore", spell(rest / 10_000_000)));
        rest %= 10_000_000;
    }
    for (unit, name) in [(100_000, "Lakh"), (1_000, "Thousand")] {
        if rest >= unit {
            parts.push(format!("{} {name}", below_thousand(rest / unit)));
            rest %= unit;
        }
    }
    if rest > 0 {
        parts.push(below_thousand(rest));
    }
    if parts.is_empty() {
        "Zero".to_owned()
    } else {
        parts.join(" ")
    }
}

/// Rupees in words, as receipts print them: 150050 → "Rupees One Thousand
/// Five Hundred and Paise Fifty Only".
pub fn in_words(minor: i64) -> String {
    let m = minor.unsigned_abs();
    let sign = if minor < 0 { "Minus " } else { "" };
    let rupees = spell(m / 100);
    match m % 100 {
        0 => format!("{sign}Rupees {rupees} Only"),
        paise => format!("{sign}Rupees {rupees} and Paise {} Only", below_hundred(paise)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_read_the_indian_way() {
        assert_eq!(format(250_000), "2,500.00");
        assert_eq!(format(10_000_000), "1,00,000.00");
        assert_eq!(format(-5), "-0.05");
        assert_eq!(format_in("INR", 250_000), "₹2,500.00");
        assert_eq!(format_in("USD", -5), "USD -0.05");
        assert_eq!(format_in("", 100), "1.00");
        assert_eq!(in_words(150_050), "Rupees One Thousand Five Hundred and Paise Fifty Only");
        assert_eq!(in_words(1_180_000), "Rupees Eleven Thousand Eight Hundred Only");
        assert_eq!(
            in_words(1_234_567_800),
            "Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight Only"
        );
        assert_eq!(in_words(0), "Rupees Zero Only");
        assert_eq!(in_words(1_234_000_000_000), "Rupees One Thousand Two Hundred Thirty-Four Crore Only");
    }

    #[test]
    fn typed_amounts_are_exact_or_refused() {
        assert_eq!(parse("2,500.5"), Some(250_050));
        assert_eq!(parse("0.05"), Some(5));
        assert_eq!(parse("12.345"), None, "three decimals");
        assert_eq!(parse("-10"), None);
        assert_eq!(parse("1e3"), None);
        assert_eq!(parse("99999999999999999999"), None);
    }

    proptest! {
        #[test]
        fn printing_and_typing_an_amount_round_trips(minor in 0i64..1_000_000_000_000) {
            prop_assert_eq!(parse(&format(minor)), Some(minor));
        }
    }
}
