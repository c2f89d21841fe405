#pragma once
// Message catalogue for validation problems, in Simplified Chinese and English.
// Templates use {} placeholders filled in order from FieldError::args.

#include <string>
#include <string_view>
#include <vector>

#include "core/base/errors.h"

namespace yz {

// The template for `code` in `lang`; the code itself if unknown.
std::string_view message_template(std::string_view code, Lang lang);

// Replace each {} in `tmpl` by the next argument.
std::string format_message(std::string_view tmpl, const std::vector<std::string>& args);

// Human name of a record field ("id_number" -> "身份证号" / "ID number").
std::string_view field_label(std::string_view field, Lang lang);

}  // namespace yz
