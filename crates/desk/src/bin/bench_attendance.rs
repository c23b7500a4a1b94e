//! Attendance costs. Prints figures; asserts nothing.
//!
//! A branch of 1,200 students in 20 batches of 60 meeting every weekday for
//! a year; the year's attendance (about 312,000 records) arrives as other
//! desks' marks through the sync applier. Measured:
//! - marking and saving a 60-student session (every mark a change: 60
//!   records, 60 log rows, audit and outbox) against a plain INSERT of 60
//!   rows in one transaction;
//! - the monthly report of the branch against a plain GROUP BY of the
//!   month's rows.
//!
//! Usage: bench-attendance [--batches N] [--runs R]   (defaults 20 and 20)

use branchdesk_api::commands::academics::SaveCourse;
use branchdesk_api::commands::attendance::{AttendanceStatus, GetAttendanceReport, Mark, SaveMarks};
use branchdesk_api::commands::imports::{ImportCsv, ImportKind};
use branchdesk_api::commands::org::SaveRoom;
use branchdesk_api::commands::students::{Enrol, ListStudents};
use branchdesk_api::commands::timetable::{GetBatch, SaveBatch, Slot};
use branchdesk_api::commands::users::{CreateUser, NewGrant};
use branchdesk_api::sync::{Change, Op, DESK_SCHEMA_VERSION};
use branchdesk_desk::bench::{arg, median, ms};
use chrono::{Datelike, Duration as Days, Local};
use std::collections::BTreeMap;
use std::time::Instant;

