// Reference places, place search, provisional villages and the offline team
// (core/domain/places.h, core/care/places.h, core/care/team.h).
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include "core/domain/open_store.h"
#include "core/care/places.h"
#include "core/care/team.h"
#include "core/domain/places.h"
#include "core/domain/validate.h"
#include "core/queries/field_queries.h"
#include "core/store/store.h"
#include "tests/core/helpers.h"

using namespace yz;
using yz_test::first_error;

namespace {

std::vector<std::string> codes(const std::vector<PlaceHit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.place.code);
  return out;
}

bool finds(SQLite::Database& db, const std::string& query, const std::string& code) {
  for (const auto& h : search_places(db, query, 50))
    if (h.place.code == code) return true;
  return false;
}

// A township of 墨竹工卡县 as the server's import would deliver it.
void add_township(Store& s) {
  s.create("place", {{"code", "540127100"}, {"name", "工卡镇"}, {"level", "township"}, {"parent_code", "540127"}});
}

}  // namespace

TEST_CASE("every new database carries the reference divisions down to county level") {
  Store s = open_store(":memory:");
  const long long n = s.db().execAndGet("SELECT count(*) FROM ref_place").getInt64();
  CHECK(n == static_cast<long long>(reference_places().size()));
  CHECK(n > 3000);
  CHECK(s.db().execAndGet("SELECT count(*) FROM ref_place WHERE level = 'province'").getInt() == 31);
  // Every division but a province has a known parent one level up (or a
  // county directly under its province's "directly administered" group).
  CHECK(s.db().execAndGet("SELECT count(*) FROM ref_place r WHERE r.level <> 'province' AND NOT EXISTS "
                          "(SELECT 1 FROM ref_place p WHERE p.code = r.parent_code)").getInt() == 0);
  // Reference divisions are not records: nothing to sync, no place records.
  CHECK(s.db().execAndGet("SELECT count(*) FROM place").getInt() == 0);
  CHECK(s.db().execAndGet("SELECT count(*) FROM outbox").getInt() == 0);
}

TEST_CASE("a place search finds 墨竹工卡县 and 疏附县 by name, pinyin, initials and code") {
  Store s = open_store(":memory:");
  auto& db = s.db();
  for (const char* q : {"墨竹工卡县", "墨竹", "工卡", "mozhugongka", "MoZhuGongKaXian", "mzgk", "540127"})
    CHECK_MESSAGE(finds(db, q, "540127"), q);
  for (const char* q : {"疏附县", "疏附", "shufu", "sfx", "653121"}) CHECK_MESSAGE(finds(db, q, "653121"), q);
  const auto hits = search_places(db, "墨竹工卡县");
  REQUIRE_FALSE(hits.empty());
  CHECK(hits.front().place.code == "540127");
  CHECK(hits.front().score == 0);
  CHECK(hits.front().label == "墨竹工卡县 · 拉萨市 · 西藏自治区");
  CHECK_FALSE(hits.front().place.provisional);
  CHECK(search_places(db, "").empty());
  CHECK(search_places(db, "zzzzqqq").empty());
  // Higher levels first among equal matches: 拉萨市 before its counties.
  CHECK(codes(search_places(db, "5401", 3)).front() == "540100");
}

TEST_CASE("place codes: level, parent, provisional, statistics form") {
  CHECK(place_level_of("540000") == "province");
  CHECK(place_level_of("540100") == "prefecture");
  CHECK(place_level_of("540127") == "county");
  CHECK(place_level_of("540127100") == "township");
  CHECK(place_level_of("540127100201") == "village");
  CHECK(place_level_of("540127100QKD") == "village");
  CHECK(place_level_of("540127QKD") == "township");
  CHECK(place_level_of("54012710") == "");
  CHECK(place_level_of("540127100qkd") == "");
  CHECK(structural_parent("540127100201") == "540127100");
  CHECK(structural_parent("540127100") == "540127");
  CHECK(structural_parent("540127") == "540100");
  CHECK(structural_parent("540100") == "540000");
  CHECK(structural_parent("540000") == "");
  CHECK(is_provisional_place_code("540127100QKD"));
  CHECK_FALSE(is_provisional_place_code("540127100201"));
  CHECK(short_place_code("540127000000") == "540127");
  CHECK(short_place_code("540127100000") == "540127100");
  CHECK(short_place_code("540127100201") == "540127100201");
  CHECK(std::holds_alternative<std::string>(check_place_code("v", "540127100QKD")));
  CHECK(std::holds_alternative<FieldError>(check_place_code("v", "540127100Q1D")));
  CHECK(std::holds_alternative<std::string>(check_place_code("v", "540127QKDQKD")));
  CHECK(place_level_of("540127QKDQKD") == "village");
  CHECK(std::holds_alternative<FieldError>(check_place_code("v", "5401QK100QKD")));
  CHECK(std::holds_alternative<FieldError>(check_place_code("v", "540127QK1")));
}

