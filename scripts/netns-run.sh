#!/usr/bin/env bash
# Runs CMD inside a fresh private network namespace that has only `lo`, so
# that the lab, the browser and their test traffic never leave loopback
# (DESIGN.md §6). As root this is `unshare -n`; where that is refused (no
# CAP_SYS_ADMIN) an unprivileged user namespace maps us to root inside it.
# Fails loudly when neither works: end-to-end tests must never run unisolated.
#
# Usage: bash scripts/netns-run.sh CMD [ARGS...]
# Inside, NETNS_RUN_MODE is "root" or "user" (how the namespace was made).
set -euo pipefail

die() {
  echo "netns-run: $*" >&2
  exit 1
}

if [[ $# -eq 0 ]]; then
  die "usage: bash scripts/netns-run.sh CMD [ARGS...]"
fi

if [[ "${NETNS_RUN_INSIDE:-}" == 1 ]]; then
  unset NETNS_RUN_INSIDE
  ip link set lo up || die "cannot bring up lo inside the namespace"
  links="$(ip -o link show | awk -F': ' '{ print $2 }')"
  if [[ "$links" != "lo" ]]; then
    die "expected only 'lo' in the namespace, found: $(echo "$links" | tr '\n' ' ')"
  fi
  exec "$@"
fi

command -v unshare >/dev/null || die "unshare not found (Debian package util-linux)"
command -v ip >/dev/null || die "ip not found (Debian package iproute2)"

script="$(readlink -f "${BASH_SOURCE[0]}")"
if unshare -n true 2>/dev/null; then
  mode=(unshare -n)
  export NETNS_RUN_MODE=root
elif unshare --user --map-root-user --net true 2>/dev/null; then
  mode=(unshare --user --map-root-user --net)
  export NETNS_RUN_MODE=user
else
  die "cannot create a network namespace: 'unshare -n' and 'unshare --user --map-root-user --net' were both refused. Run as root, or enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces > 0)."
fi

NETNS_RUN_INSIDE=1 exec "${mode[@]}" -- bash "$script" "$@"
