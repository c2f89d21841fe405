#pragma once
// The report of DESIGN.md §1 as JSON and Markdown, rendered from the figures
// of core/queries/summary.h (build_report), which the field app's day
// summary and yizhenctl report compute with the same function.
//
// Errors: SQLite::Exception. Reads only; any connection.

#include <SQLiteCpp/Database.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/base/errors.h"
#include "core/queries/summary.h"

namespace yz {

using json = nlohmann::json;

// {"scope": {...}, "as_of": …, "total": {figures}, "townships": [{"code", "name", …figures}]}
// figures: clinic_days, visits, people, home_visits, households, screenings,
// positive, suspected, by_program {id: {name, screened, positive, suspected}},
// referrals, follow_ups {created, due, done, overdue, lost},
// given {medicine|device|supply: {lines, quantity, value}}, value.
// Over any engine (core/store/sql_reader.h).
json report_json(SqlReader& db, const Report& r);
std::string report_markdown(SqlReader& db, const Report& r, Lang lang);
inline json report_json(SQLite::Database& db, const Report& r) {
  SqliteReader reader(db);
  return report_json(reader, r);
}
inline std::string report_markdown(SQLite::Database& db, const Report& r, Lang lang) {
  SqliteReader reader(db);
  return report_markdown(reader, r, lang);
}

}  // namespace yz
