#include "sync/protocol/limits.h"

#include <cstring>

#include "core/base/json_text.h"

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
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      // To the quote that ends the string: one preceded by an even run of
      // backslashes (memchr skips the text between quotes in bulk).
      for (;;) {
        const void* q = std::memchr(text.data() + i + 1, '"', text.size() - i - 1);
        if (!q) {
          i = text.size();
          break;
        }
        i = static_cast<size_t>(static_cast<const char*>(q) - text.data());
        size_t run = 0;
        while (text[i - 1 - run] == '\\') ++run;
        if (run % 2 == 0) break;
      }
    } else if (c == '{' || c == '[') {
      if (++depth > limits.max_depth)
        throw LimitError("too_deep", "nesting deeper than " + std::to_string(limits.max_depth) + " levels");
      if (depth == 3 && c == '{' && ++records > limits.max_records)
        throw LimitError("too_many", "more than " + std::to_string(limits.max_records) + " records");
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  // Parsed by simdjson (core/base/json_text.h): nlohmann's parser (its
  // lexer) was a quarter of the CPU of reading a batch on the server
  // (BENCHMARKS.md, issue 13, eighth pass).
  nlohmann::json out = parse_json(text);
  if (out.is_discarded()) throw LimitError("bad_json", "not valid JSON");
  return out;
}

}  // namespace yz::sync
