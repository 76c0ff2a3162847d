#!/usr/bin/env bash
# The systemd unit: `systemd-analyze verify` is clean and `systemd-analyze security` rates its
# exposure 2.0 or less. Usage: systemd_unit_test.sh UNIT [BINARY]
# With BINARY, the unit is checked with ExecStart pointing there (before it is installed).
set -euo pipefail
unit=$1
binary=${2:+$(realpath "$2")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
name=$(basename "$unit")
if [ -n "$binary" ]; then
  sed "s|/usr/bin/mta-sts-agent|$binary|" "$unit" > "$work/$name"
else
  cp "$unit" "$work/$name"
fi

if ! out=$(systemd-analyze verify "$work/$name" 2>&1) || [ -n "$out" ]; then
  echo "systemd-analyze verify is not clean:" >&2
  echo "$out" >&2
  exit 1
fi
security=$(systemd-analyze security --offline=true --no-pager "$work/$name" 2>&1)
level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<< "$security")
if [ -z "$level" ]; then
  echo "no exposure level in:" >&2
  echo "$security" >&2
  exit 1
fi
echo "exposure level $level"
if ! awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }'; then
  echo "exposure $level is above 2.0:" >&2
  grep '✗' <<< "$security" >&2 || true
  exit 1
fi
# Reload is SIGHUP, which the agent handles as a reload.
grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' "$unit"
