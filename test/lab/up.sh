#!/bin/bash
# Bring the host lab up: LXD with a bridge and a tmpfs pool, the lab image, two lab users and a
# dedicated sshd on 127.0.0.1:2222; then write test/lab/lab.env. Idempotent: a run on a lab
# that is already up only checks. Run as root. See test/lab/README.md.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
started=$(date +%s%N)

PACKAGES=(lxd lxd-client nftables mmdebstrap openssh-server sudo ansible etcd-server etcd-client faketime)
LXD_POOLS_DIR=/var/lib/lxd/storage-pools
# What LXD's dir driver keeps in a pool's source directory.
DIR_POOL_LAYOUT=(buckets containers containers-snapshots custom custom-snapshots images virtual-machines virtual-machines-snapshots)
POOL_REMOUNTED=""

# Raise only: never lower a limit someone else raised further.
raise_sysctl() {
  local key=$1 want=$2
  (($(sysctl -n "$key") >= want)) || sysctl -qw "$key=$want"
}

tune_sysctl() {
  # Past ~14 containers, new ones die at boot ("Too many open files") at the default 128.
  raise_sysctl fs.inotify.max_user_instances 8192
  raise_sysctl fs.inotify.max_user_watches 1048576
}

# Before LXD starts: LXD bind-mounts a dir pool's source at start, so the tmpfs must be there first.
mount_pool_tmpfs() {
  mkdir -p "$POOL_DIR"
  mountpoint -q "$POOL_DIR" && return 0
  mount -t tmpfs -o size=16g,mode=0711 drydock-lab-pool "$POOL_DIR"
  # The pool exists in LXD (its mount point does) but its files went with the old tmpfs (a reboot):
  # give the dir driver its layout back so LXD can use the pool again.
  if [[ -d $LXD_POOLS_DIR/$LAB_POOL ]]; then
    local d
    for d in "${DIR_POOL_LAYOUT[@]}"; do install -d -m 0711 "$POOL_DIR/$d"; done
    POOL_REMOUNTED=1
    log "pool $LAB_POOL: tmpfs was gone (reboot?), remounted empty"
  fi
}

start_lxcfs() {
  local pid i
  if pid=$(lxcfs_pid); then
    echo "$pid" >"$RUN_DIR/lxcfs.pid"
    return 0
  fi
  # A dead lxcfs leaves its fuse mount behind, and a new lxcfs cannot mount over it.
  if awk -v d="$LXCFS_DIR" '$2 == d { found = 1 } END { exit !found }' /proc/mounts; then
    umount -l "$LXCFS_DIR"
  fi
  mkdir -p "$LXCFS_DIR"
  # Own session, output to a file, no `wait` on it later (a bare `wait` would block on the daemon).
  setsid /usr/bin/lxcfs "$LXCFS_DIR" </dev/null >"$RUN_DIR/lxcfs.log" 2>&1 &
  pid=$!
  echo "$pid" >"$RUN_DIR/lxcfs.pid"
  for ((i = 0; i < 100; i++)); do
    mountpoint -q "$LXCFS_DIR" && break
    # Only a dead process ends the wait: right after the fork /proc/PID/exe is still this shell, not lxcfs.
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  mountpoint -q "$LXCFS_DIR" || { tail -n 5 "$RUN_DIR/lxcfs.log" >&2; die "lxcfs did not start (log: $RUN_DIR/lxcfs.log)"; }
  log "lxcfs started (pid $pid)"
}

start_lxd() {
  local pid i
  if lxd_running; then
    lxc info | awk '/^  server_pid:/ { print $2 }' >"$RUN_DIR/lxd.pid"
    return 0
  fi
  # As many open files as allowed (Debian's lxd.service asks for 1048576); exec keeps $! the PID of lxd.
  (
    ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    exec setsid /usr/bin/lxd --group lxd </dev/null >>"$RUN_DIR/lxd.log" 2>&1
  ) &
  pid=$!
  echo "$pid" >"$RUN_DIR/lxd.pid"
  for ((i = 0; i < 60; i++)); do
    lxd waitready --timeout=1 >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || break
  done
  if ! lxd_running; then
    tail -n 5 "$RUN_DIR/lxd.log" >&2
    die "lxd did not become ready (log: $RUN_DIR/lxd.log)"
  fi
  log "lxd started (pid $pid)"
}

