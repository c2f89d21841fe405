// `yizhen-server admin migrate --from central.db --pg CONNINFO`
// (sync/server/pg_migrate_sqlite.h): devices sync to a SQLite server, the
// store moves to PostgreSQL, and the server started there answers every
// device as the SQLite one would have: the same next pull, the same receipt
// for a replayed batch, an audit chain that verifies; pushes go on.
#include <httplib.h>

#include "core/base/files.h"
#include "core/programs/programs.h"
#include "core/replication/outbox.h"
#include "sync/client/client.h"
#include "sync/protocol/batch.h"
#include "sync/server/pg_migrate_sqlite.h"
#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;

namespace {

std::string post_batch(const Server& s, Device& d, const std::string& body) {
  httplib::Client http(s.url);
  auto r = http.Post("/v1/batches", {{"Authorization", "Bearer " + *d.store.setting(sync::kTokenKey)}}, body,
                     "application/json");
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  return r->body;
}

json digests_json(const std::vector<sync::TableDigest>& t) {
  json out = json::object();
  for (const auto& d : t) out[d.table] = {d.rows, d.digest};
  return out;
}

}  // namespace

TEST_CASE("admin migrate: an encrypted SQLite central store moves to PostgreSQL, every device's next sync unchanged") {
  yz::test::TempDir dir;
  const std::string central = dir.file("central.db");
  std::optional<Server> lite;
  lite.emplace(central);
  Device a(dir.file("a.db")), b(dir.file("b.db"));
  a.enroll(*lite, lite->enroll_code());
  b.enroll(*lite, lite->enroll_code());
  auto run_admin = [&](std::vector<std::string> args, const std::string& input = {}) {
    args.insert(args.begin(), {"/usr/bin/env", "YIZHEN_PASSPHRASE=中心 central", YIZHEN_SERVER});
    return yz::test::run(args, input);
  };
  REQUIRE(run_admin({"--db", central, "admin", "account", "add", "--name", "王主任", "--role", "admin"},
                    "another-long-one\n").code == 0);

  // Records, a conflict, a quarantined change (outside the team's area).
  const std::string pid = add_patient_at(a.store, "扎西", "540102001001");
  for (int i = 0; i < 5; ++i) add_patient_at(a.store, "卓玛" + std::to_string(i), "540102001001");
  add_patient_at(a.store, "外地", "110101001001");
  sync::seal_pending(a.exec);
  const auto sealed = undelivered_batches(a.store.db());
  REQUIRE(sealed.size() == 1);
  const std::string first_receipt = post_batch(*lite, a, sealed[0].body);
  a.sync(*lite);
  b.sync(*lite);
  a.store.update("patient", pid, {{"phone", "13800000001"}});
  b.store.update("patient", pid, {{"phone", "13900000002"}});
  a.sync(*lite);
  b.sync(*lite);
  // b has not pulled these yet: its next pull brings them, from either store.
  for (int i = 0; i < 3; ++i) add_patient_at(a.store, "次仁" + std::to_string(i), "540102001001");
  a.sync(*lite);
  // A coordinator's decision on the quarantined change and a published
  // program: both in the feed, not pulled yet.
  const json set_aside = admin_json(*lite, {"quarantine"});
  REQUIRE(set_aside.size() == 1);
  admin_json(*lite, {"discard", std::to_string(set_aside[0]["quarantine_id"].get<int64_t>()), "--reason", "外地病人"});
  json v2 = builtin_program("hypertension")->definition;
  v2["version"] = 2;
  write_file_durably(dir.file("htn-v2.json"), v2.dump());
  REQUIRE(lite->admin({"publish-program", dir.file("htn-v2.json")}).code == 0);
  const json stats_before = admin_json(*lite, {"stats"});
  CHECK(stats_before["conflicts"].get<int>() >= 1);
  const json pull_a = pull_page(*lite, a), pull_b = pull_page(*lite, b);
  REQUIRE(pull_a["changes"].size() == 1);
  CHECK(pull_a["changes"][0]["entity"] == "program");
  CHECK(pull_a["quarantine"].size() == 1);
  CHECK(pull_b["changes"].size() == 4);
  lite.reset();  // the SQLite server stops

  const json source = digests_json(sync::sqlite_table_digests(central));
  auto verify = run_admin({"--db", central, "admin", "audit", "verify", "--json"});
  REQUIRE(verify.code == 0);
  const json audit_rows = json::parse(verify.out);
  REQUIRE(run_admin({"--db", central, "admin", "encrypt"}).code == 0);

  // Into a fresh database: one transaction, checked table by table.
  const std::string pg = fresh_pg_database();
  auto moved = run_admin({"--pg", pg, "admin", "migrate", "--from", central, "--json"});
  REQUIRE_MESSAGE(moved.code == 0, moved.err);
  const json report = json::parse(moved.out);
  json reported = json::object();
  for (const auto& t : report["tables"]) reported[t["table"].get<std::string>()] = {t["rows"], t["digest"]};
  CHECK(reported == source);
  CHECK(digests_json(sync::pg_table_digests(pg)) == source);
  CHECK(source["srv_feed"][0].get<int>() > 0);
  CHECK(source["audit"][0].get<int>() > 0);
  CHECK(source["srv_account"][0] == 1);
  CHECK(source["program"][0] == 1);
  CHECK(report["keys"] == central + ".keys");

  // A second migrate into the same database is refused: nothing changed.
  auto again = run_admin({"--pg", pg, "admin", "migrate", "--from", central});
  CHECK(again.code == 2);
  CHECK(again.err.find("already holds a central store") != std::string::npos);
  CHECK(digests_json(sync::pg_table_digests(pg)) == source);

  Server on_pg(central, pg, dir.file("pg.log"));
  CHECK(admin_json(on_pg, {"stats"}) == stats_before);
  const json verified = admin_json(on_pg, {"audit", "verify"});
  CHECK(verified == audit_rows);
  CHECK(verified["ok"] == true);
  // The next pulls are what SQLite would have answered.
  CHECK(pull_page(on_pg, a) == pull_a);
  CHECK(pull_page(on_pg, b) == pull_b);
  // A replayed batch is recognised: its stored receipt, nothing applied.
  CHECK(json::parse(post_batch(on_pg, a, sealed[0].body)) == json::parse(first_receipt));
  // Devices go on: b pulls the three, a's next push applies and feeds on.
  b.sync(on_pg);
  CHECK(b.count("SELECT count(*) FROM patient WHERE name LIKE '次仁%'") == 3);
  add_patient_at(a.store, "格桑", "540102001001");
  a.sync(on_pg);
  b.sync(on_pg);
  CHECK(b.count("SELECT count(*) FROM patient WHERE name = '格桑'") == 1);
  CHECK(admin_json(on_pg, {"stats"})["patient"] == stats_before["patient"].get<int>() + 1);
  CHECK(std::stoll(*b.store.setting(sync::kCursorKey)) > report["feed_seq"].get<int64_t>());
}

