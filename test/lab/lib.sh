# Shared by up.sh and down.sh: names, paths and process helpers of the host lab.
# shellcheck shell=bash disable=SC2034  # the names are for the scripts that source this file

set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C.UTF-8

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN_DIR=$LAB_DIR/run          # logs and recorded PIDs of the daemons (gitignored)
KEYS_DIR=$LAB_DIR/keys        # lab key pair and drydock-pw's password (gitignored)
ENV_FILE=$LAB_DIR/lab.env     # what tests read (gitignored)

# Machine-wide state: shared by every clone of the repo on this machine.
ETC_DIR=/etc/drydock-lab                  # lab sshd config and host key
SSHD_CONFIG=$ETC_DIR/sshd_config
SSHD_HOSTKEY=$ETC_DIR/ssh_host_ed25519_key
SSHD_PIDFILE=/run/drydock-lab/sshd.pid    # written by sshd itself (see sshd_config)
# sshd opens its -E log again for every connection: a log in a clone dies with the clone.
SSHD_LOG=/var/log/drydock-lab/sshd.log
POOL_DIR=/var/lib/drydock-lab/pool        # tmpfs behind the labfast pool
CACHE_DIR=/var/cache/drydock-lab          # built rootfs tarballs, keyed by recipe hash
LXCFS_DIR=/var/lib/lxcfs

LAB_SSH_PORT=2222
LAB_USER=drydock-lab
LAB_PW_USER=drydock-pw
LAB_IMAGE=drydock-debian-12
LAB_POOL=labfast
LAB_NETWORK=lxdbr0
LAB_SUBNET=10.201.0.1/24
# Test instances: the only ones down.sh deletes.
LAB_INSTANCE_PATTERN='^(dd-|lab-)'

log() { printf 'lab: %s\n' "$*"; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "run as root (the lab installs packages and starts daemons)"

# True when PID is alive and runs the program EXE, so a stale PID reused by another process never matches.
pid_runs() {
  local pid=$1 exe=$2
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$exe" ]]
}

# Print the first PID running EXE with an argument equal to ARG (daemons another clone may have started).
find_pid() {
  local exe=$1 arg=$2 p
  for p in /proc/[0-9]*; do
    [[ $(readlink "$p/exe" 2>/dev/null) == "$exe" ]] || continue
    if tr '\0' '\n' <"$p/cmdline" 2>/dev/null | grep -qxF -- "$arg"; then
      echo "${p#/proc/}"
      return 0
    fi
  done
  return 1
}

# PID of the recorded daemon NAME if still alive, else of one found by its command line.
daemon_pid() {
  local name=$1 exe=$2 arg=$3 pid=""
  [[ -f $RUN_DIR/$name.pid ]] && pid=$(<"$RUN_DIR/$name.pid")
  if pid_runs "$pid" "$exe"; then echo "$pid"; return 0; fi
  find_pid "$exe" "$arg"
}

lxcfs_pid() { daemon_pid lxcfs /usr/bin/lxcfs "$LXCFS_DIR"; }
sshd_pid() {
  local pid=""
  [[ -f $SSHD_PIDFILE ]] && pid=$(<"$SSHD_PIDFILE")
  if pid_runs "$pid" /usr/sbin/sshd; then echo "$pid"; return 0; fi
  find_pid /usr/sbin/sshd "$SSHD_CONFIG"
}
lxd_running() { [[ -S /var/lib/lxd/unix.socket ]] && lxd waitready --timeout=1 >/dev/null 2>&1; }

# Missing packages only. No service may start from a maintainer script (a system sshd on :22,
# etcd, lxd): the lab starts its own daemons. nftables comes before lxd ever starts, since
# LXD picks its firewall driver at start.
install_packages() {
  local missing=() p policy=/usr/sbin/policy-rc.d
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  log "installing packages: ${missing[*]}"
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# drydock lab: no service starts during apt-get install\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  if ! { apt-get -o DPkg::Lock::Timeout=300 update &&
    apt-get -o DPkg::Lock::Timeout=300 install -y "${missing[@]}"; } >"$RUN_DIR/apt.log" 2>&1; then
    tail -20 "$RUN_DIR/apt.log" >&2
    die "apt-get failed (log: $RUN_DIR/apt.log)"
  fi
  if ss -Hltn 'sport = :22' | grep -q .; then
    log "warning: something listens on port 22 (a system sshd?); the lab does not use it"
  fi
}

