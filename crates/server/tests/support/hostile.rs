//! What the security suite attacks with: the real server binary started on
//! a free port (embedded SQLite, or PostgreSQL by URL), an HTTPS client
//! that trusts it by the pin it printed (the desk's own transport), desks
//! that speak the wire format directly, and a view of the organisation as
//! an honest desk pulls it.

#![allow(dead_code)]

use branchdesk_api::canonical::signing::{public_hex, sign, SigningKey};
use branchdesk_api::sync::{DeviceAction, Op, PushResponse, DESK_SCHEMA_VERSION, ORG_SCOPE};
use branchdesk_server::store::Kept;
use branchdesk_sync::{Https, Request, Transport};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};

/// A server process, killed on drop.
pub struct Server {
    child: Child,
    pub port: u16,
    pub url: String,
    /// The pin it printed for its self-made certificate (None: plain HTTP
    /// behind a proxy).
    pub pin: Option<String>,
    /// The bootstrap code it printed (secret part).
    pub bootstrap: String,
    _stdout: std::io::BufReader<std::process::ChildStdout>,
    pub dir: tempfile::TempDir,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Server {
    /// A fresh server on 127.0.0.1 with its data in a new folder, and
    /// `extra` arguments (e.g. `--database-url`).
    pub fn start(extra: &[&str]) -> Server {
        Self::start_on("127.0.0.1", extra)
    }

    /// A fresh server listening on `host` (a free port), reached through
    /// 127.0.0.1.
    pub fn start_on(host: &str, extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let stderr = std::fs::File::create(dir.path().join("stderr.log")).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_branchdesk-server"))
            .args(["--listen", &format!("{host}:{port}"), "--data-dir"])
            .arg(dir.path().join("data"))
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("the server starts");
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let (mut pin, mut bootstrap) = (None, None);
        let mut line = String::new();
        while bootstrap.is_none() {
            line.clear();
            if out.read_line(&mut line).unwrap_or(0) == 0 {
                let _ = child.kill();
                let log = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap_or_default();
                panic!("the server stopped before printing its bootstrap code: {log}");
            }
            let last = line.trim().rsplit(' ').next().unwrap_or("").to_owned();
            if line.starts_with("Certificate pin (self-made") {
                pin = Some(last);
            } else if line.starts_with("Bootstrap code") {
                let code = branchdesk_api::pin::JoinCode::parse(&last).expect("a code");
                assert_eq!(code.pin, pin, "the code carries the printed pin");
                bootstrap = Some(code.secret);
            }
        }
        let scheme = if pin.is_some() { "https" } else { "http" };
        let server = Server {
            child,
            port,
            url: format!("{scheme}://127.0.0.1:{port}"),
            pin,
            bootstrap: bootstrap.unwrap(),
            _stdout: out,
            dir,
        };
        wait_listening(port);
        server
    }

    pub fn wire(&self) -> Wire {
        Wire { https: Https::new(), base: self.url.clone(), pin: self.pin.clone() }
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn wait_listening(port: u16) {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("nothing listens on {port}");
}

/// What the server answered: its status and body (JSON, or Null).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body.get("code").and_then(Value::as_str).unwrap_or("")
    }
}

/// The desk's HTTPS transport, aimed at one server.
pub struct Wire {
    pub https: Https,
    pub base: String,
    pub pin: Option<String>,
}

impl Wire {
    pub async fn raw(&self, path: &str, token: Option<&str>, body: Vec<u8>) -> Result<Answer, String> {
        let req = Request {
            url: format!("{}{path}", self.base),
            token: token.map(str::to_owned),
            pin: self.pin.clone(),
            body,
        };
        let (status, body) = self.https.post(req).await?;
        Ok(Answer { status, body: serde_json::from_slice(&body).unwrap_or(Value::Null) })
    }

    /// Posts `body` as JSON; a failure to get any answer fails the test.
    pub async fn post<T: Serialize>(&self, path: &str, token: Option<&str>, body: &T) -> Answer {
        self.raw(path, token, serde_json::to_vec(body).unwrap())
            .await
            .unwrap_or_else(|e| panic!("{path}: no answer: {e}"))
    }

    /// An enrolment, or why no answer came (a refused certificate).
    pub async fn enrol_raw(&self, device_id: &str, code: &str) -> Result<Answer, String> {
        let body = json!({ "device_id": device_id, "code": code });
        self.raw("/v1/devices/enrol", None, serde_json::to_vec(&body).unwrap()).await
    }

