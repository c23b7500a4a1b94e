//! Every checker of typed input takes any text at all: it answers the
//! cleaned value or an `invalid` error naming its field, never a panic.
//! Text pasted from chat apps starts with invisible marks (U+202A), holds
//! letters of every script and emoji; the strategies favour such text.

use branchdesk_api::commands::timetable::Instalment;
use branchdesk_api::{ApiError, ErrorCode};
use branchdesk_desk::timetable::{plan, slots};
use branchdesk_desk::validate;
use chrono::NaiveDate;
use proptest::prelude::*;

/// Any string, or one made of the characters checkers look at, mixed with
/// invisible marks and letters of several byte widths.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "(\u{202A}|\u{202C}|\u{202E}|\u{200B}|\u{FEFF}|[+0-9 ()A-Za-z@.:/_-]|ज|é|₹|😀|\u{0}|\n){0,24}",
        "\u{202A}\\+?[0-9 ]{6,16}\u{202C}",
    ]
}

/// Ok, or an `invalid` error on `field`.
fn typed<T: std::fmt::Debug>(field: &str, r: Result<T, ApiError>) -> Result<(), TestCaseError> {
    if let Err(e) = r {
        prop_assert_eq!(e.code, ErrorCode::Invalid, "{:?}", e);
        prop_assert_eq!(e.field.as_deref(), Some(field), "{:?}", e);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn text_checkers_answer_a_value_or_a_typed_error(s in text(), n in 0usize..40) {
        typed("f", validate::required("f", "name", &s, n))?;
        typed("f", validate::optional("f", &s, n))?;
        typed("f", validate::email("f", &s))?;
        typed("f", validate::phone("f", &s))?;
        typed("f", validate::branch_code("f", &s, None))?;
        typed("f", validate::branch_code("f", &s, Some(&s)))?;
        typed("f", validate::code("f", &s, n))?;
        typed("f", validate::url("f", &s))?;
        typed("f", validate::currency("f", &s))?;
        typed("f", validate::parse_date("f", &s))?;
        typed("f", validate::month("f", &s, NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()))?;
        typed("f", slots::parse_time("f", &s, true))?;
        typed("e", slots::parse_span("s", "09:00", "e", &s))?;
    }

    #[test]
    fn attached_files_answer_a_value_or_a_typed_error(name in text(), content in text()) {
        if let Err(e) = validate::attached_file(&name, &content) {
            prop_assert_eq!(e.code, ErrorCode::Invalid);
            prop_assert!(e.is_for("file_name") || e.is_for("content_b64"), "{:?}", e);
        }
    }

    #[test]
    fn instalment_plans_answer_a_value_or_a_typed_error(
        dates in proptest::collection::vec(text(), 0..4),
        amounts in proptest::collection::vec(any::<i64>(), 4),
    ) {
        let input: Vec<Instalment> = dates
            .into_iter()
            .zip(amounts)
            .map(|(due_on, amount_minor)| Instalment { due_on, amount_minor })
            .collect();
        let start = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
        if let Err(e) = plan::parse_plan(&input, start, end) {
            prop_assert_eq!(e.code, ErrorCode::Invalid);
            prop_assert!(e.field.as_deref().is_some_and(|f| f.starts_with("instalments")), "{:?}", e);
        }
    }

    #[test]
    fn typed_amounts_and_dates_never_panic(s in text()) {
        let _ = branchdesk_api::amount::parse(&s);
        let _ = branchdesk_api::dates::parse(&s);
        let _ = branchdesk_api::dates::long(&s);
    }
}

/// The texts that used to panic: a phone starting with a mark pasted from
/// WhatsApp (U+202A, three bytes). The marks are left out of the number.
#[test]
fn a_phone_pasted_with_invisible_marks_is_read_without_them() {
    let phone = validate::phone("phone", "\u{202A}+91 98450 12345\u{202C}").unwrap();
    assert_eq!(phone.as_deref(), Some("+91 98450 12345"));
    assert!(validate::phone("phone", "é1234567").unwrap_err().is_for("phone"));
    assert!(validate::phone("phone", "ज+1234567").unwrap_err().is_for("phone"));
}
