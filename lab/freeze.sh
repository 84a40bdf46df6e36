#!/usr/bin/env bash
# Hang the share: SIGSTOP the sshfs daemon, so statfs/readdir on the mount block until lab/thaw.sh.
set -Eeuo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  require_root
  step freeze
  local pid
  pid=$(sshfs_pid)
  [[ -n $pid ]] || die "no sshfs daemon serves $LAB_MOUNTPOINT"
  kill -STOP "$pid"
  say "froze sshfs pid $pid: stat/statfs/readdir on $LAB_MOUNTPOINT now block (undo: lab/thaw.sh)"
}

main "$@"
