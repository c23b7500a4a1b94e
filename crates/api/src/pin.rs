//! Desk codes and certificate pins, as people paste them.
//!
//! A desk joins with a one-time code the server made (80 random bits, shown
//! `XXXX-XXXX-XXXX-XXXX` in an alphabet without look-alikes). When the
//! server made its own certificate, the code also carries the server's pin
//! after a slash — `XXXX-XXXX-XXXX-XXXX/<26 characters>` — the first 128
//! bits of the SHA-256 of the certificate's public key, so the joining desk
//! knows it reached that server and no other before it sends anything.

/// RFC 4648 base32, lower case, unpadded: what a pin is written in.
const PIN_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
/// Codes avoid letters people confuse (I, O, 0, 1).
pub const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Characters of a code's secret (5 bits each: 80 bits).
pub const CODE_CHARS: usize = 16;
/// Characters of a pin (128 bits).
pub const PIN_CHARS: usize = 26;

/// Base32 of `bytes` (RFC 4648 alphabet, lower case, no padding).
pub fn encode(bytes: &[u8]) -> String {
    encode_with(PIN_ALPHABET, bytes)
}

fn encode_with(alphabet: &[u8; 32], bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(alphabet[((acc >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(alphabet[((acc << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// A code's secret from 10 random bytes: 16 characters, each 5 bits, no
/// bias (32 symbols), shown in groups of four.
pub fn code_from_random(random: &[u8; 10]) -> String {
    let plain = encode_with(CODE_ALPHABET, random);
    plain.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// Codes are typed or pasted by people: case, spaces and dashes do not
/// matter.
pub fn normalise_code(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_uppercase()
}

/// A pasted desk code: its secret and, when the server made its own
/// certificate, the pin to trust it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinCode {
    pub secret: String,
    pub pin: Option<String>,
}

impl JoinCode {
    /// Reads what a person pasted; `Err` says what is wrong in their words.
    pub fn parse(text: &str) -> Result<JoinCode, &'static str> {
        let text = text.trim();
        let (secret, pin) = match text.split_once('/') {
            Some((s, p)) => (s, Some(p.trim())),
            None => (text, None),
        };
        let secret = secret.trim();
        if secret.is_empty() {
            return Err("Paste the desk code, e.g. ABCD-EFGH-JKLM-NPQR/…");
        }
        if secret.chars().count() > 64
            || !secret.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
        {
            return Err("That is not a desk code: it has letters, digits and dashes only.");
        }
        let pin = match pin {
            None => None,
            Some(p) => {
                let p = p.to_ascii_lowercase();
                if p.len() != PIN_CHARS || !p.bytes().all(|b| PIN_ALPHABET.contains(&b)) {
                    return Err("The part after the slash is damaged; copy the whole code again.");
                }
                Some(p)
            }
        };
        Ok(JoinCode { secret: secret.to_owned(), pin })
    }

    /// As shown to a person: the secret, then `/pin` when there is one.
    pub fn show(&self) -> String {
        match &self.pin {
            Some(p) => format!("{}/{p}", self.secret),
            None => self.secret.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc_4648_test_vectors() {
        // RFC 4648 §10, lower case and unpadded.
        for (input, want) in [
            ("", ""),
            ("f", "my"),
            ("fo", "mzxq"),
            ("foo", "mzxw6"),
            ("foob", "mzxw6yq"),
            ("fooba", "mzxw6ytb"),
            ("foobar", "mzxw6ytboi"),
        ] {
            assert_eq!(encode(input.as_bytes()), want, "{input}");
        }
        assert_eq!(encode(&[0xff; 16]).len(), PIN_CHARS);
    }

    #[test]
    fn a_code_has_eighty_bits_in_groups_of_four_without_look_alikes() {
        let code = code_from_random(&[0x00, 0x44, 0x32, 0x14, 0xc7, 0x42, 0x54, 0xb6, 0x35, 0xcf]);
        assert_eq!(code.len(), 19);
        assert_eq!(normalise_code(&code).len(), CODE_CHARS);
        assert!(normalise_code(&code).bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert_ne!(code_from_random(&[0; 10]), code_from_random(&[1; 10]));
        assert_eq!(normalise_code(" abcd-efgh jklm-npqr "), "ABCDEFGHJKLMNPQR");
    }

    #[test]
    fn a_pasted_code_splits_into_secret_and_pin() {
        let pin = "a".repeat(PIN_CHARS);
        let c = JoinCode::parse(&format!("  ABCD-EFGH-JKLM-NPQR/{} ", pin.to_uppercase())).unwrap();
        assert_eq!(c.secret, "ABCD-EFGH-JKLM-NPQR");
        assert_eq!(c.pin.as_deref(), Some(pin.as_str()));
        assert_eq!(JoinCode::parse(&c.show()).unwrap(), c);
        assert_eq!(JoinCode::parse("ABCD-EFGH").unwrap().pin, None);
        assert!(JoinCode::parse("").is_err());
        assert!(JoinCode::parse("ABCD-EFGH/short").is_err(), "a cut-off pin is refused, not trusted");
        assert!(JoinCode::parse("ABCD-EFGH/ऄऄऄऄऄऄऄऄऄऄऄऄऄऄऄऄऄऄऄऄऄऄऄऄऄऄ").is_err());
        assert!(JoinCode::parse("<script>").is_err());
    }
}
