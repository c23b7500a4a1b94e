//! Fees: dues from enrolments, payments with receipts numbered per desk,
//! voids, refunds and bounced cheques as reversing entries. Every amount is
//! integer minor units (paise); nothing here is ever a float.

use super::command;
use crate::ids::{BranchId, DueId, EnrolmentId, ReceiptId, StudentId};
use serde::{Deserialize, Serialize};

crate::wire::wire_enum! {
    pub enum PaymentMethod {
        #[default]
        Cash = "CASH" => "Cash",
        BankTransfer = "BANK_TRANSFER" => "Bank transfer",
        Upi = "UPI" => "UPI",
        Card = "CARD" => "Card",
        Cheque = "CHEQUE" => "Cheque",
    }
}

crate::wire::wire_enum! {
    pub enum ReversalKind {
        /// The whole receipt, entered by mistake.
        #[default]
        Void = "VOID" => "Voided",
        /// Part or all of the money given back.
        Refund = "REFUND" => "Refunded",
        /// The cheque came back unpaid: the whole receipt, dues open again.
        Bounce = "BOUNCE" => "Cheque bounced",
    }
}

crate::wire::wire_enum! {
    /// Where a due comes from.
    pub enum DueKind {
        /// From an enrolment's fee plan.
        #[default]
        Fee = "FEE" => "Fee",
        /// By the late-fee rule.
        LateFee = "LATE_FEE" => "Late fee",
        /// An opening balance, imported.
        Opening = "OPENING" => "Opening balance",
    }
}

/// A fee a student owes, from an enrolment's fee plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub id: DueId,
    pub enrolment_id: Option<EnrolmentId>,
    pub description: String,
    /// YYYY-MM-DD
    pub due_on: String,
    pub amount_minor: i64,
    /// From allocations of receipts not reversed (never more than the amount).
    pub paid_minor: i64,
    pub cancelled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub due_id: DueId,
    pub description: String,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reversal {
    pub kind: ReversalKind,
    pub amount_minor: i64,
    pub reason: String,
    pub by: String,
    /// RFC 3339
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub id: ReceiptId,
    pub branch_id: BranchId,
    pub student_id: StudentId,
    pub student_name: String,
    /// e.g. K2/3/260042 (older ones K2/D3/26-27/0042): never changes once printed.
    pub number: String,
    pub amount_minor: i64,
    /// GST included in the amount.
    pub tax_minor: i64,
    pub tax_rate_bp: u32,
    pub method: PaymentMethod,
    pub reference: String,
    pub cheque_date: Option<String>,
    pub collected_by: String,
    /// RFC 3339
    pub collected_at: String,
    pub allocations: Vec<Allocation>,
    /// Paid beyond the dues, kept as the student's credit.
    pub advance_minor: i64,
    pub reversals: Vec<Reversal>,
    /// Amount less reversals.
    pub net_minor: i64,
}

/// A student's fees at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentAccount {
    pub student_id: StudentId,
    pub dues: Vec<Due>,
    pub receipts: Vec<Receipt>,
    /// Owed on dues not cancelled, less what is paid.
    pub pending_minor: i64,
    /// Paid beyond the dues (an advance, or two desks collecting the same
    /// due offline): never lost, shown for review.
    pub advance_minor: i64,
    pub next_due: Option<Due>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetStudentAccount {
    pub student_id: StudentId,
}
command!(GetStudentAccount => "get_student_account", Permission -> StudentAccount);

/// Collects a payment. Without `allocations` it goes to the oldest open
/// dues first; money beyond the dues needs `confirm_advance`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CollectPayment {
    pub student_id: StudentId,
    /// Rupees as typed, e.g. "1500" or "1500.50".
    pub amount: String,
    pub method: PaymentMethod,
    /// UPI/transaction id, card slip or cheque number.
    pub reference: String,
    /// YYYY-MM-DD, for a cheque.
    pub cheque_date: String,
    pub allocations: Option<Vec<(DueId, i64)>>,
    pub confirm_advance: bool,
}
command!(CollectPayment => "collect_payment", Permission -> Receipt);

/// Voids a whole receipt, refunds part of it, or records a bounced cheque.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReverseReceipt {
    pub receipt_id: ReceiptId,
    pub kind: ReversalKind,
    /// For a refund: rupees as typed. A void or bounce reverses it all.
    pub amount: String,
    pub reason: String,
}
command!(ReverseReceipt => "reverse_receipt", Permission -> Receipt);

