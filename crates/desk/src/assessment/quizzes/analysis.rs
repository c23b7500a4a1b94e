//! Item analysis of a quiz (pure): for each question, the share of those
//! who met it answering it right (its difficulty index) and the share right
//! among the top 27 % of attempts by total less the share among the bottom
//! 27 % (its discrimination index, Kelley's groups). A question is flagged
//! for review when almost nobody or almost everybody gets it right, or when
//! it does not tell the stronger students from the weaker.

use super::Scored;
use branchdesk_api::ids::QuestionId;

/// One question's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub question: QuestionId,
    pub met: u32,
    pub right_bp: u32,
    pub discrimination_bp: i32,
    pub review: Option<&'static str>,
}

/// Fewer attempts than this say nothing about discrimination.
const ENOUGH: usize = 10;

/// Fewer students meeting a question than this say nothing about it.
const FEW: usize = 5;

/// `attempts`: each submitted attempt's total and its questions as scored.
/// Questions in the order first met.
pub fn items(attempts: &[(i64, Vec<Scored>)]) -> Vec<Item> {
    let mut order: Vec<QuestionId> = Vec::new();
    for (_, s) in attempts {
        for q in s {
            if !order.contains(&q.question) {
                order.push(q.question);
            }
        }
    }
    let mut ranked: Vec<usize> = (0..attempts.len()).collect();
    ranked.sort_by(|&a, &b| attempts[b].0.cmp(&attempts[a].0).then(a.cmp(&b)));
    let group = (attempts.len() * 27).div_ceil(100).max(1);
    let top = &ranked[..group.min(ranked.len())];
    let bottom = &ranked[ranked.len().saturating_sub(group)..];
    let right = |i: usize, q: QuestionId| -> Option<bool> {
        attempts[i].1.iter().find(|s| s.question == q).map(|s| s.points > 0 && s.score >= s.points)
    };
    let share = |group: &[usize], q: QuestionId| -> i64 {
        let met: Vec<bool> = group.iter().filter_map(|&i| right(i, q)).collect();
        if met.is_empty() {
            0
        } else {
            met.iter().filter(|r| **r).count() as i64 * 10_000 / met.len() as i64
        }
    };
    order
        .into_iter()
        .map(|q| {
            let met: Vec<bool> = (0..attempts.len()).filter_map(|i| right(i, q)).collect();
            let right_bp = if met.is_empty() {
                0
            } else {
                (met.iter().filter(|r| **r).count() * 10_000 / met.len()) as u32
            };
            let discrimination_bp = (share(top, q) - share(bottom, q)) as i32;
            let review = if met.len() < FEW {
                None
            } else if right_bp < 2_000 {
                Some("Few answer it right: check the key, or how the topic was taught.")
            } else if right_bp > 9_500 && met.len() >= ENOUGH {
                Some("Nearly everyone answers it right: it tells little.")
            } else if attempts.len() >= ENOUGH && discrimination_bp < 0 {
                Some("Weaker students answer it better than stronger ones: check the key.")
            } else if attempts.len() >= ENOUGH && discrimination_bp < 2_000 {
                Some("It does not tell the stronger students from the weaker.")
            } else {
                None
            };
            Item { question: q, met: met.len() as u32, right_bp, discrimination_bp, review }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn q(n: u128) -> QuestionId {
        QuestionId(Uuid::from_u128(n))
    }

    fn scored(question: QuestionId, right: bool) -> Scored {
        Scored { question, score: if right { 100 } else { 0 }, points: 100, waiting: false, answered: true }
    }

    #[test]
    fn a_good_question_a_hard_one_and_one_with_a_wrong_key() {
        // Twenty attempts: q1 right for the top half only (it
        // discriminates), q2 right for nobody, q3 right only for the
        // bottom five (the key is likely wrong).
        let attempts: Vec<(i64, Vec<Scored>)> = (0..20)
            .map(|i| {
                let total = 100 - i as i64;
                (total, vec![scored(q(1), i < 10), scored(q(2), false), scored(q(3), i >= 15)])
            })
            .collect();
        let it = items(&attempts);
        assert_eq!(it.len(), 3);
        assert_eq!(it[0].right_bp, 5_000);
        assert_eq!(it[0].discrimination_bp, 10_000);
        assert_eq!(it[0].review, None);
        assert_eq!(it[1].right_bp, 0);
        assert!(it[1].review.unwrap().starts_with("Few"));
        assert_eq!(it[2].right_bp, 2_500);
        assert!(it[2].discrimination_bp < 0);
        assert!(it[2].review.unwrap().contains("check the key"));
    }

    #[test]
    fn no_attempts_no_items_and_a_few_attempts_are_not_judged() {
        assert!(items(&[]).is_empty());
        let one = vec![(100, vec![scored(q(1), true)])];
        let it = items(&one);
        assert_eq!((it[0].met, it[0].right_bp, it[0].review), (1, 10_000, None));
        let wrong: Vec<(i64, Vec<Scored>)> = (0..4).map(|_| (0, vec![scored(q(1), false)])).collect();
        assert_eq!(items(&wrong)[0].review, None, "four wrong answers are too few to judge");
        let five: Vec<(i64, Vec<Scored>)> = (0..5).map(|_| (0, vec![scored(q(1), false)])).collect();
        assert!(items(&five)[0].review.is_some());
    }
}
