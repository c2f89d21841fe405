// The coordinators' changes of patients, written once for both central
// stores over CoordinationSteps (coordination.h): merge two registrations of
// one person and undo a merge, correct a patient's demographic fields, and
// move what a device adds to a merged duplicate. Contracts: central_store.h.

#include <algorithm>

#include "core/base/clock.h"
#include "core/base/errors.h"
#include "core/base/utf8.h"
#include "core/care/patient.h"
#include "core/domain/record_rules.h"
#include "core/store/entities.h"
#include "sync/server/coordination.h"

namespace yz::sync {

namespace {

// A patient a merge or an edit may use: it exists, is not deleted, is no
// tombstone. Its fields (api values); locked to the end of the transaction.
json live_patient(CoordinationSteps& steps, const std::string& id, const std::string& which) {
  const auto p = steps.read_locked(*find_entity("patient"), id);
  if (!p) throw CentralError(404, "unknown_patient", which + ": no patient " + id);
  if ((*p)["deleted"] == true) throw CentralError(409, "deleted", which + ": patient " + id + " was deleted");
  const json& fields = (*p)["fields"];
  if (fields.value("merged_into", json()).is_string())
    throw CentralError(409, "merged", which + ": patient " + id + " was merged into " +
                                          fields["merged_into"].get<std::string>() + " (a tombstone)");
  return fields;
}

// The fields of record `id` (api values), or nullopt when it is gone.
std::optional<json> fields_of(CoordinationSteps& steps, const std::string& entity, const std::string& id) {
  const auto r = steps.read(*find_entity(entity), id);
  if (!r) return std::nullopt;
  json f = (*r)["fields"];
  f["deleted"] = (*r)["deleted"];
  return f;
}

// Every field by which a record belongs to a patient (entities.h:
// by_server fields that refer to patients): a ref (patient_id) or a list
// (a home visit's patients).
std::vector<std::pair<const EntitySpec*, const FieldSpec*>> patient_links() {
  std::vector<std::pair<const EntitySpec*, const FieldSpec*>> out;
  for (const EntitySpec* spec : entities())
    for (const auto& f : spec->fields)
      if (f.by_server && f.extra == "patient" && spec->name != "patient") out.push_back({spec, &f});
  return out;
}

// Point record `id` (its field `f`) from patient `from` to `to`, as a
// server change, and log it under `merge_id`.
void move_link(CoordinationSteps& steps, const std::string& merge_id, const EntitySpec& spec, const FieldSpec& f,
               const std::string& id, const std::string& from, const std::string& to) {
  const std::string entity(spec.name), field(f.name);
  json was = from, set_to = to;
  if (f.type != FieldType::ref) {
    const auto rec = fields_of(steps, entity, id);
    if (!rec) return;
    was = (*rec)[field];
    set_to = json::array();
    for (const auto& p : was) {
      const json v = p == from ? json(to) : p;
      if (std::find(set_to.begin(), set_to.end(), v) == set_to.end()) set_to.push_back(v);
    }
  }
  steps.update(entity, id, {{field, set_to}});
  steps.log_move(merge_id, {entity, id, field, was, set_to});
}

}  // namespace

json merge_json(const MergeRow& m, int64_t moved) {
  return {{"merge_id", m.merge_id},
          {"kept", m.keep_id},
          {"duplicate", m.duplicate_id},
          {"reason", m.reason},
          {"at", datetime_of_ms(m.at_ms)},
          {"moved", moved},
          {"undone_at", m.undone_ms == 0 ? json(nullptr) : json(datetime_of_ms(m.undone_ms))}};
}

json merge_patients(CoordinationSteps& steps, const std::string& keep_id, const std::string& duplicate_id,
                    const std::string& why, const AuditBy& by) {
  const std::string reason = trim(why);
  if (reason.empty())
    throw CentralError(400, "reason_required", "--reason: say why the two records are one person (kept in the audit)");
  if (keep_id == duplicate_id)
    throw CentralError(400, "same_patient", "KEEP_ID and DUPLICATE_ID are the same patient " + keep_id);
  const json keep = live_patient(steps, keep_id, "KEEP_ID");
  const json dup = live_patient(steps, duplicate_id, "DUPLICATE_ID");
  const MergeRow m{steps.new_id(), keep_id, duplicate_id, reason, steps.now_ms(), 0};
  steps.add_merge(m);
  int64_t moved = 0;
  for (const auto& [spec, field] : patient_links())
    for (const auto& id : steps.live_ids(*spec, *field, duplicate_id)) {
      move_link(steps, m.merge_id, *spec, *field, id, duplicate_id, keep_id);
      ++moved;
    }
  // What the kept record lacks, from the duplicate, one field at a time:
  // a 身份证 that contradicts the kept birth date or sex is left out (the
  // record rules refuse it), not the merge.
  json filled = json::array(), left = json::array();
  for (const char* f : {"phone", "id_number", "household_id", "name_native", "ethnicity", "village_code"}) {
    if (!keep.value(f, json()).is_null() || dup.value(f, json()).is_null()) continue;
    try {
      steps.update("patient", keep_id, {{f, dup[f]}});
    } catch (const ValidationError&) {
      left.push_back(f);
      continue;
    }
    steps.log_move(m.merge_id, {"patient", keep_id, f, nullptr, dup[f]});
    filled.push_back(f);
  }
  steps.update("patient", duplicate_id, {{"merged_into", keep_id}});
  steps.audit(by, "update", "patient", duplicate_id,
              {{"verb", "merge"}, {"merged_into", keep_id}, {"merge_id", m.merge_id}, {"reason", reason},
               {"moved", moved}, {"filled", filled}});
  json out = {{"merge_id", m.merge_id}, {"kept", keep_id}, {"duplicate", duplicate_id}, {"moved", moved},
              {"filled", filled}};
  if (!left.empty()) out["not_filled"] = left;
  return out;
}

json undo_merge(CoordinationSteps& steps, const std::string& merge_id, const std::string& why, const AuditBy& by) {
  const auto m = steps.merge(merge_id);
  if (!m) throw CentralError(404, "unknown_merge", "no merge " + merge_id + " (see admin merges)");
  if (m->undone_ms != 0)
    throw CentralError(409, "undone", "merge " + merge_id + " was undone on " + datetime_of_ms(m->undone_ms));
  if (const auto k = fields_of(steps, "patient", m->keep_id); k && (*k)["merged_into"].is_string())
    throw CentralError(409, "kept_merged", "the kept patient " + m->keep_id + " was merged into " +
                                               (*k)["merged_into"].get<std::string>() + " since: undo that merge first");
  if (trim(why).empty())
    throw CentralError(400, "reason_required", "--reason: say why the two records are not one person (kept in the audit)");
  int64_t moved_back = 0, skipped = 0;
  for (const auto& mv : steps.moves(merge_id)) {
    // Each only if still as the merge left it (a later edit stands).
    const auto now = fields_of(steps, mv.entity, mv.record_id);
    if (!now || (*now)["deleted"] == true || (*now)[mv.field] != mv.set_to) {
      ++skipped;
      continue;
    }
    steps.update(mv.entity, mv.record_id, {{mv.field, mv.was}});
    ++moved_back;
  }
  steps.update("patient", m->duplicate_id, {{"merged_into", nullptr}});
  steps.set_merge_undone(merge_id, steps.now_ms());
  steps.audit(by, "update", "patient", m->duplicate_id,
              {{"verb", "undo_merge"}, {"unmerged_from", m->keep_id}, {"merge_id", merge_id}, {"reason", trim(why)},
               {"moved_back", moved_back}, {"skipped", skipped}});
  return {{"merge_id", merge_id}, {"restored", m->duplicate_id}, {"kept", m->keep_id}, {"moved_back", moved_back},
          {"skipped", skipped}};
}

json edit_patient(CoordinationSteps& steps, const std::string& id, const json& u, const AuditBy& by) {
  const json before = live_patient(steps, id, "ID");
  json differ = json::object();
  for (const auto& [k, v] : u.items())
    if (before.value(k, json()) != v) differ[k] = v;
  // The 身份证 rule across patients, as a laptop applies it.
  const auto number = differ.find("id_number");
  const auto was = before.find("id_number");
  const auto holder = [&](const std::string& n) -> std::optional<std::string> {
    const EntitySpec& patient = *find_entity("patient");
    for (const auto& other : steps.live_ids(patient, *patient.field("id_number"), n)) {
      if (other == id) continue;
      const auto f = fields_of(steps, "patient", other);
      if (f && !f->value("merged_into", json()).is_string()) return f->value("name", std::string());
    }
    return std::nullopt;
  };
  if (auto e = id_number_taken(number == differ.end() ? nullptr : &*number, was == before.end() ? nullptr : &*was, holder))
    throw ValidationError(std::move(*e));
  if (!differ.empty()) steps.update("patient", id, differ);
  const json after = live_patient(steps, id, "ID");
  json changed = json::array();
  for (const auto& [k, v] : u.items())
    if (k != "birth_estimated" && before.value(k, json()) != after.value(k, json())) changed.push_back(k);
  steps.audit(by, "update", "patient", id, {{"verb", "edit"}, {"fields", changed}});
  return {{"id", id}, {"changed", changed}};
}

// A record a device added to a merged duplicate before it heard of the
// merge (it was offline): moved to the kept patient as it arrives, as a
// server change that goes back to that device too, and logged with the
// merge so that undo moves it back with the rest.
void follow_merges(CoordinationSteps& steps, const std::string& entity, const std::string& id) {
  const EntitySpec* spec = find_entity(entity);
  if (!spec || entity == "patient") return;
  for (const auto& f : spec->fields) {
    if (!f.by_server || f.extra != "patient") continue;
    for (const auto& [dup, into] : steps.merged_patients_named(*spec, f, id)) {
      // The live end of a chain of merges.
      std::string to = into;
      for (int hops = 0; hops < 100; ++hops) {
        const auto p = fields_of(steps, "patient", to);
        if (!p || !(*p)["merged_into"].is_string()) break;
        to = (*p)["merged_into"].get<std::string>();
      }
      move_link(steps, steps.open_merge_of(dup), *spec, f, id, dup, to);
    }
  }
}

// The store's members: each in one write transaction of the store.
json CentralStore::merge_patients(const std::string& keep_id, const std::string& duplicate_id,
                                  const std::string& reason, const AuditBy& by) {
  return coordinate(
      [&](CoordinationSteps& s) { return yz::sync::merge_patients(s, keep_id, duplicate_id, reason, by); });
}

json CentralStore::undo_merge(const std::string& merge_id, const std::string& reason, const AuditBy& by) {
  return coordinate([&](CoordinationSteps& s) { return yz::sync::undo_merge(s, merge_id, reason, by); });
}

json CentralStore::edit_patient(const std::string& id, const json& fields, const AuditBy& by) {
  if (!fields.is_object() || fields.empty())
    throw CentralError(400, "bad_request",
                       "fields: give at least one of name, phone, id_number, birth_date, sex, village_code");
  for (const auto& item : fields.items()) {
    const std::string& k = item.key();
    const json& v = item.value();
    if (std::find(std::begin(kPatientEditable), std::end(kPatientEditable), k) == std::end(kPatientEditable))
      throw CentralError(400, "not_editable",
                         k + ": a coordinator corrects only name, phone, id_number, birth_date, sex and village_code");
    if (!v.is_string() && !v.is_null()) throw ValidationError(FieldError{k, "bad_type", {"text"}});
  }
  json u = prepared_patient_edit(fields, date_of_ms(SystemClock().now_ms()));
  for (auto& [k, v] : u.items())
    if (v.is_string() && trim(v.get<std::string>()).empty()) v = nullptr;  // "" clears
  return coordinate([&](CoordinationSteps& s) { return yz::sync::edit_patient(s, id, u, by); });
}

}  // namespace yz::sync
