// libFuzzer: check_batch (sync/protocol/batch.h) on any document that passes
// parse_limited, with and without the device's key; and, for a sealed USB
// batch file, check_batch_file and open_batch_file with the server's box
// keys, then the opened batch checked in turn. Each must answer BatchError
// for anything that is not good, never another exception, a crash or
// undefined behaviour. The keys are fuzz_keys.h's: the seeds are signed and
// sealed with them (fuzz_make_seeds), so mutations reach the checks past
// the signature and the seal.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sync/protocol/batch.h"
#include "sync/protocol/limits.h"
#include "tools/fuzz/fuzz_keys.h"

namespace {
void check(const nlohmann::json& batch) {
  try {
    yz::sync::check_batch(batch);
    yz::sync::check_batch(batch, std::string(yz::fuzz::kDevicePublic));
  } catch (const yz::sync::BatchError&) {
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const yz::sync::KeyPair server_box{yz::fuzz::kServerBoxPublic, yz::fuzz::kServerBoxSecret};
  nlohmann::json doc;
  try {
    doc = yz::sync::parse_limited(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const yz::sync::LimitError&) {
    return 0;
  }
  if (!doc.is_object() || doc.value("format", nlohmann::json()) != yz::sync::kSealedBatchFormat) {
    check(doc);
    return 0;
  }
  try {
    yz::sync::check_batch_file(doc);
    const std::string text = yz::sync::open_batch_file(doc, server_box);
    check(yz::sync::parse_limited(text));
  } catch (const yz::sync::BatchError&) {
  } catch (const yz::sync::LimitError&) {
  }
  return 0;
}
