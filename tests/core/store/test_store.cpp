// The offline record store (core/store.h) and the entity descriptors it is
// driven by (core/entities.h).

#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/store/entities.h"
#include "core/base/hlc.h"
#include "core/domain/search.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "core/domain/validate.h"
#include "tests/core/helpers.h"

using namespace yz;
using yz_test::count_rows;
using yz_test::first_error;
using yz_test::has_error;
using yz_test::make_id;
using yz_test::make_id_with_x;
using yz_test::validation_errors;

namespace {

// A device clock safely after any build date, so that Store::today() is the
// clock's date and the tests do not depend on when they were compiled.
constexpr const char* kToday = "2030-01-15";
const int64_t kNow = ms_of_date(kToday) + 9 * 3600 * 1000;  // 09:00 in Beijing

struct Fixture {
  ManualClock clock{kNow};
  IdSource ids{1234};
  Store store = open_store(":memory:", StoreOptions{&clock, &ids, "nurse-1", true});

  SQLite::Database& db() { return store.db(); }

  std::string team() { return store.create("team", {{"name", "义诊队"}}); }
  std::string household() { return store.create("household", {{"village_code", "540102001001"}}); }
  std::string patient(const std::string& name = "张小明", json extra = json::object()) {
    json f = {{"name", name}, {"sex", "M"}, {"birth_date", "1980-05-06"}};
    f.update(extra);
    return store.create("patient", f);
  }
};

// Row counts of every table a write touches, and the persisted HLC: equal
// snapshots mean nothing was written.
std::map<std::string, std::string> snapshot(Store& s) {
  std::map<std::string, std::string> out;
  for (const auto* e : entities()) out[std::string(e->name)] = std::to_string(count_rows(s.db(), std::string(e->name)));
  for (const char* t : {"outbox", "audit", "field_clock", "patient_key"}) out[t] = std::to_string(count_rows(s.db(), t));
  out["hlc setting"] = s.setting("hlc").value_or("(none)");
  return out;
}

// Rows changed by the writer connection so far, rolled back ones included:
// unchanged means no write was even attempted.
long long changes(Store& s) { return s.db().execAndGet("SELECT total_changes()").getInt64(); }

json outbox_last(Store& s) {
  SQLite::Statement q(s.db(), "SELECT entity, record_id, op, hlc, fields FROM outbox ORDER BY seq DESC LIMIT 1");
  REQUIRE(q.executeStep());
  json r = {{"entity", q.getColumn(0).getString()},
            {"record_id", q.getColumn(1).getString()},
            {"op", q.getColumn(2).getString()},
            {"hlc", q.getColumn(3).getString()},
            {"fields", q.getColumn(4).isNull() ? json(nullptr) : json::parse(q.getColumn(4).getString())}};
  return r;
}

json audit_last(Store& s) {
  SQLite::Statement q(s.db(), "SELECT actor, action, entity, record_id, hlc, detail, at_ms FROM audit "
                              "ORDER BY rid DESC LIMIT 1");
  REQUIRE(q.executeStep());
  return {{"actor", q.getColumn(0).getString()},  {"action", q.getColumn(1).getString()},
          {"entity", q.getColumn(2).getString()}, {"record_id", q.getColumn(3).getString()},
          {"hlc", q.getColumn(4).getString()},    {"detail", q.getColumn(5).getString()},
          {"at_ms", q.getColumn(6).getInt64()}};
}

std::string random_uuid() {
  static IdSource ids(777);
  return ids.next(0);
}

}  // namespace

// ---- descriptors and schema agree ------------------------------------------------

TEST_CASE("entities: every record kind of DESIGN.md §4 is described, in dependency order") {
  const std::vector<std::string> expected = {"team",      "member",    "device",      "place",    "clinic_day",
                                             "household", "patient",   "home_visit",  "encounter", "observation",
                                             "dispense",  "screening", "referral",    "follow_up"};
  REQUIRE(entities().size() == expected.size());
  std::map<std::string, size_t> pos;
  for (size_t i = 0; i < entities().size(); ++i) {
    CHECK(entities()[i]->name == expected[i]);
    pos[std::string(entities()[i]->name)] = i;
    CHECK(find_entity(expected[i]) == entities()[i]);
  }
  CHECK(find_entity("audit") == nullptr);
  CHECK(find_entity("") == nullptr);
  for (const auto* e : entities()) {
    std::set<std::string_view> names;
    for (const auto& f : e->fields) {
      CAPTURE(e->name);
      CAPTURE(f.name);
      CHECK(names.insert(f.name).second);  // unique field names
      CHECK(e->field(f.name) == &f);
      if (f.type == FieldType::ref || f.type == FieldType::id_list) {
        REQUIRE(pos.count(std::string(f.extra)) == 1);
        // Refers only to earlier kinds, or to its own (a correction names
        // the encounter it supersedes, which was written before it).
        CHECK((pos[std::string(f.extra)] < pos[std::string(e->name)] || f.extra == e->name));
      }
      if (f.type == FieldType::option && !f.fallback.empty()) {
        const std::string opts = "|" + std::string(f.extra) + "|";
        CHECK(opts.find("|" + std::string(f.fallback) + "|") != std::string::npos);
      }
      if (e->append_only) CHECK_FALSE(f.editable);
    }
    CHECK(e->field("no_such_field") == nullptr);
  }
  for (const char* kind : {"encounter", "observation", "dispense", "screening"}) CHECK(find_entity(kind)->append_only);
  for (const char* kind : {"patient", "referral", "follow_up", "clinic_day"}) CHECK_FALSE(find_entity(kind)->append_only);
}

TEST_CASE("schema: every field of every EntitySpec is a column of its table, and vice versa") {
  Fixture fx;
  for (const auto* e : entities()) {
    CAPTURE(e->name);
    struct Col {
      bool notnull;
    };
    std::map<std::string, Col> cols;
    SQLite::Statement q(fx.db(), "PRAGMA table_info(" + std::string(e->name) + ")");
    while (q.executeStep()) cols[q.getColumn("name").getString()] = {q.getColumn("notnull").getInt() != 0};
    REQUIRE_FALSE(cols.empty());
    for (const char* c : {"rid", "id", "hlc", "deleted"}) CHECK_MESSAGE(cols.count(c) == 1, std::string(c));
    std::set<std::string> fields;
    for (const auto& f : e->fields) {
      const std::string name(f.name);
      CAPTURE(name);
      fields.insert(name);
      REQUIRE(cols.count(name) == 1);
      // A required field is NOT NULL; a NOT NULL column is required or has a fallback.
      if (f.required) CHECK(cols[name].notnull);
      if (cols[name].notnull) CHECK((f.required || !f.fallback.empty()));
    }
    for (const auto& column : cols) {
      const std::string& name = column.first;  // not a structured binding: doctest's message is a lambda
      if (name == "rid" || name == "id" || name == "hlc" || name == "deleted") continue;
      CHECK_MESSAGE(fields.count(name) == 1, "column without a descriptor: ", name);
    }
    // Every ref field is a foreign key to the table of the kind it names.
    std::map<std::string, std::string> fks;
    SQLite::Statement fk(fx.db(), "PRAGMA foreign_key_list(" + std::string(e->name) + ")");
    while (fk.executeStep()) fks[fk.getColumn("from").getString()] = fk.getColumn("table").getString();
    for (const auto& f : e->fields)
      if (f.type == FieldType::ref) CHECK(fks[std::string(f.name)] == f.extra);
  }
}

