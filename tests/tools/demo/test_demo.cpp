// The demo data generator: every record kind, determinism, and data that
// passes the project's own rules (身份证 numbers, vitals, the screening loop).

#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "tools/demo/demo.h"
#include "core/domain/catalogue.h"
#include "core/programs/programs.h"
#include "core/store/entities.h"
#include "core/domain/idcard.h"
#include "core/domain/validate.h"
#include "core/domain/vitals.h"
#include "tests/core/helpers.h"

namespace {

using yz_test::count_rows;
using yz_test::TempPath;

constexpr int kPatients = 300;

// Small demo databases, each made once per process on first use (ctest runs
// every test case in its own process): seed 7 twice and seed 8.
struct Demo {
  TempPath path;
  yz::DemoCounts counts;
  explicit Demo(uint64_t seed) { counts = yz::generate_demo(path.str(), {kPatients, seed}); }
};
const Demo& demo(int which = 0) {
  static std::map<int, Demo> made;
  static constexpr uint64_t kSeeds[] = {7, 7, 8};
  auto it = made.find(which);
  if (it == made.end()) it = made.try_emplace(which, kSeeds[which]).first;
  return it->second;
}

// FNV-1a over every row of every table (schema included), in a fixed order.
uint64_t digest(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&](const std::string& s) {
    for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ULL;
    h = (h ^ 0xFF) * 1099511628211ULL;  // separator
  };
  mix(db.execAndGet("PRAGMA user_version").getString());
  std::map<std::string, std::string> tables;
  {
    SQLite::Statement q(db, "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name");
    while (q.executeStep()) tables[q.getColumn(0).getString()] = q.getColumn(1).getString();
  }
  for (const auto& [name, sql] : tables) {
    mix(name);
    mix(sql);
    SQLite::Statement probe(db, "SELECT * FROM \"" + name + "\" LIMIT 0");
    const int n = probe.getColumnCount();
    std::string order;
    for (int i = 1; i <= n; ++i) order += (i > 1 ? ", " : "") + std::to_string(i);
    SQLite::Statement rows(db, "SELECT * FROM \"" + name + "\" ORDER BY " + order);
    while (rows.executeStep()) {
      for (int i = 0; i < n; ++i) {
        const SQLite::Column col = rows.getColumn(i);
        mix(std::to_string(col.getType()) + (col.isNull() ? std::string() : col.getString()));
      }
    }
  }
  return h;
}

}  // namespace

TEST_CASE("demo: every record kind has rows and the counts are the tables' rows") {
  const Demo& d = demo();
  SQLite::Database db(d.path.str(), SQLite::OPEN_READONLY);
  for (const auto* e : yz::entities()) {
    const std::string kind(e->name);
    CAPTURE(kind);
    REQUIRE(d.counts.created.count(kind) == 1);
    CHECK(d.counts.created.at(kind) > 0);
    CHECK(count_rows(db, kind) == d.counts.created.at(kind));
  }
  CHECK(d.counts.created.at("patient") == kPatients);
  CHECK(count_rows(db, "outbox") >= count_rows(db, "patient"));
  CHECK(count_rows(db, "patient_key") > count_rows(db, "patient"));  // searchable
}

TEST_CASE("demo: the same seed gives identical databases and another seed a different one") {
  const Demo &a = demo(0), &b = demo(1), &c = demo(2);
  CHECK(a.counts.created == b.counts.created);
  CHECK(digest(a.path.str()) == digest(b.path.str()));
  CHECK(digest(a.path.str()) != digest(c.path.str()));
}

TEST_CASE("demo: refuses a patient count below one and a database that holds records") {
  TempPath p;
  CHECK_THROWS_AS(yz::generate_demo(p.str(), {0, 1}), std::invalid_argument);
  const Demo& d = demo();
  const uint64_t before = digest(d.path.str());
  CHECK_THROWS_AS(yz::generate_demo(d.path.str(), {10, 7}), std::invalid_argument);
  CHECK(digest(d.path.str()) == before);
}

