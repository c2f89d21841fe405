// Several yizhen-server processes on one PostgreSQL database
// (sync/server/pg_central_store.cpp): the same batch sent to two servers at
// once applies once and both answer with the same receipt, and pulls never
// skip a change committed late by a concurrent push. The device-facing
// suites (test_server.cpp, test_trust.cpp) run on both stores; these hold
// only where servers share a database. Also: admin verbs not on PostgreSQL
// yet say so and exit non-zero, and nothing is made in ./central.db.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "core/replication/outbox.h"
#include "sync/client/client.h"
#include "sync/protocol/batch.h"
#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;
namespace fs = std::filesystem;

namespace {

std::string add_patient(Store& s, const std::string& name, const std::string& village = "540102001001") {
  std::string pid;
  s.transact([&](Writer& w) {
    pid = w.create("patient", {{"name", name}, {"sex", "F"}, {"age", 40}, {"village_code", village}});
  });
  return pid;
}

}  // namespace

TEST_CASE("PostgreSQL: the same batch sent to two servers at once applies once, both answer the same receipt") {
  yz::test::TempDir dir;
  Server one(dir.file("central.db"), StoreKind::pg);
  Server two(one, dir.file("two.log"));
  Device a(dir.file("a.db"));
  a.enroll(one, one.enroll_code());
  for (int i = 0; i < 20; ++i) add_patient(a.store, "卓玛" + std::to_string(i));
  sync::seal_pending(a.exec);
  const auto batches = undelivered_batches(a.store.db());
  REQUIRE(batches.size() == 1);
  const std::string token = *a.store.setting(sync::kTokenKey);
  for (int round = 0; round < 5; ++round) {
    std::string answers[2];
    int statuses[2] = {0, 0};
    std::atomic<int> ready{0};
    std::vector<std::thread> senders;
    for (int k = 0; k < 2; ++k)
      senders.emplace_back([&, k] {
        httplib::Client http(k == 0 ? one.url : two.url);
        http.set_read_timeout(30);
        ++ready;
        while (ready < 2) std::this_thread::yield();
        auto r = http.Post("/v1/batches", {{"Authorization", "Bearer " + token}}, batches[0].body, "application/json");
        if (r) {
          statuses[k] = r->status;
          answers[k] = r->body;
        }
      });
    for (auto& t : senders) t.join();
    CHECK(statuses[0] == 200);
    CHECK(statuses[1] == 200);
    CHECK(answers[0] == answers[1]);
    const json receipt = json::parse(answers[0]);
    CHECK(receipt["applied"] == 20);  // what the one application did, every time
  }
  CHECK(admin_json(one, {"stats"})["patient"] == 20);
  CHECK(admin_json(two, {"stats"})["batches"] == 1);
  CHECK(central_query(one, "SELECT count(*) FROM srv_feed WHERE entity = 'patient'") == "20");
  const json audit = admin_json(two, {"audit", "verify"});
  CHECK(audit["ok"] == true);
  // The device takes either answer as its receipt.
  a.sync(two);
  CHECK(pending_changes(a.store.db()) == 0);
}

TEST_CASE("PostgreSQL: devices pushing through two servers at once, a pull never skips a change that commits late") {
  yz::test::TempDir dir;
  Server one(dir.file("central.db"), StoreKind::pg);
  Server two(one, dir.file("two.log"));
  constexpr int kPushers = 4, kRounds = 8, kPerRound = 3;
  std::vector<std::unique_ptr<Device>> pushers;
  for (int i = 0; i < kPushers; ++i) {
    pushers.push_back(std::make_unique<Device>(dir.file("p" + std::to_string(i) + ".db")));
    pushers.back()->enroll(i % 2 ? two : one, one.enroll_code());
  }
  Device reader(dir.file("r.db"));
  reader.enroll(two, one.enroll_code());
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kPushers; ++i)
    threads.emplace_back([&, i] {
      try {
        for (int r = 0; r < kRounds; ++r) {
          for (int k = 0; k < kPerRound; ++k) add_patient(pushers[i]->store, "p" + std::to_string(i));
          pushers[i]->sync((i + r) % 2 ? two : one);
        }
      } catch (const std::exception& e) {
        MESSAGE("pusher " << i << ": " << e.what());
        ++failures;
      }
    });
  // The reader pulls all along, through both servers, only advancing its cursor.
  threads.emplace_back([&] {
    try {
      int n = 0;
      while (!done) {
        auto t = sync::make_http_transport(n++ % 2 ? one.url : two.url);
        sync::pull(reader.exec, *t);
      }
    } catch (const std::exception& e) {
      MESSAGE("reader: " << e.what());
      ++failures;
    }
  });
  for (int i = 0; i < kPushers; ++i) threads[i].join();
  done = true;
  threads.back().join();
  CHECK(failures == 0);
  reader.sync(one);
  const int64_t total = kPushers * kRounds * kPerRound;
  CHECK(admin_json(one, {"stats"})["patient"] == total);
  CHECK(reader.count("SELECT count(*) FROM patient") == total);
  for (auto& p : pushers) {
    p->sync(two);
    CHECK(p->count("SELECT count(*) FROM patient") == total);
    CHECK(pending_changes(p->store.db()) == 0);
  }
}

