//! Harness for the UI tests: the real Branchdesk binary in a real WebKit
//! window, driven over WebDriver (tauri-driver + WebKitWebDriver under Xvfb,
//! started by `scripts/test.sh`).
//!
//! The tests run when `BRANCHDESK_UI_TESTS=1`; otherwise each says it was
//! skipped and why. `BRANCHDESK_APP` names the app binary to launch. The
//! driver holds one window at a time: run them with `--test-threads=1`.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use fantoccini;

pub mod sync_bench;

/// WebDriver's code point for the Enter key.
pub const ENTER: &str = "\u{E007}";
/// Where tauri-driver listens unless `BRANCHDESK_DRIVER_URL` says otherwise
/// (two checkouts testing at once each start their own driver).
pub const DRIVER_URL: &str = "http://127.0.0.1:4444";

pub fn driver_url() -> String {
    std::env::var("BRANCHDESK_DRIVER_URL").unwrap_or_else(|_| DRIVER_URL.to_owned())
}

/// True when the UI tests should run; prints why not otherwise.
pub fn ui_tests_enabled(test: &str) -> bool {
    if std::env::var("BRANCHDESK_UI_TESTS").as_deref() == Ok("1") {
        return true;
    }
    println!("SKIPPED {test}: UI tests need Xvfb and tauri-driver; run scripts/test.sh (it sets BRANCHDESK_UI_TESTS=1)");
    false
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

pub fn app_binary() -> PathBuf {
    match std::env::var_os("BRANCHDESK_APP") {
        Some(p) => PathBuf::from(p),
        None => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| workspace_root().join("target"));
            target.join("debug").join("branchdesk")
        }
    }
}

/// A running app window with its own data folder.
pub struct App {
    pub client: Client,
    pub data_dir: tempfile::TempDir,
}

impl App {
    /// Launches the app on a data folder (seeded by `seed` before launch).
    pub async fn launch(seed: impl FnOnce(&Path)) -> App {
        let data_dir = tempfile::tempdir().expect("temp dir");
        seed(data_dir.path());
        let client = connect(data_dir.path()).await;
        App { client, data_dir }
    }

