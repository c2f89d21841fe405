// Server ingest on the embedded SQLite store (DESIGN.md §7: ≥ 50 % of a bare
// SQLite bulk insert of the same rows).
//
//   server_ingest [--benchmark_*] DEMO_DB [PATIENTS=10000]
//
// A copy of the demo campaign DEMO_DB (generated there with PATIENTS demo
// patients if missing: 10^4 patients make about 1.1 * 10^5 records) is
// device A. A is enrolled with a fresh central store over the real HTTP API
// on 127.0.0.1, and its outbox is sealed into batches as for a push.
//
// Ingest, timed: what POST /v1/batches does with each batch body once HTTP
// has read it -- token lookup, byte limits and parse, digest and signature,
// the batch's changes prepared (central_rules.h prepare_batch: validation,
// search keys), apply_prepared (one transaction: trust, per-field merge,
// feed, receipt) and the receipt's JSON -- into a fresh copy of the
// enrolled central store. Bodies are read and prepared one ahead on a
// second thread while the store applies the one before, in order, as the
// server's HTTP threads do when several devices push at once
// (bench/ingest_bodies.h).
//
// Reference, same run, same disk: every row ingest added, to every table it
// added rows to (records, field clocks, search keys, feed, batches), read
// back and inserted as it is into a copy of the enrolled central database
// (same tables and indexes, no triggers) with prepared statements, in one
// transaction, same journal and sync settings.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <cstdio>
#include <filesystem>

#include "bench/bench_util.h"
#include "bench/ingest_bodies.h"
#include "core/domain/pinyin.h"
#include "sync/server/central_store.h"

namespace fs = std::filesystem;

