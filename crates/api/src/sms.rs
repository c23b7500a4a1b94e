//! How long a text is as an SMS, as carriers count it (3GPP TS 23.038):
//! in the GSM 7-bit alphabet, 160 characters fit one message and 153 each
//! part of a longer one, and the extension characters (`^ { } \ [ ~ ] | €`
//! and form feed) take two; any other character (Hindi, ₹, an emoji) sends
//! the whole text as UCS-2: 70 units in one message, 67 a part, and a
//! character beyond the Basic Multilingual Plane takes two. A desk shows
//! the parts before a bulk send, since each part is paid for.

/// How a text is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

/// The length of a text as an SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segments {
    pub encoding: Encoding,
    /// Septets (GSM-7) or 16-bit units (UCS-2).
    pub units: usize,
    /// Messages it goes as (0 for an empty text).
    pub parts: usize,
}

/// The GSM 7-bit default alphabet (one septet each).
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The extension table (an escape and a septet: two each).
const EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// Septets `c` takes in GSM-7, or None when it has no place there.
fn septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENDED.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Parts for `units` when one message holds `single` and a part `part`.
fn parts(units: usize, single: usize, part: usize) -> usize {
    match units {
        0 => 0,
        u if u <= single => 1,
        u => u.div_ceil(part),
    }
}

pub fn segments(text: &str) -> Segments {
    match text.chars().map(septets).sum::<Option<usize>>() {
        Some(units) => Segments { encoding: Encoding::Gsm7, units, parts: parts(units, 160, 153) },
        None => {
            let units = text.encode_utf16().count();
            Segments { encoding: Encoding::Ucs2, units, parts: parts(units, 70, 67) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn carriers_count_these_texts_so() {
        let gsm = |n: usize| "a".repeat(n);
        assert_eq!(segments("").parts, 0);
        assert_eq!(segments(&gsm(160)).parts, 1);
        assert_eq!(segments(&gsm(161)).parts, 2);
        assert_eq!(segments(&gsm(306)).parts, 2);
        assert_eq!(segments(&gsm(307)).parts, 3);
        // The euro sign takes two septets: 159 letters and € overflow one message.
        assert_eq!(
            segments(&format!("{}€", gsm(158))),
            Segments { encoding: Encoding::Gsm7, units: 160, parts: 1 }
        );
        assert_eq!(segments(&format!("{}€", gsm(159))).parts, 2);
        // One Hindi letter, or the rupee sign, makes the whole text UCS-2.
        let hindi = "आरव शर्मा आज अनुपस्थित था";
        assert_eq!(segments(hindi).encoding, Encoding::Ucs2);
        assert_eq!(segments(&format!("Fee Rs 1,500 ₹{}", gsm(60))).parts, 2);
        assert_eq!(segments(&gsm(70).replace('a', "अ")).parts, 1);
        assert_eq!(segments(&gsm(71).replace('a', "अ")).parts, 2);
        // An emoji is two UCS-2 units.
        assert_eq!(segments("🙂").units, 2);
    }

    proptest! {
        #[test]
        fn parts_hold_the_text_and_no_part_is_wasted(text in "[a-zA-Z0-9 .,€{}अआ🙂]{0,400}") {
            let s = segments(&text);
            let (single, part) = match s.encoding { Encoding::Gsm7 => (160, 153), Encoding::Ucs2 => (70, 67) };
            if s.parts <= 1 {
                prop_assert!(s.units <= single);
            } else {
                prop_assert!(s.units <= s.parts * part, "{s:?} do not fit");
                prop_assert!(s.units > (s.parts - 1) * part, "{s:?}: one part too many");
            }
            prop_assert_eq!(s.parts == 0, text.is_empty());
            // GSM-7 exactly when every character has a place in its alphabet.
            let all_gsm = text.chars().all(|c| septets(c).is_some());
            prop_assert_eq!(s.encoding == Encoding::Gsm7, all_gsm);
        }
    }
}
