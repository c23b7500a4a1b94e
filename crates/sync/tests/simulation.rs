//! Deterministic simulation (sync-design.md, "How we test it", 1 and 2).
//!
//! Four desks — a manager's desk holding both branches (0), two desks of
//! branch A (1, 2) and one of branch B (3) — run the real desk services and
//! the real sync client against the real server router and store, over a
//! seeded network that drops, loses acks, duplicates, delays and reorders
//! requests and cuts desks off, with skewed clocks that jump. Desks crash at
//! the three boundaries: right after a local commit, after the server
//! committed a push whose answer was lost, and in the middle of applying a
//! pulled page (a failpoint). After the network heals and every desk syncs
//! until nothing moves, every invariant of the design is checked.
//!
//! One seed decides everything; a failure names its seed, and
//! `SIM_SEED=<n>` replays it alone. `SIM_SEEDS` (default 1000, on the
//! SQLite store) and `SIM_PG_SEEDS` (default 50, on PostgreSQL) set how many
//! run. A template (organisation, branches, batches, linked desks, signed-in
//! directors) is built once per store and copied for each seed.

#[path = "../../server/tests/support/mod.rs"]
mod pg;
mod support;

use branchdesk_api::commands::academics::SaveCourse;
use branchdesk_api::commands::attendance::{AttendanceStatus, Mark, SaveMarks};
use branchdesk_api::commands::money::{CollectPayment, GetStudentAccount, ReversalKind, ReverseReceipt};
use branchdesk_api::commands::org::{SaveBranch, SaveRoom};
use branchdesk_api::commands::session::Login;
use branchdesk_api::commands::settings::SaveSetting;
use branchdesk_api::commands::students::{Enrol, SaveStudent};
use branchdesk_api::commands::timetable::{FeeFrequency, GetBatch, SaveBatch, Slot};
use branchdesk_api::ids::{BranchId, SessionId, StudentId};
use branchdesk_api::settings::SettingValue;
use branchdesk_api::sync::SYNCED_ENTITIES;
use branchdesk_desk::failpoint::APPLY_MID_PAGE;
use branchdesk_desk::{Actor, Desk, DeskConfig, ManualClock, SessionToken};
use branchdesk_server::store::postgres::PgStore;
use branchdesk_server::store::sqlite::SqliteStore;
use branchdesk_server::store::Store;
use branchdesk_sync::Client;
use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::RngExt;
use proptest::test_runner::{RngAlgorithm, TestRng};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use support::net::{Faults, Link, Net, Tally};
use support::{EMAIL, PASSWORD};

const DESKS: usize = 4;
const STEPS: usize = 32;

/// The branches desk `d` follows: 0 both, 1 and 2 branch A, 3 branch B.
fn follows(d: usize) -> &'static [usize] {
    match d {
        0 => &[0, 1],
        1 | 2 => &[0],
        _ => &[1],
    }
}

fn base_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()
}

