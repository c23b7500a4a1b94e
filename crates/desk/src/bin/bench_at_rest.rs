//! What encrypting the desk's data costs. Prints figures and ratios;
//! asserts nothing about time.
//!
//! The same work on two desks opened the same way, one encrypted
//! (SQLCipher, the key from the system store or the key file) and one
//! plain (the baseline), alternating two rounds each; the faster round of
//! each counts:
//! - N actions through the write path (a room saved: row + audit +
//!   outbox, signed, one transaction each, synchronous=FULL);
//! - a CSV import of S students (check and commit, one transaction);
//! - instant search: the front desk's keystroke queries over those
//!   students, each run R times;
//! - opening the desk again (SQLite's quick check of the file included),
//!   and the quick check alone.
//!
//! Usage: bench-at-rest [--actions N] [--students S] [--repeat R]
//!        (defaults 2000, 20000, 20; CI passes small numbers)

use branchdesk_api::commands::imports::{ImportCsv, ImportKind};
use branchdesk_api::commands::org::SaveRoom;
use branchdesk_api::commands::students::SearchStudents;
use branchdesk_desk::bench::{arg, ms, sample_in, students_csv};
use branchdesk_desk::KeyStore;
use std::time::{Duration, Instant};

struct Figures {
    actions: Duration,
    import: Duration,
    search: Duration,
    open: Duration,
    quick_check: Duration,
    file_bytes: u64,
}

fn run(
    store: KeyStore,
    actions: usize,
    students: usize,
    repeat: usize,
) -> Result<Figures, Box<dyn std::error::Error>> {
    let sample = sample_in(store)?;
    let (desk, director, branch) = (&sample.desk, sample.director.clone(), sample.branch);
    let t = Instant::now();
    for i in 0..actions {
        desk.save_room(
            &director,
            SaveRoom { id: None, branch_id: branch, name: format!("Room {i}"), capacity: 30 },
        )?;
    }
    let actions = t.elapsed();

    let t = Instant::now();
    let done = desk.import_csv(
        &director,
        ImportCsv {
            kind: ImportKind::Students,
            branch_id: branch,
            content: students_csv(0, students),
            commit: true,
        },
    )?;
    let import = t.elapsed();
    assert_eq!(done.written as usize, students);

    let queries = branchdesk_desk::bench::search_queries();
    let t = Instant::now();
    for _ in 0..repeat {
        for q in &queries {
            desk.search_students(&director, SearchStudents { query: q.clone(), limit: 20 })?;
        }
    }
    let search = t.elapsed();
    let branchdesk_desk::bench::Sample { dir, desk, .. } = sample;
    drop(desk);
    let t = Instant::now();
    let reopened = branchdesk_desk::Desk::open(branchdesk_desk::DeskConfig {
        key_store: store,
        ..branchdesk_desk::DeskConfig::new(dir.path())
    })?;
    let open = t.elapsed();
    drop(reopened);
    let conn = branchdesk_desk::db::open_connection(dir.path(), store)?;
    let t = Instant::now();
    let ok: String = conn.query_row("PRAGMA quick_check(1)", [], branchdesk_desk::db::read::value)?;
    let quick_check = t.elapsed();
    assert_eq!(ok, "ok");
    let file_bytes = std::fs::metadata(dir.path().join(branchdesk_desk::db::DB_FILE))?.len();
    Ok(Figures { actions, import, search, open, quick_check, file_bytes })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let actions = arg("--actions", 2_000);
    let students = arg("--students", 20_000);
    let repeat = arg("--repeat", 20);
    let encrypted_store = KeyStore::from_env();
    let mut plain = Vec::new();
    let mut encrypted = Vec::new();
    for _ in 0..2 {
        plain.push(run(KeyStore::Unencrypted, actions, students, repeat)?);
        encrypted.push(run(encrypted_store, actions, students, repeat)?);
    }
    let best = |v: &[Figures], f: fn(&Figures) -> Duration| v.iter().map(f).min().unwrap_or_default();
    println!(
        "encryption at rest: {actions} actions, import of {students} students, search ({repeat} rounds); \
         best of two rounds each"
    );
    let line = |label: &str, f: fn(&Figures) -> Duration| {
        let (p, e) = (best(&plain, f), best(&encrypted, f));
        println!(
            "  {label:<36} plain {:>9.1} ms   encrypted {:>9.1} ms   = {:.2}x  (goal <= 1.15x)",
            ms(p),
            ms(e),
            e.as_secs_f64() / p.as_secs_f64()
        );
    };
    line("write path, one action each", |f| f.actions);
    line("CSV import (check and commit)", |f| f.import);
    line("search, every keystroke query", |f| f.search);
    line("opening the desk (quick check included)", |f| f.open);
    line("the quick check alone", |f| f.quick_check);
    println!(
        "  file size                            plain {} bytes, encrypted {} bytes",
        plain[0].file_bytes, encrypted[0].file_bytes
    );
    Ok(())
}
