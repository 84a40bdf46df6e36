#!/usr/bin/env bash
# The monitoring lab: Debian's prometheus-node-exporter (textfile collector only) on 127.0.0.1:19100 and
# prometheus on 127.0.0.1:19090, scraping it every second and loading the repo's shipped alert rules.
# Idempotent: installs what is missing, starts what is not running, reloads the rules on every call.
# Prints key=value lines at the end (textfile directory, URLs) for the tests.
set -euo pipefail
LAB_SCRIPT=monitoring
. "$(dirname "$0")/lib.sh"
trap on_error ERR

LAB_PACKAGES=(prometheus prometheus-node-exporter curl)
MON_DIR=$LAB_STATE_DIR/monitoring
MON_TEXTFILE_DIR=$MON_DIR/textfile
MON_PROM_DATA=$MON_DIR/prometheus-data
MON_PROM_CONFIG=$MON_DIR/prometheus.yml
MON_EXPORTER_ADDRESS=127.0.0.1:19100
MON_PROMETHEUS_ADDRESS=127.0.0.1:19090
MON_RULES=$(cd "$LAB_DIR/.." && pwd)/monitoring/glance-inspector.rules.yml

require_root
mkdir -p "$LAB_LOG_DIR" "$MON_TEXTFILE_DIR" "$MON_PROM_DATA"
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

ensure_node_exporter
ensure_prometheus
printf 'MON_TEXTFILE_DIR=%s\nMON_EXPORTER_URL=http://%s\nMON_PROMETHEUS_URL=http://%s\n' "$MON_TEXTFILE_DIR" "$MON_EXPORTER_ADDRESS" "$MON_PROMETHEUS_ADDRESS"