// ---- create / get round trip for every kind ---------------------------------------

TEST_CASE("store: create/get round trip of every entity kind with every field") {
  Fixture fx;
  Store& s = fx.store;
  std::set<std::string> covered;

  // Create `input`, read it back, and compare every field with `expected`
  // (input values, overridden where the store normalises them).
  auto roundtrip = [&](const std::string& entity, const json& input, const json& overrides = json::object()) {
    CAPTURE(entity);
    const EntitySpec* spec = find_entity(entity);
    REQUIRE(spec != nullptr);
    for (const auto& f : spec->fields) CHECK_MESSAGE(input.contains(std::string(f.name)), "untested field ", f.name);
    const std::string id = s.create(entity, input);
    CHECK(is_uuid(id));
    auto got = s.get(entity, id);
    REQUIRE(got.has_value());
    CHECK((*got)["id"] == id);
    CHECK((*got)["deleted"] == false);
    auto stamp = Hlc::parse((*got)["hlc"].get<std::string>());
    REQUIRE(stamp.has_value());
    CHECK(stamp->node == s.device_id());
    for (const auto& f : spec->fields) {
      const std::string name(f.name);
      CAPTURE(name);
      const json want = overrides.contains(name) ? overrides[name] : input[name];
      CHECK((*got)[name] == want);
    }
    CHECK(got->size() == spec->fields.size() + 3);
    covered.insert(entity);
    return id;
  };

  const std::string team = roundtrip("team", {{"name", "西藏自治区人民医院义诊队"},
                                              {"origin_hospital", "北京协和医院"},
                                              {"area_code", "540100"}});
  const std::string member = roundtrip("member",
                                       {{"team_id", team},
                                        {"name", "卓嘎"},
                                        {"role", "nurse"},
                                        {"specialty", "内科"},
                                        {"phone", "+86 139-0891-0000"},
                                        {"active", false},
                                        {"pin_hash", "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"}},
                                       {{"phone", "13908910000"}});
  roundtrip("device", {{"team_id", team}, {"name", "平板-03"}, {"enrolled_at", "2030-01-10T09:15"}},
            {{"enrolled_at", "2030-01-10 09:15"}});
  roundtrip("place", {{"code", "540102001"},
                      {"name", "八廓街道"},
                      {"level", "township"},
                      {"parent_code", "540102"},
                      {"altitude_m", 3650}});
  const std::string day = roundtrip("clinic_day", {{"date", "2030-01-15"},
                                                   {"place_code", "540102001"},
                                                   {"team_id", team},
                                                   {"kind", "yizhen"},
                                                   {"campaign", "2030 春季巡回医疗"},
                                                   {"stations", {"内科", " 眼科 "}},
                                                   {"staff", {member}},
                                                   {"status", "open"},
                                                   {"notes", "海拔 3650 米，注意高原反应"},
                                                   {"closed_at", "2030-01-15 18:30:00"}},
                                    {{"stations", {"内科", "眼科"}}});
  const std::string household = roundtrip("household", {{"village_code", "540102001001"},
                                                        {"address", "八廓街 12 号"},
                                                        {"head_name", "次仁"},
                                                        {"phone", "0891-6321234"},
                                                        {"notes", "三代同堂"}},
                                          {{"phone", "08916321234"}});
  const std::string idn = make_id("540102", "19680312", "011");
  const std::string patient = roundtrip("patient",
                                        {{"name", "扎西顿珠"},
                                         {"name_native", "བཀྲ་ཤིས་དོན་གྲུབ"},
                                         {"sex", "M"},
                                         {"birth_date", "1968-03-12"},
                                         {"birth_estimated", false},
                                         {"id_number", idn},
                                         {"ethnicity", "4"},
                                         {"phone", "139 0891 1234"},
                                         {"village_code", "540102001001"},
                                         {"household_id", household},
                                         {"consent", true},
                                         {"notes", "高血压病史十年"},
                                         {"merged_into", nullptr}},  // the server's merge alone sets it
                                        {{"ethnicity", "04"}, {"phone", "13908911234"}});
  const std::string visit = roundtrip("home_visit", {{"household_id", household},
                                                    {"clinic_day_id", day},
                                                    {"visit_date", "2030-01-14"},
                                                    {"patients", {patient}},
                                                    {"members", {member}},
                                                    {"services", {"血压测量", "用药指导"}},
                                                    {"notes", "行动不便"}});
  const std::string corrected = s.create("encounter", {{"patient_id", patient}, {"complaint", "头晕"}});
  const std::string encounter = roundtrip("encounter",
                                          {{"patient_id", patient},
                                           {"supersedes_id", corrected},
                                           {"clinic_day_id", day},
                                           {"home_visit_id", visit},
                                           {"station", "内科"},
                                           {"clinician_id", member},
                                           {"seen_at", "2030-01-15 10:20"},
                                           {"complaint", "头晕三天"},
                                           {"diagnoses", {{{"code", " i10 "}, {"name", " 原发性高血压 "}},
                                                          {{"code", "E11.9"}, {"name", "2型糖尿病"}}}},
                                           {"advice", "低盐饮食"},
                                           {"health_education", "高血压健康教育"}},
                                          {{"diagnoses", {{{"code", "I10"}, {"name", "原发性高血压"}},
                                                          {{"code", "E11.9"}, {"name", "2型糖尿病"}}}}});
  roundtrip("observation", {{"patient_id", patient},
                            {"encounter_id", encounter},
                            {"kind", "pulse"},
                            {"value", 72},
                            {"unit", "次/分"},
                            {"taken_at", "2030-01-15 10:25"}},
            {{"unit", "bpm"}, {"value", 72.0}});
  roundtrip("dispense", {{"patient_id", patient},
                         {"encounter_id", encounter},
                         {"clinic_day_id", day},
                         {"home_visit_id", visit},
                         {"item", "硝苯地平缓释片"},
                         {"item_kind", "medicine"},
                         {"quantity", 2},
                         {"unit", "盒"},
                         {"unit_value", 12.5},
                         {"given_at", "2030-01-15 10:40"},
                         {"dose", "30mg"},
                         {"frequency", "qd"}},
            {{"dose", "30 mg"}});
  const std::string screening = roundtrip("screening", {{"patient_id", patient},
                                                        {"program_id", "hypertension"},
                                                        {"program_version", 2},
                                                        {"clinic_day_id", day},
                                                        {"encounter_id", encounter},
                                                        {"answers", {{"sbp", 162}, {"dbp", 98}, {"smoker", true}}},
                                                        {"result", "positive"},
                                                        {"risk_grade", "high"},
                                                        {"next_step", "转上级医院"},
                                                        {"screened_at", "2030-01-15 10:30"},
                                                        {"clinician_id", member}});
  const std::string referral = roundtrip("referral", {{"patient_id", patient},
                                                      {"screening_id", screening},
                                                      {"encounter_id", encounter},
                                                      {"to_facility", "拉萨市人民医院"},
                                                      {"reason", "血压控制不佳"},
                                                      {"urgency", "urgent"},
                                                      {"status", "advised"},
                                                      {"appointment_date", "2030-01-20"},
                                                      {"outcome", "已预约心内科"}});
  roundtrip("follow_up", {{"patient_id", patient},
                          {"screening_id", screening},
                          {"referral_id", referral},
                          {"due_date", "2030-02-15"},
                          {"reason", "复查血压"},
                          {"status", "due"},
                          {"result", "血压 135/85"},
                          {"done_date", "2030-01-15"}});

  CHECK(covered.size() == entities().size());
  // One outbox row and one audit row per create (one per kind, and the
  // encounter a correction supersedes), stamps strictly increasing.
  CHECK(count_rows(fx.db(), "outbox") == 15);
  CHECK(count_rows(fx.db(), "outbox", "op = 'create'") == 15);
  CHECK(count_rows(fx.db(), "audit", "action = 'create' AND actor = 'nurse-1'") == 15);
  SQLite::Statement q(fx.db(), "SELECT hlc FROM outbox ORDER BY seq");
  std::string prev;
  while (q.executeStep()) {
    CHECK(prev < q.getColumn(0).getString());
    prev = q.getColumn(0).getString();
  }
  CHECK(fx.store.setting("hlc") == prev);
}

