//! Fee costs. Prints figures; asserts nothing.
//!
//! N students (default 10,000, imported with a guardian each) are enrolled
//! in monthly batches from ten days ago, so each has one overdue fee.
//! - Collect a payment (command time: allocation, receipt number, receipt,
//!   allocations, audit and outbox in one transaction) against a plain
//!   INSERT of a receipt-shaped row in its own transaction, same file.
//! - The overdue dues list of the branch (N lines) against a plain read of
//!   the same due rows.
//! - The director's comparison of branches (the one branch's students,
//!   seats, dues, collections and overdue by age), against the same plain
//!   read of the due rows.
//! - A receipt PDF (read, lay out, shape, embed the fonts' subsets, write
//!   the file) and its size. (crates/print/tests: a receipt in three
//!   Indian scripts stays under 100 KiB too.)
//! - A monthly salary run for S staff (default 300): each with a fixed
//!   salary, half of them teaching a per-session batch that met this month,
//!   against a plain read of the same salary and session rows.
//!
//! Usage: bench-money [--students N] [--runs R] [--staff S]   (defaults 10000, 50, 300)

use branchdesk_api::commands::academics::SaveCourse;
use branchdesk_api::commands::imports::{ImportCsv, ImportKind};
use branchdesk_api::commands::money::{CollectPayment, DueWindow, ListDues, SaveReceiptPdf};
use branchdesk_api::commands::org::SaveRoom;
use branchdesk_api::commands::students::{Enrol, ListStudents};
use branchdesk_api::commands::timetable::{FeeFrequency, SaveBatch, Slot};
use branchdesk_desk::bench::{arg, median, ms, students_csv};
use rusqlite::Connection;
use std::time::Instant;