namespace {

using yzb::Clock;
using yzb::seconds_since;

struct Table {
  std::string name;
  size_t columns = 0;
  std::vector<yzb::Row> rows;
};

struct Setup {
  std::string enrolled;  // the central store with A enrolled, nothing ingested
  std::string token;
  std::vector<std::string> bodies;
  int64_t records = 0;
  std::string ingested;  // the central store after the last ingest run
} g;

void ingest(benchmark::State& state) {
  static int run = 0;  // over repetitions: each run's store has its own file
  std::vector<double> seconds;
  for (auto _ : state) {
    const std::string path = yzb::scratch_dir() + "/central" + std::to_string(++run) + ".db";
    fs::copy_file(g.enrolled, path, fs::copy_options::overwrite_existing);
    fs::copy_file(g.enrolled + ".keys", path + ".keys", fs::copy_options::overwrite_existing);
    auto central = yz::sync::open_sqlite_central_store(path);
    yz::warm_pinyin();  // as a server does when it starts serving (install_routes)
    const auto t0 = Clock::now();
    const yzb::IngestCount n = yzb::ingest_bodies(*central, g.token, g.bodies);
    const double s = seconds_since(t0);
    if (n.handled != g.records || n.quarantined != 0) {
      state.SkipWithError(("applied " + std::to_string(n.handled) + " of " + std::to_string(g.records) + ", " +
                           std::to_string(n.quarantined) + " quarantined")
                              .c_str());
      return;
    }
    state.SetIterationTime(s);
    seconds.push_back(s);
    benchmark::DoNotOptimize(n.receipt_bytes);
    central.reset();
    if (!g.ingested.empty()) fs::remove(g.ingested);
    g.ingested = path;
  }
  const double s = yzb::median(seconds);
  state.counters["records_per_s"] = static_cast<double>(g.records) / s;
  yzb::result("ingest_s", s, "s");
  yzb::result("ingest_records_per_s", static_cast<double>(g.records) / s, "records/s");
}

// The rows ingest added, table by table: all rows of a table that was empty
// before it; of a table that had rows (the feed, the audit log), the rows
// that are not in the enrolled store. A table that has as many rows as
// before was only updated (the device's last contact) and adds nothing; one
// whose new rows are not exactly its growth had rows updated too, which a
// bare insert cannot reproduce: the benchmark stops rather than compare
// other rows.
std::vector<Table> added_rows() {
  std::vector<Table> out;
  SQLite::Database after(g.ingested, SQLite::OPEN_READONLY);
  after.exec("ATTACH DATABASE '" + g.enrolled + "' AS before");
  SQLite::Statement tables(after,
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                           "ORDER BY name");
  while (tables.executeStep()) {
    Table t{tables.getColumn(0).getString(), 0, {}};
    const int64_t grew = after.execAndGet("SELECT (SELECT count(*) FROM main." + t.name + ") - (SELECT count(*) FROM before." + t.name + ")").getInt64();
    if (grew <= 0) continue;
    SQLite::Statement rows(after, "SELECT * FROM main." + t.name + " EXCEPT SELECT * FROM before." + t.name);
    t.columns = static_cast<size_t>(rows.getColumnCount());
    while (rows.executeStep()) t.rows.push_back(yzb::read_row(rows));
    if (static_cast<int64_t>(t.rows.size()) != grew)
      throw std::runtime_error("server_ingest: table " + t.name + " gained " + std::to_string(grew) + " rows but " +
                               std::to_string(t.rows.size()) + " differ from before: the reference cannot tell added from updated");
    out.push_back(std::move(t));
  }
  return out;
}

void bare_bulk_insert(benchmark::State& state) {
  if (g.ingested.empty()) {
    state.SkipWithError("run the ingest benchmark first");
    return;
  }
  const std::vector<Table> tables = added_rows();
  size_t rows = 0;
  for (const auto& t : tables) rows += t.rows.size();
  int run = 0;
  std::vector<double> seconds;
  for (auto _ : state) {
    // The enrolled central database's tables and indexes, without triggers.
    const std::string path = yzb::scratch_dir() + "/bare" + std::to_string(++run) + ".db";
    fs::copy_file(g.enrolled, path, fs::copy_options::overwrite_existing);
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
    std::vector<std::string> triggers;
    {
      SQLite::Statement st(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'");
      while (st.executeStep()) triggers.push_back(st.getColumn(0).getString());
    }
    for (const auto& name : triggers) db.exec("DROP TRIGGER " + name);

    const auto t0 = Clock::now();
    SQLite::Transaction txn(db);
    for (const auto& t : tables) {
      std::string sql = "INSERT INTO " + t.name + " VALUES (?";
      for (size_t c = 1; c < t.columns; ++c) sql += ", ?";
      SQLite::Statement ins(db, sql + ")");
      for (const auto& r : t.rows) {
        ins.reset();
        yzb::bind_row(ins, r);
        ins.exec();
      }
    }
    txn.commit();
    const double s = seconds_since(t0);
    state.SetIterationTime(s);
    seconds.push_back(s);
    fs::remove(path);
    fs::remove(path + "-wal");
    fs::remove(path + "-shm");
  }
  const double s = yzb::median(seconds);
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["records_per_s"] = static_cast<double>(g.records) / s;
  yzb::result("bare_bulk_insert_s", s, "s");
  yzb::result("bare_bulk_insert_records_per_s", static_cast<double>(g.records) / s, "records/s");
}

bool setup(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fprintf(stderr, "usage: server_ingest [--benchmark_*] DEMO_DB [PATIENTS]\n");
    return false;
  }
  const int patients = args.size() > 1 ? std::stoi(args[1]) : 10000;
  const std::string device_path = yzb::copy_of_demo(args[0], patients, "device.db");
  g.enrolled = yzb::scratch_dir() + "/enrolled.db";
  {
    auto central = yz::sync::open_sqlite_central_store(g.enrolled);
    yzb::enroll_devices(*central, {device_path}, {"a"});
  }
  {
    yzb::DeviceBodies a = yzb::sealed_bodies(device_path);
    g.token = std::move(a.token);
    g.bodies = std::move(a.bodies);
    g.records = a.records;
  }
  std::fprintf(stderr, "server_ingest: %lld records in %zu batches\n", static_cast<long long>(g.records),
               g.bodies.size());
  benchmark::RegisterBenchmark("server_ingest", ingest)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("bare_bulk_insert_same_rows", bare_bulk_insert)
      ->UseManualTime()
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  return true;
}

}  // namespace

int main(int argc, char** argv) { return yzb::run(argc, argv, setup); }