TEST_CASE("store: optional fields take their defaults") {
  Fixture fx;
  const std::string team = fx.team();
  auto t = fx.store.get("team", team);
  REQUIRE(t.has_value());
  CHECK((*t)["origin_hospital"].is_null());
  CHECK((*t)["area_code"].is_null());

  auto m = fx.store.get("member", fx.store.create("member", {{"team_id", team}, {"name", "李医生"}, {"role", "clinician"}}));
  CHECK((*m)["active"] == true);
  CHECK((*m)["phone"].is_null());

  auto d = fx.store.get("clinic_day", fx.store.create("clinic_day", {{"date", kToday},
                                                                    {"place_code", "540102"},
                                                                    {"team_id", team},
                                                                    {"kind", "circuit"}}));
  CHECK((*d)["status"] == "open");
  CHECK((*d)["staff"].is_null());

  const std::string p = fx.patient();
  auto pj = fx.store.get("patient", p);
  CHECK((*pj)["consent"] == false);
  CHECK((*pj)["birth_estimated"] == false);
  CHECK((*pj)["id_number"].is_null());

  auto r = fx.store.get("referral", fx.store.create("referral", {{"patient_id", p}, {"to_facility", "县医院"}, {"reason", "白内障"}}));
  CHECK((*r)["urgency"] == "routine");
  CHECK((*r)["status"] == "advised");

  auto f = fx.store.get("follow_up", fx.store.create("follow_up", {{"patient_id", p}, {"due_date", "2030-03-01"}, {"reason", "复查"}}));
  CHECK((*f)["status"] == "due");

  // Empty and whitespace-only strings count as not given.
  auto q = fx.store.get("patient", fx.patient("王芳", {{"phone", "  "}, {"notes", ""}, {"sex", "F"}}));
  CHECK((*q)["phone"].is_null());
  CHECK((*q)["notes"].is_null());
  CHECK((*q)["sex"] == "F");

  CHECK_FALSE(fx.store.get("patient", random_uuid()).has_value());
  CHECK_FALSE(fx.store.get("no_such_kind", p).has_value());
}

// ---- refusals ----------------------------------------------------------------------

TEST_CASE("store: references to missing or deleted records are refused, naming the field") {
  Fixture fx;
  const std::string missing = random_uuid();
  auto e = first_error([&] { fx.store.create("member", {{"team_id", missing}, {"name", "卓嘎"}, {"role", "nurse"}}); });
  CHECK(e.field == "team_id");
  CHECK(e.code == "ref_missing");
  CHECK(e.args == std::vector<std::string>{"team", missing});

  const std::string team = fx.team();
  const std::string member = fx.store.create("member", {{"team_id", team}, {"name", "卓嘎"}, {"role", "nurse"}});
  auto l = first_error([&] {
    fx.store.create("clinic_day", {{"date", kToday},
                                   {"place_code", "540102"},
                                   {"team_id", team},
                                   {"kind", "yizhen"},
                                   {"staff", {member, missing}}});
  });
  CHECK(l.field == "staff");
  CHECK(l.code == "ref_missing");

  // A reference to a record of another kind is missing too.
  auto k = first_error([&] { fx.store.create("encounter", {{"patient_id", team}, {"seen_at", "2030-01-15 10:00"}}); });
  CHECK(k.field == "patient_id");
  CHECK(k.code == "ref_missing");

  // Not an id at all.
  auto u = first_error([&] { fx.store.create("member", {{"team_id", "team-1"}, {"name", "卓嘎"}, {"role", "nurse"}}); });
  CHECK(u.field == "team_id");
  CHECK(u.code == "bad_uuid");

  // Upper-case ids are accepted and stored lower-case.
  std::string upper = team;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::string m2 = fx.store.create("member", {{"team_id", upper}, {"name", "次仁"}, {"role", "nurse"}});
  CHECK((*fx.store.get("member", m2))["team_id"] == team);

  // After the team is deleted, new references to it are refused.
  fx.store.remove("team", team);
  auto d = first_error([&] { fx.store.create("member", {{"team_id", team}, {"name", "达瓦"}, {"role", "nurse"}}); });
  CHECK(d.field == "team_id");
  CHECK(d.code == "ref_missing");
}

