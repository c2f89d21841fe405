// parse_json (core/base/json_text.h): simdjson's parse, built as nlohmann's
// parser would build it, and nlohmann's answer for what simdjson refuses.

#include <doctest/doctest.h>

#include <string>

#include "core/base/json_text.h"

using nlohmann::json;

TEST_CASE("parse_json gives nlohmann's value, types included, on both of its paths") {
  const char* const kTexts[] = {
      R"({"batch_id":"0190a0b0-0000-7000-8000-000000000001","changes":[{"entity":"patient","fields":{"name":"卓玛","age":-3,"n":7,"x":1.5,"ok":true,"none":null}}]})",
      R"({"a":1,"a":2})",            // a repeated key keeps the last
      "18446744073709551616",         // beyond 64 bits: refused by simdjson, a float for nlohmann
      "\xEF\xBB\xBF{\"bom\":1}",      // a byte-order mark: nlohmann skips it
      R"("\u00e9\ud83d\ude00")",
  };
  for (const std::string text : kTexts) {
    CAPTURE(text);
    const json fast = yz::parse_json(text);
    const json slow = json::parse(text, nullptr, false);
    CHECK(fast == slow);
    CHECK(fast.dump() == slow.dump());
    CHECK(fast.type() == slow.type());
  }
  const json v = yz::parse_json(R"({"n":7,"m":-7})");
  CHECK(v["n"].is_number_unsigned());
  CHECK(v["m"].is_number_integer());
  CHECK_FALSE(v["m"].is_number_unsigned());
}

TEST_CASE("parse_json says what is not JSON as nlohmann's parse does: a discarded value") {
  for (const std::string text : {"", "{", "{\"a\":}", "[1,]", "nul", "{\"a\":1} trailing"}) {
    CAPTURE(text);
    CHECK(yz::parse_json(text).is_discarded());
  }
}
