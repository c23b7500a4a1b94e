//! The crate graph is the architecture (ARCHITECTURE.md). This test reads
//! `cargo metadata` and fails when a dependency breaks a rule.

use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

struct Graph {
    /// package id -> name
    names: HashMap<String, String>,
    /// package id -> ids of its normal (non-dev, non-build) dependencies
    deps: HashMap<String, Vec<String>>,
}

const WASM: &str = "wasm32-unknown-unknown";
const HOST: Option<&str> = None;

/// The resolved graph, for one target platform or for all.
fn graph(platform: Option<&str>) -> Graph {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut args = vec!["metadata", "--format-version", "1", "--locked"];
    if let Some(p) = platform {
        args.extend(["--filter-platform", p]);
    }
    let out = std::process::Command::new(cargo)
        .args(args)
        .current_dir(branchdesk_e2e::workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let names = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap().to_owned(), p["name"].as_str().unwrap().to_owned()))
        .collect();
    let deps = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let normal = n["deps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["dep_kinds"].as_array().unwrap().iter().any(|k| k["kind"].is_null()))
                .map(|d| d["pkg"].as_str().unwrap().to_owned())
                .collect();
            (n["id"].as_str().unwrap().to_owned(), normal)
        })
        .collect();
    Graph { names, deps }
}

impl Graph {
    fn id(&self, name: &str) -> String {
        self.names
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| panic!("no package {name}"))
    }

    /// Names of every package `name` depends on at run time, transitively.
    fn closure(&self, name: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![self.id(name)];
        while let Some(id) = stack.pop() {
            for d in self.deps.get(&id).into_iter().flatten() {
                if seen.insert(self.names[d].clone()) {
                    stack.push(d.clone());
                }
            }
        }
        seen
    }

    fn direct(&self, name: &str) -> BTreeSet<String> {
        self.deps[&self.id(name)].iter().map(|d| self.names[d].clone()).collect()
    }
}

const IO_CRATES: &[&str] = &[
    "tokio",
    "mio",
    "rusqlite",
    "libsqlite3-sys",
    "refinery",
    "reqwest",
    "hyper",
    "tauri",
    "wry",
    "argon2",
    "postgres",
    "tokio-postgres",
    "socket2",
];

#[test]
fn the_api_crate_has_no_io_dependencies() {
    let g = graph(Some(WASM));
    let deps = g.closure("branchdesk-api");
    let bad: Vec<_> = deps.iter().filter(|d| IO_CRATES.contains(&d.as_str())).collect();
    assert!(bad.is_empty(), "branchdesk-api must stay IO-free (it builds for wasm32): {bad:?}");
}

#[test]
fn the_ui_speaks_only_through_the_api_crate() {
    // As built for the window (wasm32); on the host yew may pull a runtime for its tests.
    let g = graph(Some(WASM));
    let deps = g.closure("branchdesk-ui");
    assert!(deps.contains("branchdesk-api"));
    for forbidden in ["branchdesk-desk", "tauri", "rusqlite", "tokio"] {
        assert!(!deps.contains(forbidden), "branchdesk-ui depends on {forbidden}");
    }
}

#[test]
fn the_domain_crate_does_not_know_tauri() {
    let g = graph(HOST);
    let deps = g.closure("branchdesk-desk");
    assert!(
        !deps.contains("tauri") && !deps.contains("wry") && !deps.contains("tao"),
        "branchdesk-desk depends on Tauri"
    );
}

#[test]
fn only_the_shell_depends_on_tauri() {
    let g = graph(HOST);
    let members = ["branchdesk-api", "branchdesk-desk", "branchdesk-ui", "branchdesk-e2e", "branchdesk"];
    let with_tauri: Vec<_> = members.iter().filter(|m| g.direct(m).contains("tauri")).collect();
    assert_eq!(with_tauri, vec![&"branchdesk"]);
}
