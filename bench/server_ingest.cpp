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
// Four devices at once (server_ingest_4_devices_at_once): four demo
// campaigns of PATIENTS / 4 patients (seeds 1..4, kept beside DEMO_DB, as
// pg_ingest's scale-out) enrolled in one central store; a thread per
// device reads, prepares and applies its own batches in order, each after
// the receipt of the one before, as devices pushing at once are served.
// The store's writer commits together the batches that wait for it
// together (sync/server/group_commit.h). Its own reference, as below.
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

// An ingest timed against its reference: the enrolled central store, the
// bodies of its devices, and the store after the last ingest run.
struct Scenario {
  std::string key;  // RESULT keys: "ingest" + key + "_s", "bare_bulk_insert" + key + "_s"
  std::string enrolled;  // the central store with the devices enrolled, nothing ingested
  std::vector<yzb::DeviceBodies> devices;
  int64_t records = 0;
  std::string ingested;  // the central store after the last ingest run
};
Scenario g_one{"", {}, {}, 0, {}};             // one device, read one ahead
Scenario g_four{"_4_devices", {}, {}, 0, {}};  // four devices at once

void ingest(benchmark::State& state, Scenario& g) {
  static int run = 0;  // over repetitions: each run's store has its own file
  std::vector<double> seconds, writer_cpu, reader_cpu;
  for (auto _ : state) {
    const std::string path = yzb::scratch_dir() + "/central" + std::to_string(++run) + ".db";
    fs::copy_file(g.enrolled, path, fs::copy_options::overwrite_existing);
    fs::copy_file(g.enrolled + ".keys", path + ".keys", fs::copy_options::overwrite_existing);
    auto central = yz::sync::open_sqlite_central_store(path);
    yz::warm_pinyin();  // as a server does when it starts serving (install_routes)
    const auto t0 = Clock::now();
    const double cpu0 = yzb::thread_cpu_ms();
    const yzb::IngestCount n = g.devices.size() == 1
                                   ? yzb::ingest_bodies(*central, g.devices[0].token, g.devices[0].bodies)
                                   : yzb::ingest_devices_at_once(*central, g.devices);
    const double s = seconds_since(t0);
    // This thread applies every batch (ingest_bodies: another reads and
    // prepares the next): its CPU, and the reading thread's, move less with
    // the machine's load than the wall time does.
    if (g.devices.size() == 1) {
      writer_cpu.push_back((yzb::thread_cpu_ms() - cpu0) / 1000);
      reader_cpu.push_back(n.reader_cpu_ms / 1000);
    }
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
  yzb::result("ingest" + g.key + "_s", s, "s");
  yzb::result("ingest" + g.key + "_records_per_s", static_cast<double>(g.records) / s, "records/s");
  if (!writer_cpu.empty()) {
    yzb::result("ingest" + g.key + "_writer_cpu_s", yzb::median(writer_cpu), "s");
    yzb::result("ingest" + g.key + "_reader_cpu_s", yzb::median(reader_cpu), "s");
  }
}

// The rows ingest added, table by table: all rows of a table that was empty
// before it; of a table that had rows (the feed, the audit log), the rows
// that are not in the enrolled store. A table that has as many rows as
// before was only updated (the device's last contact) and adds nothing; one
// whose new rows are not exactly its growth had rows updated too, which a
// bare insert cannot reproduce: the benchmark stops rather than compare
// other rows.
std::vector<Table> added_rows(const Scenario& g) {
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

void bare_bulk_insert(benchmark::State& state, const Scenario& g) {
  if (g.ingested.empty()) {
    state.SkipWithError("run the ingest benchmark first");
    return;
  }
  const std::vector<Table> tables = added_rows(g);
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
  yzb::result("bare_bulk_insert" + g.key + "_s", s, "s");
  yzb::result("bare_bulk_insert" + g.key + "_records_per_s", static_cast<double>(g.records) / s, "records/s");
}

// Enrolls the devices at `paths` in a fresh central store and seals their
// bodies.
void prepare(Scenario& g, const std::vector<std::string>& paths, const std::vector<std::string>& names) {
  g.enrolled = yzb::scratch_dir() + "/enrolled" + g.key + ".db";
  {
    auto central = yz::sync::open_sqlite_central_store(g.enrolled);
    yzb::enroll_devices(*central, paths, names);
  }
  for (const auto& path : paths) {
    g.devices.push_back(yzb::sealed_bodies(path));
    g.records += g.devices.back().records;
  }
  size_t batches = 0;
  for (const auto& d : g.devices) batches += d.bodies.size();
  std::fprintf(stderr, "server_ingest: %zu device(s), %lld records in %zu batches\n", g.devices.size(),
               static_cast<long long>(g.records), batches);
}

bool setup(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fprintf(stderr, "usage: server_ingest [--benchmark_*] DEMO_DB [PATIENTS]\n");
    return false;
  }
  const int patients = args.size() > 1 ? std::stoi(args[1]) : 10000;
  prepare(g_one, {yzb::copy_of_demo(args[0], patients, "device.db")}, {"a"});
  // Four devices, each its own campaign of PATIENTS / 4 patients (seeds
  // 1..4, as pg_ingest's scale-out; kept beside DEMO_DB).
  const int share = std::max(1, patients / 4);
  const std::string dir = fs::path(args[0]).parent_path().string();
  std::vector<std::string> four;
  for (int i = 0; i < 4; ++i)
    four.push_back(yzb::copy_of_demo((dir.empty() ? "." : dir) + "/demo" + std::to_string(share) + "_seed" +
                                         std::to_string(i + 1) + ".db",
                                     share, "scale" + std::to_string(i) + ".db", static_cast<uint64_t>(i + 1)));
  prepare(g_four, four, {"d0", "d1", "d2", "d3"});
  auto timed = [](const char* name, void (*fn)(benchmark::State&, Scenario&), Scenario& sc) {
    benchmark::RegisterBenchmark(name, fn, std::ref(sc))->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
  };
  timed("server_ingest", ingest, g_one);
  timed("bare_bulk_insert_same_rows", [](benchmark::State& st, Scenario& sc) { bare_bulk_insert(st, sc); }, g_one);
  timed("server_ingest_4_devices_at_once", ingest, g_four);
  timed("bare_bulk_insert_same_rows_4_devices", [](benchmark::State& st, Scenario& sc) { bare_bulk_insert(st, sc); },
        g_four);
  return true;
}

}  // namespace

int main(int argc, char** argv) { return yzb::run(argc, argv, setup); }
