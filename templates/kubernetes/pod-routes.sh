#!/bin/sh
# Routes to the other nodes' pod subnets, from /etc/kubernetes/pod-routes (one "<subnet> <node address>"
# per line). Written by drydock; changes here are overwritten. Its routes carry protocol 188 ("drydock"):
# a route of that protocol no longer listed is removed, and none other is touched.
set -eu
want=/etc/kubernetes/pod-routes
ip -4 route show proto 188 | while read -r dst _; do
  grep -q "^$dst " "$want" || ip route del "$dst" proto 188
done
while read -r dst via; do
  [ -n "$dst" ] || continue
  ip route replace "$dst" via "$via" proto 188
done < "$want"
