#pragma once
// What the field app's forms hold and do, without any UI: a form's fields,
// the JSON records they become, checks done while typing (身份证 fills birth
// date and sex), validation errors placed next to the field they concern,
// and the transaction a save runs on the writer thread. Unit-tested without
// a window (tests/app).
//
// Threads: a form lives on the UI thread; save() runs on the DbWorker with
// a copy of the form.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/yizhen/model/field_errors.h"
#include "app/yizhen/model/screening.h"
#include "core/base/errors.h"
#include "core/store/store.h"

namespace yz::app {

// ---------------------------------------------------------------------------
// Patient registration.
struct PatientForm {
  std::string name, name_native, sex /* "M" | "F" | "" */, birth_date, age, id_number, phone, village_code,
      ethnicity, household_id;
  bool consent = false;
  bool filled_from_id = false;  // birth date and sex came from the 身份证
  FieldErrors errors;

  // Re-check the 身份证 number as typed: when 18 characters long and valid,
  // fill birth date and sex (the card wins); put the problem under the field
  // otherwise. Returns true when it filled something.
  bool on_id_number_changed(const std::string& today);
  // Checks that need no database: required fields (name, sex, birth date or
  // age, village, consent), the 身份证 number and phone when given.
  bool check(const std::string& today);
  // The fields of a patient record (empty ones left out; age when no birth date).
  json to_fields() const;
  bool empty() const;
  json to_json() const;  // draft
  static PatientForm from_json(const json& j);
  // Register: returns the new id. Throws ValidationError (field names as in
  // this form).
  std::string save(Store& store) const;
};

// ---------------------------------------------------------------------------
// One encounter at a station: vitals, diagnoses, advice, dispensing,
// referral and follow-up, saved in one transaction.
struct Diagnosis {
  std::string code, name;
};
struct DispenseLine {
  std::string item, item_kind = "medicine", unit;
  double quantity = 1, unit_value = 0;
  // A medicine's dose as typed ("5 mg") and frequency code ("tid";
  // core/domain/dosage.h); empty: not given.
  std::string dose = {}, frequency = {};
};
struct EncounterForm {
  std::string patient_id, patient_name, clinic_day_id, home_visit_id, station, clinician_id;
  // The encounter's patient as screening eligibility needs them, carried
  // with the form (and its draft) so they never come from another card.
  std::string patient_sex, patient_birth_date;
  std::string complaint, advice, health_education;
  std::map<std::string, std::string> vitals;  // vital code -> typed value
  std::vector<Diagnosis> diagnoses;
  std::vector<DispenseLine> dispenses;
  bool refer = false;
  std::string refer_to, refer_reason, refer_urgency = "routine";
  bool follow_up = false;
  std::string follow_up_date, follow_up_reason;
  ScreeningForm screening;  // inactive: none; saved in the encounter's transaction
  // Set: saving corrects this encounter (core/care/encounter.h
  // correct_encounter) instead of recording a new one.
  std::string corrects_id;
  FieldErrors errors;

  // The form that corrects `encounter` (an entry of patient_history's
  // "encounters"): its station, clinician, texts, diagnoses and vitals.
  // Dispenses are not copied: those given stay with the encounter they were
  // given in (the correction shows them), and the form's are new ones.
  static EncounterForm correcting(const json& encounter, const std::string& patient_name);

  enum class Flag { none, low, high, refused };
  struct VitalState {
    Flag flag = Flag::none;
    std::string message;  // why it is refused, in the user's language
  };
  // How a typed vital reads: refused (not a number, outside the plausible
  // range), low or high (outside the usual range), or fine.
  static VitalState vital_state(const std::string& code, const std::string& typed, Lang lang);

  // Start the form for the patient of a patient card (patient_history's
  // "patient"): id, name, sex and birth date.
  void set_patient(const json& patient);
  // Whether sex and birth date are known (a draft written before they were
  // carried has neither: the screen reloads the patient).
  bool knows_patient() const { return !patient_sex.empty() && !patient_birth_date.empty(); }

  double dispensed_value() const;  // 元
  void add_diagnosis(const std::string& code, const std::string& name);
  // Adds a line, or one more of an item already on the list.
  void add_dispense(const DispenseLine& line);
  bool check(const std::string& today);
  bool empty() const;
  json to_json() const;
  static EncounterForm from_json(const json& j);
  // Everything in one transaction; returns the encounter id. Throws
  // ValidationError whose field names are this form's keys ("complaint",
  // "vital.sbp", "dispense.0.quantity", "referral.to_facility", …;
  // "screening.<field id>" or "screening" for the screening).
  std::string save(Store& store) const;
};
// Who the encounter's screening is for: its own patient's age on `today`
// and sex, never the card on screen (which may be another patient's).
// nullopt while the form does not know them (see knows_patient).
std::optional<Subject> encounter_subject(const EncounterForm& form, const std::string& today);

// record_screening through `w`, its problems under the keys the encounter
// form shows them ("screening.<field id>", or "screening").
RecordedScreening save_screening(Store& store, Writer& w, const ScreeningInput& in);

// ---------------------------------------------------------------------------
// Opening a clinic day.
struct ClinicDayForm {
  std::string date, place_code, team_id, kind = "yizhen", campaign, notes;
  std::vector<std::string> stations;  // offered
  std::vector<std::string> staff;     // member ids present
  FieldErrors errors;

  bool check();
  json to_fields() const;
  json to_json() const;
  static ClinicDayForm from_json(const json& j);
  std::string save(Store& store) const;
};

// ---------------------------------------------------------------------------
// A home visit to a household.
struct HomeVisitForm {
  std::string household_id, clinic_day_id, notes;
  // A family met for the first time: the household is registered with the
  // visit (core/care/home_visit.h), in `village_code`, instead of picked.
  bool new_household = false;
  std::string village_code, head_name, address, phone;
  std::vector<std::string> patients;  // ids seen
  std::vector<std::string> services;  // from common_services() or typed
  std::vector<DispenseLine> items;
  std::string member_id;  // who visits: the member signed in (AppModel sets it on saving)
  FieldErrors errors;

  bool check();
  json to_json() const;
  static HomeVisitForm from_json(const json& j);
  std::string save(Store& store) const;
};
const std::vector<std::string>& common_services();

}  // namespace yz::app
