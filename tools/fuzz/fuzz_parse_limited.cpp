// libFuzzer: parse_limited (sync/protocol/limits.h) on any bytes. It must
// refuse with LimitError or return a value that can be dumped and destroyed
// without running out of stack.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sync/protocol/limits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto j = yz::sync::parse_limited(std::string_view(reinterpret_cast<const char*>(data), size));
    (void)j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const yz::sync::LimitError&) {
  }
  return 0;
}
