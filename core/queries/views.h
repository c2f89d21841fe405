#pragma once
// Derived read-only views over the store, shared by the CLI, the field app and
// reports: record counts and a patient's history. Each takes any connection
// (reader or writer).

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/sql_reader.h"

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
//  "follow_ups": [...], "home_visits": [...], "changes": record_changes of
// the patient}, newest first; nullopt when no live patient has this id. A
// corrected encounter is left out: its correction (supersedes_id) stands in
// its place. The id of a merged duplicate (its patient record's
// merged_into) gives the history of the patient it was merged into, with
// "merged_from": the id asked for.
std::optional<json> patient_history(SQLite::Database& db, std::string_view patient_id);
// The same over any engine (core/store/sql_reader.h), without "changes" (a
// device's own audit): the central store's patient history.
std::optional<json> patient_history(SqlReader& db, std::string_view patient_id);

// The edits made on this device to the fields of record `id` of `entity`,
// newest first, read from the audit trail (core/store/audit_chain.h), one
// entry per field: {"at": "YYYY-MM-DD HH:MM" (China Standard Time), "actor",
// "field", "from", "to"} with the stored values (null: empty). Audit rows
// that name fields without values (written before values were kept) give
// "from" and "to" null too. Edits that arrived by sync are in the record,
// not in this device's audit.
json record_changes(SQLite::Database& db, std::string_view entity, std::string_view id, int limit = 200);

// A clinic day's summary: day_summary (summary.h). The follow-ups due in a
// place: follow_up_worklist (worklist.h).

}  // namespace yz