/// What every seed starts from.
struct Template {
    dir: tempfile::TempDir,
    /// The director's session on each desk.
    tokens: Vec<SessionToken>,
    branches: [BranchId; 2],
    /// Three enrolled students per branch.
    students: [Vec<StudentId>; 2],
    /// The first class of each branch's batch (Monday 1 June, 08:00).
    sessions: [SessionId; 2],
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn open_desk(dir: &Path, clock: Arc<ManualClock>) -> Desk {
    Desk::open(DeskConfig { data_dir: dir.to_path_buf(), clock, key_store: branchdesk_desk::KeyStore::File })
        .unwrap()
}

fn desk_dir(root: &Path, d: usize) -> PathBuf {
    root.join(format!("desk{d}"))
}

/// Builds the template: on `store` (fresh), the manager's desk creates the
/// organisation, a second branch, a batch with three enrolled students in
/// each branch; desks 1–3 join with codes for their branch; all sync.
fn build_template<S: Store>(rt: &tokio::runtime::Runtime, store: S, dir: tempfile::TempDir) -> Template {
    let bootstrap = rt.block_on(store.bootstrap_code()).unwrap().unwrap();
    let net = Net::new(branchdesk_server::app(store), TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let clock = Arc::new(ManualClock::new(base_time()));
    let desks: Vec<Desk> = (0..DESKS).map(|d| open_desk(&desk_dir(dir.path(), d), clock.clone())).collect();
    let clients: Vec<Client<Link>> =
        (0..DESKS).map(|d| Client::over(Link { net: net.clone(), desk: d })).collect();
    let url = "https://sim";
    rt.block_on(clients[0].link(&desks[0], url, &bootstrap)).unwrap();
    support::setup_organisation(&desks[0]);
    let login = |desk: &Desk| {
        let (t, me) = desk.login(Login { email: EMAIL.into(), password: PASSWORD.into() }).unwrap();
        (desk.actor(&t).unwrap(), t, me)
    };
    let (a, token0, me) = login(&desks[0]);
    let branch_a = me.branches[0].id;
    let branch_b = desks[0]
        .save_branch(
            &a,
            SaveBranch { id: None, code: "HSR".into(), name: "HSR Layout".into(), ..Default::default() },
        )
        .unwrap()
        .id;
    let branches = [branch_a, branch_b];
    let mut students: [Vec<StudentId>; 2] = [vec![], vec![]];
    let mut sessions = Vec::new();
    let course = desks[0]
        .save_course(&a, SaveCourse { code: "PHY".into(), name: "Physics".into(), ..Default::default() })
        .unwrap()
        .id;
    for (i, branch) in branches.iter().enumerate() {
        let room = desks[0]
            .save_room(&a, SaveRoom { id: None, branch_id: *branch, name: "Room 1".into(), capacity: 30 })
            .unwrap()
            .id;
        let batch = desks[0]
            .save_batch(
                &a,
                SaveBatch {
                    branch_id: *branch,
                    course_id: course,
                    name: "Physics XI".into(),
                    teacher_id: a.user_id,
                    room_id: room,
                    capacity: 30,
                    start_date: "2026-06-01".into(),
                    end_date: "2026-08-31".into(),
                    // One teacher for both: branch B's class an hour later.
                    slots: vec![Slot {
                        weekday: 1,
                        start: if i == 0 { "07:00" } else { "08:00" }.into(),
                        end: if i == 0 { "08:00" } else { "09:00" }.into(),
                    }],
                    fee_minor: 300_000,
                    fee_frequency: FeeFrequency::Monthly,
                    ..Default::default()
                },
            )
            .unwrap()
            .id;
        for k in 0..3 {
            let s = support::adult_student(&desks[0], &a, *branch, &format!("Student {i}-{k}"));
            desks[0].enrol(&a, Enrol { student_id: s, batch_id: batch, ..Default::default() }).unwrap();
            students[i].push(s);
        }
        sessions.push(desks[0].get_batch(&a, GetBatch { id: batch }).unwrap().sessions[0].id);
    }
    rt.block_on(clients[0].sync(&desks[0])).unwrap();
    for d in 1..DESKS {
        let scope = format!("branch:{}", branches[follows(d)[0]]);
        let code = rt
            .block_on(clients[0].issue_code(
                &desks[0],
                desks[0].signed_in_here().first().copied(),
                Some(vec![scope]),
            ))
            .unwrap()
            .code;
        rt.block_on(clients[d].link(&desks[d], url, &code)).unwrap();
    }
    for _ in 0..2 {
        for d in 0..DESKS {
            rt.block_on(clients[d].sync(&desks[d])).unwrap();
        }
    }
    let mut tokens = vec![token0];
    for desk in desks.iter().skip(1) {
        tokens.push(login(desk).1);
    }
    drop(desks);
    drop(clients);
    drop(net);
    Template { dir, tokens, branches, students, sessions: [sessions[0], sessions[1]] }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        if e.file_type().unwrap().is_dir() {
            // Backups and exports are not part of the state under test.
            if name != "backups" && name != "exports" {
                copy_dir(&e.path(), &to.join(&name));
            }
        } else {
            std::fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
}

/// A temp folder in memory when the machine has one: seeds write a lot.
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(d) = tempfile::tempdir_in(shm) {
            return d;
        }
    }
    tempfile::tempdir().unwrap()
}

/// What the seeds did, summed: evidence that the faults and crashes the
/// test claims to cover were actually met.
#[derive(Debug, Default, Clone, Copy)]
struct Coverage {
    net: Tally,
    pushed: u64,
    pulled: u64,
    writes: u64,
    crash_after_commit: u64,
    crash_after_server_commit: u64,
    crash_mid_apply: u64,
    clock_jumps: u64,
    /// New desks that joined after the workload through snapshots.
    joined_late: u64,
}

/// Something the workload wrote and the desk confirmed.
#[derive(Debug, Clone)]
struct Written {
    table: &'static str,
    id: String,
    /// None: the organisation (every desk).
    branch: Option<usize>,
}

struct Replica {
    dir: PathBuf,
    clock: Arc<ManualClock>,
    desk: Option<Desk>,
    actor: Actor,
    token: SessionToken,
}

impl Replica {
    fn desk(&self) -> &Desk {
        self.desk.as_ref().expect("open")
    }

