// libFuzzer: the expression evaluator, through evaluate() of the built-in
// programs (core/programs): the first byte picks the program, the second
// the subject's age and sex, the rest is the answers as JSON. Expressions
// (derived values, grades, show_if, eligible_when) run on whatever the
// answers hold; ValidationError is the only way to refuse.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/base/errors.h"
#include "core/programs/programs.h"
#include "sync/protocol/limits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const auto programs = yz::builtin_programs();
  const yz::Program& program = *programs[data[0] % programs.size()];
  const yz::Subject subject{data[1] % 121, data[1] & 0x80 ? "M" : "F"};
  nlohmann::json answers;
  try {
    answers = yz::sync::parse_limited(std::string_view(reinterpret_cast<const char*>(data + 2), size - 2));
  } catch (const yz::sync::LimitError&) {
    return 0;
  }
  try {
    (void)yz::evaluate(program, subject, answers);
  } catch (const yz::ValidationError&) {
  }
  return 0;
}
