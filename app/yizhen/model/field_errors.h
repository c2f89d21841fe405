#pragma once
// Validation problems as the forms show them: under the field they concern,
// in the user's language. Shared by every form of the field app.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/base/errors.h"

namespace yz::app {

using json = nlohmann::json;

// Field key -> message in the user's language (no field name: it is shown
// next to the field).
using FieldErrors = std::map<std::string, std::string>;

// The message for one problem without its field label.
std::string problem_text(const FieldError& e, Lang lang);
// Place each problem under its field; a field's first problem wins.
// `prefix` is prepended to every field name ("vital.sbp.").
void place_errors(const std::vector<FieldError>& errors, Lang lang, FieldErrors& out, const std::string& prefix = {});

}  // namespace yz::app
