#!/usr/bin/env bash
# Build everything and run the whole test suite (unit, integration, CLI and
# GUI end-to-end tests) with ctest.
#   scripts/test.sh            normal build in build/
#   SANITIZE=1 scripts/test.sh AddressSanitizer + UBSan build in build-asan/
# Both builds treat compiler warnings as errors (WERROR=0 to relax locally).
set -euo pipefail
cd "$(dirname "$0")/.."
werror=-DYIZHEN_WERROR=ON
[[ "${WERROR:-1}" == 0 ]] && werror=-DYIZHEN_WERROR=OFF

if [[ "${SANITIZE:-0}" == 1 ]]; then
  build_dir=build-asan
  # The benchmarks run (bench_smoke) in the normal build only: their timing
  # means nothing under the sanitizers, and CI has 30 minutes for both builds.
  scripts/setup.sh "$build_dir" -DCMAKE_BUILD_TYPE=Debug -DYIZHEN_SANITIZE=ON -DYIZHEN_BUILD_BENCH=OFF "$werror"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  build_dir=build
  scripts/setup.sh "$build_dir" "$werror"
fi
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600
