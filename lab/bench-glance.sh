#!/usr/bin/env bash
# The benchmark's own Glance: a second glance-api on the host at 127.0.0.1:9293, no auth, its own sqlite, its
# datadir on the share. The lab's Glance (9292) stays small because the lab tests list it. Idempotent.
# `lab/bench-glance.sh` starts it (or checks it is up); `lab/bench-glance.sh stop` stops it.
set -Eeuo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_DIR=$LAB_STATE_DIR/bench
BENCH_CONF=$BENCH_DIR/glance-api.conf
BENCH_PIDFILE=$BENCH_DIR/glance-api.pid
BENCH_LOG=$LAB_LOG_DIR/bench-glance-api.log
BENCH_PORT=9293
BENCH_URL=http://127.0.0.1:$BENCH_PORT
BENCH_DATADIR=$LAB_MOUNTPOINT/bench-images

bench_answers() { [[ $(http_code "$BENCH_URL/v2/images?limit=1" 3) == 200 ]]; }

ensure_bench_config() {
  step bench-config "$BENCH_LOG"
  mkdir -p "$BENCH_DIR/lock" "$BENCH_DATADIR"
  write_if_changed "$BENCH_CONF" 600 <<CONF
# glance-lab bench: a second glance-api on the host, without auth, for 10,000 images.
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $BENCH_PORT
workers = 1
enabled_backends = file:file
api_limit_max = 1000

[database]
connection = sqlite:///$BENCH_DIR/glance.sqlite

[glance_store]
default_backend = file

[file]
filesystem_store_datadir = $BENCH_DATADIR

[os_glance_staging_store]
filesystem_store_datadir = $BENCH_DIR/staging

[os_glance_tasks_store]
filesystem_store_datadir = $BENCH_DIR/tasks

[oslo_concurrency]
lock_path = $BENCH_DIR/lock

[paste_deploy]
flavor =
config_file = /etc/glance/glance-api-paste.ini
CONF
  if [[ ! -f $BENCH_DIR/db-synced ]]; then
    glance-manage --config-file "$BENCH_CONF" db_sync >>"$BENCH_LOG" 2>&1 || die "glance-manage db_sync failed"
    # Many writers at once: WAL keeps readers (the listing) from waiting on each insert.
    $LAB_PYTHON -c "import sqlite3; sqlite3.connect('$BENCH_DIR/glance.sqlite').execute('pragma journal_mode=wal')"
    touch "$BENCH_DIR/db-synced"
  fi
  done_step "$BENCH_CONF"
}

start_bench_glance() {
  step bench-glance "$BENCH_LOG"
  local pid
  if pid=$(pid_from_file "$BENCH_PIDFILE" glance-api) && bench_answers; then
    done_step "glance-api pid $pid answers on $BENCH_URL"
    return
  fi
  [[ -z ${pid:-} ]] || stop_pid "$pid" 10
  (detached /usr/bin/glance-api --config-file "$BENCH_CONF" </dev/null >>"$BENCH_LOG" 2>&1 &
    echo $! >"$BENCH_PIDFILE")
  wait_until 90 bench_answers || die "the bench glance-api does not answer $BENCH_URL within 90 s"
  done_step "glance-api pid $(<"$BENCH_PIDFILE") answers on $BENCH_URL, datadir $BENCH_DATADIR"
}

main() {
  require_root
  if [[ ${1:-} == stop ]]; then
    step bench-stop
    local pid
    pid=$(pid_from_file "$BENCH_PIDFILE" glance-api) && stop_pid "$pid" 10
    done_step "bench glance-api stopped"
    return
  fi
  ensure_bench_config
  start_bench_glance
}

main "$@"
