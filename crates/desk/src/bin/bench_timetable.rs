//! Timetable costs in a busy branch. Prints figures; asserts nothing.
//!
//! A branch with 40 rooms and 40 teachers and N batches (default 200), each
//! meeting twice a week for a year (about 104 sessions each). Measured:
//! - the clash check `save_batch` runs (regenerate one batch's year of
//!   sessions and check every one against the room's and teacher's
//!   bookings), against a plain indexed read of that room's year of
//!   sessions (the least any check must read);
//! - the week timetable's data for the whole branch, against a plain read
//!   of that week's session rows.
//!
//! Usage: bench-timetable [--batches N] [--runs R]   (defaults 200 and 30)

use branchdesk_api::commands::academics::SaveCourse;
use branchdesk_api::commands::org::SaveRoom;
use branchdesk_api::commands::timetable::{GetTimetable, SaveBatch, Slot};
use branchdesk_api::commands::users::{CreateUser, NewGrant};
use branchdesk_desk::bench::{arg, median, ms};
use branchdesk_desk::db::read;
use std::time::Instant;

const ROOMS: usize = 40;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let batches = arg("--batches", 200);
    let runs = arg("--runs", 30).max(1);
    let sample = branchdesk_desk::bench::sample()?;
    let (dir, desk, director, branch) = (&sample.dir, &sample.desk, sample.director.clone(), sample.branch);
    let course = desk
        .save_course(&director, SaveCourse { code: "B".into(), name: "Bench".into(), ..Default::default() })?
        .id;
    let teacher_role = desk
        .list_roles(&director, Default::default())?
        .into_iter()
        .find(|r| r.name == "TEACHER")
        .expect("role")
        .id;
    let mut rooms = Vec::new();
    let mut teachers = Vec::new();
    for i in 0..ROOMS {
        rooms.push(
            desk.save_room(
                &director,
                SaveRoom { id: None, branch_id: branch, name: format!("Room {i}"), capacity: 40 },
            )?
            .id,
        );
        teachers.push(
            desk.create_user(
                &director,
                CreateUser {
                    full_name: format!("Teacher {i}"),
                    email: format!("t{i}@example.com"),
                    phone: String::new(),
                    password: "Quiet-Lotus-2026".into(),
                    grants: vec![NewGrant {
                        role_id: teacher_role,
                        branch_id: Some(branch),
                        expires_on: None,
                    }],
                },
            )?
            .id,
        );
    }
    // Batch k of room r meets Monday and Thursday at 08:00 + 2h·k (and
    // further weekdays once a room's day is full), so nothing clashes.
    let mut ids = Vec::new();
    let t = Instant::now();
    for n in 0..batches {
        let (r, k) = (n % ROOMS, n / ROOMS);
        let (day, hour) = ((k / 6) as u32, 8 + 2 * (k % 6));
        let slot =
            |weekday: u32| Slot { weekday, start: format!("{hour:02}:00"), end: format!("{hour:02}:30") };
        let input = SaveBatch {
            branch_id: branch,
            course_id: course,
            name: format!("Batch {n}"),
            teacher_id: teachers[r],
            room_id: rooms[r],
            capacity: 30,
            start_date: "2026-06-01".into(),
            end_date: "2027-05-31".into(),
            slots: vec![slot(1 + day % 7), slot(4 + day % 4)],
            ..Default::default()
        };
        ids.push(desk.save_batch(&director, input)?.id);
    }
    let planning = t.elapsed();
    let conn = branchdesk_desk::db::open_connection(dir.path(), branchdesk_desk::KeyStore::from_env())?;
    let sessions: i64 = conn.query_row("SELECT count(*) FROM class_sessions", [], read::value)?;

    // Clash check of one batch, over different batches.
    let mut check = Vec::new();
    let mut plain_room = Vec::new();
    for i in 0..runs {
        let id = ids[(i * 7) % ids.len()];
        let t = Instant::now();
        desk.bench_check_batch(id)?;
        check.push(t.elapsed());
        let t = Instant::now();
        let room: String =
            conn.query_row("SELECT room_id FROM batches WHERE id = ?1", [id.to_string()], read::value)?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, date, start_min, end_min, teacher_id FROM class_sessions
             WHERE room_id = ?1 AND date BETWEEN '2026-06-01' AND '2027-05-31'",
        )?;
        let n = stmt.query_map([room], |r| r.get::<_, String>("id"))?.count();
        std::hint::black_box(n);
        plain_room.push(t.elapsed());
    }

    // The week's timetable for the whole branch.
    let mut week = Vec::new();
    let mut plain_week = Vec::new();
    let mut entries = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let w = desk.get_timetable(
            &director,
            GetTimetable { branch_id: branch, date: "2026-09-16".into(), ..Default::default() },
        )?;
        week.push(t.elapsed());
        entries = w.entries.len();
        let t = Instant::now();
        let mut stmt = conn.prepare_cached(
            "SELECT s.id, s.date, s.start_min, s.end_min, b.name, r.name, u.full_name
             FROM class_sessions s JOIN batches b ON b.id = s.batch_id JOIN rooms r ON r.id = s.room_id
             JOIN users u ON u.id = s.teacher_id
             WHERE s.branch_id = ?1 AND s.date BETWEEN '2026-09-14' AND '2026-09-20'",
        )?;
        let n = stmt.query_map([branch.to_string()], |r| r.get::<_, String>("id"))?.count();
        std::hint::black_box(n);
        plain_week.push(t.elapsed());
    }

    println!("timetable benchmark: {batches} batches, {ROOMS} rooms, {sessions} sessions over a year");
    println!(
        "  planning all batches (save_batch each)   {:>8.1} ms per batch",
        ms(planning) / batches as f64
    );
    let (c, p) = (median(check), median(plain_room));
    println!(
        "  clash check for one batch's year         {:>8.2} ms  (goal <= 20 ms; plain read of the room's year {:.2} ms, ratio {:.1}x)",
        ms(c),
        ms(p),
        c.as_secs_f64() / p.as_secs_f64()
    );
    let (w, p) = (median(week), median(plain_week));
    println!(
        "  week timetable data, whole branch        {:>8.2} ms  (goal <= 50 ms; {entries} entries; plain read {:.2} ms, ratio {:.1}x)",
        ms(w),
        ms(p),
        w.as_secs_f64() / p.as_secs_f64()
    );
    Ok(())
}
