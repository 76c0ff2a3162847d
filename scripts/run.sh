#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds mta-sts-agent and runs the daemon on the bundled
# example configuration (deploy/mta-sts-agent.yml). Open http://localhost:8461/ for the status
# page and http://localhost:8461/metrics for Prometheus; Ctrl-C stops it.
# Extra arguments go to the agent, e.g. scripts/run.sh --web.listen-address=127.0.0.1:9000
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMTASTS_BUILD_TESTS=OFF
cmake --build build -j2
mkdir -p build/state
set -x
exec build/mta-sts-agent serve --config.file=deploy/mta-sts-agent.yml --storage.path=build/state "$@"