/// Writes the receipt's PDF into the desk's exports folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveReceiptPdf {
    pub receipt_id: ReceiptId,
}
command!(SaveReceiptPdf => "save_receipt_pdf", Permission -> String);

crate::wire::wire_enum! {
    /// How a line of a printed document is set.
    pub enum PrintStyle {
        #[default]
        Text = "TEXT" => "Text",
        /// The organisation's name at the top.
        Title = "TITLE" => "Title",
        /// What the document is: "Receipt K2/D1/2627/0001".
        Heading = "HEADING" => "Heading",
        Strong = "STRONG" => "Strong",
        /// The amount in words.
        Small = "SMALL" => "Small",
        /// The branch's footer.
        Footnote = "FOOTNOTE" => "Footnote",
        /// The amount received or the total, with `amount_minor`.
        Total = "TOTAL" => "Total",
    }
}

/// One line of a printed document; with an amount, the words on the left
/// and the figure on the right.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrintLine {
    pub style: PrintStyle,
    pub text: String,
    pub amount_minor: Option<i64>,
    /// Extra space above the line, in points.
    pub space_before: u8,
    /// A figure that is not money (marks, a share), set right like an
    /// amount; ignored when `amount_minor` is given.
    pub figure: String,
}

/// A receipt, salary slip or invoice as lines: the one layout its PDF and
/// the print view are both drawn from, so what prints is what is saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Printable {
    /// "Receipt K2/D1/2627/0001"
    pub title: String,
    /// The organisation's currency ("INR" prints figures as "₹2,500.00").
    pub currency: String,
    pub lines: Vec<PrintLine>,
}

crate::wire::wire_enum! {
    pub enum PrintKind {
        #[default]
        Receipt = "RECEIPT" => "Receipt",
        SalarySlip = "SALARY_SLIP" => "Salary slip",
        Invoice = "INVOICE" => "Invoice",
    }
}

/// A receipt, salary slip or invoice laid out for the print dialog; who may
/// read it is who may save its PDF.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetPrintable {
    pub kind: PrintKind,
    /// The receipt's, salary line's or invoice's id.
    pub id: uuid::Uuid,
}
command!(GetPrintable => "get_printable", Permission -> Printable);

