// Strings, command line, keypad, draft timing, ICD-10 list, summary rows,
// code points: the small pieces of view logic.
#include <doctest/doctest.h>

// GCC 12 reports a false -Wrestrict inside std::string when it inlines
// string concatenation (GCC bug 105329).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <algorithm>
#include <cstring>

#include "app/yizhen/model/catalog.h"
#include "app/yizhen/model/drafts.h"
#include "app/yizhen/model/keypad.h"
#include "app/yizhen/model/options.h"
#include "app/yizhen/model/summary.h"
#include "app/yizhen/model/vital_series.h"
#include "app/yizhen/strings.h"
#include "core/queries/field_queries.h"
#include "core/domain/icd10.h"
#include "core/domain/validate.h"

using namespace yz;
using namespace yz::app;

TEST_CASE("both string tables hold every key") {
  CHECK(missing_keys(Lang::zh).empty());
  CHECK(missing_keys(Lang::en).empty());
  CHECK(std::strcmp(tr(S::nav_patients, Lang::zh), "患者") == 0);
  CHECK(std::strcmp(tr(S::nav_patients, Lang::en), "Patients") == 0);
  set_ui_lang(Lang::en);
  CHECK(trf(S::pd_results, 3, 1.5) == "3 patients (1.5 ms)");
  set_ui_lang(Lang::zh);
}

TEST_CASE("command line: the contract and its errors") {
  std::string err;
  Options o = parse_options({"--db", "/tmp/x.db", "--lang", "en", "--scale", "1.5"}, err);
  CHECK(err.empty());
  CHECK(o.db == "/tmp/x.db");
  CHECK(*o.lang == "en");
  CHECK(*o.scale == doctest::Approx(1.5));
  o = parse_options({"--screenshot", "a.png", "--frames", "5", "--size", "800x1280", "--screen", "patients"}, err);
  CHECK(err.empty());
  CHECK(o.width == 800);
  CHECK(o.height == 1280);
  CHECK(o.frames == 5);
  parse_options({"--lang", "fr"}, err);
  CHECK(err.find("--lang") != std::string::npos);
  parse_options({"--size", "big"}, err);
  CHECK(err.find("--size") != std::string::npos);
  parse_options({"--db"}, err);
  CHECK(err.find("--db") != std::string::npos);
  parse_options({"--bogus"}, err);
  CHECK(err.find("--bogus") != std::string::npos);
  parse_options({"--scale", "9"}, err);
  CHECK(err.find("--scale") != std::string::npos);
  parse_options({"--frames", "0"}, err);
  CHECK(err.find("--frames") != std::string::npos);
  o = parse_options({"--help"}, err);
  CHECK(err.empty());
  CHECK(o.help);
  CHECK(usage().find("--screenshot") != std::string::npos);
}

TEST_CASE("keypad presses") {
  std::string v;
  CHECK(keypad_press(v, '1'));
  CHECK(keypad_press(v, '2'));
  CHECK(keypad_press(v, '.'));
  CHECK_FALSE(keypad_press(v, '.'));
  CHECK(keypad_press(v, '5'));
  CHECK(v == "12.5");
  CHECK(keypad_press(v, 'B'));
  CHECK(v == "12.");
  CHECK(keypad_press(v, 'C'));
  CHECK(v.empty());
  CHECK(keypad_press(v, '.'));
  CHECK(v == "0.");
  v = std::string(1, '0');  // not v = "0": GCC 12 -O2 warns falsely (stringop-overflow, GCC PR 105329)
  keypad_press(v, '7');
  CHECK(v == "7");
}

TEST_CASE("drafts wait for a pause in typing, and are written once") {
  DraftKeeper k(300);
  k.update("patient", {{"name", "卓"}}, 0);
  CHECK(k.wait_ms(100) == 200);
  k.update("patient", {{"name", "卓玛"}}, 200);
  CHECK(k.due(400).empty());
  auto d = k.due(500);
  REQUIRE(d.size() == 1);
  CHECK(d[0].second.find("卓玛") != std::string::npos);
  CHECK(k.due(900).empty());
  CHECK(k.wait_ms(900) == -1);
  k.update("patient", nullptr, 1000);  // emptied: the draft is cleared
  d = k.due(1300);
  REQUIRE(d.size() == 1);
  CHECK(d[0].second.empty());
}