TEST_CASE("a village added offline gets a provisional code and is shown with its township and county") {
  Store s = open_store(":memory:");
  add_township(s);
  const std::string code = add_place(s, " 新建村 ", "540127100");
  CHECK(code.size() == 12);
  CHECK(code.substr(0, 9) == "540127100");
  CHECK(is_provisional_place_code(code));
  const auto p = find_place(s.db(), code);
  REQUIRE(p);
  CHECK(p->name == "新建村");
  CHECK(p->level == "village");
  CHECK(p->provisional);
  CHECK(place_label(s.db(), code) == "新建村 · 工卡镇 · 墨竹工卡县");
  // Found like any place, by name, pinyin and code, and pending sync.
  CHECK(finds(s.db(), "新建", code));
  CHECK(finds(s.db(), "xinjian", code));
  CHECK(finds(s.db(), "xjc", code));
  CHECK(finds(s.db(), code.substr(0, 10), code));
  CHECK(s.db().execAndGet("SELECT count(*) FROM outbox WHERE entity = 'place'").getInt() == 2);
  // A patient may live there.
  const std::string pid = s.create("patient", {{"name", "次仁"}, {"sex", "F"}, {"age", 40}, {"village_code", code}});
  CHECK((*s.get("patient", pid))["village_code"] == code);
  // A township may be added under a county when the county's list is missing.
  const std::string tw = add_place(s, "新乡", "540127");
  CHECK(tw.size() == 9);
  CHECK(place_level_of(tw) == "township");
  CHECK(place_label(s.db(), add_place(s, "远村", tw)) == "远村 · 新乡 · 墨竹工卡县");
}

TEST_CASE("adding a place refuses bad input and writes nothing") {
  Store s = open_store(":memory:");
  add_township(s);
  const auto before = s.db().execAndGet("SELECT count(*) FROM place").getInt();
  CHECK(first_error([&] { add_place(s, "  ", "540127100"); }).field == "name");
  CHECK(first_error([&] { add_place(s, "甲村", "5401271"); }).code == "place_code");
  CHECK(first_error([&] { add_place(s, "甲村", "540127101"); }).code == "unknown_place");
  const auto e = first_error([&] { add_place(s, "甲村", "540000"); });
  CHECK(e.field == "parent");
  CHECK(e.code == "place_parent");
  add_place(s, "甲村", "540127100");
  CHECK(first_error([&] { add_place(s, "甲村", "540127100"); }).code == "place_exists");
  CHECK(s.db().execAndGet("SELECT count(*) FROM place").getInt() == before + 1);
}

TEST_CASE("a county list's line without a name is refused, not named after its class") {
  Store s = open_store(":memory:");
  add_township(s);
  // "code,,class": the name left empty in a spreadsheet.
  const auto e = first_error([&] { parse_place_list(s.db(), "code,name,class\n540127100206,,220\n"); });
  CHECK(e.code == "place_line");
  CHECK(e.message(Lang::en).find("line 2: the name is empty") != std::string::npos);
  // The bureau's order with the name left empty: the class is no name either.
  CHECK(first_error([&] { parse_place_list(s.db(), "540127100206,220,\n"); }).message(Lang::en).find("line 1: the name \"220\" is a number") !=
        std::string::npos);
  // A list saved as GBK: its line, and what to do.
  const std::string gbk = "540127100206,\xcb\xfe\xb0\xcd\xb4\xe5,220\n";  // 塔巴村 in GBK
  const auto g = first_error([&] { parse_place_list(s.db(), "code,name,class\n" + gbk); });
  CHECK(g.code == "place_line");
  CHECK(g.message(Lang::en).find("line 2: the name is not UTF-8 text") != std::string::npos);
  // The bureau's order (code, class, name) is still read.
  const auto listed = parse_place_list(s.db(), "540127100206,220,塔巴村委会\n");
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].name == "塔巴村委会");
  CHECK(listed[0].urban_rural == "220");
}

