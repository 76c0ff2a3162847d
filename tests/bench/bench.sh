#!/usr/bin/env bash
# The benchmark (not a test): N generated domains in a lab (bench_lab.sh; the fleet is
# bench_mix.sh's realistic mix), checked once by mta-sts-agent at concurrency C, then probed
# the same way by Debian's prometheus-blackbox-exporter at the same concurrency, both measured
# from /proc.
#   tests/bench/bench.sh [N=10000] [C=100]        (as root, on Debian 12)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10000}
C=${2:-100}

source tests/bench/bench_common.sh
source tests/bench/bench_mix.sh
scripts/setup-debian.sh
if ! dpkg-query -W -f='${Status}' prometheus-blackbox-exporter 2>/dev/null | grep -q "ok installed"; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus-blackbox-exporter
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now prometheus-blackbox-exporter >/dev/null 2>&1 || true
  fi
fi
bench_build

echo "bench: setting up $N domains"
$LAB up "$N"
trap '$LAB down >/dev/null 2>&1 || true' EXIT
RUN="$DIR/run"
mkdir -p "$RUN"
peak_rss_mb() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
value() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<< "$2"; }

# ---- mta-sts-agent ------------------------------------------------------------------
write_agent_config "$RUN/agent.yml"
# start_agent LOG: the agent on the benchmark's config, its pid in $agent. With a state
# database, as the shipped systemd unit runs it (finished checks written once a second); a fresh one
# each time, so no report is served from an earlier run.
# BENCH_STORAGE=0 runs it without one, to measure what the state database costs.
start_agent() {
  rm -rf "$RUN/state" && mkdir -p "$RUN/state"
  local storage=(--storage.path="$RUN/state")
  [ "${BENCH_STORAGE:-1}" = 0 ] && storage=()
  $LAB exec "$AGENT" serve --config.file="$RUN/agent.yml" --web.listen-address=$LISTEN:8461 \
    "${storage[@]}" --log.level=warn 2> "$1" &
  agent=$!
}
# wait_ready LOG: wait-ready's line once the agent has checked every domain; stops the
# benchmark at once, with the end of the agent's LOG, if the agent exits first.
wait_ready() {
  $LAB exec "$DRIVER" wait-ready $LISTEN 8461 1800 > "$RUN/wait-ready.out" &
  local waiter=$!
  while kill -0 $waiter 2> /dev/null; do
    if ! kill -0 $agent 2> /dev/null; then
      kill $waiter 2> /dev/null || true
      echo "bench: the agent exited before its round ended ($1):" >&2
      tail -5 "$1" >&2
      exit 1
    fi
    sleep 0.2
  done
  wait $waiter
  cat "$RUN/wait-ready.out"
}
start_agent "$RUN/agent.log"
ready=$(wait_ready "$RUN/agent.log")
agent_cpu=$(cpu_seconds $agent)
agent_rss=$(peak_rss_mb $agent)
scrapes=""
for i in 1 2 3; do
  before=$(cpu_seconds $agent)
  s=$($LAB exec "$DRIVER" scrape $LISTEN 8461)
  after=$(cpu_seconds $agent)
  scrapes="$scrapes$s scrape_cpu_seconds=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.3f", a - b }')"$'\n'
done
agent_rss_after_scrape=$(peak_rss_mb $agent)
kill -TERM $agent
wait $agent || true
mkdir -p build-bench/results
cp "$RUN/agent.log" build-bench/results/agent.log
not_ok=$(grep -c 'msg="check finished"' "$RUN/agent.log" || true)
not_ok_codes=$(grep -o 'findings=[^ ]*' "$RUN/agent.log" | sort | uniq -c | sort -rn | head -8 || true)