    /// The process dies and starts again on the same files.
    fn crash(&mut self) {
        trace(|| format!("crash and restart {}", self.dir.display()));
        self.desk = None;
        let desk = open_desk(&self.dir, self.clock.clone());
        self.actor = desk.actor(&self.token).expect("the session survives a restart");
        self.desk = Some(desk);
    }
}

struct Sim<'a> {
    t: &'a Template,
    rng: TestRng,
    net: Arc<Net>,
    replicas: Vec<Replica>,
    clients: Vec<Client<Link>>,
    written: Vec<Written>,
    cov: Coverage,
    /// Each branch's students as the workload knows them.
    students: [Vec<StudentId>; 2],
}

fn seed_rng(seed: u64, stream: u8) -> TestRng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8] = stream;
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

impl Sim<'_> {
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())]
    }

    fn chance(&mut self, pct: u32) -> bool {
        self.rng.random_range(0..100u32) < pct
    }

    /// One action of a clerk on desk `d`; a refusal (e.g. voiding what is
    /// already void) is fine, a confirmed write is remembered.
    fn write(&mut self, d: usize) {
        // Every roll first, then the desk: one seed, one sequence.
        let branch = self.pick(follows(d));
        let branch_id = self.t.branches[branch];
        let kind = self.rng.random_range(0..6u32);
        let known = self.students[branch][self.rng.random_range(0..self.students[branch].len())];
        let enrolled = self.t.students[branch][self.rng.random_range(0..3)];
        let rupees = self.rng.random_range(1..40u32) * 100;
        let void = self.chance(50);
        let status = self.pick(&[
            AttendanceStatus::Present,
            AttendanceStatus::Absent,
            AttendanceStatus::Late,
            AttendanceStatus::Excused,
        ]);
        let n = self.cov.writes;
        let r = &self.replicas[d];
        let (desk, actor) = (r.desk(), &r.actor);
        let at = |table: &'static str, id: String| Written { table, id, branch: Some(branch) };
        let done: Option<Written> = match kind {
            0 => desk
                .save_student(
                    actor,
                    SaveStudent {
                        branch_id,
                        full_name: format!("Walk-in {d}-{n}"),
                        date_of_birth: "2001-02-03".into(),
                        ..Default::default()
                    },
                )
                .ok()
                .map(|s| at("students", s.student.id.to_string())),
            1 => {
                // Desks renaming the same student: last writer wins per column.
                let current =
                    desk.get_student(actor, branchdesk_api::commands::students::GetStudent { id: known });
                current.ok().and_then(|c| {
                    let input = SaveStudent {
                        id: Some(known),
                        branch_id,
                        full_name: format!("Renamed {d}-{n}"),
                        date_of_birth: c.student.date_of_birth.clone().unwrap_or_default(),
                        ..Default::default()
                    };
                    desk.save_student(actor, input).ok().map(|_| at("students", known.to_string()))
                })
            }
            2 => {
                let input = CollectPayment {
                    student_id: enrolled,
                    amount: rupees.to_string(),
                    confirm_advance: true,
                    ..Default::default()
                };
                desk.collect_payment(actor, input).ok().map(|r| at("receipts", r.id.to_string()))
            }
            3 => {
                let held = desk.get_student_account(actor, GetStudentAccount { student_id: enrolled }).ok();
                let receipt = held.and_then(|a| a.receipts.first().map(|r| r.id));
                receipt.and_then(|id| {
                    let input = ReverseReceipt {
                        receipt_id: id,
                        kind: if void { ReversalKind::Void } else { ReversalKind::Refund },
                        amount: "100".into(),
                        reason: format!("Simulated correction {n}"),
                    };
                    desk.reverse_receipt(actor, input).ok().map(|_| at("receipts", id.to_string()))
                })
            }
            4 => {
                let input = SaveMarks {
                    session_id: self.t.sessions[branch],
                    marks: vec![Mark { student_id: enrolled, status, note: format!("mark {d}-{n}") }],
                    ..Default::default()
                };
                desk.save_marks(actor, input).ok().map(|_| {
                    let id =
                        branchdesk_desk::attendance::store::attendance_id(enrolled, self.t.sessions[branch]);
                    at("attendance", id.to_string())
                })
            }
            _ => desk
                .save_setting(
                    actor,
                    SaveSetting {
                        key: branchdesk_api::settings::RECEIPT_FOOTER.into(),
                        branch_id: None,
                        value: SettingValue::Text(format!("Thank you ({d}-{n})")),
                    },
                )
                .ok()
                .map(|_| Written {
                    table: "settings",
                    id: branchdesk_desk::settings::setting_id(branchdesk_api::settings::RECEIPT_FOOTER, None)
                        .to_string(),
                    branch: None,
                }),
        };
        trace(|| format!("desk {d} write kind {kind}: {done:?}"));
        if let Some(w) = done {
            if kind == 0 {
                self.students[branch].push(StudentId(w.id.parse().expect("a uuid")));
            }
            self.cov.writes += 1;
            self.written.push(w);
            if self.chance(6) {
                self.cov.crash_after_commit += 1;
                self.replicas[d].crash();
            }
        }
    }

    fn sync(&mut self, d: usize, rt: &tokio::runtime::Runtime) {
        let armed = self.chance(12);
        if armed {
            self.replicas[d].desk().failpoints.arm(APPLY_MID_PAGE);
        }
        let result = rt.block_on(self.clients[d].sync(self.replicas[d].desk()));
        trace(|| format!("desk {d} sync (failpoint armed: {armed}): {result:?}"));
        if let Ok(round) = &result {
            self.cov.pushed += round.pushed as u64;
            self.cov.pulled += round.pulled as u64;
        }
        if armed && !self.replicas[d].desk().failpoints.fire(APPLY_MID_PAGE) {
            // It fired: the desk died half-way through a page.
            self.cov.crash_mid_apply += 1;
            self.replicas[d].crash();
        } else if self.net.take_lost_ack(d) && self.chance(50) {
            self.cov.crash_after_server_commit += 1;
            self.replicas[d].crash();
        }
    }

    fn step(&mut self, rt: &tokio::runtime::Runtime) {
        let d = self.rng.random_range(0..DESKS);
        match self.rng.random_range(0..100u32) {
            0..45 => self.write(d),
            45..80 => self.sync(d, rt),
            80..92 => {
                // Clocks drift and jump, backwards too.
                let ms = self.rng.random_range(-3_000..20_000i64);
                self.replicas[d].clock.advance(Duration::milliseconds(ms));
                trace(|| format!("desk {d} clock {ms:+} ms"));
                self.cov.clock_jumps += 1;
            }
            _ => {
                let cut = self.chance(60);
                self.net.cut(d, cut);
                trace(|| format!("desk {d} cut off: {cut}"));
            }
        }
    }

    /// Heals the network and syncs every desk until a whole pass moves nothing.
    fn quiesce(&mut self, rt: &tokio::runtime::Runtime) -> Result<(), String> {
        self.net.set_faults(Faults::default());
        self.net.heal();
        rt.block_on(self.net.flush());
        for _ in 0..8 {
            let mut moved = 0;
            for d in 0..DESKS {
                let round = rt
                    .block_on(self.clients[d].sync(self.replicas[d].desk()))
                    .map_err(|e| format!("desk {d} cannot sync after healing: {e}"))?;
                moved += round.pushed + round.pulled;
            }
            if moved == 0 {
                return Ok(());
            }
        }
        Err("still exchanging changes after 8 passes".into())
    }
}

