//! Lesson notes are written in Markdown by teachers and read by students
//! on other desks: a synced row, so anything may be in it. [`to_safe_html`]
//! turns it into HTML that can only format text: raw HTML in the notes is
//! shown as the text it is, never as markup; links keep only web and mail
//! addresses; images become links (a lab desk may be offline, and an image
//! fetched from anywhere tells its server who is reading).
//!
//! Why not a general HTML sanitiser: nothing but pulldown-cmark's own
//! output reaches the page, so there is nothing to clean, only raw HTML and
//! link targets to refuse; this keeps the UI's wasm small.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// The longest notes a lesson keeps (the desk checks the same).
pub const NOTES_MAX: usize = 5000;

/// True for a link target a student may follow: http(s) or mail.
pub fn allowed_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

/// The link targets in `markdown` a student may follow, in order: those
/// [`to_safe_html`] keeps (links and images).
pub fn links(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, Options::empty())
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if allowed_link(&dest_url) =>
            {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

/// Markdown as HTML that only formats text (see the module's comment).
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut in_image = false;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        // Raw HTML shows as the text it is.
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let dest_url = if allowed_link(&dest_url) { dest_url } else { CowStr::Borrowed("") };
            Event::Start(Tag::Link { link_type, dest_url, title, id })
        }
        // An image becomes a link to it (its alt text the words).
        Event::Start(Tag::Image { dest_url, title, id, .. }) => {
            in_image = true;
            let dest_url = if allowed_link(&dest_url) { dest_url } else { CowStr::Borrowed("") };
            Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url, title, id })
        }
        Event::End(TagEnd::Image) if in_image => {
            in_image = false;
            Event::End(TagEnd::Link)
        }
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_format_as_a_teacher_writes_them() {
        let html = to_safe_html(
            "# Newton's laws\n\n- **First**: inertia\n- *Second*: F = ma\n\n[Video](https://example.com/v)",
        );
        assert!(html.contains("<h1>Newton’s laws</h1>") || html.contains("<h1>Newton's laws</h1>"), "{html}");
        assert!(html.contains("<strong>First</strong>"), "{html}");
        assert!(html.contains("<em>Second</em>"), "{html}");
        assert!(html.contains(r#"<a href="https://example.com/v">Video</a>"#), "{html}");
    }

    #[test]
    fn raw_html_and_scripts_show_as_text() {
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "hello <iframe src=\"https://evil.example\"></iframe>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<style>body{display:none}</style>",
        ] {
            let html = to_safe_html(attack);
            assert!(!html.contains("<script"), "{attack} → {html}");
            assert!(!html.contains("<img"), "{attack} → {html}");
            assert!(!html.contains("<iframe"), "{attack} → {html}");
            assert!(!html.contains("<style"), "{attack} → {html}");
            assert!(!html.contains("<a href=\"javascript"), "{attack} → {html}");
            assert!(html.contains("&lt;"), "shown as text: {attack} → {html}");
        }
    }

    #[test]
    fn links_keep_only_web_and_mail_addresses_and_images_become_links() {
        let html = to_safe_html("[a](javascript:alert(1)) [b](data:text/html,x) [c](mailto:t@example.com) [d](file:///etc/passwd)");
        assert!(
            !html.contains("javascript:") && !html.contains("data:") && !html.contains("file:"),
            "{html}"
        );
        assert!(html.contains(r#"href="mailto:t@example.com""#), "{html}");
        let html = to_safe_html("![diagram](https://example.com/d.png) ![x](javascript:alert(1))");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains(r#"<a href="https://example.com/d.png">diagram</a>"#), "{html}");
        assert!(!html.contains("javascript"), "{html}");
    }

    #[test]
    fn the_links_a_student_may_follow_are_those_shown() {
        let notes = "See [the video](https://example.com/v) and ![map](http://example.com/m.png), \
                     not [this](javascript:alert(1)); write to [us](mailto:t@example.com).";
        assert_eq!(
            links(notes),
            ["https://example.com/v", "http://example.com/m.png", "mailto:t@example.com"]
        );
    }

    #[test]
    fn attribute_breaking_text_is_escaped() {
        let html = to_safe_html("[x](https://example.com/\"onmouseover=alert(1)) `<b>` **\"quoted\"**");
        assert!(!html.contains("\"onmouseover"), "{html}");
        assert!(html.contains("<code>&lt;b&gt;</code>"), "{html}");
    }
}
