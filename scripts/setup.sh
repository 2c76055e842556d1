#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need, and nothing when the machine
# is ready (idempotent, no apt work then):
#   - Node >= 20.19 (checked, never installed);
#   - the Debian packages of the lab and the browser (DESIGN.md §6): as root,
#     one `apt-get update` and one `apt-get install`; otherwise the exact
#     command to run is printed and the script fails;
#   - node_modules, with `npm ci` when it is missing or older than package-lock.json.
#
# Usage: bash scripts/setup.sh     (from anywhere; exit 0 = ready, 1 = not ready)
# CHROMIUM_PATH=/path/to/chromium makes the `chromium` package optional.
set -euo pipefail

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

say() { echo "setup: $*"; }
die() {
  echo "setup: $*" >&2
  exit 1
}

# --- Node ----------------------------------------------------------------
NODE_MIN=20.19.0
command -v node >/dev/null || die "Node.js >= $NODE_MIN is required and 'node' is not on PATH (see https://nodejs.org or Debian's nodesource packages)."
node_version="$(node -p 'process.versions.node')"
if ! node -e '
  const [a, b] = process.argv.slice(1).map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) process.exit(a[i] > b[i] ? 0 : 1);
' "$node_version" "$NODE_MIN"; then
  die "Node.js >= $NODE_MIN is required, found $node_version."
fi
command -v npm >/dev/null || die "npm is required and not on PATH (Debian package npm, or Node's own installer)."

# --- Debian packages -----------------------------------------------------
# chromium-l10n: Chromium's other UI languages (the Spanish test runs it with --lang=es;
# without the locale's .pak Chromium falls back to English, and so do extensions).
PACKAGES=(chromium chromium-l10n kamailio kamailio-websocket-modules kamailio-autheph-modules
  kamailio-extra-modules kamailio-utils-modules rtpengine-daemon baresip-core
  iproute2 procps util-linux)

installed() {
  if command -v dpkg-query >/dev/null; then
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
  else
    # Not a Debian system: judge by the commands the package provides (the
    # lab still checks Kamailio's modules itself when it starts).
    case "$1" in
      chromium) command -v chromium >/dev/null ;;
      chromium-l10n) [[ -e /usr/lib/chromium/locales/es.pak ]] ;;
      kamailio) PATH="$PATH:/usr/sbin:/sbin" command -v kamailio >/dev/null ;;
      rtpengine-daemon) command -v rtpengine >/dev/null ;;
      baresip-core) command -v baresip >/dev/null ;;
      iproute2) PATH="$PATH:/usr/sbin:/sbin" command -v ip >/dev/null ;;
      procps) command -v ps >/dev/null ;;
      util-linux) command -v unshare >/dev/null && command -v nsenter >/dev/null ;;
      *) return 0 ;;
    esac
  fi
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if [[ "$pkg" == chromium* && -n "${CHROMIUM_PATH:-}" && -x "${CHROMIUM_PATH}" ]]; then continue; fi
  installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
  install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ "$(id -u)" != 0 ]]; then
    die "missing Debian packages: ${missing[*]}. As root, run:
  apt-get update && $install_cmd"
  fi
  command -v apt-get >/dev/null || die "missing packages: ${missing[*]}, and apt-get is not available to install them."
  say "installing ${missing[*]} (apt-get)…"
  log="$(mktemp -t softphone-setup-apt.XXXXXX)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get update -q >"$log" 2>&1 || ! apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "could not install: ${missing[*]} (apt log: $log)"
  fi
  rm -f "$log"
  still=()
  for pkg in "${missing[@]}"; do installed "$pkg" || still+=("$pkg"); done
  ((${#still[@]} == 0)) || die "apt-get finished but these packages are still missing: ${still[*]}"
fi

# --- node_modules ----------------------------------------------------------
# npm writes node_modules/.package-lock.json on every install: it is the
# marker of when node_modules was last made from the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "npm ci…"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null || die "npm ci failed (its errors are above)"
fi

say "ready (node $node_version)"
