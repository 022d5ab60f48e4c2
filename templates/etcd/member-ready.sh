# Whether this etcd member is ready: healthy, or (only before the cluster was
# ever healthy here) running while no member is healthy yet, as founders are
# while they wait for each other. Written by drydock; run by its health gates:
#   sh /etc/etcd/member-ready.sh <every member's client URL, comma-separated> <dataDir>
set -a; . /etc/etcd/etcdctl.env; set +a
seen="$2/.drydock-etcd-healthy"
if out=$(/usr/local/bin/etcdctl endpoint health --command-timeout=3s 2>&1); then
  touch -- "$seen" 2>/dev/null || true
  exit 0
fi
state=$(systemctl show -p ActiveState --value etcd.service)
case "$state" in active|activating) ;; *) echo "etcd.service is $state: $out" >&2; exit 1 ;; esac
if [ -e "$seen" ] || ! grep -qx 'ETCD_INITIAL_CLUSTER_STATE=new' /etc/etcd/bootstrap.env 2>/dev/null; then
  echo "not healthy: $out" >&2; exit 1
fi
if ETCDCTL_ENDPOINTS="$1" /usr/local/bin/etcdctl endpoint health --command-timeout=2s 2>/dev/null | grep -q 'is healthy'; then
  echo "not healthy yet (other members are): $out" >&2; exit 1
fi
echo "the cluster is forming: no member is healthy yet, and this one is running"