TEST_CASE("a team set up offline: init, members, stations") {
  Store s = open_store(":memory:");
  CHECK_FALSE(current_team(s));
  CHECK(first_error([&] { add_member(s, "卓玛", "nurse"); }).code == "no_team");
  CHECK(first_error([&] { init_team(s, {"", "北京协和医院", "540127", {}}); }).field == "name");
  CHECK(first_error([&] { init_team(s, {"队", "", "", {}}); }).field == "county");
  CHECK(first_error([&] { init_team(s, {"队", "", "540199", {}}); }).code == "unknown_place");
  CHECK(first_error([&] { init_team(s, {"队", "", "540000", {}}); }).code == "not_county");
  CHECK(s.db().execAndGet("SELECT count(*) FROM team").getInt() == 0);

  const std::string id = init_team(s, {"北京援藏医疗队", "北京协和医院", "540127", {"内科", " 眼科 ", ""}});
  const auto t = current_team(s);
  REQUIRE(t);
  CHECK(t->id == id);
  CHECK(t->name == "北京援藏医疗队");
  CHECK(t->origin_hospital == "北京协和医院");
  CHECK(t->area_code == "540127");
  CHECK(t->stations == std::vector<std::string>{"内科", "眼科"});
  CHECK_FALSE(t->enrolled);
  CHECK(first_error([&] { init_team(s, {"又一队", "", "540127", {}}); }).code == "team_exists");

  const std::string m = add_member(s, "卓玛", "nurse");
  add_member(s, "张医生", "clinician", "内科");
  CHECK(first_error([&] { add_member(s, "李", "admin"); }).field == "role");
  CHECK(first_error([&] { add_member(s, "", "nurse"); }).field == "name");
  const auto members = list_members(s.db(), id);
  REQUIRE(members.size() == 2);
  CHECK((*s.get("member", m))["team_id"] == id);
}

TEST_CASE("enrollment attaches the offline team's records to the server's team") {
  Store s = open_store(":memory:");
  const std::string offline = init_team(s, {"北京援藏医疗队", "北京协和医院", "540127", {"内科"}});
  const std::string m = add_member(s, "卓玛", "nurse");
  const std::string day = s.create("clinic_day", {{"date", s.today()}, {"place_code", "540127"}, {"team_id", offline},
                                                  {"kind", "yizhen"}, {"staff", json::array({m})}});
  // The server's team as a pull delivers it (no outbox row).
  const std::string server_team = "01890000-0000-7000-8000-000000000001";
  s.transact_synced([&](SQLite::Database& db) {
    SQLite::Statement ins(db, "INSERT INTO team (id, hlc, name, area_code) VALUES (?, '0000000000001-0000-srv', "
                              "'拉萨市人民医院医疗队', '540127')");
    ins.bind(1, server_team);
    ins.exec();
  });
  s.set_setting("sync.team_id", server_team);
  CHECK(attach_to_server_team(s, server_team) == 2);
  CHECK((*s.get("member", m))["team_id"] == server_team);
  CHECK((*s.get("clinic_day", day))["team_id"] == server_team);
  CHECK_FALSE(s.get("team", offline));
  CHECK(s.db().execAndGet("SELECT count(*) FROM outbox WHERE entity = 'team'").getInt() == 0);
  // The member and the day still go out, now under the server's team.
  CHECK(s.db().execAndGet("SELECT count(*) FROM outbox WHERE entity IN ('member','clinic_day')").getInt() == 2);
  const auto t = current_team(s);
  REQUIRE(t);
  CHECK(t->id == server_team);
  CHECK(t->enrolled);
  CHECK(t->stations == std::vector<std::string>{"内科"});
  // Again: nothing to do.
  CHECK(attach_to_server_team(s, server_team) == 0);
}
