//! The fonts every document is printed in: the Noto families for Latin
//! (with the rupee sign) and the scripts of India, each in regular and
//! bold, compiled into the program (SIL Open Font License, `fonts/OFL.txt`).
//! A document embeds only the glyphs it uses.

use krilla::text::Font;
use rustybuzz::Face;
use std::sync::LazyLock;

/// One family of the fallback list, in the order characters are tried.
struct Family {
    regular: &'static [u8],
    bold: &'static [u8],
    /// Set right to left (Arabic script: Urdu, Kashmiri, Sindhi).
    right_to_left: bool,
}

macro_rules! family {
    ($name:literal, $rtl:literal) => {
        Family {
            regular: include_bytes!(concat!("../fonts/", $name, "-Regular.ttf")),
            bold: include_bytes!(concat!("../fonts/", $name, "-Bold.ttf")),
            right_to_left: $rtl,
        }
    };
}

/// Latin first (it holds ₹, digits and punctuation), then each script.
static FAMILIES: [Family; 11] = [
    family!("NotoSans", false),
    family!("NotoSansDevanagari", false),
    family!("NotoSansBengali", false),
    family!("NotoSansTamil", false),
    family!("NotoSansTelugu", false),
    family!("NotoSansKannada", false),
    family!("NotoSansMalayalam", false),
    family!("NotoSansGujarati", false),
    family!("NotoSansGurmukhi", false),
    family!("NotoSansOriya", false),
    family!("NotoNaskhArabic", true),
];

/// A family in one weight: an index into the fallback list and the weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub family: usize,
    pub bold: bool,
}

impl Style {
    pub fn right_to_left(self) -> bool {
        FAMILIES[self.family].right_to_left
    }

    fn data(self) -> &'static [u8] {
        let f = &FAMILIES[self.family];
        if self.bold {
            f.bold
        } else {
            f.regular
        }
    }

    fn slot(self) -> usize {
        self.family * 2 + usize::from(self.bold)
    }

    /// The face that shapes text in this style.
    pub fn face(self) -> &'static Face<'static> {
        &FACES[self.slot()]
    }

    /// The font a document embeds for this style (cheap to clone).
    pub fn font(self) -> Font {
        FONTS[self.slot()].clone()
    }
}

fn styles() -> impl Iterator<Item = Style> {
    (0..FAMILIES.len()).flat_map(|family| [false, true].map(|bold| Style { family, bold }))
}

/// Parsed once per process; the files are part of the program, so a
/// failure here is a broken build, caught by every test that prints.
static FACES: LazyLock<Vec<Face<'static>>> = LazyLock::new(|| {
    styles().map(|s| Face::from_slice(s.data(), 0).expect("a shipped font parses")).collect()
});

static FONTS: LazyLock<Vec<Font>> = LazyLock::new(|| {
    styles().map(|s| Font::new(s.data().into(), 0).expect("a shipped font parses")).collect()
});

/// The first family, in `bold` or not, that draws `c`.
pub fn covering(c: char, bold: bool) -> Option<Style> {
    (0..FAMILIES.len()).map(|family| Style { family, bold }).find(|s| s.covers(c))
}

impl Style {
    pub fn covers(self, c: char) -> bool {
        self.face().glyph_index(c).is_some()
    }
}

/// The style text falls back to when no family draws a character.
pub const LATIN: usize = 0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_font_parses_and_latin_holds_the_rupee_sign() {
        assert_eq!(FACES.len(), FAMILIES.len() * 2);
        assert_eq!(FONTS.len(), FAMILIES.len() * 2);
        for bold in [false, true] {
            assert_eq!(covering('₹', bold), Some(Style { family: LATIN, bold }));
            assert_eq!(covering('A', bold).map(|s| s.family), Some(LATIN));
        }
    }

    #[test]
    fn each_indian_script_has_a_family_in_both_weights() {
        for c in ['आ', 'আ', 'ஆ', 'ఆ', 'ಆ', 'ആ', 'આ', 'ਆ', 'ଆ', 'ع'] {
            let regular = covering(c, false).unwrap_or_else(|| panic!("no font for {c}"));
            let bold = covering(c, true).unwrap_or_else(|| panic!("no bold font for {c}"));
            assert_ne!(regular.family, LATIN, "{c}");
            assert_eq!(regular.family, bold.family, "{c}");
        }
        assert!(covering('ع', false).is_some_and(|s| s.right_to_left()));
        assert!(covering('漢', false).is_none());
    }
}
