#!/usr/bin/env bash
# The test lab: a small internet inside a network namespace, with real servers from
# Debian packages. Used by ctest (fixtures lab_up / lab_down) and by hand:
#
#   tests/lab/lab.sh up        create the namespace and start the servers
#   tests/lab/lab.sh down      stop everything and remove the namespace (idempotent)
#   tests/lab/lab.sh exec CMD  run CMD inside the lab
#
# Addresses (on the namespace's loopback, so nothing leaves the machine):
#   DNS (NSD, authoritative for test. and example.)   127.0.0.53 and fd00:6d74:7374::53
# Needs root (ip netns). State lives in $MTASTS_LAB_DIR (default /tmp/mtasts-lab).
set -euo pipefail

LAB_NETNS=${MTASTS_LAB_NETNS:-mtasts-lab}
LAB_DIR=${MTASTS_LAB_DIR:-/tmp/mtasts-lab}
HERE=$(cd "$(dirname "$0")" && pwd)
DNS_V4=127.0.0.53
DNS_V6=fd00:6d74:7374::53

in_lab() { ip netns exec "$LAB_NETNS" "$@"; }

stop_pidfile() {
  local pidfile=$1
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

down() {
  stop_pidfile "$LAB_DIR/nsd/nsd.pid"
  if ip netns list | grep -qw "$LAB_NETNS"; then
    # Anything still running in the namespace belongs to the lab.
    for pid in $(ip netns pids "$LAB_NETNS" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns delete "$LAB_NETNS"
  fi
  rm -rf "$LAB_DIR"
}

wait_for_dns() {
  for _ in $(seq 100); do
    if in_lab bash -c "exec 3<>/dev/tcp/$DNS_V4/53" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "lab: NSD did not start; its log:" >&2
  cat "$LAB_DIR/nsd/nsd.log" >&2 || true
  return 1
}

start_dns() {
  local dir="$LAB_DIR/nsd"
  mkdir -p "$dir"
  cp "$HERE"/zones/*.zone "$dir/"
  cat > "$dir/nsd.conf" <<CONF
server:
  ip-address: $DNS_V4
  ip-address: $DNS_V6
  port: 53
  username: ""
  chroot: ""
  zonesdir: "$dir"
  zonelistfile: "$dir/zone.list"
  xfrdfile: "$dir/xfrd.state"
  xfrdir: "$dir"
  database: ""
  pidfile: "$dir/nsd.pid"
  logfile: "$dir/nsd.log"
  server-count: 1
  hide-version: yes
  # Response rate limiting drops answers to one fast client (lab-notes.md).
  rrl-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: "test."
  zonefile: "test.zone"
zone:
  name: "example."
  zonefile: "example.zone"
CONF
  in_lab nsd -c "$dir/nsd.conf"
  wait_for_dns
}

up() {
  [ "$(id -u)" -eq 0 ] || { echo "lab: needs root (ip netns)" >&2; exit 1; }
  down
  mkdir -p "$LAB_DIR"
  ip netns add "$LAB_NETNS"
  in_lab ip link set lo up
  in_lab ip -6 addr add "$DNS_V6/128" dev lo nodad
  start_dns
  echo "lab: up (namespace $LAB_NETNS, DNS $DNS_V4 and [$DNS_V6])"
}

case "${1:-}" in
  up) up ;;
  down) down; echo "lab: down" ;;
  exec) shift; in_lab "$@" ;;
  *) echo "usage: $0 up|down|exec CMD..." >&2; exit 2 ;;
esac
