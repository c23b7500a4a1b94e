//! The sender of a desk of its own. Prints figures; asserts nothing.
//!
//! N approved emails (default 2,000), each to its own address, go through
//! the real SMTP server on loopback (aiosmtpd, `test_server`) in sender
//! rounds until none is due; then every message must have arrived exactly
//! once. Baseline: the same N emails sent straight through the mailer (a
//! connection each, as the sender does) without the desk's bookkeeping
//! (what is due, SENDING before each, the answer after).
//!
//! Usage: bench-sender [--messages N]   (default 2000; built with the
//! `test-server` feature)

use branchdesk_api::commands::channels::{EmailChannel, EmailSecurity, SaveEmailChannel};
use branchdesk_channels::email::Mailer;
use branchdesk_channels::test_server::{MailServer, Options};
use branchdesk_desk::bench::{arg, sample, seed_waiting_email};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n = arg("--messages", 2_000);
    let mail = MailServer::start(Options::default());
    let s = sample()?;
    seed_waiting_email(&s, n)?;
    let email = EmailChannel {
        host: "127.0.0.1".into(),
        port: mail.port,
        security: EmailSecurity::Plain,
        from_address: "office@bench.example".into(),
        from_name: "Bench Academy".into(),
        ..Default::default()
    };
    s.desk.save_email_channel(&s.director, SaveEmailChannel { email: email.clone() })?;

    // Baseline: the due messages sent straight, nothing recorded.
    let due = s.desk.messages_due(n)?;
    let mailer = Mailer::new(email);
    let t = Instant::now();
    for m in &due {
        mailer.send(m).await;
    }
    let base = t.elapsed();

    let t = Instant::now();
    let mut rounds = 0;
    let mut sent = 0;
    loop {
        let r = branchdesk_send::worker::round(&s.desk, &[]).await?;
        rounds += 1;
        sent += r.sent;
        if r.sent + r.retry + r.failed == 0 {
            break;
        }
    }
    let took = t.elapsed();
    let got = mail.wait_for(2 * n, Duration::from_secs(60));
    // Each message's id is in its Message-ID: how often each arrived.
    // Each went once straight (the baseline) and should go once more.
    let mut arrivals: BTreeMap<String, usize> = BTreeMap::new();
    for m in &got {
        if let Some(id) = m.lines().find_map(|l| l.strip_prefix("Message-ID: <")) {
            *arrivals.entry(id.split('@').next().unwrap_or_default().to_owned()).or_default() += 1;
        }
    }
    let count =
        |m: &branchdesk_api::delivery::Outgoing| arrivals.get(&m.id.to_string()).copied().unwrap_or(0);
    let missing = due.iter().filter(|m| count(m) < 2).count();
    let twice_or_more = due.iter().filter(|m| count(m) > 2).count();
    let rate = |d: Duration| n as f64 / d.as_secs_f64().max(1e-9);
    println!("bench-sender: {n} approved emails through a real SMTP server on loopback");
    println!(
        "  baseline: sent straight            {:>8.1} s  {:>7.0} a second",
        base.as_secs_f64(),
        rate(base)
    );
    println!(
        "  sender rounds ({rounds}), {sent} sent       {:>8.1} s  {:>7.0} a second  ({:.2}x baseline)",
        took.as_secs_f64(),
        rate(took),
        took.as_secs_f64() / base.as_secs_f64().max(1e-9)
    );
    println!(
        "  arrived: {} messages; missing {missing}; sent more than once by the sender {twice_or_more}",
        got.len()
    );
    Ok(())
}
