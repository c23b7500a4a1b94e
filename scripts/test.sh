#!/usr/bin/env bash
# Runs every check: formatting, clippy (host and wasm32), all tests including
# the UI tests in the real app window (Xvfb + tauri-driver + WebKitWebDriver),
# and the benchmarks in a short smoke mode. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scripts/install-deps.sh --test

# Every platform's crates, so that trunk's offline build finds them on a new machine.
cargo fetch --locked >/dev/null

step() { printf '\n==> %s\n' "$*" >&2; }

step "formatting"
cargo fmt --all --check

step "building the UI (wasm32, trunk)"
(cd ui && trunk build --offline)

step "clippy, host"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "clippy, wasm32 (the UI and the crate it depends on)"
cargo clippy -p branchdesk-ui -p branchdesk-api --target wasm32-unknown-unknown --locked -- -D warnings

step "building the app"
cargo build -p branchdesk --locked
target_dir="${CARGO_TARGET_DIR:-$root/target}"
export BRANCHDESK_APP="$target_dir/debug/branchdesk"

step "starting a display and the WebDriver"
display=""
for n in $(seq 99 140); do
  if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then display=":$n"; break; fi
done
[ -n "$display" ] || { echo "no free X display number" >&2; exit 1; }
logs=$(mktemp -d)
Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp >"$logs/xvfb.log" 2>&1 &
xvfb_pid=$!
DISPLAY="$display" tauri-driver --port 4444 --native-port 4445 --native-driver /usr/bin/WebKitWebDriver >"$logs/driver.log" 2>&1 &
driver_pid=$!
cleanup() {
  kill "$driver_pid" "$xvfb_pid" 2>/dev/null || true
  pkill -P "$driver_pid" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 50); do
  (exec 3<>/dev/tcp/127.0.0.1/4444) 2>/dev/null && break
  sleep 0.2
done
(exec 3<>/dev/tcp/127.0.0.1/4444) 2>/dev/null || { cat "$logs/driver.log" >&2; echo "tauri-driver did not start" >&2; exit 1; }

step "tests (screenshots go to target/ui-screenshots/)"
DISPLAY="$display" BRANCHDESK_UI_TESTS=1 cargo test --workspace --locked -- --test-threads=1

step "benchmarks, smoke mode (full runs: scripts/bench.sh)"
cargo run -q -p branchdesk-desk --bin bench-write-path --locked -- --rows 300
cargo run -q -p branchdesk-desk --bin bench-apply --locked -- --rows 2000 --page 200
cargo run -q -p branchdesk-desk --bin bench-timetable --locked -- --batches 20 --runs 3
cargo run -q -p branchdesk-desk --bin bench-front-desk --locked -- --students 2000 --import 1000
cargo run -q -p branchdesk-desk --bin bench-attendance --locked -- --batches 1 --runs 2
cargo run -q -p branchdesk-desk --bin bench-money --locked -- --students 300 --runs 5 --staff 6
cargo run -q -p branchdesk-desk --bin bench-at-rest --locked -- --actions 100 --students 300 --repeat 2
cargo run -q -p branchdesk-desk --bin bench-messages --locked -- --messages 3000 --runs 5
cargo run -q -p branchdesk-desk --bin bench-assessment --locked -- --branches 2 --students 100 --runs 3 --questions 300
cargo run -q -p branchdesk-send --bin bench-sender --features test-server --locked -- --messages 200
cargo run -q -p branchdesk-server --bin bench-ingest --locked -- --ops 2000
cargo run -q -p branchdesk-e2e --bin bench-sync-latency --locked -- --runs 3
cargo run -q -p branchdesk-e2e --bin bench-first-sync --locked -- --rows 5000
DISPLAY="$display" cargo run -q -p branchdesk-e2e --bin bench-startup --locked -- --runs 1

echo "all checks passed" >&2
