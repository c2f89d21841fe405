// libFuzzer: check_receipt (sync/protocol/batch.h) on any document that
// passes parse_limited, against the server key of fuzz_keys.h (the
// protocol-2 seed is signed with it): BatchError or success, nothing else.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sync/protocol/batch.h"
#include "sync/protocol/limits.h"
#include "tools/fuzz/fuzz_keys.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string key(yz::fuzz::kServerSignPublic);
  nlohmann::json receipt;
  try {
    receipt = yz::sync::parse_limited(std::string_view(reinterpret_cast<const char*>(data), size),
                                      yz::sync::JsonLimits{16u << 20, 32, 100000});
  } catch (const yz::sync::LimitError&) {
    return 0;
  }
  try {
    yz::sync::check_receipt(receipt, key);
  } catch (const yz::sync::BatchError&) {
  }
  return 0;
}
