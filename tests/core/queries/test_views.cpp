// Derived views: record counts, a patient's history, a clinic day's summary
// and follow-ups due, on a small hand-built data set whose figures are
// counted here by hand.
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include "core/care/follow_up.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "core/output/report.h"
#include "core/queries/summary.h"
#include "core/queries/views.h"
#include "core/queries/worklist.h"

using namespace yz;

namespace {

struct Day {
  Store store = open_store(":memory:");
  std::string team, day, other_day, zhuoma, tashi, encounter, screening, household;

  Day() {
    team = store.create("team", {{"name", "北京援藏医疗队"}});
    day = store.create("clinic_day", {{"date", "2026-06-01"}, {"place_code", "540102001"}, {"team_id", team},
                                      {"kind", "yizhen"}, {"stations", {"内科", "眼科"}}});
    other_day = store.create("clinic_day", {{"date", "2026-06-02"}, {"place_code", "540102002"},
                                            {"team_id", team}, {"kind", "screening"}});
    zhuoma = store.create("patient", {{"name", "卓玛"}, {"sex", "F"}, {"age", 52}, {"village_code", "540102001001"},
                                      {"phone", "13908912345"}});
    tashi = store.create("patient", {{"name", "扎西"}, {"sex", "M"}, {"age", 61}, {"village_code", "540102002003"}});
    household = store.create("household", {{"village_code", "540102001001"}});
    store.transact([&](Writer& w) {
      // 卓玛: two encounters (2 人次, 1 person), vitals, two dispense lines.
      encounter = w.create("encounter", {{"patient_id", zhuoma}, {"clinic_day_id", day}, {"station", "内科"},
                                         {"seen_at", "2026-06-01 09:30"}, {"complaint", "头晕"},
                                         {"diagnoses", {{{"code", "I10"}, {"name", "原发性高血压"}}}}});
      w.create("observation", {{"patient_id", zhuoma}, {"encounter_id", encounter}, {"kind", "sbp"}, {"value", 165},
                               {"unit", "mmHg"}, {"taken_at", "2026-06-01 09:31"}});
      w.create("dispense", {{"patient_id", zhuoma}, {"encounter_id", encounter}, {"item", "氨氯地平片"},
                            {"item_kind", "medicine"}, {"quantity", 2}, {"unit", "盒"}, {"unit_value", 12.5}});
      w.create("dispense", {{"clinic_day_id", day}, {"item", "电子血压计"}, {"item_kind", "device"},
                            {"quantity", 1}, {"unit", "台"}, {"unit_value", 180}});
      w.create("encounter", {{"patient_id", zhuoma}, {"clinic_day_id", day}, {"station", "眼科"},
                             {"seen_at", "2026-06-01 10:10"}});
      // 扎西: only screened that day, positive for hypertension, referred.
      screening = w.create("screening", {{"patient_id", tashi}, {"program_id", "hypertension"},
                                         {"program_version", 1}, {"clinic_day_id", day}, {"result", "positive"},
                                         {"risk_grade", "2级"}});
      w.create("screening", {{"patient_id", zhuoma}, {"program_id", "hypertension"}, {"program_version", 1},
                             {"clinic_day_id", day}, {"result", "negative"}});
      w.create("screening", {{"patient_id", zhuoma}, {"program_id", "cataract"}, {"program_version", 1},
                             {"clinic_day_id", day}, {"result", "suspected"}});
      w.create("referral", {{"patient_id", tashi}, {"screening_id", screening}, {"to_facility", "西藏自治区人民医院"},
                            {"reason", "2级高血压"}});
      // Another day's records must not count.
      w.create("encounter", {{"patient_id", tashi}, {"clinic_day_id", other_day}});
      w.create("dispense", {{"clinic_day_id", other_day}, {"item", "急救包"}, {"item_kind", "device"},
                            {"quantity", 3}, {"unit", "个"}, {"unit_value", 50}});
      const std::string visit = w.create("home_visit", {{"household_id", household}, {"clinic_day_id", day},
                                                        {"visit_date", "2026-06-01"}, {"patients", {zhuoma}}});
      w.create("dispense", {{"patient_id", zhuoma}, {"home_visit_id", visit}, {"item", "布洛芬缓释胶囊"},
                            {"item_kind", "medicine"}, {"quantity", 1}, {"unit", "盒"}, {"unit_value", 9.8}});
      w.create("follow_up", {{"patient_id", zhuoma}, {"due_date", "2026-05-20"}, {"reason", "高血压随访"}});
      w.create("follow_up", {{"patient_id", tashi}, {"referral_id", nullptr}, {"due_date", "2026-06-15"},
                             {"reason", "转诊结果随访"}});
      w.create("follow_up", {{"patient_id", zhuoma}, {"due_date", "2026-07-30"}, {"reason", "季度随访"}});
      // Done: created due, then completed by its command (a status is never
      // written at creation).
      const std::string done = w.create("follow_up", {{"patient_id", tashi}, {"due_date", "2026-05-01"},
                                                      {"reason", "已完成"}});
      complete_follow_up(store, w, done, "已完成");
    });
  }
};

}  // namespace

