#!/usr/bin/env bash
# Put the lab back to healthy after a flap or freeze: thaw, make the host mount live again, restart glance_api
# if its view of the share is stale, and wait for the Glance API.
set -Eeuo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  require_root
  local started
  started=$(now_ms)
  step thaw
  thaw_sshfs
  ensure_dockerd
  ensure_sshd
  ensure_share
  ensure_container
  LAB_STEP="done"
  say "healthy in $(elapsed "$started")"
}

main "$@"
