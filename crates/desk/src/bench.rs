//! What the benchmark programs share: a sample organisation in a
//! throwaway folder with its director signed in, arguments, and figures.
//! Not used by the app.

use crate::{Actor, Desk, DeskConfig, Result};
use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::system::SetupOrganisation;
use branchdesk_api::ids::BranchId;
use std::time::Duration;

pub const EMAIL: &str = "bench@example.com";
pub const PASSWORD: &str = "Quiet-Lotus-2026";

pub struct Sample {
    /// Removed when the sample is dropped.
    pub dir: tempfile::TempDir,
    pub desk: Desk,
    pub director: Actor,
    pub branch: BranchId,
}

/// A fresh desk with "Bench Academy" set up and its director signed in.
pub fn sample() -> Result<Sample> {
    sample_in(crate::KeyStore::from_env())
}

/// [`sample`], its key kept in `store` (`Unencrypted`: a plain file).
pub fn sample_in(store: crate::KeyStore) -> Result<Sample> {
    let dir = tempfile::tempdir()?;
    let desk = Desk::open(DeskConfig { key_store: store, ..DeskConfig::new(dir.path()) })?;
    desk.setup_organisation(SetupOrganisation {
        organisation_name: "Bench Academy".into(),
        currency: "INR".into(),
        branch_name: "Main".into(),
        branch_code: "B1".into(),
        director_name: "Bench Director".into(),
        director_email: EMAIL.into(),
        director_password: PASSWORD.into(),
    })?;
    let (token, me) = desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() })?;
    let director = desk.actor(&token)?;
    let branch = me.branches[0].id;
    Ok(Sample { dir, desk, director, branch })
}

/// What a front-desk clerk types into student search: three letters of a
/// first name, the last four digits of a phone, part of a code, two letters.
pub fn search_queries() -> Vec<String> {
    FIRST
        .iter()
        .map(|f| f[..3].to_lowercase())
        .chain((0..12).map(|i| format!("{:04}", 1000 + i * 777)))
        .chain(["B1-", "ra", "me", "Sh"].iter().map(|s| s.to_string()))
        .collect()
}

/// `--name N` from the command line, or `default`.
pub fn arg(name: &str, default: usize) -> usize {
    std::env::args().skip_while(|a| a != name).nth(1).and_then(|v| v.parse().ok()).unwrap_or(default)
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub const FIRST: &[&str] = &[
    "Asha", "Vikram", "Meena", "Rohan", "Kiran", "Lakshmi", "Arjun", "Priya", "Suresh", "Divya", "Rahul",
    "Sneha", "Anil", "Kavya", "Nikhil", "Pooja", "Ravi", "Shreya", "Manoj", "Anjali", "Deepak", "Nisha",
    "Varun", "Isha",
];
pub const LAST: &[&str] = &[
    "Rao", "Iyer", "Shetty", "Kumar", "Menon", "Nair", "Reddy", "Sharma", "Gowda", "Pillai", "Hegde", "Bhat",
    "Kulkarni", "Patil", "Joshi", "Das", "Verma", "Singh", "Naidu", "Pai",
];

/// Deterministic student rows: name, date of birth, phone, guardian name and phone.
pub fn student_row(i: usize) -> [String; 5] {
    let n = i.wrapping_mul(2_654_435_761) % 1_000_003;
    let name = format!("{} {}", FIRST[n % FIRST.len()], LAST[(n / FIRST.len()) % LAST.len()]);
    let dob = format!("20{:02}-{:02}-{:02}", 5 + n % 12, 1 + n % 12, 1 + n % 28);
    [
        name.clone(),
        dob,
        format!("9{:09}", 100_000_000 + i),
        format!("Parent of {name}"),
        format!("8{:09}", 100_000_000 + i),
    ]
}

/// The students import file for rows `from..to` (with a guardian each).
pub fn students_csv(from: usize, to: usize) -> String {
    let mut out =
        String::from("full_name,date_of_birth,phone,guardian_name,guardian_phone,guardian_relation\n");
    for i in from..to {
        let [a, b, c, d, e] = student_row(i);
        out.push_str(&format!("{a},{b},{c},{d},{e},Parent\n"));
    }
    out
}
