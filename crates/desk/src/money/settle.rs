//! What a receipt's money settles, derived (never stored): allocations
//! less reversals. Pure, with property tests.
//!
//! - A void or a bounced cheque takes the whole receipt back: nothing of it
//!   counts, every due it paid is open again.
//! - A refund comes off the advance first, then off the allocations, the
//!   last allocation first; refunds never take back more than the receipt.
//! - A due is paid by the allocations that still count, at most its amount;
//!   anything beyond (two desks collecting the same due offline) counts as
//!   the student's advance, flagged, never lost.

use branchdesk_api::ids::DueId;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptMoney {
    pub amount: i64,
    /// In the order the clerk allocated.
    pub allocations: Vec<(DueId, i64)>,
    pub reversed_whole: bool,
    pub refunded: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settled {
    pub allocations: Vec<(DueId, i64)>,
    pub advance: i64,
    /// Amount less reversals.
    pub net: i64,
}

pub fn settle(r: &ReceiptMoney) -> Settled {
    if r.reversed_whole {
        return Settled::default();
    }
    let allocated: i64 = r.allocations.iter().map(|(_, a)| a).sum();
    let refunded = r.refunded.clamp(0, r.amount);
    let net = r.amount - refunded;
    let mut advance = (r.amount - allocated).max(0);
    let mut rest = refunded;
    let from_advance = rest.min(advance);
    advance -= from_advance;
    rest -= from_advance;
    let mut allocations = r.allocations.clone();
    for (_, a) in allocations.iter_mut().rev() {
        let take = rest.min(*a);
        *a -= take;
        rest -= take;
    }
    allocations.retain(|(_, a)| *a > 0);
    Settled { allocations, advance, net }
}

/// Paid per due (at most its amount) and the advance beyond the dues, for
/// one student's dues and receipts.
pub fn account(dues: &[(DueId, i64)], receipts: &[ReceiptMoney]) -> (BTreeMap<DueId, i64>, i64) {
    let mut given: BTreeMap<DueId, i64> = BTreeMap::new();
    let mut advance = 0;
    for r in receipts {
        let s = settle(r);
        advance += s.advance;
        for (due, a) in s.allocations {
            *given.entry(due).or_default() += a;
        }
    }
    let mut paid = BTreeMap::new();
    for (due, amount) in dues {
        let g = given.remove(due).unwrap_or(0);
        paid.insert(*due, g.min(*amount));
        advance += (g - amount).max(0);
    }
    // Allocations to dues no longer listed (cancelled) stay the student's money.
    advance += given.values().sum::<i64>();
    (paid, advance)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn ids() -> Vec<DueId> {
        (0..4u128).map(|n| DueId(Uuid::from_u128(n))).collect()
    }

    fn receipt() -> impl Strategy<Value = ReceiptMoney> {
        (
            1i64..100_000,
            proptest::collection::vec((0usize..4, 1i64..50_000), 0..4),
            any::<bool>(),
            0i64..150_000,
        )
            .prop_map(|(amount, allocs, whole, refunded)| {
                // Allocations never exceed the amount when collected.
                let mut left = amount;
                let allocations = allocs
                    .into_iter()
                    .filter_map(|(d, a)| {
                        let a = a.min(left);
                        left -= a;
                        (a > 0).then(|| (ids()[d], a))
                    })
                    .collect();
                ReceiptMoney { amount, allocations, reversed_whole: whole, refunded }
            })
    }

    proptest! {
        /// A receipt's settled allocations and advance sum to its amount
        /// less reversals, and none goes negative.
        #[test]
        fn settled_money_is_the_amount_less_reversals(r in receipt()) {
            let s = settle(&r);
            let allocated: i64 = s.allocations.iter().map(|(_, a)| a).sum();
            prop_assert_eq!(allocated + s.advance, s.net);
            prop_assert!(s.allocations.iter().all(|(_, a)| *a > 0) && s.advance >= 0);
            if r.reversed_whole { prop_assert_eq!(s.net, 0); }
            else { prop_assert_eq!(s.net, r.amount - r.refunded.min(r.amount)); }
        }

        /// For any dues and receipts: no due is paid beyond its amount, and
        /// every rupee that counts is either paying a due or an advance.
        #[test]
        fn money_is_never_lost_or_counted_twice(
            amounts in proptest::collection::vec(0i64..60_000, 4),
            receipts in proptest::collection::vec(receipt(), 0..6),
        ) {
            let dues: Vec<(DueId, i64)> = ids().into_iter().zip(amounts).collect();
            let (paid, advance) = account(&dues, &receipts);
            for (due, amount) in &dues {
                prop_assert!(paid[due] <= *amount && paid[due] >= 0);
            }
            let net: i64 = receipts.iter().map(|r| settle(r).net).sum();
            prop_assert_eq!(paid.values().sum::<i64>() + advance, net);
        }
    }

    #[test]
    fn money_allocated_to_a_cancelled_due_stays_the_students_advance() {
        // One desk drops the enrolment (its later due is cancelled, so no
        // longer listed) while an offline desk takes ₹500 against that due.
        let [kept, cancelled] = [DueId(Uuid::from_u128(1)), DueId(Uuid::from_u128(2))];
        let r = ReceiptMoney {
            amount: 80_000,
            allocations: vec![(kept, 30_000), (cancelled, 50_000)],
            reversed_whole: false,
            refunded: 0,
        };
        let (paid, advance) = account(&[(kept, 30_000)], &[r]);
        assert_eq!(paid[&kept], 30_000);
        assert_eq!(advance, 50_000, "the ₹500 is credit, not lost or taken off");
    }

    #[test]
    fn a_refund_comes_off_the_advance_then_the_last_due() {
        let [a, b] = [DueId(Uuid::from_u128(1)), DueId(Uuid::from_u128(2))];
        let r = ReceiptMoney {
            amount: 1000,
            allocations: vec![(a, 500), (b, 300)],
            reversed_whole: false,
            refunded: 350,
        };
        assert_eq!(settle(&r), Settled { allocations: vec![(a, 500), (b, 150)], advance: 0, net: 650 });
    }
}
