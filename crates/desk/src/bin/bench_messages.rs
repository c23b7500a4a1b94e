//! The message list at scale. Prints figures; asserts nothing.
//!
//! N messages (default 100,000) on one branch, as `bench::seed_messages`
//! makes them (drafts, discarded, approved and on this desk mostly sent,
//! some failed, some waiting). Times the first page (50) of each tab of
//! the Messages page and the second page of "Sent" (command time: the
//! rows, their deliveries, the student's name) against a bare read of 50
//! message rows of one state through the same index, same file.
//!
//! Usage: bench-messages [--messages N] [--runs R]   (defaults 100000, 20)

use branchdesk_api::commands::attendance::{ListNotifications, NotificationState};
use branchdesk_desk::bench::{arg, median, ms, sample, seed_messages};
use std::time::{Duration, Instant};

fn timed(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..runs {
        let t = Instant::now();
        rows = f();
        times.push(t.elapsed());
    }
    (median(times), rows)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let messages = arg("--messages", 100_000);
    let runs = arg("--runs", 20);
    let s = sample()?;
    let t = Instant::now();
    seed_messages(&s, messages)?;
    println!(
        "bench-messages: {messages} messages seeded through the write path in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let plain = branchdesk_desk::db::open_connection(s.dir.path(), branchdesk_desk::KeyStore::from_env())?;
    let branch = s.branch.to_string();
    let (base, _) = timed(runs, || {
        let mut stmt = plain
            .prepare_cached(
                "SELECT id, recipient_name, recipient, body, created_at FROM notifications
                 WHERE branch_id = ?1 AND state = 'APPROVED' ORDER BY created_at DESC LIMIT 50",
            )
            .expect("baseline query");
        stmt.query_map([&branch], |r| r.get::<_, String>("id")).expect("baseline rows").count()
    });
    println!("  baseline: 50 rows of one state, bare read       {:>8.2} ms", ms(base));

    let list = |state: NotificationState, older_than: String| {
        s.desk
            .list_notifications(&s.director, ListNotifications { branch_id: s.branch, state, older_than })
            .expect("the list")
    };
    for state in NotificationState::ALL {
        let (took, rows) = timed(runs, || list(state, String::new()).len());
        println!(
            "  first page of {:<19} {:>3} rows   {:>8.2} ms  ({:.1}x baseline)",
            format!("\"{}\":", state.label()),
            rows,
            ms(took),
            ms(took) / ms(base).max(1e-6)
        );
    }
    let cursor =
        list(NotificationState::Sent, String::new()).last().map(|n| n.cursor.clone()).unwrap_or_default();
    let (took, rows) = timed(runs, || list(NotificationState::Sent, cursor.clone()).len());
    println!(
        "  second page of \"Sent\":             {rows:>3} rows   {:>8.2} ms  ({:.1}x baseline)",
        ms(took),
        ms(took) / ms(base).max(1e-6)
    );
    Ok(())
}