TEST_CASE("PostgreSQL: a record another server makes while a batch applies is merged into, not lost or doubled") {
  yz::test::TempDir dir;
  Server one(dir.file("central.db"), StoreKind::pg);
  Device a(dir.file("a.db"));
  a.enroll(one, one.enroll_code());
  const std::string other = add_patient(a.store, "格桑");
  const std::string pid = add_patient(a.store, "卓玛");
  a.store.update("patient", pid, {{"name", "卓玛拉姆"}});  // a later edit: stamped, it wins a merge
  // Another writer makes the same record and holds it uncommitted: the
  // batch finds it absent, then waits on its id as it writes.
  PGconn* c = PQconnectdb(one.pg.c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  auto run = [&](const std::string& sql) {
    PGresult* r = PQexec(c, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) MESSAGE(PQresultErrorMessage(r));
    PQclear(r);
    return ok;
  };
  REQUIRE(run("BEGIN"));
  REQUIRE(run("INSERT INTO patient (id, hlc, deleted, name) VALUES ('" + pid + "', '0000000000001.00000.x', 0, '假名')"));
  std::atomic<bool> pushed{false};
  std::thread pusher([&] {
    try {
      a.sync(one);
      pushed = true;
    } catch (const std::exception& e) {
      MESSAGE("push: " << std::string(e.what()));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  REQUIRE(run("COMMIT"));
  pusher.join();
  PQfinish(c);
  CHECK(pushed);
  CHECK(pending_changes(a.store.db()) == 0);
  CHECK(central_query(one, "SELECT count(*) FROM patient WHERE id = '" + pid + "'") == "1");
  CHECK(central_query(one, "SELECT name FROM patient WHERE id = '" + pid + "'") == "卓玛拉姆");
  CHECK(central_query(one, "SELECT name FROM patient WHERE id = '" + other + "'") == "格桑");
  CHECK(central_query(one, "SELECT count(*) FROM quarantine") == "0");
}

TEST_CASE("PostgreSQL: admin verbs not on it yet say so and exit non-zero, nothing is made in ./central.db") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), StoreKind::pg);
  auto pub = server.admin({"publish-program", dir.file("nothing.json")});
  CHECK(pub.code != 0);
  CHECK(admin_json(server, {"duplicates"}).empty());  // on PostgreSQL now (reads of core's rules)
  auto enc = server.admin({"encrypt"});
  CHECK(enc.code != 0);
  CHECK(enc.err.find("PostgreSQL") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.file("central.db")));
  CHECK_FALSE(fs::exists("central.db"));
  // What works: teams, accounts, devices, audit, merges.
  CHECK(admin_json(server, {"teams"}).size() == 0);
  CHECK(admin_json(server, {"merges"}).empty());
  const auto init = server.admin({"--json", "init"});
  CHECK_MESSAGE(init.code == 0, init.err);
  // A server with another key file than the database's servers sign with is refused.
  auto other_key = yz::test::run({YIZHEN_SERVER, "--pg", server.pg, "--keys", dir.file("other.keys"), "admin", "teams"});
  CHECK(other_key.code == 3);
  CHECK(other_key.err.find("another receipt key") != std::string::npos);
  // An unreachable database is one clear line, exit 3 (storage), never a new file.
  auto down = yz::test::run({YIZHEN_SERVER, "--pg", "host=127.0.0.1 port=1 user=nobody dbname=none connect_timeout=2",
                             "--keys", dir.file("k.keys"), "admin", "teams"});
  CHECK(down.code == 3);
  CHECK(down.err.find("cannot connect to PostgreSQL") != std::string::npos);
  CHECK_MESSAGE(std::count(down.err.begin(), down.err.end(), '\n') == 1, down.err);
}

TEST_CASE("PostgreSQL: a text holding U+0000 is quarantined with its field, never stored cut short") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), StoreKind::pg);
  Device a(dir.file("a.db"));
  a.enroll(server, server.enroll_code());
  const std::string good = add_patient(a.store, "卓玛");
  const std::string bad = add_patient(a.store, "央金");
  a.store.db().exec("UPDATE patient SET notes = 'a' || char(0) || 'b' WHERE id = '" + bad + "'");
  a.sync(server);
  CHECK(central_query(server, "SELECT count(*) FROM patient WHERE id = '" + good + "'") == "1");
  CHECK(central_query(server, "SELECT count(*) FROM patient WHERE id = '" + bad + "'") == "0");
  const json q = admin_json(server, {"quarantine"});
  REQUIRE(q.size() == 1);
  CHECK(q[0]["id"] == bad);
  CHECK(q[0]["errors"][0]["field"] == "notes");
  CHECK(q[0]["errors"][0]["code"] == "control_char");
}
