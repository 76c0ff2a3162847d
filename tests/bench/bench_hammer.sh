#!/usr/bin/env bash
# The web server under attack, as a benchmark (not a test): one round of N generated domains
# (bench_lab.sh) checked by the agent with basic auth on (bcrypt cost 10): quietly; while
# CLIENTS connections send the same wrong password as fast as they are answered (a
# misconfigured scraper, or a dumb flood); and while they send a new guess each time (brute
# force). In every round a scraper with the right password asks for /metrics every second.
# Compared: the round's wall time, CPU per check, check durations and schedule lag.
#   tests/bench/bench_hammer.sh [N=2000] [C=100] [CLIENTS=64]     (as root, on Debian 12)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-2000}
C=${2:-100}
CLIENTS=${3:-64}

source tests/bench/bench_common.sh
bench_build
$LAB up "$N"
trap '$LAB down >/dev/null 2>&1 || true' EXIT
RUN="$DIR/hammer"
rm -rf "$RUN" && mkdir -p "$RUN"

# prometheus:secret at bcrypt cost 10, as htpasswd -nBC 10 would make it.
hash=$(python3 -W ignore -c 'import crypt; print(crypt.crypt("secret", "$2y$10$abcdefghijklmnopqrstuu"))')
printf 'basic_auth_users:\n  prometheus: %s\n' "$hash" > "$RUN/web.yml"
export BENCH_AUTH="Basic cHJvbWV0aGV1czpzZWNyZXQ="
write_agent_config "$RUN/agent.yml"

# round NAME none|same|guesses: one round, under that flood (none: the scraper only); prints
# its figures.
round() {
  rm -rf "$RUN/state" && mkdir -p "$RUN/state"
  $LAB exec "$AGENT" serve --config.file="$RUN/agent.yml" --web.listen-address=$LISTEN:8461 \
    --web.config.file="$RUN/web.yml" --storage.path="$RUN/state" --log.level=warn \
    2> "$RUN/$1.log" &
  local agent=$! flooder=""
  local clients=$CLIENTS
  [ "$2" = none ] && clients=0
  sleep 0.5
  $LAB exec "$DRIVER" flood $LISTEN 8461 "$clients" 600 "$2" > "$RUN/$1.flood" &
  flooder=$!
  local ready
  ready=$($LAB exec "$DRIVER" wait-ready $LISTEN 8461 1800)
  local cpu
  cpu=$(cpu_seconds $agent)
  $LAB exec bash -c "exec 3<>/dev/tcp/$LISTEN/8461; printf 'GET /metrics HTTP/1.0\r\nAuthorization: $BENCH_AUTH\r\n\r\n' >&3; cat <&3" \
    > "$RUN/$1.metrics"
  pkill -TERM -f "bench_driver flood $LISTEN" || true
  kill -TERM $agent
  wait $agent || true
  wait "$flooder" || true
  local durations
  durations=$(sed -n 's/^mtasts_check_duration_seconds{[^}]*} //p' "$RUN/$1.metrics" | sort -g)
  local count
  count=$(wc -l <<< "$durations")
  printf '| %s | %s | %.3f | %s | %s | %s |\n' "$1" "${ready#ready_seconds=}" \
    "$(awk -v c="$cpu" -v n="$N" 'BEGIN { print c * 1000 / n }')" \
    "$(sed -n "$(( (count + 1) / 2 ))p" <<< "$durations")" \
    "$(sed -n "$(( (count * 99 + 99) / 100 ))p" <<< "$durations")" \
    "$(sed -n 's/^mtasts_agent_schedule_lag_seconds //p' "$RUN/$1.metrics")"
}

echo "| round | wall (s) | CPU per check (ms) | check p50 (s) | check p99 (s) | schedule lag (s) |"
echo "| --- | --- | --- | --- | --- | --- |"
round quiet none
round same-password same
round new-guesses guesses
echo "quiet (scraper only): $(cat "$RUN/quiet.flood" 2>/dev/null)"
echo "same-password flood: $(cat "$RUN/same-password.flood" 2>/dev/null)"
echo "new-guesses flood: $(cat "$RUN/new-guesses.flood" 2>/dev/null)"
