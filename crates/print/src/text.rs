//! A line of text as shaped runs: split where the font must change (a
//! Devanagari name inside an English sentence), each run shaped by
//! rustybuzz so that conjuncts, vowel signs and reph come out as the
//! script writes them, and measured so that lines can be wrapped and
//! figures aligned.

use crate::fonts::{self, Style};
use krilla::text::{GlyphId, KrillaGlyph};
use rustybuzz::{Direction, UnicodeBuffer};
use unicode_script::{Script, UnicodeScript};

/// A stretch of a line drawn in one font.
pub struct Run {
    pub style: Style,
    pub text: String,
    /// In visual order; advances and offsets in ems.
    pub glyphs: Vec<KrillaGlyph>,
    /// Width in ems.
    pub width: f32,
}

/// A line of text shaped, its runs left to right.
pub struct Shaped {
    pub runs: Vec<Run>,
    /// Width in ems.
    pub width: f32,
}

impl Shaped {
    pub fn width_at(&self, size: f32) -> f32 {
        self.width * size
    }

    /// Glyphs no shipped font draws (each shows as a box).
    #[cfg(test)]
    pub fn missing(&self) -> usize {
        self.runs.iter().flat_map(|r| &r.glyphs).filter(|g| g.glyph_id.to_u32() == 0).count()
    }
}

/// Spaces, digits, punctuation and combining marks belong to no one script:
/// they stay in the font of the text around them when it draws them.
fn is_shared(c: char) -> bool {
    matches!(c.script(), Script::Common | Script::Inherited | Script::Unknown)
}

/// Splits `text` where the font must change, by byte ranges.
fn split(text: &str, bold: bool) -> Vec<(Style, std::ops::Range<usize>)> {
    let mut runs: Vec<(Style, std::ops::Range<usize>)> = Vec::new();
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        let current = runs.last().map(|(s, _)| *s);
        let style = match current {
            Some(s) if is_shared(c) && s.covers(c) => s,
            _ => match fonts::covering(c, bold) {
                Some(s) => s,
                None => {
                    // Drawn as the Latin font's box, left to right in its
                    // place (inside a right-to-left run it would move).
                    tracing::warn!("no shipped font draws U+{:04X}; it prints as a box", c as u32);
                    Style { family: fonts::LATIN, bold }
                }
            },
        };
        match runs.last_mut() {
            Some((s, range)) if *s == style => range.end = end,
            _ => runs.push((style, i..end)),
        }
    }
    runs
}

fn shape_run(style: Style, text: &str) -> Run {
    let face = style.face();
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    buffer.set_direction(if style.right_to_left() { Direction::RightToLeft } else { Direction::LeftToRight });
    let output = rustybuzz::shape(face, &[], buffer);
    let em = face.units_per_em() as f32;
    let infos = output.glyph_infos();
    let positions = output.glyph_positions();
    // Each glyph stands for the text of its cluster: from its cluster's
    // start to the next cluster's start in text order.
    let mut starts: Vec<usize> = infos.iter().map(|g| g.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let end_of = |start: usize| starts.iter().copied().find(|&s| s > start).unwrap_or(text.len());
    let mut width = 0.0;
    let glyphs = infos
        .iter()
        .zip(positions)
        .map(|(info, pos)| {
            let start = info.cluster as usize;
            width += pos.x_advance as f32 / em;
            KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                pos.x_advance as f32 / em,
                pos.x_offset as f32 / em,
                pos.y_offset as f32 / em,
                pos.y_advance as f32 / em,
                start..end_of(start),
                None,
            )
        })
        .collect();
    Run { style, text: text.to_owned(), glyphs, width }
}

/// `text` shaped in regular or bold.
pub fn shape(text: &str, bold: bool) -> Shaped {
    let runs: Vec<Run> = split(text, bold).into_iter().map(|(s, r)| shape_run(s, &text[r])).collect();
    let width = runs.iter().map(|r| r.width).sum();
    Shaped { runs, width }
}

/// `text` broken at spaces into lines no wider than `max` points at `size`.
/// A single word wider than `max` keeps a line of its own.
pub fn wrap(text: &str, bold: bool, size: f32, max: f32) -> Vec<Shaped> {
    let mut lines = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let whole = shape(rest, bold);
        if whole.width_at(size) <= max {
            lines.push(whole);
            break;
        }
        // The longest prefix ending before a space that fits.
        let mut best: Option<(usize, Shaped)> = None;
        for (i, _) in rest.match_indices(' ') {
            let candidate = shape(rest[..i].trim_end(), bold);
            if candidate.width_at(size) > max {
                break;
            }
            best = Some((i, candidate));
        }
        let (cut, line) = match best {
            Some(b) => b,
            None => {
                let i = rest.find(' ').unwrap_or(rest.len());
                (i, shape(&rest[..i], bold))
            }
        };
        lines.push(line);
        rest = rest[cut..].trim_start();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn families(text: &str) -> Vec<(usize, String)> {
        split(text, false).into_iter().map(|(s, r)| (s.family, text[r].to_owned())).collect()
    }

    #[test]
    fn a_devanagari_name_in_an_english_line_changes_font_and_back() {
        let runs = families("Received from आरव शर्मा (S-0001)");
        let texts: Vec<&str> = runs.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["Received from ", "आरव शर्मा (", "S-0001)"]);
        assert_eq!(runs[0].0, fonts::LATIN);
        assert_ne!(runs[1].0, fonts::LATIN);
    }

    #[test]
    fn conjuncts_are_shaped_not_drawn_letter_by_letter() {
        // श र ् म ा: the reph (र्) and the vowel sign join their consonants,
        // so the word takes fewer glyphs than it has characters.
        let word = shape("शर्मा", false);
        assert_eq!(word.runs.len(), 1);
        assert_eq!(word.missing(), 0);
        assert!(word.runs[0].glyphs.len() < "शर्मा".chars().count(), "{}", word.runs[0].glyphs.len());
        // Every character of the word is covered by some glyph's text.
        let covered: usize = word.runs[0].glyphs.iter().map(|g| g.text_range.len()).sum();
        assert!(covered >= "शर्मा".len());
    }

    #[test]
    fn names_in_each_script_have_every_glyph() {
        for name in ["आरव शर्मा", "ஆரவ் சர்மா", "আরব শর্মা", "ആരവ് ശർമ്മ", "عائشہ خان", "₹1,234.00"]
        {
            assert_eq!(shape(name, false).missing(), 0, "{name}");
            assert_eq!(shape(name, true).missing(), 0, "{name}");
        }
    }

    #[test]
    fn characters_no_font_draws_become_boxes_without_a_crash() {
        let shaped = shape("Riya 😀 漢", false);
        assert_eq!(shaped.missing(), 2);
        assert!(shaped.width > 0.0);
        assert_eq!(shape("", false).runs.len(), 0);
    }

    #[test]
    fn long_lines_wrap_at_spaces_within_the_width() {
        let text = "Fees once paid are not refunded; cheques are subject to realisation and \
                    a bounced cheque carries a charge of five hundred rupees";
        let lines = wrap(text, false, 8.0, 200.0);
        assert!(lines.len() >= 3, "{}", lines.len());
        for l in &lines {
            assert!(l.width_at(8.0) <= 200.0);
        }
        let rejoined: Vec<String> =
            lines.iter().map(|l| l.runs.iter().map(|r| r.text.as_str()).collect()).collect();
        assert_eq!(rejoined.join(" "), text);
        // A word longer than the line stands alone rather than vanishing.
        let long = wrap("Supercalifragilisticexpialidocious now", false, 10.0, 40.0);
        assert_eq!(long.len(), 2);
    }
}