    pub async fn enrol(&self, device_id: &str, code: &str, token: Option<&str>) -> Answer {
        self.post("/v1/devices/enrol", token, &json!({ "device_id": device_id, "code": code })).await
    }
}

/// A desk speaking the wire format itself: its id, token and next seq.
pub struct Desk {
    pub id: String,
    pub token: String,
    /// The last seq the server acknowledged.
    pub acked: u64,
    /// The next seq to hand out.
    pub next: u64,
    /// The last clock stamp's milliseconds and counter.
    clock: (u64, u64),
}

pub fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap()
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Desk {
    /// Enrols a new desk with `code`.
    pub async fn enrol(wire: &Wire, code: &str) -> Desk {
        let id = new_id();
        let a = wire.enrol(&id, code, None).await;
        assert_eq!(a.status, 200, "enrolment: {a:?}");
        let token = a.body["token"].as_str().unwrap().to_owned();
        Desk { id, token, acked: 0, next: 1, clock: (0, 0) }
    }

    /// A code for another desk, issued by this one as asked by `by`.
    pub async fn issue_code(&self, wire: &Wire, by: &Person) -> String {
        let body = json!({ "authority": self.authority(by, DeviceAction::IssueCode { scopes: None }, 0) });
        let a = wire.post("/v1/devices/codes", Some(&self.token), &body).await;
        assert_eq!(a.status, 200, "code: {a:?}");
        a.body["code"].as_str().unwrap().to_owned()
    }

    /// `by`'s signature on a desk-management request from this desk,
    /// dated `minutes` from now.
    pub fn authority(&self, by: &Person, action: DeviceAction<'_>, minutes: i64) -> Value {
        let at = (chrono::Utc::now() + chrono::Duration::minutes(minutes)).to_rfc3339();
        let signature =
            branchdesk_api::canonical::signing::sign_request(&by.key, &self.id, action, &by.id, &at);
        json!({ "user_id": by.id, "at": at, "signature": signature })
    }

    /// The next clock stamp of this desk (now, or after its last one).
    pub fn stamp(&mut self) -> String {
        let ms = now_ms();
        self.clock = if ms > self.clock.0 { (ms, 0) } else { (self.clock.0, self.clock.1 + 1) };
        stamp_at(self.clock.0, self.clock.1, &self.id)
    }

    /// An op under this desk's next seq, not yet signed.
    pub fn op(&mut self, author: Option<&str>, entity: &str, id: &str, kind: &str, cols: Value) -> Op {
        let scope = match branchdesk_api::tables::Entity::parse(entity).map(|e| e.table().scope) {
            Some(branchdesk_api::tables::ScopeKind::Organisation) | None => ORG_SCOPE.to_owned(),
            _ => match cols.get("branch_id").and_then(Value::as_str) {
                Some(b) => format!("branch:{b}"),
                None => ORG_SCOPE.to_owned(),
            },
        };
        let seq = self.next;
        self.next += 1;
        Op {
            seq,
            op_id: new_id(),
            author_user_id: author.map(str::to_owned),
            scope,
            entity: entity.into(),
            entity_id: id.into(),
            kind: kind.into(),
            columns: cols.as_object().cloned().unwrap_or_default(),
            hlc: self.stamp(),
            schema_version: DESK_SCHEMA_VERSION,
            signature: None,
        }
    }

    /// Pushes `ops`; the next seq follows what the server acknowledged.
    pub async fn push(&mut self, wire: &Wire, ops: Vec<Op>) -> Answer {
        self.push_as(wire, &self.id.clone(), ops).await
    }

    /// Pushes `ops` naming `device_id` in the body (normally this desk's).
    pub async fn push_as(&mut self, wire: &Wire, device_id: &str, ops: Vec<Op>) -> Answer {
        let a = wire
            .post("/v1/sync/push", Some(&self.token), &json!({ "device_id": device_id, "ops": ops }))
            .await;
        if a.status == 200 {
            self.acked = a.body["acked_through"].as_u64().unwrap();
        }
        self.next = self.acked + 1;
        a
    }

    /// Pushes `ops` and expects every one of them taken.
    pub async fn push_ok(&mut self, wire: &Wire, ops: Vec<Op>) -> PushResponse {
        let n = ops.len();
        let last = ops.last().map(|o| o.seq);
        let a = self.push(wire, ops).await;
        assert_eq!(a.status, 200, "push: {a:?}");
        let res: PushResponse = serde_json::from_value(a.body).unwrap();
        assert!(res.rejected.is_empty(), "{n} ops, refused: {:?}", res.rejected);
        assert_eq!(Some(res.acked_through), last);
        res
    }
}

/// A clock stamp: 12 hex digits of ms, 4 of counter, '-', the device.
pub fn stamp_at(ms: u64, counter: u64, device: &str) -> String {
    format!("{ms:012x}{counter:04x}-{device}")
}

/// Signs `op` as pushed by `device` with `key`.
pub fn signed(mut op: Op, key: &SigningKey, device: &str) -> Op {
    op.signature = None;
    op.signature = Some(sign(key, device, &op));
    op
}

/// A person of the test organisation: their id and current key.
#[derive(Clone)]
pub struct Person {
    pub id: String,
    pub key: SigningKey,
}

impl Person {
    pub fn new(seed: u8) -> Person {
        Person { id: new_id(), key: SigningKey::from_bytes(&[seed; 32]) }
    }

