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
