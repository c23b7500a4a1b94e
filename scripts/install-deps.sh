#!/usr/bin/env bash
# Installs what building, running and testing Branchdesk needs on a fresh
# Debian/Ubuntu machine. Every step is skipped when its tool is already there,
# so a warm machine pays nothing.  Usage: scripts/install-deps.sh [--test]
#   --test   also the UI-test tools (Xvfb, WebKitWebDriver, tauri-driver),
#            the screenshot helper, PostgreSQL for the server tests and an
#            SMTP server (aiosmtpd) for the message tests.
set -euo pipefail

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in ui/Cargo.toml
TAURI_DRIVER_VERSION=2.1.0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

say() { printf '==> %s\n' "$*" >&2; }

apt_pkgs=(libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev libdbus-1-dev
          libayatana-appindicator3-dev librsvg2-dev libxdo-dev)
if [ "$want_test" = 1 ]; then
  # poppler-utils: pdftotext reads the receipt PDFs the money tests print.
  # python3-aiosmtpd: the real SMTP server the message tests send to.
  apt_pkgs+=(xvfb xauth webkit2gtk-driver imagemagick poppler-utils python3-aiosmtpd)
  # The server tests start a throwaway PostgreSQL cluster.
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt_pkgs+=(postgresql)
  fi
fi
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

has_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"; }

if ! has_version trunk "$TRUNK_VERSION"; then
  say "building trunk $TRUNK_VERSION (a few minutes, once)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi
if ! has_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  say "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (once)"
  # not --locked: its lock file names a webpki-roots version the registry lacks
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if [ "$want_test" = 1 ] && ! has_version tauri-driver "$TAURI_DRIVER_VERSION"; then
  say "building tauri-driver $TAURI_DRIVER_VERSION (once)"
  cargo install --locked tauri-driver --version "$TAURI_DRIVER_VERSION"
fi