    pub fn public(&self) -> String {
        public_hex(&self.key)
    }
}

/// Every row and the head of every scope, as a desk pulling from the
/// start sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct World {
    pub heads: BTreeMap<String, u64>,
    pub rows: BTreeMap<(String, String), Kept>,
    pub changes: usize,
}

impl World {
    pub fn row(&self, entity: &str, id: &str) -> Option<&Map<String, Value>> {
        self.rows.get(&(entity.to_owned(), id.to_owned())).map(|k| &k.data)
    }

    pub fn head(&self, scope: &str) -> u64 {
        self.heads.get(scope).copied().unwrap_or(0)
    }
}

/// Pulls `scopes` from the start as `desk` and folds the rows.
pub async fn world(wire: &Wire, desk: &Desk, scopes: &[String]) -> World {
    let mut cursors: BTreeMap<String, u64> = scopes.iter().map(|s| (s.clone(), 0)).collect();
    let mut rows: BTreeMap<(String, String), Kept> = BTreeMap::new();
    let mut changes = 0;
    let heads = loop {
        let a = wire
            .post("/v1/sync/pull", Some(&desk.token), &json!({ "cursors": cursors, "limit": 10_000 }))
            .await;
        assert_eq!(a.status, 200, "pull: {a:?}");
        let page: branchdesk_api::sync::PullResponse = serde_json::from_value(a.body).unwrap();
        for c in &page.changes {
            rows.entry((c.op.entity.clone(), c.op.entity_id.clone())).or_default().merge(
                &c.op.entity_id,
                &c.op.columns,
                &c.op.hlc,
            );
        }
        changes += page.changes.len();
        cursors.extend(page.cursors);
        if !page.more {
            break page.heads;
        }
    };
    World { heads, rows, changes }
}

/// The organisation a hostile desk set up while the server was empty.
pub struct Org {
    pub org: String,
    pub branch: String,
    pub director_role: String,
    pub clerk_role: String,
    pub director: Person,
    pub clerk: Person,
    pub director_grant: String,
    pub clerk_grant: String,
}

pub const NOW: &str = "2026-06-01T09:00:00Z";

impl Org {
    pub fn new() -> Org {
        Org {
            org: new_id(),
            branch: new_id(),
            director_role: new_id(),
            clerk_role: new_id(),
            director: Person::new(1),
            clerk: Person::new(2),
            director_grant: new_id(),
            clerk_grant: new_id(),
        }
    }

    pub fn branch_scope(&self) -> String {
        format!("branch:{}", self.branch)
    }

    pub fn scopes(&self) -> Vec<String> {
        vec![ORG_SCOPE.to_owned(), self.branch_scope()]
    }

