#pragma once
// Parsing JSON text into nlohmann values, fast: simdjson parses, and what it
// parsed is built as the nlohmann value nlohmann's own parser would make.
// A batch body (~650 KB) parses in about a third of nlohmann's time
// (BENCHMARKS.md, issue 13, eighth pass). Whatever simdjson refuses goes to
// nlohmann's parser, so what is accepted, and how, stays nlohmann's; the one
// difference is "-0", read as an unsigned 0 (equal, and written out the
// same).

#include <nlohmann/json.hpp>

#include <string_view>

namespace yz {

// The value of `text`, or a discarded value (is_discarded()) when `text` is
// not JSON, as nlohmann::json::parse(text, nullptr, false) answers. No limit
// on size or depth is applied: for text from outside, sync's parse_limited
// checks those first and then calls this.
nlohmann::json parse_json(std::string_view text);

}  // namespace yz