const STATUSES: [&str; 4] = ["PRESENT", "PRESENT", "LATE", "ABSENT"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let batches = arg("--batches", 20).max(1);
    let runs = arg("--runs", 20).max(1);
    let per_batch = 60;
    let sample = branchdesk_desk::bench::sample()?;
    let (dir, desk, director, branch) = (&sample.dir, &sample.desk, sample.director.clone(), sample.branch);
    let teacher_role = desk
        .list_roles(&director, Default::default())?
        .into_iter()
        .find(|r| r.name == "TEACHER")
        .expect("role")
        .id;
    let course = desk
        .save_course(&director, SaveCourse { code: "B".into(), name: "Bench".into(), ..Default::default() })?
        .id;
    let mut csv = String::from("full_name,date_of_birth,phone\n");
    for i in 0..batches * per_batch {
        csv.push_str(&format!("Student {i:05},2000-01-01,9{:09}\n", 100_000_000 + i));
    }
    desk.import_csv(
        &director,
        ImportCsv { kind: ImportKind::Students, branch_id: branch, content: csv, commit: true },
    )?;
    let students =
        desk.list_students(&director, ListStudents { branch_id: branch, include_archived: false })?;
    let today = Local::now().date_naive();
    let start = today - Days::days(364);
    let mut sessions_by_batch = Vec::new();
    for b in 0..batches {
        let room = desk
            .save_room(
                &director,
                SaveRoom { id: None, branch_id: branch, name: format!("Room {b}"), capacity: 80 },
            )?
            .id;
        let teacher = desk
            .create_user(
                &director,
                CreateUser {
                    full_name: format!("Teacher {b}"),
                    email: format!("t{b}@example.com"),
                    phone: String::new(),
                    password: "Quiet-Lotus-2026".into(),
                    grants: vec![NewGrant {
                        role_id: teacher_role,
                        branch_id: Some(branch),
                        expires_on: None,
                    }],
                },
            )?
            .id;
        let batch = desk
            .save_batch(
                &director,
                SaveBatch {
                    branch_id: branch,
                    course_id: course,
                    name: format!("Batch {b}"),
                    teacher_id: teacher,
                    room_id: room,
                    capacity: 70,
                    start_date: start.to_string(),
                    end_date: today.to_string(),
                    slots: (1..=5)
                        .map(|d| Slot { weekday: d, start: "16:00".into(), end: "17:00".into() })
                        .collect(),
                    ..Default::default()
                },
            )?
            .id;
        for s in &students[b * per_batch..(b + 1) * per_batch] {
            desk.enrol(
                &director,
                Enrol {
                    student_id: s.id,
                    batch_id: batch,
                    start_date: start.to_string(),
                    ..Default::default()
                },
            )?;
        }
        sessions_by_batch.push((batch, desk.get_batch(&director, GetBatch { id: batch })?.sessions));
    }

    // A year of marks from another desk, through the applier in pages.
    let scope = format!("branch:{branch}");
    let device = "0193a0c0-0000-7000-8000-00000000beef";
    let mut changes = Vec::new();
    let mut n = 0u64;
    for (b, (batch, sessions)) in sessions_by_batch.iter().enumerate() {
        for session in sessions.iter().filter(|s| s.date.as_str() < today.to_string().as_str()) {
            for (k, s) in students[b * per_batch..(b + 1) * per_batch].iter().enumerate() {
                n += 1;
                let id = branchdesk_desk::attendance::store::attendance_id(s.id, session.id);
                let mut columns = serde_json::Map::new();
                for (key, value) in [
                    ("branch_id", branch.to_string()),
                    ("session_id", session.id.to_string()),
                    ("batch_id", batch.to_string()),
                    ("student_id", s.id.to_string()),
                    ("date", session.date.clone()),
                    ("status", STATUSES[(k + n as usize) % 4].to_string()),
                    ("note", String::new()),
                    ("marked_at", "2026-06-01T09:00:00Z".to_string()),
                    ("created_at", "2026-06-01T09:00:00Z".to_string()),
                    ("updated_at", "2026-06-01T09:00:00Z".to_string()),
                ] {
                    columns.insert(key.into(), value.into());
                }
                changes.push(Change {
                    scope: scope.clone(),
                    scope_seq: n,
                    device_id: device.into(),
                    op: Op {
                        seq: n,
                        op_id: uuid::Uuid::now_v7().to_string(),
                        author_user_id: None,
                        scope: scope.clone(),
                        entity: "attendance".into(),
                        entity_id: id.to_string(),
                        kind: "insert".into(),
                        columns,
                        hlc: format!("{:012x}0000-{device}", 1_700_000_000_000u64 + n),
                        schema_version: DESK_SCHEMA_VERSION,
                        signature: None,
                    },
                });
            }
        }
    }
    let records = changes.len();
    for page in changes.chunks(500) {
        let cursors: BTreeMap<String, u64> =
            [(scope.clone(), page.last().map(|c| c.scope_seq).unwrap_or(0))].into();
        desk.apply_pulled(page, &cursors, &Default::default())?;
    }
    drop(changes);

    // Marking today's session of batch 0, every mark a change each time.
    let today_session = sessions_by_batch[0].1.iter().find(|s| s.date == today.to_string()).map(|s| s.id);
    let mut save = Vec::new();
    if let Some(session) = today_session {
        for r in 0..runs {
            let marks: Vec<Mark> = students[..per_batch]
                .iter()
                .enumerate()
                .map(|(k, s)| Mark {
                    student_id: s.id,
                    status: AttendanceStatus::ALL[(k + r) % 4],
                    note: String::new(),
                })
                .collect();
            let t = Instant::now();
            desk.save_marks(&director, SaveMarks { session_id: session, marks, ..Default::default() })?;
            save.push(t.elapsed());
        }
    }
    let plain = branchdesk_desk::db::open_connection(dir.path(), branchdesk_desk::KeyStore::from_env())?;
    plain.pragma_update(None, "synchronous", "FULL")?;
    plain.execute_batch("CREATE TABLE bench_plain_marks (id TEXT PRIMARY KEY, student TEXT, status TEXT)")?;
    let mut plain_save = Vec::new();
    for r in 0..runs {
        let t = Instant::now();
        let tx = plain.unchecked_transaction()?;
        {
            let mut stmt = tx.prepare_cached("INSERT INTO bench_plain_marks VALUES (?1, ?2, ?3)")?;
            for (k, s) in students[..per_batch].iter().enumerate() {
                stmt.execute((uuid::Uuid::now_v7().to_string(), s.id.to_string(), STATUSES[(k + r) % 4]))?;
            }
        }
        tx.commit()?;
        plain_save.push(t.elapsed());
    }

    // The monthly report of last month.
    let last_month = today.with_day(1).unwrap_or(today) - Days::days(1);
    let month = format!("{:04}-{:02}", last_month.year(), last_month.month());
    let mut report = Vec::new();
    let mut rows = 0;
    for _ in 0..runs.min(10) {
        let t = Instant::now();
        rows = desk
            .get_attendance_report(
                &director,
                GetAttendanceReport { branch_id: branch, month: month.clone(), ..Default::default() },
            )?
            .rows
            .len();
        report.push(t.elapsed());
    }
    let mut plain_report = Vec::new();
    for _ in 0..runs.min(10) {
        let t = Instant::now();
        let mut stmt = plain.prepare_cached(
            "SELECT student_id, batch_id, count(*), sum(status IN ('PRESENT', 'LATE')) FROM attendance
             WHERE branch_id = ?1 AND date >= ?2 AND date < ?3 GROUP BY student_id, batch_id",
        )?;
        let n = stmt
            .query_map((branch.to_string(), format!("{month}-01"), format!("{month}-32")), |r| {
                r.get::<_, String>("student_id")
            })?
            .count();
        std::hint::black_box(n);
        plain_report.push(t.elapsed());
    }

    println!(
        "attendance benchmark: {} students, {batches} batches, {records} records over a year",
        batches * per_batch
    );
    if save.is_empty() {
        println!("  (no session today; marking not measured)");
    } else {
        let (s, p) = (median(save), median(plain_save));
        println!(
            "  mark and save 60 students           {:>8.1} ms  (goal <= 50 ms; plain 60-row INSERT {:.1} ms, ratio {:.1}x)",
            ms(s),
            ms(p),
            s.as_secs_f64() / p.as_secs_f64()
        );
    }
    let (r, p) = (median(report), median(plain_report));
    println!(
        "  monthly report {month} ({rows} rows)   {:>8.1} ms  (goal <= 200 ms; plain GROUP BY {:.1} ms, ratio {:.1}x)",
        ms(r),
        ms(p),
        r.as_secs_f64() / p.as_secs_f64()
    );
    Ok(())
}
