#include "core/store/entities.h"

#include <array>

namespace yz {

namespace {
using T = FieldType;

constexpr FieldSpec status_field(FieldSpec f) {
  f.status = true;
  return f;
}

// The patient a record belongs to, or a tombstone's kept patient: moved by
// the server's merge only (FieldSpec::by_server).
constexpr FieldSpec by_server(FieldSpec f) {
  f.by_server = true;
  return f;
}

constexpr std::array kTeam{
    FieldSpec{"name", T::text, true, true},
    FieldSpec{"origin_hospital", T::text, false, true},
    // A GB/T 2260 prefix of 2 to 12 digits, set by the server alone
    // (sync/server/teams.h is_area_code checks it there).
    FieldSpec{"area_code", T::text, false, true, {}, {}, 12},
};
constexpr std::array kMember{
    FieldSpec{"team_id", T::ref, true, false, "team"},
    FieldSpec{"name", T::text, true, true, {}, {}, 50},
    FieldSpec{"role", T::option, true, true, "clinician|nurse|coordinator|admin|village_doctor"},
    FieldSpec{"specialty", T::text, false, true},
    FieldSpec{"phone", T::phone, false, true},
    FieldSpec{"active", T::boolean, false, true, {}, "1"},
    // The sign-in PIN's Argon2id hash (crypto_pwhash_str; core/care/staff_pin.h),
    // never the PIN; synced with the rest of the member (schema v10).
    FieldSpec{"pin_hash", T::text, false, true, {}, {}, 200},
};
constexpr std::array kDevice{
    FieldSpec{"team_id", T::ref, true, true, "team"},
    FieldSpec{"name", T::text, true, true},
    FieldSpec{"enrolled_at", T::datetime, false, true},
};
constexpr std::array kPlace{
    FieldSpec{"code", T::place_code, true, false},
    FieldSpec{"name", T::text, true, true},
    FieldSpec{"level", T::option, true, false, "province|prefecture|county|township|village"},
    FieldSpec{"parent_code", T::place_code, false, true},
    FieldSpec{"altitude_m", T::integer, false, true},
};
constexpr std::array kClinicDay{
    FieldSpec{"date", T::date, true, false},
    FieldSpec{"place_code", T::place_code, true, true},  // editable: a provisional village is reconciled
    FieldSpec{"team_id", T::ref, true, false, "team"},
    FieldSpec{"kind", T::option, true, false, "yizhen|circuit|screening|home_visits"},
    FieldSpec{"campaign", T::text, false, true},
    FieldSpec{"stations", T::text_list, false, true},
    FieldSpec{"staff", T::id_list, false, true, "member"},
    status_field(FieldSpec{"status", T::option, false, true, "open|closed", "open"}),
    FieldSpec{"notes", T::text, false, true, {}, {}, 2000},
    FieldSpec{"closed_at", T::datetime, false, true},
};
constexpr std::array kHousehold{
    FieldSpec{"village_code", T::place_code, true, true},
    FieldSpec{"address", T::text, false, true},
    FieldSpec{"head_name", T::text, false, true, {}, {}, 50},
    FieldSpec{"phone", T::phone, false, true},
    FieldSpec{"notes", T::text, false, true, {}, {}, 2000},
};
constexpr std::array kPatient{
    FieldSpec{"name", T::text, true, true, {}, {}, 50},
    FieldSpec{"name_native", T::text, false, true, {}, {}, 100},
    FieldSpec{"sex", T::option, true, true, "M|F"},
    FieldSpec{"birth_date", T::past_date, true, true},
    FieldSpec{"birth_estimated", T::boolean, false, true, {}, "0"},
    FieldSpec{"id_number", T::id_number, false, true},
    FieldSpec{"ethnicity", T::ethnicity, false, true},
    FieldSpec{"phone", T::phone, false, true},
    FieldSpec{"village_code", T::place_code, false, true},
    FieldSpec{"household_id", T::ref, false, true, "household"},
    FieldSpec{"consent", T::boolean, false, true, {}, "0"},
    FieldSpec{"notes", T::text, false, true, {}, {}, 2000},
    // A duplicate registration merged by a coordinator: the patient it was
    // merged into (schema v12). Set and cleared (undo) by the server alone.
    by_server(FieldSpec{"merged_into", T::ref, false, false, "patient"}),
};
constexpr std::array kHomeVisit{
    FieldSpec{"household_id", T::ref, true, false, "household"},
    FieldSpec{"clinic_day_id", T::ref, false, false, "clinic_day"},
    FieldSpec{"visit_date", T::past_date, true, false, {}, "today"},
    by_server(FieldSpec{"patients", T::id_list, false, false, "patient"}),
    FieldSpec{"members", T::id_list, false, false, "member"},
    FieldSpec{"services", T::text_list, false, false},
    FieldSpec{"notes", T::text, false, true, {}, {}, 2000},
};
constexpr std::array kEncounter{
    by_server(FieldSpec{"patient_id", T::ref, true, false, "patient"}),
    FieldSpec{"clinic_day_id", T::ref, false, false, "clinic_day"},
    FieldSpec{"home_visit_id", T::ref, false, false, "home_visit"},
    FieldSpec{"station", T::text, false, false, {}, {}, 50},
    FieldSpec{"clinician_id", T::ref, false, false, "member"},
    FieldSpec{"seen_at", T::datetime, true, false, {}, "now"},
    FieldSpec{"complaint", T::text, false, false, {}, {}, 2000},
    FieldSpec{"diagnoses", T::diagnoses, false, false},
    FieldSpec{"advice", T::text, false, false, {}, {}, 2000},
    FieldSpec{"health_education", T::text, false, false, {}, {}, 2000},
    // The encounter this one corrects (core/care/encounter.h): clinical facts
    // are never edited; a correction is a new record that supersedes.
    FieldSpec{"supersedes_id", T::ref, false, false, "encounter"},
};
constexpr std::array kObservation{
    by_server(FieldSpec{"patient_id", T::ref, true, false, "patient"}),
    FieldSpec{"encounter_id", T::ref, false, false, "encounter"},
    FieldSpec{"kind", T::text, true, false, {}, {}, 40},
    FieldSpec{"value", T::real, true, false},
    FieldSpec{"unit", T::text, true, false, {}, {}, 20},
    FieldSpec{"taken_at", T::datetime, true, false, {}, "now"},
};
constexpr std::array kDispense{
    by_server(FieldSpec{"patient_id", T::ref, false, false, "patient"}),
    FieldSpec{"encounter_id", T::ref, false, false, "encounter"},
    FieldSpec{"clinic_day_id", T::ref, false, false, "clinic_day"},
    FieldSpec{"home_visit_id", T::ref, false, false, "home_visit"},
    FieldSpec{"item", T::text, true, false, {}, {}, 100},
    FieldSpec{"item_kind", T::option, true, false, "medicine|device|supply"},
    FieldSpec{"quantity", T::real, true, false},
    FieldSpec{"unit", T::text, true, false, {}, {}, 20},
    FieldSpec{"unit_value", T::real, true, false},
    FieldSpec{"given_at", T::datetime, true, false, {}, "now"},
    // A medicine's dose and frequency (core/domain/dosage.h; schema v9).
    FieldSpec{"dose", T::text, false, false, {}, {}, 30},
    FieldSpec{"frequency", T::option, false, false, "qd|bid|tid|qid|qn|prn"},
};
constexpr std::array kScreening{
    by_server(FieldSpec{"patient_id", T::ref, true, false, "patient"}),
    FieldSpec{"program_id", T::text, true, false, {}, {}, 60},
    FieldSpec{"program_version", T::integer, true, false},
    FieldSpec{"clinic_day_id", T::ref, false, false, "clinic_day"},
    FieldSpec{"encounter_id", T::ref, false, false, "encounter"},
    FieldSpec{"answers", T::json_object, false, false},
    FieldSpec{"result", T::option, true, false, "negative|positive|suspected|incomplete"},
    FieldSpec{"risk_grade", T::text, false, false, {}, {}, 40},
    FieldSpec{"next_step", T::text, false, false, {}, {}, 500},
    FieldSpec{"screened_at", T::datetime, true, false, {}, "now"},
    // Who screened: the member signed in on the device (schema v10).
    FieldSpec{"clinician_id", T::ref, false, false, "member"},
};
constexpr std::array kReferral{
    by_server(FieldSpec{"patient_id", T::ref, true, false, "patient"}),
    FieldSpec{"screening_id", T::ref, false, false, "screening"},
    FieldSpec{"encounter_id", T::ref, false, false, "encounter"},
    FieldSpec{"to_facility", T::text, true, true},
    FieldSpec{"reason", T::text, true, false, {}, {}, 500},
    FieldSpec{"urgency", T::option, false, true, "routine|urgent|emergency", "routine"},
    status_field(FieldSpec{"status", T::option, false, true, "advised|contacted|arrived|outcome|lost", "advised"}),
    FieldSpec{"appointment_date", T::date, false, true},
    FieldSpec{"outcome", T::text, false, true, {}, {}, 1000},
};
constexpr std::array kFollowUp{
    by_server(FieldSpec{"patient_id", T::ref, true, false, "patient"}),
    FieldSpec{"screening_id", T::ref, false, false, "screening"},
    FieldSpec{"referral_id", T::ref, false, false, "referral"},
    FieldSpec{"due_date", T::date, true, true},
    FieldSpec{"reason", T::text, true, false, {}, {}, 500},
    status_field(FieldSpec{"status", T::option, false, true, "due|done|overdue|lost", "due"}),
    FieldSpec{"result", T::text, false, true, {}, {}, 1000},
    FieldSpec{"done_date", T::past_date, false, true},
};

constexpr EntitySpec kTeamE{"team", kTeam, false};
constexpr EntitySpec kMemberE{"member", kMember, false};
constexpr EntitySpec kDeviceE{"device", kDevice, false};
constexpr EntitySpec kPlaceE{"place", kPlace, false};
constexpr EntitySpec kClinicDayE{"clinic_day", kClinicDay, false};
constexpr EntitySpec kHouseholdE{"household", kHousehold, false};
constexpr EntitySpec kPatientE{"patient", kPatient, false};
constexpr EntitySpec kHomeVisitE{"home_visit", kHomeVisit, false};
constexpr EntitySpec kEncounterE{"encounter", kEncounter, true};
constexpr EntitySpec kObservationE{"observation", kObservation, true};
constexpr EntitySpec kDispenseE{"dispense", kDispense, true};
constexpr EntitySpec kScreeningE{"screening", kScreening, true};
constexpr EntitySpec kReferralE{"referral", kReferral, false};
constexpr EntitySpec kFollowUpE{"follow_up", kFollowUp, false};

constexpr std::array<const EntitySpec*, 14> kEntities{
    &kTeamE,      &kMemberE,      &kDeviceE,       &kPlaceE,    &kClinicDayE,
    &kHouseholdE, &kPatientE,     &kHomeVisitE,    &kEncounterE, &kObservationE,
    &kDispenseE,  &kScreeningE,   &kReferralE,     &kFollowUpE,
};
}  // namespace

const FieldSpec* EntitySpec::field(std::string_view n) const {
  for (const auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

std::span<const EntitySpec* const> entities() { return kEntities; }

const EntitySpec* find_entity(std::string_view name) {
  for (const auto* e : kEntities)
    if (e->name == name) return e;
  return nullptr;
}

}  // namespace yz
