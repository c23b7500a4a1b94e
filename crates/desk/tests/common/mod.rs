//! A fresh desk in a temporary folder, set up, with the director signed in,
//! and a clock the test moves.

#![allow(dead_code)]

pub mod class;

use branchdesk_api::commands::academics::SaveCourse;
use branchdesk_api::commands::org::{SaveBranch, SaveRoom};
use branchdesk_api::commands::roles::ListRoles;
use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::students::{GuardianInput, SaveStudent, StudentSaved};
use branchdesk_api::commands::system::SetupOrganisation;
use branchdesk_api::commands::timetable::{SaveBatch, Slot};
use branchdesk_api::commands::users::{CreateUser, NewGrant};
use branchdesk_api::ids::{BatchId, BranchId, CourseId, RoleId, RoomId, UserId};
use branchdesk_api::ApiError;
use branchdesk_desk::{Actor, Desk, DeskConfig, ManualClock, SessionToken};
use chrono::{TimeZone, Utc};
use std::sync::Arc;

pub const DIRECTOR_EMAIL: &str = "director@example.com";
pub const DIRECTOR_PASSWORD: &str = "Saffron-Kite-81";
pub const STAFF_PASSWORD: &str = "Teak-Window-57";

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub clock: Arc<ManualClock>,
    pub desk: Desk,
    pub token: SessionToken,
    pub director: Actor,
    pub branch: BranchId,
}

pub fn open(dir: &std::path::Path, clock: Arc<ManualClock>) -> Desk {
    Desk::open(DeskConfig { data_dir: dir.to_path_buf(), clock, key_store: branchdesk_desk::KeyStore::File })
        .expect("desk opens")
}

pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()));
    let desk = open(dir.path(), clock.clone());
    desk.setup_organisation(SetupOrganisation {
        organisation_name: "Kiran Coaching".into(),
        currency: "INR".into(),
        branch_name: "Koramangala".into(),
        branch_code: "k2".into(),
        director_name: "Meera Iyer".into(),
        director_email: DIRECTOR_EMAIL.into(),
        director_password: DIRECTOR_PASSWORD.into(),
    })
    .expect("setup");
    let (token, me) = desk
        .login(Login { email: DIRECTOR_EMAIL.into(), password: DIRECTOR_PASSWORD.into() })
        .expect("director logs in");
    let director = desk.actor(&token).unwrap();
    let branch = me.branches[0].id;
    Fixture { dir, clock, desk, token, director, branch }
}

