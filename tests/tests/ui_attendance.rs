//! In the real app window: a teacher marks a 60-student session with the
//! keyboard only (five absent, three late, one excused with a note, the
//! rest present), saves, the app restarts, and every mark and note is there
//! exactly as marked. Keystrokes are counted; more than two per student
//! fails the test.

use branchdesk_api::commands::students::{Enrol, SaveStudent};
use branchdesk_api::commands::timetable::SaveBatch;
use branchdesk_e2e::*;
use fantoccini::Locator;
use std::path::Path;

const STUDENTS: usize = 60;
const ABSENT: [usize; 5] = [3, 10, 17, 24, 31];
const LATE: [usize; 3] = [5, 12, 19];
const EXCUSED: usize = 40;

/// A batch meeting today (all day) with 60 students, taught by the director.
fn seed_class(dir: &Path) {
    let (desk, director, branch) = seed_desk(dir);
    let (room, course) = seed_room_and_course(&desk, &director, branch, ("Hall", 80), ("MTH", "Maths"));
    let class = SaveBatch {
        name: "Maths X".into(),
        capacity: 70,
        ..batch_from_today(branch, course, room, director.user_id, ("00:00", "23:59"), 30)
    };
    let batch = desk.save_batch(&director, class).expect("batch").id;
    for i in 1..=STUDENTS {
        let s = desk
            .save_student(
                &director,
                SaveStudent {
                    branch_id: branch,
                    full_name: format!("Student {i:02}"),
                    date_of_birth: "2000-01-01".into(),
                    phone: format!("98450{i:05}"),
                    ..Default::default()
                },
            )
            .expect("student")
            .student
            .id;
        desk.enrol(&director, Enrol { student_id: s, batch_id: batch, ..Default::default() }).expect("enrol");
    }
}

fn expected(i: usize) -> &'static str {
    if ABSENT.contains(&i) {
        "ABSENT"
    } else if LATE.contains(&i) {
        "LATE"
    } else if i == EXCUSED {
        "EXCUSED"
    } else {
        "PRESENT"
    }
}

#[tokio::test]
async fn sixty_students_marked_from_the_keyboard_survive_a_restart() {
    if !ui_tests_enabled("sixty_students_marked_from_the_keyboard_survive_a_restart") {
        return;
    }
    let app = App::launch(seed_class).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click(".today-session").await;
    app.wait_text("#sheet-counts", "60 not marked").await;

    // One key per student up to the excused one, a note for her, then R
    // marks the rest present and Enter saves.
    let mut keys = String::new();
    for i in 1..=EXCUSED {
        keys.push(match expected(i) {
            "ABSENT" => 'a',
            "LATE" => 'l',
            "EXCUSED" => 'e',
            _ => 'p',
        });
    }
    keys.push('k'); // back to the excused student
    keys.push('n');
    keys.push_str("Fever");
    keys.push_str(ENTER); // ends the note
    keys.push('r');
    let sheet = app.find("#sheet-rows").await;
    sheet.send_keys(&keys).await.unwrap();
    app.wait_text("#sheet-counts", "0 not marked").await;
    app.find("#sheet-rows").await.send_keys(ENTER).await.unwrap();
    app.wait_text("#sheet-saved", "Saved").await;
    let keystrokes = keys.chars().count() + 1;
    println!(
        "keystrokes for {STUDENTS} students: {keystrokes} ({:.2} per student)",
        keystrokes as f64 / STUDENTS as f64
    );
    assert!(keystrokes <= 2 * STUDENTS, "{keystrokes} keystrokes for {STUDENTS} students");
    app.screenshot("attendance-marked").await;

    // Quit and start again: every mark and the note are as marked.
    let app = app.restart().await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click(".today-session").await;
    app.wait_text("#sheet-counts", "51 present · 5 absent · 3 late · 1 excused · 0 not marked").await;
    let rows = app.client.find_all(Locator::Css("#sheet-rows tr.sheet-row")).await.unwrap();
    assert_eq!(rows.len(), STUDENTS);
    for (i, row) in rows.iter().enumerate() {
        let n = i + 1;
        let status = row
            .find(Locator::Css(".status"))
            .await
            .unwrap()
            .attr("data-status")
            .await
            .unwrap()
            .unwrap_or_default();
        assert_eq!(status, expected(n), "Student {n:02}");
        let note = row.find(Locator::Css(".note-text")).await.unwrap().text().await.unwrap();
        assert_eq!(note, if n == EXCUSED { "Fever" } else { "" }, "Student {n:02}");
    }
    app.screenshot("attendance-after-restart").await;
    app.close().await;
}
