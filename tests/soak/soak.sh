#!/usr/bin/env bash
# The soak (not a test, not in CI): the daemon for MINUTES (default 30) against the lab and
# every misbehaving server at once (silent, slowloris and endless SMTP; policy hosts that
# hang, trickle, send endless headers or 10 MB; a name server answering garbage), with a
# reload every minute and a scrape every 5 s. Every 5 s it records RSS, open fds, series and
# schedule lag; at the end it prints them and draws docs/soak.svg. Flat is the goal. DANE is
# on, with the lab's signed zone dane.test and its anchor, so libunbound's sockets, timers and
# validation on the agent's event loop are soaked too.
#   tests/soak/soak.sh [MINUTES=30]        (as root, on Debian 12)
set -euo pipefail
cd "$(dirname "$0")/../.."
MINUTES=${1:-30}
export MTASTS_LAB_DIR=/tmp/mtasts-soak-lab MTASTS_LAB_NETNS=mtasts-soak
DIR=/tmp/mtasts-soak

scripts/setup-debian.sh
cmake -S . -B build-soak -G Ninja -DCMAKE_BUILD_TYPE=Release -DMTASTS_BUILD_TESTS=ON >/dev/null
cmake --build build-soak -j2 --target mta-sts-agent lab_misbehaving_servers
export MTASTS_LAB_MISBEHAVING=$PWD/build-soak/tests/integration/lab_misbehaving_servers
tests/lab/lab.sh up
trap 'tests/lab/lab.sh down >/dev/null 2>&1 || true' EXIT

rm -rf "$DIR" && mkdir -p "$DIR/state"
# Every domain of the lab zone, misbehaving ones included, checked every minute.
domains=$(sed -n 's/^_mta-sts\.\([a-z0-9-]*\) .*/\1.test/p' tests/lab/zones/test.zone | sort -u)
{
  cat <<CONF
global:
  dns_servers: ["127.0.0.54"]
  ca_file: $MTASTS_LAB_DIR/certs/ca.pem
  ehlo_name: soak.lab.test
  interval: 1m
  retry_interval: 1m
  timeout: 30s
  dane_trust_anchor: $MTASTS_LAB_DIR/dnssec/trust-anchor.ds
targets:
  - garbagedns.test
CONF
  for d in good stale bogus wrong nostarttls cname; do echo "  - $d.dane.test"; done
  for d in $domains; do echo "  - $d"; done
} > "$DIR/agent.yml"
echo "soak: $(grep -c '^  - ' "$DIR/agent.yml") domains for $MINUTES minutes"

tests/lab/lab.sh exec build-soak/mta-sts-agent serve --config.file="$DIR/agent.yml" \
  --web.listen-address=127.0.0.1:8461 --web.enable-lifecycle --storage.path="$DIR/state" \
  --log.level=warn 2> "$DIR/agent.log" &
sleep 2
pid=$(pgrep -n -f "mta-sts-agent serve --config.file=$DIR/agent.yml")
tests/lab/lab.sh exec python3 tests/soak/soak_sampler.py "$pid" 127.0.0.1:8461 \
  "$((MINUTES * 60))" "$DIR/samples.csv"
kill "$pid"
python3 tests/soak/soak_sampler.py --report "$DIR/samples.csv" docs/soak.svg
