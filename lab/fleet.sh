#!/usr/bin/env bash
# Three kolla "controllers" on this one machine, for the fleet view (--fleet). Each has its own sshd on
# 127.0.0.1:2231-2233, its own sshfs mount of the ONE export the main lab serves (/srv/glance-lab/fleet/ctrlN,
# so one host's share can flap while the others stay up), its own glance_api_ctrlN container (Glance on
# 9301-9303, the main lab's image, DB and Keystone) and its own settings (the sshd's SetEnv of the tool's
# GLANCE_INSPECTOR_* variables). The main share and the main glance_api are never touched.
#
#   lab/fleet.sh [up]     bring the three up, or repair them (idempotent; needs lab/up.sh first)
#   lab/fleet.sh flap N   SIGKILL ctrlN's sshfs and remount it: its host sees a new mount, its container the dead one
#   lab/fleet.sh unmount N unmount ctrlN's share and leave a local images dir with one file (a share that failed
#                         to mount at boot: Glance writes to the local disk); `up` removes it and mounts again
#   lab/fleet.sh freeze N SIGSTOP ctrlN's sshd and every session under it (its multiplexed connection hangs)
#   lab/fleet.sh thaw N   SIGCONT them
#   lab/fleet.sh status   one line a controller
set -Eeuo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FLEET_STATE_DIR=$LAB_STATE_DIR/fleet
FLEET_MOUNT_DIR=/srv/glance-lab/fleet
FLEET_KNOWN_HOSTS=$FLEET_STATE_DIR/known_hosts
FLEET_SSH_CONFIG=$FLEET_STATE_DIR/ssh_config
FLEET_INVENTORY=$FLEET_STATE_DIR/inventory
FLEET_HOSTS=(1 2 3)
# Beyond the main lab's packages (lab/up.sh installs those): become hosts are reached through sudo -n.
LAB_PACKAGES=(sudo)

fleet_mountpoint() { printf '%s/ctrl%s\n' "$FLEET_MOUNT_DIR" "$1"; }
fleet_dir() { printf '%s/ctrl%s\n' "$FLEET_STATE_DIR" "$1"; }
fleet_ssh_port() { printf '223%s\n' "$1"; }
fleet_glance_port() { printf '930%s\n' "$1"; }
fleet_container() { printf 'glance_api_ctrl%s\n' "$1"; }

# in_host N FUNCTION...: runs a lib.sh function with the lab's facts pointed at controller N.
in_host() {
  local n=$1
  shift
  local dir
  dir=$(fleet_dir "$n")
  LAB_MOUNTPOINT=$(fleet_mountpoint "$n") LAB_FSTAB=$dir/fstab LAB_CONTAINER=$(fleet_container "$n") \
    LAB_GLANCE_CONF_DIR=$dir/glance LAB_GLANCE_CONF=$dir/glance/glance-api.conf \
    LAB_GLANCE_URL=http://127.0.0.1:$(fleet_glance_port "$n") "$@"
}

require_main_lab() {
  step fleet-main-lab
  [[ $(share_state) == live ]] || die "the main share $LAB_MOUNTPOINT is $(share_state): run lab/up.sh first"
  docker image inspect "$LAB_IMAGE" >/dev/null 2>&1 || die "no $LAB_IMAGE: run lab/up.sh first"
  [[ -f $LAB_GLANCE_CONF ]] || die "no $LAB_GLANCE_CONF: run lab/up.sh first"
  done_step "main share live, $LAB_IMAGE present"
}

# ---------------------------------------------------------------- sshd, one a controller

fleet_sshd_pid() { pid_from_file "$(fleet_dir "$1")/sshd.pid" sshd; }

