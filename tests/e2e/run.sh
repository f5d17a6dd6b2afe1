#!/usr/bin/env bash
# End-to-end tests: Debian's Chromium against browser mode, inside a D-Bus session with an unlocked
# gnome-keyring of their own, so that a profile's secret lands in a real keychain.
set -euo pipefail
cd "$(dirname "$0")/../.."
XDG_DATA_HOME=$(mktemp -d)
XDG_RUNTIME_DIR=$(mktemp -d)
export XDG_DATA_HOME XDG_RUNTIME_DIR
chmod 700 "$XDG_RUNTIME_DIR"
trap 'rm -rf "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"' EXIT
dbus-run-session -- bash -c 'echo -n mailprobe-e2e | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; npx vitest run --project e2e'
