#pragma once
// Patient commands: register a patient and edit one. The one door the field
// app, yizhenctl and the demo use to write a patient, so a rule added here
// holds for all of them. The rules a patient record is held to (required
// fields, the 身份证 number's check digit, its agreement with sex and birth
// date, a number registered twice) are the store's and the domain's
// (core/domain/record_rules.h), the same a synced change meets; these
// commands add only what an edit means.
//
// Threads: the writer's thread. Errors: ValidationError naming the field
// (nothing written), NotFound (edit of an unknown or deleted patient),
// SQLite::Exception.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/store/store.h"

namespace yz {

// Register a patient from the fields of the patient record (name, sex,
// birth_date, id_number, phone, village_code, ethnicity, household_id,
// name_native, consent, notes), or "age" in years instead of a birth date
// (the birth date is then estimated). A 身份证 number fills a missing birth
// date and sex. Returns the new id.
std::string register_patient(Writer& w, const json& fields);
std::string register_patient(Store& store, const json& fields);

// Change editable fields of a patient (`changes`: field -> new value; null
// or "" clears an optional field). A birth date given here is exact (its
// "estimated" mark is cleared); "age" in years instead estimates it as
// registration does (both at once: "age", "birth_or_age"). A new 身份证
// number must agree with the patient's sex and exact birth date (an
// estimated birth date takes the card's). Every change is audited with the
// value before and after (core/queries/views.h record_changes). Returns the
// names of the fields that changed (none: nothing was written).
std::vector<std::string> edit_patient(Store& store, Writer& w, std::string_view id, const json& changes);
std::vector<std::string> edit_patient(Store& store, std::string_view id, const json& changes);

// What an edit of `changes` writes (the rule edit_patient applies, shared
// with the central store's coordinator edit): "age" becomes an estimated
// birth date as at `today`; a birth date typed in is exact. Throws
// ValidationError (birth_or_age, a bad age), nothing else checked here:
// the record's own rules judge the fields when they are written.
json prepared_patient_edit(const json& changes, std::string_view today);

}  // namespace yz
