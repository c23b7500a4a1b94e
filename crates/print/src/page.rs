//! Lines placed on A5 pages: words from the left margin (wrapped when
//! longer than the page), figures right-aligned by their measured width,
//! a new page when the next line would cross the bottom margin, and
//! "Page 1 of 2" under each page of a longer document.

use crate::text::{self, Shaped};
use crate::PrintError;
use branchdesk_api::amount;
use branchdesk_api::commands::money::{PrintStyle, Printable};
use krilla::geom::{Point, Size};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::Document;

/// A5 in points.
const WIDTH: f32 = 420.0;
const HEIGHT: f32 = 595.0;
const LEFT: f32 = 40.0;
const RIGHT: f32 = 380.0;
/// The first baseline, and the lowest a line may sit.
const TOP: f32 = 45.0;
const BOTTOM: f32 = HEIGHT - 45.0;
/// Between the words and the figure on their line.
const GUTTER: f32 = 12.0;

/// Shaped text at a baseline.
struct Placed {
    x: f32,
    y: f32,
    size: f32,
    text: Shaped,
}

fn style(s: PrintStyle) -> (f32, bool) {
    match s {
        PrintStyle::Title => (16.0, true),
        PrintStyle::Heading => (13.0, true),
        PrintStyle::Text => (10.0, false),
        PrintStyle::Strong => (10.0, true),
        PrintStyle::Small => (9.0, false),
        PrintStyle::Footnote => (8.0, false),
        PrintStyle::Total => (11.0, true),
    }
}

fn layout(doc: &Printable) -> Vec<Vec<Placed>> {
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = TOP;
    for line in &doc.lines {
        let (size, bold) = style(line.style);
        let leading = size + 6.0;
        let amount = match line.amount_minor {
            Some(m) => Some(text::shape(&amount::format_in(&doc.currency, m), bold)),
            None if !line.figure.trim().is_empty() => Some(text::shape(line.figure.trim(), bold)),
            None => None,
        };
        let room = RIGHT - LEFT - amount.as_ref().map_or(0.0, |a| a.width_at(size) + GUTTER);
        let words = text::wrap(&line.text, bold, size, room);
        let rows = words.len().max(1);
        y += f32::from(line.space_before);
        if y + leading * (rows - 1) as f32 > BOTTOM && !pages.last().is_some_and(Vec::is_empty) {
            pages.push(Vec::new());
            y = TOP;
        }
        let placed = pages.last_mut().expect("there is always a page");
        if let Some(a) = amount {
            placed.push(Placed { x: RIGHT - a.width_at(size), y, size, text: a });
        }
        for w in words {
            placed.push(Placed { x: LEFT, y, size, text: w });
            y += leading;
        }
        if rows == 1 && line.text.trim().is_empty() {
            // An empty line still takes its height.
            y += leading;
        }
    }
    let count = pages.len();
    if count > 1 {
        for (i, page) in pages.iter_mut().enumerate() {
            let label = text::shape(&format!("Page {} of {count}", i + 1), false);
            page.push(Placed { x: RIGHT - label.width_at(8.0), y: HEIGHT - 25.0, size: 8.0, text: label });
        }
    }
    pages
}

pub fn render(doc: &Printable) -> Result<Vec<u8>, PrintError> {
    let size = Size::from_wh(WIDTH, HEIGHT).expect("A5 is a valid size");
    let mut pdf = Document::new();
    pdf.set_metadata(Metadata::new().title(doc.title.clone()).creator("Branchdesk".into()));
    for placed in layout(doc) {
        let mut page = pdf.start_page_with(PageSettings::new(size));
        let mut surface = page.surface();
        for p in &placed {
            let mut x = p.x;
            for run in &p.text.runs {
                surface.draw_glyphs(
                    Point::from_xy(x, p.y),
                    &run.glyphs,
                    run.style.font(),
                    &run.text,
                    p.size,
                    false,
                );
                x += run.width * p.size;
            }
        }
        surface.finish();
        page.finish();
    }
    pdf.finish().map_err(|e| PrintError(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use branchdesk_api::commands::money::PrintLine;

    fn line(style: PrintStyle, text: &str, amount_minor: Option<i64>) -> PrintLine {
        PrintLine { style, text: text.into(), amount_minor, space_before: 0, ..Default::default() }
    }

    #[test]
    fn figures_end_at_the_right_margin_whatever_their_width() {
        let doc = Printable {
            title: "t".into(),
            currency: "INR".into(),
            lines: vec![
                line(PrintStyle::Text, "Tuition", Some(150_000)),
                line(PrintStyle::Total, "Amount received", Some(12_345_600)),
            ],
        };
        let pages = layout(&doc);
        assert_eq!(pages.len(), 1);
        let figures: Vec<&Placed> = pages[0].iter().filter(|p| p.x > LEFT).collect();
        assert_eq!(figures.len(), 2);
        for f in figures {
            assert!((f.x + f.text.width_at(f.size) - RIGHT).abs() < 0.01);
        }
    }

    #[test]
    fn a_long_document_breaks_into_numbered_pages_and_loses_no_line() {
        let lines: Vec<PrintLine> =
            (0..100).map(|i| line(PrintStyle::Text, &format!("Line {i}"), Some(i * 100))).collect();
        let pages = layout(&Printable { title: "t".into(), currency: String::new(), lines });
        assert_eq!(pages.len(), 4, "32 lines of 10 pt fit an A5 page");
        let words: usize = pages.iter().flatten().filter(|p| p.x == LEFT).count();
        assert_eq!(words, 100);
        for page in &pages {
            assert!(page.iter().all(|p| p.y <= HEIGHT - 25.0));
        }
    }
}
