#!/usr/bin/env bash
# The monitoring lab: Debian's prometheus-node-exporter (textfile collector only) on 127.0.0.1:19100 and
# prometheus on 127.0.0.1:19090, scraping it every second and loading the repo's shipped alert rules.
# Idempotent: installs what is missing, starts what is not running, reloads the rules on every call.
# Prints key=value lines at the end (textfile directory, URLs) for the tests.
set -euo pipefail
LAB_SCRIPT=monitoring
. "$(dirname "$0")/lib.sh"
trap on_error ERR

LAB_PACKAGES=(prometheus prometheus-node-exporter nagios4-core curl)
MON_DIR=$LAB_STATE_DIR/monitoring
MON_TEXTFILE_DIR=$MON_DIR/textfile
MON_PROM_DATA=$MON_DIR/prometheus-data
MON_PROM_CONFIG=$MON_DIR/prometheus.yml
MON_EXPORTER_ADDRESS=127.0.0.1:19100
MON_PROMETHEUS_ADDRESS=127.0.0.1:19090
MON_REPO=$(cd "$LAB_DIR/.." && pwd)
MON_RULES=$MON_REPO/monitoring/glance-inspector.rules.yml
MON_NAGIOS_DIR=$MON_DIR/nagios
MON_NAGIOS_HOST=lab-controller
MON_NAGIOS_SERVICE=glance-inspector

require_root
mkdir -p "$LAB_LOG_DIR" "$MON_TEXTFILE_DIR" "$MON_PROM_DATA"
# nagios4-core's recommends (all of monitoring-plugins, samba, rpcbind) are not needed to run one check.
APT_CONFIG=$MON_DIR/apt.conf
printf 'APT::Install-Recommends "false";\n' >"$APT_CONFIG"
export APT_CONFIG
ensure_packages

