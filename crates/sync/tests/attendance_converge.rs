//! Property (sync-design, attendance): two desks marking the same student
//! in the same session offline, in any interleaving, with skewed clocks and
//! syncs at random moments, end with one attendance record, the same on
//! both, whose history holds every mark either desk made.

mod support;

use branchdesk_api::commands::academics::SaveCourse;
use branchdesk_api::commands::attendance::{AttendanceStatus, GetSheet, Mark, RosterOrder, SaveMarks};
use branchdesk_api::commands::org::SaveRoom;
use branchdesk_api::commands::students::{Enrol, SaveStudent};
use branchdesk_api::commands::timetable::{GetBatch, SaveBatch, Slot};
use branchdesk_api::ids::{SessionId, StudentId};
use chrono::Duration;
use proptest::prelude::*;
use support::{sign_in, Node};

#[derive(Debug, Clone)]
enum Step {
    Mark(usize, AttendanceStatus),
    Tick(usize, i64),
    Sync(usize),
}

fn step() -> impl Strategy<Value = Step> {
    let status = prop_oneof![
        Just(AttendanceStatus::Present),
        Just(AttendanceStatus::Absent),
        Just(AttendanceStatus::Late),
        Just(AttendanceStatus::Excused),
    ];
    prop_oneof![
        4 => (0..2usize, status).prop_map(|(d, s)| Step::Mark(d, s)),
        2 => (0..2usize, -2_000..4_000i64).prop_map(|(d, ms)| Step::Tick(d, ms)),
        2 => (0..2usize).prop_map(Step::Sync),
    ]
}

fn count(n: &Node, sql: &str) -> i64 {
    let conn = rusqlite_conn(n);
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn rusqlite_conn(n: &Node) -> rusqlite::Connection {
    branchdesk_desk::db::open_connection(n.desk.data_dir(), branchdesk_desk::KeyStore::File).unwrap()
}

fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let rt = support::runtime();
    let (_server, client, mut nodes, branch) = support::network(&rt, &[0, -30]);
    let a = nodes[0].actor().clone();
    let course = nodes[0]
        .desk
        .save_course(&a, SaveCourse { code: "PHY".into(), name: "Physics".into(), ..Default::default() })
        .unwrap()
        .id;
    let room = nodes[0]
        .desk
        .save_room(&a, SaveRoom { id: None, branch_id: branch, name: "Room 1".into(), capacity: 30 })
        .unwrap()
        .id;
    let batch = nodes[0]
        .desk
        .save_batch(
            &a,
            SaveBatch {
                branch_id: branch,
                course_id: course,
                name: "Physics XI".into(),
                teacher_id: a.user_id,
                room_id: room,
                capacity: 30,
                start_date: "2026-06-01".into(),
                end_date: "2026-06-30".into(),
                slots: vec![Slot { weekday: 1, start: "08:00".into(), end: "09:00".into() }],
                ..Default::default()
            },
        )
        .unwrap()
        .id;
    let student: StudentId = nodes[0]
        .desk
        .save_student(
            &a,
            SaveStudent {
                branch_id: branch,
                full_name: "Asha Rao".into(),
                date_of_birth: "2000-01-01".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .student
        .id;
    nodes[0].desk.enrol(&a, Enrol { student_id: student, batch_id: batch, ..Default::default() }).unwrap();
    let session: SessionId = nodes[0].desk.get_batch(&a, GetBatch { id: batch }).unwrap().sessions[0].id;
    rt.block_on(client.sync(&nodes[0].desk)).unwrap();
    rt.block_on(client.sync(&nodes[1].desk)).unwrap();
    sign_in(&mut nodes[1]);

    let mut marked = 0;
    for s in steps {
        match s {
            Step::Mark(d, status) => {
                let n = &nodes[d];
                // A note makes every mark a change, so each one is logged.
                marked += 1;
                let note = format!("mark {marked}");
                n.desk
                    .save_marks(
                        n.actor(),
                        SaveMarks {
                            session_id: session,
                            marks: vec![Mark { student_id: student, status, note }],
                            ..Default::default()
                        },
                    )
                    .unwrap();
            }
            Step::Tick(d, ms) => nodes[d].clock.advance(Duration::milliseconds(ms)),
            Step::Sync(d) => {
                rt.block_on(client.sync(&nodes[d].desk)).unwrap();
            }
        }
    }
    support::quiesce(&rt, &client, &nodes);
    let sheets: Vec<_> = nodes
        .iter()
        .map(|n| {
            n.desk
                .get_sheet(n.actor(), GetSheet { session_id: session, order: RosterOrder::Name })
                .unwrap()
                .rows
        })
        .collect();
    prop_assert_eq!(&sheets[0][0].status, &sheets[1][0].status);
    prop_assert_eq!(&sheets[0][0].note, &sheets[1][0].note);
    for n in &nodes {
        prop_assert_eq!(count(n, "SELECT count(*) FROM attendance"), i64::from(marked > 0));
        prop_assert_eq!(count(n, "SELECT count(*) FROM attendance_marks"), marked);
    }
    prop_assert_eq!(sheets[0][0].history.len() as i64, marked);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]
    #[test]
    fn two_desks_marking_one_student_converge_with_every_mark_kept(steps in proptest::collection::vec(step(), 1..24)) {
        run(steps)?;
    }
}
