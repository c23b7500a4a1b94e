#!/usr/bin/env bash
# Mutation testing where a surviving mutant is a bug a user would meet:
# money, the sync applier and merge, attendance ids, and the server's
# authorisation. cargo-mutants changes one operator or return value at a
# time and runs the package's tests; a mutant no test notices is "missed".
# Missed mutants listed in scripts/mutants-equivalent.txt (with why no
# behaviour changes) are not counted. Not part of .ci/run: it takes hours
# at full size. Usage:
#   scripts/mutants.sh                 every file below
#   scripts/mutants.sh money/settle.rs only files whose path contains this
# Each mutant may take MUTANT_TIMEOUT seconds of tests (default 600).
# MUTANTS_RE limits the run to mutants whose name matches (a file and its
# lines, say 'authz.rs:2[6-9][0-9]:'), to check what a change touched.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/branchdesk/target}"

MUTANTS_VERSION=27.1.0
if ! cargo mutants --version 2>/dev/null | grep -q "$MUTANTS_VERSION"; then
  echo "==> building cargo-mutants $MUTANTS_VERSION (once)" >&2
  cargo install --locked cargo-mutants --version "$MUTANTS_VERSION"
fi

# package: files (relative to the package)
desk_files=(
  src/money/settle.rs src/money/dues.rs src/money/numbers.rs src/money/mod.rs
  src/money/payroll.rs src/money/salary_payments.rs src/money/reviews.rs src/money/daybook.rs
  src/money/invoices.rs src/money/expenses.rs
  src/sync/apply.rs src/sync/unique.rs src/sync/snapshot.rs
  src/attendance/store.rs src/attendance/mod.rs
)
server_files=(src/authz.rs src/store/mod.rs)
filter="${1:-}"
out=target/mutants
mkdir -p "$out"

run() {
  local package=$1 dir=$2; shift 2
  local args=()
  for f in "$@"; do
    # cargo-mutants reads --file from the workspace root, wherever it runs.
    if [ -z "$filter" ] || [[ "$f" == *"$filter"* ]]; then args+=(--file "$dir/$f"); fi
  done
  [ "${#args[@]}" -gt 0 ] || return 0
  echo "==> $package: ${#args[@]} file(s)" >&2
  # In place: the shared, warm build cache serves every mutant. The exit
  # code says mutants were missed; the summary below decides.
  local only=()
  [ -z "${MUTANTS_RE:-}" ] || only=(--re "$MUTANTS_RE")
  (cd "$dir" && cargo mutants --in-place --no-shuffle --timeout "${MUTANT_TIMEOUT:-600}" \
      --output "../../$out/$package" "${only[@]}" "${args[@]}") || true
}

run branchdesk-desk crates/desk "${desk_files[@]}"
run branchdesk-server crates/server "${server_files[@]}"

# caught / missed / timed out per file; missed ones not on the equivalent list.
equivalent=scripts/mutants-equivalent.txt
summary() {
  local kind=$1
  cat "$out"/*/mutants.out/"$kind.txt" 2>/dev/null | sed -E 's/:[0-9]+:[0-9]+:.*//' | sort | uniq -c
}
echo
echo "caught per file:";    summary caught
echo "missed per file:";    summary missed
echo "timed out per file:"; summary timeout
unexplained=$(cat "$out"/*/mutants.out/missed.txt 2>/dev/null | while IFS= read -r m; do
  key=$(printf '%s' "$m" | sed -E 's/^([^:]+):[0-9]+:[0-9]+: /\1: /')
  grep -qF "$key" "$equivalent" || printf '%s\n' "$m"
done)
if [ -n "$unexplained" ]; then
  echo
  echo "missed, and not listed as equivalent in $equivalent:"
  printf '%s\n' "$unexplained"
  exit 1
fi
echo "no missed mutant outside $equivalent"
