#!/bin/sh
# mmdebstrap customize hook: turn a minbase Debian into the lab's LXD container image.
# $1 is the root directory of the image being built.
set -eu
root=$1
here=$(dirname "$0")

# Unit drop-ins, network and tmpfiles config, owned by root whoever checked them out.
cp -r --no-preserve=ownership,mode "$here/rootfs/." "$root/"

# sshd: no host keys in the image (the ssh.service drop-in makes them at first boot);
# root logs in by key only (Debian's default PermitRootLogin prohibit-password).
rm -f "$root"/etc/ssh/ssh_host_*
install -d -m 0700 "$root/root/.ssh"

# Each instance gets its own machine-id at first boot.
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"

# Files copied from the build host: the hostname comes from an image template, and
# DNS is left unset (nothing in the lab resolves names beyond /etc/hosts).
echo debian >"$root/etc/hostname"
: >"$root/etc/resolv.conf"

# binfmt_misc cannot be mounted in a container: the unit fails and the system reports "degraded".
ln -sf /dev/null "$root/etc/systemd/system/systemd-binfmt.service"

chroot "$root" systemctl enable systemd-networkd.service
# This lab's kernel keeps cpu and cpuacct apart: see rootfs/usr/local/sbin/drydock-lab-cgroup-v1.
chmod 0755 "$root/usr/local/sbin/drydock-lab-cgroup-v1"
chroot "$root" systemctl enable drydock-lab-cgroup-v1.service
