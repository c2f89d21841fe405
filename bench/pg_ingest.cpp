// Server ingest on the PostgreSQL central store (issue 13: ≥ 50 % of a bare
// COPY of the same rows into the same tables), and four devices pushing at
// once through one and through two servers on one database (issue 13: two
// servers ≥ 1.5× one).
//
//   pg_ingest [--benchmark_*] DEMO_DB [PATIENTS=10000]
//
// The benchmark starts its own throwaway PostgreSQL 15 cluster (tests/support
// PgCluster: initdb in a temporary folder, loopback, stopped and removed at
// the end) that commits durably: fsync, synchronous_commit and
// full_page_writes on, for the ingest, the reference and the pushes alike.
//
// Ingest, timed, as server_ingest does on SQLite: device A (a copy of the
// demo campaign DEMO_DB, PATIENTS patients) is enrolled over the real HTTP
// API with a PostgreSQL central store (database `enrolled`) and its outbox is
// sealed into batch bodies; each run applies every body as POST /v1/batches
// does once HTTP has read it (token lookup, limits and parse, digest and MAC
// check, the changes prepared, apply_prepared, the receipt's JSON) to a fresh
// copy of `enrolled` (CREATE DATABASE … TEMPLATE enrolled); bodies are read
// and prepared one ahead on a second thread, as in server_ingest
// (ingest_bodies.h).
//
// Reference, same cluster: every row the ingest added, to every table it
// added rows to (records, field clocks, search keys, feed, batches, audit;
// see added_rows), read back with COPY TO STDOUT (text format), then COPY'd
// FROM STDIN (libpq PQputCopyData) into a fresh copy of `enrolled` (same
// tables, indexes and constraints) in one transaction.
//
// Scale-out: four devices, each its own demo campaign of PATIENTS / 4
// patients (seeds 1..4, so no record is shared; kept beside DEMO_DB) in its
// own SQLite file, are enrolled once; each run copies them and a fresh copy
// of that database,
// then all four push at once (yz::sync::push over HTTP, one thread each)
// through (a) one in-process HTTP server with one PostgreSQL store object,
// (b) two in-process HTTP servers, each with its own store object (its own
// connection pool) on the same database, devices split 2 + 2. Records per
// second of the whole push (first start to last end); both setups in the
// same run, alternating, median over the repetitions.

#include <httplib.h>
#include <libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "bench/bench_util.h"
#include "bench/ingest_bodies.h"
#include "core/domain/pinyin.h"
#include "core/domain/open_store.h"
#include "core/replication/outbox.h"
#include "core/store/store.h"
#include "sync/client/client.h"
#include "sync/client/transport.h"
#include "sync/protocol/batch.h"
#include "sync/protocol/limits.h"
#include "sync/server/central_store.h"
#include "sync/server/http_api.h"
#include "sync/server/pg_central_store.h"
#include "tests/support/pg_cluster.h"
#include "tools/demo/demo.h"

namespace fs = std::filesystem;

namespace {

using yzb::Clock;
using yzb::seconds_since;

// A libpq connection for the benchmark's own SQL (the store has its own).
class Pq {
 public:
  explicit Pq(const std::string& conninfo) : c_(PQconnectdb(conninfo.c_str())) {
    if (PQstatus(c_) != CONNECTION_OK) throw std::runtime_error(std::string("pg_ingest: ") + PQerrorMessage(c_));
  }
  ~Pq() { PQfinish(c_); }
  Pq(const Pq&) = delete;
  Pq& operator=(const Pq&) = delete;
  PGconn* get() const { return c_; }
  // Runs `sql`; returns its rows' first column as text.
  std::vector<std::string> exec(const std::string& sql) {
    PGresult* r = PQexec(c_, sql.c_str());
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      const std::string e = PQresultErrorMessage(r);
      PQclear(r);
      throw std::runtime_error("pg_ingest: " + sql + ": " + e);
    }
    std::vector<std::string> out;
    for (int i = 0; i < PQntuples(r); ++i) out.emplace_back(PQgetvalue(r, i, 0));
    PQclear(r);
    return out;
  }
  // COPY `table` TO STDOUT, text format.
  std::string copy_out(const std::string& table) {
    PGresult* r = PQexec(c_, ("COPY " + table + " TO STDOUT").c_str());
    if (PQresultStatus(r) != PGRES_COPY_OUT) throw std::runtime_error(std::string("pg_ingest: COPY TO: ") + PQresultErrorMessage(r));
    PQclear(r);
    std::string data;
    char* buf = nullptr;
    int n;
    while ((n = PQgetCopyData(c_, &buf, 0)) > 0) {
      data.append(buf, static_cast<size_t>(n));
      PQfreemem(buf);
    }
    if (n == -2) throw std::runtime_error(std::string("pg_ingest: COPY TO: ") + PQerrorMessage(c_));
    finish("COPY TO");
    return data;
  }
  // COPY `table` FROM STDIN, text format, in 1 MiB loads.
  void copy_in(const std::string& table, const std::string& data) {
    PGresult* r = PQexec(c_, ("COPY " + table + " FROM STDIN").c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) throw std::runtime_error(std::string("pg_ingest: COPY FROM: ") + PQresultErrorMessage(r));
    PQclear(r);
    constexpr size_t kLoad = 1 << 20;
    for (size_t at = 0; at < data.size(); at += kLoad) {
      const size_t n = std::min(kLoad, data.size() - at);
      if (PQputCopyData(c_, data.data() + at, static_cast<int>(n)) != 1)
        throw std::runtime_error(std::string("pg_ingest: COPY FROM: ") + PQerrorMessage(c_));
    }
    if (PQputCopyEnd(c_, nullptr) != 1) throw std::runtime_error(std::string("pg_ingest: COPY FROM: ") + PQerrorMessage(c_));
    finish("COPY FROM");
  }

