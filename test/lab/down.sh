#!/bin/bash
# Take the host lab down: delete test instances (dd-*, lab-*), stop the lab sshd, lxd and lxcfs.
# Packages, keys, the image and its cached rootfs stay. With --purge, also delete the labfast
# pool and the lab image, and unmount the pool's tmpfs. Idempotent. Run as root.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

purge=""
case ${1:-} in
  "") ;;
  --purge) purge=1 ;;
  *) die "usage: down.sh [--purge]" ;;
esac

delete_test_instances() {
  local project name
  test_instances | while read -r project name; do
    log "deleting instance $name (project $project)"
    lxc delete --force --project "$project" "$name"
  done
}

purge_lxd_objects() {
  local used
  if lxc storage show "$LAB_POOL" >/dev/null 2>&1; then
    used=$(lxc storage show "$LAB_POOL" | grep -E '^- /1\.0/(instances|storage-pools)/' || true)
    [[ -z $used ]] || die "pool $LAB_POOL is still used by:"$'\n'"$used"
    lxc storage delete "$LAB_POOL" >/dev/null
    log "pool $LAB_POOL deleted"
  fi
  if lxc image show "$LAB_IMAGE" >/dev/null 2>&1; then
    lxc image delete "$LAB_IMAGE"
    log "image $LAB_IMAGE deleted (its rootfs stays cached in $CACHE_DIR)"
  fi
}

stop_sshd() {
  local pid
  if pid=$(sshd_pid); then
    stop_pid "$pid"
    log "sshd stopped (pid $pid)"
  fi
  rm -f "$RUN_DIR/sshd.pid"
}

stop_lxd() {
  local pid
  if lxd_running; then
    pid=$(lxc info | awk '/^  server_pid:/ { print $2 }')
    # Stops every instance cleanly first; LXD restarts the non-test ones it stopped at its next start.
    lxd shutdown --timeout=120
    [[ -z $pid ]] || stop_pid "$pid" 30
    log "lxd stopped"
  fi
  rm -f "$RUN_DIR/lxd.pid"
}

stop_lxcfs() {
  local pid
  if pid=$(lxcfs_pid); then
    stop_pid "$pid"
    log "lxcfs stopped (pid $pid)"
  fi
  # A mount left by an lxcfs that died would block the next one.
  if awk -v d="$LXCFS_DIR" '$2 == d { found = 1 } END { exit !found }' /proc/mounts; then
    umount -l "$LXCFS_DIR"
  fi
  rm -f "$RUN_DIR/lxcfs.pid"
}

unmount_pool() {
  local dir
  # LXD's bind mount of the pool, if LXD still holds one, then the tmpfs itself.
  for dir in "/var/lib/lxd/storage-pools/$LAB_POOL" "$POOL_DIR"; do
    if mountpoint -q "$dir" && [[ $(findmnt -n -o FSTYPE "$dir") == tmpfs ]]; then
      umount "$dir"
      log "unmounted the pool tmpfs at $dir"
    fi
  done
}

if lxd_running; then
  delete_test_instances
  [[ -z $purge ]] || purge_lxd_objects
elif [[ -n $purge ]]; then
  log "lxd is not running: pool $LAB_POOL and image $LAB_IMAGE, if still there, stay (run up.sh, then down.sh --purge)"
fi
stop_mirror
stop_sshd
stop_lxd
stop_lxcfs
[[ -z $purge ]] || unmount_pool
log "down"
