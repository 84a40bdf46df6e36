#!/usr/bin/env bash
# Print the lab's state as key=value lines (never hangs: a frozen share shows as share=hung after 3 s).
set -Eeuo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  local pid host ctr view=none state=none
  printf 'share=%s\n' "$(share_state)"
  host=$(host_majmin || echo none)
  printf 'host_dev=%s\n' "$host"
  pid=$(sshfs_pid)
  [[ -z $pid ]] || state=$(proc_state "$pid")
  printf 'sshfs_pid=%s\nsshfs_state=%s\n' "${pid:-none}" "$state"
  printf 'sshd_pid=%s\n' "$(sshd_pid || echo none)"
  if docker_ok; then
    printf 'dockerd=up\n'
    printf 'container=%s\n' "$(container_field '{{.State.Status}}' || echo absent)"
    printf 'container_health=%s\n' "$(container_field '{{if .State.Health}}{{.State.Health.Status}}{{end}}' || echo none)"
    ctr=$(container_majmin || echo none)
    if [[ $ctr != none ]]; then
      if [[ $ctr == "$host" ]]; then view=fresh; else view=stale; fi
    fi
    printf 'container_dev=%s\ncontainer_view=%s\n' "$ctr" "$view"
  else
    printf 'dockerd=down\n'
  fi
  printf 'glance_http=%s\n' "$(http_code "$LAB_GLANCE_URL/v2/images" 3)"
  printf 'keystone_pid=%s\nkeystone_http=%s\n' "$(keystone_pid || echo none)" "$(http_code "$LAB_KEYSTONE_URL" 3)"
}

main "$@"