# The main lab's sshd config (lib.sh) on this controller's port, key and pid file, plus its settings.
write_fleet_sshd_config() {
  local n=$1 dir
  dir=$(fleet_dir "$n")
  LAB_SSHD_CONFIG=$dir/sshd_config.base LAB_SSHFS_PORT=$(fleet_ssh_port "$n") LAB_RUN_DIR=$dir write_sshd_config
  {
    cat "$dir/sshd_config.base"
    printf 'SetEnv GLANCE_INSPECTOR_DATADIR=%s/images GLANCE_INSPECTOR_MOUNTPOINT=%s GLANCE_INSPECTOR_CONTAINER=%s GLANCE_INSPECTOR_OPENRC=%s GLANCE_INSPECTOR_AUDIT_LOG=%s/audit.jsonl\n' \
      "$(fleet_mountpoint "$n")" "$(fleet_mountpoint "$n")" "$(fleet_container "$n")" "$LAB_OPENRC" "$dir"
  } | write_if_changed "$dir/sshd_config" 600
}

ensure_fleet_sshd() {
  local n=$1 dir pid log tree
  dir=$(fleet_dir "$n")
  log=$LAB_LOG_DIR/fleet-sshd-ctrl$n.log
  step "fleet-sshd-ctrl$n" "$log"
  [[ -f $dir/ssh_host_ed25519_key ]] || ssh-keygen -q -t ed25519 -N '' -C "glance-lab-ctrl$n" -f "$dir/ssh_host_ed25519_key"
  write_fleet_sshd_config "$n"
  if pid=$(fleet_sshd_pid "$n"); then
    mapfile -t tree < <(sshd_tree "$pid")
    kill -CONT "${tree[@]}"
    if ((LAB_CHANGED == 0)); then
      done_step "running (pid $pid) on 127.0.0.1:$(fleet_ssh_port "$n")"
      return
    fi
    stop_pid "$pid" 10
  fi
  ! port_open "$(fleet_ssh_port "$n")" || die "127.0.0.1:$(fleet_ssh_port "$n") is taken by a process that is not ctrl$n's sshd"
  mkdir -p /run/sshd
  /usr/sbin/sshd -t -f "$dir/sshd_config" >>"$log" 2>&1 || die "sshd -t rejected $dir/sshd_config"
  (detached /usr/sbin/sshd -f "$dir/sshd_config" -E "$log") </dev/null >/dev/null 2>>"$log" || die "sshd did not start"
  wait_until 10 port_open "$(fleet_ssh_port "$n")" || die "ctrl$n's sshd does not listen on 127.0.0.1:$(fleet_ssh_port "$n")"
  done_step "started (pid $(fleet_sshd_pid "$n")) on 127.0.0.1:$(fleet_ssh_port "$n")"
}

# What an operator's machine would have: known hosts, an ssh config and a kolla-style inventory of the three.
write_client_files() {
  step fleet-client-files
  local n
  for n in "${FLEET_HOSTS[@]}"; do
    printf '[127.0.0.1]:%s %s\n' "$(fleet_ssh_port "$n")" "$(cut -d' ' -f1,2 "$(fleet_dir "$n")/ssh_host_ed25519_key.pub")"
  done | write_if_changed "$FLEET_KNOWN_HOSTS" 644
  write_if_changed "$FLEET_SSH_CONFIG" 644 <<EOF
# glance-lab fleet: how the operator's ssh reaches the three controllers (ssh -F this file).
Host *
  IdentityFile $LAB_SSH_KEY
  IdentitiesOnly yes
  UserKnownHostsFile $FLEET_KNOWN_HOSTS
  StrictHostKeyChecking yes
EOF
  {
    printf '# glance-lab fleet: the three controllers, in kolla-ansible'"'"'s multinode form.\n[control]\n'
    for n in "${FLEET_HOSTS[@]}"; do printf 'ctrl%s ansible_host=127.0.0.1 ansible_port=%s ansible_user=root\n' "$n" "$(fleet_ssh_port "$n")"; done
    printf '\n[glance:children]\ncontrol\n\n[glance-api:children]\nglance\n'
  } | write_if_changed "$FLEET_INVENTORY" 644
  done_step "$FLEET_SSH_CONFIG, $FLEET_KNOWN_HOSTS, $FLEET_INVENTORY"
}