type Rows = BTreeMap<(String, String), Value>;

/// Every synced table's rows on a desk, keyed by (table, primary key).
fn dump(dir: &Path) -> Rows {
    let conn = branchdesk_desk::db::open_connection(dir, branchdesk_desk::KeyStore::File).unwrap();
    let mut out = Rows::new();
    for table in SYNCED_ENTITIES {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        let rows = stmt
            .query_map([], |r| {
                let mut m = serde_json::Map::new();
                for (i, n) in names.iter().enumerate() {
                    let v = match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => Value::Null,
                        rusqlite::types::ValueRef::Integer(x) => x.into(),
                        rusqlite::types::ValueRef::Real(x) => x.into(),
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                        rusqlite::types::ValueRef::Blob(b) => format!("{b:?}").into(),
                    };
                    m.insert(n.clone(), v);
                }
                Ok(m)
            })
            .unwrap();
        for row in rows {
            let row = row.unwrap();
            let key = row
                .get("id")
                .map(|v| v.to_string())
                .unwrap_or_else(|| Value::Object(row.clone()).to_string());
            out.insert((table.to_string(), key), Value::Object(row));
        }
    }
    out
}

fn one(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The invariants of sync-design.md, after quiescence.
fn check(sim: &Sim<'_>) -> Result<(), String> {
    let t = sim.t;
    let dumps: Vec<Rows> = sim.replicas.iter().map(|r| dump(&r.dir)).collect();
    for (d, r) in sim.replicas.iter().enumerate() {
        let state = r.desk().sync_state().map_err(|e| e.to_string())?;
        if state.pending_changes != 0 {
            return Err(format!("desk {d} still has {} changes to send", state.pending_changes));
        }
        if state.refused_changes != 0 {
            return Err(format!("desk {d} had {} changes refused (all authors may)", state.refused_changes));
        }
        let conn = branchdesk_desk::db::open_connection(&r.dir, branchdesk_desk::KeyStore::File).unwrap();
        let orphans = one(&conn, "SELECT count(*) FROM pragma_foreign_key_check");
        if orphans != 0 {
            return Err(format!("desk {d} has {orphans} rows whose parent is missing"));
        }
        let doubled = one(
            &conn,
            "SELECT count(*) FROM (SELECT 1 FROM attendance GROUP BY student_id, session_id HAVING count(*) > 1)",
        );
        if doubled != 0 {
            return Err(format!("desk {d} holds two attendance records for one student and class"));
        }
        let twice_reversed = one(
            &conn,
            "SELECT count(*) FROM (SELECT 1 FROM receipt_reversals WHERE kind <> 'REFUND'
                                   GROUP BY receipt_id HAVING count(*) > 1)",
        );
        if twice_reversed != 0 {
            return Err(format!("desk {d} reversed a receipt whole twice"));
        }
    }
    // Nothing a desk confirmed is lost: it is on every desk that follows its branch.
    for w in &sim.written {
        for (d, rows) in dumps.iter().enumerate() {
            let follows_it = w.branch.is_none_or(|b| follows(d).contains(&b));
            let key = (w.table.to_string(), Value::String(w.id.clone()).to_string());
            if follows_it && !rows.contains_key(&key) {
                return Err(format!("{} {} written on a desk is missing on desk {d}", w.table, w.id));
            }
        }
    }
    // Same subscriptions, same rows; the manager's desk holds each branch
    // desk's rows exactly, and they hold the manager's rows of their branch.
    if dumps[1] != dumps[2] {
        let diff = dumps[1].iter().find(|(k, v)| dumps[2].get(k) != Some(v)).map(|(k, _)| k.clone());
        let extra = dumps[2].keys().find(|k| !dumps[1].contains_key(k)).cloned();
        return Err(format!("the two desks of branch A differ: {diff:?} {extra:?}"));
    }
    for d in 1..DESKS {
        for (k, v) in &dumps[d] {
            if dumps[0].get(k) != Some(v) {
                return Err(format!(
                    "desk {d} and the manager's desk differ on {k:?}:\n{v}\n{:?}",
                    dumps[0].get(k)
                ));
            }
        }
        let mine: BTreeSet<String> = follows(d).iter().map(|b| t.branches[*b].to_string()).collect();
        for (k, v) in &dumps[0] {
            let in_branch = v.get("branch_id").and_then(Value::as_str).is_some_and(|b| mine.contains(b));
            if in_branch && !dumps[d].contains_key(k) {
                return Err(format!("desk {d} lacks {k:?} of its branch"));
            }
        }
    }
    // Receipt numbers never repeat, however the desks were offline.
    let numbers: Vec<&str> = dumps[0]
        .iter()
        .filter(|((t, _), _)| t == "receipts")
        .filter_map(|(_, v)| v.get("number").and_then(Value::as_str))
        .collect();
    let distinct: BTreeSet<&&str> = numbers.iter().collect();
    if distinct.len() != numbers.len() {
        return Err("a receipt number repeats".into());
    }
    Ok(())
}

