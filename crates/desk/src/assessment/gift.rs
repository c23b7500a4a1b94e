//! Moodle's GIFT format, read and written (pure). What we take: multiple
//! choice (`{=right ~wrong}`), multiple answers with weights
//! (`{~%50%a ~%50%b ~%-100%c}`), true/false (`{T}`, `{FALSE}`), short
//! answer with several accepted answers (`{=one =1}`), question names
//! (`::name::`), `$CATEGORY:` lines, `//` comments, answer feedback
//! (`#…`), general feedback (`####…`, kept as the explanation), the
//! missing-word form (text after the braces), a `[plain]`/`[html]`/
//! `[markdown]` text format (dropped), and the escapes `\~ \= \# \{ \} \:`
//! and `\n`. Matching, numerical, essay and description questions are
//! reported by line, never dropped silently.

use branchdesk_api::commands::assessment::{QuestionDraft, QuestionKind, QuestionOption};

/// A problem with the question starting on `line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u32,
    pub message: String,
}

/// Escaped characters, held as private-use characters while parsing.
const ESCAPES: [(char, char); 6] = [
    ('~', '\u{E000}'),
    ('=', '\u{E001}'),
    ('#', '\u{E002}'),
    ('{', '\u{E003}'),
    ('}', '\u{E004}'),
    (':', '\u{E005}'),
];