# Preseed only a fresh LXD, and never `lxd init --auto` (it probes random subnets off this machine).
init_lxd() {
  if ! lxc storage show default >/dev/null 2>&1 || ! lxc network show "$LAB_NETWORK" >/dev/null 2>&1 ||
    [[ $(lxc profile device get default eth0 network 2>/dev/null) != "$LAB_NETWORK" ]]; then
    log "lxd: initialising (preseed: pool default, bridge $LAB_NETWORK $LAB_SUBNET)"
    lxd init --preseed <"$LAB_DIR/preseed.yaml"
  fi
  # Keep LXD's own fetches (instance types, image refresh) on loopback: see preseed.yaml.
  if [[ $(lxc config get core.proxy_https) != "http://127.0.0.1:9" ]]; then
    lxc config set core.proxy_http http://127.0.0.1:9
    lxc config set core.proxy_https http://127.0.0.1:9
    lxc config set images.auto_update_interval 0
  fi
  local addr
  addr=$(lxc network get "$LAB_NETWORK" ipv4.address)
  [[ $addr == "$LAB_SUBNET" ]] || die "network $LAB_NETWORK has ipv4.address $addr; the lab needs $LAB_SUBNET"
  log "lxd ready"
}

# Instances (as "project name") whose root disk is on the lab pool.
pool_instances() {
  lxc storage show "$LAB_POOL" |
    sed -nE 's|^- /1\.0/instances/([^?]+)(\?project=(.+))?$|\3 \1|p' | sed 's/^ /default /'
}

ensure_pool() {
  local fstype project name
  if ! lxc storage show "$LAB_POOL" >/dev/null 2>&1; then
    [[ -z $(ls -A "$POOL_DIR") ]] || die "$POOL_DIR is not empty; LXD needs an empty directory for pool $LAB_POOL"
    lxc storage create "$LAB_POOL" dir source="$POOL_DIR" >/dev/null
    log "pool $LAB_POOL created (dir on tmpfs $POOL_DIR)"
    return 0
  fi
  # LXD started while the tmpfs was missing: its bind mount holds the directory under it.
  fstype=$(findmnt -n -o FSTYPE "$LXD_POOLS_DIR/$LAB_POOL" || true)
  if [[ $fstype != tmpfs ]]; then
    [[ -z $(pool_instances) ]] || die "pool $LAB_POOL is not on its tmpfs and holds instances; run down.sh --purge, then up.sh"
    log "pool $LAB_POOL: not on its tmpfs, recreating it"
    lxc storage delete "$LAB_POOL"
    find "$POOL_DIR" -mindepth 1 -delete
    lxc storage create "$LAB_POOL" dir source="$POOL_DIR" >/dev/null
    return 0
  fi
  if [[ -n $POOL_REMOUNTED ]]; then
    # Their root filesystems went with the old tmpfs.
    pool_instances | while read -r project name; do
      if [[ $name =~ $LAB_INSTANCE_PATTERN ]]; then
        log "pool $LAB_POOL: deleting test instance $name (its files are gone)"
        lxc delete --force --project "$project" "$name" || true
      else
        log "warning: instance $name (project $project) on pool $LAB_POOL lost its files"
      fi
    done
  fi
}

