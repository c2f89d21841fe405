#pragma once
// The dose and frequency of a medicine dispensed (dispense.dose,
// dispense.frequency): what the patient takes each time and how often. Both
// are optional; only a medicine has them (a device or supply given with one is
// refused). The store checks them (core/domain/record_rules.cpp) for local
// saves and synced changes alike; the field app offers the frequencies as
// chips with names from its string tables.

#include <span>
#include <string>
#include <string_view>

#include "core/domain/validate.h"

namespace yz {

// The frequency codes, in the order the app offers them: qd (once a day), bid
// (twice), tid (three times), qid (four times), qn (at night), prn (when
// needed). The dispense record's option list is the same (a test checks).
std::span<const std::string_view> frequency_codes();
bool is_frequency(std::string_view code);
// The codes as an option list, "qd|bid|tid|qid|qn|prn" (for messages).
std::string frequency_options();

// A dose as typed: a positive number (or a range "1-2") and a unit, with or
// without a space ("5mg", "0.5 g", "1 片", "2 喷", "1-2 粒"). Units: mg, g,
// μg (also ug, mcg), ml (mL), IU, U, and the counted forms 片 粒 丸 袋 包 支
// 滴 喷 揿 贴 枚 勺. Returns the dose normalised as "<number> <unit>"
// ("5 mg", "1-2 粒") or FieldError{field, "bad_dose", {typed}}.
Checked<std::string> check_dose(std::string_view field, std::string_view typed);

}  // namespace yz
