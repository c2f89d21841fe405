// Issue 16: the server's hash-chained audit trail. Every coordinator verb and
// every device's enrollment and batch leaves one chained row naming who did
// it; `yizhen-server admin audit verify` finds a row removed or changed.
// Against the real yizhen-server on 127.0.0.1.
#include <SQLiteCpp/Database.h>

#include <string>

#include "tests/sync/server_fixture.h"

using namespace yz;
using namespace yz_sync_test;

namespace {

json audit_rows(const Server& s) {
  auto r = s.admin({"audit", "list", "--limit", "1000", "--json"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return json::parse(r.out);
}

// The rows of `rows` with this actor prefix, action and entity.
int count_rows(const json& rows, const std::string& actor_prefix, const std::string& action, const std::string& entity) {
  int n = 0;
  for (const auto& row : rows)
    n += row["actor"].get<std::string>().rfind(actor_prefix, 0) == 0 && row["action"] == action && row["entity"] == entity;
  return n;
}

}  // namespace

TEST_CASE("The server's audit names each verb and each device's batch, and verify finds a row changed or removed") {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"));
  const std::string code = server.enroll_code("上海援藏医疗队", "540102");
  Device a(dir.file("a.db"));
  a.enroll(server, code);
  a.store.transact([&](Writer& w) {
    w.create("patient", {{"name", "扎西"}, {"sex", "M"}, {"age", 40}, {"village_code", "540102001001"}});
  });
  a.sync(server);
  a.sync(server);  // nothing new: no second batch row
  REQUIRE(server.admin({"team", "set-area", "上海援藏医疗队", "5401"}).code == 0);
  const std::string device_id = a.store.device_id();
  REQUIRE(server.admin({"revoke", device_id}).code == 0);

  const json rows = audit_rows(server);
  INFO(rows.dump(1));
  CHECK(count_rows(rows, "admin", "create", "enroll_code") == 1);
  CHECK(count_rows(rows, "device:" + device_id, "create", "device") == 1);
  CHECK(count_rows(rows, "device:" + device_id, "import", "batch") == 1);
  CHECK(count_rows(rows, "admin", "update", "team") == 1);
  CHECK(count_rows(rows, "admin", "update", "device") == 1);
  // Newest first; the batch row says what it brought; nothing secret or
  // personal is written: not the code, nor the patient's name.
  CHECK(rows[0]["detail"]["revoked"] == true);
  for (const auto& row : rows)
    if (row["entity"] == "batch") CHECK(row["detail"]["applied"] == 1);
  CHECK(rows.dump().find(code) == std::string::npos);
  CHECK(rows.dump().find("扎西") == std::string::npos);

  auto ok = server.admin({"audit", "verify", "--json"});
  REQUIRE_MESSAGE(ok.code == 0, ok.err);
  CHECK(json::parse(ok.out)["ok"] == true);
  CHECK(json::parse(ok.out)["rows"] == rows.size());

  const int64_t batch_rid = [&] {
    for (const auto& row : rows)
      if (row["entity"] == "batch") return row["rid"].get<int64_t>();
    return int64_t{0};
  }();
  SUBCASE("a changed row") {
    {
      SQLite::Database raw(server.db, SQLite::OPEN_READWRITE);
      raw.exec("UPDATE audit SET detail = replace(detail, '\"applied\":1', '\"applied\":0') WHERE rid = " +
               std::to_string(batch_rid));
    }
    auto bad = server.admin({"audit", "verify"});
    CHECK(bad.code == 3);
    CHECK(bad.out.find("audit row " + std::to_string(batch_rid)) != std::string::npos);
  }
  SUBCASE("a removed row") {
    {
      SQLite::Database raw(server.db, SQLite::OPEN_READWRITE);
      raw.exec("DELETE FROM audit WHERE rid = " + std::to_string(batch_rid));
    }
    auto bad = server.admin({"audit", "verify", "--json"});
    CHECK(bad.code == 3);
    CHECK(json::parse(bad.out)["ok"] == false);
  }
}
