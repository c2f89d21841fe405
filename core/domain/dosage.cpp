#include "core/domain/dosage.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

namespace yz {

namespace {

constexpr std::array<std::string_view, 6> kFrequencies{"qd", "bid", "tid", "qid", "qn", "prn"};

struct UnitName {
  std::string_view typed, canonical;
};
// Matched case-insensitively for the Latin ones.
constexpr UnitName kUnits[] = {
    {"mg", "mg"}, {"g", "g"},   {"μg", "μg"}, {"µg", "μg"}, {"ug", "μg"}, {"mcg", "μg"}, {"ml", "ml"},
    {"iu", "IU"}, {"u", "U"},   {"片", "片"}, {"粒", "粒"}, {"丸", "丸"}, {"袋", "袋"},  {"包", "包"},
    {"支", "支"}, {"滴", "滴"}, {"喷", "喷"}, {"揿", "揿"}, {"贴", "贴"}, {"枚", "枚"},  {"勺", "勺"},
};

// A positive finite decimal written plainly ("5", "0.25", ".5" refused).
bool plain_positive(std::string_view s) {
  if (s.empty() || s.size() > 8 || s.front() == '.' || s.back() == '.') return false;
  int dots = 0;
  for (char c : s) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  if (dots > 1) return false;
  return std::strtod(std::string(s).c_str(), nullptr) > 0;
}

}  // namespace

std::span<const std::string_view> frequency_codes() { return kFrequencies; }

bool is_frequency(std::string_view code) {
  return std::find(kFrequencies.begin(), kFrequencies.end(), code) != kFrequencies.end();
}

std::string frequency_options() {
  std::string out;
  for (auto c : kFrequencies) out += (out.empty() ? "" : "|") + std::string(c);
  return out;
}

Checked<std::string> check_dose(std::string_view field, std::string_view typed) {
  const std::string t = trim(typed);
  const FieldError bad{std::string(field), "bad_dose", {t}};
  // The number: digits, dots and at most one dash (a range).
  size_t end = 0;
  while (end < t.size() && ((t[end] >= '0' && t[end] <= '9') || t[end] == '.' || t[end] == '-')) ++end;
  const std::string number = t.substr(0, end);
  const std::string unit = lower_ascii(trim(std::string_view(t).substr(end)));
  const size_t dash = number.find('-');
  if (dash == std::string::npos) {
    if (!plain_positive(number)) return bad;
  } else {
    const std::string lo = number.substr(0, dash), hi = number.substr(dash + 1);
    if (!plain_positive(lo) || !plain_positive(hi) || std::strtod(lo.c_str(), nullptr) >= std::strtod(hi.c_str(), nullptr))
      return bad;
  }
  for (const auto& u : kUnits)
    if (unit == u.typed) return number + " " + std::string(u.canonical);
  return bad;
}

}  // namespace yz
