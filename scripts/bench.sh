#!/usr/bin/env bash
# Run every benchmark of bench/ (DESIGN.md §7) and print the bars side by
# side with their references (BENCHMARKS.md explains each one).
#   scripts/bench.sh            full run: 10^6-patient search and app, 10^5-record
#                               ingest (SQLite and PostgreSQL) and sync, four
#                               devices through one and two servers on
#                               PostgreSQL, 10^5-row export; about 10 min once
#                               the data exists, plus ~20 min for PostgreSQL's
#                               (5 × 50 s ingest, 5 × ~2.5 min pushes) on 2
#                               cores (the 10^6-patient database takes ~13 min
#                               more the first time)
#   scripts/bench.sh --smoke    every benchmark once on tiny data (~20 s); no
#                               verdicts: checks that they build, run and report
# Environment: BUILD_DIR (default build), YIZHEN_BENCH_DATA (where the demo
# databases are kept between runs; default /var/tmp/yizhen-bench),
# BENCH_OUT (where outputs go; default $BUILD_DIR/bench-results), RUNS
# (repetitions of each figure; default 5), NO_BUILD=1 (use what is built).
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
[[ "${1:-}" == "--smoke" ]] && smoke=1
build_dir="${BUILD_DIR:-build}"
out="${BENCH_OUT:-$build_dir/bench-results}"
[[ "${NO_BUILD:-0}" == 1 ]] || scripts/setup.sh "$build_dir" >/dev/null
bin="$build_dir/bench"
ctl="$build_dir/app/yizhenctl/yizhenctl"
mkdir -p "$out"
: >"$out/results.txt"

if ((smoke)); then
  data="$(mktemp -d)"
  trap 'rm -rf "$data"' EXIT
  runs=1 patients=100 pg_patients=40 d6_patients=300 queries=20 export_rows=500 saves=20 app_runs=(--smoke)
else
  data="${YIZHEN_BENCH_DATA:-/var/tmp/yizhen-bench}"
  runs="${RUNS:-5}" patients=10000 pg_patients=10000 d6_patients=1000000 queries=1000 export_rows=100000 saves=2000 app_runs=()
fi
mkdir -p "$data"
reps=(--benchmark_repetitions="$runs" --benchmark_report_aggregates_only=false)

# The 10^6-patient database for search and the app (kept between runs).
big="$data/demo$d6_patients.db"
if [[ ! -f "$big" ]]; then
  echo "bench: generating $big ($d6_patients patients)…"
  rm -f "$big.partial"
  "$ctl" --db "$big.partial" demo --plain --patients "$d6_patients" --seed 1 >/dev/null
  mv "$big.partial" "$big"
fi

step() {  # step NAME COMMAND…: run one benchmark, keep its output and RESULT lines
  local name="$1"
  shift
  echo "bench: $name"
  "$@" >"$out/$name.txt" 2>"$out/$name.log" || {
    echo "bench: $name failed (exit $?); see $out/$name.log" >&2
    tail -20 "$out/$name.log" >&2
    exit 1
  }
  grep '^RESULT ' "$out/$name.txt" >>"$out/results.txt" || true
}

step save_encounter "$bin/save_encounter" "${reps[@]}" "$data/demo$patients.db" "$patients" "$saves"
step search_latency "$bin/search_latency" "${reps[@]}" "$big" "$queries"
step server_ingest "$bin/server_ingest" "${reps[@]}" "$data/demo$patients.db" "$patients"
# PostgreSQL: ingest vs a bare COPY, four devices through one vs two servers
# (pg_ingest.cpp); it starts and removes its own durable cluster.
step pg_ingest "$bin/pg_ingest" "${reps[@]}" "$data/demo$pg_patients.db" "$pg_patients"
step export_xlsx "$bin/export_xlsx" "${reps[@]}" "$data/screenings$export_rows.db" "$export_rows"
for ((i = 1; i <= runs; i++)); do
  step "sync_campaign_$i" "$bin/sync_campaign" "$patients" "$data/demo$patients.db"
done
# The same full sync through a PostgreSQL central store (its own cluster), once.
step sync_campaign_pg "$bin/sync_campaign" --pg "$pg_patients" "$data/demo$pg_patients.db"
step app_xvfb bench/app_xvfb.sh "$build_dir" "$big" "${app_runs[@]}"
# The coordinators' console over 10^6 patients (a 10^5 demo copied ten times
# in SQL: bench/replicate_patients.py says why); full runs only, since a
# smoke run's Chromium start would cost CI more than it tells (its figures are
# in the run's results.txt and BENCHMARKS.md, not in bars.txt's summary).
if ((!smoke)); then
  central="$data/central$d6_patients.db"
  if [[ ! -f "$central" ]]; then
    cp "$data/demo$((d6_patients / 10)).db" "$central.partial" 2>/dev/null ||
      "$ctl" --db "$central.partial" demo --plain --patients $((d6_patients / 10)) --seed 1 >/dev/null
    bench/replicate_patients.py "$central.partial" 10 >/dev/null
    mv "$central.partial" "$central"
  fi
  step console_dashboard bench/console_dashboard.py "$build_dir" "$central" "$runs"
fi

{
  echo "# yizhen benchmarks $(date -u +%Y-%m-%dT%H:%MZ)$( ((smoke)) && echo ' (smoke run: tiny data, no verdicts)')"
  echo
  echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); load $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo
  awk -v judge=$((1 - smoke)) -f bench/summary.awk bench/bars.txt "$out/results.txt"
} | tee "$out/summary.md"