/// The server logged each op once, whatever was retried or duplicated.
fn check_server_log(server_db: &Path) -> Result<(), String> {
    let conn = rusqlite::Connection::open(server_db).unwrap();
    let (all, distinct) = conn
        .query_row(
            "SELECT count(*), count(DISTINCT json_extract(op, '$.op_id') || scope) FROM change_log",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )
        .unwrap();
    if all != distinct {
        return Err(format!("the server logged {} ops twice", all - distinct));
    }
    Ok(())
}

/// Runs one seed on `store` (a copy of the template's server state) with
/// the template's desks copied into `root`.
fn run_seed<S: Store>(
    t: &Template,
    seed: u64,
    rt: &tokio::runtime::Runtime,
    store: S,
    root: &Path,
) -> Result<Coverage, String> {
    let mut rng = seed_rng(seed, 0);
    let net = Net::new(branchdesk_server::app(store), seed_rng(seed, 1));
    let faults = Faults {
        drop: rng.random_range(0..20),
        lose_ack: rng.random_range(0..20),
        duplicate: rng.random_range(0..15),
        delay: rng.random_range(0..15),
    };
    net.set_faults(faults);
    let mut replicas = Vec::new();
    for d in 0..DESKS {
        let dir = desk_dir(root, d);
        copy_dir(&desk_dir(t.dir.path(), d), &dir);
        let skew = Duration::milliseconds(rng.random_range(-90_000..90_000i64));
        let clock = Arc::new(ManualClock::new(base_time() + Duration::minutes(1) + skew));
        let desk = open_desk(&dir, clock.clone());
        let actor = desk.actor(&t.tokens[d]).map_err(|e| format!("desk {d}: {e}"))?;
        replicas.push(Replica { dir, clock, desk: Some(desk), actor, token: t.tokens[d].clone() });
    }
    let clients = (0..DESKS).map(|d| Client::over(Link { net: net.clone(), desk: d })).collect();
    let mut sim = Sim {
        t,
        rng,
        net: net.clone(),
        replicas,
        clients,
        written: Vec::new(),
        cov: Coverage::default(),
        students: t.students.clone(),
    };
    for _ in 0..STEPS {
        sim.step(rt);
    }
    sim.quiesce(rt)?;
    check(&sim)?;
    // A quarter of the seeds, among both the even and the odd ones.
    if seed % 8 < 2 {
        join_late(&sim, rt, root)?;
        sim.cov.joined_late += 1;
    }
    let mut cov = sim.cov;
    cov.net = net.tally();
    Ok(cov)
}