TEST_CASE("views: store_stats counts live records of every kind, audit rows and pending changes") {
  Day d;
  StoreStats s = store_stats(d.store.db());
  CHECK(s.counts["patient"] == 2);
  CHECK(s.counts["encounter"] == 3);
  CHECK(s.counts["dispense"] == 4);
  CHECK(s.counts["follow_up"] == 4);
  CHECK(s.counts.size() == 15);  // 14 record kinds + audit
  const int64_t total_records = [&] {
    int64_t n = 0;
    for (const auto& [k, v] : s.counts) n += k == "audit" ? 0 : v;
    return n;
  }();
  // One outbox and one audit row per created record, and one for the
  // follow-up marked done.
  CHECK(s.pending == total_records + 1);
  CHECK(s.counts["audit"] == total_records + 1);
  d.store.remove("follow_up", d.store.create("follow_up", {{"patient_id", d.tashi}, {"due_date", "2026-08-01"},
                                                             {"reason", "x"}}));
  s = store_stats(d.store.db());
  CHECK(s.counts["follow_up"] == 4);  // the tombstone is not counted
  CHECK(s.pending == total_records + 3);
}

TEST_CASE("views: a patient's history holds every record of theirs, newest first") {
  Day d;
  auto h = patient_history(d.store.db(), d.zhuoma);
  REQUIRE(h);
  CHECK((*h)["patient"]["name"] == "卓玛");
  REQUIRE((*h)["encounters"].size() == 2);
  CHECK((*h)["encounters"][0]["station"] == "眼科");  // 10:10 before 09:30
  const json& first = (*h)["encounters"][1];
  CHECK(first["diagnoses"][0]["code"] == "I10");
  REQUIRE(first["observations"].size() == 1);
  CHECK(first["observations"][0]["value"] == 165.0);
  CHECK(first["dispenses"].size() == 1);
  CHECK((*h)["screenings"].size() == 2);
  CHECK((*h)["referrals"].empty());
  CHECK((*h)["follow_ups"].size() == 2);
  CHECK((*h)["home_visits"].size() == 1);
  CHECK_FALSE(patient_history(d.store.db(), "0190f1a2-0000-7000-8000-000000000000"));
  d.store.remove("patient", d.tashi);
  CHECK_FALSE(patient_history(d.store.db(), d.tashi));
}

