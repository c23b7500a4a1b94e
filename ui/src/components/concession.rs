//! The concession fields (kind, percent or amount, category, reason) of the
//! forms that enrol a student, admit one from an enquiry, or change an
//! enrolment's concession.

use crate::components::field::{Field, Select};
use crate::format::{money, parse_money};
use branchdesk_api::commands::students::{ConcessionCategory, DiscountKind, Enrolment};
use branchdesk_api::ApiError;
use yew::prelude::*;

/// The fields' errors, for a form's `FormError` list.
pub const FIELDS: [&str; 4] = ["discount_kind", "discount_value", "discount_category", "discount_reason"];

/// The concession as typed.
#[derive(Clone, PartialEq)]
pub struct Concession {
    pub kind: String,
    /// A percent (up to two decimals) or an amount in rupees.
    pub value: String,
    pub category: String,
    pub reason: String,
}

impl Default for Concession {
    fn default() -> Self {
        Self {
            kind: DiscountKind::None.as_str().into(),
            value: String::new(),
            category: ConcessionCategory::None.as_str().into(),
            reason: String::new(),
        }
    }
}

/// A concession as the commands take it.
pub struct Typed {
    pub kind: DiscountKind,
    pub value: i64,
    pub reason: String,
    pub category: ConcessionCategory,
}

impl Concession {
    /// The concession an enrolment has, as its fields show it.
    pub fn of(e: &Enrolment) -> Self {
        let value = match e.discount_kind {
            DiscountKind::None => String::new(),
            DiscountKind::Percent => crate::format::percent(e.discount_value.clamp(0, 10_000) as u32),
            DiscountKind::Fixed => money(e.discount_value).replace(',', ""),
        };
        Self {
            kind: e.discount_kind.as_str().into(),
            value,
            category: e.discount_category.as_str().into(),
            reason: e.discount_reason.clone(),
        }
    }

    /// Percent (up to two decimals) is basis points; an amount is minor
    /// units. A value that is no number is the value field's error.
    pub fn typed(&self) -> Result<Typed, ApiError> {
        let kind = DiscountKind::parse(&self.kind).unwrap_or_default();
        let value = if kind == DiscountKind::None {
            0
        } else {
            parse_money(&self.value).ok_or_else(|| {
                ApiError::invalid("discount_value", "Enter the discount as a number, e.g. 10 or 500.")
            })?
        };
        Ok(Typed {
            kind,
            value,
            reason: self.reason.clone(),
            category: ConcessionCategory::parse(&self.category).unwrap_or_default(),
        })
    }
}

#[derive(Properties, PartialEq)]
pub struct ConcessionFieldsProps {
    pub value: Concession,
    pub on_change: Callback<Concession>,
    #[prop_or_default]
    pub error: Option<ApiError>,
    /// Put before each field's element id when another form on the page
    /// shows the same fields (e.g. "concession-": `#concession-discount_kind`).
    #[prop_or_default]
    pub id_prefix: Option<AttrValue>,
}

/// Kind, value, category and reason in one row; errors beside each.
#[component]
pub fn ConcessionFields(p: &ConcessionFieldsProps) -> Html {
    let set = |f: fn(&mut Concession, String)| {
        let (on_change, value) = (p.on_change.clone(), p.value.clone());
        Callback::from(move |v: String| {
            let mut c = value.clone();
            f(&mut c, v);
            on_change.emit(c)
        })
    };
    let id = |name: &str| p.id_prefix.as_ref().map(|pre| AttrValue::from(format!("{pre}{name}")));
    let kinds: Vec<(String, String)> =
        DiscountKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect();
    let categories: Vec<(String, String)> =
        ConcessionCategory::ALL.iter().map(|c| (c.as_str().to_owned(), c.label().to_owned())).collect();
    let c = &p.value;
    html! {
        <div class="row concession">
            <Select label="Discount" name="discount_kind" id={id("discount_kind")} value={c.kind.clone()} options={kinds} on_change={set(|c, v| c.kind = v)} error={p.error.clone()} />
            <Field label="Percent or amount" name="discount_value" id={id("discount_value")} value={c.value.clone()} on_input={set(|c, v| c.value = v)} error={p.error.clone()} />
            <Select label="Concession" name="discount_category" id={id("discount_category")} value={c.category.clone()} options={categories} on_change={set(|c, v| c.category = v)} error={p.error.clone()} />
            <Field label="Why" name="discount_reason" id={id("discount_reason")} value={c.reason.clone()} on_input={set(|c, v| c.reason = v)} error={p.error.clone()} />
        </div>
    }
}