ensure_node_exporter() {
  step node-exporter "$LAB_LOG_DIR/node-exporter.log"
  local pid
  if pid=$(pid_from_file "$MON_DIR/node-exporter.pid" prometheus-node) && port_open "${MON_EXPORTER_ADDRESS##*:}"; then
    done_step "running (pid $pid)"
    return
  fi
  (detached /usr/bin/prometheus-node-exporter --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$MON_TEXTFILE_DIR" --web.listen-address="$MON_EXPORTER_ADDRESS") \
    </dev/null >>"$LAB_STEP_LOG" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$MON_DIR/node-exporter.pid"
  wait_until 20 port_open "${MON_EXPORTER_ADDRESS##*:}" || die "node exporter did not listen on $MON_EXPORTER_ADDRESS within 20 s"
  done_step "started (pid $pid)"
}

ensure_prometheus() {
  step prometheus "$LAB_LOG_DIR/prometheus.log"
  write_if_changed "$MON_PROM_CONFIG" 644 <<EOF
# The lab's Prometheus: scrapes the lab node exporter every second and evaluates the shipped rules as often.
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $MON_RULES
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['$MON_EXPORTER_ADDRESS']
EOF
  local pid
  if pid=$(pid_from_file "$MON_DIR/prometheus.pid" prometheus) && port_open "${MON_PROMETHEUS_ADDRESS##*:}"; then
    # The rules may have changed in the work tree since it started: a reload costs nothing.
    curl -fsS -m 10 -X POST "http://$MON_PROMETHEUS_ADDRESS/-/reload" >/dev/null || die "prometheus (pid $pid) refused to reload its rules; read $LAB_STEP_LOG"
    done_step "running (pid $pid), rules reloaded"
    return
  fi
  (detached /usr/bin/prometheus --config.file="$MON_PROM_CONFIG" --storage.tsdb.path="$MON_PROM_DATA" \
    --web.listen-address="$MON_PROMETHEUS_ADDRESS" --web.enable-lifecycle --storage.tsdb.retention.time=1d) \
    </dev/null >>"$LAB_STEP_LOG" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$MON_DIR/prometheus.pid"
  wait_until 60 curl -fs -m 2 -o /dev/null "http://$MON_PROMETHEUS_ADDRESS/-/ready" || die "prometheus did not get ready on $MON_PROMETHEUS_ADDRESS within 60 s"
  done_step "started (pid $pid)"
}

# Nagios runs the check as a service of one host, only when told to (SCHEDULE_FORCED_SVC_CHECK on its command
# pipe): no host checks, no notifications, no state kept between starts; status.dat says what it recorded.
ensure_nagios() {
  step nagios "$LAB_LOG_DIR/nagios.log"
  local dir=$MON_NAGIOS_DIR changed
  mkdir -p "$dir/checkresults"
  write_if_changed "$dir/nagios.cfg" 644 <<EOF
log_file=$dir/nagios.log
cfg_file=$dir/objects.cfg
object_cache_file=$dir/objects.cache
precached_object_file=$dir/objects.precache
status_file=$dir/status.dat
status_update_interval=1
command_file=$dir/nagios.cmd
check_external_commands=1
lock_file=$dir/nagios.lock
temp_file=$dir/nagios.tmp
temp_path=$dir
check_result_path=$dir/checkresults
query_socket=$dir/nagios.qh
check_result_reaper_frequency=1
nagios_user=root
nagios_group=root
retain_state_information=0
use_syslog=0
enable_notifications=0
execute_host_checks=0
interval_length=1
service_check_timeout=60
EOF
  changed=$LAB_CHANGED
  write_if_changed "$dir/objects.cfg" 644 <<EOF
define timeperiod {
  timeperiod_name always
  alias           always
  sunday    00:00-24:00
  monday    00:00-24:00
  tuesday   00:00-24:00
  wednesday 00:00-24:00
  thursday  00:00-24:00
  friday    00:00-24:00
  saturday  00:00-24:00
}
define command {
  command_name notify_nobody
  command_line /bin/true
}
define contact {
  contact_name                  nobody
  host_notifications_enabled    0
  service_notifications_enabled 0
  host_notification_period      always
  service_notification_period   always
  host_notification_options     n
  service_notification_options  n
  host_notification_commands    notify_nobody
  service_notification_commands notify_nobody
}
define command {
  command_name check_glance_inspector
  command_line $MON_REPO/bin/glance-inspector.js --once --datadir $LAB_DATADIR --probe-timeout 2 --timeout 20
}
define host {
  host_name             $MON_NAGIOS_HOST
  address               127.0.0.1
  max_check_attempts    1
  check_period          always
  active_checks_enabled 0
  contacts              nobody
}
define service {
  host_name             $MON_NAGIOS_HOST
  service_description   $MON_NAGIOS_SERVICE
  check_command         check_glance_inspector
  active_checks_enabled 0
  max_check_attempts    1
  check_interval        86400
  retry_interval        86400
  check_period          always
  notifications_enabled 0
  contacts              nobody
}
EOF
  ((LAB_CHANGED == 0)) || changed=1
  local pid
  if pid=$(pid_from_file "$dir/nagios.lock" nagios4); then
    if ((changed == 0)); then
      done_step "running (pid $pid)"
      return
    fi
    stop_pid "$pid" 10
  fi
  /usr/sbin/nagios4 -v "$dir/nagios.cfg" >>"$LAB_STEP_LOG" 2>&1 || die "nagios4 -v rejected $dir/nagios.cfg"
  (detached /usr/sbin/nagios4 -d "$dir/nagios.cfg") </dev/null >>"$LAB_STEP_LOG" 2>&1
  wait_until 20 pid_from_file "$dir/nagios.lock" nagios4 >/dev/null || die "nagios4 did not start"
  wait_until 20 test -p "$dir/nagios.cmd" || die "nagios4 opened no command pipe at $dir/nagios.cmd"
  done_step "started (pid $(pid_from_file "$dir/nagios.lock" nagios4))"
}

ensure_node_exporter
ensure_prometheus
ensure_nagios
printf 'MON_TEXTFILE_DIR=%s\nMON_EXPORTER_URL=http://%s\nMON_PROMETHEUS_URL=http://%s\n' "$MON_TEXTFILE_DIR" "$MON_EXPORTER_ADDRESS" "$MON_PROMETHEUS_ADDRESS"
printf 'MON_NAGIOS_DIR=%s\nMON_NAGIOS_HOST=%s\nMON_NAGIOS_SERVICE=%s\n' "$MON_NAGIOS_DIR" "$MON_NAGIOS_HOST" "$MON_NAGIOS_SERVICE"
