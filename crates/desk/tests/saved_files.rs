//! Files saved from synced rows stay inside the desk's `exports/` folder,
//! whatever name another desk wrote into the row.

mod common;

use branchdesk_api::commands::academics::*;
use common::{apply, fixture, pulled_update, Fixture};
use std::path::Path;

/// A lesson with an attached file "map.pdf" (1,000 bytes of 7); its id.
fn attached(f: &Fixture) -> branchdesk_api::ids::ResourceId {
    use base64::Engine;
    let course = f
        .desk
        .save_course(
            &f.director,
            SaveCourse { code: "GEO".into(), name: "Geography".into(), ..Default::default() },
        )
        .unwrap()
        .id;
    let c = f
        .desk
        .create_curriculum(&f.director, CreateCurriculum { course_id: course, ..Default::default() })
        .unwrap();
    let v = f
        .desk
        .save_module(&f.director, SaveModule { id: None, curriculum_id: c.id, title: "Maps".into() })
        .unwrap();
    let v = f
        .desk
        .save_lesson(
            &f.director,
            SaveLesson {
                module_id: v.modules[0].id,
                title: "Rivers".into(),
                weightage_bp: 10_000,
                ..Default::default()
            },
        )
        .unwrap();
    let v = f
        .desk
        .save_lesson_resource(
            &f.director,
            SaveLessonResource {
                lesson_id: v.modules[0].lessons[0].id,
                title: "Map".into(),
                file_name: "map.pdf".into(),
                content_b64: base64::engine::general_purpose::STANDARD.encode(vec![7u8; 1000]),
                ..Default::default()
            },
        )
        .unwrap();
    v.modules[0].lessons[0].resources[0].id
}

#[test]
fn a_hostile_file_name_from_another_desk_is_saved_inside_exports() {
    let f = fixture();
    let id = attached(&f);
    let exports = f.dir.path().join("exports");
    let outside = f.dir.path().join("outside.txt");
    let long = format!("{}.pdf", "n".repeat(1000));
    let hostile = [
        ("../x".to_owned(), "x"),
        ("../../x".to_owned(), "x"),
        (outside.display().to_string(), "outside.txt"),
        ("/etc/x".to_owned(), "x"),
        ("C:\\x".to_owned(), "x"),
        ("..\\..\\x".to_owned(), "x"),
        ("map\0.pdf".to_owned(), "map_.pdf"),
        ("line\nbreak.pdf".to_owned(), "line_break.pdf"),
        (String::new(), "file"),
        ("..".to_owned(), "file"),
        ("नक्शा.pdf".to_owned(), "नक्शा.pdf"),
    ];
    let mut ms = 1_900_000_000_000u64;
    for (name, expected) in hostile.iter().map(|(n, e)| (n.as_str(), *e)).chain([(long.as_str(), "")]) {
        ms += 1000;
        apply(&f, pulled_update("lesson_resources", id, "org", serde_json::json!({ "file_name": name }), ms));
        let saved = f.desk.save_resource_file(&f.director, SaveResourceFile { id }).unwrap();
        let path = Path::new(&saved.path);
        assert_eq!(
            path.parent().map(|p| p.canonicalize().unwrap()),
            Some(exports.canonicalize().unwrap()),
            "{name:?} was saved at {path:?}"
        );
        assert_eq!(std::fs::read(path).unwrap(), vec![7u8; 1000], "{name:?}");
        let file_name = path.file_name().unwrap().to_str().unwrap();
        if expected.is_empty() {
            assert!(file_name.len() <= 120 && file_name.ends_with(".pdf"), "{file_name}");
        } else {
            assert_eq!(file_name, expected, "{name:?}");
        }
    }
    assert!(!outside.exists(), "nothing is written beside the data");
    assert!(!f.dir.path().join("x").exists() && !f.dir.path().parent().unwrap().join("x").exists());
    // Only the saved files are in the folder: no sub-folder was made.
    assert!(std::fs::read_dir(&exports).unwrap().all(|e| e.unwrap().file_type().unwrap().is_file()));
}

#[test]
fn a_link_planted_in_exports_is_not_written_through() {
    let f = fixture();
    let id = attached(&f);
    let exports = f.dir.path().join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    let target = f.dir.path().join("target.txt");
    std::fs::write(&target, "kept").unwrap();
    std::os::unix::fs::symlink(&target, exports.join("map.pdf")).unwrap();
    let e: branchdesk_api::ApiError =
        f.desk.save_resource_file(&f.director, SaveResourceFile { id }).unwrap_err().into();
    assert_eq!(e.code, branchdesk_api::ErrorCode::Invalid, "{e:?}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
}

/// A link another desk wrote into a lesson is checked again before the
/// browser opens it: only an ordinary web address passes.
#[test]
fn a_hostile_link_from_another_desk_is_not_opened() {
    let f = fixture();
    let id = attached(&f);
    let open = || f.desk.open_resource_link(&f.director, OpenResourceLink { id });
    let mut ms = 1_900_000_000_000u64;
    for hostile in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "https://bank.example.com@evil.example/",
        "https://exa mple.com/",
        "https://example.com/\nSet-Cookie: x",
        "https://example.com/\u{202e}fdp.exe",
        "https:///etc/passwd",
        "https://-evil/",
        "",
        "ftp://example.com/x",
    ] {
        ms += 1000;
        apply(&f, pulled_update("lesson_resources", id, "org", serde_json::json!({ "url": hostile }), ms));
        let e = common::api(open().expect_err(hostile));
        assert!(e.is_for("id"), "{hostile}: {e:?}");
    }
    for good in
        ["https://example.com/rivers?part=2#map", "http://10.0.0.5:8080/notes", "https://नक्शा.भारत/नदी"]
    {
        ms += 1000;
        apply(&f, pulled_update("lesson_resources", id, "org", serde_json::json!({ "url": good }), ms));
        assert_eq!(open().unwrap(), good);
    }
    let gone = branchdesk_api::ids::ResourceId::from(uuid::Uuid::now_v7());
    let e = common::api(f.desk.open_resource_link(&f.director, OpenResourceLink { id: gone }).unwrap_err());
    assert_eq!(e.code, branchdesk_api::ErrorCode::NotFound);
}
