# shellcheck shell=bash
# Shared functions of the lab scripts. Sourced by them, never run on its own.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=env.sh
. "$LAB_DIR/env.sh"

LAB_PACKAGES=(docker.io sshfs fuse3 openssh-server glance-api keystone python3-openstackclient curl)
# The system python: glance/keystone libraries live there, not in a pyenv or venv that may shadow python3.
LAB_PYTHON=/usr/bin/python3
LAB_SCRIPT=${LAB_SCRIPT:-$(basename "$0" .sh)}
LAB_STEP=start
LAB_STEP_LOG=
LAB_STEP_STARTED=0
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

say() { printf '[%s] %s\n' "$LAB_SCRIPT" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$LAB_SCRIPT" "$*" >&2; }

die() {
  printf '[%s] FAILED at step "%s": %s\n' "$LAB_SCRIPT" "$LAB_STEP" "$*" >&2
  if [[ -n $LAB_STEP_LOG ]]; then
    printf '[%s] read: %s\n' "$LAB_SCRIPT" "$LAB_STEP_LOG" >&2
  fi
  exit 1
}

on_error() {
  local rc=$1 line=$2 cmd=$3
  die "command exited $rc at line $line: $cmd"
}
trap 'on_error $? $LINENO "$BASH_COMMAND"' ERR

now_ms() { date +%s%3N; }
elapsed() { local ms=$(($(now_ms) - $1)); printf '%d.%02ds' $((ms / 1000)) $((ms % 1000 / 10)); }

# step NAME [LOG]: names what runs now, so a failure says which step and which log to read.
step() {
  LAB_STEP=$1
  LAB_STEP_LOG=${2:-}
  LAB_STEP_STARTED=$(now_ms)
}
done_step() { say "$LAB_STEP: $* ($(elapsed "$LAB_STEP_STARTED"))"; }

# require_root also takes the lab lock (fd 9): two lab scripts at once (parallel tests) would race on mounts and
# docker. Daemons are started through detached(), which closes fd 9 and every other inherited descriptor.
require_root() {
  [[ $EUID -eq 0 ]] || die "must run as root (mounts, dockerd, sshd on port $LAB_SSHFS_PORT)"
  mkdir -p "$LAB_RUN_DIR"
  exec 9>"$LAB_RUN_DIR/lab.lock"
  flock -w 300 9 || die "another lab script held $LAB_RUN_DIR/lab.lock for 300 s"
}

# wait_until SECONDS COMMAND...: polls every 0.2 s; non-zero when it never succeeded.
wait_until() {
  local deadline=$(($(now_ms) + $1 * 1000))
  shift
  until "$@"; do
    (($(now_ms) < deadline)) || return 1
    sleep 0.2
  done
}

pid_gone() { ! pid_alive "$1"; }
pid_alive() { [[ -n ${1:-} && -d /proc/$1 ]] && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }

# pid_from_file FILE NAME: the pid in FILE if that process is alive and its comm is NAME.
pid_from_file() {
  local pid
  [[ -s $1 ]] || return 1
  pid=$(<"$1")
  pid_alive "$pid" && [[ $(<"/proc/$pid/comm") == "$2"* ]] && printf '%s\n' "$pid"
}

# stop_pid PID SECONDS: SIGTERM, then SIGKILL after SECONDS.
stop_pid() {
  local pid=$1
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until "$2" pid_gone "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 5 pid_gone "$pid" || true
  fi
}

# detached COMMAND...: runs COMMAND with only fds 0-2, so a daemon it leaves behind holds neither the lab lock nor
# a caller's pipe (a test runner waiting for EOF would hang). Redirect 0-2 at the call site.
detached() {
  local fd
  for fd in /proc/self/fd/*; do
    fd=${fd##*/}
    if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  exec "$@"
}

