#include "core/care/encounter.h"

#include <SQLiteCpp/Statement.h>

#include "core/base/prefixed_errors.h"

namespace yz {

namespace {

bool given(const json& j, const char* key) { return j.contains(key) && !j[key].is_null(); }

// The encounter (superseding `supersedes` when not empty), then its entries.
RecordedEncounter write_encounter(Writer& w, const EncounterInput& in, std::string_view supersedes) {
  if (!in.fields.is_object()) throw ValidationError(FieldError{"fields", "bad_type", {"a JSON object"}});
  if (in.fields.contains("supersedes_id")) throw ValidationError(FieldError{"supersedes_id", "not_editable"});
  const json& f = in.fields;
  RecordedEncounter out;
  if (supersedes.empty()) {
    out.encounter_id = w.create("encounter", f);
  } else {
    json e = f;
    e["supersedes_id"] = std::string(supersedes);
    out.encounter_id = w.create("encounter", e);
  }
  for (size_t i = 0; i < in.observations.size(); ++i) {
    const std::string prefix = "observations." + std::to_string(i);
    json o = in.observations[i];
    if (!o.is_object()) throw ValidationError(FieldError{prefix, "not_object"});
    o["patient_id"] = f.value("patient_id", json());
    o["encounter_id"] = out.encounter_id;
    if (!given(o, "taken_at") && given(f, "seen_at")) o["taken_at"] = f["seen_at"];
    out.observation_ids.push_back(with_field_prefix(prefix + ".", [&] { return w.create("observation", o); }));
  }
  for (size_t i = 0; i < in.dispenses.size(); ++i) {
    const std::string prefix = "dispenses." + std::to_string(i);
    json d = in.dispenses[i];
    if (!d.is_object()) throw ValidationError(FieldError{prefix, "not_object"});
    d["encounter_id"] = out.encounter_id;
    for (const char* k : {"patient_id", "clinic_day_id", "home_visit_id"})
      if (!given(d, k) && given(f, k)) d[k] = f[k];
    if (!given(d, "given_at") && given(f, "seen_at")) d["given_at"] = f["seen_at"];
    out.dispense_ids.push_back(with_field_prefix(prefix + ".", [&] { return w.create("dispense", d); }));
  }
  return out;
}

}  // namespace

RecordedEncounter record_encounter(Writer& w, const EncounterInput& in) { return write_encounter(w, in, {}); }

RecordedEncounter record_encounter(Store& store, const EncounterInput& in) {
  RecordedEncounter out;
  store.transact([&](Writer& w) { out = record_encounter(w, in); });
  return out;
}

RecordedEncounter correct_encounter(Store& store, Writer& w, std::string_view id, const EncounterInput& corrected) {
  if (!corrected.fields.is_object()) throw ValidationError(FieldError{"fields", "bad_type", {"a JSON object"}});
  const auto original = store.get("encounter", id);
  if (!original) throw NotFound("encounter", std::string(id));
  if ((*original)["deleted"].get<bool>()) throw ValidationError(FieldError{"encounter_id", "deleted"});
  if (given(corrected.fields, "patient_id") && corrected.fields["patient_id"] != (*original)["patient_id"])
    throw ValidationError(FieldError{"patient_id", "not_editable"});

  EncounterInput in = corrected;
  for (const auto& [k, v] : original->items()) {
    if (k == "id" || k == "hlc" || k == "deleted" || k == "supersedes_id" || v.is_null()) continue;
    if (!in.fields.contains(k)) in.fields[k] = v;
  }
  RecordedEncounter out = write_encounter(w, in, id);
  // The original's observations go with it; its dispenses stay (see header).
  SQLite::Statement st(store.db(), "SELECT id FROM observation WHERE encounter_id = ? AND deleted = 0");
  st.bind(1, std::string(id));
  std::vector<std::string> observations;
  while (st.executeStep()) observations.push_back(st.getColumn(0).getString());
  st.reset();
  for (const auto& o : observations) w.remove("observation", o);
  w.remove("encounter", id);
  return out;
}

RecordedEncounter correct_encounter(Store& store, std::string_view id, const EncounterInput& corrected) {
  RecordedEncounter out;
  store.transact([&](Writer& w) { out = correct_encounter(store, w, id, corrected); });
  return out;
}

}  // namespace yz
