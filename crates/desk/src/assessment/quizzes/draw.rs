//! An attempt's questions and the order of their choices, from the seed
//! kept with the attempt (pure). The generator is written out here
//! (SplitMix64) rather than borrowed, so an attempt drawn by one version
//! of the app is drawn the same by the next: the review shows what the
//! student saw.

use super::store::Drawn;
use branchdesk_api::commands::assessment::Difficulty;
use branchdesk_api::commands::quizzes::DrawRule;
use branchdesk_api::ids::QuestionId;

/// SplitMix64 (Steele, Lea and Flood, 2014).
pub struct Seeded(u64);

impl Seeded {
    pub fn new(seed: i64) -> Self {
        Seeded(seed as u64)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0), without the bias of a bare modulo.
    fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let v = self.next();
            if v < zone {
                return (v % n) as usize;
            }
        }
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// A bank question as the draw needs it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: QuestionId,
    pub topic: String,
    pub difficulty: Difficulty,
    pub options: usize,
}

/// The questions of an attempt: the fixed list, or for each rule so many
/// questions of its topic and difficulty not drawn already; shuffled (with
/// every question's choices) when the quiz says so. A rule the bank
/// cannot fill gives what it has (the quiz form warns of it).
pub fn draw(
    seed: i64,
    fixed: &[QuestionId],
    rules: &[DrawRule],
    bank: &[Candidate],
    shuffle: bool,
) -> Vec<Drawn> {
    let mut rng = Seeded::new(seed);
    let mut chosen: Vec<&Candidate> = Vec::new();
    if rules.is_empty() {
        chosen = fixed.iter().filter_map(|id| bank.iter().find(|c| c.id == *id)).collect();
    } else {
        for rule in rules {
            let mut pool: Vec<&Candidate> = bank
                .iter()
                .filter(|c| rule.topic.is_empty() || c.topic.eq_ignore_ascii_case(&rule.topic))
                .filter(|c| c.difficulty == rule.difficulty)
                .filter(|c| !chosen.iter().any(|d| d.id == c.id))
                .collect();
            rng.shuffle(&mut pool);
            chosen.extend(pool.into_iter().take(rule.count as usize));
        }
    }
    if shuffle {
        rng.shuffle(&mut chosen);
    }
    chosen
        .into_iter()
        .map(|c| {
            let mut o: Vec<u32> = (0..c.options as u32).collect();
            if shuffle {
                rng.shuffle(&mut o);
            }
            Drawn { q: c.id, o }
        })
        .collect()
}

/// How many questions the rules can draw from the bank (for the form).
pub fn available(rules: &[DrawRule], bank: &[Candidate]) -> Vec<u32> {
    rules
        .iter()
        .map(|rule| {
            bank.iter()
                .filter(|c| rule.topic.is_empty() || c.topic.eq_ignore_ascii_case(&rule.topic))
                .filter(|c| c.difficulty == rule.difficulty)
                .count() as u32
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn bank(n: usize) -> Vec<Candidate> {
        (0..n)
            .map(|i| Candidate {
                id: QuestionId(Uuid::from_u128(i as u128 + 1)),
                topic: if i % 2 == 0 { "Optics".into() } else { "Motion".into() },
                difficulty: if i % 3 == 0 { Difficulty::Hard } else { Difficulty::Easy },
                options: 4,
            })
            .collect()
    }

    #[test]
    fn the_same_seed_draws_the_same_attempt_and_another_seed_another() {
        let b = bank(40);
        let rules = vec![
            DrawRule { topic: "optics".into(), difficulty: Difficulty::Easy, count: 3 },
            DrawRule { topic: String::new(), difficulty: Difficulty::Hard, count: 2 },
        ];
        let one = draw(7, &[], &rules, &b, true);
        assert_eq!(one, draw(7, &[], &rules, &b, true));
        assert_ne!(one, draw(8, &[], &rules, &b, true));
        assert_eq!(one.len(), 5);
        let easy_optics = one
            .iter()
            .filter(|d| {
                b.iter().any(|c| c.id == d.q && c.topic == "Optics" && c.difficulty == Difficulty::Easy)
            })
            .count();
        assert!(easy_optics >= 3, "the topic is matched without case");
        // Fixed and unshuffled: the teacher's order, choices as in the bank.
        let fixed: Vec<QuestionId> = b.iter().rev().take(3).map(|c| c.id).collect();
        let plain = draw(7, &fixed, &[], &b, false);
        assert_eq!(plain.iter().map(|d| d.q).collect::<Vec<_>>(), fixed);
        assert!(plain.iter().all(|d| d.o == vec![0, 1, 2, 3]));
        // The generator does not change between versions.
        let mut g = Seeded::new(1);
        assert_eq!(g.next(), 0x910a_2dec_8902_5cc1);
    }

    proptest! {
        #[test]
        fn a_draw_never_repeats_a_question_and_keeps_every_choice(
            seed in any::<i64>(),
            counts in prop::collection::vec(0u32..12, 1..4),
            n in 0usize..30,
        ) {
            let b = bank(n);
            let rules: Vec<DrawRule> = counts
                .iter()
                .enumerate()
                .map(|(i, c)| DrawRule {
                    topic: if i == 1 { "Motion".into() } else { String::new() },
                    difficulty: if i % 2 == 0 { Difficulty::Easy } else { Difficulty::Hard },
                    count: *c,
                })
                .collect();
            let d = draw(seed, &[], &rules, &b, true);
            let mut ids: Vec<_> = d.iter().map(|x| x.q).collect();
            ids.sort();
            ids.dedup();
            prop_assert_eq!(ids.len(), d.len(), "no question twice");
            prop_assert!(d.len() <= counts.iter().sum::<u32>() as usize);
            for x in &d {
                let mut o = x.o.clone();
                o.sort();
                prop_assert_eq!(o, vec![0, 1, 2, 3], "every choice shown once");
            }
        }
    }
}
