// The patient card's charts and the day summary's bars: what is drawn,
// decided without a window.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "app/yizhen/model/vital_charts.h"
#include "app/yizhen/model/vital_series.h"

using yz::app::vital_charts;
using yz::app::vital_series;

TEST_CASE("charts: blood pressure over time with both bands, oldest first, days on the x axis") {
  const nlohmann::json obs = nlohmann::json::parse(R"([
    {"kind": "sbp", "value": 168, "taken_at": "2026-12-01T12:00:00"},
    {"kind": "dbp", "value": 104, "taken_at": "2026-12-01T12:00:00"},
    {"kind": "sbp", "value": 150, "taken_at": "2026-11-01T00:00:00"},
    {"kind": "dbp", "value": 98, "taken_at": "2026-11-01T00:00:00"},
    {"kind": "spo2", "value": 88, "taken_at": "2026-11-01T00:00:00"},
    {"kind": "weight", "value": 61.5, "taken_at": "2026-10-01T08:00:00"},
    {"kind": "weight", "value": 60.0, "taken_at": "2026-11-01T08:00:00"}
  ])");
  const auto charts = vital_charts(vital_series(obs));
  REQUIRE(charts.size() == 2);  // one SpO2 reading is no trend: no chart
  const auto& bp = charts[0];
  CHECK(bp.id == "bp");
  REQUIRE(bp.lines.size() == 2);
  CHECK(bp.lines[0].kind == "sbp");
  CHECK(bp.lines[1].kind == "dbp");
  REQUIRE(bp.lines[0].points.size() == 2);
  CHECK(bp.lines[0].points[0].first == 0);  // oldest first
  CHECK(bp.lines[0].points[0].second == 150);
  CHECK(bp.lines[0].points[1].first == doctest::Approx(30.5));  // 30 days and 12 hours later
  CHECK(bp.x_max == doctest::Approx(30.5));
  CHECK(bp.lines[0].low == 90);  // the catalogue's usual range
  CHECK(bp.lines[0].high == 139);
  CHECK(bp.lines[1].low == 60);
  CHECK(bp.first_date == "2026-11-01");
  CHECK(bp.last_date == "2026-12-01");
  // The axis holds every point and band.
  CHECK(bp.y_min < 60);
  CHECK(bp.y_max > 168);

  const auto& weight = charts[1];
  CHECK(weight.id == "weight");
  CHECK(weight.lines[0].low == weight.lines[0].high);  // no usual range: no band
  CHECK(weight.y_min < 60.0);
  CHECK(weight.y_max > 61.5);
}

TEST_CASE("charts: glucose, fasting and random on one chart, and a reading with a broken date is left out, not thrown") {
  const nlohmann::json obs = nlohmann::json::parse(R"([
    {"kind": "glucose_fasting", "value": 7.2, "taken_at": "2026-11-02T07:00:00"},
    {"kind": "glucose_fasting", "value": 6.1, "taken_at": "2026-11-09T07:00:00"},
    {"kind": "glucose_random", "value": 12.4, "taken_at": "2026-11-05T15:00:00"},
    {"kind": "glucose_random", "value": 9.9, "taken_at": "not a date"}
  ])");
  const auto charts = vital_charts(vital_series(obs));
  REQUIRE(charts.size() == 1);
  CHECK(charts[0].id == "glucose");
  REQUIRE(charts[0].lines.size() == 2);
  CHECK(charts[0].lines[1].points.size() == 1);
  CHECK(charts[0].lines[1].points[0].first == doctest::Approx(3 + 8.0 / 24));
  CHECK(charts[0].lines[1].high == 11.0);
}

#include "app/yizhen/model/summary.h"
#include "core/programs/programs.h"

TEST_CASE("day summary bars: screened by programme with positives, visits by station, largest first") {
  using namespace yz;
  using namespace yz::app;
  DaySummary day;
  day.figures.by_program["gi-early-cancer"] = {30, 4, 1};
  day.figures.by_program["hypertension"] = {55, 12, 0};
  day.figures.by_station = {{"内科", 40}, {"", 3}, {"眼科", 62}};
  const std::vector<ProgramPtr> installed(builtin_programs().begin(), builtin_programs().end());
  const auto groups = summary_bars(day, installed, Lang::zh);
  REQUIRE(groups.size() == 2);
  REQUIRE(groups[0].bars.size() == 2);
  CHECK(groups[0].bars[0].value == 55);  // largest first
  CHECK(groups[0].bars[0].highlight == 12);
  CHECK(groups[0].bars[1].label == builtin_program("gi-early-cancer")->name.zh);
  REQUIRE(groups[1].bars.size() == 3);
  CHECK(groups[1].bars[0].label == "眼科");
  CHECK(groups[1].bars[2].label == "未填科室");
  CHECK(summary_bars(DaySummary{}, installed, Lang::en).empty());  // nothing to draw: no chart
}
