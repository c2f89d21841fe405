#include "core/care/home_visit.h"

#include "core/base/prefixed_errors.h"

namespace yz {

std::string create_household(Writer& w, const json& fields) { return w.create("household", fields); }

std::string create_household(Store& store, const json& fields) {
  std::string id;
  store.transact([&](Writer& w) { id = create_household(w, fields); });
  return id;
}

RecordedHomeVisit record_home_visit(Writer& w, const HomeVisitInput& in) {
  if (!in.fields.is_object()) throw ValidationError(FieldError{"fields", "bad_type", {"a JSON object"}});
  const bool has_new = !in.new_household.is_null();
  if (in.fields.contains("household_id") || (has_new && !in.household_id.empty()))
    throw ValidationError(FieldError{"household_id", "household_twice"});
  if (!has_new && in.household_id.empty()) throw ValidationError(FieldError{"household_id", "required"});
  if (has_new && !in.new_household.is_object()) throw ValidationError(FieldError{"household", "not_object"});

  RecordedHomeVisit out;
  if (has_new) {
    out.household_id = with_field_prefix("household.", [&] { return w.create("household", in.new_household); });
    out.household_created = true;
  } else {
    out.household_id = in.household_id;
  }
  json v = in.fields;
  v["household_id"] = out.household_id;
  out.home_visit_id = w.create("home_visit", v);

  const json& patients = in.fields.contains("patients") ? in.fields["patients"] : json::array();
  for (size_t i = 0; i < in.items.size(); ++i) {
    const std::string prefix = "items." + std::to_string(i);
    json d = in.items[i];
    if (!d.is_object()) throw ValidationError(FieldError{prefix, "not_object"});
    d["home_visit_id"] = out.home_visit_id;
    if (!d.contains("clinic_day_id") && in.fields.contains("clinic_day_id"))
      d["clinic_day_id"] = in.fields["clinic_day_id"];
    if (!d.contains("patient_id") && patients.is_array() && patients.size() == 1) d["patient_id"] = patients[0];
    out.item_ids.push_back(with_field_prefix(prefix + ".", [&] { return w.create("dispense", d); }));
  }
  return out;
}

RecordedHomeVisit record_home_visit(Store& store, const HomeVisitInput& in) {
  RecordedHomeVisit out;
  store.transact([&](Writer& w) { out = record_home_visit(w, in); });
  return out;
}

}  // namespace yz
