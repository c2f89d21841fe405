#pragma once
// Limits checked on raw bytes before any JSON is parsed (DESIGN.md §5):
// nlohmann/json recurses when it copies, dumps or destroys a value, so a
// very deep document would overflow the stack after a successful parse.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace yz::sync {

struct JsonLimits {
  size_t max_bytes = 16u << 20;  // whole document
  int max_depth = 32;            // nested arrays and objects
  size_t max_records = 5000;     // objects at depth 3: the changes of a batch
};

// A document refused for its size or shape, or not JSON at all. `code` is
// "too_large", "too_deep", "too_many" or "bad_json".
class LimitError : public std::runtime_error {
 public:
  LimitError(std::string code, const std::string& what) : std::runtime_error(what), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// Checks the limits on `text`, then parses it: with simdjson, or, for what
// simdjson refuses, with nlohmann's parser; either way the value and what is
// accepted are nlohmann's (core/base/json_text.h says the one difference, "-0").
// Throws LimitError.
nlohmann::json parse_limited(std::string_view text, const JsonLimits& limits = {});

}  // namespace yz::sync
