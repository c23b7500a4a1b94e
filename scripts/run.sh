#!/usr/bin/env bash
# Builds and starts the Branchdesk desk app, installing what a fresh
# Debian/Ubuntu machine lacks first. Extra arguments go to the app, e.g.
#   scripts/run.sh --data-dir /tmp/branchdesk-trial
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
echo "==> building the UI" >&2
(cd ui && trunk build --offline)
echo "==> building and starting the app" >&2
exec cargo run -p branchdesk -- "$@"
