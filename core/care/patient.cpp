#include "core/care/patient.h"

#include "core/domain/record_rules.h"
#include "core/store/entities.h"

namespace yz {

std::string register_patient(Writer& w, const json& fields) { return w.create("patient", fields); }

std::string register_patient(Store& store, const json& fields) {
  std::string id;
  store.transact([&](Writer& w) { id = register_patient(w, fields); });
  return id;
}

json prepared_patient_edit(const json& changes, std::string_view today) {
  if (!changes.is_object()) throw ValidationError(FieldError{"fields", "bad_type", {"a JSON object"}});
  json u = changes;
  if (u.contains("age")) {
    // An age instead of a birth date: estimated as at registration, by the
    // same rule (record_rules prepare_new), which refuses both at once.
    json a = {{"age", u["age"]}};
    if (u.contains("birth_date")) a["birth_date"] = u["birth_date"];
    std::vector<FieldError> errs;
    record_rules().prepare_new(*find_entity("patient"), a, std::string(today), errs);
    if (!errs.empty()) throw ValidationError(std::move(errs));
    u.erase("age");
    if (a.contains("birth_estimated")) {
      u["birth_date"] = a["birth_date"];
      u["birth_estimated"] = true;
    }
  }
  // A birth date typed in is known, not estimated from an age.
  if (u.contains("birth_date") && !u.contains("birth_estimated")) u["birth_estimated"] = false;
  return u;
}

std::vector<std::string> edit_patient(Store& store, Writer& w, std::string_view id, const json& changes) {
  if (!changes.is_object()) throw ValidationError(FieldError{"fields", "bad_type", {"a JSON object"}});
  auto before = store.get("patient", id);
  if (!before || before->value("deleted", false)) throw NotFound("patient", std::string(id));
  const json u = prepared_patient_edit(changes, store.today());
  w.update("patient", id, u);
  const auto after = store.get("patient", id);
  std::vector<std::string> changed;
  for (const auto& [k, v] : after->items())
    if (k != "hlc" && (!before->contains(k) || (*before)[k] != v)) changed.push_back(k);
  return changed;
}

std::vector<std::string> edit_patient(Store& store, std::string_view id, const json& changes) {
  std::vector<std::string> changed;
  store.transact([&](Writer& w) { changed = edit_patient(store, w, id, changes); });
  return changed;
}

}  // namespace yz