port_open() { timeout 1 bash -c ": </dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# write_if_changed FILE MODE < content: sets LAB_CHANGED=1 when the file was (re)written.
write_if_changed() {
  local file=$1 mode=$2 tmp
  tmp=$(mktemp "$file.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  if [[ -f $file ]] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    LAB_CHANGED=0
  else
    mv -f "$tmp" "$file"
    LAB_CHANGED=1
  fi
}

random_secret() { head -c 24 /dev/urandom | base64 | tr -d '/+=\n'; }

http_code() { curl -s -o /dev/null -m "${2:-5}" -w '%{http_code}' "$1" || true; }

ensure_dirs() {
  step dirs
  mkdir -p "$LAB_STATE_DIR" "$LAB_LOG_DIR" "$LAB_RUN_DIR" "$LAB_EXPORT_DATADIR" \
    "$LAB_GLANCE_CONF_DIR" "$LAB_GLANCE_STATE_DIR/lock" "$LAB_KEYSTONE_DIR" "$(dirname "$LAB_SSHD_CONFIG")"
  chmod 700 "$LAB_STATE_DIR"
  # Never touch a mounted mountpoint here: a dead or frozen share would fail or hang the stat.
  host_majmin >/dev/null || mkdir -p "$LAB_MOUNTPOINT"
}

# ---------------------------------------------------------------- packages

missing_packages() {
  local pkg status
  for pkg in "${LAB_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [[ $status == installed ]] || printf '%s\n' "$pkg"
  done
}

ensure_packages() {
  step packages "$LAB_LOG_DIR/apt.log"
  local missing guard=0
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    done_step "all installed"
    return
  fi
  say "packages: installing ${missing[*]} (log: $LAB_STEP_LOG)"
  # Keep the packages' own services (system keystone on :5000, glance-api on :9292, docker) from starting.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    guard=1
  fi
  local rc=0
  {
    apt-get -o DPkg::Lock::Timeout=600 update &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y "${missing[@]}"
  } >>"$LAB_STEP_LOG" 2>&1 </dev/null || rc=$?
  ((guard == 0)) || rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || die "apt-get failed (exit $rc)"
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]} == 0)) || die "still missing after apt-get: ${missing[*]}"
  done_step "installed"
}

# ---------------------------------------------------------------- dockerd

docker_ok() { timeout 10 docker info >/dev/null 2>&1; }

ensure_dockerd() {
  step dockerd "$LAB_LOG_DIR/dockerd.log"
  if docker_ok; then
    done_step "answering on $LAB_DOCKER_SOCK"
    return
  fi
  local pid
  if pid=$(pid_from_file "$LAB_DOCKERD_PIDFILE" dockerd); then
    say "dockerd: pid $pid exists but does not answer yet, waiting"
  else
    rm -f "$LAB_DOCKERD_PIDFILE"
    (detached setsid dockerd --host "unix://$LAB_DOCKER_SOCK" --pidfile "$LAB_DOCKERD_PIDFILE" \
      --bridge=none --iptables=false --ip-masq=false) >>"$LAB_STEP_LOG" 2>&1 </dev/null &
    pid=$!
    printf '%s\n' "$pid" >"$LAB_RUN_DIR/dockerd.started"
  fi
  wait_until 60 docker_ok || die "dockerd (pid $pid) did not answer 'docker info' within 60 s"
  done_step "started (pid $pid)"
}

# ---------------------------------------------------------------- sshd + sshfs share

sshd_pid() { pid_from_file "$LAB_RUN_DIR/sshd.pid" sshd; }

ensure_ssh_keys() {
  local host_key
  host_key=$(dirname "$LAB_SSHD_CONFIG")/ssh_host_ed25519_key
  [[ -f $LAB_SSH_KEY ]] || ssh-keygen -q -t ed25519 -N '' -C glance-lab-key -f "$LAB_SSH_KEY"
  [[ -f $host_key ]] || ssh-keygen -q -t ed25519 -N '' -C glance-lab-host -f "$host_key"
  printf '[127.0.0.1]:%s %s\n' "$LAB_SSHFS_PORT" "$(cut -d' ' -f1,2 "$host_key.pub")" |
    write_if_changed "$LAB_KNOWN_HOSTS" 644
  local pub
  pub=$(cut -d' ' -f1,2 "$LAB_SSH_KEY.pub")
  install -d -m 700 /root/.ssh
  touch /root/.ssh/authorized_keys
  chmod 600 /root/.ssh/authorized_keys
  if ! grep -qF "$pub" /root/.ssh/authorized_keys; then
    printf 'from="127.0.0.1" %s glance-lab-key\n' "$pub" >>/root/.ssh/authorized_keys
  fi
}

