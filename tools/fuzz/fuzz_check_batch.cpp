// libFuzzer: check_batch (sync/protocol/batch.h) on any document that passes
// parse_limited: it must answer BatchError for anything that is not a good
// batch, never another exception, a crash or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sync/protocol/batch.h"
#include "sync/protocol/limits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string key(64, '7');
  nlohmann::json batch;
  try {
    batch = yz::sync::parse_limited(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const yz::sync::LimitError&) {
    return 0;
  }
  try {
    yz::sync::check_batch(batch);
    yz::sync::check_batch(batch, key);
  } catch (const yz::sync::BatchError&) {
  }
  return 0;
}
