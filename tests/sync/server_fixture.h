#pragma once
// The real yizhen-server on 127.0.0.1 (any free port) over a temporary
// central database, and devices (a Store each) that talk to it over HTTP.
//
// The central store is SQLite (a file) or PostgreSQL (a fresh database on
// the test run's shared throwaway cluster, or on one this process starts):
// a test that holds for both is a TEST_CASE_TEMPLATE over `Stores` and
// makes its server with `Server(path, T::kind)`.
#include <doctest/doctest.h>
#include <httplib.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "core/store/encryption.h"
#include "core/store/key_file.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "sync/client/client.h"
#include "sync/client/transport.h"
#include "sync/server/central_store.h"
#include "sync/server/pg_central_store.h"
#include "tests/support/child.h"
#include "tests/support/pg_cluster.h"
#include "tests/support/process.h"

namespace yz_sync_test {

enum class StoreKind { sqlite, pg };
struct OnSqlite {
  static constexpr StoreKind kind = StoreKind::sqlite;
};
struct OnPg {
  static constexpr StoreKind kind = StoreKind::pg;
};
#define Stores OnSqlite, OnPg

// The PostgreSQL cluster of this process: the ctest run's shared one
// (YIZHEN_TEST_PG_FILE, written by pg_cluster_ctl: folder, port), else one
// started here and stopped at exit.
inline std::string pg_cluster_conninfo(const std::string& db) {
  static std::unique_ptr<yz::test::PgCluster> own;
  static const int port = [] {
    if (const char* f = std::getenv("YIZHEN_TEST_PG_FILE"); f && std::filesystem::exists(f)) {
      std::ifstream in(f);
      std::string dir, p;
      std::getline(in, dir);
      std::getline(in, p);
      return std::stoi(p);
    }
    own = std::make_unique<yz::test::PgCluster>();
    return own->port();
  }();
  return "host=127.0.0.1 port=" + std::to_string(port) + " user=yizhen dbname=" + db;
}

// A fresh empty database on that cluster; its conninfo.
inline std::string fresh_pg_database() {
  static std::atomic<int> n{0};
  const std::string name = "central_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
  PGconn* c = PQconnectdb(pg_cluster_conninfo("postgres").c_str());
  REQUIRE_MESSAGE(PQstatus(c) == CONNECTION_OK, PQerrorMessage(c));
  PGresult* r = PQexec(c, ("CREATE DATABASE " + name).c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  const std::string err = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  REQUIRE_MESSAGE(ok, err);
  return pg_cluster_conninfo(name);
}

// The central store itself, in this process (no server): a SQLite file in
// `dir`, or a fresh PostgreSQL database (its key file in `dir`).
inline std::unique_ptr<yz::sync::CentralStore> central_store_in(StoreKind kind, const yz::test::TempDir& dir) {
  if (kind == StoreKind::pg) return yz::sync::open_pg_central_store(fresh_pg_database(), dir.file("central.keys"));
  return yz::sync::open_sqlite_central_store(dir.file("central.db"));
}

struct Server {
  // SQLite: the database file. PostgreSQL: the path names the key file
  // (db + ".keys", as beside a SQLite database) and the log (db + ".log").
  const std::string db;
  const StoreKind kind;
  const std::string pg;  // conninfo (PostgreSQL only)
  const std::string pg_read;  // --pg-read: a standby's conninfo, or ""
  std::unique_ptr<yz::test::Child> child;
  std::string url;

  explicit Server(std::string path, StoreKind k = StoreKind::sqlite)
      : db(std::move(path)), kind(k), pg(k == StoreKind::pg ? fresh_pg_database() : std::string()), pg_read() {
    start();
  }
  // Another server on the same PostgreSQL database (and key file) as `other`.
  Server(const Server& other, std::string log_path)
      : db(other.db), kind(other.kind), pg(other.pg), pg_read(other.pg_read) {
    start(log_path);
  }
  // A server on the PostgreSQL database `conninfo` (e.g. one `admin
  // migrate` filled), its key file path + ".keys", its log `log_path`;
  // `read` a standby for --pg-read ("" none).
  Server(std::string path, std::string conninfo, const std::string& log_path, std::string read = {})
      : db(std::move(path)), kind(StoreKind::pg), pg(std::move(conninfo)), pg_read(std::move(read)) {
    start(log_path);
  }

  // The options that name the central store.
  std::vector<std::string> store_args() const {
    if (kind == StoreKind::pg && !pg_read.empty()) return {"--pg", pg, "--keys", db + ".keys", "--pg-read", pg_read};
    if (kind == StoreKind::pg) return {"--pg", pg, "--keys", db + ".keys"};
    return {"--db", db};
  }

  void start(const std::string& log_path = {}) {
    std::vector<std::string> args = {YIZHEN_SERVER};
    for (auto& a : store_args()) args.push_back(a);
    args.insert(args.end(), {"--listen", "127.0.0.1:0"});
    child = std::make_unique<yz::test::Child>(args, log_path.empty() ? db + ".log" : log_path);
    const std::string line = child->read_line();
    const auto at = line.find("http://");
    REQUIRE_MESSAGE(at != std::string::npos, "server did not start: " << line);
    url = line.substr(at);
  }

  // SIGKILL and wait (no clean shutdown).
  void kill() { child->stop(SIGKILL); }

  // An admin verb on this server's store; `input` its standard input (a
  // password).
  yz::test::RunResult admin(std::vector<std::string> args, const std::string& input = {}) const {
    std::vector<std::string> head = {YIZHEN_SERVER};
    for (auto& a : store_args()) head.push_back(a);
    head.push_back("admin");
    args.insert(args.begin(), head.begin(), head.end());
    return yz::test::run(args, input);
  }

  // A code for a device of `team`; a new team is made with `area` (pass ""
  // for an existing team to keep its area).
  std::string enroll_code(const std::string& team = "上海援藏医疗队", const std::string& area = "54") const {
    std::vector<std::string> args = {"enroll-code", "--team", team};
    if (!area.empty()) args.insert(args.end(), {"--area", area});
    auto r = admin(args);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    return r.out.substr(0, r.out.find('\n'));
  }
};

// The first column of every row of `sql` on the server's central database
// (either store), as text ("" for NULL).
inline std::vector<std::string> central_rows(const Server& s, const std::string& sql) {
  std::vector<std::string> out;
  if (s.kind == StoreKind::sqlite) {
    SQLite::Database db(s.db, SQLite::OPEN_READONLY);
    SQLite::Statement st(db, sql);
    while (st.executeStep()) out.push_back(st.getColumn(0).isNull() ? std::string() : st.getColumn(0).getString());
    return out;
  }
  PGconn* c = PQconnectdb(s.pg.c_str());
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
  for (int i = 0; ok && i < PQntuples(r); ++i) out.push_back(PQgetisnull(r, i, 0) ? "" : PQgetvalue(r, i, 0));
  const std::string err = ok ? "" : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  REQUIRE_MESSAGE(ok, err);
  return out;
}
// The first column of the first row ("" when none).
inline std::string central_query(const Server& s, const std::string& sql) {
  const auto rows = central_rows(s, sql);
  return rows.empty() ? std::string() : rows[0];
}

// A device's database is encrypted, as the field app makes it (DESIGN.md
// §7): a new path gets a key file under kDevicePassphrase (at the testing
// Argon2id cost) and its key registered; yizhenctl opens it with
// YIZHEN_PASSPHRASE=kDevicePassphrase. Returns `path`.
inline constexpr const char* kDevicePassphrase = "test device";
inline const std::string& encrypted(const std::string& path) {
  if (!std::filesystem::exists(path) && !yz::has_database_key(path))
    yz::register_database_key(path, yz::create_key_file(path, kDevicePassphrase, yz::kKdfTesting));
  return path;
}

// An admin verb's --json answer; the verb must succeed.
inline nlohmann::json admin_json(const Server& s, std::vector<std::string> args) {
  args.push_back("--json");
  auto r = s.admin(args);
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return nlohmann::json::parse(r.out);
}

// yizhenctl on a device database made by encrypted() (its passphrase set).
inline yz::test::RunResult device_ctl(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {"/usr/bin/env", std::string("YIZHEN_PASSPHRASE=") + kDevicePassphrase, YIZHENCTL, "--db", db});
  return yz::test::run(args);
}

struct Device {
  yz::Store store;
  yz::sync::WriterExec exec;

