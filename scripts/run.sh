#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds mta-sts-agent and runs it on the bundled
# examples. (Until the daemon lands, "running the agent" means `lint` on an example policy
# and record; exit code 0 means they are clean.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMTASTS_BUILD_TESTS=OFF
cmake --build build -j2
set -x
build/mta-sts-agent lint policy examples/mta-sts.txt --mx mail.example.com --mx mx1.mx.example.net
build/mta-sts-agent lint record "$(cat examples/mta-sts.record)"
build/mta-sts-agent lint tlsrpt "$(cat examples/tlsrpt.record)"