write_sshd_config() {
  write_if_changed "$LAB_SSHD_CONFIG" 600 <<EOF
# glance-lab: a private sshd on loopback that serves the sshfs share; the system sshd is untouched.
Port $LAB_SSHFS_PORT
ListenAddress 127.0.0.1
HostKey $(dirname "$LAB_SSHD_CONFIG")/ssh_host_ed25519_key
PidFile $LAB_RUN_DIR/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AuthorizedKeysFile .ssh/authorized_keys
Subsystem sftp internal-sftp
LogLevel INFO
EOF
}

ensure_sshd() {
  step sshd "$LAB_LOG_DIR/sshd.log"
  ensure_ssh_keys
  write_sshd_config
  local pid
  if pid=$(sshd_pid); then
    if ((LAB_CHANGED == 0)); then
      done_step "running (pid $pid) on 127.0.0.1:$LAB_SSHFS_PORT"
      return
    fi
    say "sshd: config changed, restarting pid $pid"
    stop_pid "$pid" 10
  fi
  ! port_open "$LAB_SSHFS_PORT" || die "127.0.0.1:$LAB_SSHFS_PORT is taken by a process that is not the lab's sshd"
  mkdir -p /run/sshd
  /usr/sbin/sshd -t -f "$LAB_SSHD_CONFIG" >>"$LAB_STEP_LOG" 2>&1 || die "sshd -t rejected $LAB_SSHD_CONFIG"
  # shellcheck disable=SC2094 # sshd -E appends its log there; its startup errors go to stderr, appended too
  (detached /usr/sbin/sshd -f "$LAB_SSHD_CONFIG" -E "$LAB_STEP_LOG") </dev/null >/dev/null 2>>"$LAB_STEP_LOG" ||
    die "sshd did not start"
  wait_until 10 port_open "$LAB_SSHFS_PORT" || die "sshd does not listen on 127.0.0.1:$LAB_SSHFS_PORT"
  timeout 10 ssh -p "$LAB_SSHFS_PORT" -i "$LAB_SSH_KEY" -o BatchMode=yes -o StrictHostKeyChecking=yes \
    -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" root@127.0.0.1 true >>"$LAB_STEP_LOG" 2>&1 ||
    die "key login to root@127.0.0.1:$LAB_SSHFS_PORT failed"
  done_step "started (pid $(sshd_pid)) on 127.0.0.1:$LAB_SSHFS_PORT"
}

fstab_line() {
  printf '%s %s fuse.sshfs noauto,_netdev,port=%s,IdentityFile=%s,UserKnownHostsFile=%s,StrictHostKeyChecking=yes,BatchMode=yes 0 0 %s\n' \
    "$LAB_SSHFS_SOURCE" "$LAB_MOUNTPOINT" "$LAB_SSHFS_PORT" "$LAB_SSH_KEY" "$LAB_KNOWN_HOSTS" "$LAB_FSTAB_MARK"
}

# The lab fstab is what the scripts mount from; /etc/fstab gets the same line because the tool under test reads it.
ensure_fstab() {
  local line
  line=$(fstab_line)
  printf '%s\n' "$line" | write_if_changed "$LAB_FSTAB" 644
  if ! grep -qxF "$line" "$LAB_SYSTEM_FSTAB" 2>/dev/null; then
    remove_system_fstab_line
    printf '%s\n' "$line" >>"$LAB_SYSTEM_FSTAB"
  fi
}

remove_system_fstab_line() {
  [[ -f $LAB_SYSTEM_FSTAB ]] || return 0
  if grep -q " $LAB_FSTAB_MARK\$" "$LAB_SYSTEM_FSTAB"; then
    local tmp
    tmp=$(mktemp)
    grep -v " $LAB_FSTAB_MARK\$" "$LAB_SYSTEM_FSTAB" >"$tmp" || true
    cat "$tmp" >"$LAB_SYSTEM_FSTAB"
    rm -f "$tmp"
  fi
}

# majmin_of MOUNTINFO MOUNTPOINT: major:minor of the top fuse.sshfs mount at MOUNTPOINT (reading mountinfo never hangs).
majmin_of() {
  awk -v mp="$2" '$5 == mp { for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "fuse.sshfs") m = $3 }
    END { if (m == "") exit 1; print m }' "$1" 2>/dev/null
}
host_majmin() { majmin_of /proc/self/mountinfo "$LAB_MOUNTPOINT"; }

