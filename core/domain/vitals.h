#pragma once
// Observation kinds (vitals and bedside tests): canonical unit, the plausible
// range a value must fall in to be saved, and the usual range outside of which
// the app shows a warning. Plausible ranges are wide on purpose: SpO2 of
// 80-88 % is normal at 4,500 m, haemoglobin runs high on the plateau.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/base/errors.h"

namespace yz {

struct VitalKind {
  std::string_view code;   // "sbp"
  std::string_view zh;     // "收缩压"
  std::string_view en;     // "Systolic BP"
  std::string_view unit;   // "mmHg"
  double min, max;         // plausible: outside is refused
  double low, high;        // usual: outside is flagged (low == high: no flag)
  int decimals;            // how many decimals to show
};

std::span<const VitalKind> vital_kinds();
const VitalKind* find_vital(std::string_view code);

// Canonical unit for `unit` typed as an accepted alias ("次/分" -> "bpm",
// "C" -> "°C"), or empty when it is not a unit of that kind.
std::string canonical_unit(const VitalKind& kind, std::string_view unit);

// The problem with a value of `kind` in `unit`, for field "value" / "unit".
std::optional<FieldError> check_vital(std::string_view kind, double value, std::string_view unit);

enum class VitalFlag { normal, low, high };
VitalFlag flag_vital(const VitalKind& kind, double value);

}  // namespace yz
