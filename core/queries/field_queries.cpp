#include "core/queries/field_queries.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "core/base/dates.h"
#include "core/store/column_text.h"
#include "core/base/utf8.h"
#include "core/store/entities.h"
#include "core/domain/pinyin.h"
#include "core/store/records.h"
#include "core/queries/duplicates.h"

namespace yz {

namespace {
PatientHit hit_row(SQLite::Statement& st) {
  PatientHit h;
  h.id = column_text(st, 0);
  h.name = column_text(st, 1);
  h.name_native = column_text(st, 2);
  h.sex = column_text(st, 3);
  h.birth_date = column_text(st, 4);
  h.id_number = column_text(st, 5);
  h.phone = column_text(st, 6);
  h.village_code = column_text(st, 7);
  return h;
}
constexpr const char* kHitCols = "id, name, name_native, sex, birth_date, id_number, phone, village_code";

std::string joined_pinyin(std::string_view name) {
  std::string s;
  for (const auto& syl : name_syllables(name)) s += syl;
  return s;
}

}  // namespace

std::vector<PlaceRow> list_places(SQLite::Database& db) {
  SQLite::Statement st(db, "SELECT code, name, level, parent_code FROM place WHERE deleted = 0 ORDER BY code");
  std::vector<PlaceRow> out;
  while (st.executeStep()) out.push_back({column_text(st, 0), column_text(st, 1), column_text(st, 2), column_text(st, 3)});
  return out;
}

std::vector<TeamRow> list_teams(SQLite::Database& db) {
  SQLite::Statement st(db, "SELECT id, name, origin_hospital FROM team WHERE deleted = 0 ORDER BY name");
  std::vector<TeamRow> out;
  while (st.executeStep()) out.push_back({column_text(st, 0), column_text(st, 1), column_text(st, 2)});
  return out;
}

std::vector<MemberRow> list_members(SQLite::Database& db, std::string_view team_id) {
  SQLite::Statement st(db,
                       "SELECT id, team_id, name, role, specialty, coalesce(pin_hash, '') <> '' FROM member "
                       "WHERE deleted = 0 AND active = 1 "
                       "AND (?1 = '' OR team_id = ?1) ORDER BY name");
  st.bind(1, std::string(team_id));
  std::vector<MemberRow> out;
  while (st.executeStep())
    out.push_back({column_text(st, 0), column_text(st, 1), column_text(st, 2), column_text(st, 3), column_text(st, 4),
                   st.getColumn(5).getInt() != 0});
  return out;
}

std::vector<json> recent_clinic_days(SQLite::Database& db, int limit) {
  SQLite::Statement st(db, "SELECT id FROM clinic_day WHERE deleted = 0 ORDER BY date DESC, rid DESC LIMIT ?");
  st.bind(1, limit);
  std::vector<json> out;
  const EntitySpec& spec = *find_entity("clinic_day");
  while (st.executeStep())
    if (auto r = read_record(db, spec, st.getColumn(0).getString())) out.push_back(std::move(*r));
  return out;
}

std::vector<HouseholdRow> households_in(SQLite::Database& db, std::string_view village_prefix, int limit) {
  SQLite::Statement st(db,
                       "SELECT id, village_code, head_name, address, phone FROM household WHERE deleted = 0 "
                       "AND village_code >= ?1 AND village_code < ?2 ORDER BY head_name, rid LIMIT ?3");
  st.bind(1, std::string(village_prefix));
  st.bind(2, std::string(village_prefix) + "\x7f");
  st.bind(3, limit);
  std::vector<HouseholdRow> out;
  while (st.executeStep()) out.push_back({column_text(st, 0), column_text(st, 1), column_text(st, 2), column_text(st, 3), column_text(st, 4), {}});
  SQLite::Statement pm(db, std::string("SELECT ") + kHitCols +
                               " FROM patient WHERE deleted = 0 AND merged_into IS NULL AND household_id = ? ORDER BY birth_date");
  for (auto& h : out) {
    pm.reset();
    pm.bind(1, h.id);
    while (pm.executeStep()) h.members.push_back(hit_row(pm));
  }
  return out;
}

std::vector<DuplicateHit> possible_duplicates(SQLite::Database& db, const PatientFacts& typed, int limit) {
  std::vector<DuplicateHit> out;
  std::set<std::string> seen{typed.id};
  auto consider = [&](PatientHit h) {
    if (seen.count(h.id)) return;
    const PatientFacts on_file{h.id, h.name, h.name_native, h.sex, h.birth_date, h.id_number, h.village_code};
    if (auto m = match_registration(typed, on_file)) {
      seen.insert(h.id);
      out.push_back({std::move(h), std::move(*m)});
    }
  };
  if (!typed.id_number.empty()) {
    SQLite::Statement st(db, std::string("SELECT ") + kHitCols +
                                 " FROM patient WHERE deleted = 0 AND merged_into IS NULL AND id_number = ? LIMIT ?");
    st.bind(1, typed.id_number);
    st.bind(2, limit);
    while (st.executeStep()) consider(hit_row(st));
  }
  // The search index finds the same reading (卓玛 / 卓嘛) in a prefix range,
  // and the native name; the rule keeps whole-name matches only.
  const std::string reading = joined_pinyin(typed.name);
  if (!typed.name.empty())
    for (auto& h : search_patients(db, reading.empty() ? typed.name : reading, 200)) consider(std::move(h));
  if (!typed.name_native.empty())
    for (auto& h : search_patients(db, typed.name_native, 200)) consider(std::move(h));
  std::stable_sort(out.begin(), out.end(),
                   [](const DuplicateHit& l, const DuplicateHit& r) { return l.match.score > r.match.score; });
  if (static_cast<int>(out.size()) > limit) out.resize(static_cast<size_t>(std::max(limit, 0)));
  return out;
}

std::map<std::string, double> dispensed_on_day(SQLite::Database& db, std::string_view day_id) {
  SQLite::Statement st(db,
                       "SELECT item, SUM(quantity) FROM dispense d WHERE d.deleted = 0 AND (d.clinic_day_id = ?1 "
                       "OR d.encounter_id IN (SELECT id FROM encounter WHERE clinic_day_id = ?1) "
                       "OR d.home_visit_id IN (SELECT id FROM home_visit WHERE clinic_day_id = ?1)) GROUP BY item");
  st.bind(1, std::string(day_id));
  std::map<std::string, double> out;
  while (st.executeStep()) out[st.getColumn(0).getString()] = st.getColumn(1).getDouble();
  return out;
}

namespace {
// Calls `f(cp)` for each code point above U+007F of valid UTF-8 in `s`
// (invalid bytes are skipped).
template <class F>
void each_code_point(std::string_view s, F&& f) {
  for_each_code_point(s, [&](char32_t cp) {
    if (cp >= 0x80) f(static_cast<uint32_t>(cp));
  });
}
}  // namespace

std::vector<uint32_t> utf8_code_points(std::string_view s) {
  std::vector<uint32_t> out;
  std::set<uint32_t> seen;
  each_code_point(s, [&](uint32_t cp) {
    if (seen.insert(cp).second) out.push_back(cp);
  });
  return out;
}

std::vector<uint32_t> name_code_points(SQLite::Database& db) {
  std::set<uint32_t> all;
  for (const char* sql : {"SELECT name FROM place", "SELECT name FROM member", "SELECT head_name FROM household",
                          "SELECT name FROM team", "SELECT name FROM patient"}) {
    SQLite::Statement st(db, sql);
    while (st.executeStep()) {
      const SQLite::Column c = st.getColumn(0);
      if (c.isNull()) continue;
      each_code_point(std::string_view(c.getText(), static_cast<size_t>(c.getBytes())),
                      [&](uint32_t cp) { all.insert(cp); });
    }
  }
  return {all.begin(), all.end()};
}

}  // namespace yz