crate::wire::wire_enum! {
    pub enum DueWindow {
        #[default]
        Today = "TODAY" => "Due today",
        Overdue = "OVERDUE" => "Overdue",
        Upcoming = "UPCOMING" => "Next 30 days",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueLine {
    pub student_id: StudentId,
    pub student_name: String,
    pub student_code: String,
    pub guardian_phone: Option<String>,
    pub due: Due,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListDues {
    pub branch_id: BranchId,
    pub window: DueWindow,
}
command!(ListDues => "list_dues", Permission -> Vec<DueLine>);

/// Drafts a reminder to the parent of every open due in the window, from
/// the branch's template, into the messages waiting for review. Answers how
/// many were drafted (a due already reminded today is not again).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DraftFeeReminders {
    pub branch_id: BranchId,
    pub window: DueWindow,
}
command!(DraftFeeReminders => "draft_fee_reminders", Permission -> u32);

/// A collector's count of their cash drawer at the end of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashClosing {
    pub expected_minor: i64,
    pub counted_minor: i64,
    /// Counted less expected: short when negative.
    pub difference_minor: i64,
    pub note: String,
    /// RFC 3339
    pub closed_at: String,
}

/// One collector's day: their receipts, totals per method, and the cash
/// that should be in their drawer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectorDay {
    pub collector_id: crate::ids::UserId,
    pub collector: String,
    pub receipts: Vec<Receipt>,
    /// Net of reversals, per method, in `PaymentMethod::ALL` order (zeros left out).
    pub by_method: Vec<(PaymentMethod, i64)>,
    /// Cash receipts of the day less what was voided or refunded of them.
    pub expected_cash_minor: i64,
    pub closing: Option<CashClosing>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayBook {
    /// YYYY-MM-DD
    pub date: String,
    pub collectors: Vec<CollectorDay>,
    pub total_minor: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetDayBook {
    pub branch_id: BranchId,
    /// YYYY-MM-DD; empty: today.
    pub date: String,
}
command!(GetDayBook => "get_day_book", Permission -> DayBook);

/// Closes the signed-in collector's cash for a day: the counted amount,
/// and a note when it differs from what the receipts say.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CloseCash {
    pub branch_id: BranchId,
    /// YYYY-MM-DD; empty: today.
    pub date: String,
    /// Rupees as counted, e.g. "12500".
    pub counted: String,
    pub note: String,
}
command!(CloseCash => "close_cash", Permission -> DayBook);

crate::wire::wire_enum! {
    pub enum ExpenseCategory {
        Rent = "RENT" => "Rent",
        Utilities = "UTILITIES" => "Electricity, water, internet",
        #[default]
        Supplies = "SUPPLIES" => "Supplies and printing",
        Marketing = "MARKETING" => "Marketing",
        Maintenance = "MAINTENANCE" => "Repairs and maintenance",
        Travel = "TRAVEL" => "Travel",
        Other = "OTHER" => "Other",
    }
}

crate::wire::wire_enum! {
    pub enum ExpenseStatus {
        PendingApproval = "PENDING_APPROVAL" => "Waiting for approval",
        #[default]
        Approved = "APPROVED" => "Approved",
        Rejected = "REJECTED" => "Rejected",
        Voided = "VOIDED" => "Voided",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expense {
    pub id: crate::ids::ExpenseId,
    pub branch_id: BranchId,
    /// YYYY-MM-DD
    pub day: String,
    pub category: ExpenseCategory,
    pub vendor: String,
    pub description: String,
    pub amount_minor: i64,
    pub method: PaymentMethod,
    pub reference: String,
    /// The attached bill's file name; empty when none.
    pub bill_name: String,
    /// The bill as an attachment (bills recorded before attachments are
    /// opened with `SaveExpenseBill`).
    pub bill: Option<super::attachments::Attachment>,
    pub status: ExpenseStatus,
    pub recorded_by_id: Option<crate::ids::UserId>,
    pub recorded_by: String,
    pub decided_by: Option<String>,
    pub decision_note: String,
}

/// Records an expense. Above the branch's approval limit it waits for
/// another manager; otherwise it counts at once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordExpense {
    pub branch_id: BranchId,
    /// YYYY-MM-DD; empty: today.
    pub day: String,
    pub category: ExpenseCategory,
    pub vendor: String,
    pub description: String,
    /// Rupees as typed.
    pub amount: String,
    pub method: PaymentMethod,
    pub reference: String,
    /// The bill: a file name and its bytes as base64 (at most
    /// `attachments::MAX_FILE_BYTES`, of a kind in `FILE_KINDS`), or empty.
    pub file_name: String,
    pub content_b64: String,
}
command!(RecordExpense => "record_expense", Permission -> Expense);

/// Approves or rejects an expense waiting for approval (not one's own), or
/// voids a recorded one; `note` says why (required to reject or void).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecideExpense {
    pub id: crate::ids::ExpenseId,
    pub status: ExpenseStatus,
    pub note: String,
}
command!(DecideExpense => "decide_expense", Permission -> Expense);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListExpenses {
    pub branch_id: BranchId,
    /// YYYY-MM; empty: this month.
    pub month: String,
}
command!(ListExpenses => "list_expenses", Permission -> Vec<Expense>);

/// Writes an expense's bill into the desk's exports folder, to be opened
/// before the expense is approved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveExpenseBill {
    pub id: crate::ids::ExpenseId,
}
command!(SaveExpenseBill => "save_expense_bill", Permission -> crate::commands::imports::SavedFile);

/// One branch's month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchMonth {
    pub branch_id: BranchId,
    pub branch_name: String,
    /// Receipts collected in the month.
    pub fees_minor: i64,
    /// Voids, refunds and bounces recorded in the month.
    pub reversals_minor: i64,
    /// Salaries of the month that are paid.
    pub salaries_minor: i64,
    /// Approved expenses dated in the month.
    pub expenses_minor: i64,
    pub net_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfitAndLoss {
    /// YYYY-MM
    pub month: String,
    pub branches: Vec<BranchMonth>,
    /// The sum over the branches listed (the organisation roll-up).
    pub total: BranchMonth,
}

/// A month's profit and loss for one branch, or with no branch every
/// branch the person may see reports of, with the roll-up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetProfitAndLoss {
    pub branch_id: Option<BranchId>,
    /// YYYY-MM; empty: this month.
    pub month: String,
}
command!(GetProfitAndLoss => "get_profit_and_loss", Permission -> ProfitAndLoss);

