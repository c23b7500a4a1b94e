//! A class to take attendance of: Ravi's Monday batch with three students.

use super::{fixture, Fixture};
use branchdesk_api::commands::attendance::{AttendanceStatus, Mark};
use branchdesk_api::commands::students::*;
use branchdesk_api::commands::timetable::GetBatch;
use branchdesk_api::ids::{SessionId, StudentId};
use branchdesk_desk::Actor;

pub struct Class {
    pub f: Fixture,
    pub teacher: Actor,
    pub students: Vec<StudentId>,
    /// Monday 1 June (today), then the following Mondays.
    pub sessions: Vec<SessionId>,
}

/// Ravi's Monday batch with three students (the first with a mother's phone).
pub fn class() -> Class {
    let f = fixture();
    let (_, teacher) = f.staff("ravi@example.com", "TEACHER", Some(f.branch));
    let batch = f.physics_batch(teacher.user_id, |_| {});
    let mut students = Vec::new();
    for (i, name) in ["Asha Rao", "Vikram Menon", "Zoya Khan"].iter().enumerate() {
        let guardians = if i == 0 {
            vec![GuardianInput {
                full_name: "Lakshmi Rao".into(),
                phone: "98450 20001".into(),
                relation: "Mother".into(),
                is_primary: true,
                ..Default::default()
            }]
        } else {
            vec![GuardianInput {
                full_name: "Parent".into(),
                email: format!("p{i}@example.com"),
                relation: "Father".into(),
                ..Default::default()
            }]
        };
        let s = f
            .desk
            .save_student(
                &f.director,
                SaveStudent {
                    branch_id: f.branch,
                    full_name: name.to_string(),
                    date_of_birth: "2009-01-01".into(),
                    guardians,
                    ..Default::default()
                },
            )
            .unwrap()
            .student
            .id;
        f.desk
            .enrol(
                &f.director,
                Enrol {
                    student_id: s,
                    batch_id: batch,
                    start_date: "2026-06-01".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        students.push(s);
    }
    let sessions = f
        .desk
        .get_batch(&f.director, GetBatch { id: batch })
        .unwrap()
        .sessions
        .iter()
        .map(|s| s.id)
        .collect();
    Class { f, teacher, students, sessions }
}

pub fn mark(student: StudentId, status: AttendanceStatus, note: &str) -> Mark {
    Mark { student_id: student, status, note: note.into() }
}
