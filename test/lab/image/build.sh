#!/bin/bash
# Build the lab image's root filesystem as an uncompressed tarball at $1 (Debian 12, minbase,
# systemd, sshd, python3 for ansible; iptables, kmod, procps, conntrack, socat for Kubernetes nodes; keepalived for a control plane's virtual address), from the Debian mirrors this machine's apt uses.
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)

mapfile -t sources < <("$here/sources.sh")
[[ ${#sources[@]} -gt 0 ]] || { echo "no bookworm entries in this machine's apt sources" >&2; exit 1; }

tmp=${out%.tar}.partial.tar
rm -f "$tmp"
mmdebstrap --quiet --variant=minbase --format=tar \
  --include=systemd-sysv,udev,dbus,openssh-server,iproute2,ca-certificates,sudo,python3,iptables,kmod,procps,conntrack,socat,keepalived \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook="sh '$here/customize.sh' \"\$1\"" \
  bookworm "$tmp" "${sources[@]}"
mv "$tmp" "$out"