/// One person's pay for a month at a branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalaryLine {
    pub id: crate::ids::SalaryLineId,
    pub user_id: crate::ids::UserId,
    pub name: String,
    /// YYYY-MM
    pub month: String,
    pub fixed_minor: i64,
    /// Fixed monthly pay of the batches they teach.
    pub batch_fixed_minor: i64,
    pub sessions_taught: u32,
    pub session_minor: i64,
    pub students: u32,
    pub commission_minor: i64,
    pub adjustments_minor: i64,
    pub adjustment_note: String,
    /// Basic and allowances from the structure in force for the month
    /// (`fixed_minor` is their sum).
    pub basic_minor: i64,
    pub allowances_minor: i64,
    /// Days of unpaid leave, and what they took off fixed pay.
    pub unpaid_days: u32,
    pub leave_deduction_minor: i64,
    pub gross_minor: i64,
    pub pf_employee_minor: i64,
    pub pf_employer_minor: i64,
    pub esi_employee_minor: i64,
    pub esi_employer_minor: i64,
    pub pt_minor: i64,
    pub tds_minor: i64,
    pub advance_recovery_minor: i64,
    /// Everything taken from gross pay.
    pub deductions_minor: i64,
    /// Net pay: what is paid.
    pub total_minor: i64,
    /// From the start of the financial year to this month, this month
    /// included: gross, deductions and net.
    pub ytd_gross_minor: i64,
    pub ytd_deductions_minor: i64,
    pub ytd_net_minor: i64,
    /// RFC 3339; None until paid.
    pub paid_at: Option<String>,
    pub paid_method: Option<PaymentMethod>,
    pub paid_reference: String,
    /// The payment's number (`K2/1/S260001`); two when two desks paid
    /// it offline (then listed for review).
    pub payment_numbers: Vec<String>,
}

/// Sets a person's basic pay from this month on (0 for none): the
/// "Basic" component of their structure, in one step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetSalary {
    pub branch_id: BranchId,
    pub user_id: crate::ids::UserId,
    /// Rupees a month as typed.
    pub fixed_monthly: String,
}
command!(SetSalary => "set_salary", Permission -> SalaryLine);

crate::wire::wire_enum! {
    /// What a salary component is: basic pay (provident fund is reckoned
    /// on it), another fixed earning, or the income tax deducted monthly.
    pub enum ComponentKind {
        #[default]
        Basic = "BASIC" => "Basic pay",
        Allowance = "ALLOWANCE" => "Allowance",
        Tds = "TDS" => "TDS (income tax deducted)",
    }
}

/// One component of a person's salary as entered: its amount from a day on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalaryComponent {
    pub id: uuid::Uuid,
    pub kind: ComponentKind,
    pub name: String,
    pub amount_minor: i64,
    /// YYYY-MM-DD
    pub effective_from: String,
    /// In force today (the latest entry of its name on or before today).
    pub in_force: bool,
}

/// Sets a component of a person's salary from a day on: a new component,
/// a raise from next month (months before keep what they were), or 0 to
/// end it. Not before the person joined (their staff profile).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveSalaryComponent {
    pub branch_id: BranchId,
    pub user_id: crate::ids::UserId,
    pub kind: ComponentKind,
    /// "Basic", "HRA", "Conveyance", "TDS".
    pub name: String,
    /// Rupees a month as typed.
    pub amount: String,
    /// DD/MM/YYYY; empty: the first of this month.
    pub effective_from: String,
}
command!(SaveSalaryComponent => "save_salary_component", Permission -> SalaryStructure);

/// Money advanced to a person, recovered from their pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalaryAdvance {
    pub id: uuid::Uuid,
    pub given_on: String,
    pub amount_minor: i64,
    pub monthly_recovery_minor: i64,
    pub note: String,
}

/// A person's salary at a branch: every component as entered (newest
/// first), what is in force today, advances and what is left of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalaryStructure {
    pub user_id: crate::ids::UserId,
    pub name: String,
    /// YYYY-MM-DD, from the staff profile.
    pub joined_on: Option<String>,
    pub components: Vec<SalaryComponent>,
    /// Basic and allowances in force today, a month.
    pub monthly_fixed_minor: i64,
    pub advances: Vec<SalaryAdvance>,
    pub advance_outstanding_minor: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetSalaryStructure {
    pub branch_id: BranchId,
    pub user_id: crate::ids::UserId,
}
command!(GetSalaryStructure => "get_salary_structure", Permission -> SalaryStructure);

