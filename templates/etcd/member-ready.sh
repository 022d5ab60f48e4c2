# Whether this etcd member is ready: its service runs and it commits a quorum
# read. Written by drydock; run by its health gates: sh /etc/etcd/member-ready.sh
# The read waits for the cluster (up to its timeout) and answers the moment the
# member can commit: founders starting together pass as soon as they have formed.
set -a; . /etc/etcd/etcdctl.env; set +a
state=$(systemctl show -p ActiveState --value etcd.service)
case "$state" in active|activating) ;; *) echo "etcd.service is $state" >&2; exit 1 ;; esac
if out=$(/usr/local/bin/etcdctl endpoint health --command-timeout=5s 2>&1); then exit 0; fi
echo "not healthy: $out" >&2
exit 1
