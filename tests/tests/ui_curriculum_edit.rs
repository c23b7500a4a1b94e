//! In the real app window, a draft curriculum changed in place: a module
//! renamed, a lesson renamed and re-weighted, its notes written in Markdown
//! (a pasted script shows as text, not as markup) and a video link refused
//! until it is a web address; a link in the notes goes to the desk, which
//! opens it outside the app's window.

use branchdesk_api::commands::academics::{CreateCurriculum, SaveLesson, SaveModule};
use branchdesk_e2e::*;
use std::path::Path;

/// A course PHY-11 with an official draft: Mechanics, two lessons of 50 %.
fn seed(dir: &Path) {
    let (desk, director, branch) = seed_desk(dir);
    let (_, course) =
        seed_room_and_course(&desk, &director, branch, ("Room 1", 30), ("PHY-11", "Physics XI"));
    let draft = desk
        .create_curriculum(&director, CreateCurriculum { course_id: course, ..Default::default() })
        .expect("draft");
    let v = desk
        .save_module(&director, SaveModule { id: None, curriculum_id: draft.id, title: "Mechancis".into() })
        .expect("module");
    for title in ["Newtons laws", "Work and energy"] {
        desk.save_lesson(
            &director,
            SaveLesson {
                module_id: v.modules[0].id,
                title: title.into(),
                weightage_bp: 5_000,
                ..Default::default()
            },
        )
        .expect("lesson");
    }
}

#[tokio::test]
async fn a_module_and_a_lesson_are_changed_in_place_and_notes_show_safely() {
    if !ui_tests_enabled("a_module_and_a_lesson_are_changed_in_place_and_notes_show_safely") {
        return;
    }
    let app = App::launch(seed).await;
    app.sign_in(DIRECTOR_EMAIL, DIRECTOR_PASSWORD).await;
    app.click_centred("[data-area='Courses']").await;
    app.click_button("li", "PHY-11", "PHY-11").await;
    app.click_button("tr", "Draft", "Open").await;
    app.wait_text("#curriculum-editor", "Mechancis").await;

    // The module's misspelt name, corrected; Enter saves.
    app.click(".rename-module").await;
    app.wait_focus("field-rename-module", "the name being changed takes the focus").await;
    app.type_into("#field-rename-module", "Mechanics").await;
    app.find("#field-rename-module").await.send_keys(ENTER).await.unwrap();
    app.wait_gone("form.rename-module").await;
    app.wait_text("#curriculum-editor .module-head", "Mechanics").await;

    // The first lesson: renamed, 40 %, notes with a pasted script, a video link.
    app.click_button("li", "Newtons laws", "Edit").await;
    app.type_into("#field-edit-lesson-title", "Newton's laws").await;
    app.type_into("#field-edit-lesson-share", "40").await;
    // Typed as a teacher types, Enter for each new line (Enter in the notes
    // is a new line, not Save).
    let notes = app.find("#field-edit-lesson-notes").await;
    notes.clear().await.unwrap();
    for (i, line) in [
        "Read **chapter 3** first.",
        "",
        "- inertia",
        "- F = ma",
        "",
        "Try [the simulation](https://phet.example.org/forces). <script>alert('x')</script>",
    ]
    .iter()
    .enumerate()
    {
        if i > 0 {
            notes.send_keys(ENTER).await.unwrap();
        }
        if !line.is_empty() {
            notes.send_keys(line).await.unwrap();
        }
    }
    assert_eq!(app.count("form.edit-lesson").await, 1, "Enter in the notes is a new line, not Save");
    app.type_into("#field-edit-lesson-video", "video.example.org/newton").await;
    app.click("#save-edit-lesson").await;
    app.wait_text("form.edit-lesson .field-error", "Enter a link starting with https://").await;
    assert_eq!(app.count("form.edit-lesson").await, 1, "nothing saved");
    app.type_into("#field-edit-lesson-video", "https://video.example.org/newton").await;
    app.click("#save-edit-lesson").await;
    app.wait_gone("form.edit-lesson").await;
    app.wait_text("#weight-total", "90 % of 100 %").await;
    let editor = app.text("#curriculum-editor").await;
    assert!(editor.contains("Newton's laws") && editor.contains("40 %"), "{editor}");

    // The notes, opened: formatting shown, the script as plain text.
    app.click("li.lesson details.lesson-notes summary").await;
    let notes = app.wait_text(".lesson-notes .notes-text", "chapter 3").await;
    assert!(notes.contains("<script>alert('x')</script>"), "the script shows as text: {notes}");
    app.find(".lesson-notes .notes-text strong").await;
    app.find(".lesson-notes .notes-text li").await;
    assert_eq!(app.count(".lesson-notes script").await, 0, "no script element came from the notes");
    app.screenshot("curriculum-lesson-notes").await;

    // The link goes to the desk, which opens it in the browser; this
    // machine has none, so it says so, and the window stays on the app.
    app.click(".lesson-notes .notes-text a").await;
    let said = app.wait_text(".lesson-notes", "phet.example.org/forces").await;
    assert!(said.contains("No web browser") || said.contains("Opened in the browser"), "{said}");
    app.wait_text("#curriculum-editor", "Mechanics").await;
    app.click(".lesson-notes .watch").await;
    app.wait_text(".lesson-notes", "video.example.org/newton").await;
    app.close().await;
}
