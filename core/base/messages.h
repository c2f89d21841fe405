#pragma once
// Message catalogue of core/, in Simplified Chinese and English: validation
// problems, field names, and the words core's lists, exports and reports
// show (status and result labels, report headings). Templates use {}
// placeholders filled in order. The app's own screens have their tables in
// app/yizhen/strings.cpp; nothing chooses a language inline.

#include <string>
#include <string_view>
#include <vector>

#include "core/base/errors.h"

namespace yz {

// The template for `code` in `lang`; the code itself if unknown.
std::string_view message_template(std::string_view code, Lang lang);

// Replace each {} in `tmpl` by the next argument.
std::string format_message(std::string_view tmpl, const std::vector<std::string>& args);

// The language's code as stored in preferences and sent in requests: "zh" or "en".
const char* lang_code(Lang lang);

// A word or heading of core's output by key ("list_sep", "report.title"); the
// key itself if unknown.
std::string_view word(std::string_view key, Lang lang);
// The label of `value` in a group of labels ("follow_up_status", "due" ->
// "待随访" / "due"; "entity", "encounter" -> "就诊" / "encounter"); `value`
// itself if the group has none for it.
std::string_view word(std::string_view group, std::string_view value, Lang lang);

// Human name of a record field ("id_number" -> "身份证号" / "ID number").
std::string_view field_label(std::string_view field, Lang lang);

}  // namespace yz
