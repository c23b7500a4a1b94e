//! The Aiken format (pure): a question's text on one line, its choices on
//! the lines after (`A. …` or `A) …`), then `ANSWER: B`. One right answer
//! each; blank lines between questions are optional.

use super::gift::Problem;
use branchdesk_api::commands::assessment::{QuestionDraft, QuestionKind, QuestionOption};

/// `A. text` or `A) text`: the letter's place and the text.
fn choice(line: &str) -> Option<(usize, &str)> {
    let mut chars = line.chars();
    let letter = chars.next()?;
    let mark = chars.next()?;
    if !letter.is_ascii_uppercase() || !matches!(mark, '.' | ')') || !line[2..].starts_with(' ') {
        return None;
    }
    Some(((letter as u8 - b'A') as usize, line[2..].trim()))
}

pub fn parse(content: &str) -> (Vec<QuestionDraft>, Vec<Problem>) {
    let mut questions = Vec::new();
    let mut problems = Vec::new();
    // The question being read: its first line, text and choices; None
    // between questions (and after a broken one, until its ANSWER line).
    let mut current: Option<(u32, String, Vec<String>)> = None;
    let mut skipping = false;
    for (i, raw) in content.trim_start_matches('\u{feff}').lines().enumerate() {
        let n = i as u32 + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(letters) = line.strip_prefix("ANSWER:") {
            let Some((start, text, choices)) = current.take() else {
                if !skipping {
                    problems.push(Problem {
                        line: n,
                        message: "An ANSWER line with no question above it.".into(),
                    });
                }
                skipping = false;
                continue;
            };
            skipping = false;
            let letters = letters.trim();
            let right = match (letters.len(), choice(&format!("{letters}. x"))) {
                (1, Some((at, _))) if at < choices.len() => at,
                _ => {
                    problems.push(Problem {
                        line: n,
                        message: format!(
                            "ANSWER: {letters} is not one of the choices A to {}.",
                            (b'A' + choices.len().saturating_sub(1) as u8) as char
                        ),
                    });
                    continue;
                }
            };
            if choices.len() < 2 {
                problems.push(Problem {
                    line: start,
                    message: "A question needs at least two choices (A. …, B. …).".into(),
                });
                continue;
            }
            questions.push(QuestionDraft {
                line: start,
                kind: QuestionKind::MultipleChoice,
                text,
                options: choices
                    .into_iter()
                    .enumerate()
                    .map(|(k, text)| QuestionOption {
                        text,
                        weight_bp: if k == right { 10_000 } else { 0 },
                        feedback: String::new(),
                    })
                    .collect(),
                ..Default::default()
            });
            continue;
        }
        if skipping {
            continue;
        }
        match (&mut current, choice(line)) {
            (Some((_, _, choices)), Some((at, text))) if at == choices.len() => choices.push(text.to_owned()),
            (Some((_, _, choices)), Some(_)) => {
                let expected = (b'A' + choices.len() as u8) as char;
                problems.push(Problem {
                    line: n,
                    message: format!("Choice {} comes where {expected} was expected.", &line[..1]),
                });
                current = None;
                skipping = true;
            }
            // A question's text may run over several lines.
            (Some((_, text, choices)), None) if choices.is_empty() => {
                text.push(' ');
                text.push_str(line);
            }
            (Some((start, _, _)), None) => {
                problems.push(Problem {
                    line: *start,
                    message: "The question has no ANSWER: line after its choices.".into(),
                });
                current = Some((n, line.to_owned(), Vec::new()));
            }
            (None, _) => current = Some((n, line.to_owned(), Vec::new())),
        }
    }
    if let Some((start, _, _)) = current {
        problems.push(Problem {
            line: start,
            message: "The question has no ANSWER: line after its choices.".into(),
        });
    }
    (questions, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aiken_questions_and_their_mistakes() {
        let file = "What is the SI unit of force?\nA. Newton\nB. Joule\nC) Watt\nANSWER: A\n\nWhich gas do plants take in?\nA. Oxygen\nB. Carbon dioxide\nANSWER: B\nNo answer here\nA. x\nB. y\n\nOut of range\nA. x\nB. y\nANSWER: D\n\nSkipped letter\nA. x\nC. y\nANSWER: A\n";
        let (qs, problems) = parse(file);
        assert_eq!(qs.len(), 2);
        assert_eq!(
            qs[0].options.iter().map(|o| (o.text.as_str(), o.weight_bp)).collect::<Vec<_>>(),
            [("Newton", 10_000), ("Joule", 0), ("Watt", 0)]
        );
        assert_eq!(qs[1].line, 7);
        assert_eq!(qs[1].options[1].weight_bp, 10_000);
        let at: Vec<u32> = problems.iter().map(|p| p.line).collect();
        assert_eq!(at, [11, 18, 22], "{problems:?}");
    }
}
