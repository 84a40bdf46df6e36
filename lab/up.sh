#!/usr/bin/env bash
# Bring the glance-inspector lab up (or verify it is up): dockerd, sshd + sshfs share, the glance_api
# container with its datadir on the share, and keystone. Idempotent: run it again and it only checks.
set -Eeuo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  local started
  started=$(now_ms)
  require_root
  ensure_dirs
  ensure_packages
  ensure_secrets

  # The parts that need no keystone come first, so a keystone failure still leaves them usable.
  ensure_dockerd
  ensure_sshd
  ensure_share
  ensure_image
  ensure_glance_config
  ensure_container

  ensure_keystone
  verify_glance_auth

  LAB_STEP="done"
  say "lab is up in $(elapsed "$started"): share $LAB_MOUNTPOINT, $LAB_CONTAINER on $LAB_GLANCE_URL, keystone $LAB_KEYSTONE_URL, credentials $LAB_OPENRC"
}

main "$@"