# share_state: absent | live | dead (Transport endpoint is not connected) | hung (statfs blocks).
share_state() {
  host_majmin >/dev/null || { echo absent; return; }
  local rc=0
  timeout -k 1 3 stat -f -c %T "$LAB_MOUNTPOINT" >/dev/null 2>&1 || rc=$?
  case $rc in
    0) echo live ;;
    124 | 137) echo hung ;;
    *) echo dead ;;
  esac
}

share_is_live() { [[ $(share_state) == live ]]; }

# sshfs daemons serving the mountpoint, newest last (after a lazy umount an older one may still serve a container).
sshfs_pids() {
  local dir pid
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    [[ $(readlink "$dir/exe" 2>/dev/null) == */sshfs ]] || continue
    tr '\0' ' ' <"$dir/cmdline" 2>/dev/null | grep -qF " $LAB_MOUNTPOINT " || continue
    printf '%s %s\n' "$(awk '{print $22}' "$dir/stat")" "$pid"
  done | sort -n | awk '{print $2}'
}
sshfs_pid() { sshfs_pids | tail -n 1; }
proc_state() { awk '{print $3}' "/proc/$1/stat" 2>/dev/null; }

thaw_sshfs() {
  local pid
  for pid in $(sshfs_pids); do
    if [[ $(proc_state "$pid") == T ]]; then
      kill -CONT "$pid"
      say "thawed sshfs pid $pid"
    fi
  done
}

mount_share() {
  (detached mount --fstab "$LAB_FSTAB" "$LAB_MOUNTPOINT") >>"$LAB_LOG_DIR/sshfs.log" 2>&1 </dev/null ||
    die "mount of $LAB_MOUNTPOINT failed"
  wait_until 10 share_is_live || die "$LAB_MOUNTPOINT mounted but not live"
}

unmount_dead_share() {
  umount -l "$LAB_MOUNTPOINT" >>"$LAB_LOG_DIR/sshfs.log" 2>&1 ||
    fusermount -u -z "$LAB_MOUNTPOINT" >>"$LAB_LOG_DIR/sshfs.log" 2>&1 ||
    die "could not detach the dead mount at $LAB_MOUNTPOINT"
}

# ensure_share: live sshfs mount on the host, whatever state it was left in (absent, dead, frozen).
ensure_share() {
  step share "$LAB_LOG_DIR/sshfs.log"
  ensure_fstab
  local state
  state=$(share_state)
  if [[ $state == hung ]]; then
    thaw_sshfs
    state=$(share_state)
  fi
  case $state in
    live)
      done_step "live at $LAB_MOUNTPOINT (dev $(host_majmin), sshfs pid $(sshfs_pid))"
      return
      ;;
    hung)
      local pid
      pid=$(sshfs_pid)
      warn "share still hangs after thaw; killing sshfs pid ${pid:-?}"
      [[ -z $pid ]] || kill -KILL "$pid"
      unmount_dead_share
      ;;
    dead) unmount_dead_share ;;
  esac
  mount_share
  mkdir -p "$LAB_DATADIR"
  done_step "mounted $LAB_SSHFS_SOURCE at $LAB_MOUNTPOINT (dev $(host_majmin), sshfs pid $(sshfs_pid))"
}

# ---------------------------------------------------------------- container

container_field() { docker inspect -f "$1" "$LAB_CONTAINER" 2>/dev/null; }
container_pid() {
  local pid
  pid=$(container_field '{{.State.Pid}}') || return 1
  [[ $pid != 0 ]] && printf '%s\n' "$pid"
}
container_majmin() {
  local pid
  pid=$(container_pid) || return 1
  majmin_of "/proc/$pid/mountinfo" "$LAB_CONTAINER_MOUNT"
}

# container_fresh: running and sees the very mount the host has now.
container_fresh() {
  local host ctr
  host=$(host_majmin) || return 1
  ctr=$(container_majmin) || return 1
  [[ $host == "$ctr" ]]
}