/// A new desk of branch A joins after the storm: its first sync is a
/// snapshot of the organisation and of the branch (the server's rows merged
/// by clock), then pages from their cursors. It must hold exactly what the
/// branch's desks that lived through every fault hold.
fn join_late(sim: &Sim<'_>, rt: &tokio::runtime::Runtime, root: &Path) -> Result<(), String> {
    let dir = root.join("late");
    let desk = open_desk(&dir, Arc::new(ManualClock::new(base_time() + Duration::minutes(30))));
    let client = Client::over(Link { net: sim.net.clone(), desk: DESKS });
    let scope = format!("branch:{}", sim.t.branches[0]);
    let code = rt
        .block_on(sim.clients[0].issue_code(
            sim.replicas[0].desk(),
            sim.replicas[0].desk().signed_in_here().first().copied(),
            Some(vec![scope]),
        ))
        .map_err(|e| e.to_string())?
        .code;
    rt.block_on(client.link(&desk, "https://sim", &code)).map_err(|e| e.to_string())?;
    let round = rt.block_on(client.sync(&desk)).map_err(|e| format!("the late desk cannot sync: {e}"))?;
    trace(|| format!("late desk joined: {round:?}"));
    drop(desk);
    let (late, a) = (dump(&dir), dump(&sim.replicas[1].dir));
    if late != a {
        let diff = a
            .iter()
            .find(|(k, v)| late.get(k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone(), late.get(k).cloned()));
        let extra = late.keys().find(|k| !a.contains_key(k)).cloned();
        return Err(format!(
            "a desk joining through snapshots differs from branch A's: {diff:?} extra {extra:?}"
        ));
    }
    Ok(())
}

