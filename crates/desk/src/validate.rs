//! Input rules shared by the services. Each returns the cleaned value or an
//! error naming the field, in words a clerk understands.

use branchdesk_api::ApiError;
use chrono::NaiveDate;

pub const NAME_MAX: usize = 100;
pub const TEXT_MAX: usize = 500;

/// Trimmed, non-empty, at most `max` characters, no control characters.
/// A date typed day first (`14/05/2012`) or sent as ISO; an impossible
/// day is refused naming the field (`branchdesk_api::dates`).
pub fn parse_date(field: &str, value: &str) -> Result<NaiveDate, ApiError> {
    branchdesk_api::dates::parse(value).map_err(|e| ApiError::invalid(field, e.message()))
}

pub fn required(field: &str, label: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ApiError::invalid(field, format!("Enter the {label}.")));
    }
    optional(field, v, max)
}

/// Trimmed, possibly empty, at most `max` characters.
pub fn optional(field: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(ApiError::invalid(field, format!("Keep this to at most {max} characters.")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::invalid(field, "Remove the control characters from this text."));
    }
    Ok(v.to_owned())
}

/// A plausible email address, lower-cased (`branchdesk_api::contact`).
pub fn email(field: &str, value: &str) -> Result<String, ApiError> {
    branchdesk_api::contact::email(field, value)
}

/// Empty means no phone. Otherwise digits with optional +, spaces, dashes
/// and brackets, 7 to 15 digits (ITU E.164).
/// Characters that hide or reorder text (bidirectional marks, zero widths,
/// the byte-order mark). Chat apps wrap copied numbers in them
/// (`\u{202A}+91 98450 12345\u{202C}`); `invoice\u{202E}fdp.exe` reads as
/// `invoiceexe.pdf`.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// `value` without [`is_invisible`] characters.
pub fn without_invisible(value: &str) -> String {
    value.chars().filter(|c| !is_invisible(*c)).collect()
}

pub fn phone(field: &str, value: &str) -> Result<Option<String>, ApiError> {
    let visible = without_invisible(value);
    let v = visible.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let allowed = v.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    // A `+` only in front (by characters: the text may start with any of them).
    let plus_ok = !v.chars().skip(1).any(|c| c == '+');
    let digits = v.chars().filter(char::is_ascii_digit).count();
    if !allowed || !plus_ok || !(7..=15).contains(&digits) {
        return Err(ApiError::invalid(
            field,
            "Enter a phone number of 7 to 15 digits, e.g. +91 98450 12345.",
        ));
    }
    Ok(Some(v.to_owned()))
}

/// A branch code, printed at the start of every receipt number: 1 to
/// `BRANCH_CODE_MAX` letters or digits (`money/numbers.rs` says why).
/// `kept` is the branch's code now: a longer one older versions allowed
/// (up to 6) may be kept as it is, never given anew.
pub fn branch_code(field: &str, value: &str, kept: Option<&str>) -> Result<String, ApiError> {
    use branchdesk_api::commands::org::BRANCH_CODE_MAX;
    let v = value.trim().to_uppercase();
    let letters = !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric());
    if letters && (v.len() <= BRANCH_CODE_MAX || kept == Some(v.as_str())) {
        return Ok(v);
    }
    Err(ApiError::invalid(
        field,
        format!(
            "Use 1 to {BRANCH_CODE_MAX} letters or digits, e.g. K2: the code is printed at the start of every receipt number."
        ),
    ))
}

/// A short code such as a course code: letters, digits and `-`, upper-cased.
pub fn code(field: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let v = value.trim().to_uppercase();
    if v.is_empty() || v.len() > max || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(ApiError::invalid(
            field,
            format!("Use 1 to {max} letters, digits or dashes, e.g. PHY-11."),
        ));
    }
    Ok(v)
}

