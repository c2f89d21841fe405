// A team's first day without a server, then with one: the laptop sets up its
// team, staff, a township and a village offline and holds a clinic day there;
// it enrolls (the server's team is authoritative), syncs, the server imports
// the county's village list and a coordinator reconciles the provisional
// places — every record still there, on the official codes, on both sides.
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/care/places.h"
#include "core/care/team.h"
#include "core/domain/places.h"
#include "tests/sync/server_fixture.h"

using nlohmann::json;
using namespace yz_sync_test;

namespace {

const std::string kCountyList = std::string(SOURCE_DIR) + "/tests/sync/data/mozhugongka.csv";

std::string one(SQLite::Database& db, const std::string& sql) { return db.execAndGet(sql).getString(); }

}  // namespace

TEST_CASE_TEMPLATE("an offline team enrolls, syncs, and its provisional village is reconciled with the county's list", T, Stores) {
  yz::test::TempDir dir;
  Server server(dir.file("central.db"), T::kind);
  Device laptop(dir.file("laptop.db"));
  yz::Store& s = laptop.store;

  // Offline: team, staff, a township and a village the device added itself.
  const std::string offline_team = yz::init_team(s, {"北京援藏医疗队", "北京协和医院", "540127", {"内科"}});
  const std::string nurse = yz::add_member(s, "卓玛", "nurse");
  const std::string township = yz::add_place(s, "工卡镇", "540127");
  const std::string village = yz::add_place(s, "塔巴村", township);
  const std::string day = s.create("clinic_day", {{"date", s.today()}, {"place_code", village}, {"team_id", offline_team},
                                                  {"kind", "yizhen"}, {"staff", json::array({nurse})}});
  std::vector<std::string> patients;
  for (const char* name : {"次仁", "格桑"}) {
    patients.push_back(s.create("patient", {{"name", name}, {"sex", "F"}, {"age", 50}, {"village_code", village}}));
    s.create("encounter", {{"patient_id", patients.back()}, {"clinic_day_id", day}, {"station", "内科"},
                           {"clinician_id", nurse}, {"complaint", "头痛"}});
  }

  // Enrollment into the server's team for the county.
  laptop.enroll(server, server.enroll_code("拉萨市人民医院医疗队", "540127"));
  const std::string server_team = *s.setting("sync.team_id");
  CHECK(server_team != offline_team);
  laptop.sync(server);
  CHECK(laptop.count("SELECT count(*) FROM outbox WHERE acked = 0") == 0);
  CHECK(laptop.count("SELECT count(*) FROM quarantine") == 0);
  {
    auto r = server.admin({"stats", "--json"});
    REQUIRE(r.code == 0);
    const json st = json::parse(r.out);
    CHECK(st["team"] == 1);  // the server's; the offline team never left the laptop
    CHECK(st["member"] == 1);
    CHECK(st["patient"] == 2);
    CHECK(st["encounter"] == 2);
    CHECK(st["clinic_day"] == 1);
    CHECK(st["quarantined"] == 0);
  }
  CHECK(one(s.db(), "SELECT team_id FROM member WHERE id = '" + nurse + "'") == server_team);
  CHECK(one(s.db(), "SELECT team_id FROM clinic_day WHERE id = '" + day + "'") == server_team);

  // The county's list: a bad file is refused with its line, nothing written.
  const std::string bad = dir.file("bad.csv");
  std::ofstream(bad) << "code,name,class\n540127100000,工卡镇,\n540127999201,无乡村委会,220\n";
  auto r = server.admin({"places", "import", bad});
  CHECK(r.code == 2);
  CHECK(r.err.find("line 3") != std::string::npos);
  CHECK(r.err.find("540127999") != std::string::npos);
  r = server.admin({"stats", "--json"});
  CHECK(json::parse(r.out)["place"] == 2);
  // A list that is not there: said as a read, not a write.
  r = server.admin({"places", "import", dir.file("missing.csv")});
  CHECK(r.code != 0);
  CHECK_MESSAGE(r.err.find("cannot read " + dir.file("missing.csv")) != std::string::npos, r.err);
  r = server.admin({"places", "import", kCountyList, "--json"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  const int created = json::parse(r.out)["created"];
  CHECK(created == 49);
  r = server.admin({"places", "import", kCountyList, "--json"});
  CHECK(json::parse(r.out)["created"] == 0);

  // A coordinator confirms the matches: township first, then the village.
  CHECK(server.admin({"places", "reconcile", township, "540127199"}).code == 1);  // no such township
  CHECK(server.admin({"places", "reconcile", township, "540127100202"}).code == 2);  // not a township
  r = server.admin({"places", "reconcile", township, "540127100"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  r = server.admin({"places", "reconcile", village, "540127100202", "--json"});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(json::parse(r.out)["moved"] == 3);  // two patients and the clinic day
  CHECK(server.admin({"places", "reconcile", "540127100201", "540127100202"}).code == 2);

  laptop.sync(server);
  for (const auto& id : patients)
    CHECK(one(s.db(), "SELECT village_code FROM patient WHERE id = '" + id + "'") == "540127100202");
  CHECK(one(s.db(), "SELECT place_code FROM clinic_day WHERE id = '" + day + "'") == "540127100202");
  CHECK(laptop.count("SELECT count(*) FROM place WHERE deleted = 0 AND code GLOB '*[A-Z]*'") == 0);
  CHECK(laptop.count("SELECT count(*) FROM place WHERE deleted = 0") == created);
  CHECK(laptop.count("SELECT count(*) FROM encounter") == 2);
  CHECK(yz::place_label(s.db(), "540127100202") == "塔巴村委会 · 工卡镇 · 墨竹工卡县");
  const auto hits = yz::search_places(s.db(), "塔巴");
  REQUIRE_FALSE(hits.empty());
  CHECK(hits.front().place.code == "540127100202");
  CHECK(laptop.count("SELECT count(*) FROM outbox WHERE acked = 0") == 0);
}
