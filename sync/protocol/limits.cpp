#include "sync/protocol/limits.h"

#include <simdjson.h>

#include <cstring>

namespace yz::sync {

namespace {

// The value simdjson parsed, as nlohmann's parser would have made it: the
// same types (a non-negative integer is unsigned, a negative one signed),
// the last of a repeated key kept. One difference: "-0" comes out unsigned
// 0 where nlohmann makes it signed 0 (equal, and written out the same).
// Depth is bounded by parse_limited's scan.
nlohmann::json from_simdjson(simdjson::dom::element e) {
  using Type = simdjson::dom::element_type;
  switch (e.type()) {
    case Type::OBJECT: {
      nlohmann::json out = nlohmann::json::object();
      auto& members = out.get_ref<nlohmann::json::object_t&>();
      for (const auto field : simdjson::dom::object(e))
        // Hinted at the end: a document written by nlohmann's dump (every
        // device's) has its keys in order, so each goes in without a search.
        members.insert_or_assign(members.end(), std::string(field.key), from_simdjson(field.value));
      return out;
    }
    case Type::ARRAY: {
      nlohmann::json out = nlohmann::json::array();
      auto& items = out.get_ref<nlohmann::json::array_t&>();
      for (const auto item : simdjson::dom::array(e)) items.push_back(from_simdjson(item));
      return out;
    }
    case Type::STRING:
      return std::string(std::string_view(e));
    case Type::INT64: {
      const int64_t v = int64_t(e);
      return v >= 0 ? nlohmann::json(static_cast<uint64_t>(v)) : nlohmann::json(v);
    }
    case Type::UINT64:
      return uint64_t(e);
    case Type::DOUBLE:
      return double(e);
    case Type::BOOL:
      return bool(e);
    case Type::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

}  // namespace

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
  // simdjson first: nlohmann's parser (its lexer) was a quarter of the CPU
  // of reading a batch on the server (BENCHMARKS.md, issue 13, eighth pass).
  // Whatever simdjson refuses (not JSON; or JSON it does not take, such as
  // an integer beyond 64 bits or a byte-order mark) goes to nlohmann's
  // parser, so what is accepted, and how, stays nlohmann's.
  {
    simdjson::dom::parser parser;
    // realloc_if_needed: copied into a padded buffer (simdjson reads ahead).
    const auto parsed = parser.parse(text.data(), text.size(), true);
    if (!parsed.error()) return from_simdjson(parsed.value_unsafe());
  }
  nlohmann::json out = nlohmann::json::parse(text, nullptr, false);
  if (out.is_discarded()) throw LimitError("bad_json", "not valid JSON");
  return out;
}

}  // namespace yz::sync