TEST_CASE("store: required fields, unknown fields and bad values are refused with their field") {
  Fixture fx;
  auto r = validation_errors([&] { fx.store.create("team", json::object()); });
  CHECK(has_error(r, "name", "required"));

  auto p = validation_errors([&] { fx.store.create("patient", {{"sex", "M"}, {"birth_date", "1980-01-01"}}); });
  CHECK(has_error(p, "name", "required"));
  auto pb = validation_errors([&] { fx.store.create("patient", {{"name", "张三"}, {"sex", "M"}}); });
  CHECK(has_error(pb, "birth_date", "required"));

  auto u = first_error([&] { fx.store.create("team", {{"name", "队"}, {"colour", "red"}}); });
  CHECK(u.field == "colour");
  CHECK(u.code == "unknown_field");

  auto en = first_error([&] { fx.store.create("spaceship", {{"name", "x"}}); });
  CHECK(en.field == "entity");
  auto nj = first_error([&] { fx.store.create("team", json::array({"x"})); });
  CHECK(nj.field == "fields");
  CHECK(nj.code == "bad_type");

  // Several problems at once are all reported.
  auto many = validation_errors([&] {
    fx.store.create("patient", {{"name", "张三"}, {"sex", "X"}, {"birth_date", "1990-02-30"}, {"phone", "123"}});
  });
  CHECK(has_error(many, "sex", "bad_option"));
  CHECK(has_error(many, "birth_date", "bad_date"));
  CHECK(has_error(many, "phone", "phone"));

  const std::string team = fx.team();
  CHECK(first_error([&] { fx.store.create("member", {{"team_id", team}, {"name", "李"}, {"role", "doctor"}}); }).code ==
        "bad_option");
  // Lengths are in characters, not bytes: 50 汉字 (150 bytes) fit, 51 do not.
  std::string fifty;
  for (int i = 0; i < 50; ++i) fifty += "张";
  CHECK_NOTHROW(fx.patient(fifty));
  auto tl = first_error([&] { fx.patient(fifty + "张"); });
  CHECK(tl.field == "name");
  CHECK(tl.code == "too_long");
  CHECK(tl.args == std::vector<std::string>{"50"});
  CHECK(first_error([&] { fx.patient("张三", {{"birth_date", "2030-01-16"}}); }).code == "date_future");
  CHECK(first_error([&] { fx.patient("张三", {{"birth_date", "1899-12-31"}}); }).code == "date_too_old");
  CHECK(first_error([&] { fx.patient("张三", {{"consent", "maybe"}}); }).field == "consent");
  CHECK((*fx.store.get("patient", fx.patient("张三", {{"consent", "是"}})))["consent"] == true);
  CHECK(first_error([&] { fx.patient("张三", {{"ethnicity", "57"}}); }).field == "ethnicity");
  CHECK(first_error([&] { fx.patient("张三", {{"village_code", "123"}}); }).field == "village_code");
  CHECK(first_error([&] { fx.patient("张三", {{"notes", json::array()}}); }).code == "bad_type");

  auto place = [&](json f) { return first_error([&] { fx.store.create("place", f); }); };
  CHECK(place({{"code", "540102"}, {"name", "村"}, {"level", "village"}}).code == "place_level");
  CHECK(place({{"code", "540102001001"}, {"name", "村"}, {"level", "village"}, {"altitude_m", "high"}}).code ==
        "bad_number");
  CHECK(place({{"code", "540102001001"}, {"name", "村"}, {"level", "village"}, {"altitude_m", 3650.5}}).code ==
        "bad_number");
  CHECK_NOTHROW(fx.store.create("place", {{"code", "540102001001"}, {"name", "村"}, {"level", "village"}, {"altitude_m", "3650"}}));

  const std::string pt = fx.patient();
  auto enc = [&](json f) {
    f["patient_id"] = pt;
    if (!f.contains("seen_at")) f["seen_at"] = "2030-01-15 10:00";
    return first_error([&] { fx.store.create("encounter", f); });
  };
  CHECK(enc({{"seen_at", "yesterday"}}).code == "bad_datetime");
  CHECK(enc({{"diagnoses", {{{"code", "X1"}, {"name", "?"}}}}}).code == "icd10");
  CHECK(enc({{"diagnoses", {{{"code", "I10"}}}}}).code == "diagnosis");
  CHECK(enc({{"diagnoses", "I10"}}).code == "bad_type");

  auto disp = [&](json f) {
    json base = {{"item", "阿司匹林"}, {"item_kind", "medicine"}, {"quantity", 1}, {"unit", "盒"},
                 {"unit_value", 5}, {"given_at", "2030-01-15 10:00"}};
    base.update(f);
    return first_error([&] { fx.store.create("dispense", base); });
  };
  CHECK(disp({{"quantity", 0}}).field == "quantity");
  CHECK(disp({{"quantity", 0}}).code == "not_positive");
  CHECK(disp({{"unit_value", -1}}).code == "negative");
  CHECK(disp({{"quantity", "two"}}).code == "bad_number");

  auto scr = [&](json f) {
    json base = {{"patient_id", pt}, {"program_id", "diabetes"}, {"program_version", 1}, {"result", "negative"},
                 {"screened_at", "2030-01-15 10:00"}};
    base.update(f);
    return first_error([&] { fx.store.create("screening", base); });
  };
  CHECK(scr({{"answers", json::array({1, 2})}}).code == "bad_type");
  CHECK(scr({{"result", "unknown"}}).code == "bad_option");
}

TEST_CASE("store: observations check kind, unit and plausible range, unit aliases are canonicalised") {
  Fixture fx;
  const std::string p = fx.patient();
  auto obs = [&](const std::string& kind, json value, const std::string& unit) {
    return fx.store.create("observation",
                           {{"patient_id", p}, {"kind", kind}, {"value", value}, {"unit", unit}, {"taken_at", "2030-01-15 10:00"}});
  };
  CHECK((*fx.store.get("observation", obs("temperature", 36.8, "℃")))["unit"] == "°C");
  CHECK((*fx.store.get("observation", obs("pulse", "88", "次/分")))["unit"] == "bpm");
  CHECK((*fx.store.get("observation", obs("pulse", "88", "次/分")))["value"] == 88.0);
  CHECK((*fx.store.get("observation", obs("spo2", 82, "%")))["value"] == 82.0);  // plateau value
  auto low = first_error([&] { obs("spo2", 40, "%"); });
  CHECK(low.field == "value");
  CHECK(low.code == "out_of_range");
  auto high = first_error([&] { obs("sbp", 400, "mmHg"); });
  CHECK(high.field == "value");
  CHECK(first_error([&] { obs("sbp", 120, "kPa"); }).field == "unit");
  CHECK(first_error([&] { obs("bmi", 22, "kg/m2"); }).field == "kind");
  CHECK(first_error([&] { obs("sbp", "abc", "mmHg"); }).code == "bad_number");
}

// ---- patients: 身份证, age, duplicates ---------------------------------------------------

TEST_CASE("store: a 身份证 number fills birth date and sex, and must agree with given ones") {
  Fixture fx;
  const std::string male = make_id("542621", "19750817", "031");
  const std::string female = make_id("650102", "19920229", "046");
  auto m = fx.store.get("patient", fx.store.create("patient", {{"name", "次仁"}, {"id_number", male}}));
  CHECK((*m)["birth_date"] == "1975-08-17");
  CHECK((*m)["sex"] == "M");
  CHECK((*m)["birth_estimated"] == false);
  auto f = fx.store.get("patient", fx.store.create("patient", {{"name", "古丽"}, {"id_number", female}}));
  CHECK((*f)["birth_date"] == "1992-02-29");
  CHECK((*f)["sex"] == "F");

  const std::string other = make_id("540102", "19800101", "013");
  auto s = first_error([&] { fx.store.create("patient", {{"name", "卓玛"}, {"sex", "F"}, {"id_number", other}}); });
  CHECK(s.field == "sex");
  CHECK(s.code == "id_says_male");
  const std::string other_f = make_id("540102", "19800101", "024");
  auto s2 = first_error([&] { fx.store.create("patient", {{"name", "扎西"}, {"sex", "M"}, {"id_number", other_f}}); });
  CHECK(s2.field == "sex");
  CHECK(s2.code == "id_says_female");

  auto b = first_error([&] {
    fx.store.create("patient", {{"name", "卓玛"}, {"birth_date", "1980-01-02"}, {"id_number", other_f}});
  });
  CHECK(b.field == "birth_date");
  CHECK(b.code == "id_birth_mismatch");
  CHECK(b.args == std::vector<std::string>{"1980-01-01"});

  // Agreeing values are fine.
  CHECK_NOTHROW(fx.store.create("patient", {{"name", "卓玛"}, {"sex", "F"}, {"birth_date", "1980-01-01"}, {"id_number", other_f}}));

  // A bad number is refused with its own problem.
  std::string wrong = male;
  wrong[17] = wrong[17] == '0' ? '1' : '0';
  auto w = first_error([&] { fx.store.create("patient", {{"name", "次仁"}, {"id_number", wrong}}); });
  CHECK(w.field == "id_number");
  CHECK(w.code == "id_checksum");
  // A number whose birth date is after the device's today.
  auto fut = first_error([&] { fx.store.create("patient", {{"name", "婴儿"}, {"id_number", make_id("540102", "20300116", "011")}}); });
  CHECK(fut.code == "id_birth_future");
}

