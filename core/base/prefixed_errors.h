#pragma once
// For commands that save several records at once (an encounter with its
// vitals, a home visit with its household): the problems of one part are
// named after that part ("observations.2.value", "household.village_code"),
// so that a form shows each under its own widget.

#include <string>
#include <utility>
#include <vector>

#include "core/base/errors.h"

namespace yz {

// Run `fn`; a ValidationError it throws is thrown again with `prefix` put
// before every field name. Anything else passes through unchanged.
template <class Fn>
auto with_field_prefix(const std::string& prefix, Fn&& fn) -> decltype(fn()) {
  try {
    return std::forward<Fn>(fn)();
  } catch (const ValidationError& e) {
    std::vector<FieldError> errs = e.errors();
    for (auto& fe : errs) fe.field = prefix + fe.field;
    throw ValidationError(std::move(errs));
  }
}

}  // namespace yz