  explicit Device(const std::string& path, yz::StoreOptions opts = {})
      : store(yz::open_store(encrypted(path), opts)), exec(yz::sync::direct_exec(store)) {}

  void enroll(const Server& server, const std::string& code) {
    auto t = yz::sync::make_http_transport(server.url);
    yz::sync::enroll(exec, *t, server.url, code, "test laptop");
  }

  // Push then pull over `t` (HTTP to the server by default).
  void sync(const Server& server, yz::sync::Transport* t = nullptr) {
    std::unique_ptr<yz::sync::Transport> own;
    if (!t) {
      own = yz::sync::make_http_transport(server.url);
      t = own.get();
    }
    yz::sync::push(exec, *t);
    yz::sync::pull(exec, *t);
  }

  int64_t count(const std::string& sql) { return store.db().execAndGet(sql).getInt64(); }
};

// A patient of `village` made on a device; its id.
inline std::string add_patient_at(yz::Store& s, const std::string& name, const std::string& village) {
  std::string pid;
  s.transact([&](yz::Writer& w) {
    pid = w.create("patient", {{"name", name}, {"sex", "M"}, {"age", 52}, {"village_code", village}});
  });
  return pid;
}

// The page the server answers to the device's next pull (its token, its
// stored cursor, or `after`), without the server's clock `time_ms`.
inline nlohmann::json pull_page(const Server& s, Device& d, std::optional<std::string> after = std::nullopt) {
  httplib::Client http(s.url);
  const std::string cursor = after ? *after : d.store.setting(yz::sync::kCursorKey).value_or("0");
  auto r = http.Get("/v1/changes?after=" + cursor + "&limit=1000",
                    {{"Authorization", "Bearer " + *d.store.setting(yz::sync::kTokenKey)}});
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  nlohmann::json out = nlohmann::json::parse(r->body);
  out.erase("time_ms");
  return out;
}

}  // namespace yz_sync_test

// Test names end in <SQLite> or <PostgreSQL>.
TYPE_TO_STRING_AS("SQLite", yz_sync_test::OnSqlite);
TYPE_TO_STRING_AS("PostgreSQL", yz_sync_test::OnPg);
