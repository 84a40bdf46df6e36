# shellcheck shell=bash
# Facts of the glance-inspector lab. `source lab/env.sh`; plain `export KEY=value` lines so tests can parse them too.

# Where the lab keeps its state, logs and pid files.
export LAB_STATE_DIR=/var/lib/glance-lab
export LAB_LOG_DIR=/var/log/glance-lab
export LAB_RUN_DIR=/var/lib/glance-lab/run

# The network share: an sshfs mount of a local export over loopback ssh.
export LAB_EXPORT=/srv/glance-lab/export
export LAB_MOUNTPOINT=/srv/glance-lab/share
export LAB_DATADIR=/srv/glance-lab/share/images
export LAB_EXPORT_DATADIR=/srv/glance-lab/export/images
export LAB_SSHFS_SOURCE=root@127.0.0.1:/srv/glance-lab/export
export LAB_SSHFS_PORT=2222
export LAB_SSH_KEY=/var/lib/glance-lab/id_ed25519
export LAB_SSHD_CONFIG=/var/lib/glance-lab/sshd/sshd_config
export LAB_KNOWN_HOSTS=/var/lib/glance-lab/known_hosts
export LAB_FSTAB=/var/lib/glance-lab/fstab
export LAB_SYSTEM_FSTAB=/etc/fstab
export LAB_FSTAB_MARK='# glance-lab'

# Docker and the kolla-like glance_api container.
export LAB_DOCKER_SOCK=/var/run/docker.sock
export LAB_DOCKERD_PIDFILE=/var/run/docker.pid
export LAB_IMAGE=glance-lab-base:latest
export LAB_CONTAINER=glance_api
export LAB_CONTAINER_MOUNT=/var/lib/glance
export LAB_CONTAINER_DATADIR=/var/lib/glance/images

# Glance (inside the container) and Keystone (on the host).
export LAB_GLANCE_PORT=9292
export LAB_GLANCE_URL=http://127.0.0.1:9292
export LAB_GLANCE_CONF_DIR=/var/lib/glance-lab/glance
export LAB_GLANCE_CONF=/var/lib/glance-lab/glance/glance-api.conf
export LAB_GLANCE_STATE_DIR=/var/lib/glance-lab/glance-state
export LAB_KEYSTONE_PORT=5000
export LAB_KEYSTONE_URL=http://127.0.0.1:5000/v3
export LAB_KEYSTONE_DIR=/var/lib/glance-lab/keystone
export LAB_KEYSTONE_CONF=/var/lib/glance-lab/keystone/keystone.conf
export LAB_OPENRC=/var/lib/glance-lab/admin-openrc.sh
export LAB_REGION=RegionOne