TEST_CASE("ICD-10 search by code, Chinese name, English and initials") {
  CHECK(search_icd10("I10").front()->zh == "原发性高血压");
  CHECK(search_icd10("高血压").size() >= 2);
  CHECK(search_icd10("cataract").size() >= 1);
  CHECK(search_icd10("dgjb").front()->code == "M12.1");
  CHECK(search_icd10("").size() == 50);
  for (const auto& e : icd10_common()) CHECK(is_icd10(e.code));
}

TEST_CASE("summary rows carry the numbers teams report") {
  DaySummary day;
  ReportFigures& s = day.figures;
  s.visits = 120;
  s.people = 98;
  s.screenings = 40;
  s.by_program["gi-early-cancer"] = {30, 4, 1};
  s.positive = 4;
  s.referrals = 3;
  s.value = 12345.5;
  const std::vector<ProgramPtr> installed(builtin_programs().begin(), builtin_programs().end());
  auto rows = summary_rows(day, installed, Lang::zh);
  CHECK(rows[0].value == "120");
  bool gi = false;
  for (const auto& r : rows)
    gi |= r.label == builtin_program("gi-early-cancer")->name.zh && r.value == "30 人，阳性 4，可疑 1";
  CHECK(gi);
  CHECK(rows.back().value == "12,345.50 元");
  rows = summary_rows(day, installed, Lang::en);
  bool gi_en = false;
  for (const auto& r : rows)
    gi_en |= r.label == "Upper GI early cancer screening" && r.value == "30 screened, 4 positive, 1 suspected";
  CHECK(gi_en);
  CHECK(rows.back().value == "12,345.50 yuan");
  CHECK(summary_text(day, Lang::en).find("4 positive") != std::string::npos);
  CHECK(money(0) == "0.00");
  CHECK(money(1234567.891) == "1,234,567.89");
  CHECK(money(-1234.5) == "-1,234.50");
  CHECK(money(999) == "999.00");
}

TEST_CASE("code points of names, for the font") {
  auto cps = utf8_code_points("卓玛 abc 卓");
  REQUIRE(cps.size() == 2);
  CHECK(cps[0] == 0x5353);
  CHECK(cps[1] == 0x739B);
  CHECK(utf8_code_points("\xe5\x8d").empty());  // cut short: skipped
}

TEST_CASE("catalog lists: program names from the installed definitions, the formulary and kinds from core") {
  const std::vector<ProgramPtr> installed(builtin_programs().begin(), builtin_programs().end());
  CHECK(program_name(installed, "kashin-beck", Lang::zh) == "大骨节病筛查");
  CHECK(program_name(installed, "kashin-beck", Lang::en) == "Kashin-Beck disease screening");
  CHECK(program_name(installed, "unknown", Lang::zh) == "unknown");
  CHECK(search_stock(formulary(), "血压").front()->name == "电子血压计");
  CHECK(clinic_day_kind_name("circuit", Lang::zh) == "巡回医疗");
  CHECK(clinic_day_kind_name("circuit", Lang::en) == "Circuit clinic");
  // The font's glyph set covers the catalogue's texts.
  const auto texts = catalog_texts();
  for (const auto& s : stations()) CHECK(std::find(texts.begin(), texts.end(), s) != texts.end());
}

TEST_CASE("the patient card lists systolic before diastolic, each series newest first") {
  const nlohmann::json obs = nlohmann::json::parse(R"([
    {"kind": "dbp", "value": 98, "taken_at": "2026-11-01T10:00:00"},
    {"kind": "pulse", "value": 80, "taken_at": "2026-11-01T10:00:00"},
    {"kind": "sbp", "value": 150, "taken_at": "2026-11-01T10:00:00"},
    {"kind": "sbp", "value": 168, "taken_at": "2026-12-01T09:30:00"},
    {"kind": "dbp", "value": 104, "taken_at": "2026-12-01T09:30:00"},
    {"kind": "x_unknown", "value": 1, "taken_at": "2026-12-01T09:30:00"}
  ])");
  const auto series = yz::app::vital_series(obs);
  REQUIRE(series.size() == 4);
  CHECK(series[0].kind == "sbp");
  CHECK(series[1].kind == "dbp");
  CHECK(series[2].kind == "pulse");
  CHECK(series[3].kind == "x_unknown");  // not in the catalogue: last
  REQUIRE(series[0].values.size() == 2);
  CHECK(series[0].values[0].second == 168);  // newest first
  CHECK(series[0].values[1].second == 150);
}
