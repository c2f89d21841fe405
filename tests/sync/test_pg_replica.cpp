// `yizhen-server --pg PRIMARY --pg-read STANDBY` (docs/sync-protocol.md §11,
// "Pulls from a standby"): a primary and a streaming hot standby on
// loopback; pushes go to the primary, pulls come from the standby while it
// keeps up with the device's cursor. With the standby's replay paused, a
// device's cursor never goes back and no change is skipped.
#include <chrono>
#include <thread>

#include "sync/client/client.h"
#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;

namespace {

// The first value of `sql` on the database `conninfo`.
std::string pg_value(const std::string& conninfo, const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo.c_str());
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
  const std::string out = ok ? PQgetvalue(r, 0, 0) : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  REQUIRE_MESSAGE(ok, sql << ": " << out);
  return out;
}

// Until the standby has replayed everything the primary wrote so far. The
// insert position, not the write position (pg_current_wal_lsn): the test
// clusters run with synchronous_commit=off, so a commit may still sit in the
// primary's WAL buffers, past the written position, for up to the WAL
// writer's delay.
void wait_replayed(const std::string& primary, const std::string& standby) {
  const std::string lsn = pg_value(primary, "SELECT pg_current_wal_insert_lsn()::text");
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (pg_value(standby, "SELECT (pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn)::text") != "true") {
    REQUIRE(std::chrono::steady_clock::now() < until);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int64_t cursor_of(Device& d) { return std::stoll(d.store.setting(sync::kCursorKey).value_or("0")); }

}  // namespace

TEST_CASE("PostgreSQL: pulls from a lagging standby never move a cursor back nor skip a change") {
  yz::test::PgCluster primary;
  yz::test::PgCluster standby(yz::test::PgCluster::StandbyOf{primary.port()});
  const std::string on_primary = primary.create_database("central");
  const std::string on_standby = standby.conninfo("central");
  yz::test::TempDir dir;
  const std::string keys = dir.file("central.db");
  Server direct(keys, on_primary, dir.file("primary.log"));  // makes the schema
  wait_replayed(on_primary, on_standby);
  Server both(keys, on_primary, dir.file("both.log"), on_standby);
  const std::string village = "540102001001";

  Device a(dir.file("a.db")), b(dir.file("b.db")), d(dir.file("d.db"));
  a.enroll(both, both.enroll_code());
  b.enroll(both, both.enroll_code());
  d.enroll(direct, direct.enroll_code());
  for (int i = 0; i < 5; ++i) add_patient_at(a.store, "卓玛" + std::to_string(i), village);
  a.sync(both);
  wait_replayed(on_primary, on_standby);
  b.sync(both);
  d.sync(both);
  CHECK(b.count("SELECT count(*) FROM patient") == 5);
  const int64_t b_cursor = cursor_of(b);

  // The standby stops replaying: what a pushes now is on the primary only.
  pg_value(on_standby, "SELECT 1 FROM pg_wal_replay_pause()");
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (pg_value(on_standby, "SELECT pg_get_wal_replay_pause_state()") != "paused") {
    REQUIRE(std::chrono::steady_clock::now() < until);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (int i = 0; i < 4; ++i) add_patient_at(a.store, "次仁" + std::to_string(i), village);
  a.sync(both);
  CHECK(pg_value(on_primary, "SELECT count(*) FROM patient") == "9");
  CHECK(pg_value(on_standby, "SELECT count(*) FROM patient") == "5");

  // b's cursor is where the standby is: the standby answers, nothing new,
  // the cursor stays (never lower, no reset).
  const json lagging = pull_page(both, b);
  CHECK(lagging["changes"].empty());
  CHECK(lagging["reset"] == false);
  CHECK(lagging["cursor"] == b_cursor);
  b.sync(both);
  CHECK(cursor_of(b) == b_cursor);
  CHECK(b.count("SELECT count(*) FROM patient") == 5);

  // d pulled from the primary: its cursor is past the standby, so its pull
  // through the standby's server is answered by the primary, no reset.
  d.sync(direct);
  const int64_t d_cursor = cursor_of(d);
  CHECK(d_cursor > b_cursor);
  CHECK(d.count("SELECT count(*) FROM patient") == 9);
  add_patient_at(a.store, "格桑", village);
  a.sync(both);
  const json ahead = pull_page(both, d);
  CHECK(ahead["reset"] == false);
  CHECK(ahead["cursor"].get<int64_t>() > d_cursor);
  REQUIRE(ahead["changes"].size() == 1);
  CHECK(ahead["changes"][0]["fields"]["name"] == "格桑");
  d.sync(both);
  CHECK(d.count("SELECT count(*) FROM patient") == 10);

  // The standby catches up: b receives every change it had not, none twice.
  pg_value(on_standby, "SELECT 1 FROM pg_wal_replay_resume()");
  wait_replayed(on_primary, on_standby);
  b.sync(both);
  CHECK(b.count("SELECT count(*) FROM patient") == 10);
  CHECK(cursor_of(b) > b_cursor);
  CHECK(cursor_of(b) == cursor_of(d));
  // The read-only lists read the standby too.
  CHECK(admin_json(both, {"stats"})["patient"] == 10);
}
