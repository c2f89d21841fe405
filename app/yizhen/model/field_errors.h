#pragma once
// Validation problems as the forms show them: under the field they concern,
// in the language of the moment (kept as words, said when drawn: a problem
// showing follows a change of language). Shared by every form of the field
// app.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/yizhen/strings.h"
#include "core/base/errors.h"

namespace yz::app {

using json = nlohmann::json;

// Field key -> the words of its problem (no field name: it is shown next
// to the field).
using FieldErrors = std::map<std::string, Words>;

// The message for one problem without its field label.
std::string problem_text(const FieldError& e, Lang lang);
// The same as words.
Words problem_words(const FieldError& e);
// Place each problem under its field; a field's first problem wins.
// `prefix` is prepended to every field name ("vital.sbp.").
void place_errors(const std::vector<FieldError>& errors, FieldErrors& out, const std::string& prefix = {});
// Each problem said in `lang` (the end-to-end tests' state).
std::map<std::string, std::string> said(const FieldErrors& errors, Lang lang);

}  // namespace yz::app
