#include "core/queries/views.h"

#include <SQLiteCpp/Statement.h>

#include "core/store/entities.h"
#include "core/store/records.h"

namespace yz {

namespace {
int64_t count(SQLite::Database& db, const std::string& sql, std::string_view param) {
  SQLite::Statement st(db, sql);
  st.bind(1, std::string(param));
  return st.executeStep() ? st.getColumn(0).getInt64() : 0;
}

// Upper bound for a LIKE-free prefix match on a code column.
std::string code_upper(std::string_view prefix) { return std::string(prefix) + "\x7f"; }
}  // namespace

StoreStats store_stats(SQLite::Database& db) {
  StoreStats s;
  for (const auto* e : entities()) {
    SQLite::Statement st(db, "SELECT COUNT(*) FROM " + std::string(e->name) + " WHERE deleted = 0");
    st.executeStep();
    s.counts[std::string(e->name)] = st.getColumn(0).getInt64();
  }
  s.counts["audit"] = db.execAndGet("SELECT COUNT(*) FROM audit").getInt64();
  s.pending = db.execAndGet("SELECT COUNT(*) FROM outbox WHERE acked = 0").getInt64();
  return s;
}

std::optional<json> patient_history(SQLite::Database& db, std::string_view patient_id) {
  auto patient = read_record(db, *find_entity("patient"), patient_id);
  if (!patient || (*patient)["deleted"].get<bool>()) return std::nullopt;
  json h = {{"patient", *patient}};
  const std::string pid(patient_id);
  json encounters = json::array();
  for (auto& e : read_records_by(db, *find_entity("encounter"), "patient_id", pid, "seen_at DESC, rid DESC")) {
    const std::string eid = e["id"];
    e["observations"] = read_records_by(db, *find_entity("observation"), "encounter_id", eid, "taken_at, rid");
    e["dispenses"] = read_records_by(db, *find_entity("dispense"), "encounter_id", eid, "rid");
    encounters.push_back(std::move(e));
  }
  h["encounters"] = std::move(encounters);
  h["observations"] = read_records_by(db, *find_entity("observation"), "patient_id", pid, "taken_at DESC, rid DESC");
  h["screenings"] = read_records_by(db, *find_entity("screening"), "patient_id", pid, "screened_at DESC, rid DESC");
  h["referrals"] = read_records_by(db, *find_entity("referral"), "patient_id", pid, "rid DESC");
  h["follow_ups"] = read_records_by(db, *find_entity("follow_up"), "patient_id", pid, "due_date DESC, rid DESC");
  json visits = json::array();
  SQLite::Statement hv(db,
                       "SELECT id FROM home_visit WHERE deleted = 0 AND EXISTS "
                       "(SELECT 1 FROM json_each(home_visit.patients) WHERE value = ?) ORDER BY visit_date DESC");
  hv.bind(1, pid);
  while (hv.executeStep())
    if (auto v = read_record(db, *find_entity("home_visit"), hv.getColumn(0).getString())) visits.push_back(*v);
  h["home_visits"] = std::move(visits);
  return h;
}

std::optional<DaySummary> day_summary(SQLite::Database& db, std::string_view day_id) {
  auto day = read_record(db, *find_entity("clinic_day"), day_id);
  if (!day || (*day)["deleted"].get<bool>()) return std::nullopt;
  DaySummary s;
  s.day = *day;
  s.visits = count(db, "SELECT COUNT(*) FROM encounter WHERE deleted = 0 AND clinic_day_id = ?", day_id);
  s.people = count(db,
                   "SELECT COUNT(*) FROM (SELECT patient_id FROM encounter WHERE deleted = 0 AND clinic_day_id = ?1 "
                   "UNION SELECT patient_id FROM screening WHERE deleted = 0 AND clinic_day_id = ?1)",
                   day_id);
  SQLite::Statement sc(db,
                       "SELECT program_id, COUNT(*), SUM(result = 'positive'), SUM(result = 'suspected') "
                       "FROM screening WHERE deleted = 0 AND clinic_day_id = ? GROUP BY program_id");
  sc.bind(1, std::string(day_id));
  while (sc.executeStep()) {
    ProgramCount c{sc.getColumn(1).getInt64(), sc.getColumn(2).getInt64(), sc.getColumn(3).getInt64()};
    s.screenings += c.screened;
    s.by_program[sc.getColumn(0).getString()] = c;
  }
  s.referrals = count(db,
                      "SELECT COUNT(*) FROM referral r WHERE r.deleted = 0 AND ("
                      "r.encounter_id IN (SELECT id FROM encounter WHERE clinic_day_id = ?1) OR "
                      "r.screening_id IN (SELECT id FROM screening WHERE clinic_day_id = ?1))",
                      day_id);
  s.home_visits = count(db, "SELECT COUNT(*) FROM home_visit WHERE deleted = 0 AND clinic_day_id = ?", day_id);
  SQLite::Statement dv(db,
                       "SELECT COUNT(*), COALESCE(SUM(quantity * unit_value), 0) FROM dispense d "
                       "WHERE d.deleted = 0 AND (d.clinic_day_id = ?1 "
                       "OR d.encounter_id IN (SELECT id FROM encounter WHERE clinic_day_id = ?1) "
                       "OR d.home_visit_id IN (SELECT id FROM home_visit WHERE clinic_day_id = ?1))");
  dv.bind(1, std::string(day_id));
  dv.executeStep();
  s.dispense_lines = dv.getColumn(0).getInt64();
  s.dispensed_value = dv.getColumn(1).getDouble();
  return s;
}

std::vector<FollowUpDue> follow_ups_due(SQLite::Database& db, std::string_view place_prefix,
                                        std::string_view as_of, std::string_view until, int limit) {
  SQLite::Statement st(db, R"SQL(
    SELECT f.id, f.patient_id, p.name, COALESCE(p.phone, ''), COALESCE(p.village_code, ''), f.due_date,
           f.reason, f.status
    FROM follow_up f JOIN patient p ON p.id = f.patient_id
    WHERE f.deleted = 0 AND p.deleted = 0 AND f.status IN ('due', 'overdue') AND f.due_date <= ?1
      AND (?2 = '' OR (p.village_code >= ?2 AND p.village_code < ?3))
    ORDER BY f.due_date, p.name LIMIT ?4)SQL");
  st.bind(1, std::string(until));
  st.bind(2, std::string(place_prefix));
  st.bind(3, code_upper(place_prefix));
  st.bind(4, limit);
  std::vector<FollowUpDue> out;
  while (st.executeStep()) {
    FollowUpDue f;
    f.id = st.getColumn(0).getString();
    f.patient_id = st.getColumn(1).getString();
    f.patient_name = st.getColumn(2).getString();
    f.phone = st.getColumn(3).getString();
    f.village_code = st.getColumn(4).getString();
    f.due_date = st.getColumn(5).getString();
    f.reason = st.getColumn(6).getString();
    f.status = st.getColumn(7).getString();
    f.overdue = f.due_date < as_of;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace yz