ensure_image() {
  step image "$LAB_LOG_DIR/docker-import.log"
  if docker image inspect "$LAB_IMAGE" >/dev/null 2>&1; then
    done_step "$LAB_IMAGE present"
    return
  fi
  local root
  root=$(mktemp -d)
  # Almost empty rootfs: the host's /usr and /etc are bind-mounted at run time.
  mkdir -p "$root"/{usr,etc,proc,sys,dev,tmp,run,root,var/tmp,var/lib/glance}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  ln -s usr/bin "$root/bin"
  ln -s usr/sbin "$root/sbin"
  ln -s usr/lib "$root/lib"
  ln -s usr/lib64 "$root/lib64"
  tar -C "$root" -c . | docker import -m "glance-lab base rootfs" - "$LAB_IMAGE" >>"$LAB_STEP_LOG" 2>&1 ||
    die "docker import failed"
  rm -rf "$root"
  done_step "imported $LAB_IMAGE"
}

glance_answers() {
  local code
  code=$(http_code "$LAB_GLANCE_URL/v2/images" 3)
  [[ $code == 200 || $code == 401 ]]
}

# docker-init (tini, from the host's /usr) is PID 1 and forwards SIGTERM, like kolla's dumb-init; `--init` cannot
# be used because it mounts at /sbin, which is the read-only host /usr here.
container_args() {
  printf '%s\n' \
    --network host --restart unless-stopped \
    -v /usr:/usr:ro -v /etc:/etc:ro \
    -v "$LAB_MOUNTPOINT:$LAB_CONTAINER_MOUNT" \
    -v "$LAB_GLANCE_CONF_DIR:$LAB_GLANCE_CONF_DIR:ro" \
    -v "$LAB_GLANCE_STATE_DIR:$LAB_GLANCE_STATE_DIR" \
    --health-cmd "$LAB_PYTHON -c \"import urllib.request as u; u.urlopen('$LAB_GLANCE_URL/healthcheck', timeout=5)\"" \
    --health-interval 10s --health-timeout 6s --health-retries 3 --health-start-period 30s \
    "$LAB_IMAGE" /usr/bin/docker-init -- /usr/bin/glance-api --config-file "$LAB_GLANCE_CONF"
}

ensure_container() {
  step container "docker logs $LAB_CONTAINER"
  local args spec current status
  mapfile -t args < <(container_args)
  # The label pins run arguments and config: a change recreates the container, nothing else does.
  spec=$({ printf '%s\n' "${args[@]}"; cat "$LAB_GLANCE_CONF"; } | sha256sum | cut -c1-16)
  current=$(container_field '{{index .Config.Labels "glance-lab.spec"}}' || true)
  if [[ -n $current && $current != "$spec" ]]; then
    say "container: spec changed, recreating $LAB_CONTAINER"
    docker rm -f "$LAB_CONTAINER" >/dev/null
    current=
  fi
  if [[ -z $current ]]; then
    docker run -d --name "$LAB_CONTAINER" --label "glance-lab.spec=$spec" "${args[@]}" >/dev/null
    LAB_CONTAINER_ACTION="created"
  else
    status=$(container_field '{{.State.Status}}')
    if [[ $status != running ]]; then
      docker start "$LAB_CONTAINER" >/dev/null
      LAB_CONTAINER_ACTION="started (was $status)"
    elif ! container_fresh; then
      say "container: view of the share is stale (container $(container_majmin || echo none), host $(host_majmin)); restarting"
      docker restart "$LAB_CONTAINER" >/dev/null
      LAB_CONTAINER_ACTION="restarted (stale share view)"
    else
      LAB_CONTAINER_ACTION="running"
    fi
  fi
  wait_until 20 container_fresh ||
    die "$LAB_CONTAINER does not see the host's mount (container $(container_majmin || echo none), host $(host_majmin || echo none))"
  wait_until 90 glance_answers ||
    die "glance-api in $LAB_CONTAINER does not answer $LAB_GLANCE_URL/v2/images within 90 s"
  done_step "$LAB_CONTAINER $LAB_CONTAINER_ACTION, pid $(container_pid), share dev $(container_majmin), glance answers on $LAB_GLANCE_URL"
}

# ---------------------------------------------------------------- secrets, glance config

glance_password() { cat "$LAB_STATE_DIR/glance-password"; }

