#!/usr/bin/env bash
# Stop everything the lab started: glance_api, keystone, the sshfs mount, the lab sshd, dockerd (if the lab
# started it), and remove the lab's /etc/fstab line. The export keeps its files unless --wipe is given.
set -Eeuo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { printf 'usage: %s [--wipe]\n  --wipe  also delete the export contents and the glance database\n' "$0"; }

main() {
  local wipe=0 started pid
  case ${1:-} in
    "") ;;
    --wipe) wipe=1 ;;
    -h | --help) usage; return 0 ;;
    *) usage >&2; return 2 ;;
  esac
  require_root
  started=$(now_ms)

  step container "docker logs $LAB_CONTAINER"
  if docker_ok && docker inspect "$LAB_CONTAINER" >/dev/null 2>&1; then
    thaw_sshfs
    docker stop -t 30 "$LAB_CONTAINER" >/dev/null
    docker rm "$LAB_CONTAINER" >/dev/null
    done_step "removed $LAB_CONTAINER"
  else
    done_step "none"
  fi

  step keystone "$LAB_LOG_DIR/keystone.log"
  if pid=$(keystone_pid); then
    stop_pid "$pid" 10
    done_step "stopped pid $pid"
  else
    done_step "not running"
  fi

  step share "$LAB_LOG_DIR/sshfs.log"
  thaw_sshfs
  if host_majmin >/dev/null; then
    umount "$LAB_MOUNTPOINT" 2>>"$LAB_STEP_LOG" || unmount_dead_share
    done_step "unmounted $LAB_MOUNTPOINT"
  else
    done_step "not mounted"
  fi
  for pid in $(sshfs_pids); do
    stop_pid "$pid" 5
    say "share: stopped leftover sshfs pid $pid"
  done

  step sshd "$LAB_LOG_DIR/sshd.log"
  if pid=$(sshd_pid); then
    stop_pid "$pid" 10
    done_step "stopped pid $pid"
  else
    done_step "not running"
  fi

  step dockerd "$LAB_LOG_DIR/dockerd.log"
  pid=$(pid_from_file "$LAB_DOCKERD_PIDFILE" dockerd || true)
  if [[ -n $pid && $pid == "$(cat "$LAB_RUN_DIR/dockerd.started" 2>/dev/null)" ]]; then
    stop_pid "$pid" 30
    rm -f "$LAB_RUN_DIR/dockerd.started"
    done_step "stopped pid $pid"
  elif [[ -n $pid ]]; then
    done_step "pid $pid was not started by the lab: left running"
  else
    done_step "not running"
  fi

  step fstab "$LAB_SYSTEM_FSTAB"
  remove_system_fstab_line
  if [[ -f /root/.ssh/authorized_keys ]]; then
    sed -i '/ glance-lab-key$/d' /root/.ssh/authorized_keys
  fi
  done_step "removed the '$LAB_FSTAB_MARK' line and the lab key from /root/.ssh/authorized_keys"

  if ((wipe == 1)); then
    step wipe
    find "$LAB_EXPORT" -mindepth 1 -delete
    rm -f "$LAB_GLANCE_STATE_DIR"/glance.sqlite* "$LAB_GLANCE_STATE_DIR/db-synced"
    done_step "deleted the contents of $LAB_EXPORT and the glance database"
  fi
  LAB_STEP="done"
  say "lab is down in $(elapsed "$started")"
}

main "$@"