    /// Waits (at most 20 s) for `css`. Besides "no such element" yet,
    /// WebKitWebDriver now and then answers a find on a busy page with an
    /// error of its own ("Could not parse element info"): asked again too.
    pub async fn find(&self, css: &str) -> Element {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(el) => return el,
                Err(_) if std::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("{css} did not appear: {e}; the page showed: {}", self.page_text().await),
            }
        }
    }

    /// What the page shows, shortened: for a test that failed to say where it was.
    async fn page_text(&self) -> String {
        let text = self
            .client
            .execute("return document.body ? document.body.innerText : '';", vec![])
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(600).collect()
    }

    pub async fn type_into(&self, css: &str, text: &str) -> usize {
        let el = self.find(css).await;
        el.clear().await.unwrap_or_else(|e| panic!("clear {css}: {e}"));
        el.send_keys(text).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
        text.chars().count()
    }

    pub async fn click(&self, css: &str) {
        if let Err(e) = self.find(css).await.click().await {
            panic!("click {css}: {e:?}; the page showed: {}", self.page_text().await);
        }
    }

    /// Clicks `css` once scrolled to the middle of the window, away from the
    /// status bar fixed at its foot (which would take a click meant for an
    /// element under it).
    /// WebKitWebDriver now and then answers a click with an empty error
    /// while the page is busy; the click is tried again, a few times.
    pub async fn click_centred(&self, css: &str) {
        let mut tries = 0;
        loop {
            let el = self.find(css).await;
            self.client
                .execute(
                    "arguments[0].scrollIntoView({ block: 'center' });",
                    vec![serde_json::to_value(&el).unwrap()],
                )
                .await
                .unwrap_or_else(|e| panic!("scroll to {css}: {e}"));
            match el.click().await {
                Ok(()) => return,
                Err(e) if tries < 3 => {
                    tries += 1;
                    eprintln!("click {css} refused ({e}); trying again");
                    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                }
                Err(e) => panic!("click {css}: {e}\npage: {}", self.text("body").await),
            }
        }
    }

    /// Clicks the button reading `label` in the first `within` element
    /// whose text contains `containing` (a row of a table, say).
    pub async fn click_button(&self, within: &str, containing: &str, label: &str) {
        let xpath = format!(
            "(//{within}[contains(normalize-space(.), '{containing}')]//button[starts-with(normalize-space(.), '{label}')])[1]"
        );
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button {label:?} in a {within} with {containing:?}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {label:?}: {e}"));
    }

    /// Waits (at most 20 s) until nothing matches `css`.
    pub async fn wait_gone(&self, css: &str) {
        for _ in 0..100 {
            if self.client.find(Locator::Css(css)).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{css} is still shown");
    }

    /// How many elements match `css` now (no waiting).
    pub async fn count(&self, css: &str) -> usize {
        let n = self
            .client
            .execute("return document.querySelectorAll(arguments[0]).length;", vec![css.into()])
            .await
            .unwrap_or_else(|e| panic!("count {css}: {e}"));
        n.as_u64().unwrap_or_else(|| panic!("count {css}: {n}")) as usize
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_default()
    }

    /// Sets an input's value as a person picking from a date or time picker
    /// would (WebKitGTK's pickers take no typed keys), and fires `input`.
    pub async fn set_value(&self, css: &str, value: &str) {
        self.find(css).await;
        self.client
            .execute(
                "const el = document.querySelector(arguments[0]); el.value = arguments[1];
                 el.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![css.into(), value.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("set {css}: {e}"));
    }

    /// Chooses the option with this visible label in a drop-down.
    pub async fn choose(&self, css: &str, label: &str) {
        // Away from the status bar fixed at the foot of the window.
        self.find(css).await;
        self.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' });",
                vec![css.into()],
            )
            .await
            .unwrap_or_else(|e| panic!("scroll to {css}: {e}"));
        self.find(css)
            .await
            .select_by_label(label)
            .await
            .unwrap_or_else(|e| panic!("choose {label} in {css}: {e}"));
    }

    /// Waits until `css` shows text containing `needle`.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let mut last = String::new();
        for _ in 0..100 {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if last.contains(needle) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let fatal = match self.client.find(Locator::Css("#fatal")).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        panic!("{css} never showed {needle:?}; last text: {last:?} {fatal}");
    }

    /// The id of the element that has the keyboard focus ("" for none).
    pub async fn focused_id(&self) -> String {
        let v = self
            .client
            .execute("return document.activeElement ? document.activeElement.id : '';", vec![])
            .await
            .expect("read the focus");
        v.as_str().unwrap_or_default().to_owned()
    }

    /// Waits until the element with this id has the keyboard focus; panics
    /// with `why` and the element that has it instead.
    pub async fn wait_focus(&self, id: &str, why: &str) {
        let mut last = String::new();
        for _ in 0..30 {
            last = self.focused_id().await;
            if last == id {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{why}: the focus is on {last:?}, not {id:?}");
    }

    /// The labels of the sidebar's areas, in order.
    pub async fn areas(&self) -> Vec<String> {
        self.find("#areas").await;
        let mut out = Vec::new();
        for el in self.client.find_all(Locator::Css("#areas .area")).await.expect("areas") {
            out.push(el.attr("data-area").await.ok().flatten().unwrap_or_default());
        }
        out
    }

    /// Saves a screenshot under target/ui-screenshots/ for a person to look at.
    pub async fn screenshot(&self, name: &str) {
        let dir = workspace_root().join("target").join("ui-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Signs in on the login screen.
    pub async fn sign_in(&self, email: &str, password: &str) {
        self.type_into("#field-email", email).await;
        self.type_into("#field-password", password).await;
        self.click("#login-submit").await;
        self.find("#areas").await;
    }

    /// Quits the app and starts it again on the same data folder.
    pub async fn restart(self) -> App {
        let App { client, data_dir } = self;
        let _ = client.close().await;
        let _ = std::fs::remove_file(session_file());
        let client = connect(data_dir.path()).await;
        App { client, data_dir }
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
        let _ = std::fs::remove_file(session_file());
    }
}

pub async fn connect(data_dir: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({
            "application": app_binary(),
            "args": ["--data-dir", data_dir],
        }),
    );
    end_stale_session();
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver_url())
        .await
        .unwrap_or_else(|e| panic!("could not reach tauri-driver at {}: {e}", driver_url()));
    if let Ok(id) = client.session_id().await {
        let _ = std::fs::write(session_file(), id.unwrap_or_default());
    }
    client
}

/// Where the open WebDriver session's id is kept, per driver.
fn session_file() -> PathBuf {
    let port: String = driver_url().chars().filter(char::is_ascii_digit).collect();
    std::env::temp_dir().join(format!("branchdesk-ui-session-{port}"))
}

/// The driver holds one window at a time: a test that failed before closing
/// its window would fail every test after it, so the next test ends it.
fn end_stale_session() {
    use std::io::{Read, Write};
    let Ok(id) = std::fs::read_to_string(session_file()) else { return };
    let _ = std::fs::remove_file(session_file());
    let Some(addr) = driver_url().strip_prefix("http://").map(str::to_owned) else { return };
    if id.is_empty() {
        return;
    }
    if let Ok(mut conn) = std::net::TcpStream::connect(&addr) {
        let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
        let req = format!(
            "DELETE /session/{id} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        if conn.write_all(req.as_bytes()).is_ok() {
            let _ = conn.read_to_end(&mut Vec::new());
        }
    }
}

pub const DIRECTOR_EMAIL: &str = "meera@example.com";
pub const DIRECTOR_PASSWORD: &str = "Saffron-Kite-81";

/// Seeds a data folder with a set-up organisation (as the first-run screen would).
pub fn seed_organisation(dir: &Path) {
    let desk = branchdesk_desk::Desk::open(branchdesk_desk::DeskConfig::new(dir)).expect("seed desk");
    desk.setup_organisation(branchdesk_api::commands::system::SetupOrganisation {
        organisation_name: "Kiran Coaching".into(),
        currency: "INR".into(),
        branch_name: "Koramangala".into(),
        branch_code: "K2".into(),
        director_name: "Meera Iyer".into(),
        director_email: DIRECTOR_EMAIL.into(),
        director_password: DIRECTOR_PASSWORD.into(),
    })
    .expect("seed organisation");
}

/// Seeds a set-up organisation and answers the desk, its director signed
/// in, and the first branch, to seed more through the real services.
pub fn seed_desk(
    dir: &Path,
) -> (branchdesk_desk::Desk, branchdesk_desk::Actor, branchdesk_api::ids::BranchId) {
    seed_organisation(dir);
    let desk = branchdesk_desk::Desk::open(branchdesk_desk::DeskConfig::new(dir)).expect("seed desk");
    let (token, me) = desk
        .login(branchdesk_api::commands::session::Login {
            email: DIRECTOR_EMAIL.into(),
            password: DIRECTOR_PASSWORD.into(),
        })
        .expect("director signs in");
    let director = desk.actor(&token).expect("actor");
    let branch = me.branches[0].id;
    (desk, director, branch)
}

/// A room and a course on a seeded desk, for a batch: their ids.
pub fn seed_room_and_course(
    desk: &branchdesk_desk::Desk,
    director: &branchdesk_desk::Actor,
    branch: branchdesk_api::ids::BranchId,
    (room, seats): (&str, u32),
    (code, course): (&str, &str),
) -> (branchdesk_api::ids::RoomId, branchdesk_api::ids::CourseId) {
    use branchdesk_api::commands::{academics::SaveCourse, org::SaveRoom};
    let room = desk
        .save_room(director, SaveRoom { id: None, branch_id: branch, name: room.into(), capacity: seats })
        .expect("room")
        .id;
    let course = desk
        .save_course(director, SaveCourse { code: code.into(), name: course.into(), ..Default::default() })
        .expect("course")
        .id;
    (room, course)
}

/// A teacher of `branch` on a seeded desk (password "Teak-Window-57"): their id.
pub fn seed_teacher(
    desk: &branchdesk_desk::Desk,
    director: &branchdesk_desk::Actor,
    branch: branchdesk_api::ids::BranchId,
    (name, email): (&str, &str),
) -> branchdesk_api::ids::UserId {
    use branchdesk_api::commands::users::{CreateUser, NewGrant};
    let role = desk
        .list_roles(director, Default::default())
        .expect("roles")
        .into_iter()
        .find(|r| r.name == "TEACHER")
        .expect("the TEACHER role")
        .id;
    desk.create_user(
        director,
        CreateUser {
            full_name: name.into(),
            email: email.into(),
            phone: String::new(),
            password: "Teak-Window-57".into(),
            grants: vec![NewGrant { role_id: role, branch_id: Some(branch), expires_on: None }],
        },
    )
    .expect("teacher")
    .id
}

/// A batch meeting on today's weekday from `start` to `end`, from today for
/// `days` days: the fields a test changes stay open to `..`.
pub fn batch_from_today(
    branch: branchdesk_api::ids::BranchId,
    course: branchdesk_api::ids::CourseId,
    room: branchdesk_api::ids::RoomId,
    teacher: branchdesk_api::ids::UserId,
    (start, end): (&str, &str),
    days: i64,
) -> branchdesk_api::commands::timetable::SaveBatch {
    use chrono::Datelike;
    let today = chrono::Local::now().date_naive();
    branchdesk_api::commands::timetable::SaveBatch {
        branch_id: branch,
        course_id: course,
        teacher_id: teacher,
        room_id: room,
        capacity: 30,
        start_date: today.to_string(),
        end_date: (today + chrono::Duration::days(days)).to_string(),
        slots: vec![branchdesk_api::commands::timetable::Slot {
            weekday: today.weekday().number_from_monday(),
            start: start.into(),
            end: end.into(),
        }],
        ..Default::default()
    }
}

/// A class meeting today (all day, taught by the director) with Aarav
/// Sharma, whose mother Sunita prefers email, Diya Patel, whose father has
/// only a phone, and Kabir Rao, whose mother's address the mail server
/// refuses; the desk sends email through the test mail server on
/// `mail_port` (plain, on loopback). Answers the batch.
pub fn seed_class_with_email_parent(dir: &Path, mail_port: u16) -> branchdesk_api::ids::BatchId {
    use branchdesk_api::commands::attendance::NotificationChannel;
    use branchdesk_api::commands::channels::{EmailChannel, EmailSecurity, SaveEmailChannel};
    use branchdesk_api::commands::students::{Enrol, GuardianInput, SaveStudent};
    let (desk, director, branch) = seed_desk(dir);
    let (room, course) = seed_room_and_course(&desk, &director, branch, ("Hall", 40), ("MTH", "Maths"));
    let class = branchdesk_api::commands::timetable::SaveBatch {
        name: "Maths X".into(),
        ..batch_from_today(branch, course, room, director.user_id, ("00:00", "23:59"), 30)
    };
    let batch = desk.save_batch(&director, class).expect("batch").id;
    let parents = [
        ("Aarav Sharma", "Sunita Sharma", "", "sunita@example.com", Some(NotificationChannel::Email)),
        ("Diya Patel", "Mahesh Patel", "98450 20003", "", None),
        // Her mail server says there is no such mailbox.
        ("Kabir Rao", "Anita Rao", "", "anita@refused.example", Some(NotificationChannel::Email)),
    ];
    for (name, parent, phone, email, prefers) in parents {
        let guardian = GuardianInput {
            full_name: parent.into(),
            phone: phone.into(),
            email: email.into(),
            relation: "Parent".into(),
            is_primary: true,
            preferred_channel: prefers,
            ..Default::default()
        };
        let student = SaveStudent {
            branch_id: branch,
            full_name: name.into(),
            date_of_birth: "2010-03-14".into(),
            guardians: vec![guardian],
            ..Default::default()
        };
        let s = desk.save_student(&director, student).expect("student").student.id;
        desk.enrol(&director, Enrol { student_id: s, batch_id: batch, ..Default::default() }).expect("enrol");
    }
    let email = EmailChannel {
        host: "127.0.0.1".into(),
        port: mail_port,
        security: EmailSecurity::Plain,
        from_address: "office@kiran-coaching.example".into(),
        from_name: "Kiran Coaching".into(),
        ..Default::default()
    };
    desk.save_email_channel(&director, SaveEmailChannel { email }).expect("mail settings");
    batch
}
