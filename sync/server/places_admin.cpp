// The coordinators' changes of places and programs, written once for both
// central stores over CoordinationSteps (coordination.h): import a county's
// list, reconcile a provisional place with an official one, publish a
// screening program version. Contracts: central_store.h.

#include "core/base/errors.h"
#include "core/care/places.h"
#include "core/domain/places.h"
#include "core/programs/programs.h"
#include "core/store/entities.h"
#include "sync/server/coordination.h"

namespace yz::sync {

namespace {

// The live place record with this code, oldest first (find_place's rule),
// as its id and fields; nullopt when none.
std::optional<std::pair<std::string, json>> place_record(CoordinationSteps& steps, std::string_view code) {
  const EntitySpec& place = *find_entity("place");
  for (const auto& id : steps.live_ids(place, *place.field("code"), std::string(code)))
    if (const auto r = steps.read(place, id)) return std::pair{id, (*r)["fields"]};
  return std::nullopt;
}

// find_place (core/care/places.h) over this store's place records, then the
// compiled-in divisions.
std::optional<PlaceInfo> known_place(CoordinationSteps& steps, std::string_view code) {
  if (const auto r = place_record(steps, code)) {
    const json& f = r->second;
    auto text = [&](const char* k) { return f.value(k, json()).is_string() ? f[k].get<std::string>() : std::string(); };
    return held_place(text("code"), text("name"), text("level"), text("parent_code"), r->first);
  }
  return find_reference_place(code);
}

}  // namespace

json import_places(CoordinationSteps& steps, std::string_view csv, const AuditBy& by) {
  const std::vector<ListedPlace> places =
      parse_place_list([&steps](std::string_view code) { return known_place(steps, code); }, csv);
  int64_t created = 0, renamed = 0, unchanged = 0;
  for (const auto& p : places) {
    const auto held = place_record(steps, p.code);
    if (!held) {
      steps.create("place", steps.new_id(),
                   {{"code", p.code}, {"name", p.name}, {"level", p.level}, {"parent_code", p.parent_code}});
      ++created;
    } else if (held->second.value("name", json()) != p.name) {
      steps.update("place", held->first, {{"name", p.name}});
      ++renamed;
    } else {
      ++unchanged;
    }
  }
  steps.audit(by, "import", "place", "", {{"created", created}, {"renamed", renamed}, {"unchanged", unchanged}});
  return {{"created", created}, {"renamed", renamed}, {"unchanged", unchanged}};
}

json reconcile_place(CoordinationSteps& steps, const std::string& provisional, const std::string& official,
                     const AuditBy& by) {
  if (!is_provisional_place_code(provisional))
    throw CentralError(400, "bad_code", provisional + " is not a provisional place code");
  if (is_provisional_place_code(official) || place_level_of(official).empty())
    throw CentralError(400, "bad_code", official + " is not an official place code");
  if (place_level_of(official) != place_level_of(provisional))
    throw CentralError(409, "level_mismatch", provisional + " is a " + place_level_of(provisional) + ", " + official +
                                                  " a " + place_level_of(official));
  if (!known_place(steps, official))
    throw CentralError(404, "unknown_place", "no place " + official + " (import the county's list first)");
  const auto prov = place_record(steps, provisional);
  const auto known = steps.reconciled(provisional);
  if (known && *known != official)
    throw CentralError(409, "already_reconciled", provisional + " was reconciled with " + *known);
  if (!known && !prov) throw CentralError(404, "unknown_place", "no provisional place " + provisional);
  // Every record that uses the code (a place's own code never changes: the
  // provisional place is deleted instead).
  int64_t moved = 0;
  const std::pair<const char*, const char*> uses[] = {
      {"patient", "village_code"}, {"household", "village_code"}, {"clinic_day", "place_code"}, {"place", "parent_code"}};
  for (const auto& [entity, field] : uses) {
    const EntitySpec& spec = *find_entity(entity);
    const auto ids = steps.live_ids(spec, *spec.field(field), provisional);
    for (const auto& id : ids) steps.update(entity, id, {{field, official}});
    moved += static_cast<int64_t>(ids.size());
  }
  if (prov) steps.remove("place", prov->first);
  steps.add_reconciled(provisional, official);
  steps.audit(by, "update", "place", provisional, {{"official", official}, {"moved", moved}});
  return {{"moved", moved}, {"provisional", provisional}, {"official", official}};
}

json publish_program(CoordinationSteps& steps, const json& definition, const AuditBy& by) {
  const ProgramPtr p = new_program_version(
      definition, [&steps](const std::string& id, int version) { return steps.program_definition(id, version); });
  if (!p) return {{"published", false}};
  steps.add_program(*p, p->definition.dump());
  steps.audit(by, "import", "program", p->id + "@" + std::to_string(p->version), json::object());
  return {{"published", true}};
}

// The store's members: each in one write transaction of the store.
json CentralStore::import_places(std::string_view csv) {
  return coordinate([&](CoordinationSteps& s) { return yz::sync::import_places(s, csv, AuditBy{}); });
}

json CentralStore::reconcile_place(const std::string& provisional, const std::string& official) {
  return coordinate(
      [&](CoordinationSteps& s) { return yz::sync::reconcile_place(s, provisional, official, AuditBy{}); });
}

bool CentralStore::publish_program(const json& definition) {
  return coordinate([&](CoordinationSteps& s) { return yz::sync::publish_program(s, definition, AuditBy{}); })
      .value("published", false);
}

}  // namespace yz::sync
