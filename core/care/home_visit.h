#pragma once
// Household and home-visit commands (入户诊疗): a household is registered
// once per family; a home visit records who of it was seen, by which team
// members, the services given and the items left, and may register the
// household it goes to (a family the team meets for the first time).
// Encounters during the visit are written with record_encounter
// (core/care/encounter.h), naming the visit's id.
//
// Validation is the store's (core/domain/record_rules.h), the same a synced
// change meets.
//
// Threads: the writer's thread. Errors: ValidationError naming the field
// (nothing written; problems of a household created with the visit are
// named "household.<field>", of the i-th item "items.<i>.<field>"),
// SQLite::Exception.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/store/store.h"

namespace yz {

// Register a household: village_code (required), address, head_name, phone,
// notes. Returns the new id.
std::string create_household(Writer& w, const json& fields);
std::string create_household(Store& store, const json& fields);

struct HomeVisitInput {
  // The household visited, or (household_id empty) the fields of one to
  // register with the visit; exactly one of the two.
  std::string household_id;
  json new_household = nullptr;
  // The home_visit record's own fields: clinic_day_id, visit_date (default
  // today), patients, members, services, notes.
  json fields = json::object();
  // Items left (dispense fields: item, item_kind, quantity, unit,
  // unit_value, given_at); home_visit_id and clinic_day_id are the visit's,
  // patient_id the one patient seen when there is exactly one.
  std::vector<json> items;
};

struct RecordedHomeVisit {
  std::string home_visit_id;
  std::string household_id;  // the one visited, created or not
  bool household_created = false;
  std::vector<std::string> item_ids;
};

RecordedHomeVisit record_home_visit(Writer& w, const HomeVisitInput& in);
RecordedHomeVisit record_home_visit(Store& store, const HomeVisitInput& in);

}  // namespace yz
