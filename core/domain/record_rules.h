#pragma once
// The rules every record is held to (DESIGN.md §4), whether it is saved on
// this device or arrives by sync: a local save (Store, through RecordRules of
// core/store/rules.h) and a synced change (ChangeApplier, core/replication/
// changes.h) both turn each field with convert_field and then check the whole
// record with check_record_rules, so a record refused here is refused there
// (and quarantined with its reason).

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/base/errors.h"
#include "core/store/entities.h"
#include "core/store/rules.h"

namespace yz {

using json = nlohmann::json;

// `v` in its stored form (string, number or null), or null with an error
// naming the field appended to `errs`. Empty text is null. `today`
// (YYYY-MM-DD) bounds past dates and 身份证 birth dates.
json convert_field(const FieldSpec& f, const json& v, const std::string& today, std::vector<FieldError>& errs);

// The rules across the fields of one whole record that need no database:
// a patient's sex and birth date agree with the 身份证 number (and are filled
// from it when missing, or when the birth date was only estimated), vitals
// within their plausible range (and the unit made canonical), dispensed
// quantities, a place code's length matching its level, required fields.
void check_record_rules(const EntitySpec& spec, RecordFields& rec, const std::string& today,
                        std::vector<FieldError>& errs);

// The 身份证 rule across patients: a number a patient is given (registered
// with, or changed to) is refused when another live patient (not deleted,
// not merged into another) holds it: the two are one person, for a
// coordinator to merge, not a number to copy. Only a number that changes is
// checked, so a duplicate registration awaiting its merge stays editable.
// `number`/`was`: the patient's id_number now and before (null pointers:
// none). `holder(number)`: the name of another live patient holding it, if
// any (each store's own lookup). The error (duplicate_id) names her. The
// device's store (check_local) and the central store's coordinator edit
// both ask here.
using IdNumberHolder = std::function<std::optional<std::string>(const std::string& number)>;
std::optional<FieldError> id_number_taken(const json* number, const json* was, const IdNumberHolder& holder);

// These rules and the patient search index as the store asks for them.
// One instance for the process; see open_store (core/domain/open_store.h).
const RecordRules& record_rules();

}  // namespace yz
