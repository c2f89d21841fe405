#!/usr/bin/env bash
# Run every libFuzzer harness of tools/fuzz for N seconds each (default 60)
# under ASan and UBSan, in a clang build of its own (build-fuzz/).
#   tools/fuzz/run.sh [SECONDS] [HARNESS...]
# A crash leaves its input as build-fuzz/tools/fuzz/crash-* and exits 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
harnesses=("$@")
((${#harnesses[@]})) || harnesses=(parse_limited check_batch check_receipt program evaluate)
if [[ ! -f build-fuzz/CMakeCache.txt ]]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DYIZHEN_FUZZ=ON -DYIZHEN_BUILD_APP=OFF \
    -DYIZHEN_BUILD_BENCH=OFF ${CMAKE_CXX_COMPILER_LAUNCHER:+-DCMAKE_CXX_COMPILER_LAUNCHER=$CMAKE_CXX_COMPILER_LAUNCHER} >/dev/null
fi
cmake --build build-fuzz --target "${harnesses[@]/#/fuzz_}" -j"${JOBS:-2}"
status=0
for h in "${harnesses[@]}"; do
  dir=build-fuzz/tools/fuzz
  mkdir -p "$dir/corpus_$h"
  echo "== fuzz_$h for ${seconds} s"
  (cd "$dir" && UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "./fuzz_$h" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    "corpus_$h" "../../../tools/fuzz/corpus/$h") || status=1
done
exit $status