fn protect(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if let Some((_, held)) = ESCAPES.iter().find(|(e, _)| *e == next) {
                    out.push(*held);
                    chars.next();
                    continue;
                }
                if next == 'n' {
                    out.push('\n');
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

fn restore(text: &str) -> String {
    text.chars()
        .map(|c| ESCAPES.iter().find(|(_, held)| *held == c).map_or(c, |(e, _)| *e))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Reads a GIFT file: every question it takes, and a problem for each it
/// cannot (the caller imports nothing while there are any).
pub fn parse(content: &str) -> (Vec<QuestionDraft>, Vec<Problem>) {
    let mut questions = Vec::new();
    let mut problems = Vec::new();
    let mut topic = String::new();
    // Blocks of lines separated by blank lines; comment lines dropped.
    let mut block: Vec<(u32, &str)> = Vec::new();
    let mut blocks: Vec<Vec<(u32, &str)>> = Vec::new();
    for (i, line) in content.trim_start_matches('\u{feff}').lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("//") {
            continue;
        }
        if trimmed.is_empty() {
            if !block.is_empty() {
                blocks.push(std::mem::take(&mut block));
            }
            continue;
        }
        block.push((i as u32 + 1, line));
    }
    if !block.is_empty() {
        blocks.push(block);
    }
    for block in blocks {
        let line = block[0].0;
        let first = block[0].1.trim();
        if let Some(path) = first.strip_prefix("$CATEGORY:") {
            // `$course$/top/Physics/Kinematics` → Kinematics.
            topic = path
                .trim()
                .rsplit('/')
                .find(|p| !p.is_empty() && !p.starts_with('$'))
                .unwrap_or("")
                .to_owned();
            if block.len() > 1 {
                problems.push(Problem {
                    line: block[1].0,
                    message: "Leave a blank line after a $CATEGORY line.".into(),
                });
            }
            continue;
        }
        let text: Vec<&str> = block.iter().map(|(_, l)| *l).collect();
        match question(&protect(&text.join("\n"))) {
            Ok(mut q) => {
                q.line = line;
                q.topic = topic.clone();
                questions.push(q);
            }
            Err(message) => problems.push(Problem { line, message }),
        }
    }
    (questions, problems)
}

/// One question's text (escapes protected).
fn question(raw: &str) -> Result<QuestionDraft, String> {
    let mut rest = raw.trim();
    let mut name = String::new();
    if let Some(after) = rest.strip_prefix("::") {
        let (n, tail) = after.split_once("::").ok_or("The question name has no closing ::.")?;
        name = restore(n);
        rest = tail.trim_start();
    }
    if rest.starts_with('[') {
        if let Some((format, tail)) = rest[1..].split_once(']') {
            if ["html", "plain", "markdown", "moodle"].contains(&format) {
                rest = tail.trim_start();
            }
        }
    }
    let Some(open) = rest.find('{') else {
        return Err(
            "No answers in { }: GIFT descriptions are not taken (a question needs its answers).".into()
        );
    };
    let close = rest[open..].find('}').map(|c| open + c).ok_or("The answers' { has no closing }.")?;
    if rest[close + 1..].contains('{') {
        return Err("Only one set of answers { } per question is taken.".into());
    }
    let before = rest[..open].trim_end();
    let after = rest[close + 1..].trim();
    // The missing-word form: the blank where the answers stood.
    let text = match restore(after) {
        a if a.is_empty() => restore(before),
        a if a.starts_with(char::is_alphanumeric) => format!("{} _____ {a}", restore(before)),
        a => format!("{} _____{a}", restore(before)),
    };
    if text.is_empty() {
        return Err("The question has no text.".into());
    }
    let mut body = rest[open + 1..close].trim().to_owned();
    let mut explanation = String::new();
    if let Some(at) = body.find("####") {
        explanation = restore(&body[at + 4..]);
        body.truncate(at);
    }
    let body = body.trim();
    let mut q = QuestionDraft { name, text, explanation, ..Default::default() };
    if body.is_empty() {
        return Err("Empty answers { } make an essay question, which is not taken.".into());
    }
    if body.starts_with('#') {
        return Err("A numerical question ({#…}) is not taken.".into());
    }
    let (head, feedback) = body.split_once('#').map_or((body, ""), |(h, f)| (h, f));
    if let Some(right) = truth(head.trim()) {
        // `{T#feedback if wrong#feedback if right}`
        let mut parts = feedback.splitn(2, '#');
        let (wrong_fb, right_fb) = (restore(parts.next().unwrap_or("")), restore(parts.next().unwrap_or("")));
        q.kind = QuestionKind::TrueFalse;
        let fb = |is_right: bool| if is_right { right_fb.clone() } else { wrong_fb.clone() };
        q.options = vec![
            QuestionOption {
                text: "True".into(),
                weight_bp: if right { 10_000 } else { 0 },
                feedback: fb(right),
            },
            QuestionOption {
                text: "False".into(),
                weight_bp: if right { 0 } else { 10_000 },
                feedback: fb(!right),
            },
        ];
        return Ok(q);
    }
    if !body.starts_with(['=', '~']) {
        return Err("Each answer starts with = (right) or ~ (wrong).".into());
    }
    let mut answers: Vec<(char, Option<i32>, String, String)> = Vec::new();
    let mut current = String::new();
    let mut mark = ' ';
    for c in body.chars() {
        if c == '=' || c == '~' {
            if mark != ' ' {
                answers.push(answer(mark, &current)?);
            }
            mark = c;
            current.clear();
        } else {
            current.push(c);
        }
    }
    answers.push(answer(mark, &current)?);
    if answers.iter().any(|a| a.2.contains("->")) {
        return Err("A matching question (a -> b) is not taken.".into());
    }
    if let Some(a) = answers.iter().find(|a| a.2.is_empty()) {
        return Err(format!("An answer after {} is empty.", a.0));
    }
    let rights = answers.iter().filter(|a| a.0 == '=').count();
    let wrongs = answers.len() - rights;
    let weighted = answers.iter().any(|a| a.1.is_some());
    if wrongs == 0 {
        q.kind = QuestionKind::ShortAnswer;
        q.options = answers
            .into_iter()
            .map(|(_, w, text, feedback)| QuestionOption { text, weight_bp: w.unwrap_or(10_000), feedback })
            .collect();
        if !q.options.iter().any(|o| o.weight_bp == 10_000) {
            return Err(
                "A short answer question needs one answer worth full marks (=answer or =%100%answer).".into(),
            );
        }
        return Ok(q);
    }
    match rights {
        1 if !answers.iter().any(|a| a.0 == '~' && a.1.is_some_and(|w| w > 0)) => {
            q.kind = QuestionKind::MultipleChoice;
        }
        0 if weighted => {
            q.kind = QuestionKind::MultipleSelect;
            let total: i32 = answers.iter().filter_map(|a| a.1).filter(|w| *w > 0).sum();
            if (total - 10_000).abs() > 5 {
                return Err(format!(
                    "The right answers' weights add up to {}%; they must add up to 100%.",
                    total as f64 / 100.0
                ));
            }
        }
        0 => return Err("No answer is marked right (=), and none has a weight (~%50%…).".into()),
        _ => {
            return Err(
                "More than one answer is marked right with = ; for several right answers give weights (~%50%a ~%50%b)."
                    .into(),
            )
        }
    }
    q.options = answers
        .into_iter()
        .map(|(mark, w, text, feedback)| QuestionOption {
            text,
            weight_bp: w.unwrap_or(if mark == '=' { 10_000 } else { 0 }),
            feedback,
        })
        .collect();
    if q.options.len() < 2 {
        return Err("A choice question needs at least two choices.".into());
    }
    Ok(q)
}

fn truth(head: &str) -> Option<bool> {
    match head {
        "T" | "TRUE" => Some(true),
        "F" | "FALSE" => Some(false),
        _ => None,
    }
}

/// One answer after its mark: an optional `%weight%`, the text, `#feedback`.
fn answer(mark: char, raw: &str) -> Result<(char, Option<i32>, String, String), String> {
    let raw = raw.trim();
    let (weight, rest) = match raw.strip_prefix('%') {
        Some(after) => {
            let (w, rest) = after.split_once('%').ok_or("A weight has no closing % (write ~%50%answer).")?;
            (Some(weight_bp(w).ok_or_else(|| format!("{w}% is not a weight from -100% to 100%."))?), rest)
        }
        None => (None, raw),
    };
    let (text, feedback) = rest.split_once('#').map_or((rest, ""), |(t, f)| (t, f));
    Ok((mark, weight, restore(text), restore(feedback)))
}

/// "33.33333" → 3333 (hundredths of a percent, rounded), within ±100 %.
fn weight_bp(w: &str) -> Option<i32> {
    let v: f64 = w.trim().parse().ok()?;
    (v.is_finite() && (-100.0..=100.0).contains(&v)).then(|| (v * 100.0).round() as i32)
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '~' | '=' | '#' | '{' | '}' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn weight_text(bp: i32) -> String {
    let whole = bp / 100;
    match bp % 100 {
        0 => whole.to_string(),
        f => format!("{}.{:02}", whole, f.abs()).trim_end_matches('0').to_owned(),
    }
}

/// Writes questions as GIFT, each under its topic's `$CATEGORY`; reading
/// the text back gives the same questions (names, kinds, options, weights,
/// feedback, explanations).
pub fn write(questions: &[QuestionDraft]) -> String {
    let mut out = String::new();
    let mut topic: Option<&str> = None;
    for q in questions {
        if topic != Some(q.topic.as_str()) {
            if !q.topic.is_empty() || topic.is_some() {
                out.push_str(&format!("$CATEGORY: {}\n\n", q.topic.replace('/', "-")));
            }
            topic = Some(q.topic.as_str());
        }
        if !q.name.is_empty() {
            out.push_str(&format!("::{}::", escape(&q.name)));
        }
        out.push_str(&escape(&q.text));
        out.push_str(" {");
        match q.kind {
            QuestionKind::TrueFalse => {
                let right = q.options.first().is_some_and(|o| o.weight_bp > 0);
                out.push_str(if right { "TRUE" } else { "FALSE" });
                let fb = |is_right: bool| {
                    q.options
                        .iter()
                        .find(|o| (o.text == "True") == (is_right == right))
                        .map(|o| o.feedback.clone())
                        .unwrap_or_default()
                };
                let (wrong, rightf) = (fb(false), fb(true));
                if !wrong.is_empty() || !rightf.is_empty() {
                    out.push_str(&format!("#{}#{}", escape(&wrong), escape(&rightf)));
                }
            }
            kind => {
                for o in &q.options {
                    let plain_right = o.weight_bp == 10_000 && kind != QuestionKind::MultipleSelect;
                    let plain_wrong = o.weight_bp == 0 && kind != QuestionKind::ShortAnswer;
                    out.push_str("\n\t");
                    if kind == QuestionKind::ShortAnswer || plain_right {
                        out.push('=');
                    } else {
                        out.push('~');
                    }
                    // A text starting with % would read as a weight:
                    // GIFT has no escape for it, so its weight is written.
                    if (!plain_right && !plain_wrong) || o.text.starts_with('%') {
                        out.push_str(&format!("%{}%", weight_text(o.weight_bp)));
                    }
                    out.push_str(&escape(&o.text));
                    if !o.feedback.is_empty() {
                        out.push_str(&format!("#{}", escape(&o.feedback)));
                    }
                }
                out.push('\n');
            }
        }
        if !q.explanation.is_empty() {
            out.push_str(&format!("####{}", escape(&q.explanation)));
        }
        out.push_str("}\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BANK: &str = r#"// Kinematics, week 3
$CATEGORY: $course$/top/Physics/Kinematics

::Units::What is the SI unit of force? {
	=newton#Named after Isaac Newton.
	~joule#That is energy.
	~watt
	####Force is mass times acceleration.
}

The acceleration due to gravity is about 9.8 m/s². {T}

Which are vectors? {
	~%50%velocity
	~%50%displacement
	~%-100%speed
}

// a short answer with two accepted answers
The unit of frequency is the {=hertz =Hz}.

A ratio like 3\:4 uses the escapes \~ \= \# \{ \}. {=yes ~no}

Newton's {~first =second ~third} law gives F = ma.
"#;

    #[test]
    fn a_teachers_bank_reads_as_written() {
        let (qs, problems) = parse(BANK);
        assert_eq!(problems, []);
        assert_eq!(qs.len(), 6);
        let units = &qs[0];
        assert_eq!((units.line, units.name.as_str(), units.topic.as_str()), (4, "Units", "Kinematics"));
        assert_eq!(units.kind, QuestionKind::MultipleChoice);
        assert_eq!(units.text, "What is the SI unit of force?");
        assert_eq!(
            units.options[0],
            QuestionOption {
                text: "newton".into(),
                weight_bp: 10_000,
                feedback: "Named after Isaac Newton.".into()
            }
        );
        assert_eq!(units.options[2].weight_bp, 0);
        assert_eq!(units.explanation, "Force is mass times acceleration.");
        assert_eq!(qs[1].kind, QuestionKind::TrueFalse);
        assert_eq!(qs[1].options.iter().map(|o| o.weight_bp).collect::<Vec<_>>(), [10_000, 0]);
        assert_eq!(qs[2].kind, QuestionKind::MultipleSelect);
        assert_eq!(qs[2].options.iter().map(|o| o.weight_bp).collect::<Vec<_>>(), [5000, 5000, -10_000]);
        assert_eq!(qs[3].kind, QuestionKind::ShortAnswer);
        assert_eq!(qs[3].options.iter().map(|o| o.text.as_str()).collect::<Vec<_>>(), ["hertz", "Hz"]);
        assert_eq!(qs[3].text, "The unit of frequency is the _____.");
        assert_eq!(qs[4].text, "A ratio like 3:4 uses the escapes ~ = # { }.");
        assert_eq!(qs[5].text, "Newton's _____ law gives F = ma.");
        assert_eq!(qs[5].options[1].weight_bp, 10_000);
    }

    #[test]
    fn what_we_do_not_take_is_reported_by_line() {
        let file = "Match {=a -> 1 =b -> 2}\n\nYear? {#1822:5}\n\nWrite an essay. {}\n\nJust a description.\n\nTwo right {=a =b ~c}\n\nNone right {~a ~b}\n\nWeights {~%50%a ~%40%b ~c}\n\nBroken {=a ~b\n\n::Unclosed name {=a ~b}\n\nBad weight {~%150%a ~b}\n";
        let (qs, problems) = parse(file);
        assert!(qs.is_empty(), "{qs:?}");
        let lines: Vec<u32> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
        assert!(problems[0].message.contains("matching"));
        assert!(problems[1].message.contains("numerical"));
        assert!(problems[2].message.contains("essay"));
        assert!(problems[3].message.contains("descriptions"));
        assert!(problems[6].message.contains("90%"), "{}", problems[6].message);
        assert!(problems[9].message.contains("150%"));
    }

    #[test]
    fn written_gift_reads_back_the_same() {
        let (qs, _) = parse(BANK);
        let again = write(&qs);
        let (back, problems) = parse(&again);
        assert_eq!(problems, [], "{again}");
        let strip = |q: &QuestionDraft| QuestionDraft { line: 0, ..q.clone() };
        assert_eq!(
            back.iter().map(strip).collect::<Vec<_>>(),
            qs.iter().map(strip).collect::<Vec<_>>(),
            "{again}"
        );
    }

    fn words() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        "[a-zA-Z0-9~=#{}:%.,/ -]{1,24}"
            .prop_map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .prop_filter("text", |s| !s.is_empty() && !s.starts_with("//") && !s.starts_with('['))
    }

    proptest::proptest! {
        #[test]
        fn any_question_written_reads_back_the_same(
            text in words(),
            name in proptest::option::of(words()),
            choices in proptest::collection::vec(words(), 2..5),
            right in 0usize..4,
            kind in 0u8..4,
            explanation in proptest::option::of(words()),
        ) {
            let right = right % choices.len();
            let (kind, options) = match kind {
                0 => (QuestionKind::MultipleChoice, choices.iter().enumerate().map(|(i, c)| QuestionOption {
                    text: c.clone(), weight_bp: if i == right { 10_000 } else { 0 }, feedback: String::new() }).collect()),
                1 => (QuestionKind::MultipleSelect, choices.iter().enumerate().map(|(i, c)| QuestionOption {
                    text: c.clone(), weight_bp: match i { 0 => 5000, 1 => 5000, _ => -10_000 }, feedback: c.clone() }).collect()),
                2 => (QuestionKind::TrueFalse, vec![
                    QuestionOption { text: "True".into(), weight_bp: if right == 0 { 10_000 } else { 0 }, feedback: String::new() },
                    QuestionOption { text: "False".into(), weight_bp: if right == 0 { 0 } else { 10_000 }, feedback: String::new() },
                ]),
                _ => (QuestionKind::ShortAnswer, choices.iter().map(|c| QuestionOption {
                    text: c.clone(), weight_bp: 10_000, feedback: String::new() }).collect()),
            };
            let q = QuestionDraft {
                line: 1, name: name.unwrap_or_default(), topic: String::new(), kind, text, options,
                explanation: explanation.unwrap_or_default(),
            };
            let written = write(std::slice::from_ref(&q));
            let (back, problems) = parse(&written);
            proptest::prop_assert_eq!(problems, vec![], "{}", written);
            proptest::prop_assert_eq!(back, vec![q], "{}", written);
        }
    }
}
