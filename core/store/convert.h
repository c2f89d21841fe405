#pragma once
// Turning an input value into its stored form, field by field, by the entity
// descriptors (entities.h). Shared by local saves (Store) and by changes that
// arrive through sync (changes.h), so a record is held to the same rules
// whichever way it comes in.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/store/entities.h"
#include "core/base/errors.h"

namespace yz {

using json = nlohmann::json;

// A record being checked: field name -> value in stored form.
using RecordFields = std::map<std::string, json, std::less<>>;

// Lists, texts lists, diagnoses and JSON objects are stored as JSON text.
bool is_json_type(FieldType t);

// `v` in its stored form (string, number or null), or null with an error
// naming the field appended to `errs`. Empty text is null. `today`
// (YYYY-MM-DD) bounds past dates and 身份证 birth dates.
json convert_field(const FieldSpec& f, const json& v, const std::string& today, std::vector<FieldError>& errs);

// Rules across fields of one record that need no database: vitals within
// their plausible range (and the unit made canonical), dispensed quantities,
// a place code's length matching its level.
void check_record_rules(const EntitySpec& spec, RecordFields& rec, std::vector<FieldError>& errs);

}  // namespace yz
