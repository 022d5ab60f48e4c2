# Whether the etcd cluster is healthy: every member answers a quorum read, and
# all of them name the same leader. Written by drydock; run by its health gate:
#   sh /etc/etcd/cluster-healthy.sh <every member's client URL, comma-separated>
set -a; . /etc/etcd/etcdctl.env; set +a
if ! out=$(ETCDCTL_ENDPOINTS="$1" /usr/local/bin/etcdctl endpoint health --command-timeout=3s 2>&1); then
  echo "$out" | grep -v 'is healthy' >&2; exit 1
fi
leaders=$(ETCDCTL_ENDPOINTS="$1" /usr/local/bin/etcdctl endpoint status --command-timeout=3s -w fields 2>&1 | sed -n 's/^"Leader" : //p' | sort -u)
case "$leaders" in
  ""|0) echo "no leader yet" >&2; exit 1 ;;
  *[!0-9]*) echo "members name different leaders: $(echo $leaders)" >&2; exit 1 ;;
esac