const PER_BATCH: usize = 250;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let students = arg("--students", 10_000);
    let runs = arg("--runs", 50).min(students);
    let sample = branchdesk_desk::bench::sample()?;
    let (dir, desk, director, branch) = (&sample.dir, &sample.desk, sample.director.clone(), sample.branch);
    let today = chrono::Local::now().date_naive();
    let start = (today - chrono::Duration::days(10)).to_string();

    let t = Instant::now();
    for from in (0..students).step_by(10_000) {
        let content = students_csv(from, (from + 10_000).min(students));
        desk.import_csv(
            &director,
            ImportCsv { kind: ImportKind::Students, branch_id: branch, content, commit: true },
        )?;
    }
    let course = desk
        .save_course(
            &director,
            SaveCourse { code: "MAT".into(), name: "Maths".into(), ..Default::default() },
        )?
        .id;
    let list = desk.list_students(&director, ListStudents { branch_id: branch, include_archived: false })?;
    for (b, chunk) in list.chunks(PER_BATCH).enumerate() {
        let room = desk
            .save_room(
                &director,
                SaveRoom { id: None, branch_id: branch, name: format!("Hall {b}"), capacity: 300 },
            )?
            .id;
        let batch = desk
            .save_batch(
                &director,
                SaveBatch {
                    branch_id: branch,
                    course_id: course,
                    name: format!("Maths {b}"),
                    teacher_id: director.user_id,
                    room_id: room,
                    capacity: PER_BATCH as u32,
                    start_date: (today - chrono::Duration::days(30)).to_string(),
                    end_date: (today + chrono::Duration::days(60)).to_string(),
                    // One batch a slot of the week, so the director teaches them all.
                    slots: vec![Slot {
                        weekday: 1 + (b % 7) as u32,
                        start: format!("{:02}:00", 6 + b / 7),
                        end: format!("{:02}:50", 6 + b / 7),
                    }],
                    fee_minor: 250_000,
                    fee_frequency: FeeFrequency::Monthly,
                    ..Default::default()
                },
            )?
            .id;
        for s in chunk {
            desk.enrol(
                &director,
                Enrol { student_id: s.id, batch_id: batch, start_date: start.clone(), ..Default::default() },
            )?;
        }
    }
    let seeded = t.elapsed();

    // The overdue list: one fee a student.
    let mut list_times = Vec::new();
    let mut lines = 0;
    for _ in 0..5 {
        let t = Instant::now();
        lines = desk.list_dues(&director, ListDues { branch_id: branch, window: DueWindow::Overdue })?.len();
        list_times.push(t.elapsed());
    }
    let plain = branchdesk_desk::db::open_connection(dir.path(), branchdesk_desk::KeyStore::from_env())?;
    let mut plain_list = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut stmt = plain.prepare_cached(
            "SELECT d.id, d.description, d.due_on, d.amount_minor, s.full_name, s.code FROM dues d
             JOIN students s ON s.id = d.student_id WHERE d.branch_id = ?1 AND d.due_on < ?2",
        )?;
        let n = stmt.query_map((branch.to_string(), today.to_string()), |_| Ok(()))?.count();
        plain_list.push(t.elapsed());
        assert_eq!(n, lines);
    }

    // Collecting: part of each of `runs` students' fees.
    let mut collect = Vec::new();
    let mut receipts = Vec::new();
    for s in list.iter().take(runs) {
        let t = Instant::now();
        let r = desk.collect_payment(
            &director,
            CollectPayment { student_id: s.id, amount: "1500".into(), ..Default::default() },
        )?;
        collect.push(t.elapsed());
        receipts.push(r.id);
    }
    plain.pragma_update(None, "synchronous", "FULL")?;
    plain.execute_batch(
        "CREATE TABLE bench_plain_receipts (id TEXT PRIMARY KEY, student_id TEXT, number TEXT, amount_minor INTEGER,
         method TEXT, collected_at TEXT)",
    )?;
    let mut plain_insert = Vec::new();
    for (i, s) in list.iter().take(runs).enumerate() {
        let t = Instant::now();
        let tx = plain.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO bench_plain_receipts VALUES (?1, ?2, ?3, 150000, 'CASH', ?4)",
            (uuid::Uuid::now_v7().to_string(), s.id.to_string(), format!("P/{i}"), today.to_string()),
        )?;
        tx.commit()?;
        plain_insert.push(t.elapsed());
    }

    let (mut pdf, mut pdf_bytes) = (Vec::new(), Vec::new());
    for id in receipts.iter().take(runs) {
        let t = Instant::now();
        let path = desk.save_receipt_pdf(&director, SaveReceiptPdf { receipt_id: *id })?;
        pdf.push(t.elapsed());
        pdf_bytes.push(std::fs::metadata(path)?.len());
    }
    pdf_bytes.sort_unstable();
    let pdf_kib = pdf_bytes.get(pdf_bytes.len() / 2).copied().unwrap_or_default() as f64 / 1024.0;

    // The director's comparison of branches, after the collections.
    let mut compare = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        desk.compare_branches(&director, branchdesk_api::commands::dashboard::CompareBranches::default())?;
        compare.push(t.elapsed());
    }

    let (payroll, payroll_plain, staff) = salary_run(desk, &director, branch, &plain, today)?;

    let (collect, plain_insert) = (median(collect), median(plain_insert));
    let (list, plain_list) = (median(list_times), median(plain_list));
    println!(
        "money benchmark: {students} students enrolled ({:.1} s to seed), medians of {runs} runs",
        seeded.as_secs_f64()
    );
    println!(
        "  collect a payment                {:>9.2} ms  (goal <= 50 ms; plain INSERT in its own transaction {:.2} ms, {:.1}x)",
        ms(collect),
        ms(plain_insert),
        collect.as_secs_f64() / plain_insert.as_secs_f64()
    );
    println!(
        "  overdue dues list, {lines:>6} lines {:>9.1} ms  (goal <= 100 ms; plain read of the rows {:.1} ms, {:.1}x)",
        ms(list),
        ms(plain_list),
        list.as_secs_f64() / plain_list.as_secs_f64()
    );
    let compare = median(compare);
    println!(
        "  branches compared (dues, collections, seats, attendance) {:>7.1} ms  (goal <= 1,000 ms; the plain read of the due rows above {:.1}x)",
        ms(compare),
        compare.as_secs_f64() / plain_list.as_secs_f64()
    );
    println!(
        "  receipt PDF, saved              {:>9.2} ms  (goal <= 50 ms), {pdf_kib:.1} KiB (goal <= 100 KiB; fonts embedded, subset)",
        ms(median(pdf))
    );
    println!(
        "  salary run, {staff:>4} staff         {:>9.1} ms  (goal <= 1,000 ms; plain read of the rows {:.1} ms, {:.1}x)",
        ms(payroll),
        ms(payroll_plain),
        payroll.as_secs_f64() / payroll_plain.as_secs_f64()
    );
    Ok(())
}