 private:
  void finish(const char* what) {
    bool ok = true;
    std::string e;
    while (PGresult* r = PQgetResult(c_)) {
      if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        ok = false;
        e = PQresultErrorMessage(r);
      }
      PQclear(r);
    }
    if (!ok) throw std::runtime_error(std::string("pg_ingest: ") + what + ": " + e);
  }
  PGconn* c_;
};

struct Setup {
  std::unique_ptr<yz::test::PgCluster> cluster;
  std::string keys;  // the servers' key file, made with `enrolled`
  std::string token;
  std::vector<std::string> bodies;
  int64_t records = 0;
  std::string ingested;  // the database of the last ingest run
  int databases = 0;
  // Scale-out: `scale_enrolled` with the four devices' files.
  std::vector<std::string> devices;
  int64_t scale_records = 0;
  std::vector<double> one_server_rps, two_servers_rps;
} g;

// A fresh copy of database `from`; returns its name.
std::string copy_database(const std::string& from, const std::string& prefix) {
  const std::string name = prefix + std::to_string(++g.databases);
  Pq admin(g.cluster->conninfo());
  admin.exec("CREATE DATABASE " + name + " TEMPLATE " + from);
  return name;
}

// Waits until the cluster is idle before a timed run: a checkpoint, so
// that the run does not pay for the dirty pages of the one before (or of
// CREATE DATABASE), and no autovacuum worker left (the last run's inserts
// wake one, which analyzes and vacuums the tables it wrote for a second or
// more). Without this the first reference after the ingests ran beside
// them and took ~1.35 s instead of ~0.8 s.
void quiesce() {
  Pq admin(g.cluster->conninfo());
  admin.exec("CHECKPOINT");
  for (int i = 0; i < 600; ++i) {
    if (admin.exec("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")[0] == "0") return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("pg_ingest: autovacuum still running after 60 s");
}

void drop_database(const std::string& name) {
  Pq admin(g.cluster->conninfo());
  admin.exec("DROP DATABASE IF EXISTS " + name);
}

void ingest(benchmark::State& state) {
  std::vector<double> seconds;
  for (auto _ : state) {
    const std::string db = copy_database("enrolled", "ingest");
    auto central = yz::sync::open_pg_central_store(g.cluster->conninfo(db), g.keys);
    quiesce();
    yz::warm_pinyin();  // as a server does when it starts serving (install_routes)
    const auto t0 = Clock::now();
    const yzb::IngestCount n = yzb::ingest_bodies(*central, g.token, g.bodies);
    const double s = seconds_since(t0);
    central.reset();
    if (n.handled != g.records || n.quarantined != 0) {
      state.SkipWithError(("applied " + std::to_string(n.handled) + " of " + std::to_string(g.records) + ", " +
                           std::to_string(n.quarantined) + " quarantined")
                              .c_str());
      return;
    }
    state.SetIterationTime(s);
    seconds.push_back(s);
    benchmark::DoNotOptimize(n.receipt_bytes);
    if (!g.ingested.empty()) drop_database(g.ingested);
    g.ingested = db;
  }
  const double s = yzb::median(seconds);
  state.counters["records_per_s"] = static_cast<double>(g.records) / s;
  yzb::result("pg_ingest_s", s, "s");
  yzb::result("pg_ingest_records_per_s", static_cast<double>(g.records) / s, "records/s");
}

struct CopyTable {
  std::string name;
  std::string data;  // COPY text format
  int64_t rows = 0;  // in data
  int64_t had = 0;   // rows the table had before ingest
};

// The rows ingest added, table by table: all rows of a table that was empty
// before it; of a table that had rows (the feed, the audit log), the rows
// that are not in `enrolled`. A table that has as many rows as before was
// only updated (the device's last contact) and adds nothing; one whose new
// rows are not exactly its growth had rows updated too, which a bare insert
// cannot reproduce: the benchmark stops rather than compare other rows.
std::vector<CopyTable> added_rows() {
  Pq before(g.cluster->conninfo("enrolled")), after(g.cluster->conninfo(g.ingested));
  std::vector<CopyTable> out;
  for (const auto& t : after.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
    const int64_t had = std::stoll(before.exec("SELECT count(*) FROM " + t)[0]);
    const int64_t rows = std::stoll(after.exec("SELECT count(*) FROM " + t)[0]) - had;
    if (rows <= 0) continue;
    std::string data = after.copy_out(t);
    if (had > 0) {
      std::set<std::string_view> old_lines;
      const std::string old = before.copy_out(t);
      for (size_t at = 0, end; at < old.size(); at = end + 1) {
        end = old.find('\n', at);
        old_lines.insert(std::string_view(old).substr(at, end - at));
      }
      std::string added;
      int64_t n = 0;
      for (size_t at = 0, end; at < data.size(); at = end + 1) {
        end = data.find('\n', at);
        const std::string_view line = std::string_view(data).substr(at, end - at);
        if (old_lines.count(line)) continue;
        added.append(line).push_back('\n');
        ++n;
      }
      if (n != rows)
        throw std::runtime_error("pg_ingest: table " + t + " gained " + std::to_string(rows) + " rows but " +
                                 std::to_string(n) + " differ from before: the reference cannot tell added from updated");
      data = std::move(added);
    }
    out.push_back({t, std::move(data), rows, had});
  }
  return out;
}

void bare_copy(benchmark::State& state) {
  if (g.ingested.empty()) {
    state.SkipWithError("run the ingest benchmark first");
    return;
  }
  const std::vector<CopyTable> tables = added_rows();
  int64_t rows = 0;
  size_t bytes = 0;
  for (const auto& t : tables) rows += t.rows, bytes += t.data.size();
  std::vector<double> seconds;
  for (auto _ : state) {
    const std::string db = copy_database("enrolled", "bare");
    {
      Pq c(g.cluster->conninfo(db));
      quiesce();
      const auto t0 = Clock::now();
      c.exec("BEGIN");
      for (const auto& t : tables) c.copy_in(t.name, t.data);
      c.exec("COMMIT");
      const double s = seconds_since(t0);
      state.SetIterationTime(s);
      seconds.push_back(s);
      int64_t back = 0;
      for (const auto& t : tables) back += std::stoll(c.exec("SELECT count(*) FROM " + t.name)[0]) - t.had;
      if (back != rows) {
        state.SkipWithError("the reference lost rows");
        return;
      }
    }
    drop_database(db);
  }
  const double s = yzb::median(seconds);
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
  state.counters["records_per_s"] = static_cast<double>(g.records) / s;
  yzb::result("pg_bare_copy_s", s, "s");
  yzb::result("pg_bare_copy_records_per_s", static_cast<double>(g.records) / s, "records/s");
}

// One scale-out run: the four devices push at once through `servers`
// in-process HTTP servers (device i to server i % servers); records/s.
double push_all(int servers) {
  const std::string db = copy_database("scale_enrolled", servers == 1 ? "one" : "two");
  std::vector<std::unique_ptr<yz::sync::CentralStore>> stores;
  std::vector<std::unique_ptr<httplib::Server>> http;
  std::vector<std::thread> serving;
  std::vector<std::string> urls;
  for (int i = 0; i < servers; ++i) {
    stores.push_back(yz::sync::open_pg_central_store(g.cluster->conninfo(db), g.keys));
    http.push_back(std::make_unique<httplib::Server>());
    yz::sync::install_routes(*http.back(), *stores.back(), yz::sync::JsonLimits{}, nullptr);
    const int port = http.back()->bind_to_any_port("127.0.0.1");
    urls.push_back("http://127.0.0.1:" + std::to_string(port));
  }
  for (auto& h : http) serving.emplace_back([s = h.get()] { s->listen_after_bind(); });
  std::vector<std::string> copies;
  for (size_t i = 0; i < g.devices.size(); ++i) {
    copies.push_back(yzb::scratch_dir() + "/push" + std::to_string(i) + ".db");
    fs::copy_file(g.devices[i], copies.back(), fs::copy_options::overwrite_existing);
  }
  std::vector<int64_t> pushed(copies.size(), 0);
  std::vector<std::string> errors(copies.size());
  quiesce();
  const auto t0 = Clock::now();
  {
    std::vector<std::thread> devices;
    for (size_t i = 0; i < copies.size(); ++i)
      devices.emplace_back([&, i] {
        try {
          yz::Store s = yz::open_store(copies[i]);
          auto transport = yz::sync::make_http_transport(urls[i % urls.size()]);
          pushed[i] = yz::sync::push(yz::sync::direct_exec(s), *transport).changes;
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
    for (auto& t : devices) t.join();
  }
  const double s = seconds_since(t0);
  for (auto& h : http) h->stop();
  for (auto& t : serving) t.join();
  stores.clear();
  drop_database(db);
  int64_t total = 0;
  for (size_t i = 0; i < copies.size(); ++i) {
    if (!errors[i].empty()) throw std::runtime_error("pg_ingest: device " + std::to_string(i) + ": " + errors[i]);
    total += pushed[i];
    fs::remove(copies[i]);
  }
  // Every run pushes the same sealed changes (yz::sync::PushResult::changes).
  if (g.scale_records == 0) g.scale_records = total;
  if (total != g.scale_records || total == 0)
    throw std::runtime_error("pg_ingest: pushed " + std::to_string(total) + " changes, another run " +
                             std::to_string(g.scale_records));
  return static_cast<double>(total) / s;
}

void scale_out(benchmark::State& state) {
  for (auto _ : state) {
    // Alternating, so both setups see the same machine load.
    double one = 0, two = 0;
    try {
      one = push_all(1);
      two = push_all(2);
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      return;
    }
    g.one_server_rps.push_back(one);
    g.two_servers_rps.push_back(two);
    state.SetIterationTime(static_cast<double>(g.scale_records) / one + static_cast<double>(g.scale_records) / two);
    // This run's figures (the medians over runs are the RESULT lines).
    state.counters["one_server_records_per_s"] = one;
    state.counters["two_servers_records_per_s"] = two;
    state.counters["ratio"] = two / one;
  }
}

void finish() {
  if (g.one_server_rps.empty()) return;
  const double one = yzb::median(g.one_server_rps), two = yzb::median(g.two_servers_rps);
  yzb::result("pg_push_4_devices_one_server_records_per_s", one, "records/s");
  yzb::result("pg_push_4_devices_two_servers_records_per_s", two, "records/s");
  std::fprintf(stderr, "pg_ingest: 4 devices, %lld records: one server %.0f records/s, two servers %.0f records/s (%.2fx)\n",
               static_cast<long long>(g.scale_records), one, two, two / one);
}

// Enrolls the store at `url` into `device_path` (team "bench", area "54").
bool setup(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fprintf(stderr, "usage: pg_ingest [--benchmark_*] DEMO_DB [PATIENTS]\n");
    return false;
  }
  const int patients = args.size() > 1 ? std::stoi(args[1]) : 10000;
  const std::string device_path = yzb::copy_of_demo(args[0], patients, "device.db");
  g.cluster = std::make_unique<yz::test::PgCluster>(yz::test::PgCluster::Durable{});
  g.cluster->create_database("enrolled");
  g.keys = yzb::scratch_dir() + "/central.keys";
  // The four devices of the scale-out: PATIENTS / 4 patients each.
  // Kept beside DEMO_DB between runs, as DEMO_DB is.
  const int share = std::max(1, patients / 4);
  const std::string dir = fs::path(args[0]).parent_path().string();
  for (int i = 0; i < 4; ++i)
    g.devices.push_back(yzb::copy_of_demo((dir.empty() ? "." : dir) + "/demo" + std::to_string(share) + "_seed" +
                                              std::to_string(i + 1) + ".db",
                                          share, "scale" + std::to_string(i) + ".db", static_cast<uint64_t>(i + 1)));
  {
    auto central = yz::sync::open_pg_central_store(g.cluster->conninfo("enrolled"), g.keys);
    yzb::enroll_devices(*central, {device_path}, {"a"});
  }
  g.cluster->create_database("scale_enrolled");
  {
    auto central = yz::sync::open_pg_central_store(g.cluster->conninfo("scale_enrolled"), g.keys);
    yzb::enroll_devices(*central, g.devices, {"d0", "d1", "d2", "d3"});
  }
  {
    yzb::DeviceBodies a = yzb::sealed_bodies(device_path);
    g.token = std::move(a.token);
    g.bodies = std::move(a.bodies);
    g.records = a.records;
  }
  std::fprintf(stderr, "pg_ingest: %lld records in %zu batches\n", static_cast<long long>(g.records), g.bodies.size());
  benchmark::RegisterBenchmark("pg_server_ingest", ingest)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("pg_bare_copy_same_rows", bare_copy)
      ->UseManualTime()
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("pg_push_4_devices_1_vs_2_servers", scale_out)
      ->UseManualTime()
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // The cluster is stopped and removed however the run ends.
  try {
    const int rc = yzb::run(argc, argv, setup, finish);
    g.cluster.reset();
    return rc;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pg_ingest: %s\n", e.what());
    g.cluster.reset();
    yzb::remove_scratch_dir();
    return 1;
  }
}
