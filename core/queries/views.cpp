#include "core/queries/views.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>

#include "core/base/clock.h"
#include "core/store/entities.h"
#include "core/store/records.h"

namespace yz {

StoreStats store_stats(SQLite::Database& db) {
  StoreStats s;
  for (const auto* e : entities()) {
    // All rows less the tombstones: both counted over small indexes (schema
    // v13), where "WHERE deleted = 0" would read every row.
    const std::string t(e->name);
    SQLite::Statement st(db, "SELECT (SELECT COUNT(*) FROM " + t + ") - (SELECT COUNT(*) FROM " + t + " WHERE deleted = 1)");
    st.executeStep();
    s.counts[std::string(e->name)] = st.getColumn(0).getInt64();
  }
  s.counts["audit"] = db.execAndGet("SELECT COUNT(*) FROM audit").getInt64();
  s.pending = db.execAndGet("SELECT COUNT(*) FROM outbox WHERE acked = 0").getInt64();
  return s;
}

std::optional<json> patient_history(SqlReader& db, std::string_view patient_id) {
  auto patient = read_record(db, *find_entity("patient"), patient_id);
  // A merged duplicate opens its kept patient (a bounded walk: a chain of
  // merges, never a cycle the server would make).
  std::string asked_for;
  for (int hops = 0; patient && (*patient)["merged_into"].is_string() && hops < 100; ++hops) {
    if (asked_for.empty()) asked_for = patient_id;
    patient = read_record(db, *find_entity("patient"), (*patient)["merged_into"].get<std::string>());
  }
  if (!patient || (*patient)["deleted"].get<bool>() || (*patient)["merged_into"].is_string()) return std::nullopt;
  json h = {{"patient", *patient}};
  if (!asked_for.empty()) h["merged_from"] = asked_for;
  const std::string pid = (*patient)["id"].get<std::string>();
  json encounters = json::array();
  for (auto& e : read_records_by(db, *find_entity("encounter"), "patient_id", pid, "seen_at DESC, rid DESC")) {
    const std::string eid = e["id"];
    e["observations"] = read_records_by(db, *find_entity("observation"), "encounter_id", eid, "taken_at, rid");
    e["dispenses"] = read_records_by(db, *find_entity("dispense"), "encounter_id", eid, "rid");
    // A correction (core/care/encounter.h) supersedes an encounter whose
    // dispenses stay with it: show them with the correction.
    std::string was = e["supersedes_id"].is_string() ? e["supersedes_id"].get<std::string>() : std::string();
    for (int hops = 0; !was.empty() && hops < 100; ++hops) {
      for (auto& d : read_records_by(db, *find_entity("dispense"), "encounter_id", was, "rid"))
        e["dispenses"].push_back(std::move(d));
      auto prior = read_record(db, *find_entity("encounter"), was);
      was = prior && (*prior)["supersedes_id"].is_string() ? (*prior)["supersedes_id"].get<std::string>() : "";
    }
    encounters.push_back(std::move(e));
  }
  h["encounters"] = std::move(encounters);
  h["observations"] = read_records_by(db, *find_entity("observation"), "patient_id", pid, "taken_at DESC, rid DESC");
  h["screenings"] = read_records_by(db, *find_entity("screening"), "patient_id", pid, "screened_at DESC, rid DESC");
  h["referrals"] = read_records_by(db, *find_entity("referral"), "patient_id", pid, "rid DESC");
  h["follow_ups"] = read_records_by(db, *find_entity("follow_up"), "patient_id", pid, "due_date DESC, rid DESC");
  json visits = json::array();
  // The visits whose patients list names this one: LIKE narrows (portable
  // SQL, sql_reader.h), the list itself decides.
  for (auto& v : read_records_like(db, *find_entity("home_visit"), "patients", "%\"" + pid + "\"%",
                                   "visit_date DESC, rid DESC")) {
    const json& names = v["patients"];
    if (names.is_array() && std::find(names.begin(), names.end(), json(pid)) != names.end())
      visits.push_back(std::move(v));
  }
  h["home_visits"] = std::move(visits);
  return h;
}

std::optional<json> patient_history(SQLite::Database& db, std::string_view patient_id) {
  SqliteReader r(db);
  auto h = patient_history(r, patient_id);
  if (h) (*h)["changes"] = record_changes(db, "patient", (*h)["patient"]["id"].get<std::string>());
  return h;
}

json record_changes(SQLite::Database& db, std::string_view entity, std::string_view id, int limit) {
  json out = json::array();
  // field_clock (keyed by record) says whether the record was ever edited,
  // so the audit, which has no index by record, is read only when it was.
  SQLite::Statement edited(db, "SELECT 1 FROM field_clock WHERE entity = ? AND record_id = ? LIMIT 1");
  edited.bind(1, std::string(entity));
  edited.bind(2, std::string(id));
  if (!edited.executeStep()) return out;
  SQLite::Statement st(db,
                       "SELECT at_ms, actor, detail FROM audit WHERE action = 'update' AND entity = ? AND "
                       "record_id = ? ORDER BY rid DESC");
  st.bind(1, std::string(entity));
  st.bind(2, std::string(id));
  while (st.executeStep() && static_cast<int>(out.size()) < limit) {
    const std::string at = datetime_of_ms(st.getColumn(0).getInt64());
    const std::string actor = st.getColumn(1).getString();
    const json detail = json::parse(st.getColumn(2).getString(), nullptr, false);
    auto entry = [&](const std::string& field, const json& from, const json& to) {
      out.push_back({{"at", at}, {"actor", actor}, {"field", field}, {"from", from}, {"to", to}});
    };
    if (detail.is_object()) {
      for (const auto& [field, v] : detail.items())
        entry(field, v.is_array() && v.size() == 2 ? v[0] : json(), v.is_array() && v.size() == 2 ? v[1] : json());
    } else if (detail.is_array()) {
      for (const auto& field : detail)
        if (field.is_string()) entry(field.get<std::string>(), nullptr, nullptr);
    }
  }
  return out;
}

}  // namespace yz
