//! Professional tax by state, as data: the monthly amount a salary of a
//! given gross pays. Shipped for Maharashtra, Karnataka and West Bengal
//! (the slabs in force in 2025-26, for a man's salary in Maharashtra,
//! where women up to ₹25,000 pay none); a branch names its state in the
//! `payroll.pt_state` setting, and none means no professional tax.
//! Amounts are in paise.

/// One state's slabs: (gross up to and including, monthly tax), in
/// ascending order; above the last bound the last tax applies. February
/// pays `february` instead of the top slab where the state says so (the
/// year's total comes to ₹2,500).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PtState {
    pub code: &'static str,
    pub name: &'static str,
    pub slabs: &'static [(i64, i64)],
    /// Above the last bound.
    pub top: i64,
    /// The top slab's tax in February, where it differs.
    pub february_top: Option<i64>,
}

pub const PT_STATES: &[PtState] = &[
    PtState {
        code: "MH",
        name: "Maharashtra",
        slabs: &[(750_000, 0), (1_000_000, 17_500)],
        top: 20_000,
        february_top: Some(30_000),
    },
    PtState {
        code: "KA",
        name: "Karnataka",
        slabs: &[(2_499_999, 0)],
        top: 20_000,
        february_top: Some(30_000),
    },
    PtState {
        code: "WB",
        name: "West Bengal",
        slabs: &[(1_000_000, 0), (1_500_000, 11_000), (2_500_000, 13_000), (4_000_000, 15_000)],
        top: 20_000,
        february_top: None,
    },
];

pub fn pt_state(code: &str) -> Option<&'static PtState> {
    PT_STATES.iter().find(|s| s.code.eq_ignore_ascii_case(code.trim()))
}

impl PtState {
    /// The month's professional tax on `gross` paise.
    pub fn tax(&self, gross: i64, february: bool) -> i64 {
        match self.slabs.iter().find(|(upto, _)| gross <= *upto) {
            Some((_, tax)) => *tax,
            None if february => self.february_top.unwrap_or(self.top),
            None => self.top,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_taxes_by_its_slabs() {
        let mh = pt_state("mh").unwrap();
        assert_eq!(mh.tax(750_000, false), 0);
        assert_eq!(mh.tax(900_000, false), 17_500);
        assert_eq!(mh.tax(2_500_000, false), 20_000);
        assert_eq!(mh.tax(2_500_000, true), 30_000, "₹300 in February");
        let ka = pt_state("KA").unwrap();
        assert_eq!((ka.tax(2_499_999, false), ka.tax(2_500_000, false)), (0, 20_000));
        let wb = pt_state("WB").unwrap();
        assert_eq!(
            [900_000, 1_200_000, 2_000_000, 3_000_000, 5_000_000].map(|g| wb.tax(g, true)),
            [0, 11_000, 13_000, 15_000, 20_000]
        );
        assert!(pt_state("").is_none() && pt_state("TN").is_none());
        // A year of a ₹30,000 salary in Maharashtra comes to ₹2,500.
        let year: i64 = (1..=12).map(|m| mh.tax(3_000_000, m == 2)).sum();
        assert_eq!(year, 250_000);
    }
}