TEST_CASE("admin migrate: refused without --pg, for a missing --from, and into a database in use") {
  yz::test::TempDir dir;
  auto no_pg = yz::test::run({YIZHEN_SERVER, "admin", "migrate", "--from", dir.file("central.db")});
  CHECK(no_pg.code == 2);
  CHECK(no_pg.err.find("--pg") != std::string::npos);
  Server used(dir.file("used.db"), StoreKind::pg);
  used.enroll_code();
  auto missing = yz::test::run({YIZHEN_SERVER, "--pg", used.pg, "admin", "migrate", "--from", dir.file("none.db")});
  CHECK(missing.code == 2);
  CHECK(missing.err.find("--from: no central database") != std::string::npos);
  Server lite(dir.file("central.db"));
  lite.enroll_code();
  const json before = digests_json(sync::pg_table_digests(used.pg));
  auto into_used = yz::test::run({YIZHEN_SERVER, "--pg", used.pg, "admin", "migrate", "--from", lite.db});
  CHECK(into_used.code == 2);
  CHECK(into_used.err.find("already holds a central store") != std::string::npos);
  CHECK(digests_json(sync::pg_table_digests(used.pg)) == before);
}

TEST_CASE("admin migrate: a SQLite server still serving acknowledges nothing after the copy, its devices push to PostgreSQL") {
  yz::test::TempDir dir;
  Server lite(dir.file("central.db"));
  Device a(dir.file("a.db"));
  a.enroll(lite, lite.enroll_code());
  add_patient_at(a.store, "扎西", "540102001001");
  a.sync(lite);
  const std::string pg = fresh_pg_database();
  auto moved = yz::test::run({YIZHEN_SERVER, "--pg", pg, "admin", "migrate", "--from", lite.db});
  REQUIRE_MESSAGE(moved.code == 0, moved.err);
  // The old server, still up, refuses the next push: the batch stays on
  // the laptop, unacknowledged.
  add_patient_at(a.store, "卓玛", "540102001001");
  CHECK_THROWS(a.sync(lite));
  CHECK(a.count("SELECT count(*) FROM outbox WHERE acked = 0") > 0);
  {
    const auto pending = undelivered_batches(a.store.db());
    REQUIRE(!pending.empty());
    httplib::Client http(lite.url);
    auto r = http.Post("/v1/batches", {{"Authorization", "Bearer " + *a.store.setting(sync::kTokenKey)}},
                       pending[0].body, "application/json");
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(json::parse(r->body)["code"] == "migrated");
  }
  auto write = lite.admin({"enroll-code", "--team", "另一队", "--area", "5401"});
  CHECK(write.code != 0);
  CHECK(write.err.find("admin migrate") != std::string::npos);
  CHECK(admin_json(lite, {"stats"})["patient"] == 1);  // reads go on
  // Served from PostgreSQL, the laptop delivers it.
  Server on_pg(lite.db, pg, dir.file("pg.log"));
  a.sync(on_pg);
  CHECK(a.count("SELECT count(*) FROM outbox WHERE acked = 0") == 0);
  CHECK(admin_json(on_pg, {"stats"})["patient"] == 2);
}
