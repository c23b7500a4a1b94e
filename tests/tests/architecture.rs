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
fn the_print_crate_draws_documents_and_knows_no_database_or_network() {
    let g = graph(HOST);
    let deps = g.closure("branchdesk-print");
    for forbidden in ["branchdesk-desk", "rusqlite", "tokio", "reqwest", "tauri"] {
        assert!(!deps.contains(forbidden), "branchdesk-print depends on {forbidden}");
    }
}

#[test]
fn only_the_shell_depends_on_tauri() {
    let g = graph(HOST);
    let members = [
        "branchdesk-api",
        "branchdesk-channels",
        "branchdesk-desk",
        "branchdesk-print",
        "branchdesk-send",
        "branchdesk-ui",
        "branchdesk-e2e",
        "branchdesk",
    ];
    let with_tauri: Vec<_> = members.iter().filter(|m| g.direct(m).contains("tauri")).collect();
    assert_eq!(with_tauri, vec![&"branchdesk"]);
}

#[test]
fn the_server_never_depends_on_the_desk_and_sync_never_on_tauri() {
    let g = graph(HOST);
    assert!(
        !g.closure("branchdesk-server").contains("branchdesk-desk"),
        "the server depends on the desk crate"
    );
    let sync = g.closure("branchdesk-sync");
    assert!(!sync.contains("tauri") && !sync.contains("wry"), "the sync client depends on Tauri");
    let send = g.closure("branchdesk-send");
    assert!(!send.contains("tauri") && !send.contains("wry"), "the sender depends on Tauri");
    // The channels serve the server too: no database, no desk.
    let channels = g.closure("branchdesk-channels");
    for forbidden in ["branchdesk-desk", "rusqlite", "tauri"] {
        assert!(!channels.contains(forbidden), "branchdesk-channels depends on {forbidden}");
    }
}

/// The top-level modules of `crates/desk/src` each names (`use crate::x`,
/// `crate::x::…`, `use crate::{x, …}`), leaving out the root's re-exports
/// (`crate::Desk`, `crate::Error`, …: not modules). Calls between
/// services through `impl Desk` methods are not imports.
fn desk_module_imports() -> Imports {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                files(&p, out)
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p)
            }
        }
    }
    let src = branchdesk_e2e::workspace_root().join("crates/desk/src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let top = |p: &std::path::Path| -> Option<String> {
        let rel = p.strip_prefix(&src).ok()?;
        let first = rel.components().next()?.as_os_str().to_str()?.trim_end_matches(".rs").to_owned();
        (!["lib", "bin"].contains(&first.as_str())).then_some(first)
    };
    let modules: BTreeSet<String> = all.iter().filter_map(|p| top(p)).collect();
    let ident =
        |s: &str| s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>();
    let mut graph = std::collections::BTreeMap::new();
    for p in &all {
        let Some(from) = top(p) else { continue };
        let text = std::fs::read_to_string(p).unwrap();
        let deps: &mut BTreeSet<String> = graph.entry(from.clone()).or_default();
        for (i, _) in text.match_indices("crate::") {
            let rest = &text[i + 7..];
            let names: Vec<String> = if let Some(group) = rest.strip_prefix('{') {
                group.split('}').next().unwrap_or("").split(',').map(|n| ident(n.trim())).collect()
            } else {
                vec![ident(rest)]
            };
            for n in names {
                if n != from && modules.contains(&n) {
                    deps.insert(n);
                }
            }
        }
    }
    graph
}

type Imports = std::collections::BTreeMap<String, BTreeSet<String>>;

/// Tarjan's walk: each module's visit order and the lowest it reaches.
#[derive(Default)]
struct Walk {
    next: usize,
    seen: HashMap<String, (usize, usize)>,
    stack: Vec<String>,
    on_stack: BTreeSet<String>,
    circles: Vec<BTreeSet<String>>,
}

impl Walk {
    fn visit(&mut self, v: &str, g: &Imports) {
        self.seen.insert(v.to_owned(), (self.next, self.next));
        self.next += 1;
        self.stack.push(v.to_owned());
        self.on_stack.insert(v.to_owned());
        for w in g.get(v).into_iter().flatten() {
            let reach = if !self.seen.contains_key(w) {
                self.visit(w, g);
                self.seen[w].1
            } else if self.on_stack.contains(w) {
                self.seen[w].0
            } else {
                continue;
            };
            let low = self.seen[v].1.min(reach);
            self.seen.get_mut(v).unwrap().1 = low;
        }
        if self.seen[v].0 == self.seen[v].1 {
            let mut group = BTreeSet::new();
            while let Some(w) = self.stack.pop() {
                self.on_stack.remove(&w);
                let done = w == v;
                group.insert(w);
                if done {
                    break;
                }
            }
            if group.len() > 1 {
                self.circles.push(group);
            }
        }
    }
}

/// Groups of modules that import one another in a circle.
fn cycles(graph: &Imports) -> Vec<BTreeSet<String>> {
    let mut walk = Walk::default();
    for v in graph.keys() {
        if !walk.seen.contains_key(v) {
            walk.visit(v, graph);
        }
    }
    walk.circles
}

#[test]
fn no_desk_modules_import_one_another_in_a_circle() {
    let graph = desk_module_imports();
    assert!(graph.len() > 10, "the desk's modules were found: {:?}", graph.keys());
    let circles = cycles(&graph);
    assert!(
        circles.is_empty(),
        "these desk modules import one another in a circle (a service that spans areas sits above \
         them, a shared type below them; ARCHITECTURE.md): {circles:?}"
    );
    // The scan itself: a made-up circle is found.
    let mut g = std::collections::BTreeMap::new();
    g.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    g.insert("b".to_owned(), BTreeSet::from(["a".to_owned()]));
    g.insert("c".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(cycles(&g), vec![BTreeSet::from(["a".to_owned(), "b".to_owned()])]);
}
