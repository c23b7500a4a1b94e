//! In the real app window, the traps a clerk met on the first day: dates
//! typed day first (and an impossible one refused beside the field), the
//! window at 1366 × 768 and 1280 × 720 with the sidebar and status bar in
//! place and each page's primary action in sight, receipts printed and
//! opened, the first field focused when a form opens, a class cancelled
//! only after asking, and an error that clears once its field is changed.

use branchdesk_api::commands::leads::SaveLead;
use branchdesk_api::commands::students::{Enrol, GuardianInput, SaveStudent};
use branchdesk_api::commands::timetable::{SaveBatch, Slot};
use branchdesk_e2e::fantoccini::Locator;
use branchdesk_e2e::*;
use std::path::Path;

const ESC: &str = "\u{E00C}";

/// A batch meeting every day from a week ago, with one student enrolled.
fn seed(dir: &Path) {
    let (desk, director, branch) = seed_desk(dir);
    let (room, course) =
        seed_room_and_course(&desk, &director, branch, ("Room 1", 30), ("PHY-11", "Physics XI"));
    let today = chrono::Local::now().date_naive();
    let batch = desk
        .save_batch(
            &director,
            SaveBatch {
                branch_id: branch,
                course_id: course,
                name: "Physics XI-A".into(),
                teacher_id: director.user_id,
                room_id: room,
                capacity: 30,
                start_date: (today - chrono::Duration::days(7)).to_string(),
                end_date: (today + chrono::Duration::days(60)).to_string(),
                slots: (1..=7)
                    .map(|d| Slot { weekday: d, start: "07:00".into(), end: "08:00".into() })
                    .collect(),
                fee_minor: 300_000,
                ..Default::default()
            },
        )
        .expect("batch")
        .id;
    let student = desk
        .save_student(
            &director,
            SaveStudent {
                branch_id: branch,
                full_name: "Asha Rao".into(),
                date_of_birth: "2010-01-05".into(),
                guardians: vec![GuardianInput {
                    full_name: "Sunita Rao".into(),
                    phone: "98290 12345".into(),
                    relation: "Mother".into(),
                    is_primary: true,
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .expect("student")
        .student
        .id;
    desk.enrol(&director, Enrol { student_id: student, batch_id: batch, ..Default::default() })
        .expect("enrol");
}

/// What a person sees of the window: is anything but the page scrolled,
/// is the status bar on screen, and is the page's primary action in sight.
async fn layout(app: &App) -> serde_json::Value {
    app.client
        .execute(
            "const vh = window.innerHeight, vw = window.innerWidth;
             const bar = document.querySelector('.status-bar').getBoundingClientRect();
             const side = document.querySelector('.sidebar').getBoundingClientRect();
             const primary = document.querySelector('.page button.primary');
             const p = primary ? primary.getBoundingClientRect() : null;
             return {
               window_scrolls: document.scrollingElement.scrollHeight > vh + 1 || window.scrollY > 0,
               bar_visible: bar.top >= 0 && bar.bottom <= vh + 1 && bar.height > 0,
               sidebar_fits: side.top >= 0 && side.bottom <= vh + 1,
               primary: primary ? primary.textContent : null,
               primary_visible: p ? (p.top >= 0 && p.bottom <= vh && p.left >= 0 && p.right <= vw) : true,
               width: vw, height: vh,
             };",
            vec![],
        )
        .await
        .expect("layout")
}

#[tokio::test]
async fn every_page_fits_a_budget_laptop_screen() {
    if !ui_tests_enabled("every_page_fits_a_budget_laptop_screen") {
        return;
    }
    let app = App::launch(seed).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    for (w, h) in [(1366u32, 768u32), (1280, 720)] {
        app.client.set_window_size(w, h).await.expect("resize the window");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        for area in app.areas().await {
            app.click_centred(&format!("[data-area='{area}']")).await;
            app.find(".page h1, .page h2").await;
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            let l = layout(&app).await;
            let slug: String =
                area.to_lowercase().chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
            app.screenshot(&format!("fit-{w}x{h}-{slug}")).await;
            assert_eq!(l["window_scrolls"], false, "{area} at {w}×{h}: the window itself scrolls: {l}");
            assert_eq!(l["bar_visible"], true, "{area} at {w}×{h}: the status bar is off screen: {l}");
            assert_eq!(l["sidebar_fits"], true, "{area} at {w}×{h}: the sidebar runs off screen: {l}");
            assert_eq!(
                l["primary_visible"], true,
                "{area} at {w}×{h}: the primary action is out of sight: {l}"
            );
        }
    }
    // A page scrolled down does not hand its position to the next one.
    app.click_centred("[data-area='Batches']").await;
    app.click("#batches-table button").await;
    app.find("#sessions-table").await;
    app.client.execute("document.querySelector('.page').scrollTop = 5000;", vec![]).await.expect("scroll");
    let scrolled =
        app.client.execute("return document.querySelector('.page').scrollTop;", vec![]).await.unwrap();
    assert!(scrolled.as_f64().unwrap_or_default() > 0.0, "the batch page is long enough to scroll");
    app.click_centred("[data-area='Students']").await;
    app.find("#students-table").await;
    let top = app.client.execute("return document.querySelector('.page').scrollTop;", vec![]).await.unwrap();
    assert_eq!(top.as_f64(), Some(0.0), "the next page starts at its top");
    app.close().await;
}

#[tokio::test]
async fn dates_are_typed_day_first_and_impossible_ones_are_refused() {
    if !ui_tests_enabled("dates_are_typed_day_first_and_impossible_ones_are_refused") {
        return;
    }
    let app = App::launch(seed).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.client.set_window_size(1366, 768).await.expect("resize");

    // A new student born on 14 May 2012, typed as a clerk types it.
    app.click_centred("[data-area='Students']").await;
    app.click("#admit-student").await;
    app.type_into("#field-full_name", "Kabir Rao").await;
    app.type_into("#field-date_of_birth", "31/02/2012").await;
    app.find("#field-phone").await.click().await.expect("leave the date field");
    let msg = app.wait_text("#field-date_of_birth-msg", "not a date").await;
    assert!(msg.contains("February 2012 has 29 days"), "{msg}");
    app.screenshot("date-impossible").await;
    app.type_into("#field-date_of_birth", "14/05/2012").await;
    assert_eq!(
        app.text("#field-date_of_birth-msg").await,
        "DD/MM/YYYY",
        "the error goes once the date is fixed"
    );
    app.type_into("#field-guardians\\[0\\]\\.full_name", "Ravi Rao").await;
    app.type_into("#field-guardians\\[0\\]\\.phone", "98450 55555").await;
    app.type_into("#field-guardians\\[0\\]\\.relation", "Father").await;
    app.click("#admit-save").await;
    app.wait_text("#student h1", "Kabir Rao").await;
    let dob = app.find("#field-date_of_birth").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(dob, "14/05/2012", "read back day first: 14 May, not 5 December");

    // The desk refuses what slips past the field, naming it.
    app.type_into("#field-date_of_birth", "29/02/2025").await;
    app.click("#profile-form button[type=submit]").await;
    let msg = app.wait_text("#field-date_of_birth-msg", "not a date").await;
    assert!(msg.contains("February 2025 has 28 days"), "{msg}");
    app.type_into("#field-date_of_birth", "1/6/2012").await;
    assert_eq!(
        app.text("#field-date_of_birth-msg").await,
        "DD/MM/YYYY",
        "the error clears when the field changes"
    );
    app.screenshot("date-fixed").await;

    // A holiday today, typed day first, shows in this week's timetable.
    app.click_centred("[data-area='Timetable']").await;
    app.click("#add-event").await;
    app.type_into("#field-title", "Diwali").await;
    let today = chrono::Local::now().date_naive();
    app.type_into("#field-start_date", &today.format("%d/%m/%Y").to_string()).await;
    app.click("#event-form button[type=submit]").await;
    app.wait_text("#week-grid", "Diwali").await;
    app.screenshot("date-event").await;
    app.close().await;
}

#[tokio::test]
async fn a_receipt_prints_and_opens_and_forms_start_in_their_first_field() {
    if !ui_tests_enabled("a_receipt_prints_and_opens_and_forms_start_in_their_first_field") {
        return;
    }
    let app = App::launch(seed).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.client.set_window_size(1366, 768).await.expect("resize");
    // The print dialog is the system's; here it only counts that it opened.
    let stub = "window.__printed = 0; window.print = () => { window.__printed += 1; };";
    let printed = || async {
        let v = app.client.execute("return window.__printed;", vec![]).await.expect("read");
        v.as_i64().unwrap_or_default()
    };

    // Focus: each form opens in its first field.
    app.click_centred("[data-area='Enquiries']").await;
    app.click("#add-lead").await;
    app.find("#field-full_name").await;
    app.wait_focus("field-full_name", "New enquiry starts in the name").await;
    app.click_centred("[data-area='Courses']").await;
    app.click("#add-course").await;
    app.find("#field-code").await;
    app.wait_focus("field-code", "Add course starts in the code").await;
    app.click_centred("[data-area='Batches']").await;
    app.click("#add-batch").await;
    app.find("#field-name").await;
    app.wait_focus("field-name", "Plan a batch starts in the name").await;

    // Collect a fee with "print after collecting": the dialog opens on
    // the receipt, and the receipt's buttons are in sight at once.
    app.client.execute(stub, vec![]).await.expect("stub print");
    app.click_centred("[data-area='Students']").await;
    app.click("#students-table button").await;
    app.wait_text("#student h1", "Asha Rao").await;
    app.click("#tab-fees").await;
    app.wait_text("#fees-summary", "Pending").await;
    // The desk remembers the choice; tick it if it is not ticked.
    let ticked = app.find("#collect-print").await.prop("checked").await.unwrap();
    if ticked.as_deref() != Some("true") {
        app.click("#collect-print").await;
    }
    app.type_into("#field-amount", "1500").await;
    app.click("#collect-save").await;
    let saved = app.wait_text("#fees-notice", "Receipt").await;
    let number = saved.split_whitespace().nth(1).expect("receipt number").to_owned();
    for _ in 0..50 {
        if printed().await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(printed().await, 1, "the print dialog opened after collecting");
    let sheet = app.client.execute("return document.getElementById('print-sheet').innerText;", vec![]).await;
    let sheet = sheet.unwrap().as_str().unwrap_or_default().to_owned();
    assert!(sheet.contains(&format!("Receipt {number}")) && sheet.contains("1,500.00"), "{sheet}");
    let inview = app
        .client
        .execute(
            "const r = document.querySelector('#fees-notice .print').getBoundingClientRect();
             return r.top >= 0 && r.bottom <= window.innerHeight;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(inview, true, "the new receipt's Print is in sight after collecting");
    app.screenshot("receipt-collected").await;

    // Print again from the notice; then Open saves the PDF and hands it on.
    app.click("#fees-notice .print").await;
    for _ in 0..50 {
        if printed().await == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(printed().await, 2, "Print opens the dialog");
    app.click(".receipt .open").await;
    // Opened, or (no PDF viewer on this machine) said where it was saved.
    let dir = app.data_dir.path().display().to_string();
    let said = app.wait_text("#fees", &format!("{dir}/exports/receipt-{}", number.replace('/', "-"))).await;
    let start = said.find(&dir).expect("the saved file is named");
    let end = start + said[start..].find(".pdf").expect("a PDF") + 4;
    let path = said[start..end].to_owned();
    let out = std::process::Command::new("pdftotext").args([&path, "-"]).output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("Receipt {number}")), "{path}: {text}");

    // Cancel a class: asked first, Esc keeps it, Enter cancels it; today's
    // class is marked.
    app.click_centred("[data-area='Batches']").await;
    app.click("#batches-table button").await;
    let today = app.text("#sessions-table tr.today").await;
    assert!(today.contains("today"), "today's class is marked: {today}");
    app.click("#sessions-table tr.today .cancel-session").await;
    app.find(".confirm-cancel").await;
    app.wait_focus("confirm-note", "the reason takes the focus; Enter confirms").await;
    app.screenshot("cancel-asks").await;
    app.find("#confirm-note").await.send_keys(ESC).await.expect("Esc");
    assert!(app.client.find(Locator::Css(".confirm-cancel")).await.is_err(), "Esc keeps the class");
    assert!(app.text("#sessions-table tr.today").await.contains("scheduled"));
    app.click("#sessions-table tr.today .cancel-session").await;
    app.find("#confirm-note").await.send_keys(ENTER).await.expect("Enter");
    app.wait_text(".confirm-cancel", "Say why").await; // a cancellation needs its reason
    app.type_into("#confirm-note", "Teacher unwell").await;
    app.find("#confirm-note").await.send_keys(ENTER).await.expect("Enter");
    app.wait_text("#sessions-table tr.today", "cancelled").await;
    app.close().await;
}

/// The seed, and an enquiry for Asha's brother from the same mother.
fn seed_with_sibling_enquiry(dir: &Path) {
    seed(dir);
    let desk = branchdesk_desk::Desk::open(branchdesk_desk::DeskConfig::new(dir)).expect("desk");
    let (token, me) = desk
        .login(branchdesk_api::commands::session::Login {
            email: DIRECTOR_EMAIL.into(),
            password: DIRECTOR_PASSWORD.into(),
        })
        .expect("sign in");
    let director = desk.actor(&token).expect("actor");
    desk.save_lead(
        &director,
        SaveLead {
            branch_id: me.branches[0].id,
            full_name: "Kabir Rao".into(),
            phone: "98450 22222".into(),
            guardian_name: "Sunita Rao".into(),
            guardian_phone: "+91 98290 12345".into(),
            source: "Sibling".into(),
            ..Default::default()
        },
    )
    .expect("enquiry");
}

#[tokio::test]
async fn a_sibling_is_admitted_with_a_concession_charged_and_the_mother_shared() {
    if !ui_tests_enabled("a_sibling_is_admitted_with_a_concession_charged_and_the_mother_shared") {
        return;
    }
    let app = App::launch(seed_with_sibling_enquiry).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.client.set_window_size(1366, 768).await.expect("resize");
    app.click_centred("[data-area='Enquiries']").await;
    app.click("#lead-list li button").await;
    app.wait_text("#lead-detail", "Kabir Rao").await;

    // The mother is already a guardian (her phone pasted with +91): use her.
    app.wait_text("#convert-form #guardian-offer", "Sunita Rao (mother of Asha Rao)").await;
    app.click("#convert-form .use-guardian").await;
    app.choose("#field-batch_id", "Physics XI-A · Physics XI · 3,000.00").await;
    app.type_into("#field-date_of_birth", "14/05/2012").await;
    app.type_into("#field-guardian_relation", "Mother").await;
    app.choose("#field-discount_kind", "Percent off").await;
    app.type_into("#field-discount_value", "10").await;
    app.choose("#field-discount_category", "Sibling").await;
    app.type_into("#field-discount_reason", "Sister Asha in XI-A").await;
    app.screenshot("admit-with-concession").await;
    app.click("#convert-save").await;
    app.wait_text("#student h1", "Kabir Rao").await;

    app.click("#tab-enrolments").await;
    app.wait_text("#enrolments .concession", "sibling 10 %").await;
    app.click("#tab-fees").await;
    let dues = app.wait_text("#dues", "2,700.00").await;
    assert!(!dues.contains("3,000.00"), "every due is the fee less 10 %: {dues}");
    app.click("#tab-guardians").await;
    app.wait_text("#guardians", "Sunita Rao").await;
    // She wants no fee reminders by message: said at the desk, honoured at once.
    let reminders = "#guardians input[name^='consent-fee_reminders-']";
    assert_eq!(app.find(reminders).await.prop("checked").await.unwrap().as_deref(), Some("true"));
    app.click(reminders).await;
    app.wait_text("#consent-notice", "Sunita Rao gets no more fee reminders.").await;
    assert_eq!(app.find(reminders).await.prop("checked").await.unwrap().as_deref(), Some("false"));
    let offers = app.find("#guardians input[name^='consent-promotions-']").await;
    assert_eq!(offers.prop("checked").await.unwrap().as_deref(), Some("false"), "offers wait for a yes");
    app.screenshot("guardian-consent").await;

    // A manager takes the concession off: the open dues are charged in full.
    app.click("#tab-enrolments").await;
    app.click("#enrolments .change-concession").await;
    app.find("#concession-form").await;
    app.wait_focus("concession-discount_kind", "the form starts in its first field").await;
    app.choose("#concession-discount_kind", "No discount").await;
    app.click("#concession-save").await;
    app.wait_text("#enrolments", "Concession changed").await;
    app.click("#tab-fees").await;
    let dues = app.wait_text("#dues", "3,000.00").await;
    assert!(!dues.contains("2,700.00"), "the open dues follow the concession in force: {dues}");
    app.screenshot("concession-changed").await;
    app.close().await;
}
