// Patient search latency on an existing database (made with
// `yizhenctl demo --patients N`): for each query kind (name, name suffix,
// full pinyin, initials, 身份证 prefix, phone prefix) it samples real
// patients, types their key the way a nurse would, and reports p50 / p95 /
// p99 of search_patients() over a read-only connection, as the app uses it.
// Reference, measured in the same run on the same queries: a bare read of
// the first 20 entries of the same prefix range of the key index (no
// ranking, no patient rows) -- the floor any prefix search pays.
//
//   search_latency DB [queries-per-kind=1000]
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/pinyin.h"
#include "core/search.h"
#include "core/store.h"

namespace {

struct Sample {
  std::string name, id_number, phone;
};

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::string initials(const std::vector<std::string>& syl) {
  std::string s;
  for (const auto& x : syl) s += x.substr(0, 1);
  return s;
}

std::string joined(const std::vector<std::string>& parts, size_t from = 0) {
  std::string s;
  for (size_t i = from; i < parts.size(); ++i) s += parts[i];
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: search_latency DB [queries-per-kind]\n");
    return 2;
  }
  const int per_kind = argc > 2 ? std::atoi(argv[2]) : 1000;
  SQLite::Database db = yz::open_reader(argv[1]);
  const long long patients = db.execAndGet("SELECT COUNT(*) FROM patient").getInt64();
  // Random patients to query for, drawn by rid.
  std::mt19937_64 rng(42);
  std::vector<Sample> samples;
  SQLite::Statement pick(db, "SELECT name, COALESCE(id_number,''), COALESCE(phone,'') FROM patient WHERE rid >= ? LIMIT 1");
  const long long max_rid = db.execAndGet("SELECT MAX(rid) FROM patient").getInt64();
  while (static_cast<int>(samples.size()) < per_kind * 2) {
    pick.reset();
    pick.bind(1, static_cast<int64_t>(1 + rng() % static_cast<uint64_t>(max_rid)));
    if (pick.executeStep())
      samples.push_back({pick.getColumn(0).getString(), pick.getColumn(1).getString(), pick.getColumn(2).getString()});
  }

  struct Kind {
    const char* label;
    std::function<std::string(const Sample&)> query;
  };
  const std::vector<Kind> kinds = {
      {"name", [](const Sample& s) { return s.name; }},
      {"name suffix", [](const Sample& s) { return joined(yz::name_chars(s.name), 1); }},
      {"pinyin", [](const Sample& s) { return joined(yz::name_syllables(s.name)); }},
      {"pinyin prefix", [](const Sample& s) { return joined(yz::name_syllables(s.name)).substr(0, 4); }},
      {"initials", [](const Sample& s) { return initials(yz::name_syllables(s.name)); }},
      {"ID number prefix", [](const Sample& s) { return s.id_number.substr(0, 10); }},
      {"phone prefix", [](const Sample& s) { return s.phone.substr(0, 7); }},
  };
  std::printf("patients: %lld, queries per kind: %d\n", patients, per_kind);
  std::printf("%-18s %9s %9s %9s %9s %11s %11s\n", "query", "p50 ms", "p95 ms", "p99 ms", "hits/q", "bare p50", "bare p95");
  SQLite::Statement bare(db, "SELECT patient_rid FROM patient_key WHERE key >= ?1 AND key < ?1 || x'ff' LIMIT 20");
  std::vector<double> all, all_bare;
  for (const auto& k : kinds) {
    std::vector<double> ms, bare_ms;
    long hits = 0;
    for (const auto& s : samples) {
      const std::string q = k.query(s);
      if (q.empty()) continue;
      const auto t0 = std::chrono::steady_clock::now();
      hits += static_cast<long>(yz::search_patients(db, q, 20).size());
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      const auto t1 = std::chrono::steady_clock::now();
      bare.reset();
      bare.bind(1, yz::normalize_query(q));
      while (bare.executeStep()) {
      }
      bare_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count());
      if (static_cast<int>(ms.size()) == per_kind) break;
    }
    if (ms.empty()) continue;
    all.insert(all.end(), ms.begin(), ms.end());
    all_bare.insert(all_bare.end(), bare_ms.begin(), bare_ms.end());
    std::printf("%-18s %9.3f %9.3f %9.3f %9.1f %11.3f %11.3f\n", k.label, percentile(ms, 0.5), percentile(ms, 0.95),
                percentile(ms, 0.99), static_cast<double>(hits) / static_cast<double>(ms.size()),
                percentile(bare_ms, 0.5), percentile(bare_ms, 0.95));
  }
  std::printf("%-18s %9.3f %9.3f %9.3f %9s %11.3f %11.3f\n", "all", percentile(all, 0.5), percentile(all, 0.95),
              percentile(all, 0.99), "", percentile(all_bare, 0.5), percentile(all_bare, 0.95));
  return 0;
}