# A controller with ansible_become is reached through sudo -n, whose env_reset would drop the settings SetEnv gave.
ensure_fleet_sudoers() {
  step fleet-sudoers
  local file=/etc/sudoers.d/glance-lab-fleet tmp
  tmp=$(mktemp)
  printf '# glance-lab fleet: the tool keeps its per-controller settings under sudo -n.\nDefaults env_keep += "GLANCE_INSPECTOR_*"\n' >"$tmp"
  visudo -cqf "$tmp" || die "visudo rejected the fleet's sudoers line"
  chmod 440 "$tmp"
  if cmp -s "$tmp" "$file"; then rm -f "$tmp"; else mv -f "$tmp" "$file"; fi
  done_step "$file keeps GLANCE_INSPECTOR_* under sudo"
}

# ---------------------------------------------------------------- the share, one mount a controller

write_fleet_fstab() {
  local n=$1
  printf '%s %s fuse.sshfs noauto,_netdev,port=%s,IdentityFile=%s,UserKnownHostsFile=%s,StrictHostKeyChecking=yes,BatchMode=yes 0 0\n' \
    "$LAB_SSHFS_SOURCE" "$(fleet_mountpoint "$n")" "$LAB_SSHFS_PORT" "$LAB_SSH_KEY" "$LAB_KNOWN_HOSTS" |
    write_if_changed "$(fleet_dir "$n")/fstab" 644
}

ensure_fleet_share() {
  local n=$1 mp state
  mp=$(fleet_mountpoint "$n")
  step "fleet-share-ctrl$n" "$LAB_LOG_DIR/sshfs.log"
  write_fleet_fstab "$n"
  in_host "$n" host_majmin >/dev/null || mkdir -p "$mp"
  state=$(in_host "$n" share_state)
  # What `unmount` left on the local disk, never anything else: the marker says the directory is ours.
  if [[ $state == absent && -f $mp/.glance-lab-local ]]; then rm -rf "${mp:?}/images" "$mp/.glance-lab-local"; fi
  if [[ $state == hung ]]; then
    in_host "$n" thaw_sshfs
    state=$(in_host "$n" share_state)
  fi
  case $state in
    live)
      done_step "live at $mp (dev $(in_host "$n" host_majmin))"
      return
      ;;
    hung)
      local pid
      pid=$(in_host "$n" sshfs_pid)
      [[ -z $pid ]] || kill -KILL "$pid"
      in_host "$n" unmount_dead_share
      ;;
    dead) in_host "$n" unmount_dead_share ;;
  esac
  in_host "$n" mount_share
  done_step "mounted $LAB_SSHFS_SOURCE at $mp (dev $(in_host "$n" host_majmin))"
}

# ---------------------------------------------------------------- glance_api_ctrlN

ensure_fleet_glance() {
  local n=$1 dir
  dir=$(fleet_dir "$n")
  step "fleet-glance-ctrl$n"
  mkdir -p "$dir/glance"
  # The main lab's config, on this controller's port: the same DB, locks and Keystone user.
  sed "s/^bind_port = .*/bind_port = $(fleet_glance_port "$n")/" "$LAB_GLANCE_CONF" | write_if_changed "$dir/glance/glance-api.conf" 600
  in_host "$n" ensure_container
}

fleet_up() {
  local started n
  started=$(now_ms)
  require_main_lab
  ensure_packages
  mkdir -p "$FLEET_STATE_DIR" "$FLEET_MOUNT_DIR"
  for n in "${FLEET_HOSTS[@]}"; do mkdir -p "$(fleet_dir "$n")"; done
  for n in "${FLEET_HOSTS[@]}"; do ensure_fleet_sshd "$n"; done
  write_client_files
  ensure_fleet_sudoers
  for n in "${FLEET_HOSTS[@]}"; do ensure_fleet_share "$n"; done
  for n in "${FLEET_HOSTS[@]}"; do ensure_fleet_glance "$n"; done
  LAB_STEP=done
  say "fleet is up in $(elapsed "$started"): ssh -F $FLEET_SSH_CONFIG, inventory $FLEET_INVENTORY"
}

# ---------------------------------------------------------------- faults of one controller

host_number() {
  [[ ${1:-} =~ ^[123]$ ]] || die "expected a controller number 1-3, got '${1:-}'"
  printf '%s\n' "$1"
}