/// An http(s) link, or empty.
pub fn url(field: &str, value: &str) -> Result<String, ApiError> {
    let v = optional(field, value, 2000)?;
    if v.is_empty() {
        return Ok(v);
    }
    let rest = v.strip_prefix("https://").or_else(|| v.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !v.chars().any(char::is_whitespace) => Ok(v),
        _ => Err(ApiError::invalid(field, "Enter a link starting with https://")),
    }
}

/// A link from a synced row, checked again before the browser opens it:
/// `url`'s rules, and no control characters, no `user:password@` part (it
/// disguises where a link goes) and a host of letters (any script), digits,
/// dots and dashes (no `javascript:`, `file:` or `data:` can pass).
pub fn link_to_open(field: &str, value: &str) -> Result<String, ApiError> {
    let refused =
        || ApiError::invalid(field, "This link is not an ordinary web address, so it is not opened.");
    // Control characters, and the invisible ones that reorder or hide
    // text (bidirectional overrides, zero-width marks): a link shown as
    // "…exe.pdf" may be "…fdp.exe".
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    };
    if value.chars().any(hidden) {
        return Err(refused());
    }
    let v = url(field, value).map_err(|_| refused())?;
    let rest = v.strip_prefix("https://").or_else(|| v.strip_prefix("http://")).ok_or_else(refused)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once(':').map_or(authority, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            authority
        }
    });
    let host_ok = !host.is_empty()
        && host.chars().all(|c| !c.is_ascii() || c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !host.starts_with(['.', '-']);
    if v.is_empty() || !host_ok {
        return Err(refused());
    }
    Ok(v)
}

/// An amount at most [`amount::MAX_MINOR`] (₹10 crore) either way, so
/// every sum of amounts stays in range; the error names `field`.
///
/// [`amount::MAX_MINOR`]: branchdesk_api::amount::MAX_MINOR
pub fn bounded_amount(field: &str, minor: i64) -> Result<i64, ApiError> {
    use branchdesk_api::amount::{format, MAX_MINOR};
    if minor.unsigned_abs() > MAX_MINOR.unsigned_abs() {
        return Err(ApiError::invalid(
            field,
            format!("Enter at most {} (ten crore rupees).", format(MAX_MINOR)),
        ));
    }
    Ok(minor)
}

/// An ISO 4217 currency code.
pub fn currency(field: &str, value: &str) -> Result<String, ApiError> {
    let v = value.trim().to_uppercase();
    if v.len() != 3 || !v.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(ApiError::invalid(field, "Use a three-letter currency code such as INR."));
    }
    Ok(v)
}

/// An attached file (`file_name`, its bytes as base64 in `content_b64`, at
/// most 2 MB so it can travel in its row to every desk), checked: (name,
/// content), or an empty name and None when nothing is attached.
pub fn attached_file(file_name: &str, content_b64: &str) -> Result<(String, Option<String>), ApiError> {
    use base64::Engine;
    use branchdesk_api::commands::academics::MAX_ATTACHMENT_BYTES;
    if content_b64.is_empty() {
        return Ok((String::new(), None));
    }
    let name = required("file_name", "file name", file_name, 120)?;
    if name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(ApiError::invalid("file_name", "Use a plain file name, without folders."));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content_b64.as_bytes())
        .map_err(|_| ApiError::invalid("content_b64", "The file could not be read; choose it again."))?;
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(ApiError::invalid(
            "content_b64",
            format!("The file is {:.1} MB; attach at most 2 MB.", bytes.len() as f64 / 1_048_576.0),
        ));
    }
    if bytes.is_empty() {
        return Err(ApiError::invalid("content_b64", "The file is empty."));
    }
    Ok((name, Some(content_b64.to_owned())))
}

/// A month typed as YYYY-MM (empty: the month of `today`): its first day
/// and the first day of the next.
pub fn month(
    field: &str,
    text: &str,
    today: chrono::NaiveDate,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate), ApiError> {
    use chrono::Datelike;
    let text = text.trim();
    let first = if text.is_empty() {
        today.with_day(1).unwrap_or(today)
    } else {
        chrono::NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
            .map_err(|_| ApiError::invalid(field, "Choose a month as YYYY-MM."))?
    };
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(|| ApiError::invalid(field, "Choose a month as YYYY-MM."))?;
    Ok((first, next))
}

