#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, then builds and runs every test:
#  1. warnings as errors, AddressSanitizer + UndefinedBehaviorSanitizer: unit, CLI and
#     corpus-replay tests (ctest);
#  2. the Debian package: built (Release), installed, run, validated and purged;
#  3. clang + libFuzzer: each parser fuzzed for MTASTS_FUZZ_SECONDS (default 60) seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh

cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMTASTS_WERROR=ON -DMTASTS_SANITIZE=ON \
  -DMTASTS_REQUIRE_TOOLS=ON
cmake --build build-test -j2
ctest --test-dir build-test -j2 --output-on-failure

scripts/package.sh
tests/deploy/package_test.sh

cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-16 \
  -DMTASTS_FUZZ=ON -DMTASTS_BUILD_TESTS=OFF -DMTASTS_FUZZ_SECONDS="${MTASTS_FUZZ_SECONDS:-60}"
cmake --build build-fuzz -j2
if ! ctest --test-dir build-fuzz -j2 --output-on-failure; then
  echo "A fuzzer failed. Its input is in build-fuzz/tests/fuzz/<target>-crash-*: fix the bug," >&2
  echo "then keep the input as a regression test in tests/fuzz/corpus/<target>/." >&2
  exit 1
fi