# Hash of everything the image is built from: a change to the recipe builds a new image.
recipe_hash() {
  {
    (cd "$LAB_DIR/image" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    "$LAB_DIR/image/sources.sh" | xargs -r cat
    echo bookworm
  } | sha256sum | cut -c1-16
}

ensure_image() {
  local hash tar meta
  hash=$(recipe_hash)
  if lxc image show "$LAB_IMAGE" 2>/dev/null | grep -qE "^  drydock\.recipe: \"?$hash\"?\$"; then
    return 0
  fi
  tar=$CACHE_DIR/debian-12-$hash.rootfs.tar
  if [[ ! -f $tar ]]; then
    log "image: building the rootfs with mmdebstrap (recipe $hash)"
    mkdir -p "$CACHE_DIR"
    if ! "$LAB_DIR/image/build.sh" "$tar" >"$RUN_DIR/image-build.log" 2>&1; then
      tail -20 "$RUN_DIR/image-build.log" >&2
      die "image build failed (log: $RUN_DIR/image-build.log)"
    fi
    find "$CACHE_DIR" -maxdepth 1 -name 'debian-12-*.rootfs.tar' ! -name "${tar##*/}" -delete
  fi
  log "image: importing $LAB_IMAGE (recipe $hash)"
  meta=$(mktemp -d)
  sed -e "s/@CREATION_DATE@/$(date +%s)/" -e "s/@RECIPE@/$hash/" "$LAB_DIR/image/metadata.yaml" >"$meta/metadata.yaml"
  cp -r "$LAB_DIR/image/templates" "$meta/"
  tar -C "$meta" -czf "$meta/meta.tar.gz" metadata.yaml templates
  # An image built from an older recipe: instances made from it keep their own copy.
  lxc image delete "$LAB_IMAGE" >/dev/null 2>&1 || true
  lxc image import "$meta/meta.tar.gz" "$tar" --alias "$LAB_IMAGE" >/dev/null
  rm -rf "$meta"
}

# Machine-wide secrets under /etc/drydock-lab, copied into this clone's keys/: every clone of the
# repo on this machine (CI runs in a fresh one) uses the same key and password. A clone that already
# has them and finds none on the machine gives its own.
sync_secret() {
  local name=$1 make=$2
  if [[ ! -s $ETC_DIR/$name ]]; then
    if [[ -s $KEYS_DIR/$name ]]; then cp "$KEYS_DIR/$name" "$ETC_DIR/$name"; else "$make" "$ETC_DIR/$name"; fi
  fi
  chmod 0600 "$ETC_DIR/$name"
  cmp -s "$ETC_DIR/$name" "$KEYS_DIR/$name" || install -m 0600 "$ETC_DIR/$name" "$KEYS_DIR/$name"
}

make_key() {
  ssh-keygen -q -t ed25519 -N '' -C "drydock-lab@$(hostname)" -f "$1"
  rm -f "$1.pub"
  log "keys: lab key pair generated"
}

make_password() {
  local pw
  pw=$(head -c 48 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')
  printf '%s\n' "${pw:0:24}" >"$1"
}

ensure_keys() {
  install -d -m 0700 "$KEYS_DIR" "$ETC_DIR"
  sync_secret lab_ed25519 make_key
  sync_secret "$LAB_PW_USER.password" make_password
  ssh-keygen -y -f "$KEYS_DIR/lab_ed25519" >"$KEYS_DIR/lab_ed25519.pub.tmp"
  cmp -s "$KEYS_DIR/lab_ed25519.pub.tmp" "$KEYS_DIR/lab_ed25519.pub" || cp "$KEYS_DIR/lab_ed25519.pub.tmp" "$KEYS_DIR/lab_ed25519.pub"
  rm -f "$KEYS_DIR/lab_ed25519.pub.tmp"
}

# Install a sudoers drop-in only once visudo accepts it.
install_sudoers() {
  local name=$1 content=$2 tmp
  tmp=$(mktemp)
  printf '%s\n' "$content" >"$tmp"
  visudo -cqf "$tmp" || { rm -f "$tmp"; die "sudoers file for $name does not validate"; }
  cmp -s "$tmp" "/etc/sudoers.d/$name" || install -m 0440 "$tmp" "/etc/sudoers.d/$name"
  rm -f "$tmp"
}

# A user with a clean bash (empty rc files: nothing printed or slow per command) and the lab key.
ensure_user() {
  local user=$1 home f key
  id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
  home=$(getent passwd "$user" | cut -d: -f6)
  for f in .bashrc .profile .bash_logout; do
    [[ -s $home/$f ]] && : >"$home/$f"
  done
  install -d -m 0700 -o "$user" -g "$user" "$home/.ssh"
  key=$(<"$KEYS_DIR/lab_ed25519.pub")
  # Append: other clones of the repo on this machine keep their own keys working.
  touch "$home/.ssh/authorized_keys"
  grep -qxF "$key" "$home/.ssh/authorized_keys" || printf '%s\n' "$key" >>"$home/.ssh/authorized_keys"
  chown "$user:" "$home/.ssh/authorized_keys"
  chmod 0600 "$home/.ssh/authorized_keys"
}

ensure_users() {
  ensure_user "$LAB_USER"
  id -nG "$LAB_USER" | grep -qw lxd || usermod -aG lxd "$LAB_USER"
  # The lab sshd runs without PAM, so it refuses even key logins to a locked ("!") account.
  [[ $(getent shadow "$LAB_USER" | cut -d: -f2) == '*' ]] || usermod -p '*' "$LAB_USER"
  # The first `lxc` a user runs prints a hint on stderr: have it said here, not in a test.
  if [[ ! -f /home/$LAB_USER/.config/lxc/config.yml ]]; then
    runuser -u "$LAB_USER" -- env HOME="/home/$LAB_USER" lxc remote list >/dev/null 2>&1 || true
  fi
  install_sudoers "$LAB_USER" "# drydock host lab: passwordless sudo
$LAB_USER ALL=(ALL:ALL) NOPASSWD: ALL"

  ensure_user "$LAB_PW_USER"
  printf '%s:%s\n' "$LAB_PW_USER" "$(<"$KEYS_DIR/$LAB_PW_USER.password")" | chpasswd
  # Asked on every sudo (no cached timestamp), without the first-time lecture, so tests are repeatable.
  install_sudoers "$LAB_PW_USER" "# drydock host lab: sudo with the user's password, every time
Defaults:$LAB_PW_USER lecture=never, timestamp_timeout=0
$LAB_PW_USER ALL=(ALL:ALL) ALL"
}

ensure_sshd() {
  local pid changed="" i
  install -d -m 0755 /run/sshd /run/drydock-lab
  [[ -f $SSHD_HOSTKEY ]] || ssh-keygen -q -t ed25519 -N '' -C drydock-lab-sshd -f "$SSHD_HOSTKEY"
  if ! cmp -s "$LAB_DIR/sshd_config" "$SSHD_CONFIG"; then
    install -m 0644 "$LAB_DIR/sshd_config" "$SSHD_CONFIG"
    changed=1
  fi
  /usr/sbin/sshd -t -f "$SSHD_CONFIG" || die "sshd rejects $SSHD_CONFIG"
  install -d -m 0755 "$(dirname "$SSHD_LOG")"
  # An sshd started with its log elsewhere (in a clone, by an older lab) refuses every connection
  # once that clone is gone: started again here, by its PID.
  # (sshd rewrites its title, so its command line is one string: "sshd: /usr/sbin/sshd -f … -E …").
  if pid=$(sshd_pid) && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- " -E $SSHD_LOG"; then
    log "sshd: pid $pid logs elsewhere; restarting it with its log at $SSHD_LOG"
    stop_pid "$pid"
  fi
  if pid=$(sshd_pid); then
    if [[ -n $changed ]]; then
      kill -HUP "$pid"
      log "sshd: config changed, reloaded (pid $pid)"
    fi
  else
    rm -f "$SSHD_PIDFILE"
    /usr/sbin/sshd -f "$SSHD_CONFIG" -E "$SSHD_LOG" || die "sshd did not start (log: $SSHD_LOG)"
    for ((i = 0; i < 50; i++)); do
      [[ -s $SSHD_PIDFILE ]] && break
      sleep 0.1
    done
    pid=$(sshd_pid) || { tail -n 5 "$SSHD_LOG" >&2; die "sshd did not start (log: $SSHD_LOG)"; }
    log "sshd started on 127.0.0.1:$LAB_SSH_PORT (pid $pid)"
  fi
  echo "$pid" >"$RUN_DIR/sshd.pid"
}

write_env() {
  local fingerprint tmp
  fingerprint=$(ssh-keygen -lf "$SSHD_HOSTKEY.pub" | awk '{ print $2 }')
  printf '[127.0.0.1]:%s %s\n' "$LAB_SSH_PORT" "$(cut -d' ' -f1,2 "$SSHD_HOSTKEY.pub")" >"$KEYS_DIR/known_hosts"
  tmp=$(mktemp "$ENV_FILE.XXXX")
  cat >"$tmp" <<EOF
LAB_SSH_HOST=127.0.0.1
LAB_SSH_PORT=$LAB_SSH_PORT
LAB_SSH_USER=$LAB_USER
LAB_SSH_KEY=$KEYS_DIR/lab_ed25519
LAB_SSH_HOSTKEY=$fingerprint
LAB_SSH_KNOWN_HOSTS=$KEYS_DIR/known_hosts
LAB_IMAGE=$LAB_IMAGE
LAB_POOL=$LAB_POOL
LAB_NETWORK=$LAB_NETWORK
LAB_SUBNET=$LAB_SUBNET
LAB_PW_USER=$LAB_PW_USER
LAB_PW_PASSWORD=$(<"$KEYS_DIR/$LAB_PW_USER.password")
EOF
  chmod 0600 "$tmp"
  mv "$tmp" "$ENV_FILE"
}

mkdir -p "$RUN_DIR"
install_packages "${PACKAGES[@]}"
set_kubelet_sysctls
start_mirror
tune_sysctl
mount_pool_tmpfs
start_lxcfs
start_lxd
init_lxd
ensure_pool
ensure_image
ensure_keys
ensure_users
ensure_sshd
write_env
log "up in $((($(date +%s%N) - started) / 1000000))ms: lab.env at $ENV_FILE"