ensure_secrets() {
  (
    umask 077
    [[ -s $LAB_STATE_DIR/glance-password ]] || random_secret >"$LAB_STATE_DIR/glance-password"
    [[ -s $LAB_OPENRC ]] && exit 0
    # Same shape as kolla-ansible's /etc/kolla/admin-openrc.sh.
    cat >"$LAB_OPENRC" <<OPENRC
# Clear any old environment that may conflict.
for key in \$( set | awk '{FS="="}  /^OS_/ {print \$1}' ); do unset \$key ; done
export OS_PROJECT_DOMAIN_NAME='Default'
export OS_USER_DOMAIN_NAME='Default'
export OS_PROJECT_NAME='admin'
export OS_TENANT_NAME='admin'
export OS_USERNAME='admin'
export OS_PASSWORD='$(random_secret)'
export OS_AUTH_URL='http://127.0.0.1:$LAB_KEYSTONE_PORT'
export OS_INTERFACE='internal'
export OS_ENDPOINT_TYPE='internalURL'
export OS_IDENTITY_API_VERSION='3'
export OS_REGION_NAME='$LAB_REGION'
export OS_AUTH_PLUGIN='password'
OPENRC
  )
}

ensure_glance_config() {
  step glance-config "$LAB_LOG_DIR/glance-manage.log"
  write_if_changed "$LAB_GLANCE_CONF" 600 <<CONF
# glance-lab: glance-api inside the $LAB_CONTAINER container (paths are the same on the host and inside).
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $LAB_GLANCE_PORT
workers = 1
enabled_backends = file:file

[database]
connection = sqlite:///$LAB_GLANCE_STATE_DIR/glance.sqlite

[glance_store]
default_backend = file

[file]
filesystem_store_datadir = $LAB_CONTAINER_DATADIR

[oslo_concurrency]
lock_path = $LAB_GLANCE_STATE_DIR/lock

[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini

[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:$LAB_KEYSTONE_PORT
auth_url = http://127.0.0.1:$LAB_KEYSTONE_PORT
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = glance
password = $(glance_password)
region_name = $LAB_REGION
CONF
  local what="unchanged"
  ((LAB_CHANGED == 0)) || what="written"
  if [[ ! -f $LAB_GLANCE_STATE_DIR/db-synced ]]; then
    glance-manage --config-file "$LAB_GLANCE_CONF" db_sync >>"$LAB_STEP_LOG" 2>&1 || die "glance-manage db_sync failed"
    touch "$LAB_GLANCE_STATE_DIR/db-synced"
    what="$what, db_sync done"
  fi
  done_step "$LAB_GLANCE_CONF $what"
}

# ---------------------------------------------------------------- keystone

keystone_pid() { pid_from_file "$LAB_RUN_DIR/keystone.pid" keystone-wsgi; }
keystone_answers() { [[ $(http_code "$LAB_KEYSTONE_URL" 3) == 200 ]]; }
keystone_manage() { keystone-manage --config-file "$LAB_KEYSTONE_CONF" "$@" >>"$LAB_LOG_DIR/keystone-manage.log" 2>&1; }

# with_openrc COMMAND...: runs COMMAND with the admin credentials in its environment only.
with_openrc() {
  (
    set +u
    # shellcheck source=/dev/null
    . "$LAB_OPENRC"
    set -u
    "$@"
  )
}

write_keystone_config() {
  write_if_changed "$LAB_KEYSTONE_CONF" 600 <<CONF
# glance-lab: keystone on the host, served by keystone-wsgi-public on 127.0.0.1:$LAB_KEYSTONE_PORT.
[DEFAULT]

[database]
connection = sqlite:///$LAB_KEYSTONE_DIR/keystone.sqlite

[token]
provider = fernet

[fernet_tokens]
key_repository = $LAB_KEYSTONE_DIR/fernet-keys

[fernet_receipts]
key_repository = $LAB_KEYSTONE_DIR/fernet-keys

[credential]
key_repository = $LAB_KEYSTONE_DIR/credential-keys
CONF
}

bootstrap_keystone() {
  rm -f "$LAB_KEYSTONE_DIR"/keystone.sqlite*
  keystone_manage db_sync || die "keystone-manage db_sync failed"
  # SQLite's default journal makes concurrent requests fail with "database is locked".
  "$LAB_PYTHON" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")' \
    "$LAB_KEYSTONE_DIR/keystone.sqlite"
  mkdir -p "$LAB_KEYSTONE_DIR/fernet-keys" "$LAB_KEYSTONE_DIR/credential-keys"
  keystone_manage fernet_setup --keystone-user root --keystone-group root || die "keystone-manage fernet_setup failed"
  keystone_manage credential_setup --keystone-user root --keystone-group root ||
    die "keystone-manage credential_setup failed"
  # shellcheck disable=SC2016 # expanded by the inner bash, after the openrc is sourced
  # The password goes through the environment (OS_BOOTSTRAP_PASSWORD), never through argv.
  with_openrc bash -c 'OS_BOOTSTRAP_PASSWORD=$OS_PASSWORD exec "$@"' bootstrap \
    keystone-manage --config-file "$LAB_KEYSTONE_CONF" bootstrap \
    --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-admin-url "$LAB_KEYSTONE_URL" --bootstrap-internal-url "$LAB_KEYSTONE_URL" \
    --bootstrap-public-url "$LAB_KEYSTONE_URL" --bootstrap-region-id "$LAB_REGION" \
    >>"$LAB_LOG_DIR/keystone-manage.log" 2>&1 || die "keystone-manage bootstrap failed"
  touch "$LAB_KEYSTONE_DIR/bootstrapped"
}

ensure_keystone() {
  step keystone "$LAB_LOG_DIR/keystone-manage.log"
  write_keystone_config
  local pid what=""
  if [[ ! -f $LAB_KEYSTONE_DIR/bootstrapped ]]; then
    if pid=$(keystone_pid); then stop_pid "$pid" 10; fi
    bootstrap_keystone
    what="bootstrapped, "
  elif ((LAB_CHANGED == 1)) && pid=$(keystone_pid); then
    stop_pid "$pid" 10
  fi
  LAB_STEP_LOG=$LAB_LOG_DIR/keystone.log
  if pid=$(keystone_pid); then
    what="${what}running (pid $pid)"
  else
    ! port_open "$LAB_KEYSTONE_PORT" || die "127.0.0.1:$LAB_KEYSTONE_PORT is taken by a process that is not the lab's keystone"
    (
      export OS_KEYSTONE_CONFIG_FILES=$LAB_KEYSTONE_CONF
      detached setsid keystone-wsgi-public --host 127.0.0.1 --port "$LAB_KEYSTONE_PORT"
    ) >>"$LAB_STEP_LOG" 2>&1 </dev/null &
    pid=$!
    printf '%s\n' "$pid" >"$LAB_RUN_DIR/keystone.pid"
    what="${what}started (pid $pid)"
  fi
  wait_until 60 keystone_answers || die "keystone does not answer $LAB_KEYSTONE_URL within 60 s"
  done_step "$what on $LAB_KEYSTONE_URL"

  step keystone-resources "$LAB_LOG_DIR/keystone.log"
  local want
  want=$(printf '%s %s %s' "$(glance_password)" "$LAB_GLANCE_URL" "$LAB_REGION" | sha256sum | cut -c1-16)
  if [[ $(cat "$LAB_KEYSTONE_DIR/resources.done" 2>/dev/null) == "$want" ]]; then
    done_step "service project, glance user, image endpoints present"
    return
  fi
  GLANCE_PASSWORD=$(glance_password) with_openrc "$LAB_PYTHON" "$LAB_DIR/keystone.py" ensure >/dev/null ||
    die "keystone.py ensure failed"
  printf '%s\n' "$want" >"$LAB_KEYSTONE_DIR/resources.done"
  done_step "service project, glance user (admin), image service + public/internal endpoints $LAB_GLANCE_URL"
}

admin_token() { with_openrc "$LAB_PYTHON" "$LAB_DIR/keystone.py" token; }

# glance_images_code TOKEN: HTTP status of an authenticated image list (the token travels on stdin, not argv).
glance_images_code() {
  printf 'X-Auth-Token: %s\n' "$1" |
    curl -s -o /dev/null -m 10 -w '%{http_code}' -H @- "$LAB_GLANCE_URL/v2/images" || true
}

glance_accepts() { [[ $(glance_images_code "$1") == 200 ]]; }

verify_glance_auth() {
  step glance-auth "docker logs $LAB_CONTAINER"
  local token
  token=$(admin_token) || die "no admin token from keystone"
  wait_until 30 glance_accepts "$token" ||
    die "GET $LAB_GLANCE_URL/v2/images with an admin token: HTTP $(glance_images_code "$token")"
  done_step "token from keystone accepted by glance (GET /v2/images 200)"
}