/// With `SIM_TRACE` set, what each step did (to read a failing seed).
fn trace(what: impl FnOnce() -> String) {
    if std::env::var_os("SIM_TRACE").is_some() {
        eprintln!("{}", what());
    }
}

fn env_count(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The seeds to run: `SIM_SEED` alone, else `range` scaled to `SIM_SEEDS`.
fn seeds(part: u64, parts: u64, total: u64) -> Vec<u64> {
    if let Some(one) = std::env::var("SIM_SEED").ok().and_then(|v| v.parse().ok()) {
        return if part == 0 { vec![one] } else { vec![] };
    }
    (0..total).filter(|s| s % parts == part).collect()
}

fn sqlite_template() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    T.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("server.sqlite")).unwrap();
        build_template(&rt(), store, dir)
    })
}

fn assert_covered(cov: &Coverage, seeds: usize) {
    if seeds < 100 {
        return; // a replay or a small run proves nothing about coverage
    }
    let n = cov.net;
    for (what, hits) in [
        ("ops pushed", cov.pushed),
        ("changes pulled", cov.pulled),
        ("requests dropped", n.dropped),
        ("acks lost after the server committed", n.acks_lost),
        ("requests duplicated", n.duplicated),
        ("requests delayed", n.delayed),
        ("requests arriving after newer ones", n.reordered),
        ("requests refused by a partition", n.partitioned),
        ("crashes right after a local commit", cov.crash_after_commit),
        ("crashes after the server committed, before the ack", cov.crash_after_server_commit),
        ("crashes in the middle of applying a page", cov.crash_mid_apply),
        ("clock jumps", cov.clock_jumps),
        ("a new desk joining through snapshots", cov.joined_late),
    ] {
        assert!(hits > 0, "over {seeds} seeds, never: {what} ({cov:?})");
    }
}