# Send SIGTERM to PID and wait up to SECONDS for it to exit.
stop_pid() {
  local pid=$1 seconds=${2:-10} i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < seconds * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  die "process $pid did not stop within ${seconds}s"
}

# Names of LXD test instances (dd-*, lab-*) as "project name" lines.
test_instances() {
  local project
  lxc project list --format csv | cut -d, -f1 | sed 's/ (current)$//' | while read -r project; do
    lxc list --project "$project" --format csv -c n | grep -E "$LAB_INSTANCE_PATTERN" |
      sed "s/^/$project /" || true
  done
}

# The release mirror (kube.sh builds it): HTTPS on loopback with the lab's mirror CA.
MIRROR_ROOT=$CACHE_DIR/kube/mirror
MIRROR_TLS=$ETC_DIR/mirror                 # CA and server key pair (machine-wide, never in the repo)
MIRROR_HOST=127.0.0.1
MIRROR_PORT=2443
KUBE_ENV_FILE=$LAB_DIR/kube.env           # what tests read about the release (gitignored)
# Found by the machine-wide root it serves: a server another clone of the repo started counts.
mirror_pid() { daemon_pid mirror /usr/bin/node "$MIRROR_ROOT"; }

# A CA of its own and a server certificate for 127.0.0.1/localhost, made once per machine.
ensure_mirror_tls() {
  [[ -s $MIRROR_TLS/server.crt && -s $MIRROR_TLS/ca.crt ]] && return 0
  install -d -m 0700 "$MIRROR_TLS"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=drydock lab mirror CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$MIRROR_TLS/ca.key" -out "$MIRROR_TLS/ca.crt" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=drydock lab mirror" \
    -keyout "$MIRROR_TLS/server.key" -out "$MIRROR_TLS/server.csr" 2>/dev/null
  openssl x509 -req -in "$MIRROR_TLS/server.csr" -CA "$MIRROR_TLS/ca.crt" -CAkey "$MIRROR_TLS/ca.key" -CAcreateserial \
    -days 3650 -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n') \
    -out "$MIRROR_TLS/server.crt" 2>/dev/null
  rm -f "$MIRROR_TLS/server.csr"
  chmod 0600 "$MIRROR_TLS"/*.key
  log "mirror: CA and server certificate made in $MIRROR_TLS"
}

# Started only once a release was built (kube.sh); up.sh restarts it after a reboot.
start_mirror() {
  local pid i
  [[ -d $MIRROR_ROOT ]] || return 0
  if pid=$(mirror_pid); then echo "$pid" >"$RUN_DIR/mirror.pid"; return 0; fi
  ensure_mirror_tls
  setsid /usr/bin/node "$LAB_DIR/kube/serve.mjs" "$MIRROR_ROOT" "$MIRROR_HOST" "$MIRROR_PORT" \
    "$MIRROR_TLS/server.crt" "$MIRROR_TLS/server.key" </dev/null >"$RUN_DIR/mirror.log" 2>&1 &
  pid=$!
  echo "$pid" >"$RUN_DIR/mirror.pid"
  # Ready when it answers a name it does not have with 404, over TLS verified against the CA.
  for ((i = 0; i < 50; i++)); do
    [[ $(curl -s --cacert "$MIRROR_TLS/ca.crt" -o /dev/null -w '%{http_code}' "https://$MIRROR_HOST:$MIRROR_PORT/nothing") == 404 ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null || { tail -n 5 "$RUN_DIR/mirror.log" >&2; die "mirror did not start (log: $RUN_DIR/mirror.log)"; }
  log "mirror: serving $MIRROR_ROOT on https://$MIRROR_HOST:$MIRROR_PORT (pid $pid)"
}

stop_mirror() {
  local pid
  if pid=$(mirror_pid); then
    stop_pid "$pid"
    log "mirror stopped (pid $pid)"
  fi
  rm -f "$RUN_DIR/mirror.pid"
}

# kubelet sets these host-wide sysctls at its start; from a privileged container that would change
# this host behind the lab's back, so the lab sets them first (KUBE-LAB §4), to kubelet's values.
set_kubelet_sysctls() {
  local kv
  for kv in vm.overcommit_memory=1 vm.panic_on_oom=0 kernel.panic=10 kernel.panic_on_oops=1 \
    kernel.keys.root_maxkeys=1000000 kernel.keys.root_maxbytes=25000000; do
    [[ $(sysctl -n "${kv%%=*}") == "${kv#*=}" ]] || sysctl -qw "$kv"
  done
  modprobe -a br_netfilter overlay 2>/dev/null || true
}