TEST_CASE("store: age gives an estimated birth date, age and birth date together are refused") {
  Fixture fx;
  auto p = fx.store.get("patient", fx.store.create("patient", {{"name", "多吉"}, {"sex", "M"}, {"age", 40}}));
  CHECK((*p)["birth_date"] == birth_date_from_age(40, kToday));
  CHECK((*p)["birth_date"] == "1990-01-15");
  CHECK((*p)["birth_estimated"] == true);
  auto q = fx.store.get("patient", fx.store.create("patient", {{"name", "拉姆"}, {"sex", "F"}, {"age", "0"}}));
  CHECK((*q)["birth_date"] == kToday);
  CHECK((*q)["birth_estimated"] == true);

  auto both = first_error([&] {
    fx.store.create("patient", {{"name", "多吉"}, {"sex", "M"}, {"age", 40}, {"birth_date", "1990-01-15"}});
  });
  CHECK(both.field == "age");
  CHECK(both.code == "birth_or_age");
  CHECK(first_error([&] { fx.store.create("patient", {{"name", "多吉"}, {"sex", "M"}, {"age", 121}}); }).code ==
        "age_range");
  CHECK(first_error([&] { fx.store.create("patient", {{"name", "多吉"}, {"sex", "M"}, {"age", -1}}); }).code ==
        "age_range");
  CHECK(first_error([&] { fx.store.create("patient", {{"name", "多吉"}, {"sex", "M"}, {"age", "forty"}}); }).field ==
        "age");
  // Age and 身份证 number: the number's exact birth date wins.
  const std::string idn = make_id("540102", "19850505", "015");
  auto r = fx.store.get("patient", fx.store.create("patient", {{"name", "平措"}, {"age", 30}, {"id_number", idn}}));
  CHECK((*r)["birth_date"] == "1985-05-05");
  CHECK((*r)["birth_estimated"] == false);
  // "age" is not a stored field of other kinds.
  CHECK(first_error([&] { fx.store.create("team", {{"name", "队"}, {"age", 3}}); }).code == "unknown_field");
}

TEST_CASE("store: a second live patient with the same 身份证 number is refused") {
  Fixture fx;
  const std::string withx = make_id_with_x("653101", "19790101");
  const std::string first = fx.store.create("patient", {{"name", "阿依古丽"}, {"id_number", withx}});
  CHECK((*fx.store.get("patient", first))["id_number"] == withx);
  std::string lower = withx;
  lower[17] = 'x';
  auto e = first_error([&] { fx.store.create("patient", {{"name", "阿依古丽"}, {"id_number", lower}}); });
  CHECK(e.field == "id_number");
  CHECK(e.code == "duplicate_id");
  CHECK(e.args == std::vector<std::string>{"阿依古丽"});
  CHECK(count_rows(fx.db(), "patient") == 1);

  // Updating the holder itself is not a duplicate.
  CHECK_NOTHROW(fx.store.update("patient", first, {{"phone", "13912345678"}, {"id_number", lower}}));
  // Giving the number to another patient by update is refused.
  const std::string second = fx.patient("王五");
  CHECK(yz_test::has_error(validation_errors([&] { fx.store.update("patient", second, {{"id_number", withx}}); }),
                           "id_number", "duplicate_id"));
  // Once the first is deleted, the number may be registered again.
  fx.store.remove("patient", first);
  CHECK_NOTHROW(fx.store.create("patient", {{"name", "阿依古丽"}, {"id_number", withx}}));
}

// ---- update and remove ----------------------------------------------------------------

TEST_CASE("store: update writes field clocks, an outbox row and an audit row") {
  Fixture fx;
  const std::string id = fx.patient("张小明", {{"phone", "13812345678"}});
  const std::string created_hlc = (*fx.store.get("patient", id))["hlc"];
  fx.clock.advance(1000);
  fx.store.update("patient", id, {{"phone", "139-0000-1111"}});
  auto p = fx.store.get("patient", id);
  CHECK((*p)["phone"] == "13900001111");
  const std::string hlc1 = (*p)["hlc"];
  CHECK(created_hlc < hlc1);
  CHECK(Hlc::parse(hlc1)->wall_ms == kNow + 1000);

  CHECK(count_rows(fx.db(), "field_clock") == 1);
  CHECK(fx.db().execAndGet("SELECT hlc FROM field_clock WHERE entity = 'patient' AND record_id = '" + id +
                           "' AND field = 'phone'").getString() == hlc1);
  json ob = outbox_last(fx.store);
  CHECK(ob["entity"] == "patient");
  CHECK(ob["record_id"] == id);
  CHECK(ob["op"] == "update");
  CHECK(ob["hlc"] == hlc1);
  CHECK(ob["fields"] == json::array({"phone"}));
  json au = audit_last(fx.store);
  CHECK(au["action"] == "update");
  CHECK(au["actor"] == "nurse-1");
  CHECK(au["record_id"] == id);
  CHECK(au["hlc"] == hlc1);
  CHECK(au["at_ms"] == kNow + 1000);
  // Each changed field with its value before and after.
  CHECK(json::parse(au["detail"].get<std::string>()) == json{{"phone", {"13812345678", "13900001111"}}});

  // Two fields at once: both named, in descriptor order; the phone clock moves on.
  fx.store.update("patient", id, {{"phone", "13900002222"}, {"name", "张晓明"}});
  const std::string hlc2 = (*fx.store.get("patient", id))["hlc"];
  CHECK(hlc1 < hlc2);
  CHECK(outbox_last(fx.store)["fields"] == json::array({"name", "phone"}));
  CHECK(count_rows(fx.db(), "field_clock") == 2);
  CHECK(count_rows(fx.db(), "field_clock", "hlc = '" + hlc2 + "'") == 2);
  CHECK(count_rows(fx.db(), "outbox", "op = 'update'") == 2);

  // Clearing an optional field is a change.
  fx.store.update("patient", id, {{"phone", nullptr}});
  CHECK((*fx.store.get("patient", id))["phone"].is_null());
  CHECK(outbox_last(fx.store)["fields"] == json::array({"phone"}));
}

TEST_CASE("store: an update that changes nothing writes nothing") {
  Fixture fx;
  const std::string id = fx.patient("张小明", {{"phone", "13812345678"}, {"ethnicity", "01"}});
  const auto before = snapshot(fx.store);
  const long long changed = changes(fx.store);
  const std::string hlc = (*fx.store.get("patient", id))["hlc"];
  fx.clock.advance(5000);
  fx.store.update("patient", id, {{"phone", "+86 138-1234-5678"}, {"ethnicity", "1"}, {"name", " 张小明 "}});
  fx.store.update("patient", id, json::object());
  CHECK(snapshot(fx.store) == before);
  CHECK(changes(fx.store) == changed);
  CHECK((*fx.store.get("patient", id))["hlc"] == hlc);
}