fn simulate_sqlite(part: u64, parts: u64) {
    let t = sqlite_template();
    let rt = rt();
    let list = seeds(part, parts, env_count("SIM_SEEDS", 1_000));
    let mut total = Coverage::default();
    for &seed in &list {
        let root = scratch();
        copy_dir(t.dir.path(), root.path());
        let server_db = root.path().join("server.sqlite");
        let store = SqliteStore::open(&server_db).unwrap();
        let cov = run_seed(t, seed, &rt, store, root.path())
            .and_then(|c| check_server_log(&server_db).map(|()| c))
            .unwrap_or_else(|e| {
                let kept = root.keep();
                panic!("seed {seed} (replay: SIM_SEED={seed}; files kept in {}): {e}", kept.display())
            });
        add(&mut total, cov);
    }
    eprintln!("{} seeds on SQLite: {total:?}", list.len());
    assert_covered(&total, list.len());
}

fn add(total: &mut Coverage, c: Coverage) {
    total.net += c.net;
    total.pushed += c.pushed;
    total.pulled += c.pulled;
    total.writes += c.writes;
    total.crash_after_commit += c.crash_after_commit;
    total.crash_after_server_commit += c.crash_after_server_commit;
    total.crash_mid_apply += c.crash_mid_apply;
    total.clock_jumps += c.clock_jumps;
    total.joined_late += c.joined_late;
}

#[test]
fn simulated_desks_converge_on_the_sqlite_store_even_seeds() {
    simulate_sqlite(0, 2);
}

#[test]
fn simulated_desks_converge_on_the_sqlite_store_odd_seeds() {
    simulate_sqlite(1, 2);
}

#[test]
fn simulated_desks_converge_on_postgresql() {
    let cluster = pg::Cluster::start();
    let rt = rt();
    let template_url = rt.block_on(cluster.database("sim_template"));
    let store = rt.block_on(PgStore::connect(&template_url, 2)).unwrap();
    let t = build_template(&rt, store, tempfile::tempdir().unwrap());
    let list = seeds(0, 1, env_count("SIM_PG_SEEDS", 50));
    let mut total = Coverage::default();
    for &seed in &list {
        let url = rt.block_on(clone_database(&cluster, "sim_template", &format!("sim_{seed}")));
        let store = rt.block_on(PgStore::connect(&url, 2)).unwrap();
        let root = scratch();
        let cov = run_seed(&t, seed, &rt, store, root.path())
            .unwrap_or_else(|e| panic!("seed {seed} on PostgreSQL (replay: SIM_SEED={seed}): {e}"));
        add(&mut total, cov);
    }
    eprintln!("{} seeds on PostgreSQL: {total:?}", list.len());
    assert!(list.is_empty() || total.pushed > 0, "no op was exchanged");
}

/// A copy of the template database (PostgreSQL copies it on disk; the
/// template's connections must be gone first, which can take a moment).
async fn clone_database(cluster: &pg::Cluster, template: &str, name: &str) -> String {
    let (client, conn) =
        tokio_postgres::connect(&cluster.url("postgres"), tokio_postgres::NoTls).await.unwrap();
    let driver = tokio::spawn(conn);
    let sql = format!("CREATE DATABASE {name} TEMPLATE {template}");
    let mut tries = 0;
    loop {
        match client.batch_execute(&sql).await {
            Ok(()) => break,
            Err(e) if tries < 50 => {
                tries += 1;
                let _ = e;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("{sql}: {e}"),
        }
    }
    drop(client);
    let _ = driver.await;
    cluster.url(name)
}
