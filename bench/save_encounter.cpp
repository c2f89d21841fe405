// Durable save of one encounter with its vitals (DESIGN.md §7: p99 ≤ 5 ms,
// ≤ 2× a bare SQLite insert of the same rows).
//
//   save_encounter [--benchmark_*] DEMO_DB [PATIENTS=10000] [SAVES=2000]
//
// DEMO_DB (generated there with PATIENTS demo patients if missing) is copied
// to a scratch directory. Each save is what the encounter screen does when a
// nurse presses Save: one Store transaction creating the encounter (complaint,
// I10) and five vitals (BP, pulse, temperature, weight), validated, with
// their outbox rows, committed with synchronous = FULL.
//
// Reference, same run, same disk: the rows those saves stored, read back and
// inserted again as they are (fresh ids) into a database holding copies of
// the same two tables with the same indexes and the same rows beforehand,
// one transaction per save, same journal and sync settings -- no
// validation, no outbox.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>

#include "bench/bench_util.h"
#include "core/care/encounter.h"
#include "core/store/encrypt_database.h"
#include "core/store/encryption.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"

namespace {

using yzb::Clock;
using yzb::ms_since;
using yzb::bind_row;
using yzb::read_row;
using yzb::Row;

struct Setup {
  std::string store_path, ref_path;
  std::string encrypted_path;  // an encrypted copy of the same database
  int saves = 2000;
  std::vector<std::string> patients;  // random existing patients to save for
  std::vector<std::string> saved;     // encounter ids the store benchmark made
} g;

// `label` names the RESULT lines; only the plain run keeps its ids for the
// bare reference (which reads them back from the plain database).
void save_encounters(benchmark::State& state, const std::string& path, const char* label) {
  const bool keep_ids = path == g.store_path;
  yz::Store store = yz::open_store(path);
  yzb::Latencies lat, cpu;
  size_t i = 0;
  for (auto _ : state) {
    const std::string& patient = g.patients[i++ % g.patients.size()];
    const auto t0 = Clock::now();
    const double c0 = yzb::thread_cpu_ms();
    // The care command the encounter screen's save calls (core/care/encounter.h).
    yz::EncounterInput in;
    in.fields = {{"patient_id", patient},
                 {"station", "内科"},
                 {"complaint", "头晕两周，偶有心悸"},
                 {"diagnoses", {{{"code", "I10"}, {"name", "原发性高血压"}}}}};
    const std::tuple<const char*, double, const char*> vitals[] = {
        {"sbp", 152, "mmHg"}, {"dbp", 94, "mmHg"}, {"pulse", 78, "bpm"}, {"temperature", 36.6, "°C"}, {"weight", 61.5, "kg"}};
    for (const auto& [kind, value, unit] : vitals) in.observations.push_back({{"kind", kind}, {"value", value}, {"unit", unit}});
    const std::string eid = yz::record_encounter(store, in).encounter_id;
    if (keep_ids) g.saved.push_back(eid);
    lat.add(ms_since(t0));
    cpu.add(yzb::thread_cpu_ms() - c0);
  }
  yzb::report_latencies(state, lat, label);
  yzb::result(std::string(label) + "_cpu_p50_ms", cpu.quantile(0.5), "ms");
}

// The same id, its last 12 hex digits replaced by `n`: unique, same width.
std::string fresh_id(const std::string& id, size_t n) {
  char tail[16];
  std::snprintf(tail, sizeof tail, "%012zx", n);
  return id.substr(0, id.size() - 12) + tail;
}

void bare_insert_same_rows(benchmark::State& state) {
  // The rows the saves stored (read outside the timing).
  struct Save {
    Row encounter;
    std::vector<Row> observations;
  };
  std::vector<Save> saves;
  // Both tables start (rid, id, ...); observation also has encounter_id.
  int id_col = 0, enc_col = 0, rid_col = 0;
  {
    SQLite::Database db(g.store_path, SQLite::OPEN_READONLY);
    SQLite::Statement e(db, "SELECT * FROM encounter WHERE id = ?");
    SQLite::Statement o(db, "SELECT * FROM observation WHERE encounter_id = ?");
    for (int c = 0; c < o.getColumnCount(); ++c) {
      if (std::string(o.getColumnName(c)) == "id") id_col = c;
      if (std::string(o.getColumnName(c)) == "encounter_id") enc_col = c;
      if (std::string(o.getColumnName(c)) == "rid") rid_col = c;
    }
    for (const auto& id : g.saved) {
      Save s;
      e.reset();
      e.bind(1, id);
      if (e.executeStep()) s.encounter = read_row(e);
      o.reset();
      o.bind(1, id);
      while (o.executeStep()) s.observations.push_back(read_row(o));
      saves.push_back(std::move(s));
    }
  }
  if (saves.empty()) {
    state.SkipWithError("no saves to repeat (run the save benchmark first)");
    return;
  }
  SQLite::Database ref(g.ref_path, SQLite::OPEN_READWRITE);
  ref.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
  const auto placeholders = [](size_t n) {
    std::string s = "?";
    for (size_t i = 1; i < n; ++i) s += ", ?";
    return s;
  };
  SQLite::Statement ins_e(ref, "INSERT INTO encounter VALUES (" + placeholders(saves[0].encounter.size()) + ")");
  SQLite::Statement ins_o(ref, "INSERT INTO observation VALUES (" + placeholders(saves[0].observations.at(0).size()) + ")");
  yzb::Latencies lat, cpu;
  size_t i = 0;
  static size_t n = 0;  // fresh ids over repetitions too
  for (auto _ : state) {
    Save s = saves[i++ % saves.size()];
    // Same rows under new ids and rowids (rid is the integer primary key).
    const std::string eid = fresh_id(std::get<std::string>(s.encounter[id_col]), ++n);
    s.encounter[id_col] = eid;
    s.encounter[rid_col] = std::monostate{};
    for (auto& r : s.observations) {
      r[id_col] = fresh_id(std::get<std::string>(r[id_col]), ++n);
      r[enc_col] = eid;
      r[rid_col] = std::monostate{};
    }
    const auto t0 = Clock::now();
    const double c0 = yzb::thread_cpu_ms();
    SQLite::Transaction txn(ref);
    ins_e.reset();
    bind_row(ins_e, s.encounter);
    ins_e.exec();
    for (const auto& r : s.observations) {
      ins_o.reset();
      bind_row(ins_o, r);
      ins_o.exec();
    }
    txn.commit();
    lat.add(ms_since(t0));
    cpu.add(yzb::thread_cpu_ms() - c0);
  }
  yzb::report_latencies(state, lat, "bare_insert");
  yzb::result("bare_insert_cpu_p50_ms", cpu.quantile(0.5), "ms");
}

bool setup(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fprintf(stderr, "usage: save_encounter [--benchmark_*] DEMO_DB [PATIENTS] [SAVES]\n");
    return false;
  }
  const int patients = args.size() > 1 ? std::stoi(args[1]) : 10000;
  g.saves = args.size() > 2 ? std::stoi(args[2]) : 2000;
  g.store_path = yzb::copy_of_demo(args[0], patients, "store.db");
  g.ref_path = yzb::scratch_dir() + "/ref.db";
  // Migrated first: the reference copies the store's tables as the saves
  // will find them (a demo made by an older build lacks newer columns).
  (void)yz::open_store(g.store_path);
  {
    SQLite::Database db(g.store_path, SQLite::OPEN_READONLY);
    SQLite::Statement st(db, "SELECT id FROM patient WHERE NOT deleted");
    while (st.executeStep()) g.patients.push_back(st.getColumn(0).getString());
    std::shuffle(g.patients.begin(), g.patients.end(), std::mt19937_64(7));
    if (g.patients.size() > 1000) g.patients.resize(1000);
  }
  if (g.patients.empty()) {
    std::fprintf(stderr, "save_encounter: %s has no patients\n", args[0].c_str());
    return false;
  }
  // The reference database: the two tables and their indexes as the store
  // made them, holding the same rows, without foreign keys or triggers.
  SQLite::Database ref(g.ref_path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  ref.exec("ATTACH DATABASE '" + g.store_path + "' AS store");
  for (const char* type : {"table", "index"}) {
    SQLite::Statement st(ref, "SELECT sql FROM store.sqlite_master WHERE type = ? AND tbl_name IN ('encounter', "
                              "'observation') AND sql IS NOT NULL ORDER BY name");
    st.bind(1, type);
    while (st.executeStep()) ref.exec(st.getColumn(0).getString());
  }
  ref.exec("INSERT INTO main.encounter SELECT * FROM store.encounter");
  ref.exec("INSERT INTO main.observation SELECT * FROM store.observation");
  ref.exec("DETACH DATABASE store");

  // The same saves on an encrypted copy (DESIGN.md §9: within 1.3x of plain).
  g.encrypted_path = yzb::scratch_dir() + "/encrypted.db";
  std::filesystem::copy_file(g.store_path, g.encrypted_path, std::filesystem::copy_options::overwrite_existing);
  yz::encrypt_database(g.encrypted_path, "bench", yz::kKdfTesting);
  yz::register_database_key(g.encrypted_path, yz::unlock_key_file(g.encrypted_path, "bench"));

  benchmark::RegisterBenchmark("save_encounter_with_vitals",
                               [](benchmark::State& s) { save_encounters(s, g.store_path, "save_encounter"); })
      ->Iterations(g.saves)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("save_encounter_encrypted",
                               [](benchmark::State& s) { save_encounters(s, g.encrypted_path, "save_encounter_encrypted"); })
      ->Iterations(g.saves)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("bare_insert_same_rows", bare_insert_same_rows)->Iterations(g.saves)->Unit(benchmark::kMillisecond);
  return true;
}

}  // namespace

int main(int argc, char** argv) { return yzb::run(argc, argv, setup); }
