//! The settings catalogue: every key a desk understands, its type, default
//! and whether it may differ per branch. Values are typed on the wire.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingKind {
    Text,
    Integer,
    Flag,
}

/// What an integer setting counts, so that it is typed and shown as
/// people read it: rupees as "5,000.00", a rate as "18" (per cent); kept
/// in paise and basis points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingUnit {
    #[default]
    Count,
    /// Kept in paise, typed in rupees.
    Money,
    /// Kept in hundredths of a per cent, typed in per cent.
    Percent,
}

impl SettingUnit {
    /// An integer as a person reads it: 500000 paise → "5,000.00".
    pub fn show(self, value: i64) -> String {
        match self {
            SettingUnit::Count => value.to_string(),
            SettingUnit::Money => crate::amount::format(value),
            SettingUnit::Percent => {
                let text = crate::amount::format(value);
                text.trim_end_matches('0').trim_end_matches('.').to_owned()
            }
        }
    }

    /// What a person typed, in the unit kept: "5,000" → 500000; "18" → 1800.
    pub fn parse(self, text: &str) -> Option<i64> {
        match self {
            SettingUnit::Count => text.trim().parse().ok(),
            SettingUnit::Money | SettingUnit::Percent => crate::amount::parse(text),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum SettingValue {
    Text(String),
    Integer(i64),
    Flag(bool),
}

impl SettingValue {
    pub fn kind(&self) -> SettingKind {
        match self {
            SettingValue::Text(_) => SettingKind::Text,
            SettingValue::Integer(_) => SettingKind::Integer,
            SettingValue::Flag(_) => SettingKind::Flag,
        }
    }

    pub fn display(&self) -> String {
        match self {
            SettingValue::Text(s) => s.clone(),
            SettingValue::Integer(i) => i.to_string(),
            SettingValue::Flag(b) => if *b { "Yes" } else { "No" }.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct SettingSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: SettingKind,
    /// What an integer counts (money and rates are typed as people read them).
    pub unit: SettingUnit,
    /// Allowed range for integers.
    pub min: i64,
    pub max: i64,
    pub per_branch: bool,
    pub default: fn() -> SettingValue,
}

pub const SESSION_IDLE_MINUTES: &str = "session.idle_minutes";
pub const SESSION_ABSOLUTE_HOURS: &str = "session.absolute_hours";
pub const DATE_FORMAT: &str = "display.date_format";
pub const ATTENDANCE_EDIT_DAYS: &str = "attendance.edit_window_days";
pub const RECEIPT_FOOTER: &str = "receipt.footer";
pub const AUTO_SEND_ALERTS: &str = "notifications.auto_send";
pub const GUARDIAN_REQUIRED_UNDER: &str = "students.guardian_required_under_age";
pub const GSTIN: &str = "tax.gstin";
pub const GST_RATE_BP: &str = "tax.gst_rate_bp";
pub const FEES_INCLUDE_TAX: &str = "tax.fees_include_tax";
pub const YEAR_START_MONTH: &str = "finance.year_start_month";
pub const REMINDER_TEMPLATE: &str = "fees.reminder_template";
pub const EXPENSE_APPROVAL_ABOVE: &str = "expenses.approval_above_minor";
pub const LATE_FEE: &str = "fees.late_fee_minor";
pub const LATE_FEE_AFTER_DAYS: &str = "fees.late_fee_after_days";
pub const PF_APPLIES: &str = "payroll.pf_applies";
pub const PF_RATE_BP: &str = "payroll.pf_rate_bp";
pub const PF_WAGE_CEILING: &str = "payroll.pf_wage_ceiling_minor";
pub const ESI_APPLIES: &str = "payroll.esi_applies";
pub const ESI_EMPLOYEE_BP: &str = "payroll.esi_employee_bp";
pub const ESI_EMPLOYER_BP: &str = "payroll.esi_employer_bp";
pub const ESI_THRESHOLD: &str = "payroll.esi_threshold_minor";
pub const PT_STATE: &str = "payroll.pt_state";
pub const SMS_PART_COST: &str = "messages.sms_part_cost_minor";

pub const CATALOGUE: &[SettingSpec] = &[
    SettingSpec {
        key: SESSION_IDLE_MINUTES,
        label: "Log out after this many idle minutes",
        kind: SettingKind::Integer,
        unit: SettingUnit::Count,
        min: 5,
        max: 24 * 60,
        per_branch: false,
        default: || SettingValue::Integer(60),
    },
    SettingSpec {
        key: SESSION_ABSOLUTE_HOURS,
        label: "Log out after this many hours in any case",
        kind: SettingKind::Integer,
        unit: SettingUnit::Count,
        min: 1,
        max: 72,
        per_branch: false,
        default: || SettingValue::Integer(12),
    },
    SettingSpec {
        key: DATE_FORMAT,
        label: "Date format (DD-MM-YYYY, DD/MM/YYYY or YYYY-MM-DD)",
        kind: SettingKind::Text,
        unit: SettingUnit::Count,
        min: 0,
        max: 0,
        per_branch: true,
        default: || SettingValue::Text("DD-MM-YYYY".into()),
    },
    SettingSpec {
        key: ATTENDANCE_EDIT_DAYS,
        label: "Days after which attendance needs a manager to change",
        kind: SettingKind::Integer,
        unit: SettingUnit::Count,
        min: 0,
        max: 365,
        per_branch: true,
        default: || SettingValue::Integer(3),
    },
    SettingSpec {
        key: RECEIPT_FOOTER,
        label: "Footer printed on receipts",
        kind: SettingKind::Text,
        unit: SettingUnit::Count,
        min: 0,
        max: 0,
        per_branch: true,
        default: || SettingValue::Text(String::new()),
    },
    SettingSpec {
        key: AUTO_SEND_ALERTS,
        label: "Send absence alerts and reminders without review",
        kind: SettingKind::Flag,
        unit: SettingUnit::Count,
        min: 0,
        max: 0,
        per_branch: true,
        default: || SettingValue::Flag(false),
    },
    SettingSpec {
        key: GUARDIAN_REQUIRED_UNDER,
        label: "A student younger than this many years needs a guardian (0: never)",
        kind: SettingKind::Integer,
        unit: SettingUnit::Count,
        min: 0,
        max: 30,
        per_branch: true,
        default: || SettingValue::Integer(18),
    },
    SettingSpec {
        key: GSTIN,
        label: "Organisation tax id (GSTIN), printed on receipts",
        kind: SettingKind::Text,
        unit: SettingUnit::Count,
        min: 0,
        max: 0,
        per_branch: true,
        default: || SettingValue::Text(String::new()),
    },
    SettingSpec {
        key: GST_RATE_BP,
        label: "GST on fees, in per cent (18 for 18 %; 0: none)",
        kind: SettingKind::Integer,
        unit: SettingUnit::Percent,
        min: 0,
        max: 2800,
        per_branch: true,
        default: || SettingValue::Integer(1800),
    },
    SettingSpec {
        key: FEES_INCLUDE_TAX,
        label: "Fees include GST (else GST is added on top)",
        kind: SettingKind::Flag,
        unit: SettingUnit::Count,
        min: 0,
        max: 0,
        per_branch: true,
        default: || SettingValue::Flag(true),
    },
    SettingSpec {
        key: YEAR_START_MONTH,
        label: "Financial year starts in month (4 = April); receipt numbers restart then",
        kind: SettingKind::Integer,
        unit: SettingUnit::Count,
        min: 1,
        max: 12,
        per_branch: false,
        default: || SettingValue::Integer(4),
    },
    SettingSpec {
        key: EXPENSE_APPROVAL_ABOVE,
        label: "Expenses above this amount (₹) need another manager's approval",
        kind: SettingKind::Integer,
        unit: SettingUnit::Money,
        min: 0,
        max: 1_000_000_000,
        per_branch: true,
        default: || SettingValue::Integer(500_000),
    },
    SettingSpec {
        key: SMS_PART_COST,
        label: "What one SMS part costs, for the estimate before sending (₹; 0: no estimate)",
        kind: SettingKind::Integer,
        unit: SettingUnit::Money,
        min: 0,
        max: 10_000,
        per_branch: false,
        default: || SettingValue::Integer(20),
    },
    SettingSpec {
        key: LATE_FEE,
        label: "Late fee added to a fee overdue past the grace days (₹; 0: no late fees)",
        kind: SettingKind::Integer,
        unit: SettingUnit::Money,
        min: 0,
        max: 100_000_000,
        per_branch: true,
        default: || SettingValue::Integer(0),
    },
    SettingSpec {
        key: LATE_FEE_AFTER_DAYS,
        label: "Days a fee may be overdue before a late fee is added",
        kind: SettingKind::Integer,
        unit: SettingUnit::Count,
        min: 0,
        max: 365,
        per_branch: true,
        default: || SettingValue::Integer(7),
    },
    SettingSpec {
        key: PF_APPLIES,
        label: "Deduct provident fund (EPF) from salaries",
        kind: SettingKind::Flag,
        unit: SettingUnit::Count,
        min: 0,
        max: 0,
        per_branch: true,
        default: || SettingValue::Flag(true),
    },
    SettingSpec {
        key: PF_RATE_BP,
        label: "Provident fund, employee's and employer's share each, in per cent of basic pay",
        kind: SettingKind::Integer,
        unit: SettingUnit::Percent,
        min: 0,
        max: 2500,
        per_branch: false,
        default: || SettingValue::Integer(1200),
    },
    SettingSpec {
        key: PF_WAGE_CEILING,
        label: "Provident fund is reckoned on basic pay up to (₹ a month)",
        kind: SettingKind::Integer,
        unit: SettingUnit::Money,
        min: 0,
        max: 100_000_000,
        per_branch: false,
        default: || SettingValue::Integer(1_500_000),
    },
    SettingSpec {
        key: ESI_APPLIES,
        label: "Deduct ESI from salaries up to its wage limit",
        kind: SettingKind::Flag,
        unit: SettingUnit::Count,
        min: 0,
        max: 0,
        per_branch: true,
        default: || SettingValue::Flag(true),
    },
    SettingSpec {
        key: ESI_EMPLOYEE_BP,
        label: "ESI, employee's share, in per cent of gross pay",
        kind: SettingKind::Integer,
        unit: SettingUnit::Percent,
        min: 0,
        max: 1000,
        per_branch: false,
        default: || SettingValue::Integer(75),
    },
    SettingSpec {
        key: ESI_EMPLOYER_BP,
        label: "ESI, employer's share, in per cent of gross pay",
        kind: SettingKind::Integer,
        unit: SettingUnit::Percent,
        min: 0,
        max: 1000,
        per_branch: false,
        default: || SettingValue::Integer(325),
    },
    SettingSpec {
        key: ESI_THRESHOLD,
        label: "ESI covers gross pay up to (₹ a month)",
        kind: SettingKind::Integer,
        unit: SettingUnit::Money,
        min: 0,
        max: 100_000_000,
        per_branch: false,
        default: || SettingValue::Integer(2_100_000),
    },
    SettingSpec {
        key: PT_STATE,
        label: "Professional tax by the slabs of (MH, KA or WB; empty: none)",
        kind: SettingKind::Text,
        unit: SettingUnit::Count,
        min: 0,
        max: 0,
        per_branch: true,
        default: || SettingValue::Text(String::new()),
    },
    SettingSpec {
        key: REMINDER_TEMPLATE,
        label: "Fee reminder to parents: {guardian}, {student}, {amount}, {due_on}, {for} and {branch} are filled in",
        kind: SettingKind::Text,
        unit: SettingUnit::Count,
        min: 0,
        max: 0,
        per_branch: true,
        default: || {
            SettingValue::Text(
                "Dear {guardian}, {student}'s fee of Rs {amount} ({for}) was due on {due_on}. \
                 Please pay at the front desk. – {branch}"
                    .into(),
            )
        },
    },
];

pub fn spec(key: &str) -> Option<&'static SettingSpec> {
    CATALOGUE.iter().find(|s| s.key == key)
}
