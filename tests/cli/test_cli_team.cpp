// yizhenctl for a team without a server: team init, member add, places
// search, place add — the real binary on temporary databases.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_helpers.h"
#include "tests/support/process.h"

using nlohmann::json;
using yz::test::TempDir;
using namespace yz_cli_test;

namespace {

// Bad input: exit 2, one line naming `field`, nothing written.
void refused(const std::string& db, const std::vector<std::string>& args, const std::string& field) {
  const json before = stats(db);
  auto r = ctl(db, args);
  CHECK(r.code == 2);
  CHECK(lines(r.err) == 1);
  CHECK_MESSAGE(r.err.find(field) != std::string::npos, r.err);
  CHECK(stats(db) == before);
}

}  // namespace

TEST_CASE("yizhenctl: a fresh laptop sets up its team, staff and a village offline") {
  TempDir dir;
  const std::string db = dir.file("field.db");
  REQUIRE(ctl(db, {"init", "--plain"}).code == 0);

  // Reference places are there from the start.
  auto r = ctl(db, {"places", "search", "mzgk", "--json"});
  REQUIRE(r.code == 0);
  json hits = json::parse(r.out);
  REQUIRE_FALSE(hits.empty());
  CHECK(hits[0]["code"] == "540127");
  CHECK(hits[0]["label"] == "墨竹工卡县 · 拉萨市 · 西藏自治区");
  r = ctl(db, {"places", "search", "疏附"});
  REQUIRE(r.code == 0);
  CHECK(r.out.find("653121") != std::string::npos);

  refused(db, {"member", "add", "--name", "卓玛", "--role", "nurse"}, "team");
  refused(db, {"team", "init", "--name", "援藏医疗队", "--county", "999999"}, "county");
  refused(db, {"team", "init", "--name", " ", "--county", "540127"}, "name");
  r = ctl(db, {"team", "init", "--name", "北京援藏医疗队", "--hospital", "北京协和医院", "--county", "540127",
               "--station", "内科", "--station", "眼科", "--json"});
  REQUIRE(r.code == 0);
  const std::string team_id = json::parse(r.out)["id"];
  refused(db, {"team", "init", "--name", "二队", "--county", "540127"}, "team");

  REQUIRE(ctl(db, {"member", "add", "--name", "卓玛", "--role", "nurse"}).code == 0);
  REQUIRE(ctl(db, {"member", "add", "--name", "王医生", "--role", "clinician", "--specialty", "内科"}).code == 0);
  refused(db, {"member", "add", "--name", "李", "--role", "surgeon"}, "role");
  refused(db, {"member", "add", "--name", "", "--role", "nurse"}, "name");

  r = ctl(db, {"team", "show", "--json"});
  REQUIRE(r.code == 0);
  const json team = json::parse(r.out);
  CHECK(team["id"] == team_id);
  CHECK(team["origin_hospital"] == "北京协和医院");
  CHECK(team["members"].size() == 2);
  CHECK(team["stations"] == json::array({"内科", "眼科"}));
  CHECK(team["enrolled"] == false);

  // The county's townships are not here yet: add one, then a village in it.
  r = ctl(db, {"place", "add", "--name", "工卡镇", "--parent", "540127", "--json"});
  REQUIRE(r.code == 0);
  const std::string township = json::parse(r.out)["code"];
  r = ctl(db, {"place", "add", "--name", "新建村", "--parent", township});
  REQUIRE(r.code == 0);
  CHECK(r.out.find("[provisional]") != std::string::npos);
  CHECK(r.out.find("新建村 · 工卡镇 · 墨竹工卡县") != std::string::npos);
  const std::string village = r.out.substr(0, r.out.find('\t'));
  CHECK(village.size() == 12);
  refused(db, {"place", "add", "--name", "新建村", "--parent", township}, "name");
  refused(db, {"place", "add", "--name", "某村", "--parent", "54012"}, "parent");
  refused(db, {"place", "add", "--name", "某村", "--parent", "540000"}, "parent");

  r = ctl(db, {"places", "search", "xinjiancun", "--json"});
  REQUIRE(r.code == 0);
  hits = json::parse(r.out);
  REQUIRE(hits.size() >= 1);
  CHECK(hits[0]["code"] == village);
  CHECK(hits[0]["provisional"] == true);

  // A patient registered in that village.
  r = ctl(db, {"patient", "add", "--name", "次仁", "--sex", "F", "--age", "40", "--village", village});
  REQUIRE(r.code == 0);
  const json s = stats(db);
  CHECK(s["team"] == 1);
  CHECK(s["member"] == 2);
  CHECK(s["place"] == 2);
  CHECK(s["patient"] == 1);
}

TEST_CASE("yizhenctl member pin: a PIN from standard input, stored only as its hash, bad ones refused") {
  TempDir dir;
  const std::string db = dir.file("field.db");
  REQUIRE(ctl(db, {"init", "--plain"}).code == 0);
  REQUIRE(ctl(db, {"team", "init", "--name", "北京援藏医疗队", "--county", "540127"}).code == 0);
  auto added = ctl(db, {"member", "add", "--name", "卓玛", "--role", "nurse"});
  REQUIRE(added.code == 0);
  const std::string id = added.out.substr(0, added.out.find('\n'));
  auto pin = [&](const std::string& input, const std::string& member) {
    return yz::test::run({"/bin/sh", "-c", "printf '" + input + "' | \"$0\" --db \"$1\" member pin \"$2\"", YIZHENCTL,
                          db, member});
  };
  auto has_pin = [&] {
    auto r = ctl(db, {"team", "show", "--json"});
    REQUIRE(r.code == 0);
    return json::parse(r.out)["members"][0]["has_pin"].get<bool>();
  };
  CHECK_FALSE(has_pin());
  for (const char* bad : {"12\n", "12ab\n", "123456789\n", ""}) {
    auto r = pin(bad, id);
    CHECK(r.code == 2);
    CHECK(lines(r.err) == 1);
    CHECK_MESSAGE((r.err.find("PIN") != std::string::npos || r.err.find("pin") != std::string::npos), r.err);
  }
  auto r = pin("2468\n", "0190a0a0-0000-7000-8000-000000000000");
  CHECK(r.code == 2);
  CHECK_MESSAGE(r.err.find("0190a0a0-0000-7000-8000-000000000000") != std::string::npos, r.err);
  CHECK_FALSE(has_pin());
  r = pin("2468\n", id);
  CHECK_MESSAGE(r.code == 0, r.err);
  CHECK(has_pin());
  // Its Argon2id hash is what the (plain) database holds.
  CHECK((yz::test::slurp(db) + yz::test::slurp(db + "-wal")).find("$argon2id$v=19$") != std::string::npos);
}
