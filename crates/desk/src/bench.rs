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

/// Seeds `n` messages to guardians of one student of `branch` through the
/// write path (5,000 a transaction), as a busy branch has them after a
/// year: 5 % drafts, 5 % discarded, the rest approved and, on this desk,
/// 90 % of those sent, 5 % failed and 5 % waiting. Spread over a year,
/// newest last.
pub fn seed_messages(s: &Sample, n: usize) -> Result<()> {
    seed(s, n, |i| match i % 20 {
        0 => (MessagePlan::Draft, None),
        1 => (MessagePlan::Discarded, None),
        2 => (MessagePlan::Approved, Some(("FAILED", "550 No such mailbox"))),
        3 => (MessagePlan::Approved, None),
        _ => (MessagePlan::Approved, Some(("SENT", ""))),
    })
}

/// Seeds `n` approved email messages waiting to be sent, each to its own
/// address (`parent<i>@example.com`), for the sender's benchmark.
pub fn seed_waiting_email(s: &Sample, n: usize) -> Result<()> {
    seed(s, n, |_| (MessagePlan::Approved, None))
}

/// A seeded message's state, and what this desk's delivery of it says.
enum MessagePlan {
    Draft,
    Discarded,
    Approved,
}

fn seed(
    s: &Sample,
    n: usize,
    plan: impl Fn(usize) -> (MessagePlan, Option<(&'static str, &'static str)>),
) -> Result<()> {
    use crate::notifications::NotificationRow;
    use branchdesk_api::commands::attendance::{NotificationChannel, NotificationKind, NotificationState};
    use branchdesk_api::commands::students::{GuardianInput, SaveStudent};
    let student = s
        .desk
        .save_student(
            &s.director,
            SaveStudent {
                branch_id: s.branch,
                full_name: "Asha Rao".into(),
                date_of_birth: "2010-03-14".into(),
                guardians: vec![GuardianInput {
                    full_name: "Lakshmi Rao".into(),
                    email: "lakshmi@example.com".into(),
                    relation: "Mother".into(),
                    is_primary: true,
                    ..Default::default()
                }],
                ..Default::default()
            },
        )?
        .student
        .id;
    let start = s.desk.clock().now() - chrono::Duration::days(365);
    let step = chrono::Duration::seconds((365 * 86_400 / n.max(1)) as i64);
    for chunk in (0..n).collect::<Vec<_>>().chunks(5_000) {
        s.desk.write(Some(s.director.user_id), |w| {
            for &i in chunk {
                let (state, delivery) = plan(i);
                let state = match state {
                    MessagePlan::Draft => NotificationState::Draft,
                    MessagePlan::Discarded => NotificationState::Discarded,
                    MessagePlan::Approved => NotificationState::Approved,
                };
                let at = start + step * i as i32;
                let row = NotificationRow {
                    id: uuid::Uuid::now_v7(),
                    branch_id: s.branch,
                    kind: NotificationKind::Absence,
                    recipient_name: "Lakshmi Rao".into(),
                    recipient: format!("parent{i}@example.com"),
                    channel: NotificationChannel::Email,
                    body: format!(
                        "Dear Lakshmi Rao, Asha Rao was absent on {}. – Main",
                        at.format("%-d %b %Y")
                    ),
                    state,
                    source_id: Some(format!("bench-{i}")),
                    student_id: Some(student),
                    reviewed_by: None,
                    sent_at: None,
                    error: String::new(),
                    created_at: at,
                    updated_at: at,
                };
                w.insert(&row)?;
                if let Some((state, error)) = delivery {
                    w.tx().execute(
                        "INSERT INTO deliveries (notification_id, state, attempts, error, updated_at)
                         VALUES (?1, ?2, 1, ?3, ?4)",
                        (row.id.to_string(), state, error, at.to_rfc3339()),
                    )?;
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}