TEST_CASE("store: updates that are not allowed are refused and write nothing") {
  Fixture fx;
  const std::string team = fx.team();
  const std::string member = fx.store.create("member", {{"team_id", team}, {"name", "卓嘎"}, {"role", "nurse"}});
  const std::string team2 = fx.team();
  const std::string p = fx.patient();
  const std::string enc = fx.store.create("encounter", {{"patient_id", p}, {"seen_at", "2030-01-15 10:00"}});
  const std::string obs = fx.store.create(
      "observation", {{"patient_id", p}, {"kind", "sbp"}, {"value", 150}, {"unit", "mmHg"}, {"taken_at", "2030-01-15 10:00"}});
  const auto before = snapshot(fx.store);

  // Clinical facts are append-only.
  auto o = first_error([&] { fx.store.update("observation", obs, {{"value", 130}}); });
  CHECK(o.field == "value");
  CHECK(o.code == "not_editable");
  CHECK(first_error([&] { fx.store.update("encounter", enc, {{"complaint", "咳嗽"}}); }).code == "not_editable");
  // Fields fixed at creation.
  auto t = first_error([&] { fx.store.update("member", member, {{"team_id", team2}}); });
  CHECK(t.field == "team_id");
  CHECK(t.code == "not_editable");
  CHECK(first_error([&] { fx.store.update("patient", p, {{"blood_type", "A"}}); }).code == "unknown_field");
  CHECK(first_error([&] { fx.store.update("patient", p, {{"phone", "123"}}); }).code == "phone");
  CHECK(first_error([&] { fx.store.update("patient", p, {{"name", nullptr}}); }).code == "required");
  CHECK(first_error([&] { fx.store.update("patient", p, {{"birth_date", "2031-01-01"}}); }).code == "date_future");
  CHECK_THROWS_AS(fx.store.update("patient", random_uuid(), {{"phone", "13812345678"}}), NotFound);
  CHECK_THROWS_AS(fx.store.update("team", p, {{"name", "x"}}), NotFound);  // an id of another kind
  CHECK(snapshot(fx.store) == before);
  CHECK((*fx.store.get("observation", obs))["value"] == 150.0);
}

TEST_CASE("store: remove makes a tombstone, an outbox delete and an audit row") {
  Fixture fx;
  const std::string p = fx.patient("张小明", {{"phone", "13812345678"}});
  const std::string hlc = (*fx.store.get("patient", p))["hlc"];
  CHECK(search_patients(fx.db(), "zhangxiaoming").size() == 1);
  fx.store.remove("patient", p);
  auto g = fx.store.get("patient", p);
  REQUIRE(g.has_value());  // the row is kept
  CHECK((*g)["deleted"] == true);
  CHECK((*g)["name"] == "张小明");
  CHECK(hlc < (*g)["hlc"].get<std::string>());
  json ob = outbox_last(fx.store);
  CHECK(ob["op"] == "delete");
  CHECK(ob["record_id"] == p);
  CHECK(ob["hlc"] == (*g)["hlc"]);
  CHECK(ob["fields"].is_null());
  CHECK(audit_last(fx.store)["action"] == "delete");
  CHECK(count_rows(fx.db(), "patient") == 1);
  CHECK(count_rows(fx.db(), "patient_key") == 0);
  CHECK(search_patients(fx.db(), "zhangxiaoming").empty());

  CHECK_THROWS_AS(fx.store.remove("patient", p), NotFound);
  CHECK_THROWS_AS(fx.store.update("patient", p, {{"phone", "13900000000"}}), NotFound);
  CHECK_THROWS_AS(fx.store.remove("patient", random_uuid()), NotFound);
  // Append-only facts can still be retracted by a tombstone.
  const std::string p2 = fx.patient("李四");
  const std::string obs = fx.store.create(
      "observation", {{"patient_id", p2}, {"kind", "sbp"}, {"value", 150}, {"unit", "mmHg"}, {"taken_at", "2030-01-15 10:00"}});
  fx.store.remove("observation", obs);
  CHECK((*fx.store.get("observation", obs))["deleted"] == true);
}

// ---- atomicity ----------------------------------------------------------------------

TEST_CASE("store: a refused save writes nothing") {
  Fixture fx;
  fx.patient("张小明");
  const auto before = snapshot(fx.store);
  const long long changed = changes(fx.store);
  CHECK_THROWS_AS(fx.store.create("patient", {{"name", "李四"}, {"sex", "M"}, {"birth_date", "1980-02-30"}}),
                  ValidationError);
  CHECK_THROWS_AS(fx.store.create("patient", {{"name", "李四"}, {"sex", "M"}, {"birth_date", "1980-01-01"},
                                              {"household_id", random_uuid()}}),
                  ValidationError);
  CHECK_THROWS_AS(fx.store.create("observation", {{"patient_id", random_uuid()}, {"kind", "sbp"}, {"value", 120},
                                                  {"unit", "mmHg"}, {"taken_at", "2030-01-15 10:00"}}),
                  ValidationError);
  CHECK(snapshot(fx.store) == before);
  CHECK(changes(fx.store) == changed);
  CHECK(count_rows(fx.db(), "patient") == 1);
  CHECK(count_rows(fx.db(), "outbox") == 1);
  CHECK(count_rows(fx.db(), "audit") == 1);
}

TEST_CASE("store: transact saves all writes or none") {
  Fixture fx;
  const std::string existing = fx.patient("张小明");
  const auto before = snapshot(fx.store);
  const std::string hlc_before = fx.store.setting("hlc").value();

  SUBCASE("an exception after two creates rolls both back, with their outbox and audit rows") {
    std::string a, b;
    CHECK_THROWS_WITH_AS(fx.store.transact([&](Writer& w) {
      a = w.create("patient", {{"name", "李四"}, {"sex", "M"}, {"birth_date", "1970-01-01"}});
      b = w.create("encounter", {{"patient_id", a}, {"seen_at", "2030-01-15 10:00"}});
      w.update("patient", existing, {{"phone", "13812345678"}});
      throw std::runtime_error("power cut");
    }), "power cut", std::runtime_error);
    CHECK_FALSE(a.empty());
    CHECK_FALSE(fx.store.get("patient", a).has_value());
    CHECK_FALSE(fx.store.get("encounter", b).has_value());
    CHECK((*fx.store.get("patient", existing))["phone"].is_null());
    CHECK(count_rows(fx.db(), "outbox", "record_id IN ('" + a + "','" + b + "')") == 0);
    CHECK(count_rows(fx.db(), "audit", "record_id IN ('" + a + "','" + b + "')") == 0);
    CHECK(search_patients(fx.db(), "lisi").empty());
  }
  SUBCASE("a validation error in the second write rolls back the first") {
    std::string a;
    CHECK_THROWS_AS(fx.store.transact([&](Writer& w) {
      a = w.create("patient", {{"name", "李四"}, {"sex", "M"}, {"birth_date", "1970-01-01"}});
      w.create("observation", {{"patient_id", a}, {"kind", "spo2"}, {"value", 40}, {"unit", "%"},
                               {"taken_at", "2030-01-15 10:00"}});
    }), ValidationError);
    CHECK_FALSE(fx.store.get("patient", a).has_value());
  }
  SUBCASE("a failing remove after an update rolls back the update") {
    CHECK_THROWS_AS(fx.store.transact([&](Writer& w) {
      w.update("patient", existing, {{"phone", "13812345678"}});
      w.remove("patient", random_uuid());
    }), NotFound);
    CHECK((*fx.store.get("patient", existing))["phone"].is_null());
  }
  SUBCASE("a nested transaction is refused and the outer one rolls back") {
    CHECK_THROWS_AS(fx.store.transact([&](Writer& w) {
      w.create("team", {{"name", "队"}});
      fx.store.create("team", {{"name", "另一队"}});
    }), StoreError);
  }
  CHECK(snapshot(fx.store) == before);
  CHECK(fx.store.setting("hlc") == hlc_before);

  // The store is usable afterwards and its clock still moves forward.
  const std::string after = fx.patient("王五");
  CHECK(hlc_before < (*fx.store.get("patient", after))["hlc"].get<std::string>());
}

