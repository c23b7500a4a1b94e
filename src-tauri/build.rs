// tauri.conf.json sits at the top of the repository, beside Cargo.toml.
fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri build step (reads ../tauri.conf.json and ./capabilities)");
}