    /// The rows the first-run screen writes (`desk/src/setup.rs`): the
    /// organisation, its branch, a DIRECTOR role with every permission and
    /// a CLERK role of the front desk's, the director and a clerk with
    /// their public keys, and their grants (director everywhere, clerk in
    /// the branch). All authored by the director and signed by them.
    pub fn setup_ops(&self, desk: &mut Desk) -> Vec<Op> {
        use branchdesk_api::Permission as P;
        let all: Vec<&str> = P::ALL.iter().map(|p| p.as_str()).collect();
        let clerk_perms: Vec<&str> = [
            P::ViewStudent,
            P::ManageStudent,
            P::ManageLead,
            P::ManageEnrolment,
            P::ViewBatch,
            P::CollectPayment,
            P::ViewPayment,
            P::ViewRoom,
            P::ViewAttendance,
            P::ReviewNotification,
        ]
        .iter()
        .map(|p| p.as_str())
        .collect();
        let d = Some(self.director.id.as_str());
        let user = |p: &Person, name: &str, email: &str| user_row(self, &p.id, name, email, &p.public());
        let role = |id: &str, name: &str, perms: &[&str]| {
            json!({
                "id": id, "org_id": self.org, "name": name, "description": "",
                "is_system": name == "DIRECTOR", "permissions": perms,
                "created_at": NOW, "updated_at": NOW, "deleted_at": null,
            })
        };
        let grant = |id: &str, user: &str, role: &str, branch: Option<&str>, by: Option<&str>| {
            json!({
                "id": id, "user_id": user, "role_id": role, "branch_id": branch, "expires_on": null,
                "granted_by": by, "created_at": NOW, "revoked_at": null,
            })
        };
        let rows = vec![
            (
                "organisations",
                self.org.clone(),
                json!({
                    "id": self.org, "name": "Kiran Coaching", "currency": "INR", "fy_start_month": 4,
                    "created_at": NOW, "updated_at": NOW,
                }),
            ),
            (
                "branches",
                self.branch.clone(),
                json!({
                    "id": self.branch, "org_id": self.org, "code": "K2", "name": "Koramangala",
                    "address": "", "phone": "", "active": true, "created_at": NOW, "updated_at": NOW,
                }),
            ),
            ("roles", self.director_role.clone(), role(&self.director_role, "DIRECTOR", &all)),
            ("roles", self.clerk_role.clone(), role(&self.clerk_role, "CLERK", &clerk_perms)),
            ("users", self.director.id.clone(), user(&self.director, "Meera Iyer", "meera@example.com")),
            ("users", self.clerk.id.clone(), user(&self.clerk, "Ravi Kumar", "ravi@example.com")),
            (
                "role_grants",
                self.director_grant.clone(),
                grant(&self.director_grant, &self.director.id, &self.director_role, None, None),
            ),
            (
                "role_grants",
                self.clerk_grant.clone(),
                grant(&self.clerk_grant, &self.clerk.id, &self.clerk_role, Some(&self.branch), d),
            ),
        ];
        rows.into_iter()
            .map(|(entity, id, cols)| {
                let op = desk.op(d, entity, &id, "insert", cols);
                signed(op, &self.director.key, &desk.id)
            })
            .collect()
    }

    pub fn room(&self, name: &str, capacity: i64) -> Value {
        json!({
            "branch_id": self.branch, "name": name, "capacity": capacity,
            "active": true, "created_at": NOW, "updated_at": NOW,
        })
    }

    pub fn student(&self, code: &str, name: &str) -> Value {
        json!({
            "branch_id": self.branch, "code": code, "full_name": name, "created_at": NOW, "updated_at": NOW,
        })
    }

    pub fn receipt(&self, student: &str, collector: &str, amount: i64, serial: i64) -> Value {
        json!({
            "branch_id": self.branch, "student_id": student, "number": format!("K2/1/26{serial:04}"),
            "desk_no": 1, "fiscal_year": "2026-27", "serial": serial, "amount_minor": amount,
            "tax_minor": 0, "tax_rate_bp": 0, "method": "CASH", "reference": "",
            "cheque_date": null, "collected_by": collector, "collected_at": NOW,
            "created_at": NOW, "updated_at": NOW,
        })
    }

    /// June's salary line of `user`, unpaid.
    pub fn salary_line(&self, user: &str, total: i64) -> Value {
        json!({
            "branch_id": self.branch, "month": "2026-06", "user_id": user, "fixed_minor": total,
            "batch_fixed_minor": 0, "sessions_taught": 0, "session_minor": 0, "students": 0,
            "commission_minor": 0, "adjustments_minor": 0, "adjustment_note": "", "total_minor": total,
            "paid_at": null, "paid_method": null, "paid_reference": "", "paid_by": null,
            "created_at": NOW, "updated_at": NOW,
        })
    }

    pub fn salary_payment(&self, line: &str, user: &str, payer: &str, amount: i64) -> Value {
        json!({
            "branch_id": self.branch, "salary_line_id": line, "user_id": user, "number": "K2/1/S260001",
            "desk_no": 1, "fiscal_year": "2026-27", "serial": 1, "amount_minor": amount, "method": "BANK_TRANSFER",
            "reference": "", "paid_by": payer, "paid_at": NOW, "created_at": NOW, "updated_at": NOW,
        })
    }
}

impl Default for Org {
    fn default() -> Self {
        Self::new()
    }
}

/// A `users` row of the organisation with `public_key`.
pub fn user_row(org: &Org, id: &str, name: &str, email: &str, public_key: &str) -> Value {
    json!({
        "id": id, "org_id": org.org, "full_name": name, "email": email, "phone": null,
        "password_hash": format!("$bd1$argon2id$v=19$m=19456,t=2,p=1${public_key}"),
        "active": true, "must_change_password": false, "created_at": NOW, "updated_at": NOW,
        "public_key": public_key, "sealed_key": "ab".repeat(60),
    })
}

/// Columns with `id` set to the row's id (the write path sends it on inserts).
pub fn with_id(mut cols: Value, id: &str) -> Value {
    cols["id"] = json!(id);
    cols
}
