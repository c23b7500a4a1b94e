//! Hybrid logical clock: 48-bit wall milliseconds, a 16-bit counter and the
//! device id. Stamps only grow on a desk, also across restarts (the last one
//! is stored with every write), and sort as text in causal order.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u16,
}

impl Hlc {
    pub const ZERO: Hlc = Hlc { wall_ms: 0, counter: 0 };
    const WALL_MASK: u64 = (1 << 48) - 1;

    /// The next stamp after `self` on a clock reading `now_ms`.
    pub fn tick(self, now_ms: u64) -> Hlc {
        let now_ms = now_ms & Self::WALL_MASK;
        if now_ms > self.wall_ms {
            Hlc { wall_ms: now_ms, counter: 0 }
        } else if self.counter == u16::MAX {
            // Counter exhausted within one millisecond: borrow the next one.
            Hlc { wall_ms: self.wall_ms + 1, counter: 0 }
        } else {
            Hlc { wall_ms: self.wall_ms, counter: self.counter + 1 }
        }
    }

    /// The text form stored in outbox ops: fixed-width hex, then the device.
    pub fn stamp(self, device_id: &str) -> String {
        format!("{self}-{device_id}")
    }

    /// Reads back the clock part of a stamp.
    pub fn parse(stamp: &str) -> Option<Hlc> {
        let wall = u64::from_str_radix(stamp.get(0..12)?, 16).ok()?;
        let counter = u16::from_str_radix(stamp.get(12..16)?, 16).ok()?;
        Some(Hlc { wall_ms: wall, counter })
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:012x}{:04x}", self.wall_ms, self.counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn stamps_strictly_increase_whatever_the_wall_clock_does(
            readings in proptest::collection::vec(0u64..2_000_000_000_000, 1..200)
        ) {
            let mut last = Hlc::ZERO;
            for r in readings {
                let next = last.tick(r);
                prop_assert!(next > last);
                prop_assert!(next.stamp("d") > last.stamp("d"), "text order follows clock order");
                prop_assert_eq!(Hlc::parse(&next.stamp("d")), Some(next));
                last = next;
            }
        }
    }

    #[test]
    fn a_clock_that_goes_back_keeps_counting() {
        let a = Hlc::ZERO.tick(1_000);
        let b = a.tick(500);
        assert_eq!(b, Hlc { wall_ms: 1_000, counter: 1 });
    }
}
