//! Cold start and idle memory of the real app. Prints figures; asserts nothing.
//!
//! Needs tauri-driver on 127.0.0.1:4444 and a display (scripts/bench.sh
//! starts both). For each run it launches the app on a set-up data folder
//! and measures, from the WebDriver new-session request:
//!   - baseline: the page's first DOM (the window and WebKit are up);
//!   - the login form ready for typing (the app is interactive);
//!
//! Then it waits 3 s idle and sums the PSS of the app and its WebKit children.
//!
//! Usage: bench-startup [--runs N]   (default 5)

use branchdesk_e2e::{app_binary, connect, seed_organisation};
use fantoccini::Locator;
use std::time::{Duration, Instant};

fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("Pss:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn parent(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

/// The app process (newest one with our binary) and every descendant of it.
fn app_tree(binary: &str) -> Vec<u32> {
    let pids: Vec<u32> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    let Some(app) = pids
        .iter()
        .copied()
        .filter(|p| {
            std::fs::read_link(format!("/proc/{p}/exe"))
                .map(|e| e.to_string_lossy() == binary)
                .unwrap_or(false)
        })
        .max()
    else {
        return vec![];
    };
    let mut tree = vec![app];
    for &p in &pids {
        let mut cur = p;
        while let Some(pp) = parent(cur) {
            if pp == app {
                tree.push(p);
                break;
            }
            if pp <= 1 {
                break;
            }
            cur = pp;
        }
    }
    tree
}

#[tokio::main]
async fn main() {
    let runs: usize = match std::env::args().skip_while(|a| a != "--runs").nth(1) {
        Some(n) => n.parse().expect("--runs takes a number"),
        None => 5,
    };
    let binary =
        std::fs::canonicalize(app_binary()).expect("app binary exists").to_string_lossy().into_owned();
    println!("startup benchmark: {runs} cold starts of {binary}");
    let (mut dom, mut ready, mut mem) = (vec![], vec![], vec![]);
    for _ in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        seed_organisation(dir.path());
        let t0 = Instant::now();
        let client = connect(dir.path()).await;
        let mut first_dom = None;
        loop {
            if first_dom.is_none() && client.find(Locator::Css("body")).await.is_ok() {
                first_dom = Some(t0.elapsed());
            }
            if client.find(Locator::Css("#login-form #field-email")).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        ready.push(t0.elapsed());
        dom.push(first_dom.unwrap_or_default());
        tokio::time::sleep(Duration::from_secs(3)).await;
        let tree = app_tree(&binary);
        mem.push(tree.iter().map(|p| pss_kib(*p)).sum::<u64>());
        let _ = client.close().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (d, r) = (median(&mut dom), median(&mut ready));
    mem.sort();
    let m = mem[mem.len() / 2];
    println!("  first DOM (baseline: window + WebKit up)   median {:>7.0} ms", d.as_secs_f64() * 1e3);
    println!(
        "  login form interactive                     median {:>7.0} ms  (goal <= 1000 ms)",
        r.as_secs_f64() * 1e3
    );
    println!(
        "  app's own share after first DOM                   {:>7.0} ms  (ratio {:.2}x of baseline)",
        (r - d).as_secs_f64() * 1e3,
        r.as_secs_f64() / d.as_secs_f64().max(1e-9)
    );
    println!(
        "  idle memory, PSS of app + WebKit children  median {:>7.1} MB  (goal <= 150 MB)",
        m as f64 / 1024.0
    );
}