# ---- blackbox_exporter, the same probes ---------------------------------------------
# Its DNS prober takes the name to ask from the module, so each domain needs its own modules.
{
  cat <<CONF
modules:
CONF
  for family in 4 6; do
    cat <<CONF
  policy$family:
    prober: http
    timeout: 60s
    http:
      method: GET
      no_follow_redirects: true
      valid_status_codes: [200]
      fail_if_not_ssl: true
      preferred_ip_protocol: ip$family
      ip_protocol_fallback: false
      tls_config:
        ca_file: $DIR/certs/ca.pem
  smtp_starttls$family:
    prober: tcp
    timeout: 60s
    tcp:
      preferred_ip_protocol: ip$family
      ip_protocol_fallback: false
      tls_config:
        ca_file: $DIR/certs/ca.pem
      query_response:
        - expect: "^220 "
        - send: "EHLO bench.lab.test\r"
        - expect: "^250-STARTTLS"
        - send: "STARTTLS\r"
        - expect: "^220 "
        - starttls: true
        - send: "QUIT\r"
CONF
  done
  for ((i = 0; i < N; i++)); do
    mix "$i"
    d=$MIX_NAME
    for kind in "sts _mta-sts.$d TXT" "tlsrpt _smtp._tls.$d TXT" "mx $d MX"; do
      set -- $kind
      printf '  %s_%s:\n    prober: dns\n    timeout: 60s\n    dns:\n      query_name: "%s"\n      query_type: "%s"\n      preferred_ip_protocol: ip4\n      valid_rcodes: [NOERROR]\n' \
        "$1" "$d" "$2" "$3"
    done
  done
} > "$RUN/blackbox.yml"
# The same connections the agent makes: the policy and every MX host, over each family the
# domain has.
{
  for ((i = 0; i < N; i++)); do
    mix "$i"
    d=$MIX_NAME
    families=4
    ((MIX_DUAL)) && families="4 6"
    echo "/probe?module=sts_$d&target=127.0.1.53"
    echo "/probe?module=tlsrpt_$d&target=127.0.1.53"
    echo "/probe?module=mx_$d&target=127.0.1.53"
    for family in $families; do
      echo "/probe?module=policy$family&target=https://mta-sts.$d/.well-known/mta-sts.txt"
      for ((k = 1; k <= MIX_MX_COUNT; k++)); do
        echo "/probe?module=smtp_starttls$family&target=mx$k-$d:25"
      done
    done
  done
} > "$RUN/blackbox.targets"
$LAB exec prometheus-blackbox-exporter --config.file="$RUN/blackbox.yml" \
  --web.listen-address=$LISTEN:9115 --log.level=error 2> "$RUN/blackbox.log" &
blackbox=$!
for _ in $(seq 600); do
  $LAB exec bash -c "exec 3<>/dev/tcp/$LISTEN/9115" 2>/dev/null && break
  sleep 0.1
done
blackbox_start_cpu=$(cpu_seconds $blackbox)
probes=$($LAB exec "$DRIVER" probe $LISTEN 9115 "$C" "$RUN/blackbox.targets" || true)
blackbox_cpu_total=$(cpu_seconds $blackbox)
blackbox_rss=$(peak_rss_mb $blackbox)
kill -TERM $blackbox
wait $blackbox || true

# ---- mta-sts-agent again, every domain on the same two MX hosts ------------------------
# A hosting provider's case: the checks share the MX probes (mx_probe_reuse).
# shared_round LOG: the agent until every domain has been checked once; prints wait-ready's
# line with cpu=, rss= and not_ok=, and the probe counters.
shared_round() {
  start_agent "$1" > /dev/null
  local ready_line cpu rss metrics
  ready_line=$(wait_ready "$1") || exit 1  # (errexit does not reach into $(...))
  cpu=$(cpu_seconds $agent)
  rss=$(peak_rss_mb $agent)
  metrics=$($LAB exec bash -c "exec 3<>/dev/tcp/$LISTEN/8461; printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3; cat <&3" \
    | grep -E '^mtasts_agent_smtp_probes_(total|shared_total) ' | tr '\n' ' ')
  kill -TERM $agent
  wait $agent || true
  echo "$ready_line cpu=$cpu rss=$rss not_ok=$(grep -c 'msg="check finished"' "$1" || true) $metrics"
}
$LAB shared-mx
shared=$(shared_round "$RUN/agent-shared.log")
cp "$RUN/agent-shared.log" build-bench/results/agent-shared.log
# The shared-MX budget was set on the first benchmark's fleet (every domain healthy, IPv4
# only: one policy handshake per check); that fleet's shared round is measured too.
shared_healthy=$shared
if [ "${MTASTS_BENCH_FLEET:-mix}" != healthy ]; then
  MTASTS_BENCH_FLEET=healthy $LAB up "$N" > /dev/null
  MTASTS_BENCH_FLEET=healthy $LAB shared-mx > /dev/null
  mkdir -p "$RUN" && write_agent_config "$RUN/agent.yml"  # `up` starts from an empty directory
  shared_healthy=$(shared_round "$RUN/agent-shared-healthy.log")
