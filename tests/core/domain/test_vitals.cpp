// Observation kinds, units and ranges: core/vitals.h.

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/domain/vitals.h"

using namespace yz;

namespace {
const VitalKind& kind(const char* code) {
  const VitalKind* k = find_vital(code);
  REQUIRE_MESSAGE(k != nullptr, std::string(code));
  return *k;
}
}  // namespace

TEST_CASE("vitals: each kind has its canonical unit") {
  const std::map<std::string, std::string> units = {
      {"sbp", "mmHg"},       {"dbp", "mmHg"},           {"pulse", "bpm"},
      {"spo2", "%"},         {"glucose_fasting", "mmol/L"}, {"glucose_random", "mmol/L"},
      {"temperature", "°C"}, {"respiration", "/min"},   {"height", "cm"},
      {"weight", "kg"},      {"waist", "cm"},           {"hemoglobin", "g/L"},
      {"hba1c", "%"},
  };
  CHECK(vital_kinds().size() == units.size());
  std::set<std::string> seen;
  for (const auto& k : vital_kinds()) {
    const std::string code(k.code);
    CAPTURE(code);
    CHECK(seen.insert(code).second);  // codes are unique
    REQUIRE(units.count(code) == 1);
    CHECK(k.unit == units.at(code));
    CHECK(canonical_unit(k, k.unit) == units.at(code));
    CHECK(k.min < k.max);
    CHECK(k.low <= k.high);
    if (k.low != k.high) {
      CHECK(k.low >= k.min);
      CHECK(k.high <= k.max);
    }
    CHECK_FALSE(k.zh.empty());
    CHECK_FALSE(k.en.empty());
    CHECK(find_vital(code) == &k);
  }
  CHECK(find_vital("bmi") == nullptr);
  CHECK(find_vital("") == nullptr);
  CHECK(find_vital("SBP") == nullptr);
}

TEST_CASE("vitals: unit aliases map to the canonical unit of the right kind only") {
  CHECK(canonical_unit(kind("pulse"), "次/分") == "bpm");
  CHECK(canonical_unit(kind("pulse"), "/min") == "bpm");
  CHECK(canonical_unit(kind("respiration"), "次/分") == "/min");
  CHECK(canonical_unit(kind("respiration"), "bpm") == "/min");
  CHECK(canonical_unit(kind("temperature"), "℃") == "°C");
  CHECK(canonical_unit(kind("temperature"), "C") == "°C");
  CHECK(canonical_unit(kind("glucose_fasting"), "mmol/l") == "mmol/L");
  CHECK(canonical_unit(kind("glucose_random"), "mmol/l") == "mmol/L");
  CHECK(canonical_unit(kind("hemoglobin"), "g/l") == "g/L");
  CHECK(canonical_unit(kind("sbp"), "mmhg") == "mmHg");
  CHECK(canonical_unit(kind("dbp"), "mmhg") == "mmHg");
  // Not units of that kind.
  CHECK(canonical_unit(kind("sbp"), "kPa").empty());
  CHECK(canonical_unit(kind("sbp"), "次/分").empty());
  CHECK(canonical_unit(kind("pulse"), "%").empty());
  CHECK(canonical_unit(kind("temperature"), "F").empty());
  CHECK(canonical_unit(kind("temperature"), "°F").empty());
  CHECK(canonical_unit(kind("glucose_fasting"), "mg/dL").empty());
  CHECK(canonical_unit(kind("height"), "m").empty());
  CHECK(canonical_unit(kind("weight"), "").empty());
}

