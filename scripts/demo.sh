#!/usr/bin/env bash
# `npm start`: installs what is missing, builds the extension, then runs the
# demo (scripts/demo.ts): the lab, Chromium with the extension signed in to
# the demo account, a call placed from the lab console, answered, audio counted.
#
#   headless (no DISPLAY / WAYLAND_DISPLAY, or --headless): inside a private
#     network namespace that has only lo; screenshots in artifacts/demo/; exits.
#   headed (a display exists, or --headed): on this desktop, outside the
#     namespace (DESIGN.md §6); the browser stays open until Ctrl-C.
#
# Usage: npm start [-- --headless | --headed]
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

mode=""
for arg in "$@"; do
  case "$arg" in
    --headless) mode=headless ;;
    --headed) mode=headed ;;
    *)
      echo "usage: npm start [-- --headless | --headed]" >&2
      exit 2
      ;;
  esac
done
if [[ -z "$mode" ]]; then
  if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then mode=headed; else mode=headless; fi
fi
if [[ "$mode" == headed && -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "demo: --headed needs a display (DISPLAY or WAYLAND_DISPLAY); use --headless" >&2
  exit 2
fi

bash scripts/setup.sh
npm run --silent build

if [[ "$mode" == headless ]]; then
  exec bash scripts/netns-run.sh npx tsx scripts/demo.ts --headless
fi
exec npx tsx scripts/demo.ts
