#include "sync/protocol/limits.h"

namespace yz::sync {

// A hand-written scan because the check must happen before the parser runs;
// nlohmann's SAX interface could count depth too, but it would already be
// building values while doing so.
nlohmann::json parse_limited(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes)
    throw LimitError("too_large", "document of " + std::to_string(text.size()) + " bytes is over the limit of " +
                                      std::to_string(limits.max_bytes));
  int depth = 0;
  size_t records = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > limits.max_depth)
        throw LimitError("too_deep", "nesting deeper than " + std::to_string(limits.max_depth) + " levels");
      if (depth == 3 && c == '{' && ++records > limits.max_records)
        throw LimitError("too_many", "more than " + std::to_string(limits.max_records) + " records");
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  nlohmann::json out = nlohmann::json::parse(text, nullptr, false);
  if (out.is_discarded()) throw LimitError("bad_json", "not valid JSON");
  return out;
}

}  // namespace yz::sync
