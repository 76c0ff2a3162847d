#!/usr/bin/env bash
# The Debian package (scripts/package.sh) installs, its binary runs --version and validates
# the shipped configuration, its unit passes systemd-analyze, its conffiles are registered,
# and it purges cleanly. Needs root; installs and removes the package on this machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
deb=$(ls build-package/mta-sts-agent_*.deb | head -1)
version=$(dpkg-deb -f "$deb" Version)
fail() { echo "package test: $*" >&2; exit 1; }

dpkg -i "$deb" >/dev/null
trap 'dpkg --purge mta-sts-agent >/dev/null 2>&1 || true' EXIT
out=$(/usr/bin/mta-sts-agent --version)
grep -q "$version" <<< "$out" || fail "--version says '$out', the package is $version"
/usr/bin/mta-sts-agent --config.check --config.file=/etc/mta-sts-agent/mta-sts-agent.yml \
  || fail "the shipped configuration does not validate"
tests/deploy/systemd_unit_test.sh /lib/systemd/system/mta-sts-agent.service
conffiles=$(dpkg-query -W -f='${Conffiles}' mta-sts-agent)
grep -q /etc/mta-sts-agent/mta-sts-agent.yml <<< "$conffiles" || fail "config is not a conffile"
for f in /usr/share/mta-sts-agent/prometheus/mta-sts-agent.rules.yml \
         /usr/share/mta-sts-agent/dashboards/mta-sts-fleet.json \
         /usr/share/mta-sts-agent/dashboards/mta-sts-domain.json \
         /usr/share/doc/mta-sts-agent/RUNBOOK.md; do
  [ -s "$f" ] || fail "$f is missing"
done
if command -v promtool >/dev/null; then
  promtool check rules /usr/share/mta-sts-agent/prometheus/mta-sts-agent.rules.yml >/dev/null
fi
dpkg --purge mta-sts-agent >/dev/null
[ ! -e /usr/bin/mta-sts-agent ] || fail "the binary is still there after purge"
[ ! -e /etc/mta-sts-agent/mta-sts-agent.yml ] || fail "the config is still there after purge"
trap - EXIT
echo "package test: $deb installs, runs --version ($out), validates and purges"
