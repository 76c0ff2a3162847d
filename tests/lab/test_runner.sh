#!/usr/bin/env bash
# How ctest runs the lab's test binary (the CROSSCOMPILING_EMULATOR of integration_lab_tests):
# each test case inside the lab's network namespace, as its own ctest entry. Listing the
# cases (gtest_discover_tests, before the lab is up) needs no lab.
set -euo pipefail
for arg in "$@"; do
  if [ "$arg" = --gtest_list_tests ]; then exec "$@"; fi
done
exec "$(dirname "$0")/lab.sh" exec "$@"