fi

# ---- the floor: OpenSSL's own client, new TLS handshakes with the lab's policy server ----
# Most of a shared-MX check is its policy fetch's handshake (1.2 per check: dual-stack domains
# fetch over both families). `openssl s_time -new` measures what one costs on this machine in
# this run, the agent's figures can be read against it whatever the machine's speed that hour.
WEB_ADDRESS=127.0.1.80  # bench_lab.sh's WEB: nginx, the policy hosts
TIMEFORMAT='%U %S'
handshake_cpu=$({ time $LAB exec openssl s_time -new -connect $WEB_ADDRESS:443 -time 10 \
  > "$RUN/s_time.out" 2>&1; } 2>&1)
handshakes=$(sed -n 's/^\([0-9]*\) connections in .*real.*/\1/p' "$RUN/s_time.out" | head -1)
handshake_ms=$(awk -v c="$handshake_cpu" -v n="${handshakes:-0}" \
  'BEGIN { split(c, t, " "); if (n > 0) printf "%.3f", (t[1] + t[2]) * 1000 / n; else print "-" }')

# ---- report -------------------------------------------------------------------------
agent_wall=$(value ready_seconds "$ready")
blackbox_wall=$(value wall_seconds "$probes")
blackbox_cpu=$(awk -v a="$blackbox_cpu_total" -v b="$blackbox_start_cpu" 'BEGIN { printf "%.3f", a - b }')
scrape=$(sed -n 2p <<< "$scrapes")
per() { awk -v x="$1" -v n="$N" 'BEGIN { printf "%.3f", x * 1000 / n }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
cat <<REPORT

mta-sts-agent benchmark: $N domains (TXT x2, policy over HTTPS, 2 MX hosts with STARTTLS each;
a fifth with 4 MX hosts on IPv4 and IPv6, a third with a warning, one in twenty failing),
concurrency $C, $(nproc) cores, $(date -u +%Y-%m-%d)

| measure | mta-sts-agent | blackbox_exporter | agent / blackbox |
| --- | --- | --- | --- |
| wall time of a full round (s) | $agent_wall | $blackbox_wall | $(ratio "$agent_wall" "$blackbox_wall") |
| CPU (s) | $agent_cpu | $blackbox_cpu | $(ratio "$agent_cpu" "$blackbox_cpu") |
| CPU per domain check (ms) | $(per "$agent_cpu") | $(per "$blackbox_cpu") | $(ratio "$agent_cpu" "$blackbox_cpu") |
| peak RSS (MB) | $agent_rss | $blackbox_rss | $(ratio "$agent_rss" "$blackbox_rss") |

blackbox_exporter: $probes (CPU counted from after it loaded its config; the config has 3 DNS
modules per domain, because its DNS prober takes the query name from the module)
agent /metrics scrapes (gzip): 
$scrapes
peak RSS after the scrapes: $agent_rss_after_scrape MB
checks that did not end ok in the first round (a third warn and a twentieth fail by design): $not_ok (build-bench/results/agent.log)
$not_ok_codes
The same $N domains on two shared dual-stack MX hosts (a hosting provider), agent only:
full round $(value ready_seconds "$shared") s, CPU per domain check $(per "$(value cpu "$shared")") ms, peak RSS $(value rss "$shared") MB
$(grep -o 'mtasts_agent_smtp_probes_total.*' <<< "$shared")
checks that did not end ok: $(value not_ok "$shared") (build-bench/results/agent-shared.log)
The same on the first benchmark's fleet (every domain healthy, IPv4 only), where the budget was
set: full round $(value ready_seconds "$shared_healthy") s, CPU per domain check $(per "$(value cpu "$shared_healthy")") ms, peak RSS $(value rss "$shared_healthy") MB
OpenSSL's own client, the same run: $handshake_ms ms CPU per new TLS handshake with the policy
server ($handshakes in 10 s, openssl s_time -new); a shared-MX check cost $(ratio "$(per "$(value cpu "$shared")")" "$handshake_ms") of them
(the healthy fleet's $(ratio "$(per "$(value cpu "$shared_healthy")")" "$handshake_ms"))

budgets: CPU per domain check at most half of blackbox_exporter's, 1.0 ms with shared MX hosts
(on the healthy fleet);
RSS < 100 MB; scrape < 1 s; a round within the 15m interval
REPORT
