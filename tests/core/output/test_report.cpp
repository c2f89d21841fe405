// Reports: on demo data, every figure (total and per township) equals a count
// computed here straight from the tables with SQL written independently of
// core/report.cpp; scopes by day, date range, campaign and township; the
// Markdown and JSON forms; bad input.
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include <cmath>
#include <map>

#include "tools/demo/demo.h"
#include "core/output/report.h"
#include "core/store/store.h"
#include "core/domain/open_store.h"
#include "tests/core/helpers.h"

using namespace yz;
using yz_test::first_error;

namespace {

const std::string& demo_db() {
  static yz_test::TempPath path;
  static bool made = false;
  if (!made) {
    generate_demo(path.str(), {300, 3});
    made = true;
  }
  return path.str();
}

int64_t q1(SQLite::Database& db, const std::string& sql, const std::vector<std::string>& args = {}) {
  SQLite::Statement st(db, sql);
  for (size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
  REQUIRE(st.executeStep());
  return st.getColumn(0).getInt64();
}
double d1(SQLite::Database& db, const std::string& sql, const std::vector<std::string>& args = {}) {
  SQLite::Statement st(db, sql);
  for (size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
  REQUIRE(st.executeStep());
  return st.getColumn(0).getDouble();
}

// Independent figures for the clinic days selected by `days` (a SELECT of
// clinic_day ids), as of `as_of`.
void check_figures(SQLite::Database& db, const ReportFigures& f, const std::string& days, const std::string& as_of) {
  const std::string in = " IN (" + days + ")";
  CHECK(f.clinic_days == q1(db, "SELECT COUNT(*) FROM (" + days + ")"));
  CHECK(f.visits == q1(db, "SELECT COUNT(*) FROM encounter WHERE deleted = 0 AND clinic_day_id" + in));
  int64_t by_station = 0;
  for (const auto& entry : f.by_station) {
    const auto& station = entry.first;
    CAPTURE(station);
    CHECK(entry.second == q1(db, "SELECT COUNT(*) FROM encounter WHERE deleted = 0 AND COALESCE(station, '') = ? AND "
                                 "clinic_day_id" + in, {station}));
    by_station += entry.second;
  }
  CHECK(by_station == f.visits);  // the stations partition the visits
  CHECK(f.people == q1(db, "SELECT COUNT(*) FROM (SELECT patient_id FROM encounter WHERE deleted = 0 AND clinic_day_id" +
                               in + " UNION SELECT patient_id FROM screening WHERE deleted = 0 AND clinic_day_id" + in +
                               ")"));
  // New people: those whose earliest visit anywhere (by its day's date, else
  // its own) is not before the first day in scope.
  const std::string first_visit =
      "(SELECT min(x) FROM (SELECT COALESCE(c.date, substr(e.seen_at, 1, 10)) AS x FROM encounter e LEFT JOIN "
      "clinic_day c ON c.id = e.clinic_day_id WHERE e.deleted = 0 AND e.patient_id = p.patient_id UNION ALL SELECT "
      "COALESCE(c.date, substr(s.screened_at, 1, 10)) FROM screening s LEFT JOIN clinic_day c ON c.id = "
      "s.clinic_day_id WHERE s.deleted = 0 AND s.patient_id = p.patient_id))";
  CHECK(f.new_people ==
        q1(db, "SELECT COUNT(*) FROM (SELECT patient_id FROM encounter WHERE deleted = 0 AND clinic_day_id" + in +
                   " UNION SELECT patient_id FROM screening WHERE deleted = 0 AND clinic_day_id" + in + ") p WHERE " +
                   first_visit + " >= (SELECT min(date) FROM clinic_day WHERE id" + in + ")"));
  CHECK(f.follow_ups_closed ==
        q1(db, "SELECT COUNT(*) FROM follow_up f, patient p WHERE p.id = f.patient_id AND f.deleted = 0 AND "
               "f.status = 'done' AND EXISTS (SELECT 1 FROM clinic_day c WHERE c.id" + in +
                   " AND c.date = f.done_date AND substr(c.place_code, 1, 9) = substr(p.village_code, 1, 9))"));
  CHECK(f.home_visits == q1(db, "SELECT COUNT(*) FROM home_visit WHERE deleted = 0 AND clinic_day_id" + in));
  CHECK(f.households ==
        q1(db, "SELECT COUNT(DISTINCT household_id) FROM home_visit WHERE deleted = 0 AND clinic_day_id" + in));
  CHECK(f.screenings == q1(db, "SELECT COUNT(*) FROM screening WHERE deleted = 0 AND clinic_day_id" + in));
  CHECK(f.positive ==
        q1(db, "SELECT COUNT(*) FROM screening WHERE deleted = 0 AND result = 'positive' AND clinic_day_id" + in));
  CHECK(f.suspected ==
        q1(db, "SELECT COUNT(*) FROM screening WHERE deleted = 0 AND result = 'suspected' AND clinic_day_id" + in));
  for (const auto& entry : f.by_program) {
    const auto& program = entry.first;  // not structured bindings: doctest's checks use lambdas
    const auto& c = entry.second;
    CAPTURE(program);
    CHECK(c.screened == q1(db, "SELECT COUNT(*) FROM screening WHERE deleted = 0 AND program_id = ? AND clinic_day_id" + in,
                           {program}));
    CHECK(c.positive == q1(db,
                           "SELECT COUNT(*) FROM screening WHERE deleted = 0 AND result = 'positive' AND program_id = ? "
                           "AND clinic_day_id" + in,
                           {program}));
  }
  CHECK(static_cast<int64_t>(f.by_program.size()) ==
        q1(db, "SELECT COUNT(DISTINCT program_id) FROM screening WHERE deleted = 0 AND clinic_day_id" + in));
  CHECK(f.referrals == q1(db, "SELECT COUNT(*) FROM referral r WHERE r.deleted = 0 AND (r.screening_id IN "
                              "(SELECT id FROM screening WHERE clinic_day_id" + in + ") OR r.encounter_id IN "
                              "(SELECT id FROM encounter WHERE clinic_day_id" + in + "))"));
  const std::string fu = "SELECT COUNT(*) FROM follow_up WHERE deleted = 0 AND screening_id IN "
                         "(SELECT id FROM screening WHERE clinic_day_id" + in + ")";
  CHECK(f.follow_ups.created == q1(db, fu));
  CHECK(f.follow_ups.done == q1(db, fu + " AND status = 'done'"));
  CHECK(f.follow_ups.lost == q1(db, fu + " AND status = 'lost'"));
  CHECK(f.follow_ups.overdue == q1(db, fu + " AND (status = 'overdue' OR (status = 'due' AND due_date < ?))", {as_of}));
  CHECK(f.follow_ups.due == q1(db, fu + " AND status = 'due' AND due_date >= ?", {as_of}));
  const std::string given = "FROM dispense g LEFT JOIN encounter e ON e.id = g.encounter_id "
                            "LEFT JOIN home_visit h ON h.id = g.home_visit_id WHERE g.deleted = 0 AND "
                            "COALESCE(g.clinic_day_id, e.clinic_day_id, h.clinic_day_id)" + in;
  CHECK(std::abs(f.value - d1(db, "SELECT COALESCE(SUM(g.quantity * g.unit_value), 0) " + given)) < 0.01);
  for (const char* kind : {"medicine", "device"}) {
    const auto it = f.given.find(kind);
    const int64_t lines = q1(db, "SELECT COUNT(*) " + given + " AND g.item_kind = ?", {kind});
    CHECK((it == f.given.end() ? 0 : it->second.lines) == lines);
  }
}

}  // namespace

TEST_CASE("report: a date range, in total and per township, equals counts taken from the tables") {
  Store store = open_store(demo_db());
  SQLite::Database& db = store.db();
  const std::string first = db.execAndGet("SELECT MIN(date) FROM clinic_day").getString();
  const std::string last = db.execAndGet("SELECT MAX(date) FROM clinic_day").getString();
  const std::string mid = db.execAndGet("SELECT date FROM clinic_day ORDER BY date LIMIT 1 OFFSET "
                                        "(SELECT COUNT(*) / 2 FROM clinic_day)")
                              .getString();
  ReportQuery q;
  q.from = first;
  q.to = mid;
  q.as_of = "2026-01-15";
  const Report r = build_report(db, q);
  const std::string days = "SELECT id FROM clinic_day WHERE deleted = 0 AND date BETWEEN '" + first + "' AND '" + mid + "'";
  REQUIRE(r.total.clinic_days > 0);
  REQUIRE(r.total.screenings > 0);
  REQUIRE(r.total.positive > 0);
  REQUIRE(r.total.value > 0);
  check_figures(db, r.total, days, q.as_of);
  // Per township: the days whose place code starts with its code.
  REQUIRE(r.townships.size() > 1);
  int64_t visits = 0;
  for (const auto& t : r.townships) {
    CAPTURE(t.code);
    CHECK(t.code.size() == 9);
    CHECK_FALSE(t.name.empty());
    check_figures(db, t.figures, days + " AND substr(place_code, 1, 9) = '" + t.code + "'", q.as_of);
    visits += t.figures.visits;
  }
  CHECK(visits == r.total.visits);  // townships partition the visits
  // Everything: the whole year.
  q.to = last;
  const Report all = build_report(db, q);
  CHECK(all.total.clinic_days == q1(db, "SELECT COUNT(*) FROM clinic_day WHERE deleted = 0"));
  CHECK(all.total.screenings == q1(db, "SELECT COUNT(*) FROM screening WHERE deleted = 0"));
}

TEST_CASE("report: one clinic day, one campaign, one township") {
  Store store = open_store(demo_db());
  SQLite::Database& db = store.db();
  // The busiest day.
  const std::string day = db.execAndGet("SELECT clinic_day_id FROM encounter GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")
                              .getString();
  ReportQuery q;
  q.day_id = day;
  q.as_of = "2026-06-01";
  const Report r = build_report(db, q);
  CHECK(r.total.clinic_days == 1);
  CHECK(r.townships.size() == 1);
  check_figures(db, r.total, "SELECT '" + day + "'", q.as_of);
  // A screening campaign.
  const std::string campaign =
      db.execAndGet("SELECT campaign FROM clinic_day WHERE kind = 'screening' GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")
          .getString();
  q = {};
  q.campaign = campaign;
  q.as_of = "2026-06-01";
  const Report c = build_report(db, q);
  check_figures(db, c.total, "SELECT id FROM clinic_day WHERE campaign = '" + campaign + "'", q.as_of);
  CHECK(c.total.screenings > 0);
  // A county code prefix as the township filter.
  const std::string county = db.execAndGet("SELECT substr(place_code, 1, 6) FROM clinic_day LIMIT 1").getString();
  q = {};
  q.township = county;
  q.as_of = "2026-06-01";
  const Report t = build_report(db, q);
  check_figures(db, t.total, "SELECT id FROM clinic_day WHERE place_code LIKE '" + county + "%'", q.as_of);
}

TEST_CASE("report: JSON and Markdown carry the same figures") {
  Store store = open_store(demo_db());
  SQLite::Database& db = store.db();
  ReportQuery q;
  q.from = "2025-01-01";
  q.to = "2026-12-31";
  q.as_of = "2026-06-01";
  const Report r = build_report(db, q);
  const json j = report_json(db, r);
  CHECK(j["total"]["visits"] == r.total.visits);
  CHECK(j["total"]["people"] == r.total.people);
  CHECK(j["total"]["follow_ups"]["overdue"] == r.total.follow_ups.overdue);
  CHECK(j["townships"].size() == r.townships.size());
  CHECK(j["scope"]["from"] == "2025-01-01");
  CHECK(j["total"]["by_program"].contains("hypertension"));
  CHECK(j["total"]["by_program"]["hypertension"]["name"] == "高血压筛查");
  const std::string md = report_markdown(db, r, Lang::zh);
  CHECK(md.find("| 接诊人次 | " + std::to_string(r.total.visits) + " |") != std::string::npos);
  CHECK(md.find("| 服务人数 | " + std::to_string(r.total.people) + " |") != std::string::npos);
  CHECK(md.find("## 分乡镇") != std::string::npos);
  CHECK(md.find("高血压筛查") != std::string::npos);
  const std::string en = report_markdown(db, r, Lang::en);
  CHECK(en.find("| patient visits (人次) | " + std::to_string(r.total.visits) + " |") != std::string::npos);
}

TEST_CASE("report: bad input is refused") {
  Store store = open_store(":memory:");
  ReportQuery q;
  q.as_of = "2026-06-01";
  q.from = "2026-06-31";
  CHECK(first_error([&] { build_report(store.db(), q); }).field == "from");
  q.from = "2026-06-02";
  q.to = "2026-06-01";
  CHECK(first_error([&] { build_report(store.db(), q); }).code == "date_order");
  q = {};
  q.as_of = "2026-06-01";
  q.township = "5401x";
  CHECK(first_error([&] { build_report(store.db(), q); }).field == "township");
  q = {};
  q.as_of = "2026-06-01";
  q.day_id = "01900000-0000-7000-8000-000000000000";
  CHECK_THROWS_AS(build_report(store.db(), q), NotFound);
  // An empty database reports zeros.
  q.day_id.clear();
  const Report r = build_report(store.db(), q);
  CHECK(r.total.visits == 0);
  CHECK(r.townships.empty());
}

TEST_CASE("report: a screening made on no clinic day counts by its date, and for its clinician's team") {
  yz_test::TempPath path;
  generate_demo(path.str(), {40, 11});
  Store store = open_store(path.str());
  SQLite::Database& db = store.db();
  // One screening, taken off its clinic day (as made at a home visit of its
  // own), by a clinician of the team.
  const std::string id = db.execAndGet("SELECT id FROM screening WHERE deleted = 0 ORDER BY id LIMIT 1").getString();
  const std::string day = db.execAndGet("SELECT clinic_day_id FROM screening WHERE id = '" + id + "'").getString();
  const std::string team = db.execAndGet("SELECT team_id FROM clinic_day WHERE id = '" + day + "'").getString();
  const std::string member = db.execAndGet("SELECT id FROM member WHERE team_id = '" + team + "' LIMIT 1").getString();
  const std::string date = db.execAndGet("SELECT substr(screened_at, 1, 10) FROM screening WHERE id = '" + id + "'")
                               .getString();
  const std::string township =
      db.execAndGet("SELECT substr(village_code, 1, 9) FROM patient WHERE id = (SELECT patient_id FROM screening "
                    "WHERE id = '" + id + "')")
          .getString();
  REQUIRE_FALSE(day.empty());
  ReportQuery q;
  q.as_of = "2026-06-01";
  q.day_id = day;
  const int64_t on_day = build_report(db, q).total.screenings;
  q.day_id.clear();
  q.from = q.to = date;
  const Report before = build_report(db, q);
  q.team_id = team;
  const int64_t team_before = build_report(db, q).total.screenings;
  q.team_id.clear();
  db.exec("UPDATE screening SET clinic_day_id = NULL, encounter_id = NULL, clinician_id = '" + member +
          "' WHERE id = '" + id + "'");

  // Its day no longer counts it; a report by dates still does, under the
  // township of the patient's village.
  q.from = q.to = "";
  q.day_id = day;
  CHECK(build_report(db, q).total.screenings == on_day - 1);
  q.day_id.clear();
  q.from = q.to = date;
  const Report after = build_report(db, q);
  CHECK(after.total.screenings == before.total.screenings);
  CHECK(after.total.people >= 1);
  int64_t in_township = 0;
  for (const auto& t : after.townships)
    if (t.code == township) in_township = t.figures.screenings;
  CHECK(in_township >= 1);
  // The team's report counts it (its clinician is of the team), another
  // team's counts nothing at all.
  q.team_id = team;
  CHECK(build_report(db, q).total.screenings == team_before);
  q.team_id = "01900000-0000-7000-8000-00000000dead";
  const Report other = build_report(db, q);
  CHECK(other.total.clinic_days == 0);
  CHECK(other.total.screenings == 0);
  // A day's or a campaign's report does not take it.
  q.team_id.clear();
  q.from = q.to = "";
  q.campaign = "none such";
  CHECK(build_report(db, q).total.screenings == 0);
}

TEST_CASE("report: a home visit made on no clinic day counts by its date, and for its members' team") {
  yz_test::TempPath path;
  generate_demo(path.str(), {40, 11});
  Store store = open_store(path.str());
  SQLite::Database& db = store.db();
  const std::string id = db.execAndGet("SELECT id FROM home_visit WHERE deleted = 0 ORDER BY id LIMIT 1").getString();
  const std::string day = db.execAndGet("SELECT clinic_day_id FROM home_visit WHERE id = '" + id + "'").getString();
  const std::string team = db.execAndGet("SELECT team_id FROM clinic_day WHERE id = '" + day + "'").getString();
  const std::string member = db.execAndGet("SELECT id FROM member WHERE team_id = '" + team + "' LIMIT 1").getString();
  const std::string date = db.execAndGet("SELECT visit_date FROM home_visit WHERE id = '" + id + "'").getString();
  const std::string township =
      db.execAndGet("SELECT substr(village_code, 1, 9) FROM household WHERE id = (SELECT household_id FROM home_visit "
                    "WHERE id = '" + id + "')")
          .getString();
  REQUIRE_FALSE(day.empty());
  ReportQuery q;
  q.as_of = "2026-06-01";
  q.from = q.to = date;
  const Report before = build_report(db, q);
  q.team_id = team;
  const int64_t team_before = build_report(db, q).total.home_visits;
  q.team_id.clear();
  REQUIRE(before.total.home_visits >= 1);
  // Recorded with no clinic day open, by a member of the team.
  db.exec("UPDATE home_visit SET clinic_day_id = NULL, members = '[\"" + member + "\"]' WHERE id = '" + id + "'");

  // A report by dates still counts it, under its household's township.
  const Report after = build_report(db, q);
  CHECK(after.total.home_visits == before.total.home_visits);
  int64_t in_township = 0;
  for (const auto& t : after.townships)
    if (t.code == township) in_township = t.figures.home_visits;
  CHECK(in_township >= 1);
  // Its members' team counts it, another team does not; its old day and a
  // campaign's report do not take it.
  q.team_id = team;
  CHECK(build_report(db, q).total.home_visits == team_before);
  q.team_id = "01900000-0000-7000-8000-00000000dead";
  CHECK(build_report(db, q).total.home_visits == 0);
  q.team_id.clear();
  q.from = q.to = "";
  q.day_id = day;
  const int64_t on_day = build_report(db, q).total.home_visits;
  CHECK(on_day == q1(db, "SELECT COUNT(*) FROM home_visit WHERE deleted = 0 AND clinic_day_id = '" + day + "'"));
  q.day_id.clear();
  q.campaign = "none such";
  CHECK(build_report(db, q).total.home_visits == 0);
}

TEST_CASE("report: what was given on a home visit made on no clinic day counts where that visit counts") {
  yz_test::TempPath path;
  generate_demo(path.str(), {40, 11});
  Store store = open_store(path.str());
  SQLite::Database& db = store.db();
  // A home visit on a clinic day that gave something.
  const std::string id = db.execAndGet("SELECT h.id FROM home_visit h WHERE h.deleted = 0 AND h.clinic_day_id IS NOT "
                                       "NULL AND EXISTS (SELECT 1 FROM dispense g WHERE g.home_visit_id = h.id AND "
                                       "g.deleted = 0) ORDER BY h.id LIMIT 1")
                             .getString();
  REQUIRE_FALSE(id.empty());
  const std::string day = db.execAndGet("SELECT clinic_day_id FROM home_visit WHERE id = '" + id + "'").getString();
  const std::string team = db.execAndGet("SELECT team_id FROM clinic_day WHERE id = '" + day + "'").getString();
  const std::string member = db.execAndGet("SELECT id FROM member WHERE team_id = '" + team + "' LIMIT 1").getString();
  const std::string date = db.execAndGet("SELECT visit_date FROM home_visit WHERE id = '" + id + "'").getString();
  const std::string township =
      db.execAndGet("SELECT substr(village_code, 1, 9) FROM household WHERE id = (SELECT household_id FROM home_visit "
                    "WHERE id = '" + id + "')")
          .getString();
  const double given =
      db.execAndGet("SELECT SUM(quantity * unit_value) FROM dispense WHERE deleted = 0 AND home_visit_id = '" + id + "'")
          .getDouble();
  REQUIRE(given > 0);
  ReportQuery q;
  q.as_of = "2026-06-01";
  q.from = q.to = date;
  const Report before = build_report(db, q);
  q.team_id = team;
  const double team_before = build_report(db, q).total.value;
  q.team_id.clear();
  q.from = q.to = "";
  q.day_id = day;
  const double day_before = build_report(db, q).total.value;
  q.day_id.clear();
  q.from = q.to = date;
  // Made with no clinic day open, by a member of the team: neither the visit
  // nor its encounters nor what it gave names a day (core/care/home_visit.cpp).
  db.exec("UPDATE home_visit SET clinic_day_id = NULL, members = '[\"" + member + "\"]' WHERE id = '" + id + "'");
  db.exec("UPDATE encounter SET clinic_day_id = NULL WHERE home_visit_id = '" + id + "'");
  db.exec("UPDATE dispense SET clinic_day_id = NULL WHERE home_visit_id = '" + id + "'");

  // A report by dates still counts what it gave (it was left out), once,
  // under its household's township.
  const Report after = build_report(db, q);
  CHECK(after.total.value == doctest::Approx(before.total.value));
  double in_township = 0;
  for (const auto& t : after.townships)
    if (t.code == township) in_township = t.figures.value;
  CHECK(in_township >= given - 1e-6);
  // Its members' team counts it, another team does not; its old day no longer does.
  q.team_id = team;
  CHECK(build_report(db, q).total.value == doctest::Approx(team_before));
  q.team_id = "01900000-0000-7000-8000-00000000dead";
  CHECK(build_report(db, q).total.value == 0);
  q.team_id.clear();
  q.from = q.to = "";
  q.day_id = day;
  CHECK(build_report(db, q).total.value == doctest::Approx(day_before - given));
}
