#include "core/domain/vitals.h"

#include <array>
#include <cstdio>

namespace yz {

namespace {
constexpr std::array kVitals{
    VitalKind{"sbp", "收缩压", "Systolic BP", "mmHg", 40, 300, 90, 139, 0},
    VitalKind{"dbp", "舒张压", "Diastolic BP", "mmHg", 20, 200, 60, 89, 0},
    VitalKind{"pulse", "脉搏", "Pulse", "bpm", 20, 250, 60, 100, 0},
    VitalKind{"spo2", "血氧饱和度", "SpO2", "%", 50, 100, 85, 100, 0},
    VitalKind{"glucose_fasting", "空腹血糖", "Fasting glucose", "mmol/L", 1.0, 35.0, 3.9, 6.0, 1},
    VitalKind{"glucose_random", "随机血糖", "Random glucose", "mmol/L", 1.0, 35.0, 3.9, 11.0, 1},
    VitalKind{"temperature", "体温", "Temperature", "°C", 30.0, 45.0, 36.0, 37.3, 1},
    VitalKind{"respiration", "呼吸", "Respiration", "/min", 4, 80, 12, 20, 0},
    VitalKind{"height", "身高", "Height", "cm", 30, 250, 0, 0, 1},
    VitalKind{"weight", "体重", "Weight", "kg", 1, 300, 0, 0, 1},
    VitalKind{"waist", "腰围", "Waist", "cm", 30, 200, 0, 0, 1},
    VitalKind{"hemoglobin", "血红蛋白", "Haemoglobin", "g/L", 20, 260, 110, 185, 0},
    VitalKind{"hba1c", "糖化血红蛋白", "HbA1c", "%", 3, 20, 4, 6.5, 1},
};

struct Alias {
  std::string_view unit, alias;
};
constexpr std::array kAliases{
    Alias{"bpm", "次/分"}, Alias{"bpm", "/min"}, Alias{"/min", "次/分"}, Alias{"/min", "bpm"},
    Alias{"°C", "C"},      Alias{"°C", "℃"},     Alias{"mmol/L", "mmol/l"}, Alias{"g/L", "g/l"},
    Alias{"mmHg", "mmhg"},
};

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}
}  // namespace

std::span<const VitalKind> vital_kinds() { return kVitals; }

const VitalKind* find_vital(std::string_view code) {
  for (const auto& k : kVitals)
    if (k.code == code) return &k;
  return nullptr;
}

std::string canonical_unit(const VitalKind& kind, std::string_view unit) {
  if (unit == kind.unit) return std::string(kind.unit);
  for (const auto& a : kAliases)
    if (a.unit == kind.unit && a.alias == unit) return std::string(kind.unit);
  return {};
}

std::optional<FieldError> check_vital(std::string_view kind_code, double value, std::string_view unit) {
  const VitalKind* kind = find_vital(kind_code);
  if (!kind) return FieldError{"kind", "unknown_kind", {std::string(kind_code)}};
  if (canonical_unit(*kind, unit).empty())
    return FieldError{"unit", "bad_unit", {std::string(kind->unit), std::string(unit)}};
  if (!(value >= kind->min && value <= kind->max))
    return FieldError{"value", "out_of_range", {num(value), num(kind->min), num(kind->max), std::string(kind->unit)}};
  return std::nullopt;
}

VitalFlag flag_vital(const VitalKind& kind, double value) {
  if (kind.low == kind.high) return VitalFlag::normal;
  if (value < kind.low) return VitalFlag::low;
  if (value > kind.high) return VitalFlag::high;
  return VitalFlag::normal;
}

}  // namespace yz
