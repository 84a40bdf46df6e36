#!/usr/bin/env bash
# Simulate a share flap: SIGKILL the sshfs daemon, then remount on the host. The host gets a new, live mount;
# glance_api keeps its private copy of the old, dead one (what a kolla host sees after an NFS/sshfs flap).
set -Eeuo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  require_root
  local started pid old_host old_ctr new_host ctr_now err
  started=$(now_ms)
  step flap "$LAB_LOG_DIR/sshfs.log"
  [[ $(share_state) == live ]] || die "share at $LAB_MOUNTPOINT is not live ($(share_state)); run lab/heal.sh first"
  pid=$(sshfs_pid)
  [[ -n $pid ]] || die "no sshfs daemon serves $LAB_MOUNTPOINT"
  old_host=$(host_majmin)
  old_ctr=$(container_majmin) || die "$LAB_CONTAINER is not running; run lab/up.sh first"

  kill -KILL "$pid"
  wait_until 5 pid_gone "$pid" || die "sshfs pid $pid survived SIGKILL"
  say "killed sshfs pid $pid (SIGKILL); host mount $old_host is now $(share_state)"
  unmount_dead_share
  mount_share
  new_host=$(host_majmin)
  ctr_now=$(container_majmin) || die "$LAB_CONTAINER stopped during the flap"
  say "host      $LAB_MOUNTPOINT: dev $new_host (new, $(share_state), sshfs pid $(sshfs_pid))"
  say "container $LAB_CONTAINER_MOUNT: dev $ctr_now (old: was $old_ctr before the flap)"
  [[ $ctr_now == "$old_ctr" && $ctr_now != "$new_host" ]] ||
    die "expected the container to keep the old dev $old_ctr, it has $ctr_now (host $new_host)"
  if err=$(timeout 10 docker exec "$LAB_CONTAINER" ls "$LAB_CONTAINER_DATADIR" 2>&1); then
    die "the container still reads $LAB_CONTAINER_DATADIR: the flap did not take"
  fi
  say "container: ls $LAB_CONTAINER_DATADIR -> ${err//$'\n'/ }"
  say "flap done in $(elapsed "$started"); heal with lab/heal.sh (restarts $LAB_CONTAINER)"
}

main "$@"
