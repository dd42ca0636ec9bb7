#!/usr/bin/env bash
# Takes a screenshot of the desktop app under Xvfb, as a person would see it.
# Needs: apt-get install -y xvfb imagemagick (and xdotool to click a tab).
# Usage: scripts/screenshot.sh OUT.png [PROJECT.ron] [TAB_X TAB_Y]
# Not part of CI: the tests drive the app headless with egui_kittest instead.
set -euo pipefail
out=$1
project=${2:-examples/manufacturer.ron}
cd "$(dirname "$0")/.."
cargo build --release --quiet
home=$(mktemp -d)   # a fresh profile: no restored session
Xvfb :97 -screen 0 1400x900x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$home"' EXIT
sleep 1
HOME=$home DISPLAY=:97 LIBGL_ALWAYS_SOFTWARE=1 target/release/incentives "$project" >/dev/null 2>&1 &
app=$!
sleep "${WAIT:-5}"
if [ $# -ge 4 ]; then
  DISPLAY=:97 xdotool mousemove "$3" "$4" click 1
  sleep 1.5
fi
DISPLAY=:97 import -window root "$out"
kill $app 2>/dev/null || true
