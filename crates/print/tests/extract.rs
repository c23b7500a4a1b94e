//! What a PDF reader gets back from a printed document: `pdftotext`
//! (poppler, installed by scripts/install-deps.sh) must return every name
//! exactly as it was typed, in every script, and the rupee sign as ₹.

use branchdesk_api::commands::money::{PrintLine, PrintStyle, Printable};
use std::process::Command;

fn line(style: PrintStyle, text: &str, amount_minor: Option<i64>) -> PrintLine {
    PrintLine { style, text: text.into(), amount_minor, space_before: 0, ..Default::default() }
}

fn doc(lines: Vec<PrintLine>) -> Printable {
    Printable { title: "Receipt K2/D1/2627/0001".into(), currency: "INR".into(), lines }
}

/// The PDF's text as poppler extracts it, one entry per line.
fn extract(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext runs (scripts/install-deps.sh installs poppler-utils)");
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

fn pages(pdf: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdfinfo").arg(&file).output().expect("pdfinfo runs");
    let info = String::from_utf8(out.stdout).unwrap();
    let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")).expect("pdfinfo tells the pages");
    pages.trim().parse().unwrap()
}

const NAMES: [&str; 6] = [
    "आरव शर्मा",
    "ஆரவ் சர்மா",
    "আরব শর্মা",
    "ಆರವ್ ಶರ್ಮಾ",
    "Received from आरव शर्मा (S-0001)",
    "Guardian: Priya Sharma / प्रिया शर्मा",
];

#[test]
fn names_in_every_script_extract_exactly_as_typed() {
    let lines = NAMES.iter().map(|n| line(PrintStyle::Text, n, None)).collect();
    let text = extract(&branchdesk_print::render(&doc(lines)).unwrap());
    assert_eq!(text, NAMES);
}

#[test]
fn bold_lines_and_figures_extract_with_the_rupee_sign() {
    let lines = vec![
        line(PrintStyle::Title, "श्री गणेश कोचिंग", None),
        line(PrintStyle::Text, "JEE Mains (ஜனவரி)", Some(1_250_000)),
        line(PrintStyle::Total, "Amount received", Some(12_345_678)),
    ];
    let text = extract(&branchdesk_print::render(&doc(lines)).unwrap());
    assert_eq!(text, ["श्री गणेश कोचिंग", "JEE Mains (ஜனவரி) ₹12,500.00", "Amount received ₹1,23,456.78"]);
}

#[test]
fn a_receipt_with_indian_names_stays_small() {
    let mut lines = vec![
        line(PrintStyle::Title, "Bench Academy", None),
        line(PrintStyle::Heading, "Receipt K2/D1/2627/0001", None),
        line(PrintStyle::Text, "Received from आरव शर्मा (S-0001)", None),
        line(PrintStyle::Text, "Tuition, June", Some(250_000)),
        line(PrintStyle::Total, "Amount received", Some(250_000)),
        line(PrintStyle::Small, "Rupees two thousand five hundred only", None),
    ];
    lines.push(line(PrintStyle::Footnote, "ஆரவ் சர்மா · আরব শর্মা", None));
    let pdf = branchdesk_print::render(&doc(lines)).unwrap();
    assert!(pdf.len() <= 100 * 1024, "{} bytes", pdf.len());
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn right_to_left_names_emoji_and_unknown_characters_print_without_a_crash() {
    let lines = vec![
        line(PrintStyle::Text, "Received from عائشہ خان", None),
        line(PrintStyle::Text, "Riya 😀", None),
        line(PrintStyle::Strong, "漢字 Kanji", Some(100)),
        line(PrintStyle::Text, "", None),
    ];
    let text = extract(&branchdesk_print::render(&doc(lines)).unwrap());
    assert!(text[0].starts_with("Received from"), "{text:?}");
    // The Urdu letters come back (a reader may order them for display).
    for c in ['ع', 'ئ', 'خ', 'ن'] {
        assert!(text[0].contains(c), "{c} missing from {:?}", text[0]);
    }
    assert!(text[1].starts_with("Riya"), "{text:?}");
    assert!(text[2].contains("Kanji") && text[2].contains("₹1.00"), "{text:?}");
}

#[test]
fn a_long_document_continues_on_numbered_pages() {
    let lines: Vec<PrintLine> =
        (1..=70).map(|i| line(PrintStyle::Text, &format!("कक्षा {i}"), Some(i * 100))).collect();
    let pdf = branchdesk_print::render(&doc(lines)).unwrap();
    assert_eq!(pages(&pdf), 3);
    let text = extract(&pdf);
    for i in 1..=70 {
        assert!(text.iter().any(|l| l.starts_with(&format!("कक्षा {i} "))), "line {i} lost");
    }
    assert!(text.iter().any(|l| l == "Page 3 of 3"), "{text:?}");
}

#[test]
fn a_long_footer_wraps_inside_the_page() {
    let footer = "Fees once paid are not refunded. Cheques are subject to realisation; a \
                  bounced cheque carries a charge. शुल्क वापस नहीं किया जाएगा।";
    let text =
        extract(&branchdesk_print::render(&doc(vec![line(PrintStyle::Footnote, footer, None)])).unwrap());
    assert!(text.len() >= 2, "{text:?}");
    assert_eq!(text.join(" "), footer.split_whitespace().collect::<Vec<_>>().join(" "));
}
