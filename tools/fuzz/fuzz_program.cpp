// libFuzzer: the program-definition checker (core/programs parse_program) on
// any JSON document; a definition it accepts is then evaluated with no
// answers. ValidationError is the only way to refuse.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/base/errors.h"
#include "core/programs/programs.h"
#include "sync/protocol/limits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nlohmann::json definition;
  try {
    definition = yz::sync::parse_limited(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const yz::sync::LimitError&) {
    return 0;
  }
  try {
    const yz::ProgramPtr p = yz::parse_program(definition);
    (void)yz::evaluate(*p, yz::Subject{45, "F"}, nlohmann::json::object());
  } catch (const yz::ValidationError&) {
  }
  return 0;
}
