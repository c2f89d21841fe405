#pragma once
// Derived read-only views over the store, shared by the CLI, the field app and
// reports: record counts, a patient's history, a clinic day's summary and the
// follow-ups due in a village. Each takes any connection (reader or writer).

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yz {

using json = nlohmann::json;

// Live records of every kind of DESIGN.md §4 (tombstones excluded), the audit
// rows, and the outbox rows not yet confirmed by the server.
struct StoreStats {
  std::map<std::string, int64_t> counts;  // "patient" -> N, …, "audit" -> N
  int64_t pending = 0;
};
StoreStats store_stats(SQLite::Database& db);

// {"patient": {...}, "encounters": [{..., "observations": [...],
//  "dispenses": [...]}], "screenings": [...], "referrals": [...],
//  "follow_ups": [...], "home_visits": [...]}, newest first; nullopt when no
// live patient has this id.
std::optional<json> patient_history(SQLite::Database& db, std::string_view patient_id);

struct ProgramCount {
  int64_t screened = 0, positive = 0, suspected = 0;
};

// What a team reports for one clinic day.
struct DaySummary {
  json day;                 // the clinic_day record
  int64_t visits = 0;       // 人次: encounters
  int64_t people = 0;       // 人: distinct patients seen or screened
  int64_t screenings = 0;
  std::map<std::string, ProgramCount> by_program;
  int64_t referrals = 0;
  int64_t home_visits = 0;
  int64_t dispense_lines = 0;
  double dispensed_value = 0;  // 元: sum of quantity × unit value
};
std::optional<DaySummary> day_summary(SQLite::Database& db, std::string_view clinic_day_id);

struct FollowUpDue {
  std::string id, patient_id, patient_name, phone, village_code, due_date, reason, status;
  bool overdue = false;  // due before `as_of`
};
// Open follow-ups (due or overdue) of patients whose village code starts with
// `place_prefix` (a village, township or county code; empty for all), due on
// or before `until`, earliest first; overdue relative to `as_of`.
std::vector<FollowUpDue> follow_ups_due(SQLite::Database& db, std::string_view place_prefix,
                                        std::string_view as_of, std::string_view until, int limit = 1000);

}  // namespace yz
