# What the benchmarks share (sourced by bench.sh and bench_hammer.sh): the Release build, the
# CPU counter of a process, and the agent's configuration for the generated domains.
# Needs: $C (the concurrency).
LAB=tests/bench/bench_lab.sh
export MTASTS_BENCH_DIR=${MTASTS_BENCH_DIR:-/tmp/mtasts-bench}
DIR=$MTASTS_BENCH_DIR
LISTEN=127.0.1.1

# bench_build: packages, then the agent and the driver in build-bench/.
bench_build() {
  scripts/setup-debian.sh
  cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DMTASTS_BUILD_TESTS=ON \
    -DMTASTS_LAB_TESTS=OFF >/dev/null
  cmake --build build-bench -j2 --target mta-sts-agent bench_driver
  AGENT=build-bench/mta-sts-agent
  DRIVER=build-bench/tests/bench/bench_driver
}

ticks=$(getconf CLK_TCK)
# cpu_seconds PID: user + system CPU of the process so far.
cpu_seconds() { awk -v t="$ticks" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$1/stat"; }

# write_agent_config FILE: the agent's config for the bench lab's domains.
write_agent_config() {
  cat > "$1" <<CONF
global:
  dns_servers: ["127.0.1.53"]
  ca_file: $DIR/certs/ca.pem
  ehlo_name: bench.lab.test
  ip_families: [ipv4, ipv6]
  concurrency: $C
  interval: 15m
  timeout: 60s
  dane_trust_anchor: $DIR/nsd/trust-anchor.ds
target_files: [$DIR/targets.yml]
CONF
}
