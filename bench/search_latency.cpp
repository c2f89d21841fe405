// Patient search at 10^6 patients (DESIGN.md §7: p95 ≤ 10 ms for name,
// pinyin, initials, ID and phone).
//
//   search_latency [--benchmark_*] DB [QUERIES_PER_KIND=1000]
//
// DB: made with `yizhenctl demo --patients N`. For each query kind (whole
// name, name suffix, full pinyin, pinyin prefix, initials, 身份证 prefix,
// phone prefix) it draws real patients, types their key the way a nurse
// would, and times search_patients() over a read-only connection, as the
// app uses it: p50 / p95 / p99 per kind and over all kinds.
//
// Reference, same run, same queries: a bare read of the first 20 entries of
// the same prefix range of the key index (no ranking, no patient rows) --
// the floor any prefix search pays.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "core/domain/pinyin.h"
#include "core/domain/search.h"
#include "core/store/encrypt_database.h"
#include "core/store/encryption.h"
#include "core/store/store.h"

namespace {

using yzb::Clock;
using yzb::ms_since;

struct Sample {
  std::string name, id_number, phone;
};

struct Kind {
  const char* key;  // for benchmark names and RESULT keys
  std::function<std::string(const Sample&)> query;
};

std::string joined(const std::vector<std::string>& parts, size_t from = 0) {
  std::string s;
  for (size_t i = from; i < parts.size(); ++i) s += parts[i];
  return s;
}

std::string initials(const std::vector<std::string>& syl) {
  std::string s;
  for (const auto& x : syl) s += x.substr(0, 1);
  return s;
}

const std::vector<Kind> kKinds = {
    {"name", [](const Sample& s) { return s.name; }},
    {"name_suffix", [](const Sample& s) { return joined(yz::name_chars(s.name), 1); }},
    {"pinyin", [](const Sample& s) { return joined(yz::name_syllables(s.name)); }},
    {"pinyin_prefix", [](const Sample& s) { return joined(yz::name_syllables(s.name)).substr(0, 4); }},
    {"initials", [](const Sample& s) { return initials(yz::name_syllables(s.name)); }},
    {"id_number_prefix", [](const Sample& s) { return s.id_number.substr(0, 10); }},
    {"phone_prefix", [](const Sample& s) { return s.phone.substr(0, 7); }},
};

struct Setup {
  std::unique_ptr<SQLite::Database> db;
  std::unique_ptr<SQLite::Database> encrypted;  // an encrypted copy of db
  std::vector<Sample> samples;
  int per_kind = 1000;
  yzb::Latencies all, all_reference, all_encrypted;
} g;

// The queries of one kind (patients without an ID number or phone have none).
std::vector<std::string> queries(const Kind& k) {
  std::vector<std::string> out;
  for (const auto& s : g.samples) {
    std::string q = k.query(s);
    if (!q.empty()) out.push_back(std::move(q));
    if (static_cast<int>(out.size()) == g.per_kind) break;
  }
  return out;
}

// The queries of kind `k` on the plain database, or on its encrypted copy.
void search(benchmark::State& state, const Kind& k, bool encrypted) {
  const auto qs = queries(k);
  SQLite::Database& db = encrypted ? *g.encrypted : *g.db;
  yzb::Latencies lat;
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    const std::string& q = qs[i++ % qs.size()];
    const auto t0 = Clock::now();
    hits += yz::search_patients(db, q, 20).size();
    const double ms = ms_since(t0);
    lat.add(ms);
    (encrypted ? g.all_encrypted : g.all).add(ms);
  }
  state.counters["hits_per_query"] = static_cast<double>(hits) / static_cast<double>(state.iterations());
  yzb::report_latencies(state, lat, std::string(encrypted ? "search_encrypted_" : "search_") + k.key);
}

