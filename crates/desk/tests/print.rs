//! Printing a receipt: the print view and the PDF come from the same lines,
//! its dates read day first, only those who may read a receipt print it, and
//! "Open" hands over only files the desk saved in its exports folder.

mod common;

use branchdesk_api::commands::money::*;
use branchdesk_api::ErrorCode;
use common::{api, enrolled, fixture};

#[test]
fn a_receipt_prints_the_lines_its_pdf_holds_and_only_its_readers_print_it() {
    let f = fixture();
    let student = enrolled(&f);
    let r = f
        .desk
        .collect_payment(
            &f.director,
            CollectPayment { student_id: student, amount: "1500".into(), ..Default::default() },
        )
        .unwrap();

    let doc =
        f.desk.get_printable(&f.director, GetPrintable { kind: PrintKind::Receipt, id: r.id.0 }).unwrap();
    assert_eq!(doc.title, format!("Receipt {}", r.number));
    let total = doc.lines.iter().find(|l| l.style == PrintStyle::Total).expect("the amount received");
    assert_eq!((total.text.as_str(), total.amount_minor), ("Amount received", Some(150_000)));
    let text: Vec<&str> = doc.lines.iter().map(|l| l.text.as_str()).collect();
    assert!(text.contains(&"Next due 1,500.00 on 1 Jun 2026"), "dates print day first: {text:?}");

    // The PDF holds every line the print view shows.
    let path = f.desk.save_receipt_pdf(&f.director, SaveReceiptPdf { receipt_id: r.id }).unwrap();
    let out = std::process::Command::new("pdftotext").args(["-raw", &path, "-"]).output().expect("pdftotext");
    let pdf = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
    for l in &doc.lines {
        assert!(pdf.contains(l.text.trim()), "{:?} printed but not in the PDF:\n{pdf}", l.text);
    }

    // A teacher may not read receipts, so may not print one; an unknown id is named.
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let e = api(f
        .desk
        .get_printable(&teacher, GetPrintable { kind: PrintKind::Receipt, id: r.id.0 })
        .unwrap_err());
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    let e = api(f
        .desk
        .get_printable(&f.director, GetPrintable { kind: PrintKind::Invoice, id: r.id.0 })
        .unwrap_err());
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::NotFound, Some("id")),
        "a receipt's id is no invoice"
    );
}

#[test]
fn a_receipt_for_a_name_in_devanagari_prints_the_name_and_the_rupee_sign() {
    let f = fixture();
    let student = f
        .desk
        .save_student(
            &f.director,
            branchdesk_api::commands::students::SaveStudent {
                branch_id: f.branch,
                full_name: "आरव शर्मा".into(),
                date_of_birth: "14/03/2008".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .student;
    let r = f
        .desk
        .collect_payment(
            &f.director,
            CollectPayment {
                student_id: student.id,
                amount: "1,500".into(),
                confirm_advance: true,
                ..Default::default()
            },
        )
        .unwrap();
    let path = f.desk.save_receipt_pdf(&f.director, SaveReceiptPdf { receipt_id: r.id }).unwrap();
    let out = std::process::Command::new("pdftotext").args(["-raw", &path, "-"]).output().expect("pdftotext");
    let pdf = String::from_utf8(out.stdout).unwrap();
    assert!(pdf.contains(&format!("Received from आरव शर्मा ({})", student.code)), "{pdf}");
    assert!(pdf.contains("₹1,500.00"), "{pdf}");
    assert!(!pdf.contains('?'), "nothing prints as a question mark: {pdf}");
    assert!(std::fs::metadata(&path).unwrap().len() <= 100 * 1024);
}

#[test]
fn only_a_file_the_desk_saved_in_its_exports_folder_may_be_opened() {
    let f = fixture();
    let exports = f.dir.path().join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    let saved = exports.join("receipt-K2-D1-26-27-0001.pdf");
    std::fs::write(&saved, b"%PDF-1.7").unwrap();
    assert_eq!(f.desk.saved_file(saved.to_str().unwrap()).unwrap(), std::fs::canonicalize(&saved).unwrap());

    let db = f.dir.path().join(branchdesk_desk::db::DB_FILE);
    let sneaky = exports.join("..").join(branchdesk_desk::db::DB_FILE);
    let link = exports.join("link.pdf");
    std::os::unix::fs::symlink(&db, &link).unwrap();
    for (path, code) in [
        (db.display().to_string(), ErrorCode::Invalid),
        (sneaky.display().to_string(), ErrorCode::Invalid),
        (link.display().to_string(), ErrorCode::Invalid),
        (exports.display().to_string(), ErrorCode::Invalid),
        ("/etc/passwd".to_owned(), ErrorCode::Invalid),
        (exports.join("gone.pdf").display().to_string(), ErrorCode::NotFound),
        ("  ".to_owned(), ErrorCode::Invalid),
    ] {
        let e = api(f.desk.saved_file(&path).unwrap_err());
        assert_eq!((e.code, e.field.as_deref()), (code, Some("path")), "{path}");
    }
}
