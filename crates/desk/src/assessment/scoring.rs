//! Scoring a question and a paper of questions (pure), in hundredths of a
//! mark. The rules, as a teacher is told them:
//!
//! - One right answer (and true/false): the chosen choice's share of the
//!   question's marks. A wrong choice costs the quiz's penalty (a share of
//!   the question's marks, 25 % for the usual −1 of a 4-mark question)
//!   unless the question gives that choice a negative weight of its own,
//!   which then applies instead. No answer scores 0.
//! - Several right answers: the sum of the chosen choices' weights (right
//!   ones positive, wrong ones negative), never below 0 nor above the
//!   question's marks. Choosing everything earns nothing when the wrong
//!   choices weigh as much as the right ones.
//! - Short answer: an accepted answer's share, compared without case and
//!   with runs of spaces as one; anything else scores 0 (no penalty).
//! - A paper's total never goes below the floor the quiz chooses (0, or
//!   no floor for entrance-exam practice) nor above its maximum.

use branchdesk_api::commands::assessment::{QuestionKind, QuestionOption};

/// What a student gave for one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Blank,
    /// Indexes into the question's options.
    Choices(Vec<usize>),
    Text(String),
}

/// The quiz's rules for wrong answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rules {
    /// The share of a question's marks a wrong single choice costs, in
    /// hundredths of a percent (2500: a quarter).
    pub wrong_choice_penalty_bp: i32,
    /// Whether a paper's total stops at zero.
    pub total_floor_at_zero: bool,
}

fn share(points: i64, bp: i32) -> i64 {
    // Rounded half away from zero, so −¼ of 1 mark is −0.25 exactly and a
    // third of 1 mark is 0.33.
    let v = points as i128 * bp as i128;
    let r = (v.abs() + 5_000) / 10_000;
    (if v < 0 { -r } else { r }) as i64
}