/// Gives a person an advance, recovered by `monthly_recovery` from the
/// month after `given_on` (at most the amount).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordAdvance {
    pub branch_id: BranchId,
    pub user_id: crate::ids::UserId,
    /// DD/MM/YYYY; empty: today.
    pub given_on: String,
    pub amount: String,
    pub monthly_recovery: String,
    pub note: String,
}
command!(RecordAdvance => "record_advance", Permission -> SalaryStructure);

/// Days of unpaid leave in an unpaid month's line (the leave register
/// will fill it; until then payroll enters it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SetUnpaidDays {
    pub id: crate::ids::SalaryLineId,
    pub days: String,
}
command!(SetUnpaidDays => "set_unpaid_days", Permission -> SalaryLine);

/// Computes (or recomputes, leaving paid lines alone) a month's salaries
/// for everyone with a salary or who taught at the branch that month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunPayroll {
    pub branch_id: BranchId,
    /// YYYY-MM; empty: this month.
    pub month: String,
}
command!(RunPayroll => "run_payroll", Permission -> Vec<SalaryLine>);

/// Adds a bonus (positive) or a deduction (negative) to an unpaid line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdjustSalary {
    pub id: crate::ids::SalaryLineId,
    /// Rupees, e.g. "500" or "-250.50".
    pub amount: String,
    pub note: String,
}
command!(AdjustSalary => "adjust_salary", Permission -> SalaryLine);

/// Records that a salary line was paid, and how.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PaySalary {
    pub id: crate::ids::SalaryLineId,
    pub method: PaymentMethod,
    pub reference: String,
}
command!(PaySalary => "pay_salary", Permission -> SalaryLine);

/// Writes the salary slip's PDF into the desk's exports folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveSalarySlip {
    pub id: crate::ids::SalaryLineId,
}
command!(SaveSalarySlip => "save_salary_slip", Permission -> String);

/// Adds the branch's late fee (a setting; none when 0) once to every fee
/// overdue past the grace days. Answers how many were added.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApplyLateFees {
    pub branch_id: BranchId,
}
command!(ApplyLateFees => "apply_late_fees", Permission -> u32);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub description: String,
    /// YYYY-MM-DD
    pub due_on: String,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub id: crate::ids::InvoiceId,
    pub student_id: StudentId,
    /// e.g. K2/1/I260001: never changes once printed.
    pub number: String,
    /// YYYY-MM-DD
    pub period_from: String,
    pub period_to: String,
    pub lines: Vec<InvoiceLine>,
    /// GST included in the total.
    pub total_minor: i64,
    pub tax_minor: i64,
    pub tax_rate_bp: u32,
    /// RFC 3339
    pub issued_at: String,
}

/// Issues an invoice for the fees of a student falling due in a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IssueInvoice {
    pub student_id: StudentId,
    /// YYYY-MM-DD, both days included.
    pub from: String,
    pub to: String,
}
command!(IssueInvoice => "issue_invoice", Permission -> Invoice);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListInvoices {
    pub student_id: StudentId,
}
command!(ListInvoices => "list_invoices", Permission -> Vec<Invoice>);

/// Writes the invoice's PDF into the desk's exports folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaveInvoicePdf {
    pub id: crate::ids::InvoiceId,
}
command!(SaveInvoicePdf => "save_invoice_pdf", Permission -> String);

/// Money that needs a manager's eye: what the server accepted but flagged
/// (recorded by someone without the permission at the time), and salaries
/// paid twice by two desks offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyReview {
    /// What to pass to [`MarkMoneyReviewed`].
    pub id: uuid::Uuid,
    /// e.g. "Receipt K2/2/260003 of ₹1,500.00 for Asha Rao".
    pub what: String,
    pub reason: String,
    /// Who recorded the money, when known.
    pub by: String,
    /// RFC 3339.
    pub flagged_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListMoneyReviews {
    pub branch_id: BranchId,
}
command!(ListMoneyReviews => "list_money_reviews", Permission -> Vec<MoneyReview>);

/// Takes an item off the review list, with what was done about it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MarkMoneyReviewed {
    pub branch_id: BranchId,
    pub id: uuid::Uuid,
    pub note: String,
}
command!(MarkMoneyReviewed => "mark_money_reviewed", Permission -> ());
