#pragma once
// What every benchmark in bench/ shares (BENCHMARKS.md, DESIGN.md §7).
//
// In-process figures use Google Benchmark. Google Benchmark reports the mean
// of a run's iterations; the bars are percentiles and medians, so the
// benchmarks here also time each operation themselves (Latencies) and put
// p50/p95/p99 into the benchmark's counters.
//
// Every figure a bar is judged on is also printed, after all benchmarks have
// run, as one line `RESULT <key> <value> <unit>` (the median over
// repetitions): scripts/bench.sh collects those lines into its summary.

#include <SQLiteCpp/Statement.h>
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace yzb {

// Per-operation times in milliseconds.
class Latencies {
 public:
  void add(double ms) { ms_.push_back(ms); }
  size_t size() const { return ms_.size(); }
  // The p-quantile (0..1) by nearest rank; 0 when empty.
  double quantile(double p) const;

 private:
  std::vector<double> ms_;
};

// Records a figure for the RESULT lines (repeated keys: the median is printed).
void result(const std::string& key, double value, const std::string& unit);

// Records RESULT `<key>_p50_ms`, `<key>_p95_ms` and `<key>_p99_ms`.
void result_quantiles(const Latencies& lat, const std::string& key);

// Sets counters p50_ms, p95_ms, p99_ms on `state` and records them as
// result_quantiles does.
void report_latencies(benchmark::State& state, const Latencies& lat, const std::string& key);

double median(std::vector<double> v);

using Clock = std::chrono::steady_clock;
inline double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}
inline double seconds_since(Clock::time_point t0) { return ms_since(t0) / 1e3; }

// A row as SQLite returned it, to insert again as it is (the references
// that insert "the same rows").
using Cell = std::variant<std::monostate, int64_t, double, std::string>;
using Row = std::vector<Cell>;
Row read_row(SQLite::Statement& st);
// Binds `row` to parameters 1..n of `st`.
void bind_row(SQLite::Statement& st, const Row& row);

// CPU time of the calling thread, in milliseconds: beside wall time it tells
// the work a figure costs from the waiting (fsync, other processes).
double thread_cpu_ms();

// A fresh directory under $TMPDIR (or /tmp) for one benchmark process;
// removed by remove_scratch_dir() (call it before exiting).
const std::string& scratch_dir();
void remove_scratch_dir();

// A copy, in the scratch directory under `name`, of the demo database
// `cached` (`yizhenctl demo --patients PATIENTS --seed SEED`), generated there
// first if it does not exist yet: generating 10^4 patients takes a minute,
// so benchmark runs share it.
std::string copy_of_demo(const std::string& cached, int patients, const std::string& name, uint64_t seed = 1);

// Google Benchmark's main plus the RESULT lines: parses its flags out of
// argv, leaves the rest in `args` for the caller (positional arguments),
// runs `setup(args)` (false: usage error, exit 2), runs the benchmarks, then
// `finish` (figures over several benchmarks), prints the RESULT lines and
// removes the scratch directory.
int run(int argc, char** argv, bool (*setup)(const std::vector<std::string>& args), void (*finish)() = nullptr);

}  // namespace yzb
