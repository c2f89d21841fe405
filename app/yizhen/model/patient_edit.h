#pragma once
// Editing a registered patient (the patient card's "编辑 / Edit"): the form
// starts from the stored record and saves only what differs through
// core/care/patient.h edit_patient, so an edit meets the rules registration
// meets (the store's and the domain's: 身份证 check digit and its agreement
// with sex and birth date, phone, village, a number registered twice) and
// syncs per field. No ImGui: unit-tested in tests/app.
//
// Threads: a form lives on the UI thread; save() runs on the DbWorker with
// a copy of the form.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/yizhen/model/field_errors.h"
#include "core/store/store.h"

namespace yz::app {

struct PatientEditForm {
  std::string patient_id;
  // Every editable field of a patient (core/store/entities.cpp), as typed.
  std::string name, name_native, sex, birth_date, age, id_number, phone, village_code, ethnicity, household_id, notes;
  bool consent = false;
  bool birth_estimated = false;    // as stored (shown beside the birth date)
  json original = json::object();  // the record the form started from
  FieldErrors errors;

  // The form for a patient record as patient_history returns it.
  static PatientEditForm from_record(const json& patient);
  // The fields that differ from the record, as edit_patient takes them: text
  // trimmed, "" clears an optional field; "age" when an age is typed (it
  // then stands for the birth date).
  json changes() const;
  bool changed() const { return !changes().empty(); }
  // Re-check the 身份证 number as typed (the domain's check): the problem
  // goes under the field once 18 characters are typed, and nothing is filled:
  // on saving, the store fills an estimated birth date from a valid card and
  // refuses one that contradicts the sex or an exact birth date.
  void on_id_number_changed(const std::string& today);
  // Save the changes; returns the fields that changed. Throws
  // ValidationError (field names as in this form: "age" and the record's).
  std::vector<std::string> save(Store& store) const;
};

// The label of a patient field for the history of changes, in `lang`.
std::string patient_field_label(const std::string& field, Lang lang);
// One line of the history (core/queries/views.h record_changes): when, who,
// which field, from → to, with codes (sex, ethnicity, village through
// `place_label` when given) shown by their names.
std::string change_line(const json& change, Lang lang,
                        const std::function<std::string(const std::string&)>& place_label = {});

}  // namespace yz::app
