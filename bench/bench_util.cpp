#include "bench/bench_util.h"

#include <SQLiteCpp/Column.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <utility>

#include "tools/demo/demo.h"

namespace yzb {

namespace {

struct Figure {
  std::vector<double> values;
  std::string unit;
};

// In first-recorded order, so the RESULT lines follow the benchmarks.
std::vector<std::pair<std::string, Figure>>& figures() {
  static std::vector<std::pair<std::string, Figure>> f;
  return f;
}

}  // namespace

double Latencies::quantile(double p) const {
  if (ms_.empty()) return 0;
  std::vector<double> v = ms_;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<size_t>(p * static_cast<double>(v.size()));
  return v[std::min(v.size() - 1, rank)];
}

void result(const std::string& key, double value, const std::string& unit) {
  auto& f = figures();
  auto it = std::find_if(f.begin(), f.end(), [&](const auto& e) { return e.first == key; });
  if (it == f.end()) it = f.insert(f.end(), {key, Figure{{}, unit}});
  it->second.values.push_back(value);
}

namespace {
constexpr std::pair<double, const char*> kQuantiles[] = {{0.50, "p50"}, {0.95, "p95"}, {0.99, "p99"}};
}  // namespace

void result_quantiles(const Latencies& lat, const std::string& key) {
  for (auto [p, name] : kQuantiles) result(key + "_" + name + "_ms", lat.quantile(p), "ms");
}

void report_latencies(benchmark::State& state, const Latencies& lat, const std::string& key) {
  for (auto [p, name] : kQuantiles) state.counters[std::string(name) + "_ms"] = lat.quantile(p);
  result_quantiles(lat, key);
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

Row read_row(SQLite::Statement& st) {
  Row r;
  for (int c = 0; c < st.getColumnCount(); ++c) {
    const SQLite::Column col = st.getColumn(c);
    if (col.isNull()) r.emplace_back(std::monostate{});
    else if (col.isInteger()) r.emplace_back(col.getInt64());
    else if (col.isFloat()) r.emplace_back(col.getDouble());
    else r.emplace_back(col.getString());
  }
  return r;
}

void bind_row(SQLite::Statement& st, const Row& row) {
  for (size_t c = 0; c < row.size(); ++c) {
    const int i = static_cast<int>(c) + 1;
    if (std::holds_alternative<int64_t>(row[c])) st.bind(i, std::get<int64_t>(row[c]));
    else if (std::holds_alternative<double>(row[c])) st.bind(i, std::get<double>(row[c]));
    else if (std::holds_alternative<std::string>(row[c])) st.bind(i, std::get<std::string>(row[c]));
    else st.bind(i);
  }
}

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

const std::string& scratch_dir() {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::filesystem::path p = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") /
                              ("yizhen-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(p);
    return p.string();
  }();
  return dir;
}

void remove_scratch_dir() {
  std::error_code ec;
  std::filesystem::remove_all(scratch_dir(), ec);
}

std::string copy_of_demo(const std::string& cached, int patients, const std::string& name, uint64_t seed) {
  namespace fs = std::filesystem;
  if (!fs::exists(cached)) {
    std::fprintf(stderr, "generating demo database %s (%d patients, seed %llu)\n", cached.c_str(), patients,
                 static_cast<unsigned long long>(seed));
    const std::string partial = cached + ".partial";
    fs::remove(partial);
    yz::generate_demo(partial, yz::DemoOptions{patients, seed});
    fs::rename(partial, cached);
  }
  const std::string copy = (fs::path(scratch_dir()) / name).string();
  fs::copy_file(cached, copy, fs::copy_options::overwrite_existing);
  return copy;
}

int run(int argc, char** argv, bool (*setup)(const std::vector<std::string>& args), void (*finish)()) {
  benchmark::Initialize(&argc, argv);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!setup(args)) {
    remove_scratch_dir();
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (finish) finish();
  for (const auto& [key, f] : figures()) std::printf("RESULT %s %.6g %s\n", key.c_str(), median(f.values), f.unit.c_str());
  std::fflush(stdout);
  remove_scratch_dir();
  return 0;
}

}  // namespace yzb