/// A JPEG or PNG picture sent base64 (`field` names it in errors): None
/// when empty (taken away), else the base64 text as sent, trimmed.
pub fn picture(field: &str, b64: &str, max_bytes: usize) -> Result<Option<String>, ApiError> {
    use base64::Engine;
    let b64 = b64.trim();
    if b64.is_empty() {
        return Ok(None);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .map_err(|_| ApiError::invalid(field, "The picture could not be read; choose it again."))?;
    if bytes.len() > max_bytes {
        let most = branchdesk_api::commands::attachments::size_text(max_bytes as u64).replace(".0 MB", " MB");
        return Err(ApiError::invalid(field, format!("Choose a picture of at most {most}.")));
    }
    let jpeg = bytes.starts_with(&[0xFF, 0xD8, 0xFF]);
    let png = bytes.starts_with(&[0x89, b'P', b'N', b'G']);
    if !jpeg && !png {
        return Err(ApiError::invalid(field, "Choose a JPEG or PNG picture."));
    }
    Ok(Some(b64.to_owned()))
}

/// A stored picture (`picture`) as a `data:` URL the screen shows.
pub fn picture_url(b64: &str) -> String {
    let kind = if b64.starts_with("iVBOR") { "image/png" } else { "image/jpeg" };
    format!("data:{kind};base64,{b64}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(required("full_name", "name", "  Asha  ", 10).unwrap(), "Asha");
        assert!(required("full_name", "name", "   ", 10).unwrap_err().is_for("full_name"));
        assert!(required("full_name", "name", &"x".repeat(11), 10).is_err());
        assert!(required("full_name", "name", "a\u{7}b", 10).is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(email("email", " Asha@Example.COM ").unwrap(), "asha@example.com");
        for bad in ["", "asha", "asha@", "@x.in", "asha@x", "a b@x.in", "a@x..in", "a@@x.in", "a@.x.in"] {
            assert!(email("email", bad).unwrap_err().is_for("email"), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(phone("phone", "").unwrap(), None);
        assert_eq!(phone("phone", "+91 98450-12345").unwrap().as_deref(), Some("+91 98450-12345"));
        for bad in ["12345", "98450x12345", "1+2345678", "1234567890123456"] {
            assert!(phone("phone", bad).unwrap_err().is_for("phone"), "{bad}");
        }
    }

    #[test]
    fn codes() {
        assert_eq!(branch_code("code", " k2 ", None).unwrap(), "K2");
        assert_eq!(branch_code("code", "kota2", None).unwrap(), "KOTA2");
        assert!(branch_code("code", "K-2", None).is_err());
        assert!(branch_code("code", "", None).is_err());
        let long = branch_code("code", "KORAMN", None).unwrap_err();
        assert!(long.is_for("code") && long.message.contains("1 to 5"), "{long:?}");
        assert_eq!(branch_code("code", "koramn", Some("KORAMN")).unwrap(), "KORAMN", "an older code is kept");
        assert!(branch_code("code", "KORAMX", Some("KORAMN")).is_err(), "but not given anew");
        assert_eq!(currency("currency", "inr").unwrap(), "INR");
        assert!(currency("currency", "RUPEE").is_err());
        assert_eq!(code("code", " phy-11 ", 12).unwrap(), "PHY-11");
        assert!(code("code", "PHY 11", 12).is_err());
        assert_eq!(url("url", "").unwrap(), "");
        assert!(url("url", "https://example.com/notes.pdf").is_ok());
        for bad in ["example.com", "javascript:alert(1)", "https://", "https://a b"] {
            assert!(url("url", bad).unwrap_err().is_for("url"), "{bad}");
        }
    }
}