TEST_CASE("store: transact commits several writes, later ones referring to earlier ones") {
  Fixture fx;
  std::string p, e, o;
  fx.store.transact([&](Writer& w) {
    p = w.create("patient", {{"name", "李四"}, {"sex", "M"}, {"birth_date", "1970-01-01"}});
    e = w.create("encounter", {{"patient_id", p}, {"seen_at", "2030-01-15 10:00"}});
    o = w.create("observation", {{"patient_id", p}, {"encounter_id", e}, {"kind", "sbp"}, {"value", 150},
                                 {"unit", "mmHg"}, {"taken_at", "2030-01-15 10:00"}});
    w.update("patient", p, {{"phone", "13812345678"}});
  });
  CHECK(fx.store.get("patient", p).has_value());
  CHECK((*fx.store.get("patient", p))["phone"] == "13812345678");
  CHECK((*fx.store.get("observation", o))["encounter_id"] == e);
  CHECK(count_rows(fx.db(), "outbox") == 4);
  // The persisted clock is the last stamp handed out.
  CHECK(fx.store.setting("hlc") == (*fx.store.get("patient", p))["hlc"].get<std::string>());
}

// ---- clocks, ids, persistence ---------------------------------------------------------

TEST_CASE("store: a device clock at 1970 still accepts a patient born in 1980") {
  ManualClock clock(0);
  IdSource ids(1);
  Store s = open_store(":memory:", StoreOptions{&clock, &ids});
  CHECK(s.today() >= "2026-11-01");  // floored to the build date, not 1970-01-01
  const std::string p = s.create("patient", {{"name", "张三"}, {"sex", "M"}, {"birth_date", "1980-01-01"}});
  CHECK((*s.get("patient", p))["birth_date"] == "1980-01-01");
  CHECK_NOTHROW(s.create("patient", {{"name", "李四"}, {"sex", "F"}, {"birth_date", "2026-01-01"}}));
  CHECK_NOTHROW(s.create("patient", {{"name", "王五"}, {"id_number", make_id("540102", "19800101", "011")}}));
  // Stamps still increase while the wall clock stands still at 0.
  SQLite::Statement q(s.db(), "SELECT hlc FROM outbox ORDER BY seq");
  std::string prev;
  while (q.executeStep()) {
    CHECK(prev < q.getColumn(0).getString());
    prev = q.getColumn(0).getString();
  }
}

TEST_CASE("store: today never goes back before the last stamp seen") {
  Fixture fx;
  CHECK(fx.store.today() == kToday);
  fx.patient();
  fx.clock.set(0);
  CHECK(fx.store.today() == kToday);
  CHECK(fx.store.now_ms() == 0);
  fx.clock.set(ms_of_date("2030-03-01"));
  CHECK(fx.store.today() == "2030-03-01");
}

TEST_CASE("store: opening waits while another process holds the database, rather than failing as locked") {
  // Regression: the busy timeout was set after the journal mode, so an admin
  // verb opening the server's database while the server held a lock failed
  // at once with "database is locked".
  yz_test::TempPath path;
  { open_store(path.str()); }
  SQLite::Database holder(path.str(), SQLite::OPEN_READWRITE);
  holder.exec("SELECT 1 FROM sqlite_master");  // into WAL first, so the lock can be released later
  holder.exec("PRAGMA locking_mode = EXCLUSIVE");
  holder.exec("BEGIN EXCLUSIVE");
  holder.exec("CREATE TABLE held (x)");  // an exclusive lock, released by the thread below
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    holder.exec("ROLLBACK");
    holder.exec("PRAGMA locking_mode = NORMAL");
    holder.exec("SELECT 1 FROM sqlite_master");  // a read drops the exclusive lock
  });
  std::optional<Store> s;
  CHECK_NOTHROW(s.emplace(open_store(path.str())));
  release.join();
  if (s) CHECK(s->device_id().size() == 36);
}