TEST_CASE("demo: places are real counties with townships and villages below them") {
  SQLite::Database db(demo().path.str(), SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT name FROM place WHERE code = '540102'").getString() == "城关区");
  CHECK(db.execAndGet("SELECT name FROM place WHERE code = '653131'").getString() == "塔什库尔干塔吉克自治县");
  CHECK(count_rows(db, "place", "level = 'township' AND (length(code) <> 9 OR substr(code, 1, 6) <> parent_code)") == 0);
  CHECK(count_rows(db, "place", "level = 'village' AND (length(code) <> 12 OR substr(code, 1, 9) <> parent_code)") == 0);
  CHECK(count_rows(db, "place", "level = 'village' AND name NOT LIKE '%村'") == 0);
  CHECK(count_rows(db, "place", "level IN ('county', 'township', 'village') AND altitude_m IS NULL") == 0);
  // Every patient lives in a village of the database.
  CHECK(count_rows(db, "patient", "village_code NOT IN (SELECT code FROM place WHERE level = 'village')") == 0);
}

TEST_CASE("demo: 身份证 numbers are valid and agree with sex and birth date") {
  SQLite::Database db(demo().path.str(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT id_number, sex, birth_date, birth_estimated, ethnicity, village_code FROM patient "
                          "WHERE id_number IS NOT NULL");
  int n = 0;
  while (q.executeStep()) {
    ++n;
    const std::string idn = q.getColumn(0).getString();
    CAPTURE(idn);
    const auto r = yz::check_id_number(idn, yz::kDemoReferenceDate);
    REQUIRE(r.info);
    CHECK(std::string(1, r.info->sex) == q.getColumn(1).getString());
    CHECK(r.info->birth_date == q.getColumn(2).getString());
    CHECK(q.getColumn(3).getInt() == 0);
    CHECK(idn[17] == yz_test::gb11643_check(idn.substr(0, 17)));
    // Tibetans and Uyghurs were registered in their own region.
    const std::string eth = q.getColumn(4).getString();
    if (eth == "04" || eth == "05") CHECK(idn.substr(0, 2) == q.getColumn(5).getString().substr(0, 2));
  }
  // About 60 % carry the card number.
  CHECK(n > kPatients * 45 / 100);
  CHECK(n < kPatients * 75 / 100);
  CHECK(count_rows(db, "patient", "id_number IS NULL AND birth_estimated = 1") > kPatients / 5);
}

TEST_CASE("demo: patients look like the villages they come from") {
  SQLite::Database db(demo().path.str(), SQLite::OPEN_READONLY);
  std::set<std::string> codes;
  SQLite::Statement q(db, "SELECT DISTINCT ethnicity FROM patient");
  while (q.executeStep()) codes.insert(q.getColumn(0).getString());
  for (const auto& c : codes) CHECK(std::set<std::string>{"01", "03", "04", "05", "41"}.count(c) == 1);
  // Tibet (54…) is mostly 藏族, Xinjiang (65…) mostly 维吾尔族 or 塔吉克族.
  const auto tibet = count_rows(db, "patient", "village_code LIKE '54%'");
  const auto xinjiang = count_rows(db, "patient", "village_code LIKE '65%'");
  REQUIRE(tibet > 0);
  REQUIRE(xinjiang > 0);
  CHECK(count_rows(db, "patient", "village_code LIKE '54%' AND ethnicity = '04'") * 10 > tibet * 8);
  CHECK(count_rows(db, "patient", "village_code LIKE '65%' AND ethnicity IN ('05', '41')") * 10 > xinjiang * 8);
  CHECK(count_rows(db, "patient", "ethnicity = '05' AND name LIKE '%·%'") > 0);  // 阿依古丽·买买提
  // Ages: many children and many elderly.
  const std::string age = "(julianday('" + std::string(yz::kDemoReferenceDate) + "') - julianday(birth_date)) / 365.25";
  CHECK(count_rows(db, "patient", age + " < 15") > kPatients / 10);
  CHECK(count_rows(db, "patient", age + " >= 60") > kPatients / 5);
  CHECK(count_rows(db, "patient", "sex = 'F'") > kPatients / 3);
  CHECK(count_rows(db, "patient", "sex = 'M'") > kPatients / 3);
}

TEST_CASE("demo: vitals are plausible and SpO2 falls with altitude") {
  SQLite::Database db(demo().path.str(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT kind, value, unit FROM observation");
  int n = 0;
  while (q.executeStep()) {
    ++n;
    const std::string kind = q.getColumn(0).getString(), unit = q.getColumn(2).getString();
    const double value = q.getColumn(1).getDouble();
    CAPTURE(kind);
    CAPTURE(value);
    CHECK_FALSE(yz::check_vital(kind, value, unit));
  }
  CHECK(n > kPatients * 3);
  // Systolic above diastolic in every pair taken together.
  CHECK(count_rows(db, "observation s JOIN observation d ON d.patient_id = s.patient_id AND d.taken_at = s.taken_at",
                   "s.kind = 'sbp' AND d.kind = 'dbp' AND s.value <= d.value") == 0);
  const char* spo2_at = R"SQL(
    SELECT AVG(o.value), COUNT(*) FROM observation o JOIN encounter e ON e.id = o.encounter_id
    JOIN clinic_day c ON c.id = e.clinic_day_id JOIN place p ON p.code = c.place_code
    WHERE o.kind = 'spo2' AND p.altitude_m %s)SQL";
  char high_sql[512], low_sql[512];
  std::snprintf(high_sql, sizeof high_sql, spo2_at, ">= 3500");
  std::snprintf(low_sql, sizeof low_sql, spo2_at, "< 2000");
  SQLite::Statement high(db, high_sql), low(db, low_sql);
  REQUIRE(high.executeStep());
  REQUIRE(low.executeStep());
  if (high.getColumn(1).getInt() >= 20 && low.getColumn(1).getInt() >= 20)
    CHECK(high.getColumn(0).getDouble() < low.getColumn(0).getDouble() - 3);
}

TEST_CASE("demo: screenings use the built-in programs and every positive is followed up") {
  SQLite::Database db(demo().path.str(), SQLite::OPEN_READONLY);
  const std::set<std::string> programs = {"gi-early-cancer", "congenital-heart", "hypertension", "diabetes",
                                          "tuberculosis", "cervical-breast-cancer", "scoliosis", "kashin-beck",
                                          "cataract", "high-risk-pregnancy"};
  SQLite::Statement q(db, "SELECT program_id, program_version, answers FROM screening");
  while (q.executeStep()) {
    CHECK(programs.count(q.getColumn(0).getString()) == 1);
    CHECK(q.getColumn(1).getInt() == 1);
    CHECK(nlohmann::json::parse(q.getColumn(2).getString()).is_object());
  }
  REQUIRE(count_rows(db, "screening", "result = 'positive'") > 0);
  CHECK(count_rows(db, "screening s",
                   "result = 'positive' AND NOT EXISTS (SELECT 1 FROM follow_up f WHERE f.screening_id = s.id)") == 0);
  // Referrals come from positive or suspected screens (or an encounter).
  CHECK(count_rows(db, "referral r",
                   "screening_id IS NOT NULL AND (SELECT result FROM screening s WHERE s.id = r.screening_id) "
                   "NOT IN ('positive', 'suspected')") == 0);
  // The loop moves on: some referrals reached an outcome, some follow-ups are done.
  CHECK(count_rows(db, "referral", "status = 'outcome' AND outcome IS NOT NULL") > 0);
  CHECK(count_rows(db, "follow_up", "status = 'done' AND done_date IS NOT NULL AND result IS NOT NULL") > 0);
  CHECK(count_rows(db, "follow_up", "status = 'due' AND due_date < '" + std::string(yz::kDemoReferenceDate) + "'") < 
        count_rows(db, "follow_up", "status = 'due'"));
  // Eligibility: women only for the two cancers, children for the heart.
  CHECK(count_rows(db, "screening s JOIN patient p ON p.id = s.patient_id",
                   "s.program_id IN ('cervical-breast-cancer', 'high-risk-pregnancy') AND p.sex <> 'F'") == 0);
  CHECK(count_rows(db, "screening s JOIN patient p ON p.id = s.patient_id",
                   "s.program_id = 'congenital-heart' AND julianday(s.screened_at) - julianday(p.birth_date) > 18 * 366") ==
        0);
}

TEST_CASE("demo: clinic days are closed with notes and home visits and dispenses hang together") {
  SQLite::Database db(demo().path.str(), SQLite::OPEN_READONLY);
  CHECK(count_rows(db, "clinic_day", "status <> 'closed' OR notes IS NULL OR closed_at IS NULL") == 0);
  for (const char* kind : {"yizhen", "circuit", "screening", "home_visits"})
    CHECK(count_rows(db, "clinic_day", std::string("kind = '") + kind + "'") > 0);
  CHECK(count_rows(db, "clinic_day", "date < '2025-06-01' OR date >= '" + std::string(yz::kDemoReferenceDate) + "'") == 0);
  // Every home visit sees someone, and those it sees live in its household.
  SQLite::Statement hv(db, "SELECT household_id, patients, services FROM home_visit");
  while (hv.executeStep()) {
    const auto patients = nlohmann::json::parse(hv.getColumn(1).getString());
    REQUIRE(patients.size() > 0);
    CHECK(nlohmann::json::parse(hv.getColumn(2).getString()).size() > 0);
    for (const auto& id : patients) {
      SQLite::Statement p(db, "SELECT household_id FROM patient WHERE id = ?");
      p.bind(1, id.get<std::string>());
      REQUIRE(p.executeStep());
      CHECK(p.getColumn(0).getString() == hv.getColumn(0).getString());
    }
  }
  CHECK(count_rows(db, "encounter", "home_visit_id IS NOT NULL") > 0);
  CHECK(count_rows(db, "dispense", "home_visit_id IS NOT NULL") > 0);
  CHECK(count_rows(db, "dispense", "item_kind = 'device'") > 0);
  CHECK(db.execAndGet("SELECT SUM(quantity * unit_value) FROM dispense").getDouble() > 0);
}

TEST_CASE("demo: stations, clinic-day kinds and items are those of the one catalogue") {
  SQLite::Database db(demo().path.str(), SQLite::OPEN_READONLY);
  // Clinic-day kinds: every one the demo writes, and every one the store accepts.
  std::set<std::string> kinds;
  for (const auto& k : yz::clinic_day_kinds()) kinds.insert(k.id);
  SQLite::Statement dk(db, "SELECT DISTINCT kind FROM clinic_day");
  while (dk.executeStep()) CHECK_MESSAGE(kinds.count(dk.getColumn(0).getString()), dk.getColumn(0).getString());
  const yz::EntitySpec* day = yz::find_entity("clinic_day");
  REQUIRE(day);
  const yz::FieldSpec* kind = day->field("kind");
  REQUIRE(kind);
  std::set<std::string> accepted;
  const std::string opts(kind->extra);
  for (size_t a = 0, b = 0; a <= opts.size(); a = b + 1) {
    b = opts.find('|', a);
    if (b == std::string::npos) b = opts.size();
    accepted.insert(opts.substr(a, b - a));
  }
  CHECK(accepted == kinds);
  // Stations of days and encounters, and of the built-in programs.
  SQLite::Statement ds(db, "SELECT stations FROM clinic_day");
  while (ds.executeStep())
    for (const auto& s : nlohmann::json::parse(ds.getColumn(0).getString()))
      CHECK_MESSAGE(yz::is_station(s.get<std::string>()), s.get<std::string>());
  SQLite::Statement es(db, "SELECT DISTINCT station FROM encounter WHERE station IS NOT NULL");
  while (es.executeStep()) CHECK_MESSAGE(yz::is_station(es.getColumn(0).getString()), es.getColumn(0).getString());
  for (const auto& p : yz::builtin_programs()) CHECK_MESSAGE(yz::is_station(p->station), p->id);
  for (const auto& s : yz::default_stations()) CHECK(yz::is_station(s));
  // Items as the formulary has them (kind, unit and value).
  SQLite::Statement items(db, "SELECT DISTINCT item, item_kind, unit, unit_value FROM dispense");
  int n = 0;
  while (items.executeStep()) {
    ++n;
    const yz::StockItem* s = yz::formulary_item(items.getColumn(0).getString());
    REQUIRE_MESSAGE(s, items.getColumn(0).getString());
    CHECK(s->kind == items.getColumn(1).getString());
    CHECK(s->unit == items.getColumn(2).getString());
    CHECK(s->unit_value == doctest::Approx(items.getColumn(3).getDouble()));
  }
  CHECK(n > 10);
}

TEST_CASE("demo: its programs are exactly the built-in ones, each with a campaign weight") {
  std::set<std::string> builtin;
  for (const auto& p : yz::builtin_programs()) builtin.insert(p->id);
  std::set<std::string> demo;
  for (const auto& [id, weight] : yz::demo_program_weights()) {
    demo.insert(id);
    CHECK(weight >= 0);
  }
  CHECK(demo == builtin);
  CHECK_NOTHROW(yz::check_demo_programs());
}
