//! Courses, roadmaps and versioned curricula (seed 003, Course Management).

pub mod courses;
pub mod curricula;

/// Basis points as a percentage for messages, e.g. 9950 → "99.5".
pub fn percent(bp: u32) -> String {
    let whole = bp / 100;
    match bp % 100 {
        0 => whole.to_string(),
        frac if frac % 10 == 0 => format!("{whole}.{}", frac / 10),
        frac => format!("{whole}.{frac:02}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn percent_prints_basis_points() {
        assert_eq!(super::percent(10_000), "100");
        assert_eq!(super::percent(9_950), "99.5");
        assert_eq!(super::percent(1_234), "12.34");
        assert_eq!(super::percent(5), "0.05");
    }
}
