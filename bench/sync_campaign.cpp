// Full sync of a campaign on loopback (DESIGN.md §7: 10^5 records ≤ 10 s;
// issue 13: ≤ 5 s on SQLite, and the figure on PostgreSQL).
//
//   sync_campaign [--pg] [PATIENTS [DEMO_DB]]   (default 10000 patients ≈ 10^5 records)
//
// With --pg the central store is PostgreSQL: a durable throwaway cluster of
// Debian's postgresql-15 (tests/support/pg_cluster.h), started and removed
// here; its RESULT keys start with pg_.
// With DEMO_DB, the demo campaign is generated there once and copied on
// later runs (so a profiler sees only the sync).
// Builds a demo campaign in device A's database, starts the real HTTP API
// over a fresh SQLite central store on 127.0.0.1 in this process, enrolls A
// and B, then times A's push (sealing overlapped with sending, receipts) and B's pull of
// everything, and prints records per second for each. The reference is a
// bare SQLite insert of the same number of rows of the same width, made in
// the same run on the same disk.

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <httplib.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "tests/support/pg_cluster.h"
#include "tools/demo/demo.h"
#include "core/replication/outbox.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "sync/client/client.h"
#include "sync/server/central_store.h"
#include "sync/server/http_api.h"
#include "sync/server/pg_central_store.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// CPU seconds of the whole process (client and in-process server threads):
// steadier than wall time on a shared machine.
static double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

int main(int argc, char** argv) {
  const bool pg = argc > 1 && std::string(argv[1]) == "--pg";
  if (pg) {
    --argc;
    ++argv;
  }
  const int patients = argc > 1 ? std::atoi(argv[1]) : 10000;
  const fs::path dir = fs::temp_directory_path() / ("yizhen-bench-sync-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string a_path = (dir / "a.db").string(), b_path = (dir / "b.db").string();

  const std::string cached = argc > 2 ? argv[2] : "";
  if (!cached.empty() && !fs::exists(cached)) yz::generate_demo(cached, yz::DemoOptions{patients, 1});
  if (cached.empty()) yz::generate_demo(a_path, yz::DemoOptions{patients, 1});
  else fs::copy_file(cached, a_path);
  std::unique_ptr<yz::test::PgCluster> cluster;
  std::unique_ptr<yz::sync::CentralStore> central;
  if (pg) {
    cluster = std::make_unique<yz::test::PgCluster>(yz::test::PgCluster::Durable{});
    central = yz::sync::open_pg_central_store(cluster->create_database("central"), (dir / "central.keys").string());
  } else {
    central = yz::sync::open_sqlite_central_store((dir / "central.db").string());
  }
  httplib::Server server;
  yz::sync::install_routes(server, *central, yz::sync::JsonLimits{}, nullptr);
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  const std::string url = "http://127.0.0.1:" + std::to_string(port);

  yz::Store a = yz::open_store(a_path), b = yz::open_store(b_path);
  auto transport = yz::sync::make_http_transport(url);
  // A team serves one area (Tibet, "54"): the demo's Xinjiang records are
  // refused outside_area by the server, as a real team's would be.
  yz::sync::enroll(yz::sync::direct_exec(a), *transport, url, central->create_enroll_code("bench", "54", 86400000, yz::sync::AuditBy{}), "a");
  yz::sync::enroll(yz::sync::direct_exec(b), *transport, url, central->create_enroll_code("bench", "54", 86400000, yz::sync::AuditBy{}), "b");
  const int64_t records = yz::pending_changes(a.db());

  const double cpu0 = cpu_seconds();
  auto t0 = Clock::now();
  const auto pushed = yz::sync::push(yz::sync::direct_exec(a), *transport);
  const double push_s = seconds_since(t0);
  const double push_cpu = cpu_seconds() - cpu0;
  t0 = Clock::now();
  const auto pulled = yz::sync::pull(yz::sync::direct_exec(b), *transport);
  const double pull_s = seconds_since(t0);
  const double pull_cpu = cpu_seconds() - cpu0 - push_cpu;

  // Reference: the same number of rows, about as wide, bare inserts in one
  // transaction with the same durability settings.
  double ref_s = 0;
  {
    SQLite::Database ref((dir / "ref.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    ref.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
    ref.exec("CREATE TABLE t (id TEXT PRIMARY KEY, hlc TEXT, a TEXT, b TEXT, c REAL, d TEXT)");
    t0 = Clock::now();
    SQLite::Transaction txn(ref);
    SQLite::Statement ins(ref, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)");
    char id[48];
    for (int64_t i = 0; i < records; ++i) {
      std::snprintf(id, sizeof id, "01a2089d-%04x-7000-8000-%012llx", static_cast<unsigned>(i % 65536),
                    static_cast<unsigned long long>(i));
      ins.reset();
      ins.bind(1, id);
      ins.bind(2, "1795000000000.00000.01a2089d-9f5a-78e4-8fd2-107e0dafb36c");
      ins.bind(3, "01a2089d-9fad-7aef-ab09-8c85285df5b2");
      ins.bind(4, "spo2");
      ins.bind(5, 88.0 + static_cast<double>(i % 10));
      ins.bind(6, "2026-11-23 10:00");
      ins.exec();
    }
    txn.commit();
    ref_s = seconds_since(t0);
  }
  server.stop();
  serving.join();

  std::printf("central store      %s\n", pg ? "PostgreSQL" : "SQLite");
  std::printf("records            %lld (%d demo patients)\n", static_cast<long long>(records), patients);
  std::printf("push               %.2f s  %.0f records/s  (%d batches, %.2f s CPU)\n", push_s,
              static_cast<double>(pushed.changes) / push_s, pushed.batches, push_cpu);
  std::printf("pull               %.2f s  %.0f records/s  (%.2f s CPU)\n", pull_s,
              static_cast<double>(pulled.changes) / pull_s, pull_cpu);
  std::printf("full sync          %.2f s  (bar: 5 s for 10^5 records on SQLite)\n", push_s + pull_s);
  std::printf("reference insert   %.2f s  %.0f rows/s  (push+pull / reference = %.1fx)\n", ref_s,
              static_cast<double>(records) / ref_s, (push_s + pull_s) / ref_s);
  // For scripts/bench.sh (bench/bench_util.h explains RESULT lines).
  const double full_s = push_s + pull_s;
  const char* key = pg ? "pg_" : "";
  std::printf("RESULT %ssync_records %lld records\n", key, static_cast<long long>(records));
  std::printf("RESULT %ssync_push_records_per_s %.0f records/s\n", key, static_cast<double>(pushed.changes) / push_s);
  std::printf("RESULT %ssync_pull_records_per_s %.0f records/s\n", key, static_cast<double>(pulled.changes) / pull_s);
  std::printf("RESULT %ssync_full_s %.3f s\n", key, full_s);
  std::printf("RESULT %ssync_full_per_1e5_s %.3f s\n", key, full_s * 1e5 / static_cast<double>(records));
  std::printf("RESULT %ssync_bare_insert_s %.3f s\n", key, ref_s);
  fs::remove_all(dir);
  return 0;
}
