//! Front-desk costs. Prints figures; asserts nothing.
//!
//! - CSV import of 10,000 students with guardians (check and commit, one
//!   transaction, audit and outbox included) against a plain prepared
//!   INSERT of the same rows into a bare table in the same file.
//! - Instant search over N students (default 100,000), per keystroke from
//!   command call to result: three letters of a name, the last four digits
//!   of a phone, part of a code, two letters.
//!
//! Usage: bench-front-desk [--students N] [--import M]   (defaults 100000 and 10000)

use branchdesk_api::commands::imports::{ImportCsv, ImportKind};
use branchdesk_api::commands::students::SearchStudents;
use branchdesk_desk::bench::{arg, ms, student_row as row, students_csv as csv};
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let students = arg("--students", 100_000);
    let import = arg("--import", 10_000).min(students);
    let sample = branchdesk_desk::bench::sample()?;
    let (dir, desk, director, branch) = (&sample.dir, &sample.desk, sample.director.clone(), sample.branch);

    // Baseline: the same rows, plain prepared INSERTs in one transaction.
    let plain = branchdesk_desk::db::open_connection(dir.path(), branchdesk_desk::KeyStore::from_env())?;
    plain.pragma_update(None, "synchronous", "FULL")?;
    plain.execute_batch(
        "CREATE TABLE bench_plain_students (id TEXT PRIMARY KEY, full_name TEXT, date_of_birth TEXT, phone TEXT,
         guardian_name TEXT, guardian_phone TEXT)",
    )?;
    let t = Instant::now();
    {
        let tx = plain.unchecked_transaction()?;
        {
            let mut stmt = tx.prepare("INSERT INTO bench_plain_students VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
            for i in 0..import {
                let [a, b, c, d, e] = row(i);
                stmt.execute((uuid::Uuid::now_v7().to_string(), a, b, c, d, e))?;
            }
        }
        tx.commit()?;
    }
    let baseline = t.elapsed();

    let file = csv(0, import);
    let t = Instant::now();
    let dry = desk.import_csv(
        &director,
        ImportCsv { kind: ImportKind::Students, branch_id: branch, content: file.clone(), commit: false },
    )?;
    let checked = t.elapsed();
    let t = Instant::now();
    let done = desk.import_csv(
        &director,
        ImportCsv { kind: ImportKind::Students, branch_id: branch, content: file, commit: true },
    )?;
    let imported = t.elapsed();
    assert_eq!(done.written as usize, import, "{:?}", dry.errors.first());

    // Fill up to N students, 10,000 at a time.
    let mut at = import;
    while at < students {
        let to = (at + 10_000).min(students);
        desk.import_csv(
            &director,
            ImportCsv { kind: ImportKind::Students, branch_id: branch, content: csv(at, to), commit: true },
        )?;
        at = to;
    }

    let queries = branchdesk_desk::bench::search_queries();
    let mut times = Vec::new();
    let mut hits = 0;
    for q in &queries {
        let t = Instant::now();
        hits += desk.search_students(&director, SearchStudents { query: q.clone(), limit: 20 })?.len();
        times.push((t.elapsed(), q.clone()));
    }
    times.sort();
    let slowest: Vec<String> =
        times.iter().rev().take(3).map(|(d, q)| format!("{q:?} {:.1} ms", ms(*d))).collect();
    let times: Vec<Duration> = times.into_iter().map(|(d, _)| d).collect();
    let median = times[times.len() / 2];
    let worst = *times.last().unwrap_or(&Duration::ZERO);

    println!("front-desk benchmark: import of {import} students, search over {students}");
    println!("  plain bulk INSERT (baseline)     {:>9.0} ms", ms(baseline));
    println!("  CSV check (dry run)              {:>9.0} ms", ms(checked));
    println!(
        "  CSV import (commit)              {:>9.0} ms  (goal <= 10,000 ms; ratio {:.1}x of baseline)",
        ms(imported),
        imported.as_secs_f64() / baseline.as_secs_f64()
    );
    println!(
        "  search per keystroke             median {:.1} ms, worst {:.1} ms over {} queries ({hits} hits)  (goal <= 30 ms)",
        ms(median),
        ms(worst),
        queries.len()
    );
    println!("  slowest queries: {}", slowest.join(", "));
    Ok(())
}
