#pragma once
// Encounter commands: one patient seen at a station of a clinic day or in a
// home visit, with the vitals measured (observations) and what was given
// (dispenses), written together; and the correction of an encounter.
// Encounters and observations are clinical facts (DESIGN.md §5): never
// edited. A correction is a new encounter that names the one it supersedes
// (supersedes_id); the corrected encounter and its observations become
// tombstones, so lists, summaries and reports count the correction alone,
// while their rows and audit stay, and sync carries both.
//
// Validation is the store's (core/domain/record_rules.h: plausible vitals,
// units, ICD-10 codes, positive quantities), the same a synced change meets.
//
// Threads: the writer's thread. Errors: ValidationError naming the field
// (nothing written; problems of the i-th observation or dispense are named
// "observations.<i>.<field>" and "dispenses.<i>.<field>"), NotFound (the
// encounter to correct), SQLite::Exception.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/store.h"

namespace yz {

struct EncounterInput {
  // The encounter record's fields: patient_id (required), clinic_day_id,
  // home_visit_id, station, clinician_id, seen_at, complaint, diagnoses,
  // advice, health_education. No supersedes_id: correct_encounter sets it.
  json fields = json::object();
  // Each: kind, value, unit (taken_at optional: the encounter's seen_at).
  // patient_id and encounter_id are the encounter's.
  std::vector<json> observations;
  // Each: the dispense record's fields (item, item_kind, quantity, unit,
  // unit_value, given_at); patient_id, encounter_id, clinic_day_id and
  // home_visit_id are the encounter's unless given.
  std::vector<json> dispenses;
};

struct RecordedEncounter {
  std::string encounter_id;
  std::vector<std::string> observation_ids, dispense_ids;  // in input order
};

// Write the encounter, then its observations and dispenses, through `w`.
RecordedEncounter record_encounter(Writer& w, const EncounterInput& in);
RecordedEncounter record_encounter(Store& store, const EncounterInput& in);

// Correct the live encounter `id`: write `corrected` as a new encounter that
// supersedes it, with its own observations and dispenses (the whole
// corrected set). Fields `corrected` leaves out are taken from the original
// (patient, clinic day, home visit, station, clinician, seen_at, and the
// texts; a field given as null is cleared); a different patient is refused (field "patient_id",
// "not_editable"). The original and its observations become tombstones;
// dispenses, screenings, referrals and follow-ups made with it stay (goods
// given and decisions taken have commands of their own). An encounter
// already corrected is refused (field "encounter_id", "deleted"): correct
// the correction instead.
RecordedEncounter correct_encounter(Store& store, Writer& w, std::string_view id, const EncounterInput& corrected);
RecordedEncounter correct_encounter(Store& store, std::string_view id, const EncounterInput& corrected);

}  // namespace yz