fleet_flap() {
  local n old_ctr new_host
  n=$(host_number "${1:-}")
  step "fleet-flap-ctrl$n" "$LAB_LOG_DIR/sshfs.log"
  [[ $(in_host "$n" share_state) == live ]] || die "ctrl$n's share is $(in_host "$n" share_state); run lab/fleet.sh first"
  old_ctr=$(in_host "$n" container_majmin) || die "$(fleet_container "$n") is not running; run lab/fleet.sh first"
  kill -KILL "$(in_host "$n" sshfs_pid)"
  in_host "$n" unmount_dead_share
  in_host "$n" mount_share
  new_host=$(in_host "$n" host_majmin)
  [[ $(in_host "$n" container_majmin) == "$old_ctr" && $old_ctr != "$new_host" ]] ||
    die "expected $(fleet_container "$n") to keep the old dev $old_ctr (host now $new_host)"
  done_step "ctrl$n: host $(fleet_mountpoint "$n") dev $new_host, $(fleet_container "$n") still on $old_ctr (stale)"
}

fleet_unmount() {
  local n mp
  n=$(host_number "${1:-}")
  mp=$(fleet_mountpoint "$n")
  step "fleet-unmount-ctrl$n" "$LAB_LOG_DIR/sshfs.log"
  [[ $(in_host "$n" share_state) == live ]] || die "ctrl$n's share is $(in_host "$n" share_state); run lab/fleet.sh first"
  umount "$mp" >>"$LAB_STEP_LOG" 2>&1 || die "umount $mp failed"
  touch "$mp/.glance-lab-local"
  mkdir -p "$mp/images"
  printf 'written while the share was not mounted\n' >"$mp/images/0f1e2d3c-4b5a-4968-8776-fleetl0ca1000"
  done_step "ctrl$n: $mp unmounted; $mp/images is on the local disk with 1 file"
}

# sshd_tree PID: the listener and every process under it (connections, sessions, the tool they run).
sshd_tree() {
  local pid=$1 child
  printf '%s\n' "$pid"
  # Children from /proc (the parent follows the state, after the command in parentheses, which may hold spaces).
  for child in $(awk -v parent="$pid" '{ pid = $1; rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " "); if (f[2] == parent) print pid }' \
    /proc/[0-9]*/stat 2>/dev/null || true); do sshd_tree "$child"; done
}

fleet_signal_sshd() {
  local n signal=$2 pid pids
  n=$(host_number "${1:-}")
  step "fleet-$3-ctrl$n"
  pid=$(fleet_sshd_pid "$n") || die "ctrl$n's sshd is not running; run lab/fleet.sh first"
  mapfile -t pids < <(sshd_tree "$pid")
  # A session may end between the listing and the signal; the listener itself must take it.
  kill "-$signal" "${pids[@]}" 2>/dev/null || kill "-$signal" "$pid"
  done_step "ctrl$n: SIG$signal to sshd ${pids[*]}"
}

fleet_status() {
  local n
  for n in "${FLEET_HOSTS[@]}"; do
    printf 'ctrl%s ssh=%s share=%s host_dev=%s container=%s container_dev=%s glance=%s\n' "$n" \
      "$(fleet_sshd_pid "$n" || echo none)" "$(in_host "$n" share_state)" "$(in_host "$n" host_majmin || echo none)" \
      "$(fleet_container "$n")" "$(in_host "$n" container_majmin || echo none)" "$(http_code "http://127.0.0.1:$(fleet_glance_port "$n")/healthcheck" 3)"
  done
}

main() {
  require_root
  case ${1:-up} in
    up) fleet_up ;;
    flap) fleet_flap "${2:-}" ;;
    unmount) fleet_unmount "${2:-}" ;;
    freeze) fleet_signal_sshd "${2:-}" STOP freeze ;;
    thaw) fleet_signal_sshd "${2:-}" CONT thaw ;;
    status) fleet_status ;;
    *) die "unknown command '$1': up, flap N, unmount N, freeze N, thaw N, status" ;;
  esac
}

main "$@"