TEST_CASE("views: a clinic day's summary gives the figures teams report") {
  Day d;
  auto day = day_summary(d.store.db(), d.day, "2026-06-01");
  REQUIRE(day);
  CHECK(day->day["id"] == d.day);
  const ReportFigures& s = day->figures;
  CHECK(s.visits == 2);   // 人次: 卓玛 twice
  CHECK(s.people == 2);   // 卓玛 and 扎西 (screened only)
  CHECK(s.screenings == 3);
  CHECK(s.by_program.at("hypertension").screened == 2);
  CHECK(s.by_program.at("hypertension").positive == 1);
  CHECK(s.by_program.at("cataract").suspected == 1);
  CHECK(s.referrals == 1);
  CHECK(s.home_visits == 1);
  int64_t lines = 0;
  for (const auto& [kind, g] : s.given) lines += g.lines;
  CHECK(lines == 3);
  CHECK(s.value == doctest::Approx(2 * 12.5 + 180 + 9.8));
  // The report of that one day is the same figures: one function answers.
  ReportQuery q;
  q.day_id = d.day;
  q.as_of = "2026-06-01";
  const Report r = build_report(d.store.db(), q);
  CHECK(r.total.visits == s.visits);
  CHECK(r.total.people == s.people);
  CHECK(r.total.value == doctest::Approx(s.value));
  auto other = day_summary(d.store.db(), d.other_day, "2026-06-01");
  REQUIRE(other);
  CHECK(other->figures.visits == 1);
  CHECK(other->figures.value == doctest::Approx(150));
  CHECK_FALSE(day_summary(d.store.db(), d.zhuoma, "2026-06-01"));  // not a clinic day
}

TEST_CASE("views: follow-ups due by place code prefix, earliest first, overdue flagged") {
  Day d;
  auto due = [&](std::string place, std::string until) {
    WorklistQuery q;
    q.place = std::move(place);
    q.as_of = "2026-06-01";
    q.until = std::move(until);
    return follow_up_worklist(d.store.db(), q);
  };
  auto all = due("", "2026-06-30");
  REQUIRE(all.size() == 2);  // the July one is later, the done one is closed
  CHECK(all[0].due_date == "2026-05-20");
  CHECK(all[0].effective_status == "overdue");
  CHECK(all[0].phone == "13908912345");
  CHECK(all[1].name == "扎西");
  CHECK(all[1].effective_status == "due");
  auto village = due("540102001001", "2026-12-31");
  REQUIRE(village.size() == 2);
  CHECK(village[0].name == "卓玛");
  CHECK(village[1].due_date == "2026-07-30");
  CHECK(due("540102002", "2026-12-31").size() == 1);  // township
  CHECK(due("653101", "2026-12-31").empty());         // elsewhere
}

TEST_CASE("views: a day's summary counts the people seen for the first time and every follow-up done that day") {
  Day d;
  const std::string yangjin =
      d.store.create("patient", {{"name", "央金"}, {"sex", "F"}, {"age", 33}, {"village_code", "540102002003"}});
  std::string zhuoma_follow_up;
  d.store.transact([&](Writer& w) {
    w.create("encounter", {{"patient_id", yangjin}, {"clinic_day_id", d.other_day}});
  });
  {
    SQLite::Statement q(d.store.db(), "SELECT id FROM follow_up WHERE patient_id = ? AND due_date = '2026-05-20'");
    q.bind(1, d.zhuoma);
    REQUIRE(q.executeStep());
    zhuoma_follow_up = q.getColumn(0).getString();
  }
  // 卓玛's follow-up, planned long before, is done on the day at her village.
  d.store.transact([&](Writer& w) { complete_follow_up(d.store, w, zhuoma_follow_up, "BP 138/86", "2026-06-01"); });

  auto day = day_summary(d.store.db(), d.day, "2026-06-01");
  REQUIRE(day);
  CHECK(day->figures.people == 2);
  CHECK(day->figures.new_people == 2);         // nobody was seen before 06-01
  CHECK(day->figures.follow_ups_closed == 1);  // of any origin, done that day
  auto other = day_summary(d.store.db(), d.other_day, "2026-06-02");
  REQUIRE(other);
  CHECK(other->figures.people == 2);      // 扎西 and 央金
  CHECK(other->figures.new_people == 1);  // 扎西 was screened on 06-01
  CHECK(other->figures.follow_ups_closed == 0);
}
