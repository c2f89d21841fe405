#pragma once
// The figures teams publish (DESIGN.md §1), one function per question: for
// a clinic day, a date range or a campaign, in total and by township —
// patients served (人次 and people), home visits (户), screenings and
// positives per program, referrals, follow-ups, medicines and devices given
// and their value (元). The field app's day summary, yizhenctl report and
// the coordinator's report (core/output/report.h renders them) all call
// build_report, so they agree by construction.
//
// Scope: the clinic days selected (one day; days dated within [from, to]; a
// campaign's days; optionally only those whose place code starts with
// `township`, or of one team). Screenings and home visits made on no clinic
// day, and what was dispensed on such visits, count in a report that is not
// of one day or campaign, by their date, under the township of the patient's
// (household's) village (a team's: its clinicians', its visit members').
// Everything attached to those days counts: encounters,
// screenings, home visits, dispenses (by day, encounter or home visit) and
// referrals (from the days' encounters or screenings). A day's township is
// the first 9 digits of its place code. Follow-ups are those created by the
// scope's screenings, with their status as of `as_of` (a "due" one past its
// date counts as overdue). Two figures look wider: `new_people`, the people
// seen or screened in scope who were never seen nor screened on a date
// before the scope's first day (a visit's date is its clinic day's, else
// its own); and `follow_ups_closed`, the follow-ups of any origin marked
// done on the date of a clinic day in scope held in the township of the
// patient's village, under that township.
//
// Errors: ValidationError (bad dates, bad township code), NotFound (unknown
// day), SQLite::Exception. Reads only; any connection.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/errors.h"
#include "core/store/sql_reader.h"

namespace yz {

using json = nlohmann::json;

struct ReportQuery {
  std::string day_id;    // one clinic day
  std::string from, to;  // clinic day dates, inclusive
  std::string campaign;  // clinic_day.campaign, exactly
  std::string township;  // place code prefix of the clinic days
  std::string team_id;   // only this team's clinic days (clinic_day.team_id)
  std::string as_of;     // for overdue follow-ups (required)
};

struct ReportFigures {
  int64_t clinic_days = 0;
  int64_t visits = 0;       // 人次: encounters
  std::map<std::string, int64_t> by_station;  // station (科室, "" when none) -> encounters
  int64_t people = 0;       // distinct patients seen or screened
  int64_t new_people = 0;   // of them, never seen or screened before the scope
  int64_t home_visits = 0;  // visits made
  int64_t households = 0;   // 户: distinct households visited
  int64_t screenings = 0, positive = 0, suspected = 0;
  struct Program {
    int64_t screened = 0, positive = 0, suspected = 0;
  };
  std::map<std::string, Program> by_program;  // program id ->
  int64_t referrals = 0;
  struct FollowUps {
    int64_t created = 0, due = 0, done = 0, overdue = 0, lost = 0;
  } follow_ups;
  int64_t follow_ups_closed = 0;  // any follow-up marked done within the scope's dates
  struct Given {
    int64_t lines = 0;
    double quantity = 0, value = 0;
  };
  std::map<std::string, Given> given;  // medicine | device | supply
  double value = 0;                    // 元, everything given
};

struct Report {
  ReportQuery query;
  ReportFigures total;
  struct Township {
    std::string code, name;
    ReportFigures figures;
  };
  std::vector<Township> townships;  // by code
};

// Over any engine (core/store/sql_reader.h): the device's SQLite database
// or the central store's PostgreSQL one.
void check_report_query(SqlReader& db, const ReportQuery& q);
Report build_report(SqlReader& db, const ReportQuery& q);
inline Report build_report(SQLite::Database& db, const ReportQuery& q) {
  SqliteReader r(db);
  return build_report(r, q);
}

// One clinic day: its record and build_report's figures for it alone
// (follow-ups as of `as_of`, YYYY-MM-DD). nullopt when no live clinic day
// has this id.
struct DaySummary {
  json day;  // the clinic_day record
  ReportFigures figures;
};
std::optional<DaySummary> day_summary(SQLite::Database& db, std::string_view clinic_day_id, std::string_view as_of);

}  // namespace yz
