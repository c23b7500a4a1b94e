//! Desk A → desk B latency through a real server on loopback. Prints
//! figures and ratios; asserts nothing.
//!
//! A sync server (embedded SQLite) listens on 127.0.0.1; two desks link to
//! it and run the real sync worker (default timing: a change is pushed
//! 0.5 s after it is made, and each desk keeps a wait open at the server).
//! Each run saves a room on A and times until B's database holds it.
//! Baseline: a loopback HTTP round trip plus one local commit on A.
//!
//! Usage: bench-sync-latency [--runs N]   (default 20)

use branchdesk_api::commands::org::{ListRooms, SaveRoom};
use branchdesk_e2e::sync_bench;
use branchdesk_sync::Client;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)?.parse().ok()).unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One HTTP request/answer over a fresh loopback connection.
async fn round_trip(addr: std::net::SocketAddr) -> Duration {
    let t = Instant::now();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /v1/health HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    t.elapsed()
}

fn main() {
    let runs = arg("--runs", 20);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let server = sync_bench::serve(&rt);
    let (addr, url) = (server.addr, server.url.clone());
    let client = Arc::new(Client::new());
    let (office, actor, branch) = sync_bench::office(&rt, &client, &server);
    let a = Arc::new(office.desk);
    rt.block_on(client.sync(&a)).unwrap();
    let code = rt.block_on(client.issue_code(&a, Some(actor.user_id), None)).unwrap().code;
    let joining = sync_bench::open_desk();
    let b = Arc::new(joining.desk);
    rt.block_on(client.link(&b, &url, &code)).unwrap();
    rt.block_on(client.sync(&b)).unwrap();
    let (actor_b, _) = sync_bench::sign_in(&b);
    let holds_room = |name: &str| {
        b.list_rooms(&actor_b, ListRooms { branch_id: branch, include_inactive: true })
            .map(|rooms| rooms.iter().any(|r| r.name == name))
            .unwrap_or(false)
    };
    for desk in [a.clone(), b.clone()] {
        rt.spawn(branchdesk_sync::worker::run(
            desk,
            client.clone(),
            Arc::new(tokio::sync::Notify::new()),
            Default::default(),
        ));
    }
    std::thread::sleep(Duration::from_millis(500));

    let mut rtt: Vec<Duration> = (0..runs.max(5)).map(|_| rt.block_on(round_trip(addr))).collect();
    rtt.sort();
    let mut commits = Vec::new();
    let mut latencies = Vec::new();
    for k in 0..runs {
        let name = format!("Room {k:03}");
        let t0 = Instant::now();
        a.save_room(&actor, SaveRoom { id: None, branch_id: branch, name: name.clone(), capacity: 20 })
            .unwrap();
        commits.push(t0.elapsed());
        loop {
            if holds_room(&name) {
                break;
            }
            if t0.elapsed() > Duration::from_secs(60) {
                panic!("desk B never received {name}");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        latencies.push(t0.elapsed());
        // Let both workers settle before the next change.
        std::thread::sleep(Duration::from_millis(300));
    }
    latencies.sort();
    commits.sort();
    let med = |v: &[Duration]| v[v.len() / 2];
    let p95 = |v: &[Duration]| v[(v.len() * 95 / 100).min(v.len() - 1)];
    let baseline = med(&rtt) + med(&commits);
    println!("desk A → desk B latency through a server on loopback, {runs} changes");
    println!(
        "  baseline: loopback HTTP round trip {:.2} ms + local commit {:.2} ms = {:.2} ms",
        ms(med(&rtt)),
        ms(med(&commits)),
        ms(baseline)
    );
    println!(
        "  latency: median {:.0} ms, p95 {:.0} ms, worst {:.0} ms (goal ≤ 1,000 ms) = {:.0}× the baseline",
        ms(med(&latencies)),
        ms(p95(&latencies)),
        ms(*latencies.last().unwrap()),
        ms(med(&latencies)) / ms(baseline)
    );
    println!(
        "  of which up to 500 ms is the worker's wait after a change, so changes made together go together"
    );
}
