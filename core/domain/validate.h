#pragma once
// Field validators shared by every record kind. Each takes the field name (for
// the error) and returns the normalised value or the problem. Nothing here
// touches the database.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/base/dates.h"  // is_real_date, used with these validators
#include "core/base/errors.h"
#include "core/base/utf8.h"   // trim, utf8_length: every validator trims its input

namespace yz {

// Either a normalised value or what is wrong with the input.
template <class T>
using Checked = std::variant<T, FieldError>;

// Date check: real, not after `today`, not before 1900-01-01.
Checked<std::string> check_past_date(std::string_view field, std::string_view value, std::string_view today);
// "YYYY-MM-DD HH:MM" (seconds optional).
bool is_datetime(std::string_view s);

// Mainland mobile (11 digits, 1[3-9]x) or landline with area code (0xx…);
// spaces, dashes and a +86 / 0086 prefix are removed.
Checked<std::string> check_phone(std::string_view field, std::string_view value);

// Age in whole years, 0 to 120.
std::optional<FieldError> check_age(std::string_view field, long long age);
// Estimated birth date for an age given on `today`: the same day `age` years
// earlier (Feb 29 becomes Feb 28).
std::string birth_date_from_age(int age, std::string_view today);
// Whole years between a birth date and `on` (both YYYY-MM-DD; see
// age_in_years in core/base/dates.h, which this is).
int age_on(std::string_view birth_date, std::string_view on);

// GB/T 2260 division code: 6 (county), 9 (township) or 12 (village) digits
// whose first two are a province; or a provisional township or village code
// (9 or 12 characters: the parent's digits and three capital letters).
Checked<std::string> check_place_code(std::string_view field, std::string_view value);
bool is_province_code(int two_digits);

// GB 3304 ethnicity code, two digits ("04" 藏族); a single digit is padded.
Checked<std::string> check_ethnicity(std::string_view field, std::string_view value);
// Chinese and English name of an ethnicity code; empty if unknown.
std::string_view ethnicity_name(std::string_view code, Lang lang);

// ICD-10 code shape: letter, two digits, optional .digits ("I10", "E11.9").
bool is_icd10(std::string_view code);

}  // namespace yz

namespace yz {

// A name as people see it (patient, household head, staff, team, place):
// refuses control characters (C0, DEL, C1: ANSI escapes among them), the
// bidirectional embeddings, overrides and isolates U+202A–202E and
// U+2066–2069 (they reorder what follows: U+202E shows "exe.txt" for
// "txt.exe"), invalid UTF-8, and text with nothing visible (only spaces or
// zero-width characters). Codes: control_char, bidi_control, invisible_text.
std::optional<FieldError> check_display_name(std::string_view field, std::string_view value);

}  // namespace yz
