#!/bin/bash
# Prove a running lab end to end: the lab sshd and both users' sudo, then one container from the
# lab image, reached as root through the lab sshd as jump host with every host key pinned.
# Deletes the container at the end. Usage: smoke.sh [INSTANCE_NAME] (default dd-smoke).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ -f $ENV_FILE ]] || die "no $ENV_FILE: run up.sh first"
# shellcheck source=/dev/null
source "$ENV_FILE"
: "${LAB_SSH_HOST:?lab.env has no LAB_SSH_HOST: run up.sh again}"
name=${1:-dd-smoke}
[[ $name =~ $LAB_INSTANCE_PATTERN ]] || die "instance name must start with dd- or lab- (got $name)"

tmp=$(mktemp -d)
trap 'lxc delete --force "$name" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
cat >"$tmp/ssh_config" <<EOF
Host lab
  HostName $LAB_SSH_HOST
  Port $LAB_SSH_PORT
  User $LAB_SSH_USER
Host *
  IdentityFile $LAB_SSH_KEY
  IdentitiesOnly yes
  BatchMode yes
  ConnectTimeout 5
  StrictHostKeyChecking yes
  UserKnownHostsFile $tmp/known_hosts
EOF
cp "$LAB_SSH_KNOWN_HOSTS" "$tmp/known_hosts"
lab_ssh() { ssh -F "$tmp/ssh_config" "$@"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# Retry COMMAND every 0.2 s for up to 30 s.
retry() {
  local i
  for ((i = 0; i < 150; i++)); do
    "$@" && return 0
    sleep 0.2
  done
  return 1
}

[[ $(lab_ssh lab 'lxc list --format csv -c n | wc -l') =~ ^[0-9]+$ ]] || die "lxc over the lab sshd failed"
lab_ssh lab 'sudo -n true' || die "$LAB_SSH_USER: passwordless sudo failed"
! lab_ssh -l "$LAB_PW_USER" lab 'sudo -n true' 2>/dev/null || die "$LAB_PW_USER: sudo ran without a password"
printf '%s\n' "$LAB_PW_PASSWORD" | lab_ssh -l "$LAB_PW_USER" lab 'sudo -S -p "" true' ||
  die "$LAB_PW_USER: sudo with the password failed"
log "smoke: lab sshd, lxc and both users' sudo work"

instance_ip() { lxc list "^$name\$" --format csv -c 4 | grep -oE '^10\.201\.0\.[0-9]+' | head -n1; }
has_ip() { [[ -n $(instance_ip) ]]; }
started=$(date +%s%N)
lxc launch "$LAB_IMAGE" "$name" --storage "$LAB_POOL" \
  --config user.ssh_authorized_keys="$(<"$LAB_SSH_KEY.pub")" >/dev/null
launched=$(ms_since "$started")
retry has_ip || die "$name got no IPv4 address on $LAB_NETWORK"
ip=$(instance_ip)
# The host key, read through the LXD files API: made by the first start of ssh.service.
retry lxc file pull "$name/etc/ssh/ssh_host_ed25519_key.pub" "$tmp/host_key.pub" 2>/dev/null ||
  die "$name: no ssh host key after 30 s"
echo "$ip $(cut -d' ' -f1,2 "$tmp/host_key.pub")" >>"$tmp/known_hosts"
retry lab_ssh -J lab "root@$ip" true 2>/dev/null || die "$name: ssh root@$ip through the lab sshd failed"
reached=$(ms_since "$started")
state=$(lab_ssh -J lab "root@$ip" 'systemctl is-system-running --wait' || true)
if [[ $state != running ]]; then
  lab_ssh -J lab "root@$ip" 'systemctl --failed --no-legend' >&2 || true
  die "$name: system is $state, not running"
fi
log "smoke: $name ($ip, pool $LAB_POOL): launched in ${launched}ms, ssh as root in ${reached}ms, systemd $state"