TEST_CASE("store: device id and clock persist across reopen, a later 1970 clock stays ordered") {
  yz_test::TempPath path;
  std::string device, hlc, p;
  {
    ManualClock clock(kNow);
    Store s = open_store(path.str(), StoreOptions{&clock});
    device = s.device_id();
    CHECK(is_uuid(device));
    CHECK(s.path() == path.str());
    p = s.create("patient", {{"name", "张小明"}, {"sex", "M"}, {"birth_date", "1980-05-06"}});
    hlc = (*s.get("patient", p))["hlc"];
    s.set_setting("sync.cursor", "42");
    s.set_setting("sync.cursor", "43");
  }
  ManualClock clock(0);
  Store s = open_store(path.str(), StoreOptions{&clock});
  CHECK(s.device_id() == device);
  CHECK(s.setting("hlc") == hlc);
  CHECK(s.setting("sync.cursor") == "43");
  CHECK_FALSE(s.setting("no.such.key").has_value());
  CHECK(s.today() == kToday);  // from the last stamp
  CHECK((*s.get("patient", p))["name"] == "张小明");
  const std::string q = s.create("patient", {{"name", "李四"}, {"sex", "M"}, {"birth_date", "1980-05-06"}});
  CHECK(hlc < (*s.get("patient", q))["hlc"].get<std::string>());
  CHECK(s.db().execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(s.db().execAndGet("PRAGMA foreign_keys").getInt() == 1);

  // A reader connection sees committed data and cannot write.
  SQLite::Database r = open_reader(path.str());
  CHECK(count_rows(r, "patient") == 2);
  CHECK(search_patients(r, "lisi").size() == 1);
  CHECK_THROWS(r.exec("DELETE FROM patient"));
}

TEST_CASE("store: ids are deterministic with a seeded IdSource and a ManualClock") {
  auto run = [](uint64_t seed) {
    ManualClock clock(kNow);
    IdSource ids(seed);
    Store s = open_store(":memory:", StoreOptions{&clock, &ids});
    const std::string p = s.create("patient", {{"name", "张三"}, {"sex", "M"}, {"birth_date", "1980-01-01"}});
    return std::make_pair(s.device_id(), p + "|" + (*s.get("patient", p))["hlc"].get<std::string>());
  };
  CHECK(run(9) == run(9));
  CHECK(run(9) != run(10));
}

TEST_CASE("store: audit can be turned off, the outbox is always written") {
  ManualClock clock(kNow);
  Store s = open_store(":memory:", StoreOptions{&clock, nullptr, "x", false});
  const std::string t = s.create("team", {{"name", "队"}});
  s.update("team", t, {{"name", "新队"}});
  s.remove("team", t);
  CHECK(count_rows(s.db(), "audit") == 0);
  CHECK(count_rows(s.db(), "outbox") == 3);
}

TEST_CASE("store: clearing a field that has a default by update restores the default") {
  Fixture fx;
  const std::string p = fx.patient("张小明", {{"consent", true}});
  const std::string r = fx.store.create("referral", {{"patient_id", p}, {"to_facility", "县医院"}, {"reason", "白内障"},
                                                     {"urgency", "urgent"}});
  fx.store.update("patient", p, {{"consent", nullptr}});
  CHECK((*fx.store.get("patient", p))["consent"] == false);
  fx.store.update("referral", r, {{"urgency", ""}, {"outcome", "已预约"}});
  auto got = fx.store.get("referral", r);
  CHECK((*got)["urgency"] == "routine");
  CHECK((*got)["outcome"] == "已预约");
  CHECK(outbox_last(fx.store)["fields"] == json::array({"urgency", "outcome"}));
  // Clearing a field that is already at its default changes nothing.
  const auto before = snapshot(fx.store);
  fx.store.update("referral", r, {{"urgency", nullptr}});
  CHECK(snapshot(fx.store) == before);
}

TEST_CASE("store: an update is not blocked by problems of fields it does not touch") {
  Fixture fx;
  const std::string h = fx.household();
  const std::string p = fx.patient("张小明", {{"household_id", h}});
  // The household is removed (here or on another device, arriving by sync).
  fx.store.remove("household", h);
  fx.store.update("patient", p, {{"phone", "13812345678"}});
  CHECK((*fx.store.get("patient", p))["phone"] == "13812345678");
  CHECK((*fx.store.get("patient", p))["household_id"] == h);
  // Pointing it at another deleted record is refused.
  const std::string h2 = fx.household();
  fx.store.remove("household", h2);
  auto e2 = first_error([&] { fx.store.update("patient", p, {{"household_id", h2}}); });
  CHECK(e2.field == "household_id");
  CHECK(e2.code == "ref_missing");

  // Two devices registered the same 身份证 number offline; both arrived by
  // sync before a coordinator merged them. Each stays editable.
  const std::string idn = make_id("540102", "19800506", "011");
  const std::string a = fx.store.create("patient", {{"name", "扎西"}, {"id_number", idn}});
  const std::string b = fx.patient("扎西");
  fx.db().exec("UPDATE patient SET id_number = '" + idn + "' WHERE id = '" + b + "'");  // as sync would apply it
  fx.store.update("patient", b, {{"phone", "13900000000"}});
  fx.store.update("patient", a, {{"phone", "13900000001"}});
  CHECK((*fx.store.get("patient", b))["phone"] == "13900000000");
  // But giving the number to a third patient is still refused.
  const std::string c = fx.patient("次仁");
  CHECK(yz_test::has_error(validation_errors([&] { fx.store.update("patient", c, {{"id_number", idn}}); }), "id_number",
                           "duplicate_id"));
}

TEST_CASE("store: the WAL is checkpointed while writing (no reader snapshot left open)") {
  // Regression: a cached SELECT left mid-result held a read snapshot, so the
  // WAL was never checkpointed; a million-patient import grew it to 16 GB
  // while the database file stayed empty.
  yz_test::TempPath path;
  Store store = open_store(path.str());
  const std::string household = store.create("household", {{"village_code", "540102001001"}});
  for (int i = 0; i < 1500; ++i) {
    store.transact([&](Writer& w) {
      const std::string p = w.create("patient", {{"name", "次仁"}, {"sex", "M"}, {"age", 40}});
      w.update("patient", p, {{"phone", "13908912345"}});  // reads the record back first
    });
    (void)store.get("household", household);
    (void)store.setting("device_id");
  }
  namespace fs = std::filesystem;
  // Checkpoints start at 1000 pages (4 MB) on the checkpointer's thread and,
  // with commits back to back as here, the writer completes one itself at
  // 4 × 1000 pages (core/wal_checkpointer.h); without them the WAL would
  // hold every page ever written.
  CHECK(fs::file_size(path.str() + "-wal") < 20u * 1024 * 1024);
  CHECK(fs::file_size(path.str()) > 256u * 1024);
}

TEST_CASE("store: the generic update refuses a status field, naming it, and writes nothing") {
  Fixture fx;
  const std::string p = fx.patient("张小明");
  const std::string r = fx.store.create("referral", {{"patient_id", p}, {"to_facility", "县医院"}, {"reason", "白内障"}});
  const std::string f = fx.store.create("follow_up", {{"patient_id", p}, {"due_date", "2030-02-15"}, {"reason", "复查"}});
  int statuses = 0;
  for (const auto* e : entities())
    for (const auto& field : e->fields)
      if (field.status) {
        ++statuses;
        CHECK(field.name == "status");
      }
  CHECK(statuses == 3);  // clinic_day, referral, follow_up
  const auto before = snapshot(fx.store);
  // With another editable field beside it: nothing of the update is written.
  for (const auto& [entity, id, to, other] :
       {std::tuple{"referral", r, "contacted", "outcome"}, std::tuple{"follow_up", f, "done", "result"}}) {
    try {
      fx.store.update(entity, id, {{"status", to}, {other, "已联系"}});
      FAIL("a status changed through the generic update");
    } catch (const ValidationError& e) {
      REQUIRE_FALSE(e.errors().empty());
      CHECK(e.errors().front().field == "status");
      CHECK(e.errors().front().code == "status_field");
    }
  }
  CHECK(snapshot(fx.store) == before);
  CHECK((*fx.store.get("follow_up", f))["status"] == "due");
}

// The writer connection has no SQLite mutex (store.cpp): a second thread
// coming into a Store while one is inside it is refused before it touches
// the connection, instead of corrupting memory; calls nested on the same
// thread, and a handover once the first is done, pass.
TEST_CASE("store: a second thread coming in while one is inside is refused with a StoreError") {
  Store s = open_store(":memory:");
  std::atomic<bool> inside{false}, release{false};
  std::thread holder([&] {
    s.transact([&](Writer&) {
      CHECK(s.today().size() == 10);  // nested on the same thread
      inside = true;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
  });
  while (!inside) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK_THROWS_AS(s.setting("x"), StoreError);
  CHECK_THROWS_AS(s.set_setting("x", "1"), StoreError);
  CHECK_THROWS_AS(s.transact([](Writer&) {}), StoreError);
  release = true;
  holder.join();
  s.set_setting("x", "2");  // handed over: this thread now
  CHECK(s.setting("x") == std::optional<std::string>("2"));
}
