//! Fees: a student's account, payments, reversals, receipt PDFs, dues lists.

use branchdesk_api::commands::money::*;

actor_commands! {
    get_student_account(GetStudentAccount),
    collect_payment(CollectPayment),
    reverse_receipt(ReverseReceipt),
    save_receipt_pdf(SaveReceiptPdf),
    get_printable(GetPrintable),
    list_dues(ListDues),
    draft_fee_reminders(DraftFeeReminders),
    get_day_book(GetDayBook),
    close_cash(CloseCash),
    record_expense(RecordExpense),
    decide_expense(DecideExpense),
    list_expenses(ListExpenses),
    get_profit_and_loss(GetProfitAndLoss),
    set_salary(SetSalary),
    run_payroll(RunPayroll),
    adjust_salary(AdjustSalary),
    pay_salary(PaySalary),
    save_salary_slip(SaveSalarySlip),
    apply_late_fees(ApplyLateFees),
    issue_invoice(IssueInvoice),
    list_invoices(ListInvoices),
    save_invoice_pdf(SaveInvoicePdf),
    list_money_reviews(ListMoneyReviews),
    mark_money_reviewed(MarkMoneyReviewed),
}