TEST_CASE("check_vital: plausible ranges are wide (plateau values pass), absurd values are refused") {
  CHECK_FALSE(check_vital("spo2", 82, "%").has_value());  // normal at 4,500 m
  CHECK_FALSE(check_vital("spo2", 50, "%").has_value());
  CHECK_FALSE(check_vital("spo2", 100, "%").has_value());
  CHECK_FALSE(check_vital("sbp", 300, "mmHg").has_value());
  CHECK_FALSE(check_vital("sbp", 120, "mmhg").has_value());
  CHECK_FALSE(check_vital("pulse", 72, "次/分").has_value());
  CHECK_FALSE(check_vital("temperature", 36.5, "℃").has_value());
  CHECK_FALSE(check_vital("hemoglobin", 210, "g/L").has_value());  // high on the plateau, but real
  CHECK_FALSE(check_vital("glucose_fasting", 5.6, "mmol/L").has_value());

  auto e = check_vital("spo2", 40, "%");
  REQUIRE(e.has_value());
  CHECK(e->field == "value");
  CHECK(e->code == "out_of_range");
  CHECK(e->args == std::vector<std::string>{"40", "50", "100", "%"});

  auto s = check_vital("sbp", 400, "mmHg");
  REQUIRE(s.has_value());
  CHECK(s->code == "out_of_range");
  CHECK(s->args == std::vector<std::string>{"400", "40", "300", "mmHg"});

  CHECK(check_vital("sbp", 39.9, "mmHg").has_value());
  CHECK(check_vital("spo2", 100.1, "%").has_value());
  CHECK(check_vital("temperature", 46, "°C").has_value());
  CHECK(check_vital("temperature", 98.6, "°C").has_value());  // Fahrenheit typed as Celsius
  CHECK(check_vital("glucose_random", 0.5, "mmol/L").has_value());
  CHECK(check_vital("weight", 0, "kg").has_value());
  CHECK(check_vital("pulse", std::numeric_limits<double>::quiet_NaN(), "bpm").has_value());
  CHECK(check_vital("pulse", std::numeric_limits<double>::infinity(), "bpm").has_value());
}

TEST_CASE("check_vital: unknown kind and wrong unit name their field") {
  auto k = check_vital("bmi", 22, "kg/m2");
  REQUIRE(k.has_value());
  CHECK(k->field == "kind");
  CHECK(k->code == "unknown_kind");
  CHECK(k->args == std::vector<std::string>{"bmi"});

  auto u = check_vital("sbp", 120, "kPa");
  REQUIRE(u.has_value());
  CHECK(u->field == "unit");
  CHECK(u->code == "bad_unit");
  CHECK(u->args == std::vector<std::string>{"mmHg", "kPa"});
  // The unit is checked before the range.
  CHECK(check_vital("sbp", 1000, "kPa")->field == "unit");
}

TEST_CASE("flag_vital: outside the usual range is flagged, kinds without a usual range never are") {
  CHECK(flag_vital(kind("sbp"), 150) == VitalFlag::high);
  CHECK(flag_vital(kind("sbp"), 139) == VitalFlag::normal);
  CHECK(flag_vital(kind("sbp"), 140) == VitalFlag::high);
  CHECK(flag_vital(kind("sbp"), 120) == VitalFlag::normal);
  CHECK(flag_vital(kind("sbp"), 90) == VitalFlag::normal);
  CHECK(flag_vital(kind("sbp"), 85) == VitalFlag::low);
  CHECK(flag_vital(kind("dbp"), 95) == VitalFlag::high);
  CHECK(flag_vital(kind("spo2"), 82) == VitalFlag::low);
  CHECK(flag_vital(kind("spo2"), 97) == VitalFlag::normal);
  CHECK(flag_vital(kind("pulse"), 110) == VitalFlag::high);
  CHECK(flag_vital(kind("pulse"), 50) == VitalFlag::low);
  CHECK(flag_vital(kind("temperature"), 38.5) == VitalFlag::high);
  CHECK(flag_vital(kind("glucose_fasting"), 7.2) == VitalFlag::high);
  CHECK(flag_vital(kind("glucose_random"), 7.2) == VitalFlag::normal);
  CHECK(flag_vital(kind("hba1c"), 7.0) == VitalFlag::high);
  for (const char* c : {"height", "weight", "waist"}) {
    CHECK(flag_vital(kind(c), kind(c).min) == VitalFlag::normal);
    CHECK(flag_vital(kind(c), kind(c).max) == VitalFlag::normal);
  }
}