// An encrypted copy of `path`, made once beside it and kept (like the demo
// databases), opened for reading.
std::unique_ptr<SQLite::Database> open_encrypted_copy(const std::string& path) {
  namespace fs = std::filesystem;
  const std::string copy = path + ".encrypted";
  if (!fs::exists(copy) || !yz::key_file_exists(copy)) {
    std::fprintf(stderr, "search_latency: making an encrypted copy of %s\n", path.c_str());
    fs::remove(copy);
    fs::remove(yz::key_file_path(copy));
    fs::copy_file(path, copy);
    yz::encrypt_database(copy, "bench", yz::kKdfTesting);
  }
  yz::register_database_key(copy, yz::unlock_key_file(copy, "bench"));
  return std::make_unique<SQLite::Database>(yz::open_reader(copy));
}

void reference(benchmark::State& state, const Kind& k) {
  const auto qs = queries(k);
  SQLite::Statement bare(*g.db, "SELECT patient_rid FROM patient_key WHERE key >= ?1 AND key < ?1 || x'ff' LIMIT 20");
  yzb::Latencies lat;
  size_t i = 0;
  for (auto _ : state) {
    const std::string key = yz::normalize_query(qs[i++ % qs.size()]);
    const auto t0 = Clock::now();
    bare.reset();
    bare.bind(1, key);
    while (bare.executeStep()) {
    }
    const double ms = ms_since(t0);
    lat.add(ms);
    g.all_reference.add(ms);
  }
  yzb::report_latencies(state, lat, std::string("index_range_") + k.key);
}

bool setup(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fprintf(stderr, "usage: search_latency [--benchmark_*] DB [QUERIES_PER_KIND]\n");
    return false;
  }
  g.per_kind = args.size() > 1 ? std::stoi(args[1]) : 1000;
  g.db = std::make_unique<SQLite::Database>(yz::open_reader(args[0]));
  const long long patients = g.db->execAndGet("SELECT COUNT(*) FROM patient").getInt64();
  if (patients == 0) {
    std::fprintf(stderr, "search_latency: %s has no patients\n", args[0].c_str());
    return false;
  }
  // Random patients to query for, drawn by rid.
  std::mt19937_64 rng(42);
  SQLite::Statement pick(*g.db,
                         "SELECT name, COALESCE(id_number,''), COALESCE(phone,'') FROM patient WHERE rid >= ? LIMIT 1");
  const long long max_rid = g.db->execAndGet("SELECT MAX(rid) FROM patient").getInt64();
  while (static_cast<int>(g.samples.size()) < g.per_kind * 2) {
    pick.reset();
    pick.bind(1, static_cast<int64_t>(1 + rng() % static_cast<uint64_t>(max_rid)));
    if (pick.executeStep())
      g.samples.push_back({pick.getColumn(0).getString(), pick.getColumn(1).getString(), pick.getColumn(2).getString()});
  }
  std::fprintf(stderr, "search_latency: %lld patients, %d queries per kind\n", patients, g.per_kind);
  yzb::result("search_patients", static_cast<double>(patients), "patients");
  g.encrypted = open_encrypted_copy(args[0]);
  for (const auto& k : kKinds)
    benchmark::RegisterBenchmark((std::string("search/") + k.key).c_str(), search, k, false)
        ->Iterations(g.per_kind)
        ->Unit(benchmark::kMicrosecond);
  for (const auto& k : kKinds)
    benchmark::RegisterBenchmark((std::string("search_encrypted/") + k.key).c_str(), search, k, true)
        ->Iterations(g.per_kind)
        ->Unit(benchmark::kMicrosecond);
  for (const auto& k : kKinds)
    benchmark::RegisterBenchmark((std::string("index_range_reference/") + k.key).c_str(), reference, k)
        ->Iterations(g.per_kind)
        ->Unit(benchmark::kMicrosecond);
  return true;
}

void finish() {
  yzb::result_quantiles(g.all, "search_all");
  yzb::result_quantiles(g.all_encrypted, "search_encrypted_all");
  yzb::result_quantiles(g.all_reference, "index_range_all");
}

}  // namespace

int main(int argc, char** argv) { return yzb::run(argc, argv, setup, finish); }
