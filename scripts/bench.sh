#!/usr/bin/env bash
# Full benchmark runs, optimised builds. Prints figures and ratios against a
# baseline measured in the same run; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
(cd ui && trunk build --offline --release)
cargo build --release -p branchdesk -p branchdesk-desk -p branchdesk-server -p branchdesk-e2e --bins --locked
cargo build --release -p branchdesk-send --features test-server --bins --locked
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
"$target_dir/release/bench-write-path" --rows 10000
"$target_dir/release/bench-apply" --rows 100000 --page 200
"$target_dir/release/bench-timetable" --batches 200 --runs 30
"$target_dir/release/bench-front-desk" --students 100000 --import 10000
"$target_dir/release/bench-attendance" --batches 20 --runs 20
"$target_dir/release/bench-money" --students 10000 --runs 50
"$target_dir/release/bench-at-rest" --actions 2000 --students 20000 --repeat 20
"$target_dir/release/bench-messages" --messages 100000 --runs 20
"$target_dir/release/bench-assessment" --branches 10 --students 1000 --runs 20 --questions 1000
"$target_dir/release/bench-sender" --messages 2000
"$target_dir/release/bench-ingest" --ops 50000
"$target_dir/release/bench-sync-latency" --runs 20
"$target_dir/release/bench-first-sync" --rows 1000000
# PostgreSQL ingest: a throwaway cluster on a private socket folder.
pg_bin=$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | tail -n 1)")
pg_dir=$(mktemp -d)
as_pg=""
[ "$(id -u)" -eq 0 ] && { chown postgres:postgres "$pg_dir"; as_pg="runuser -u postgres --"; }
$as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
$as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -o "-p 5499 -k $pg_dir -c listen_addresses=''" -l "$pg_dir/log" -w start >/dev/null
"$target_dir/release/bench-ingest" --ops 50000 --database-url "host=$pg_dir port=5499 user=postgres dbname=postgres" || true
$as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null

display=":$(( 150 + RANDOM % 50 ))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
DISPLAY="$display" tauri-driver --port 4444 --native-port 4445 --native-driver /usr/bin/WebKitWebDriver >/dev/null 2>&1 &
driver_pid=$!
trap 'kill $driver_pid $xvfb_pid 2>/dev/null || true' EXIT
sleep 1
DISPLAY="$display" BRANCHDESK_APP="$target_dir/release/branchdesk" "$target_dir/release/bench-startup" --runs 5