fn normal(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// One question's score in hundredths of a mark.
pub fn question(
    kind: QuestionKind,
    options: &[QuestionOption],
    points: i64,
    response: &Response,
    rules: Rules,
) -> i64 {
    match (kind, response) {
        (_, Response::Blank) => 0,
        (QuestionKind::ShortAnswer, Response::Text(t)) => {
            let given = normal(t);
            if given.is_empty() {
                return 0;
            }
            let best = options
                .iter()
                .filter(|o| normal(&o.text) == given)
                .map(|o| o.weight_bp.clamp(0, 10_000))
                .max();
            share(points, best.unwrap_or(0))
        }
        (QuestionKind::MultipleSelect, Response::Choices(chosen)) => {
            let mut picked: Vec<usize> = chosen.iter().copied().filter(|i| *i < options.len()).collect();
            picked.sort_unstable();
            picked.dedup();
            let sum: i64 = picked.iter().map(|&i| options[i].weight_bp as i64).sum();
            share(points, sum.clamp(0, 10_000) as i32)
        }
        (QuestionKind::MultipleChoice | QuestionKind::TrueFalse, Response::Choices(chosen)) => {
            // One choice counts; more than one is not an answer to a
            // one-answer question (the screen never sends it).
            let [i] = chosen.as_slice() else { return 0 };
            let Some(o) = options.get(*i) else { return 0 };
            match o.weight_bp {
                w if w > 0 => share(points, w.min(10_000)),
                w if w < 0 => share(points, w.max(-10_000)),
                _ => -share(points, rules.wrong_choice_penalty_bp.clamp(0, 10_000)),
            }
        }
        // A text for a choice question, choices for a short answer: not
        // an answer to this question.
        _ => 0,
    }
}

/// A paper's total from its questions' scores, within its floor and maximum.
pub fn total(scores: &[i64], maximum: i64, rules: Rules) -> i64 {
    let sum: i64 = scores.iter().sum();
    let floored = if rules.total_floor_at_zero { sum.max(0) } else { sum };
    floored.min(maximum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn opts(weights: &[i32]) -> Vec<QuestionOption> {
        weights
            .iter()
            .enumerate()
            .map(|(i, w)| QuestionOption { text: format!("o{i}"), weight_bp: *w, feedback: String::new() })
            .collect()
    }
    const JEE: Rules = Rules { wrong_choice_penalty_bp: 2500, total_floor_at_zero: false };

    #[test]
    fn the_rules_as_a_teacher_reads_them() {
        let mc = opts(&[10_000, 0, 0, 0]);
        let one = |i: usize| Response::Choices(vec![i]);
        assert_eq!(question(QuestionKind::MultipleChoice, &mc, 400, &one(0), JEE), 400);
        assert_eq!(question(QuestionKind::MultipleChoice, &mc, 400, &one(2), JEE), -100, "−1 of 4");
        assert_eq!(question(QuestionKind::MultipleChoice, &mc, 400, &Response::Blank, JEE), 0);
        assert_eq!(question(QuestionKind::MultipleChoice, &mc, 400, &Response::Choices(vec![0, 1]), JEE), 0);
        let own = opts(&[10_000, -5000, 0]);
        assert_eq!(
            question(QuestionKind::MultipleChoice, &own, 400, &one(1), JEE),
            -200,
            "the question's own weight wins"
        );
        let ms = opts(&[5000, 5000, -10_000, 0]);
        let pick = |v: Vec<usize>| Response::Choices(v);
        assert_eq!(question(QuestionKind::MultipleSelect, &ms, 200, &pick(vec![0, 1]), JEE), 200);
        assert_eq!(
            question(QuestionKind::MultipleSelect, &ms, 200, &pick(vec![0]), JEE),
            100,
            "half right, half the marks"
        );
        assert_eq!(
            question(QuestionKind::MultipleSelect, &ms, 200, &pick(vec![0, 1, 2, 3]), JEE),
            0,
            "everything earns nothing"
        );
        assert_eq!(
            question(QuestionKind::MultipleSelect, &ms, 200, &pick(vec![0, 2]), JEE),
            0,
            "never below zero"
        );
        let sa = vec![
            QuestionOption { text: "Hertz".into(), weight_bp: 10_000, feedback: String::new() },
            QuestionOption { text: "cycles per second".into(), weight_bp: 5000, feedback: String::new() },
        ];
        let typed = |t: &str| Response::Text(t.into());
        assert_eq!(question(QuestionKind::ShortAnswer, &sa, 100, &typed("  hertz "), JEE), 100);
        assert_eq!(question(QuestionKind::ShortAnswer, &sa, 100, &typed("Cycles  per second"), JEE), 50);
        assert_eq!(question(QuestionKind::ShortAnswer, &sa, 100, &typed("joule"), JEE), 0);
        assert_eq!(total(&[400, -100, -100], 1200, JEE), 200);
        assert_eq!(total(&[-100, -100], 1200, JEE), -200, "no floor: entrance-exam practice");
        assert_eq!(total(&[-100, -100], 1200, Rules { total_floor_at_zero: true, ..JEE }), 0);
    }

    fn kind() -> impl Strategy<Value = QuestionKind> {
        prop_oneof![
            Just(QuestionKind::MultipleChoice),
            Just(QuestionKind::MultipleSelect),
            Just(QuestionKind::TrueFalse),
            Just(QuestionKind::ShortAnswer),
        ]
    }

    proptest! {
        #[test]
        fn a_question_scores_between_its_penalty_and_its_marks(
            kind in kind(),
            weights in prop::collection::vec(-10_000i32..=10_000, 1..6),
            points in 1i64..10_000,
            chosen in prop::collection::vec(0usize..8, 0..6),
            typed in "[a-z ]{0,6}",
            penalty in 0i32..=10_000,
        ) {
            let rules = Rules { wrong_choice_penalty_bp: penalty, total_floor_at_zero: false };
            let options = opts(&weights);
            for response in [Response::Blank, Response::Choices(chosen.clone()), Response::Text(typed.clone())] {
                let s = question(kind, &options, points, &response, rules);
                prop_assert!(s <= points, "never above the marks: {s} > {points}");
                prop_assert!(s >= -points, "never below losing the question's marks");
                if kind == QuestionKind::MultipleSelect || kind == QuestionKind::ShortAnswer {
                    prop_assert!(s >= 0, "partial credit never goes negative");
                }
                if response == Response::Blank {
                    prop_assert_eq!(s, 0);
                }
            }
        }

        #[test]
        fn the_right_answers_earn_full_marks(
            weights in prop::collection::vec(0i32..=1, 2..6),
            points in 1i64..10_000,
        ) {
            // Right choices share 100 % between them; the rest weigh −100 %.
            let right: Vec<usize> = (0..weights.len()).filter(|&i| weights[i] == 1).collect();
            prop_assume!(!right.is_empty());
            let n = right.len() as i32;
            let w: Vec<i32> = (0..weights.len())
                .map(|i| match right.iter().position(|&r| r == i) {
                    Some(p) if p + 1 == right.len() => 10_000 - (10_000 / n) * (n - 1),
                    Some(_) => 10_000 / n,
                    None => -10_000,
                })
                .collect();
            let options = opts(&w);
            let s = question(QuestionKind::MultipleSelect, &options, points, &Response::Choices(right.clone()), JEE);
            prop_assert_eq!(s, points);
            // Adding any wrong choice never earns more.
            for extra in (0..w.len()).filter(|i| !right.contains(i)) {
                let mut more = right.clone();
                more.push(extra);
                prop_assert!(question(QuestionKind::MultipleSelect, &options, points, &Response::Choices(more), JEE) < points);
            }
        }

        #[test]
        fn a_total_stays_within_its_floor_and_maximum(
            scores in prop::collection::vec(-400i64..=400, 0..30),
            floor in any::<bool>(),
        ) {
            let maximum = 400 * scores.len() as i64;
            let rules = Rules { wrong_choice_penalty_bp: 2500, total_floor_at_zero: floor };
            let t = total(&scores, maximum, rules);
            prop_assert!(t <= maximum);
            if floor { prop_assert!(t >= 0); }
            let sum: i64 = scores.iter().sum();
            if (0..=maximum).contains(&sum) {
                prop_assert_eq!(t, sum, "within the bounds the total is the sum");
            }
            if !floor && sum < 0 {
                prop_assert_eq!(t, sum, "without a floor a negative total stands");
            }
        }
    }
}
