#!/usr/bin/env bash
# Undo lab/freeze.sh: SIGCONT every stopped sshfs daemon of the share.
set -Eeuo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  require_root
  step thaw
  local pid thawed=0
  for pid in $(sshfs_pids); do
    if [[ $(proc_state "$pid") == T ]]; then
      kill -CONT "$pid"
      say "thawed sshfs pid $pid"
      thawed=1
    fi
  done
  ((thawed == 1)) || say "no stopped sshfs daemon for $LAB_MOUNTPOINT (pids: $(sshfs_pids | tr '\n' ' '))"
  wait_until 5 share_is_live || die "share at $LAB_MOUNTPOINT is $(share_state) after thaw; try lab/heal.sh"
  say "share is live"
}

main "$@"
