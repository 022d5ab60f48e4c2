#!/bin/bash
# keepalived's check: this host's API server accepts connections. Written by drydock.
exec 3<>/dev/tcp/127.0.0.1/{{ port }}
