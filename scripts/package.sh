#!/usr/bin/env bash
# Builds the Debian package: build-package/mta-sts-agent_<version>_amd64.deb
# (binary, systemd unit, example configuration, alert rules, dashboards, runbook).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-package -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DMTASTS_BUILD_TESTS=OFF
cmake --build build-package -j2
(cd build-package && cpack -G DEB)
ls build-package/*.deb
