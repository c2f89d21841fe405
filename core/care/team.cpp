#include "core/care/team.h"

#include <SQLiteCpp/Statement.h>

#include <nlohmann/json.hpp>

#include "core/base/errors.h"
#include "core/care/places.h"
#include "core/domain/validate.h"

namespace yz {

namespace {

constexpr const char* kTeamKey = "team.id";
constexpr const char* kStationsKey = "team.stations";
constexpr const char* kEnrolledTeamKey = "sync.team_id";

std::string team_id_of(Store& store) {
  if (auto t = store.setting(kEnrolledTeamKey); t && !t->empty()) return *t;
  return store.setting(kTeamKey).value_or("");
}

}  // namespace

std::string init_team(Store& store, const TeamInit& in) {
  if (!team_id_of(store).empty()) {
    const auto t = current_team(store);
    throw ValidationError(FieldError{"team", "team_exists", {t ? t->name : team_id_of(store)}});
  }
  const std::string name = trim(in.name);
  if (name.empty()) throw ValidationError(FieldError{"name", "required"});
  const std::string county_in = trim(in.county);
  if (county_in.empty()) throw ValidationError(FieldError{"county", "required"});
  const auto checked = check_place_code("county", county_in);
  if (auto* e = std::get_if<FieldError>(&checked)) throw ValidationError(*e);
  const auto county = find_place(store.db(), std::get<std::string>(checked));
  if (!county) throw ValidationError(FieldError{"county", "unknown_place", {county_in}});
  // A prefecture-level city without counties (东莞市) is worked as a county.
  if (county->code.size() != 6 || county->level == "province")
    throw ValidationError(FieldError{"county", "not_county", {county->name}});
  json stations = json::array();
  for (const auto& s : in.stations) {
    const std::string t = trim(s);
    if (t.empty()) continue;
    if (utf8_length(t) > 50) throw ValidationError(FieldError{"stations", "too_long", {"50"}});
    stations.push_back(t);
  }
  std::string id;
  store.transact([&](Writer& w) {
    json fields = {{"name", name}, {"area_code", county->code}};
    if (!trim(in.hospital).empty()) fields["origin_hospital"] = trim(in.hospital);
    id = w.create("team", fields);
    store.set_setting(kTeamKey, id);
    store.set_setting(kStationsKey, stations.dump());
  });
  return id;
}

std::optional<TeamInfo> current_team(Store& store) {
  const std::string id = team_id_of(store);
  if (id.empty()) return std::nullopt;
  TeamInfo t;
  t.id = id;
  t.enrolled = !store.setting(kEnrolledTeamKey).value_or("").empty();
  if (auto rec = store.get("team", id); rec && !(*rec)["deleted"].get<bool>()) {
    t.name = (*rec)["name"].is_string() ? (*rec)["name"].get<std::string>() : "";
    t.origin_hospital = (*rec)["origin_hospital"].is_string() ? (*rec)["origin_hospital"].get<std::string>() : "";
    t.area_code = (*rec)["area_code"].is_string() ? (*rec)["area_code"].get<std::string>() : "";
  }
  const json stations = json::parse(store.setting(kStationsKey).value_or("[]"), nullptr, false);
  if (stations.is_array())
    for (const auto& s : stations)
      if (s.is_string()) t.stations.push_back(s.get<std::string>());
  return t;
}

bool needs_first_start(Store& store) {
  if (!team_id_of(store).empty()) return false;
  return store.db().execAndGet("SELECT count(*) FROM team WHERE deleted = 0").getInt() == 0;
}

std::string add_member(Store& store, std::string_view name, std::string_view role, std::string_view specialty) {
  const std::string team = team_id_of(store);
  if (team.empty()) throw ValidationError(FieldError{"team", "no_team"});
  std::string id;
  store.transact([&](Writer& w) { id = add_team_member(w, team, name, role, specialty); });
  return id;
}

std::string add_team_member(Writer& w, std::string_view team_id, std::string_view name, std::string_view role,
                            std::string_view specialty, std::string_view phone) {
  // Staff a team sets up in the field; admins are the server's accounts.
  if (role != "clinician" && role != "nurse" && role != "coordinator" && role != "village_doctor")
    throw ValidationError(FieldError{"role", "bad_option", {std::string(kFieldRoles)}});
  json fields = {{"team_id", std::string(team_id)}, {"name", std::string(name)}, {"role", std::string(role)}};
  if (!trim(specialty).empty()) fields["specialty"] = std::string(specialty);
  if (!trim(phone).empty()) fields["phone"] = std::string(phone);
  return w.create("member", fields);
}

std::string create_team(Writer& w, std::string_view name, std::string_view hospital, std::string_view area_code) {
  if (trim(name).empty()) throw ValidationError(FieldError{"name", "required"});
  json fields = {{"name", trim(name)}, {"area_code", std::string(area_code)}};
  if (!trim(hospital).empty()) fields["origin_hospital"] = trim(hospital);
  return w.create("team", fields);
}

int attach_to_server_team(Store& store, const std::string& server_team_id) {
  const std::string offline = store.setting(kTeamKey).value_or("");
  if (offline.empty() || offline == server_team_id || server_team_id.empty()) return 0;
  int moved = 0;
  store.transact_synced([&](SQLite::Database& db) {
    // Only a team made here and never sent is an offline team (a device
    // enrolled again into another team keeps what the server gave it).
    SQLite::Statement mine(db, "SELECT 1 FROM outbox WHERE entity = 'team' AND record_id = ? AND batch_id IS NULL");
    mine.bind(1, offline);
    if (!mine.executeStep()) {
      store.set_setting(kTeamKey, server_team_id);
      return;
    }
    // Only records whose changes are all still unsealed: their batch body is
    // built from the record when it is sealed, so rewriting the row is
    // rewriting what will be sent.
    for (const char* table : {"member", "clinic_day", "device"}) {
      SQLite::Statement st(db, std::string("UPDATE ") + table + " SET team_id = ?1 WHERE team_id = ?2 AND id NOT IN "
                               "(SELECT record_id FROM outbox WHERE entity = '" + table + "' AND batch_id IS NOT NULL)");
      st.bind(1, server_team_id);
      st.bind(2, offline);
      moved += st.exec();
    }
    // The offline team goes only when it never left and nothing points to it.
    SQLite::Statement kept(db, "SELECT 1 FROM outbox WHERE entity = 'team' AND record_id = ?1 AND batch_id IS NOT NULL "
                               "UNION ALL SELECT 1 FROM member WHERE team_id = ?1 UNION ALL SELECT 1 FROM clinic_day "
                               "WHERE team_id = ?1 UNION ALL SELECT 1 FROM device WHERE team_id = ?1");
    kept.bind(1, offline);
    if (!kept.executeStep()) {
      for (const char* sql : {"DELETE FROM outbox WHERE entity = 'team' AND record_id = ?",
                              "DELETE FROM field_clock WHERE entity = 'team' AND record_id = ?",
                              "DELETE FROM team WHERE id = ?"}) {
        SQLite::Statement del(db, sql);
        del.bind(1, offline);
        del.exec();
      }
    }
    store.set_setting("team.offline_id", offline);
    store.set_setting(kTeamKey, server_team_id);
  });
  return moved;
}

}  // namespace yz