impl Fixture {
    pub fn role(&self, name: &str) -> RoleId {
        self.desk
            .list_roles(&self.director, ListRoles {})
            .unwrap()
            .into_iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("role {name}"))
            .id
    }

    pub fn second_branch(&self) -> BranchId {
        self.desk
            .save_branch(
                &self.director,
                SaveBranch { id: None, code: "HSR".into(), name: "HSR Layout".into(), ..Default::default() },
            )
            .unwrap()
            .id
    }

    /// Creates a user holding `role` in `branch` (None: all branches) and signs them in.
    pub fn staff(&self, email: &str, role: &str, branch: Option<BranchId>) -> (SessionToken, Actor) {
        self.desk
            .create_user(
                &self.director,
                CreateUser {
                    full_name: format!("Staff {email}"),
                    email: email.into(),
                    phone: String::new(),
                    password: STAFF_PASSWORD.into(),
                    grants: vec![NewGrant { role_id: self.role(role), branch_id: branch, expires_on: None }],
                },
            )
            .unwrap();
        let (token, _) =
            self.desk.login(Login { email: email.into(), password: STAFF_PASSWORD.into() }).unwrap();
        let actor = self.desk.actor(&token).unwrap();
        (token, actor)
    }

    /// `teacher`'s Monday 16:00 batch "Physics XI-A" in Room 1 from 1 June
    /// to 31 July 2026, of the Physics course (both made on first use);
    /// `tweak` changes the batch first (a second batch needs its own name
    /// and day).
    pub fn physics_batch(&self, teacher: UserId, tweak: impl FnOnce(&mut SaveBatch)) -> BatchId {
        let known = |sql: &str| -> Option<uuid::Uuid> {
            self.conn().query_row(sql, [], |r| r.get::<_, String>(0)).ok().and_then(|id| id.parse().ok())
        };
        let course = known("SELECT id FROM courses WHERE code = 'PHY'").map(CourseId).unwrap_or_else(|| {
            self.desk
                .save_course(
                    &self.director,
                    SaveCourse { code: "PHY".into(), name: "Physics".into(), ..Default::default() },
                )
                .unwrap()
                .id
        });
        let room = known("SELECT id FROM rooms WHERE name = 'Room 1'").map(RoomId).unwrap_or_else(|| {
            self.desk
                .save_room(
                    &self.director,
                    SaveRoom { id: None, branch_id: self.branch, name: "Room 1".into(), capacity: 30 },
                )
                .unwrap()
                .id
        });
        let mut batch = SaveBatch {
            branch_id: self.branch,
            course_id: course,
            name: "Physics XI-A".into(),
            teacher_id: teacher,
            room_id: room,
            capacity: 30,
            start_date: "2026-06-01".into(),
            end_date: "2026-07-31".into(),
            slots: vec![Slot { weekday: 1, start: "16:00".into(), end: "17:30".into() }],
            ..Default::default()
        };
        tweak(&mut batch);
        self.desk.save_batch(&self.director, batch).unwrap().id
    }

    pub fn conn(&self) -> rusqlite::Connection {
        branchdesk_desk::db::open_connection(self.dir.path(), branchdesk_desk::KeyStore::File).unwrap()
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

/// The director's monthly ₹3,000 "Physics XI-A" from June to August 2026.
pub fn monthly_batch(f: &Fixture) -> BatchId {
    f.physics_batch(f.director.user_id, |b| {
        b.end_date = "2026-08-31".into();
        b.fee_minor = 300_000;
        b.fee_frequency = branchdesk_api::commands::timetable::FeeFrequency::Monthly;
    })
}

/// Asha Rao, enrolled in [`monthly_batch`] from its start: three dues.
pub fn enrolled(f: &Fixture) -> branchdesk_api::ids::StudentId {
    let batch = monthly_batch(f);
    let student = f
        .desk
        .save_student(
            &f.director,
            SaveStudent {
                branch_id: f.branch,
                full_name: "Asha Rao".into(),
                date_of_birth: "2008-03-14".into(),
                ..Default::default()
            },
        )
        .unwrap()
        .student
        .id;
    f.desk
        .enrol(
            &f.director,
            branchdesk_api::commands::students::Enrol {
                student_id: student,
                batch_id: batch,
                ..Default::default()
            },
        )
        .unwrap();
    student
}

/// A payment of `amount` (as typed) from the director, to the oldest dues.
pub fn pay(
    f: &Fixture,
    student: branchdesk_api::ids::StudentId,
    amount: &str,
) -> Result<branchdesk_api::commands::money::Receipt, ApiError> {
    f.desk
        .collect_payment(
            &f.director,
            branchdesk_api::commands::money::CollectPayment {
                student_id: student,
                amount: amount.into(),
                ..Default::default()
            },
        )
        .map_err(api)
}

/// A desk error as the UI receives it.
/// The rooms of the desk's first branch, by name, as its director sees them.
pub fn room_names(desk: &Desk) -> Vec<String> {
    let (token, me) =
        desk.login(Login { email: DIRECTOR_EMAIL.into(), password: DIRECTOR_PASSWORD.into() }).unwrap();
    let actor = desk.actor(&token).unwrap();
    let rooms = desk
        .list_rooms(
            &actor,
            branchdesk_api::commands::org::ListRooms { branch_id: me.branches[0].id, include_inactive: true },
        )
        .unwrap();
    let mut names: Vec<String> = rooms.into_iter().map(|r| r.name).collect();
    names.sort();
    names
}

pub fn api(e: branchdesk_desk::Error) -> ApiError {
    e.into()
}

/// A mother with this name and phone, primary.
pub fn parent(name: &str, phone: &str) -> GuardianInput {
    GuardianInput {
        full_name: name.into(),
        phone: phone.into(),
        relation: "Mother".into(),
        is_primary: true,
        ..Default::default()
    }
}

/// Admits a student (born 14 March 2010) into the fixture's branch.
pub fn admit(
    f: &Fixture,
    name: &str,
    phone: &str,
    guardian: Option<GuardianInput>,
) -> Result<StudentSaved, ApiError> {
    f.desk
        .save_student(
            &f.director,
            SaveStudent {
                branch_id: f.branch,
                full_name: name.into(),
                phone: phone.into(),
                date_of_birth: "2010-03-14".into(),
                guardians: guardian.into_iter().collect(),
                ..Default::default()
            },
        )
        .map_err(api)
}

/// An update of one row pulled from another desk, stamped `ms`
/// milliseconds after the epoch by that desk's clock (later wins).
pub fn pulled_update(
    entity: &str,
    id: impl ToString,
    scope: &str,
    columns: serde_json::Value,
    ms: u64,
) -> branchdesk_api::sync::Change {
    let device = "0193a0c0-0000-7000-8000-00000000cafe";
    branchdesk_api::sync::Change {
        scope: scope.into(),
        scope_seq: 1,
        device_id: device.into(),
        op: branchdesk_api::sync::Op {
            seq: 1,
            op_id: uuid::Uuid::now_v7().to_string(),
            author_user_id: None,
            scope: scope.into(),
            entity: entity.into(),
            entity_id: id.to_string(),
            kind: "update".into(),
            columns: columns.as_object().expect("columns are an object").clone(),
            hlc: format!("{ms:012x}0000-{device}"),
            schema_version: branchdesk_api::sync::DESK_SCHEMA_VERSION,
            signature: None,
        },
    }
}

/// Applies `change` as a pulled page of one.
pub fn apply(f: &Fixture, change: branchdesk_api::sync::Change) {
    let cursors = [(change.scope.clone(), 1)].into();
    f.desk.apply_pulled(&[change], &cursors, &Default::default()).expect("the change applies");
}
