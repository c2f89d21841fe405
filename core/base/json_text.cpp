#include "core/base/json_text.h"

#include <simdjson.h>

namespace yz {

namespace {

// The value simdjson parsed, as nlohmann's parser would have made it: the
// same types (a non-negative integer is unsigned, a negative one signed),
// the last of a repeated key kept.
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

nlohmann::json parse_json(std::string_view text) {
  // simdjson first. Whatever it refuses (not JSON; or JSON it does not take,
  // such as an integer beyond 64 bits, a byte-order mark, or nesting deeper
  // than its limit of 1024, which also bounds from_simdjson's recursion)
  // goes to nlohmann's parser.
  {
    simdjson::dom::parser parser;
    // realloc_if_needed: copied into a padded buffer (simdjson reads ahead).
    const auto parsed = parser.parse(text.data(), text.size(), true);
    if (!parsed.error()) return from_simdjson(parsed.value_unsafe());
  }
  return nlohmann::json::parse(text, nullptr, false);
}

}  // namespace yz