/// S staff with fixed salaries, half teaching a per-session batch from the
/// start of the month; answers the median run, the plain read and S.
fn salary_run(
    desk: &branchdesk_desk::Desk,
    director: &branchdesk_desk::Actor,
    branch: branchdesk_api::ids::BranchId,
    plain: &Connection,
    today: chrono::NaiveDate,
) -> Result<(std::time::Duration, std::time::Duration, usize), Box<dyn std::error::Error>> {
    use branchdesk_api::commands::money::{RunPayroll, SetSalary};
    use branchdesk_api::commands::timetable::CompensationModel;
    use branchdesk_api::commands::users::{CreateUser, NewGrant};
    use chrono::Datelike;
    let staff = arg("--staff", 300);
    let teacher_role = desk
        .list_roles(director, branchdesk_api::commands::roles::ListRoles {})?
        .into_iter()
        .find(|r| r.name == "TEACHER")
        .ok_or("no TEACHER role")?
        .id;
    let course = desk
        .save_course(
            director,
            SaveCourse { code: "SAL".into(), name: "Science".into(), ..Default::default() },
        )?
        .id;
    let first = today.with_day(1).unwrap_or(today);
    for i in 0..staff {
        let user = desk.create_user(
            director,
            CreateUser {
                full_name: format!("Staff {i:03}"),
                email: format!("staff{i}@bench.example"),
                phone: String::new(),
                password: "Quiet-Lotus-2026".into(),
                grants: vec![NewGrant { role_id: teacher_role, branch_id: Some(branch), expires_on: None }],
            },
        )?;
        desk.set_salary(
            director,
            SetSalary { branch_id: branch, user_id: user.id, fixed_monthly: "25000".into() },
        )?;
        if i % 2 == 0 {
            let room = desk
                .save_room(
                    director,
                    SaveRoom { id: None, branch_id: branch, name: format!("Lab {i}"), capacity: 30 },
                )?
                .id;
            desk.save_batch(
                director,
                SaveBatch {
                    branch_id: branch,
                    course_id: course,
                    name: format!("Science {i}"),
                    teacher_id: user.id,
                    room_id: room,
                    capacity: 30,
                    start_date: first.to_string(),
                    end_date: (first + chrono::Duration::days(60)).to_string(),
                    slots: (1..=5)
                        .map(|d| Slot { weekday: d, start: "15:00".into(), end: "16:00".into() })
                        .collect(),
                    comp_model: CompensationModel::PerSession,
                    comp_amount_minor: 40_000,
                    ..Default::default()
                },
            )?;
        }
    }
    let mut runs = Vec::new();
    let mut lines = 0;
    for _ in 0..5 {
        let t = Instant::now();
        lines = desk.run_payroll(director, RunPayroll { branch_id: branch, month: String::new() })?.len();
        runs.push(t.elapsed());
    }
    assert!(lines >= staff, "{lines} lines for {staff} staff");
    let mut plain_runs = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let configs = plain
            .prepare_cached("SELECT user_id, amount_minor FROM salary_components WHERE branch_id = ?1")?
            .query_map([branch.to_string()], |_| Ok(()))?
            .count();
        let sessions = plain
            .prepare_cached("SELECT batch_id, teacher_id FROM class_sessions WHERE branch_id = ?1 AND date BETWEEN ?2 AND ?3")?
            .query_map((branch.to_string(), first.to_string(), today.to_string()), |_| Ok(()))?
            .count();
        plain_runs.push(t.elapsed());
        assert!(configs >= staff && sessions < usize::MAX);
    }
    Ok((median(runs), median(plain_runs), staff))
}
