// libFuzzer: parse_limited (sync/protocol/limits.h) on any bytes. It must
// refuse with LimitError or return a value that can be dumped and destroyed
// without running out of stack; and, within the limits, it must take what
// nlohmann's parser takes and give the same value (it parses with simdjson
// first: limits.cpp), written out the same.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sync/protocol/limits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto j = yz::sync::parse_limited(text);
    const auto dumped = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const auto want = nlohmann::json::parse(text, nullptr, false);
    if (want.is_discarded() || want != j ||
        want.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) != dumped)
      __builtin_trap();
  } catch (const yz::sync::LimitError& e) {
    // Refused as not JSON: nlohmann's parser refuses it too.
    if (e.code() == "bad_json" && !nlohmann::json::parse(text, nullptr, false).is_discarded()) __builtin_trap();
  }
  return 0;
}
