//! Ranks and percentiles of totals, pure. Equal totals share a rank and the
//! next rank skips ("1, 2, 2, 4": standard competition ranking, as rank
//! lists of entrance tests print them). The percentile of a total is the
//! share of ranked students with that total or less (the definition NTA
//! uses for JEE Main): the top total is 100, and equal totals share it.

/// One ranked entry: its index in the input, its rank and percentile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranked {
    pub index: usize,
    pub rank: u32,
    /// Hundredths of a percent, rounded down: 10000 is 100%.
    pub percentile_hundredths: u32,
}

/// Ranks `totals` (any order). The answer is sorted by rank, and within a
/// rank by the input order, so the same totals always give the same list.
pub fn rank(totals: &[i64]) -> Vec<Ranked> {
    let n = totals.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| totals[b].cmp(&totals[a]).then(a.cmp(&b)));
    let mut out = Vec::with_capacity(n);
    let mut i = 0;
    while i < n {
        let total = totals[order[i]];
        let mut j = i;
        while j < n && totals[order[j]] == total {
            j += 1;
        }
        // Those at or below this total: everyone from position i down.
        let at_or_below = (n - i) as u64;
        let percentile = (at_or_below * 10_000 / n as u64) as u32;
        for &index in &order[i..j] {
            out.push(Ranked { index, rank: i as u32 + 1, percentile_hundredths: percentile });
        }
        i = j;
    }
    out
}

/// Mean (rounded half away from zero), median (the mean of the middle two
/// for an even count, rounded the same way) and highest; zeros when empty.
pub fn summary(totals: &[i64]) -> (i64, i64, i64) {
    if totals.is_empty() {
        return (0, 0, 0);
    }
    let n = totals.len() as i128;
    // Totals are never negative: (2s + n) / 2n rounds s / n half up.
    let halve = |sum: i128, by: i128| -> i64 { ((2 * sum + by) / (2 * by)) as i64 };
    let mean = halve(totals.iter().map(|&t| t as i128).sum(), n);
    let mut sorted = totals.to_vec();
    sorted.sort_unstable();
    let mid = sorted.len() / 2;
    let median = if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        halve(sorted[mid - 1] as i128 + sorted[mid] as i128, 2)
    };
    (mean, median, *sorted.last().unwrap_or(&0))
}

/// How many totals fall in each tenth of `maximum` (the last tenth holds
/// the maximum itself; a total above it, from grace, counts there too).
pub fn bands(totals: &[i64], maximum: i64) -> Vec<u32> {
    let mut out = vec![0u32; 10];
    if maximum <= 0 {
        return out;
    }
    for &t in totals {
        let band = (t.max(0) as i128 * 10 / maximum as i128).min(9) as usize;
        out[band] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ties_share_a_rank_and_the_next_skips() {
        let r = rank(&[50, 90, 70, 90, 10]);
        let by_index: Vec<(usize, u32)> = r.iter().map(|x| (x.index, x.rank)).collect();
        assert_eq!(by_index, vec![(1, 1), (3, 1), (2, 3), (0, 4), (4, 5)]);
        assert_eq!(r[0].percentile_hundredths, 10_000);
        assert_eq!(r[1].percentile_hundredths, 10_000);
        assert_eq!(r[2].percentile_hundredths, 6_000, "3 of 5 at 70 or less");
        assert_eq!(r[4].percentile_hundredths, 2_000);
    }

    #[test]
    fn totals_fall_in_tenths_of_the_maximum() {
        let b = bands(&[0, 399, 400, 3999, 4000, 2000, -100], 4000);
        assert_eq!(b, [3, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
        assert_eq!(bands(&[5], 0), [0; 10]);
    }

    #[test]
    fn summary_of_a_class() {
        assert_eq!(summary(&[]), (0, 0, 0));
        assert_eq!(summary(&[4000]), (4000, 4000, 4000));
        assert_eq!(summary(&[1000, 2000, 2001, 9000]), (3500, 2001, 9000));
        assert_eq!(summary(&[1, 2]), (2, 2, 2), "1.5 rounds half up");
    }

    proptest! {
        #[test]
        fn rank_is_one_more_than_those_strictly_above(totals in prop::collection::vec(-5i64..50, 0..60)) {
            let r = rank(&totals);
            prop_assert_eq!(r.len(), totals.len());
            let mut seen = vec![false; totals.len()];
            for x in &r {
                prop_assert!(!std::mem::replace(&mut seen[x.index], true), "each entry once");
                let above = totals.iter().filter(|&&t| t > totals[x.index]).count() as u32;
                prop_assert_eq!(x.rank, above + 1);
                let at_or_below = totals.iter().filter(|&&t| t <= totals[x.index]).count();
                prop_assert_eq!(x.percentile_hundredths as usize, at_or_below * 10_000 / totals.len());
            }
            // Sorted by rank, ranks never fall, percentiles never rise.
            for w in r.windows(2) {
                prop_assert!(w[0].rank <= w[1].rank);
                prop_assert!(w[0].percentile_hundredths >= w[1].percentile_hundredths);
                prop_assert_eq!(w[0].rank == w[1].rank, totals[w[0].index] == totals[w[1].index]);
            }
        }

        #[test]
        fn the_order_of_the_input_changes_no_ones_rank(
            totals in prop::collection::vec(0i64..20, 1..40),
            seed in any::<u64>(),
        ) {
            let mut shuffled: Vec<(usize, i64)> = totals.iter().copied().enumerate().collect();
            let mut s = seed;
            for i in (1..shuffled.len()).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (s >> 33) as usize % (i + 1));
            }
            let again = rank(&shuffled.iter().map(|x| x.1).collect::<Vec<_>>());
            let first = rank(&totals);
            let mut a: Vec<(usize, u32, u32)> = first.iter().map(|x| (x.index, x.rank, x.percentile_hundredths)).collect();
            let mut b: Vec<(usize, u32, u32)> = again
                .iter()
                .map(|x| (shuffled[x.index].0, x.rank, x.percentile_hundredths))
                .collect();
            a.sort_unstable();
            b.sort_unstable();
            prop_assert_eq!(a, b);
        }

        #[test]
        fn the_summary_lies_within_the_totals(totals in prop::collection::vec(0i64..1_000_000, 1..50)) {
            let (mean, median, highest) = summary(&totals);
            let lo = *totals.iter().min().unwrap();
            prop_assert_eq!(highest, *totals.iter().max().unwrap());
            prop_assert!(lo <= mean && mean <= highest);
            prop_assert!(lo <= median && median <= highest);
        }
    }
}
